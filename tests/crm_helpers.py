"""What the import, drift and round-trip tests share: the fixtures and a person filling in an import."""

from __future__ import annotations

import re
from pathlib import Path

FIX = Path(__file__).parent / "fixtures" / "crm"
SOURCES = {
    "hubspot": [str(FIX / "hubspot" / "deals.json"), str(FIX / "hubspot" / "tickets.json")],
    "pipedrive": [str(FIX / "pipedrive" / "pipelines.json"), str(FIX / "pipedrive" / "stages.json")],
    "salesforce": [str(FIX / "salesforce" / "retrieve")],
}


def fill_in(root: Path, team: str = "sales") -> None:
    """What a person does after an import: declare a team, own every stage, define every term."""
    teams = root / "teams.yaml"
    teams.write_text(teams.read_text().replace("teams: []", f"teams:\n  - id: {team}\n    name: Sales\n"
                                                            "    function: sales"))
    for journey in (root / "journeys").glob("*.yaml"):
        journey.write_text(re.sub(r"^    owner:$", f"    owner: {team}", journey.read_text(), flags=re.M))
    for vocabulary in (root / "vocabulary").glob("*.yaml"):
        vocabulary.write_text(re.sub(r"^(  - term: .*)$", r"\1\n    definition: Agreed by the team.",
                                     vocabulary.read_text(), flags=re.M))
