"""CRM settings of journeyc.yaml (`build: {salesforce: {api_version: "65.0"}}`), read from the Config document.

The Config dataclass carries rule selection and output; the CRM settings are
read here, from the document the workspace keeps, so that only the CRM code
knows about them. The schema (config.schema.json) validates them first.
"""

from __future__ import annotations

import re

from journeyc.workspace.model import Workspace

#: The newest Salesforce Metadata API WSDL the research could read: forcedotcom/wsdl resources/metadata.wsdl
#: at commit 5855538a3004b4af96ed52ab771c143ccd93df6e says "Salesforce.com Metadata API version 65.0".
#: Salesforce's own PathAssistant sample already shows 66.0; set `build.salesforce.api_version` to use it.
SALESFORCE_API_VERSION = "65.0"
_VERSION = re.compile(r"^[1-9][0-9]{1,2}\.0$")


def salesforce_api_version(ws: Workspace) -> str:
    """`build.salesforce.api_version` of journeyc.yaml, else SALESFORCE_API_VERSION."""
    for doc in ws.documents:
        if doc.kind != "Config" or not isinstance(doc.data, dict):
            continue
        build = doc.data.get("build")
        salesforce = build.get("salesforce") if isinstance(build, dict) else None
        version = salesforce.get("api_version") if isinstance(salesforce, dict) else None
        if isinstance(version, str) and _VERSION.match(version):
            return version
    return SALESFORCE_API_VERSION
