"""docs/rules.md, where the editor's diagnostics link (`codeDescription`), is the registry's documentation."""

from __future__ import annotations

from pathlib import Path

from journeyc.rules import RULES

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def render() -> str:
    parts = ["# journeyc rules\n",
             "Every code journeyc reports, generated from the rule registry: the same text as"
             " `journeyc explain CODE`. The language server links each diagnostic here (`#jc201`). Do not edit:"
             " `pytest tests/test_rule_docs.py --update-golden` rewrites it.\n"]
    for rule in RULES.values():
        fix = f"`journeyc fix` {rule.fix}" if rule.fix else "none"
        parts.append(f"## {rule.code}\n\n**{rule.name}**, default severity {rule.severity.label}; safe fix: {fix}.\n\n"
                     f"{rule.doc}\n")
    return "\n".join(parts)


def test_rules_page_is_the_registry(update_golden: bool) -> None:
    if update_golden:
        DOCS.write_text(render(), encoding="utf-8")
    assert DOCS.read_text(encoding="utf-8") == render(), "run pytest tests/test_rule_docs.py --update-golden"
