"""Time `journeyc import` and `journeyc drift` on large CRM configurations (the issue's figures).

    .venv/bin/python bench/crm.py [--repeat 3]

Generates, in a temporary directory, a Salesforce retrieve with 500 business
processes over 2,000 OpportunityStage values (each process uses 40 of them) and
a HubSpot account with 100 deal pipelines of 100 stages, then times, in
process, reading the source, importing it into an empty workspace and drifting
the workspace, once its owners and definitions are filled in as the round-trip
test does, against the same source (best of --repeat). Prints the load of
the machine too: the two cores are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from journeyc.crmsync import drift, imports

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from crm_helpers import fill_in  # noqa: E402 - the tests' "person filling in an import"

from journeyc.readers.sources import read_sources

NS = "http://soap.sforce.com/2006/04/metadata"


def salesforce(root: Path, processes: int = 500, values: int = 2000, per: int = 40) -> str:
    base = root / "force-app/main/default"
    (base / "standardValueSets").mkdir(parents=True)
    body = "".join(f"<standardValue><fullName>Stage {i:04d}</fullName><default>false</default><label>Stage {i:04d}"
                   f"</label><closed>false</closed><forecastCategory>Pipeline</forecastCategory><probability>"
                   f"{10 + (i % 8) * 10}</probability><won>false</won></standardValue>" for i in range(values))
    (base / "standardValueSets/OpportunityStage.standardValueSet-meta.xml").write_text(
        f'<?xml version="1.0"?><StandardValueSet xmlns="{NS}"><sorted>false</sorted>{body}</StandardValueSet>')
    folder = base / "objects/Opportunity/businessProcesses"
    folder.mkdir(parents=True)
    for p in range(processes):
        chosen = sorted({(p * 7 + k * 53) % values for k in range(per)})
        vals = "".join(f"<values><fullName>Stage {i:04d}</fullName><default>false</default></values>" for i in chosen)
        (folder / f"Process {p:03d}.businessProcess-meta.xml").write_text(
            f'<?xml version="1.0"?><BusinessProcess xmlns="{NS}"><fullName>Process {p:03d}</fullName>'
            f"<isActive>true</isActive>{vals}</BusinessProcess>")
    (root / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "force-app"}]}')
    return str(root)


def hubspot(path: Path, pipelines: int = 100, stages: int = 100) -> str:
    results = [{"id": f"p{p}", "label": f"Pipeline {p}", "displayOrder": p, "archived": False,
                "createdAt": "1970-01-01T00:00:00Z", "updatedAt": "1970-01-01T00:00:00Z",
                "stages": [{"id": f"p{p}s{s}", "label": f"Stage {s}", "displayOrder": s, "archived": False,
                            "createdAt": "1970-01-01T00:00:00Z", "updatedAt": "1970-01-01T00:00:00Z",
                            "metadata": {"isClosed": "false", "probability": f"{1 + s % 9}0"[:1] and
                                         f"0.{1 + s % 9}"}} for s in range(stages)]} for p in range(pipelines)]
    path.write_text(json.dumps({"results": results}))
    return f"hubspot-deals:{path}"


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
          f" on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        cases = {"salesforce 500 processes / 2,000 values": salesforce(Path(tmp) / "retrieve"),
                 "hubspot 100 pipelines x 100 stages": hubspot(Path(tmp) / "deals.json")}
        for n, (name, source) in enumerate(cases.items()):
            ws = Path(tmp) / f"ws{n}"
            read = best(lambda: read_sources([source]), args.repeat)  # noqa: B023 - used at once
            configs = read_sources([source])
            imports.run(configs, ws)
            raw = best(lambda: drift.run(ws, configs), 1)  # noqa: B023
            fill_in(ws)
            write = best(lambda: imports.run(configs, ws, dry_run=True), args.repeat)  # noqa: B023
            compare = best(lambda: drift.run(ws, configs), args.repeat)  # noqa: B023
            result = drift.run(ws, configs)
            print(f"{name}: read {read:.3f} s, import (plan + render + compare with disk) {write:.3f} s,"
                  f" drift (load workspace + compare) {compare:.3f} s; {result.compared} pipelines,"
                  f" drift={result.drift}; drift of the import before owners and definitions are filled in"
                  f" {raw:.3f} s (the schema's error path of `check`)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
