"""The rule registry: every code journeyc can report, in one explicit table.

`journeyc rules`, `journeyc explain` and the README's rule table are generated
from it; grep for a code here to find its rule.
"""

from __future__ import annotations

from journeyc.rules import crm, flow, hygiene, input, ownership, references, vocabulary
from journeyc.rules.base import Rule

RULES: dict[str, Rule] = {
    r.code: r
    for module in (input, references, vocabulary, ownership, flow, crm, hygiene)
    for r in module.RULES
}

__all__ = ["RULES", "Rule"]
