"""check: load -> validate -> model -> rules -> selection and suppressions; returns results, prints nothing.

`check` judges the workspaces around the paths it is given and reports what
is located in them (DESIGN §3). A given Config, Teams or Vocabulary document
(or a journey whose id another shares) also reports the damage it causes in
other files. Nothing is ever called clean that was not read: files named on
the command line that hold no journeyc document are listed as not checked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from journeyc.diagnostics import Diagnostic, Position, Severity, Span
from journeyc.errors import JourneycError
from journeyc.rules import LOCAL, RULES
from journeyc.rules.base import Context, Rule
from journeyc.workspace import edits, suppress
from journeyc.workspace.config import CONFIG_FILE, LOADING_CODES, RuleSelection, code_problem
from journeyc.workspace.filepart import finding_diagnostic, judge_file
from journeyc.workspace.load import Loaded, display_path, find_root, load_config, paused_gc
from journeyc.workspace.load import load_workspace as _load_workspace
from journeyc.workspace.model import Finding, Ref, Workspace

if TYPE_CHECKING:  # the cache is imported only when used: `check --no-cache` pays for none of it
    from journeyc import baseline as baselines
    from journeyc.cache.store import Store

__all__ = ["CheckOptions", "CheckResult", "Loaded", "baseline_hook", "check", "config_problems", "diagnose",
           "display_path", "empty_workspace", "find_root", "load_config", "load_workspace", "paused_gc", "run_rules",
           "settle"]

#: a diagnostic, and the lines whose suppression comments may silence it
Pair = tuple[Diagnostic, tuple[int, ...]]
#: what a given document of each kind may break elsewhere (a Config changes everything)
DAMAGE = {"Teams": frozenset({"JC102"}), "Vocabulary": frozenset({"JC103", "JC201"}),
          "Journey": frozenset({"JC101"})}


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic]
    files: int
    loaded: Loaded | None = None
    #: files named on the command line that were not checked, and why
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: findings the baseline holds, not reported
    baselined: int = 0
    #: each baseline file used, with the entries it should hold now (what `--update-baseline` writes)
    baselines: list[tuple[Path, list[baselines.Entry]]] = field(default_factory=list)
    #: one-line notes for the user (the cache could not be used)
    notices: list[str] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(d.severity == severity for d in self.diagnostics)

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> int:
        return 1 if any(d.severity >= fail_on for d in self.diagnostics) else 0


@dataclass(frozen=True)
class CheckOptions:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    #: the build targets whose CRM limits apply (None: `build.targets` of journeyc.yaml); `build --target X` sets it
    targets: tuple[str, ...] | None = None
    #: give each diagnostic its safe fix, when it has one (`journeyc fix`, the editor's quick fixes)
    fixes: bool = False
    #: contents that stand for files on disk, by absolute path (fixes not written yet, unsaved buffers)
    overrides: Mapping[str, bytes] | None = None
    #: the baseline file (None: journeyc.yaml's `baseline:`, if any); `use_baseline=False` reports everything
    baseline: Path | None = None
    use_baseline: bool = True
    #: the baseline is being rewritten: every finding judged now is in it, and a missing file is an empty one
    update_baseline: bool = False
    #: keep what each file contributes in the cache (journeyc.cache) and take it from there when unchanged
    cache: bool = False
    #: let go of the texts of the files without findings once loaded (a one-off check: `journeyc check`); a caller
    #: that reads the texts afterwards (an editor, `fix`) keeps them
    forget_texts: bool = False


def load_workspace(target: Path, **kwargs: object) -> Loaded:
    with paused_gc():
        return _load_workspace(target, **kwargs)  # type: ignore[arg-type]


def run_rules(loaded: Loaded, selection: RuleSelection, targets: Sequence[str] | None = None, *,
              codes: Container[str] | None = None, fixes: bool = False,
              workspace: Workspace | None = None) -> list[tuple[Diagnostic, tuple[int, ...]]]:
    """Every enabled rule's diagnostics (of `codes` only, when given), each with the lines that open the object
    it is about (suppressions) and, with `fixes`, its safe fix; on `workspace` instead of the loaded one, when
    given (the same workspace with fewer journeys)."""
    context = Context(frozenset(loaded.config.targets if targets is None else targets), selection.enabled)
    ws = loaded.workspace if workspace is None else workspace
    out: list[tuple[Diagnostic, tuple[int, ...]]] = []
    for rule in RULES.values():
        if rule.check is None or not selection.enabled(rule.code) or (codes is not None and rule.code not in codes):
            continue
        severity = selection.severity_of(rule.code, rule.severity)
        out.extend(diagnose(rule, severity, finding, fixes) for finding in rule.check(ws, context))
    return out


def _judged(loaded: Loaded, selection: RuleSelection, options: CheckOptions, damage: frozenset[str],
            named: Callable[[str], bool] | None, store: Store | None = None) -> list[Pair]:
    """The rules' diagnostics that can be reported: with files named (`named`), a local rule whose findings
    stay in their file judges only the named files' journeys (what `check .` says about them, for a fraction
    of the work); every other rule judges the whole workspace. With a `store`, the local rules' findings about
    the journeys of an unchanged file come from the cache (journeyc.cache.verdicts)."""
    ws = loaded.workspace
    whole = named is None or damage >= LOCAL
    if whole and store is None:
        return run_rules(loaded, selection, options.targets, fixes=options.fixes)
    alone = LOCAL if whole else LOCAL - damage
    mine = ws.journeys if named is None or whole else tuple(j for j in ws.journeys if named(j.ref.file))
    out = run_rules(loaded, selection, options.targets, fixes=options.fixes, codes=frozenset(RULES) - alone)
    if store is None:
        return out + run_rules(loaded, selection, options.targets, fixes=options.fixes, codes=alone,
                               workspace=replace(ws, journeys=mine))
    from journeyc.cache import verdicts

    def run(part: Workspace) -> list[Pair]:
        return run_rules(loaded, selection, options.targets, fixes=options.fixes, codes=alone, workspace=part)

    return out + verdicts.local_findings(store, loaded, mine, verdicts.context(loaded, _settings(
        loaded, selection, options, alone)), run)


def _settings(loaded: Loaded, selection: RuleSelection, options: CheckOptions, codes: frozenset[str]) -> list[str]:
    """What the local rules' findings depend on in the options: the codes run, every code's state (a rule keeps
    quiet about what an enabled one reports), the targets, whether fixes are made."""
    targets = loaded.config.targets if options.targets is None else options.targets
    states = [f"{c}:{int(selection.enabled(c))}:{int(selection.severity_of(c, RULES[c].severity))}"
              for c in sorted(RULES)]
    return [",".join(sorted(codes)), *states, ",".join(sorted(set(targets))), str(options.fixes)]


def diagnose(rule: Rule, severity: Severity, finding: Finding,
             fixes: bool = False) -> tuple[Diagnostic, tuple[int, ...]]:
    """A rule's finding as a diagnostic (with its fix, when asked), and the lines that may suppress it."""
    diag = finding_diagnostic(rule.code, severity, finding)
    if fixes and rule.fix is not None and finding.replacement is not None:
        diag = replace(diag, fix=edits.replace_in_scalar(finding))
    return diag, _scope_lines(finding.at)


def _scope_lines(ref: Ref) -> tuple[int, ...]:
    """The lines opening the stage, term, team or signal a finding sits in: its first key's and its `-`'s."""
    if len(ref.path) < 2 or ref.path[0] not in ("stages", "terms", "teams", "signals") or \
            not isinstance(ref.path[1], int):
        return ()
    line = ref.doc.smap.span(ref.path[:2]).line
    lines = ref.doc.source.lines
    dash = line
    while dash > 1 and not lines[dash - 1].strip().startswith("-"):
        above = lines[dash - 2].strip()
        if above and not above.startswith("#") and not above.startswith("-"):
            break
        dash -= 1
    return (line, dash) if dash != line and lines[dash - 1].strip().startswith("-") else (line,)


def check(paths: Sequence[Path], options: CheckOptions = CheckOptions()) -> CheckResult:
    """Check the workspaces around `paths`, reporting what is located in them."""
    paths = list(paths) or [Path.cwd()]
    groups: dict[Path, list[Path]] = {}
    for p in paths:
        if not os.path.exists(p):  # a dangling link too
            raise JourneycError(f"no such file or directory: {p}")
        groups.setdefault(find_root(p), []).append(Path(os.path.abspath(p)))
    if options.baseline is not None and len(groups) > 1:
        raise JourneycError(f"a baseline belongs to one workspace, but the paths are in {len(groups)}: check them"
                            " one workspace at a time")
    result = CheckResult([], 0)
    with paused_gc():
        for root, targets in groups.items():
            _check_one(root, targets, options, result)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _check_one(root: Path, targets: list[Path], options: CheckOptions, result: CheckResult) -> None:
    files = [t for t in targets if not t.is_dir()]
    dirs = [t for t in targets if t.is_dir()]
    store = _open_store(root, options, result.notices)
    loaded = _load_workspace(root, named=files, overrides=options.overrides,
                             judge=judge_file if store is None else store.judge, forget_texts=options.forget_texts)
    selection = loaded.config.rules.override(options.select, options.ignore, options.severity)
    given_kinds = set().union(*(loaded.kinds.get(display_path(f), set()) for f in files))
    damage = frozenset(RULES) if dirs or given_kinds & {"Config", "?"} else \
        frozenset().union(*(DAMAGE.get(k, frozenset()) for k in given_kinds))
    wanted = _reported(files, dirs, {s for s, _ in loaded.skipped})
    diagnostics = loaded.diagnostics + config_problems(loaded, root)
    pairs = [(d, ()) for d in diagnostics] + _judged(loaded, selection, options, damage, None if dirs else wanted,
                                                     store)
    _save_store(store, result.notices)
    # a file that holds nothing of journeyc's is not judged, its comments neither (as `check FILE` skips it)
    marks = {path: suppress.parse(src) for path, src in loaded.sources.items() if wanted(path) and path in loaded.kinds}
    kept = [p for p in pairs if wanted(p[0].position.file) or
            (p[0].code in damage and p[0].position.file in loaded.sources)]
    found = settle(kept, selection, marks)
    found.extend(empty_workspace(loaded, root, selection, wanted))
    found = baseline_hook(root, loaded, selection, wanted, _dedupe(found), options, result)
    result.diagnostics.extend(found)
    result.diagnostics[:] = _dedupe(result.diagnostics)
    result.files += len({p for p in loaded.sources if wanted(p)} |
                        {d.position.file for d in loaded.diagnostics if wanted(d.position.file)})
    result.skipped.extend(loaded.skipped)
    result.loaded = loaded


def settle(pairs: Iterable[tuple[Diagnostic, tuple[int, ...]]], selection: RuleSelection,
           marks: Mapping[str, dict[int, suppress.Suppression]]) -> list[Diagnostic]:
    """Diagnostics as check reports them: the enabled codes at their severity, minus what a comment of `marks`
    (the suppressions of the files being reported) silences, plus JC006 for the comments that silence nothing."""
    out = []
    for diag, scope in pairs:
        if not selection.enabled(diag.code):
            continue
        diag = diag.with_severity(selection.severity_of(diag.code, diag.severity))
        found = marks.get(diag.position.file, {})
        if diag.code not in LOADING_CODES and any(s.silences(diag.code) for line in (diag.position.line, *scope)
                                                  if (s := found.get(line)) is not None):
            continue
        out.append(diag)
    if selection.enabled("JC006"):
        severity = selection.severity_of("JC006", Severity.INFO)
        for path, found in marks.items():
            out.extend(d.with_severity(severity) for d in suppress.unused(path, found))
    return out


def baseline_hook(root: Path, loaded: Loaded, selection: RuleSelection, wanted: Callable[[str], bool],
                  found: list[Diagnostic], options: CheckOptions, result: CheckResult) -> list[Diagnostic]:
    """What the workspace's baseline lets through (all of `found` without one); records what it should hold now."""
    if not options.use_baseline or (options.baseline is None and not loaded.config.baseline):
        return found  # nearly every check: the module (fingerprints, its regex, three dataclasses) is not imported
    from journeyc import baseline as baselines

    path = baselines.path_for(root, loaded.config.baseline, options.baseline) if options.use_baseline else None
    if path is None:
        return found
    if options.baseline is None and not options.update_baseline and not path.exists():
        return found + [baselines.missing(loaded.config_document, path)] if wanted(display_path(root / CONFIG_FILE)) \
            else found
    stale = selection.severity_of("JC008", Severity.INFO) if selection.enabled("JC008") else None
    outcome = baselines.screen(path, root, found, loaded.sources, lambda shown, code: wanted(shown) and
                               selection.enabled(code), stale, update=options.update_baseline)
    result.baselined += outcome.baselined
    result.baselines.append((path, outcome.updated))
    return outcome.kept


def _open_store(root: Path, options: CheckOptions, notices: list[str]) -> Store | None:
    """The workspace's cache when asked for; one that cannot be written is said once, and not used."""
    if not options.cache:
        return None
    from journeyc.cache.store import open_store

    store, why = open_store(root)
    if store is None:
        notices.append(str(why))
    else:
        store.lend = options.forget_texts  # what the workspace lets go of, the cache does not keep either
    return store


def _save_store(store: Store | None, notices: list[str]) -> None:
    if store is None:
        return
    try:
        store.save()
    except OSError as exc:
        notices.append(f"cache not saved: {exc.strerror or exc}")


def _reported(files: list[Path], dirs: list[Path], skipped: set[str]) -> Callable[[str], bool]:
    """Which displayed paths the user asked about: the files given, and anything below the directories given."""
    names = {str(f) for f in files}
    prefixes = tuple(str(d).rstrip(os.sep) + os.sep for d in dirs)
    here = os.getcwd()  # asked once: abspath asks the system each time, and this is asked of every file twice

    def wanted(path: str) -> bool:
        absolute = os.path.normpath(os.path.join(here, path))  # os.path.abspath's own definition
        return path not in skipped and (absolute in names or absolute.startswith(prefixes))

    return wanted


def config_problems(loaded: Loaded, root: Path) -> list[Diagnostic]:
    """Rule codes in journeyc.yaml that select nothing, and severities the loading codes cannot take."""
    doc = loaded.config_document
    if doc is None:
        return []
    rules = doc.data.get("rules")
    if not isinstance(rules, dict):
        return []
    gaps = loaded.workspace.gaps
    out = []
    for key in ("select", "ignore"):
        values = rules.get(key)
        for i, value in enumerate(values if isinstance(values, list) else []):
            if not isinstance(value, str) or gaps.unknown(Ref(doc, ("rules", key, i))):
                continue  # the schema said what is wrong with it
            code = value.strip().upper()
            problem = code_problem(code, RULES)
            if problem is None and key == "ignore" and code in LOADING_CODES:
                problem = f"{code} is never ignored: a file that could not be read as written always fails"
            if problem is not None:
                out.append(Diagnostic("JC004", Severity.ERROR, problem, doc.position(("rules", key, i)),
                                      "write a code such as JC601, a prefix such as JC6, or ALL"))
    severity = rules.get("severity")
    for code in severity if isinstance(severity, dict) else {}:
        if gaps.unknown(Ref(doc, ("rules", "severity", code))):
            continue
        name = str(code).strip().upper()
        problem = code_problem(name, RULES)
        if problem is None and name in LOADING_CODES:
            problem = f"{name} stays an error: a file that could not be read always fails the check"
        if problem is not None:
            out.append(Diagnostic("JC004", Severity.ERROR, problem, doc.position(("rules", "severity", code), key=True),
                                  "remove this line"))
    return out


def empty_workspace(loaded: Loaded, root: Path, selection: RuleSelection,
                     wanted: Callable[[str], bool]) -> list[Diagnostic]:
    """JC007: a workspace without any journey checks nothing that matters."""
    shown = display_path(root / CONFIG_FILE)
    if loaded.workspace.journeys or loaded.workspace.gaps.failed_kind("Journey") or not wanted(shown) \
            or not selection.enabled("JC007"):
        return []
    return [Diagnostic("JC007", selection.severity_of("JC007", Severity.WARNING),
                       "the workspace holds no journey: there is nothing to check or build",
                       Position(shown, Span.point(1, 1)),
                       "add a journey (kind: Journey) in a YAML file below the workspace root")]


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for d in diags:
        key = (d.code, d.position, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
