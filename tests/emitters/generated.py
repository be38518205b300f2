"""Generated journeys of any size for the diagram and docs tests (and for looking at them in a browser).

    python tests/emitters/generated.py OUTDIR --stages 25 --teams 6 [--hostile] [--journeys 2]

A journey of N stages over T teams that checks clean: owners in runs that come
back to earlier teams, an exit to the next stage on its own signal, a lost exit
every third stage, a skip every fifth, a nurture loop, and a won and a lost
outcome. `--hostile` gives 120-character team and stage names with markup,
quotes, long unbroken words and right-to-left text. With two or more journeys,
each one starts at the stage term the previous one is won at.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

TEAMS = ("Marketing", "Sales Development", "Account Executives", "Solutions Engineering", "Customer Success",
         "Revenue Operations", "Partnerships", "Support", "Legal", "Finance", "Product", "Onboarding Services")
FUNCTIONS = ("marketing", "sales", "sales", "sales", "customer-success", "revops", "sales", "support", "other",
             "other", "product", "customer-success")
HOSTILE = ('<b>"Équipe</b> & \'{x}\' | `y` \u05e9\u05dc\u05d5\u05dd https://example.test/a/very/long/unbroken/'
           "path/that/never/breaks/anywhere/at/all?q=1 Démo")


def _name(base: str, hostile: bool, width: int = 120) -> str:
    return (f"{base} {HOSTILE}" + " lorem" * 20)[:width] if hostile else base


def workspace(stages: int = 25, teams: int = 6, *, hostile: bool = False, journeys: int = 1) -> dict[str, Any]:
    """relative path -> YAML document (a dict) of a clean workspace."""
    team_ids = [f"team-{i + 1}" for i in range(teams)]
    files: dict[str, Any] = {
        "journeyc.yaml": {"apiVersion": "journeyc/v1", "kind": "Config"},
        "teams.yaml": {"apiVersion": "journeyc/v1", "kind": "Teams", "teams": [
            {"id": tid, "name": _name(TEAMS[i % len(TEAMS)] + ("" if i < len(TEAMS) else f" {i}"), hostile),
             "function": FUNCTIONS[i % len(FUNCTIONS)], "x-wiki": f"https://wiki.example.test/teams/{tid}"}
            for i, tid in enumerate(team_ids)]},
    }
    terms: list[dict[str, Any]] = []
    for j in range(journeys):
        journey, used = _journey(j, stages, team_ids, hostile)
        files[f"journeys/j{j + 1}.yaml"] = journey
        terms += [t for t in used if t["term"] not in {x["term"] for x in terms}]
    files["vocabulary.yaml"] = {"apiVersion": "journeyc/v1", "kind": "Vocabulary", "terms": terms}
    return files


def _journey(j: int, stages: int, team_ids: list[str], hostile: bool) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    opened = max(2, stages - 2)
    owners = [team_ids[min(len(team_ids) - 1, i * len(team_ids) // opened)] for i in range(opened)]
    if opened > 6:
        owners[opened // 2] = team_ids[0]       # the journey comes back to the first team once
    ids = [f"s{i + 1}" for i in range(opened)]
    loop = 2 if opened > 4 else None             # a nurture stage that loops back
    signals, out = [], []
    for i, sid in enumerate(ids):
        exits = []
        nxt = ids[i + 1] if i + 1 < opened else "won"
        if i == loop:
            exits.append({"to": ids[1], "when": f"{sid}-re-engaged"})
        exits.append({"to": nxt, "when": f"{sid}-next-step-agreed"})
        if i % 5 == 4 and i + 2 < opened:
            exits.append({"to": ids[i + 2], "when": f"{sid}-fast-track"})
        if i % 3 == 2:
            exits.append({"to": "lost", "when": f"{sid}-lost"})
        signals += [{"id": e["when"], "description": f"Signal {e['when']}"} for e in exits]
        stage = {"id": sid, "term": _stage_term(j, i, hostile), "owner": owners[i], "sla_days": 3 + i % 9,
                 "description": f"Stage {i + 1} of journey {j + 1}.", "exits": exits}
        if i != loop:
            stage["probability"] = min(90, 10 + 80 * i // opened // 10 * 10)  # HubSpot: steps of 10
        if i % 7 == 3:
            stage.update(risk="high", actions=["Call the champion"])
        out.append(stage)
    start_term = "Closed won" if j else None
    if start_term:
        out[0]["term"] = f"Closed won {j}"        # starts where the previous journey is won
        out[0].pop("probability", None)            # one probability per label (Salesforce)
    won_term = f"Closed won {j + 1}"
    out.append({"id": "won", "term": won_term, "owner": owners[-1], "outcome": "won", "terminal": True,
                "probability": 100})
    out.append({"id": "lost", "term": f"Closed lost {j + 1}", "owner": owners[-1], "outcome": "lost",
                "terminal": True, "probability": 0})
    terms = [{"term": s["term"], "definition": f"What {s['term']} means.", "owner": s["owner"]} for s in out]
    journey = {"apiVersion": "journeyc/v1", "kind": "Journey", "id": f"j{j + 1}",
               "name": _name(f"Journey {j + 1}", hostile, 80), "owner": team_ids[0], "signals": signals, "stages": out}
    return journey, terms


def _stage_term(j: int, i: int, hostile: bool) -> str:
    base = f"Step {i + 1}" + (f" of {j + 1}" if j else "")
    return _name(base, hostile, 100) if hostile and i % 4 == 1 else base


def write(root: Path, files: dict[str, Any]) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--stages", type=int, default=25)
    parser.add_argument("--teams", type=int, default=6)
    parser.add_argument("--journeys", type=int, default=1)
    parser.add_argument("--hostile", action="store_true")
    args = parser.parse_args()
    write(args.out, workspace(args.stages, args.teams, hostile=args.hostile, journeys=args.journeys))
