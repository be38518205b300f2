"""journeyc.yaml (kind Config): rule selection, build settings, input limits and the baseline.

Rule codes are normalised in one place (`normalise_code`) for the file and the
command line alike. The loading codes JC001-JC005 are never deselected, never
lowered and never suppressed: a file that could not be read is always said.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from journeyc.diagnostics import Severity
from journeyc.workspace.limits import Limits

CONFIG_FILE = "journeyc.yaml"
ALL_TARGETS = ("model", "diagrams", "docs", "hubspot", "salesforce", "pipedrive", "csv")
DEFAULT_OUT = "build/journeyc"
#: a file that could not be read, a key written twice, a wrong header, a schema error, refused input
LOADING_CODES = frozenset({"JC001", "JC002", "JC003", "JC004", "JC005"})


def normalise_code(text: str) -> str:
    """`jc601 ` -> `JC601`; `all` -> `ALL`."""
    return text.strip().upper()


def code_problem(pattern: str, known: Iterable[str]) -> str | None:
    """Why `pattern` (a normalised code or prefix) selects nothing, or None when it names a rule."""
    if pattern == "ALL":
        return None
    codes = list(known)
    if any(code.startswith(pattern) for code in codes) and pattern.startswith("JC"):
        return None
    return f"{pattern!r} is not a rule code or a prefix of one (codes run from {min(codes)} to {max(codes)})"


@dataclass(frozen=True)
class RuleSelection:
    """Which codes run and at what severity; codes may be prefixes (`JC6` = JC6xx)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        if code in LOADING_CODES:
            return True
        if self.select and not _matches(code, self.select):
            return False
        return not _matches(code, self.ignore)

    def severity_of(self, code: str, default: Severity) -> Severity:
        return default if code in LOADING_CODES else self.severity.get(code, default)

    def override(self, select: Iterable[str] = (), ignore: Iterable[str] = (),
                 severity: Mapping[str, Severity] | None = None) -> RuleSelection:
        """Command-line flags override the file: `--select` replaces its select and its ignore, `--ignore` adds."""
        sel, ign = tuple(select), tuple(ignore)
        merged = dict(self.severity)
        merged.update(severity or {})
        if sel:
            return RuleSelection(sel, ign, merged)
        return RuleSelection(self.select, self.ignore + ign, merged)


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(p == "ALL" or code.startswith(p) for p in patterns)


@dataclass(frozen=True)
class Config:
    rules: RuleSelection = RuleSelection()
    out: str = DEFAULT_OUT
    targets: tuple[str, ...] = ALL_TARGETS
    limits: Limits = Limits()
    #: build.funnel: a stage-history export, relative to the workspace root, laid over the journeys by build
    funnel: str | None = None
    #: extension keys (`x-...`) at the top of journeyc.yaml, passed to templates
    extensions: Mapping[str, Any] = field(default_factory=dict)
    #: the baseline file, relative to the workspace root (`check --baseline` overrides it)
    baseline: str | None = None


def config_from(data: Mapping[str, Any] | None) -> Config:
    """Build a Config from a Config document; values of the wrong type (reported by the schema) are skipped."""
    if not data:
        return Config()
    rules, build, limits = (_mapping(data.get(k)) for k in ("rules", "build", "limits"))
    severity = {}
    for code, sev in _mapping(rules.get("severity")).items():
        try:
            severity[normalise_code(str(code))] = Severity.parse(sev)
        except (ValueError, AttributeError):
            continue
    selection = RuleSelection(_codes(rules.get("select")), _codes(rules.get("ignore")), severity)
    targets = tuple(t for t in _texts(build.get("targets")) if t in ALL_TARGETS) if "targets" in build \
        else ALL_TARGETS
    out = build["out"] if isinstance(build.get("out"), str) else DEFAULT_OUT
    known = {f.name for f in fields(Limits)}
    lim = replace(Limits(), **{k: v for k, v in limits.items()
                               if k in known and isinstance(v, int) and not isinstance(v, bool) and v >= 0})
    funnel = build["funnel"] if isinstance(build.get("funnel"), str) and build["funnel"] else None
    extensions = {k: v for k, v in data.items() if isinstance(k, str) and k.startswith("x-")}
    baseline = data["baseline"] if isinstance(data.get("baseline"), str) and data["baseline"] else None
    return Config(selection, out, targets, lim, funnel, extensions, baseline)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _codes(value: Any) -> tuple[str, ...]:
    return tuple(normalise_code(v) for v in _texts(value))
