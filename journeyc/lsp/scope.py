"""Which rules judge one journey at a time, and what of a journey the others can see.

A rule is *local* when its findings about a journey depend only on that
journey, the teams, the vocabulary, the configuration and whether the
workspace has gaps: run on the teams, the vocabulary and one journey, it
says about that journey what it says on the whole workspace, and run on no
journey at all, it says what it says about the teams and the vocabulary.
The list is `journeyc.rules.LOCAL`, explicit and checked by a test
(tests/lsp/test_scope.py); a rule not in it is treated as cross-journey,
which is always right, only slower.

The other (cross-journey) rules read a journey's ids, owners, terms,
pipelines and the lines things are written on, never its free text: the
*shape* of a file is what they may see. A keystroke that leaves the shape
alone (typing in a description) cannot change their findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from journeyc.diagnostics import Severity
from journeyc.rules import LOCAL, RULES
from journeyc.rules.base import Context, Rule
from journeyc.workspace.config import RuleSelection
from journeyc.workspace.model import Finding, Workspace

__all__ = ["LOCAL", "Hit", "crossing", "hits", "shape"]

#: free text, and extension values: no cross-journey rule reads them (journey and pipeline names are read:
#: they become CRM pipeline labels)
_JOURNEY_TEXT = frozenset({"description"})
_STAGE_TEXT = frozenset({"description", "actions", "content"})
_SIGNAL_TEXT = frozenset({"description", "source"})


class Hit(NamedTuple):
    """A rule's finding, kept as a finding: its position is computed from whichever text is current."""

    rule: Rule
    severity: Severity
    finding: Finding


def hits(ws: Workspace, codes: Iterable[str], selection: RuleSelection, targets: frozenset[str]) -> list[Hit]:
    """The findings of the enabled rules among `codes`, in registry order."""
    wanted = set(codes)
    context = Context(targets, selection.enabled)
    out: list[Hit] = []
    for rule in RULES.values():
        if rule.check is None or rule.code not in wanted or not selection.enabled(rule.code):
            continue
        severity = selection.severity_of(rule.code, rule.severity)
        out.extend(Hit(rule, severity, f) for f in rule.check(ws, context))
    return out


def crossing() -> frozenset[str]:
    """The codes of the cross-journey rules: every rule with a check that is not local."""
    return frozenset(code for code, rule in RULES.items() if rule.check is not None and code not in LOCAL)


def shape(kind: str, data: Any) -> Any:
    """What cross-journey rules may read of a document: its data without free text and extension values."""
    if kind != "Journey" or not isinstance(data, dict):
        return _plain(data)
    out = {k: _plain(v) for k, v in data.items() if k not in _JOURNEY_TEXT and not _extension(k)}
    for key, text in (("stages", _STAGE_TEXT), ("signals", _SIGNAL_TEXT)):
        items = data.get(key)
        if isinstance(items, list):
            out[key] = [{k: _plain(v) for k, v in item.items() if k not in text and not _extension(k)}
                        if isinstance(item, dict) else _plain(item) for item in items]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not _extension(k)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _extension(key: Any) -> bool:
    return isinstance(key, str) and key.startswith("x-")
