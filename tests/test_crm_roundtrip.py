"""Round trip per CRM: import, drift reports nothing, fill in owners as a person would, build, and the
configuration the build writes is the one imported, field by field (compared as the readers see both)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from crm_helpers import SOURCES, fill_in

from journeyc.cli import main
from journeyc.crmsync.compare import compare
from journeyc.readers.sources import read_built, read_sources

#: What the emitters on main do not carry yet (issue 12, branch crm-out, rewrites them): each entry is
#: (pipeline label, stage label or None, field, imported value, built value). The test fails when one
#: disappears, so that the list shrinks as the emitters catch up.
EMITTER_GAPS = {
    "hubspot": [
        # v3 bodies carry no pipelineId/stageId: pipelines and stages are matched by label, ids unchecked
    ],
    "pipedrive": [
        # the v1 body always switches deal probability on; the model has no "probability off"
        ("Sales pipeline", None, "probability_enabled", False, True),
    ],
    "salesforce": [
        # an org-wide value set without a process (`crm: {salesforce: {}}`) still gets a process of its own
        ("Lead statuses", None, "label", "Lead statuses", "Lead_Statuses_Leads_Process"),
        ("Lead statuses", None, "master", True, False),
        # the org-wide LeadStatus set puts won (converted) values after the open ones
        ("Lead statuses", "Closed - Converted", "order", 3, 4),
        ("Case statuses", None, "label", "Case statuses", "Case_Statuses_Tickets_Process"),
        ("Case statuses", None, "master", True, False),
    ],
}


def differences(crm: str, imported, built) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for d in compare(imported, built, by_position=True):
        if d.right is None:
            out.append((d.left.label, None, "missing in build", None, None))
            continue
        if d.left is None:
            out.append((d.right.label, None, "extra in build", None, None))
            continue
        out += [(d.left.label, None, f.field, f.left, f.right) for f in d.fields]
        if d.left.master != d.right.master:
            out.append((d.left.label, None, "master", d.left.master, d.right.master))
        for s in d.stages:
            label = (s.left or s.right).label
            if s.left is None or s.right is None:
                out.append((d.left.label, label, "missing" if s.right is None else "extra", None, None))
            out += [(d.left.label, label, f.field, f.left, f.right) for f in s.fields]
    return out


@pytest.mark.parametrize("crm", ["hubspot", "pipedrive", "salesforce"])
def test_round_trip(crm: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["import", *SOURCES[crm], "--into", "ws"])
    assert result.exit_code == 0, result.output
    drift = runner.invoke(main, ["drift", *SOURCES[crm], "--path", "ws", "--exit-code"])
    assert (drift.exit_code, drift.output.splitlines()[-1]) == (0, drift.output.splitlines()[-1])
    assert drift.output.splitlines()[-1].startswith("No drift: ")
    fill_in(tmp_path / "ws")
    check = runner.invoke(main, ["check", "ws", "--format", "json"])
    assert check.exit_code == 0, check.output
    build = runner.invoke(main, ["build", "ws", "--target", crm, "--out", "out", "--quiet"])
    assert build.exit_code == 0, build.output
    after = runner.invoke(main, ["drift", *SOURCES[crm], "--path", "ws", "--exit-code"])
    assert after.exit_code == 0, after.output
    [imported] = read_sources(SOURCES[crm])
    built = read_built(tmp_path / "out", crm)
    assert differences(crm, imported, built) == EMITTER_GAPS[crm]
