"""Find and parse the files of a Salesforce retrieve: source format (sfdx) or metadata (mdapi) format.

Source format, as `sf project retrieve start` writes it (file registry of
forcedotcom/source-deploy-retrieve): `standardValueSets/<Set>.standardValueSet-meta.xml`,
`objects/<Object>/businessProcesses/<Name>.businessProcess-meta.xml`,
`objects/<Object>/recordTypes/<Name>.recordType-meta.xml`,
`pathAssistants/<Name>.pathAssistant-meta.xml`, below the package directories
of `sfdx-project.json`. Metadata format: `standardValueSets/<Set>.standardValueSet`
and the processes and record types inside `objects/<Object>.object`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from journeyc.readers.config import ReadError
from journeyc.readers.jsondoc import Node, Source, parse
from journeyc.readers.xmldoc import Element
from journeyc.readers.xmldoc import parse as parse_xml

MAX_FILE = 16 * 1024 * 1024
MAX_FILES = 200_000
_SKIP_DIRS = {"node_modules", ".git", ".sf", ".sfdx"}


@dataclass
class Retrieve:
    """The parsed files of a retrieve, by kind; `unknown` collects elements journeyc does not know."""

    root: str
    value_sets: dict[str, Element] = field(default_factory=dict)     # OpportunityStage -> <StandardValueSet>
    processes: list[tuple[str, Element]] = field(default_factory=list)   # (object, <BusinessProcess>)
    record_types: list[tuple[str, Element]] = field(default_factory=list)
    paths: int = 0
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def scan(root: Path) -> Retrieve:
    """Every relevant file below `root` (a retrieve folder), parsed; a ReadError if it is not a retrieve."""
    if not root.is_dir():
        raise ReadError(f"{root}: not a folder (a Salesforce retrieve is a folder)")
    found = Retrieve(str(root))
    for directory in _package_dirs(root):
        for path in _walk(directory):
            _one(found, root, path)
    if not (found.value_sets or found.processes):
        raise ReadError(f"{root}: not a Salesforce retrieve: no standardValueSets/*.standardValueSet-meta.xml and no"
                        " objects/*/businessProcesses (retrieve with `sf project retrieve start --metadata"
                        " StandardValueSet:OpportunityStage --metadata BusinessProcess ...`)")
    return found


def _package_dirs(root: Path) -> list[Path]:
    project = root / "sfdx-project.json"
    if not project.is_file():
        return [root]
    top = Node(parse(_read(project), str(project)), Source(str(project)))
    top.expect(dict, "an sfdx-project.json object")
    dirs = []
    for item in top.need("packageDirectories").items():
        rel = item.expect(dict, "a package directory").text("path")
        assert rel is not None
        target = (root / rel).resolve()
        if not str(target).startswith(str(root.resolve())) or not target.is_dir():
            raise item.fail(f"package directory {rel!r} is not a folder inside {root}")
        dirs.append(target)
    return dirs


def _walk(directory: Path) -> list[Path]:
    out: list[Path] = []
    for here, dirs, files in os.walk(directory):  # does not follow links to folders
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        out.extend(Path(here, f) for f in sorted(files))
        if len(out) > MAX_FILES:
            raise ReadError(f"{directory}: more than {MAX_FILES} files: not a retrieve")
    return out


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE:
            raise ReadError(f"{path}: larger than {MAX_FILE // (1024 * 1024)} MB: refused")
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read {path}: {exc.strerror or exc}") from None


_KINDS = {  # suffix -> (kind, root element)
    ".standardValueSet-meta.xml": ("value_set", "StandardValueSet"),
    ".standardValueSet": ("value_set", "StandardValueSet"),
    ".businessProcess-meta.xml": ("process", "BusinessProcess"),
    ".recordType-meta.xml": ("record_type", "RecordType"),
    ".pathAssistant-meta.xml": ("path", "PathAssistant"),
    ".pathAssistant": ("path", "PathAssistant"),
    ".object": ("object", "CustomObject"),
}


def _one(found: Retrieve, root: Path, path: Path) -> None:
    name = path.name
    suffix = next((s for s in _KINDS if name.endswith(s) and len(name) > len(s)), None)
    if suffix is None or not path.is_file():
        return
    kind, element = _KINDS[suffix]
    stem, shown = name[: -len(suffix)], str(path)
    if kind in ("process", "record_type") and path.parent.parent.parent.name != "objects":
        return  # the registry's strict layout: objects/<Object>/<kind>/<file>
    top = Element(parse_xml(_read(path), shown, element), shown, f"/{element}", found.unknown)
    if kind == "value_set":
        found.value_sets[stem] = top
    elif kind == "process":
        found.processes.append((path.parent.parent.name, top))
    elif kind == "record_type":
        found.record_types.append((path.parent.parent.name, top))
    elif kind == "path":
        found.paths += 1
    else:  # metadata format: processes and record types inside the object file
        found.processes.extend((stem, e) for e in top.children("businessProcesses"))
        found.record_types.extend((stem, e) for e in top.children("recordTypes"))
