"""How a rule is made (rules/base.py): its code, name, severity, fix, and its docstring as its documentation.

The registry itself (every code, each with cases and sections) is checked in test_rule_cases.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from journeyc.diagnostics import Severity
from journeyc.rules.base import Context, Rule, documented, rule
from journeyc.workspace.model import Finding, Workspace


def _check(ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """Stage without an owner.

        **Anti-pattern**

            - id: demo
    """
    yield from ()


def test_a_rule_is_its_check_with_the_docstring_cleaned_as_its_documentation() -> None:
    made = rule("JC999", "some-rule", Severity.WARNING, fix="adds the owner")(_check)
    assert made == Rule("JC999", "some-rule", Severity.WARNING, "Stage without an owner.\n\n**Anti-pattern**\n\n"
                        "    - id: demo", fix="adds the owner")
    assert made.check is _check
    assert made.summary == "Stage without an owner"


def test_a_rule_without_a_fix_says_so_with_none() -> None:
    assert rule("JC999", "some-rule", Severity.INFO)(_check).fix is None


def test_a_check_without_a_docstring_is_refused_when_it_is_registered() -> None:
    def bare(ws: Workspace, ctx: Context) -> Iterator[Finding]:
        yield from ()

    with pytest.raises(TypeError, match=r"^rule JC999: its check bare needs a docstring, the rule's documentation$"):
        rule("JC999", "some-rule", Severity.ERROR)(bare)


def test_a_code_raised_elsewhere_is_documented_without_a_check() -> None:
    doc = """
        Raised by the loader.

        **Why it matters:** it is.
    """
    made = documented("JC998", "raised-elsewhere", Severity.ERROR, doc, fix="rewrites the line")
    assert made == Rule("JC998", "raised-elsewhere", Severity.ERROR,
                        "Raised by the loader.\n\n**Why it matters:** it is.", fix="rewrites the line")
    assert made.check is None
    assert documented("JC998", "raised-elsewhere", Severity.ERROR, doc).fix is None
