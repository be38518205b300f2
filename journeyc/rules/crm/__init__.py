"""JC501-JC507: probabilities make sense, every number a CRM gets is said, and the journeys fit the CRMs.

One module per concern: `numbers` (what probabilities the CRMs get: JC501,
JC502, JC506), `reopened` (won deals that would be reopened: JC507), `fit`
(limits of one pipeline or value set: JC503), `conflicts` (what no CRM can
hold across pipelines: JC504, JC505). The CRM
rules judge the targets of `Context.targets` (journeyc.yaml `build.targets`,
or `build --target`).
"""

from journeyc.rules.crm.conflicts import crm_duplicate, value_order
from journeyc.rules.crm.fit import crm_limit
from journeyc.rules.crm.numbers import closed_probability, crm_number, falling_probability
from journeyc.rules.crm.reopened import reopened_deal

RULES = (closed_probability, falling_probability, crm_limit, value_order, crm_duplicate, crm_number, reopened_deal)

__all__ = ["RULES"]
