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

#: rules whose findings about a journey depend on no other journey: only on that journey, the teams, the
#: vocabulary, the configuration and whether the workspace has gaps. Run on the teams, the vocabulary and some
#: journeys, such a rule says about those journeys what it says on the whole workspace, and run on no journey
#: at all, what it says about the teams and the vocabulary. `check FILE` and the language server judge only the
#: journeys that changed with them. The list is explicit and checked by a test (tests/lsp/test_scope.py); a
#: rule not in it is treated as cross-journey, which is always right, only slower.
LOCAL = frozenset({
    "JC102", "JC103", "JC104", "JC105", "JC201", "JC203", "JC204", "JC301", "JC302", "JC401", "JC402", "JC403",
    "JC404", "JC405", "JC501", "JC502", "JC506", "JC507", "JC601", "JC602", "JC603", "JC604", "JC605",
})

__all__ = ["LOCAL", "RULES", "Rule"]
