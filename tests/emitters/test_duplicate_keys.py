"""Issue 9 item 12, as far as the CRM files go: with JC002 ignored, every CRM file carries the value YAML keeps.

PyYAML and every other YAML tool keep the last of two duplicate keys; journeyc's loader keeps the first today
(`stages.csv` said 3 where every other tool reads 30). The loader fix is the lead's: this test is expected to
fail until it lands, and fails loudly (strict) once it does, to have its marker removed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path, PurePosixPath

from journeyc.emitters import EmitOptions, emitter
from journeyc.engine import check, load_workspace

JOURNEY = """\
apiVersion: journeyc/v1
kind: Journey
id: deals
name: Deals
owner: sales
signals: [{id: signed}]
stages:
  - id: demo
    owner: sales
    sla_days: 5
    probability: 3
    probability: 30
    exits: [{to: won, when: signed}]
  - {id: won, owner: sales, outcome: won, terminal: true}
"""


def test_every_crm_file_carries_the_last_of_two_duplicate_keys(tmp_path: Path) -> None:
    (tmp_path / "journeyc.yaml").write_text("apiVersion: journeyc/v1\nkind: Config\nrules: {ignore: [JC002]}\n")
    (tmp_path / "teams.yaml").write_text("apiVersion: journeyc/v1\nkind: Teams\nteams: [{id: sales, name: Sales,"
                                         " function: sales}]\n")
    (tmp_path / "deals.yaml").write_text(JOURNEY)
    ws = load_workspace(tmp_path).workspace
    options = EmitOptions(targets=("hubspot", "pipedrive", "salesforce", "csv"))
    files = {k: v for t in options.targets for k, v in emitter(t)(ws, options).items()}
    rows = list(csv.DictReader(io.StringIO(files[PurePosixPath("crm/stages.csv")].decode())))
    hubspot = json.loads(files[PurePosixPath("crm/hubspot/deals.json")])
    pipedrive = json.loads(files[PurePosixPath("crm/pipedrive/deals.json")])
    salesforce = files[PurePosixPath("crm/salesforce/force-app/main/default/standardValueSets/"
                                     "OpportunityStage.standardValueSet-meta.xml")].decode()
    assert (rows[0]["probability"], hubspot["stages"][0]["metadata"]["probability"],
            pipedrive["stages"][0]["deal_probability"]) == ("30", "0.3", 30)
    assert "<probability>30</probability>" in salesforce
    # the loading codes are never ignored (issue 9 item 4): the duplicate key is still said, and only it
    assert [d.code for d in check([tmp_path]).diagnostics] == ["JC002", "JC004"]
