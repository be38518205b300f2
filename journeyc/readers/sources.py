"""Which reader a SOURCE argument needs, and reading journeyc's own build output back.

A SOURCE is a path: a folder is a Salesforce retrieve; a JSON file is a HubSpot
or a Pipedrive response, told apart by its shape. A prefix names the CRM when
the shape cannot: `hubspot:FILE`, `hubspot-deals:FILE` (also `-tickets`,
`-leads`), `pipedrive:FILE`, `salesforce:DIR`. Every Pipedrive file of one run
is read together (the pipelines and the stages responses, every page).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from journeyc.readers import hubspot, pipedrive, salesforce
from journeyc.readers.config import CrmConfig, CrmPipeline, ReadError, merged
from journeyc.readers.jsondoc import parse

MAX_FILE = 64 * 1024 * 1024
PREFIXES = ("hubspot", "hubspot-deals", "hubspot-tickets", "hubspot-leads", "pipedrive", "salesforce")
_PREFIX = re.compile(r"^(" + "|".join(sorted(PREFIXES, key=len, reverse=True)) + r"):(.+)$")


def read_file(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise ReadError(f"{path}: a folder, not a JSON file")
        with open(path, "rb") as f:
            data = f.read(MAX_FILE + 1)
    except OSError as exc:
        raise ReadError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE:
        raise ReadError(f"{path}: larger than {MAX_FILE // (1024 * 1024)} MB: refused")
    return data


def read_sources(sources: list[str]) -> list[CrmConfig]:
    """Every SOURCE read and checked; a ReadError at the first bad one (so nothing is written)."""
    configs: list[CrmConfig] = []
    pipedrive_files: list[tuple[bytes, str]] = []
    for source in sources:
        match = _PREFIX.match(source)
        prefix, path = (match.group(1), Path(match.group(2))) if match else (None, Path(source))
        if not path.exists():
            raise ReadError(f"{path}: no such file or folder")
        if prefix == "salesforce" or (prefix is None and path.is_dir()):
            configs.append(salesforce.read(path))
            continue
        data = read_file(path)
        crm = prefix.split("-")[0] if prefix else _shape(data, str(path))
        if crm == "pipedrive":
            pipedrive_files.append((data, str(path)))
        else:
            obj = hubspot.OBJECTS[prefix.split("-")[1] + ""] if prefix and "-" in prefix else None
            configs.append(hubspot.read(data, str(path), obj, guess=_guess(path)))
    if pipedrive_files:
        configs.append(pipedrive.read(pipedrive_files))
    return merged(configs)


def _shape(data: bytes, name: str) -> str:
    value = parse(data, name)
    if isinstance(value, dict) and ("success" in value or "data" in value):
        return "pipedrive"
    if isinstance(value, dict) and ("results" in value or "stages" in value or "status" in value):
        return "hubspot"
    found = f"an object with {', '.join(repr(k) for k in list(value)[:4])}" if isinstance(value, dict) \
        else f"a JSON {type(value).__name__}"
    raise ReadError(f"{name}: (top level): not a CRM response: expected HubSpot pipelines ({{\"results\": [...]}})"
                    f" or a Pipedrive response ({{\"success\", \"data\"}}), found {found}")


def _guess(path: Path) -> str | None:
    found = {obj for word, obj in hubspot.OBJECTS.items() if word[:-1] in path.name.lower()}
    return found.pop() if len(found) == 1 else None


# --- journeyc's own build output, read back ---------------------------------------------------


def read_built(out: Path, crm: str) -> CrmConfig:
    """The CRM configuration that `journeyc build` wrote under `out` (its --out directory), as a reader sees it."""
    folder = out / "crm" / crm
    if crm == "salesforce":
        return salesforce.read(folder) if folder.is_dir() else CrmConfig(crm, ())
    configs: list[CrmConfig] = []
    pipelines: list[CrmPipeline] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = read_file(path)
        try:
            shape = json.loads(data)
        except ValueError:
            shape = None
        if not isinstance(shape, dict) or "stages" not in shape:
            continue  # a manifest or another companion file
        if crm == "hubspot":
            configs.append(hubspot.read(data, str(path), body=True))
        else:
            pipelines.append(pipedrive.read_body(data, str(path)))
    if crm == "pipedrive":
        return CrmConfig(crm, tuple(pipelines), (str(folder),))
    return merged(configs)[0] if configs else CrmConfig(crm, ())
