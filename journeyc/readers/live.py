"""Live fetch of HubSpot and Pipedrive pipelines: the same responses the readers take from files.

HubSpot: `GET /crm/v3/pipelines/{deals,tickets[,leads]}` with a private app or
OAuth token (`Authorization: Bearer`); no paging. Pipedrive: `GET
/api/v2/pipelines` and `GET /api/v2/stages`, 500 per page, following
`additional_data.next_cursor`, with an API token (`x-api-token`). Salesforce
has no JSON read API for this: retrieve with `sf project retrieve start` and
read the folder.
"""

from __future__ import annotations

import os
from urllib.parse import quote

from journeyc.readers import hubspot, pipedrive
from journeyc.readers.config import CrmConfig, ReadError, merged
from journeyc.readers.fetch import Http, get
from journeyc.readers.jsondoc import parse

TOKEN_VARS = {"hubspot": "HUBSPOT_TOKEN", "pipedrive": "PIPEDRIVE_API_TOKEN"}
BASE_URLS = {"hubspot": "https://api.hubapi.com", "pipedrive": "https://api.pipedrive.com"}
HUBSPOT_OBJECTS = ("deals", "tickets")
MAX_PAGES = 1000


def token(crm: str) -> str:
    var = TOKEN_VARS[crm]
    value = os.environ.get(var, "").strip()
    if not value:
        raise ReadError(f"{crm}: no token: set the environment variable {var}")
    return value


def fetch(crm: str, http: Http, *, base: str | None = None, objects: tuple[str, ...] = HUBSPOT_OBJECTS) -> CrmConfig:
    url = (base or BASE_URLS[crm]).rstrip("/")
    if crm == "hubspot":
        return _hubspot(url, token(crm), http, objects)
    if crm == "pipedrive":
        return _pipedrive(url, token(crm), http)
    raise ReadError(f"{crm}: cannot be fetched live: retrieve it with `sf project retrieve start` and give the folder")


def _hubspot(base: str, secret: str, http: Http, objects: tuple[str, ...]) -> CrmConfig:
    configs = []
    for obj in objects:
        url = f"{base}/crm/v3/pipelines/{quote(obj)}"
        body = get(url, {"Authorization": f"Bearer {secret}"}, http, who="hubspot", token_var=TOKEN_VARS["hubspot"])
        configs.append(hubspot.read(body, url, hubspot.OBJECTS[obj]))
    return merged(configs)[0] if configs else CrmConfig("hubspot", ())


def _pipedrive(base: str, secret: str, http: Http) -> CrmConfig:
    pages = []
    for kind in ("pipelines", "stages"):
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            url = f"{base}/api/v2/{kind}?limit=500" + (f"&cursor={quote(cursor, safe='')}" if cursor else "")
            body = get(url, {"x-api-token": secret}, http, who="pipedrive", token_var=TOKEN_VARS["pipedrive"])
            pages.append((body, url))
            cursor = _next_cursor(parse(body, url))
            if cursor is None:
                break
        else:
            raise ReadError(f"pipedrive: more than {MAX_PAGES} pages of {kind}: stopped")
    return pipedrive.read(pages)


def _next_cursor(data: object) -> str | None:
    extra = data.get("additional_data") if isinstance(data, dict) else None
    cursor = extra.get("next_cursor") if isinstance(extra, dict) else None
    return cursor if isinstance(cursor, str) and cursor else None
