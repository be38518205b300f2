"""What `import` and `drift` share: CRM sources from files or a live fetch, progress on stderr, --verbose lists."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

SOURCES_HELP = """SOURCE is a saved CRM response or a retrieve folder: HubSpot
`GET /crm/v3/pipelines/{deals,tickets,leads}` JSON, Pipedrive `GET /api/v2/pipelines`
and `GET /api/v2/stages` JSON (give both), or a Salesforce folder from
`sf project retrieve start`. Prefix a path to name its CRM: hubspot-deals:,
hubspot-tickets:, hubspot-leads:, pipedrive:, salesforce:.

\b
Live fetch (--fetch, read-only GETs) takes its token from the environment:
  HUBSPOT_TOKEN        a HubSpot private app or OAuth token (scopes crm.objects.deals.read, tickets)
  PIPEDRIVE_API_TOKEN  a Pipedrive API token
"""


def source_options(fn: F) -> F:
    for option in reversed((
        click.option("--fetch", "fetch", multiple=True, type=click.Choice(["hubspot", "pipedrive"]),
                     help="Fetch this CRM's pipelines live (read-only GET; token from the environment, see above)."),
        click.option("--api-url", "api_urls", multiple=True, metavar="CRM=URL",
                     help="Base URL of a CRM's API for --fetch (e.g. pipedrive=https://acme.pipedrive.com)."),
        click.option("--hubspot-objects", default="deals,tickets", show_default=True, metavar="LIST",
                     help="HubSpot object types to fetch: deals, tickets, leads."),
        click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True,
                     help="Seconds to wait for each HTTP response."),
        click.option("--verbose", "-v", is_flag=True,
                     help="List the vendor fields journeyc does not know (ignored) and what was left out."),
    )):
        fn = option(fn)
    return fn


def read(sources: tuple[str, ...], fetch: tuple[str, ...], api_urls: tuple[str, ...], hubspot_objects: str,
         timeout: float, *, quiet: bool = False) -> list[Any]:
    """Every source read (files first, then live fetches); a bad one stops everything with one line."""
    from journeyc.readers import live
    from journeyc.readers import sources as files
    from journeyc.readers.config import merged
    from journeyc.readers.fetch import Http

    urls = dict(_pair(u) for u in api_urls)
    objects = tuple(o.strip() for o in hubspot_objects.split(",") if o.strip())
    bad = [o for o in objects if o not in ("deals", "tickets", "leads")]
    if bad:
        raise click.BadParameter(f"{bad[0]!r} is not deals, tickets or leads", param_hint="--hubspot-objects")
    configs = files.read_sources(list(sources))
    progress = None if quiet else (lambda message: click.echo(f"journeyc: {message}", err=True))
    http = Http(timeout=timeout, progress=progress)
    for crm in dict.fromkeys(fetch):
        configs.append(live.fetch(crm, http, base=urls.get(crm), objects=objects))
    return merged(configs)


def tokens_set() -> tuple[str, ...]:
    from journeyc.readers.live import TOKEN_VARS

    return tuple(crm for crm, var in TOKEN_VARS.items() if os.environ.get(var, "").strip())


def _pair(value: str) -> tuple[str, str]:
    crm, sep, url = value.partition("=")
    if not sep or crm not in ("hubspot", "pipedrive") or not url:
        raise click.BadParameter(f"{value!r}: expected hubspot=URL or pipedrive=URL", param_hint="--api-url")
    return crm, url


def verbose_lines(configs: list[Any], notes: list[str], unknown: list[str], verbose: bool) -> None:
    from journeyc.formatters.text import printable

    if not verbose:
        if unknown:
            click.echo(f"journeyc: {len(unknown)} vendor field(s) journeyc does not know were ignored"
                       " (--verbose lists them)", err=True)
        return
    for line in notes:
        click.echo(f"journeyc: note: {printable(line)}", err=True)
    for line in unknown:
        click.echo(f"journeyc: ignored unknown field: {printable(line)}", err=True)
