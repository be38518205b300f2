"""What each CRM accepts: limits shared by the CRM rules, the CRM emitters and the diff.

Sources: /work/notes research (HubSpot pipelines spec 2026-03 and guide,
Salesforce Metadata API WSDL 65.0, Pipedrive client-nodejs v2 models) and
../shared/reference/crm-formats.md.
"""

from __future__ import annotations

from journeyc.crm.probability import (
    DEFAULT_OPEN_PERCENT,
    hubspot_probabilities,
    inherited_percents,
    probability_of,
)

#: journeyc pipeline object -> HubSpot objectType. HubSpot's guide lists Leads among the objects with
#: pipelines ("Leads (Sales Hub Professional and Enterprise only)"); `leads` is the objectType integrations use.
HUBSPOT_OBJECT_TYPES = {"deal": "deals", "ticket": "tickets", "lead": "leads"}
HUBSPOT_OBJECTS = tuple(HUBSPOT_OBJECT_TYPES)
#: "Appointment, course, listing, lead, order, and service pipelines can have up to 30 stages. Deal, ticket,
#: and custom object pipelines can have up to 100 stages." (HubSpot pipelines guide, 2026-09 edition)
HUBSPOT_MAX_STAGES = {"deal": 100, "ticket": 100, "lead": 30}
SALESFORCE_MAX_VALUES = 100       # OpportunityStage, LeadStatus and CaseStatus picklists
SALESFORCE_MAX_VALUE_LENGTH = 255
SALESFORCE_MAX_PROCESS_NAME = 80  # BusinessProcess name
SALESFORCE_MAX_LABEL = 80         # RecordType label (journeyc truncates nothing it identifies by)
SALESFORCE_MAX_DESCRIPTION = 255
SALESFORCE_MAX_GUIDANCE = 1000    # Path step guidance (UI limit)
#: the CRM targets whose files carry stage probabilities for deal pipelines
PROBABILITY_TARGETS = ("hubspot", "salesforce", "pipedrive")
CRM_TARGETS = ("hubspot", "salesforce", "pipedrive")
TARGET_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce", "pipedrive": "Pipedrive", "csv": "CSV"}

__all__ = [
    "CRM_TARGETS", "DEFAULT_OPEN_PERCENT", "HUBSPOT_MAX_STAGES", "HUBSPOT_OBJECTS", "HUBSPOT_OBJECT_TYPES",
    "PROBABILITY_TARGETS", "SALESFORCE_MAX_DESCRIPTION", "SALESFORCE_MAX_GUIDANCE", "SALESFORCE_MAX_LABEL",
    "SALESFORCE_MAX_PROCESS_NAME", "SALESFORCE_MAX_VALUES", "SALESFORCE_MAX_VALUE_LENGTH", "TARGET_NAMES",
    "hubspot_probabilities", "inherited_percents", "probability_of",
]
