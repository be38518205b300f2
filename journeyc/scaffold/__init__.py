"""`journeyc init`: the files of a new workspace that checks and builds clean at once.

`scaffold()` returns the files (path -> bytes) and opens nothing; `write()` puts
them on disk, refusing to replace an existing file unless told to.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path, PurePosixPath

from journeyc import __version__
from journeyc.errors import JourneycError
from journeyc.resources import SCHEMA_FILES, schema_text

#: where the local copies of the JSON Schemas go, so editors validate offline
SCHEMA_DIR = PurePosixPath(".journeyc/schemas")
FIRST_JOURNEY = "new-business"

# template in journeyc/scaffold -> (path in the workspace, kind whose schema its modeline names)
_YAML: dict[str, tuple[str, str]] = {
    "journeyc.yaml.tmpl": ("journeyc.yaml", "Config"),
    "teams.yaml.tmpl": ("teams.yaml", "Teams"),
    "vocabulary.yaml.tmpl": ("vocabulary.yaml", "Vocabulary"),
    "journey.yaml.tmpl": (f"journeys/{FIRST_JOURNEY}.yaml", "Journey"),
}
_OTHER: dict[str, str] = {
    "pre-commit-config.yaml.tmpl": ".pre-commit-config.yaml",
    "journeys-workflow.yml.tmpl": ".github/workflows/journeys.yml",
}


def requirement(source: str | None = None) -> str:
    """What CI installs: the journeyc that wrote the workspace, so CI and laptops agree.

    `source` is where the user's team gets journeyc: a package name (then from
    their index, `journeyc==VERSION`), a git URL (pinned to the `vVERSION` tag
    unless it names a ref) or a wheel's URL or path. Without one, the source
    this journeyc was installed from when it was a git URL (PEP 610), else the
    package index.
    """
    source = source or installed_from()
    if not source or "/" not in source and ":" not in source:
        return f"{source or 'journeyc'}=={__version__}"
    if source.startswith("git+") and "@" not in source.split("://", 1)[-1].split("/", 1)[-1]:
        source = f"{source}@v{__version__}"
    return f"journeyc @ {source}"


def installed_from() -> str | None:
    """The git URL and commit this journeyc was installed from (pip's direct_url.json), if it was."""
    import json
    from importlib import metadata

    try:
        text = metadata.distribution("journeyc").read_text("direct_url.json")
        data = json.loads(text) if text else {}
    except (metadata.PackageNotFoundError, ValueError):
        return None
    vcs = data.get("vcs_info") if isinstance(data, dict) else None
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(data.get("url"), str):
        return f"git+{data['url']}@{vcs.get('commit_id')}"
    return None


def in_git_repository(root: Path) -> bool:
    """True when `root` is inside a git work tree (a `.git` directory or file in it or above it)."""
    here = Path(os.path.abspath(root))
    return any((p / ".git").exists() for p in (here, *here.parents))


def schema_path(kind: str) -> PurePosixPath:
    return SCHEMA_DIR / f"{SCHEMA_FILES[kind]}.schema.json"


def modeline(target: PurePosixPath, kind: str) -> str:
    """`# yaml-language-server: $schema=...`, relative to the file (as yaml-language-server resolves it)."""
    up = "../" * (len(target.parts) - 1)
    return f"# yaml-language-server: $schema={up}{schema_path(kind)}\n"


def _template(name: str) -> str:
    return (resources.files("journeyc.scaffold") / name).read_text(encoding="utf-8")


#: what git should not track: the output of `journeyc build` (build.out of the scaffolded journeyc.yaml)
GITIGNORE = "/build/\n"


def scaffold(source: str | None = None) -> dict[PurePosixPath, bytes]:
    """Every file of a new workspace, by path relative to its root (.gitignore is merged by `write`)."""
    files: dict[PurePosixPath, bytes] = {}
    for template, (target, kind) in _YAML.items():
        path = PurePosixPath(target)
        files[path] = (modeline(path, kind) + _template(template)).encode("utf-8")
    for kind in SCHEMA_FILES:
        files[schema_path(kind)] = schema_text(kind).encode("utf-8")
    for template, target in _OTHER.items():
        text = _template(template).replace("@@REQUIREMENT@@", requirement(source))
        text = text.replace("@@VERSION@@", __version__)
        files[PurePosixPath(target)] = text.encode("utf-8")
    files[PurePosixPath(".gitignore")] = GITIGNORE.encode("utf-8")
    return dict(sorted(files.items()))


def write(root: Path, files: Mapping[PurePosixPath, bytes], *, force: bool = False) -> list[PurePosixPath]:
    """Write `files` under `root`; without `force`, refuse before writing anything if one exists."""
    if root.exists() and not root.is_dir():
        raise JourneycError(f"{root} exists and is not a directory")
    files = dict(files)
    ignore = root / ".gitignore"
    if ".gitignore" in map(str, files) and ignore.is_file():  # the user's own: add our line, keep theirs
        own = ignore.read_text(encoding="utf-8", errors="replace")
        missing = [line for line in GITIGNORE.splitlines() if line not in own.splitlines()]
        if not missing:
            del files[PurePosixPath(".gitignore")]
        else:
            files[PurePosixPath(".gitignore")] = (own + ("" if own.endswith("\n") or not own else "\n")
                                                  + "\n".join(missing) + "\n").encode("utf-8")
    for rel in files:
        dest = root.joinpath(*rel.parts)
        if str(rel) == ".gitignore":
            continue
        if dest.exists() or dest.is_symlink():
            if not force:
                raise JourneycError(f"{dest} already exists (use --force to overwrite)")
            if dest.is_dir():
                raise JourneycError(f"{dest} is a directory, not a file")
    for rel, data in files.items():
        _write_file(root.joinpath(*rel.parts), data)
    return list(files)


def _write_file(dest: Path, data: bytes) -> None:
    """Write through a temporary file and rename, so an interrupted init leaves no half file."""
    tmp = dest.with_name(f".{dest.name}.journeyc-tmp")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, dest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise JourneycError(f"cannot write {dest}: {exc.strerror or exc}") from None
