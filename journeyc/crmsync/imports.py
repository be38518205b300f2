"""`journeyc import`: plan the workspace files from CRM configurations, compare them with disk, write them.

Nothing is written when an input is bad (every source is read and checked
first), and an existing file is never replaced without `force`: a file that
would change is reported with its diff instead. A new workspace gets
`journeyc.yaml` and an empty `teams.yaml`; an existing one keeps its own, and
its terms and journey ids are reused (a pipeline it already maps, by CRM
identity, goes to the same file).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from journeyc.crmsync import plan, render
from journeyc.crmsync.terms import plan_terms
from journeyc.errors import JourneycError
from journeyc.readers.config import CrmConfig, CrmPipeline
from journeyc.wording import plural


@dataclass
class Planned:
    path: PurePosixPath
    data: bytes
    status: str = "new"       # new | unchanged | changed
    diff: str = ""


@dataclass
class ImportResult:
    root: Path
    files: list[Planned]
    journeys: list[plan.Journey]
    terms: int
    merges: list[str]
    hints: list[str]
    notes: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def refused(self) -> list[Planned]:
        return [f for f in self.files if f.status == "changed"]


def run(configs: list[CrmConfig], into: Path, *, force: bool = False, dry_run: bool = False,
        groups: tuple[str, ...] = ()) -> ImportResult:
    existing = (into / "journeyc.yaml").is_file()
    taken, known, held = _workspace(into) if existing else (set(), {}, {})
    chosen = [_group(spec, configs) for spec in groups]
    journeys = plan.journeys(configs, chosen, taken, held)
    terms = plan_terms(journeys, known)
    crms = [c.crm for c in configs]
    sources = {c.crm: c.sources for c in configs}
    files: dict[PurePosixPath, str] = {}
    if not existing:
        files[PurePosixPath("journeyc.yaml")] = render.config_text(crms)
        files[PurePosixPath("teams.yaml")] = render.teams_text()
    if terms.new:
        files[_free(into, PurePosixPath("vocabulary") / f"{'-'.join(crms)}.yaml")] = \
            render.vocabulary_text(terms.new, crms)
    for j in journeys:
        files[PurePosixPath(j.path or f"journeys/{j.id}.yaml")] = render.journey_text(j, _shown(sources[j.crm]))
    result = ImportResult(into, [_compare(into, path, text) for path, text in files.items()], journeys,
                          len(terms.new), terms.merges, terms.hints,
                          [n for c in configs for n in c.notes], [u for c in configs for u in c.unknown])
    if (result.refused and not force) or dry_run:
        return result
    _write(into, [f for f in result.files if f.status != "unchanged"])
    result.written = True
    return result


def _shown(sources: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(os.path.basename(s.rstrip("/")) if "://" not in s else s.split("?")[0] for s in sources)


def _workspace(into: Path) -> tuple[set[str], dict[str, str], dict[tuple[str, str], tuple[str, str]]]:
    """The journey ids, the words of the vocabulary, and the pipelines the workspace already maps, by identity."""
    from journeyc import engine

    ws = engine.load_workspace(into).workspace
    known = {w.casefold(): t.label for t in ws.terms for w in (t.label, *t.aliases)}
    held: dict[tuple[str, str], tuple[str, str]] = {}
    for j in ws.journeys:
        rel = os.path.relpath(os.path.join(os.getcwd(), j.ref.file), into).replace(os.sep, "/")
        for pipeline, _ in j.export_pipelines():
            for crm, key in (("hubspot", "id"), ("salesforce", "process"), ("pipedrive", "id")):
                value = pipeline.crm.get(crm, {}).get(key)
                if value is not None:
                    held.setdefault((crm, str(value)), (j.id, rel))
    return {j.id for j in ws.journeys}, known, held


def _group(spec: str, configs: list[CrmConfig]) -> tuple[str, list[CrmPipeline]]:
    """`ID=SEL,SEL`: one journey for the pipelines named by id or label, optionally `crm:`-prefixed."""
    jid, sep, rest = spec.partition("=")
    if not sep or not rest or plan.slug(jid, "journey") != jid:
        raise JourneycError(f"--journey {spec!r}: expected ID=PIPELINE[,PIPELINE...] with a kebab-case ID")
    picked: list[CrmPipeline] = []
    for sel in rest.split(","):
        crm, _, name = sel.rpartition(":") if ":" in sel else ("", "", sel)
        found = [p for c in configs for p in c.pipelines if (not crm or p.crm == crm)
                 and name.casefold() in ((p.key or "").casefold(), p.label.casefold())]
        if len(found) != 1:
            raise JourneycError(f"--journey {jid}: {sel!r} names {plural(len(found), 'pipeline')}"
                                " (name one by its CRM id,"
                                " or prefix it with hubspot:, salesforce: or pipedrive:)")
        if any(found[0] is p for p in picked) or found[0].crm != (picked[0].crm if picked else found[0].crm):
            raise JourneycError(f"--journey {jid}: {sel!r} is listed twice or belongs to another CRM")
        picked.append(found[0])
    return jid, picked


def _free(into: Path, path: PurePosixPath) -> PurePosixPath:
    """A vocabulary file name that exists nowhere yet: new terms never go into a file people edit."""
    n, candidate = 1, path
    while (into / candidate).exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _compare(into: Path, path: PurePosixPath, text: str) -> Planned:
    data = text.encode("utf-8")
    dest = into.joinpath(*path.parts)
    if not dest.exists():
        return Planned(path, data)
    try:
        old = dest.read_bytes()
    except OSError as exc:
        raise JourneycError(f"cannot read {dest}: {exc.strerror or exc}") from None
    if old == data:
        return Planned(path, data, "unchanged")
    diff = difflib.unified_diff(old.decode("utf-8", "replace").splitlines(keepends=True),
                                text.splitlines(keepends=True), f"a/{path}", f"b/{path}")
    return Planned(path, data, "changed", "".join(diff))


def _write(into: Path, files: list[Planned]) -> None:
    """Every file to a temporary name first, then renamed: a failure leaves no half-written file."""
    staged: list[tuple[Path, Path]] = []
    try:
        for f in files:
            dest = into.joinpath(*f.path.parts)
            if dest.is_dir():
                raise JourneycError(f"{dest} is a folder, not a file")
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".{dest.name}.journeyc-tmp")
            tmp.write_bytes(f.data)
            staged.append((tmp, dest))
        for tmp, dest in staged:
            os.replace(tmp, dest)
    except OSError as exc:
        raise JourneycError(f"cannot write into {into}: {exc.strerror or exc}") from None
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()
