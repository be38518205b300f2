"""`journeyc diff` on directory pairs: the comparison, its CRM impact, the three formats, goldens.

Each case under tests/fixtures/diff/<case>/ is a workspace before (`base/`) and
after (`head/`) one kind of change. The Markdown report of every case is
compared byte for byte with tests/golden/diff/<case>.md; rewrite them with
`pytest tests/test_diff.py --update-golden` and review the diff.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from journeyc.cli import main
from journeyc.diff import Level, compare
from journeyc.diff import report as diffreport
from journeyc.engine import load_workspace

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
GOLDEN = Path(__file__).parent / "golden" / "diff"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def run(case: str, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(FIXTURES / case)
    result = CliRunner().invoke(main, ["diff", "base", "head", *args])
    return result.exit_code, result.output


def data(case: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    code, out = run(case, "--format", "json", monkeypatch=monkeypatch)
    assert code == 0, out
    parsed: dict[str, Any] = json.loads(out)
    return parsed


@pytest.mark.parametrize("case", CASES)
def test_markdown_matches_golden(case: str, monkeypatch: pytest.MonkeyPatch, update_golden: bool) -> None:
    code, out = run(case, "--format", "markdown", monkeypatch=monkeypatch)
    assert code == 0, out
    golden = GOLDEN / f"{case}.md"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden}: run pytest --update-golden"
    assert out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_output_is_deterministic(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = run("journeys", "--format", fmt, monkeypatch=monkeypatch)
    assert first == run("journeys", "--format", fmt, monkeypatch=monkeypatch)


# --- the "Done means": owner change, removed stage, redefined term --------

DONE_TEXT = """\
journeyc diff: base → head
journey sales "New business" (changed)
  stage removed: demo
  stage changed: sql
    owner: sdr → sales
  exit added: sql → proposal when priced
  exit removed: sql → demo when demo-done (with stage demo)
  exit removed: demo → proposal when priced (with stage demo)
  exit removed: demo → closed-lost when declined (with stage demo)
term redefined: "MQL"
  definition: "A Lead with a fit score of 60 or more." → "A Lead with a fit score of 70 or more and a visit to \
the pricing page."
CRM impact:
  HubSpot: needs migration
    needs migration: sales/sales: stage demo ("Demo") removed from pipeline sales: open deals in it must move to \
proposal ("Proposal", its exit when priced)
  Salesforce: destructive
    needs migration: sales/sales: stage demo ("Demo") removed from pipeline sales: open opportunities in it must \
move to proposal ("Proposal", its exit when priced)
    safe: sales/sales: stage sql Path guidance changes
    destructive: sales/sales: OpportunityStage value "Demo" is deactivated: opportunities still at it keep an \
inactive stage value
  Pipedrive: needs migration
    needs migration: sales/sales: stage demo ("Demo") removed from pipeline sales: open deals in it must move to \
proposal ("Proposal", its exit when priced)
  CSV: needs migration
    needs migration: sales/sales: stage demo ("Demo") removed from pipeline sales: open deals in it must move to \
proposal ("Proposal", its exit when priced)
    safe: sales/sales: stage sql row changes: owner
Reviewers:
  marketing ("Marketing", "#marketing"): owns term "MQL" (redefined)
  revops ("Revenue Operations"): owns journey sales (changed)
  sales ("Account Executives", "#sales"): owned stage sales/demo (removed); new owner of stage sales/sql; exit added \
in sales: sql → proposal when priced; exit removed in sales: sql → demo when demo-done
  sdr ("Sales Development", "#sdr"): former owner of stage sales/sql
1 journey changed, 1 stage removed, 1 stage changed, 1 exit added, 3 exits removed, 1 term redefined; CRM impact: \
destructive (Salesforce), needs migration (HubSpot, Pipedrive, CSV); 4 teams to review.
"""


def test_done_text_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("done", monkeypatch=monkeypatch) == (0, DONE_TEXT)


MIGRATE_DEMO = ("stage demo (\"Demo\") removed from pipeline sales: open {records} in it must move to proposal"
                " (\"Proposal\", its exit when priced)")


def _item(level: str, message: str, to: list[str], stage: str = "demo") -> dict[str, Any]:
    return {"level": level, "journey": "sales", "pipeline": "sales", "stage": stage, "message": message, "to": to,
            "hint": None}


def test_done_json_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    migrate = _item("needs-migration", MIGRATE_DEMO.format(records="deals"), ["proposal"])
    deactivated = _item("destructive", "OpportunityStage value \"Demo\" is deactivated: opportunities still at it"
                        " keep an inactive stage value", [])
    assert data("done", monkeypatch) == {
        "base": "base", "head": "head", "base_errors": 0, "head_errors": 0, "unread": [], "skipped": [],
        "journeys": [{
            "id": "sales", "status": "changed", "name": "New business", "changes": {},
            "stages": {"added": [], "removed": ["demo"],
                       "changed": [{"id": "sql", "changes": {"owner": {"from": "sdr", "to": "sales"}}}],
                       "renamed": [], "reordered": None},
            "exits": {"added": [{"from": "sql", "to": "proposal", "when": "priced"}],
                      "removed": [{"from": "demo", "to": "closed-lost", "when": "declined"},
                                  {"from": "demo", "to": "proposal", "when": "priced"},
                                  {"from": "sql", "to": "demo", "when": "demo-done"}]},
            "signals": {"added": [], "removed": [], "changed": []},
            "pipelines": {"added": [], "removed": [], "changed": []},
        }],
        "terms": {"added": [], "removed": [], "changed": [{"term": "MQL", "changes": {"definition": {
            "from": "A Lead with a fit score of 60 or more.",
            "to": "A Lead with a fit score of 70 or more and a visit to the pricing page."}}}]},
        "teams": {"added": [], "removed": [], "changed": []},
        "impact": {
            "level": "destructive",
            "crm": {
                "hubspot": {"level": "needs-migration", "items": [migrate]},
                "salesforce": {"level": "destructive", "items": [
                    deactivated, _item("needs-migration", MIGRATE_DEMO.format(records="opportunities"), ["proposal"]),
                    _item("safe", "stage sql Path guidance changes", [], "sql")]},
                "pipedrive": {"level": "needs-migration", "items": [migrate]},
                "csv": {"level": "needs-migration",
                        "items": [migrate, _item("safe", "stage sql row changes: owner", [], "sql")]},
            },
            "reviewers": [
                {"team": "marketing", "name": "Marketing", "contact": "#marketing",
                 "reasons": ["owns term \"MQL\" (redefined)"]},
                {"team": "revops", "name": "Revenue Operations", "contact": None,
                 "reasons": ["owns journey sales (changed)"]},
                {"team": "sales", "name": "Account Executives", "contact": "#sales",
                 "reasons": ["exit added in sales: sql → proposal when priced",
                             "exit removed in sales: sql → demo when demo-done",
                             "new owner of stage sales/sql", "owned stage sales/demo (removed)"]},
                {"team": "sdr", "name": "Sales Development", "contact": "#sdr",
                 "reasons": ["former owner of stage sales/sql"]},
            ],
        },
        "summary": {
            "changed": True,
            "text": DONE_TEXT.splitlines()[-1],
            "journeys": {"added": 0, "removed": 0, "changed": 1},
            "stages": {"added": 0, "removed": 1, "changed": 1, "renamed": 0, "reordered": 0},
            "exits": {"added": 1, "removed": 3},
            "signals": {"added": 0, "removed": 0, "changed": 0},
            "terms": {"added": 0, "removed": 0, "changed": 1},
            "teams": {"added": 0, "removed": 0, "changed": 0},
        },
    }


# --- the JSON shape of DESIGN §3, for every case ------------------------------------

DELTA = {"added", "removed", "changed"}


@pytest.mark.parametrize("case", CASES)
def test_json_shape(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    d = data(case, monkeypatch)
    assert set(d) == {"base", "head", "base_errors", "head_errors", "unread", "skipped", "journeys", "terms", "teams",
                      "impact", "summary"}
    for j in d["journeys"]:
        assert set(j) == {"id", "status", "name", "changes", "stages", "exits", "signals", "pipelines"}
        assert j["status"] in ("added", "removed", "changed")
        assert set(j["stages"]) == DELTA | {"renamed", "reordered"}
        assert set(j["exits"]) == {"added", "removed"}
        assert all(set(e) == {"from", "to", "when"} for e in j["exits"]["added"] + j["exits"]["removed"])
        assert set(j["signals"]) == DELTA and set(j["pipelines"]) == DELTA
        for c in j["stages"]["changed"] + j["signals"]["changed"]:
            assert set(c) == {"id", "changes"}
            assert all(set(v) == {"from", "to"} for v in c["changes"].values())
        assert j["stages"]["added"] == sorted(j["stages"]["added"])
    assert [j["id"] for j in d["journeys"]] == sorted(j["id"] for j in d["journeys"])
    assert set(d["terms"]) == DELTA and all(set(c) == {"term", "changes"} for c in d["terms"]["changed"])
    assert set(d["teams"]) == DELTA and all(set(c) == {"id", "changes"} for c in d["teams"]["changed"])
    assert set(d["impact"]["crm"]) == {"hubspot", "salesforce", "pipedrive", "csv"}
    assert all(t["level"] in ("none", "safe", "needs-migration", "destructive") for t in d["impact"]["crm"].values())
    # the summary counts what the arrays hold (it once said 2 exits where the arrays had 4 and 6)
    for kind in ("added", "removed"):
        assert d["summary"]["exits"][kind] == sum(len(j["exits"][kind]) for j in d["journeys"])
        assert d["summary"]["stages"][kind] == sum(len(j["stages"][kind]) for j in d["journeys"])
    assert d["summary"]["stages"]["renamed"] == sum(len(j["stages"]["renamed"]) for j in d["journeys"])


# --- what each kind of change means ------------------------------------------------

#: case -> the impact level per CRM target (hubspot, salesforce, pipedrive, csv)
LEVELS = {
    "done": ("needs-migration", "destructive", "needs-migration", "needs-migration"),
    "stage-removed": ("needs-migration", "safe", "safe", "safe"),   # a rename: only HubSpot's id changes
    "stage-added": ("safe",) * 4,
    "stage-changed": ("safe",) * 4,
    "stage-relabelled": ("safe", "destructive", "safe", "safe"),
    "reorder": ("safe",) * 4,
    "pipelines": ("destructive", "destructive", "safe", "destructive"),   # HubSpot takes lead pipelines
    "journeys": ("destructive",) * 4,
    "exits": ("none",) * 4,
    "signals": ("none",) * 4,
    "terms": ("none",) * 4,
    "teams": ("none",) * 4,
    "unchanged": ("none",) * 4,
    "head-errors": ("none", "safe", "none", "safe"),  # the new owner is in the Path guidance and stages.csv
}


def test_every_case_has_expected_levels() -> None:
    assert set(LEVELS) == set(CASES)


@pytest.mark.parametrize("case", sorted(LEVELS))
def test_crm_levels(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    crm = data(case, monkeypatch)["impact"]["crm"]
    assert tuple(crm[t]["level"] for t in ("hubspot", "salesforce", "pipedrive", "csv")) == LEVELS[case]


def test_reorder_is_a_reorder_not_remove_and_add(monkeypatch: pytest.MonkeyPatch) -> None:
    (j,) = data("reorder", monkeypatch)["journeys"]
    assert j["stages"] == {"added": [], "removed": [], "changed": [], "renamed": [], "reordered": {
        "from": ["lead", "mql", "sql", "demo", "proposal", "closed-won", "closed-lost"],
        "to": ["lead", "mql", "sql", "proposal", "demo", "closed-won", "closed-lost"]}}
    assert j["exits"] == {"added": [], "removed": []}


def test_stage_fields_from_to(monkeypatch: pytest.MonkeyPatch) -> None:
    (j,) = data("stage-changed", monkeypatch)["journeys"]
    changed = {c["id"]: c["changes"] for c in j["stages"]["changed"]}
    assert changed["sql"] == {"owner": {"from": "sdr", "to": "sales"}, "sla_days": {"from": 5, "to": 7},
                              "probability": {"from": 20, "to": 30}}
    assert changed["proposal"] == {
        "risk": {"from": "high", "to": "medium"},
        "actions": {"from": ["Review the proposal live with the buyer"],
                    "to": ["Review the proposal live with the buyer", "Agree a close plan"]},
        "content": {"from": [], "to": ["ROI calculator"]}}
    assert set(changed["lead"]) == {"description"}


def test_a_stage_with_a_new_id_only_is_a_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    """demo -> evaluation, same term, owner and exits: a rename, safe where the CRM object keeps its identity."""
    d = data("stage-removed", monkeypatch)
    (j,) = d["journeys"]
    assert j["stages"] == {"added": [], "removed": [], "renamed": [{"from": "demo", "to": "evaluation"}],
                           "changed": [{"id": "evaluation", "changes": {"sla_days": {"from": 10, "to": 15}}}],
                           "reordered": None}
    assert j["exits"] == {"added": [], "removed": []}
    crm = d["impact"]["crm"]
    (hubspot,) = crm["hubspot"]["items"]
    assert hubspot == {
        "level": "needs-migration", "journey": "sales", "pipeline": "sales", "stage": "evaluation",
        "to": ["evaluation"],
        "message": "stage demo renamed evaluation (\"Demo\"): its HubSpot stageId changes \"sales__demo\" →"
                   " \"sales__evaluation\": open deals at the old one must move",
        "hint": "to keep the HubSpot object and make this safe, pin its old identity on stage evaluation:"
                " `crm: {hubspot: {id: sales__demo}}`"}
    assert [i["message"] for i in crm["salesforce"]["items"]] == [
        "stage demo renamed evaluation: its OpportunityStage value \"Demo\" stays (records stay)",
        "stage evaluation Path guidance changes"]


def test_a_removed_stage_migrates_to_the_stage_that_took_its_term(tmp_path: Path) -> None:
    base = FIXTURES / "done" / "base"
    head = tmp_path / "head"
    shutil.copytree(base, head)
    journey = head / "journeys" / "sales.yaml"
    text = journey.read_text(encoding="utf-8")
    start = text.index("  - id: demo\n")
    end = text.index("  - id: proposal\n")
    text = (text[:start] + text[end:]).replace("to: demo,", "to: proposal,")
    journey.write_text(text.replace("term: Proposal", "term: Demo"), encoding="utf-8")
    diff = compare(load_workspace(base).workspace, load_workspace(head).workspace, ["hubspot"])
    (hubspot,) = diff.crm
    moved = [i for i in hubspot.items if i.level == Level.MIGRATION]
    assert [(i.stage, i.to, i.message) for i in moved] == [(
        "demo", ("proposal",), "stage demo (\"Demo\") removed from pipeline sales: open deals in it must move to"
        " proposal (\"Demo\", took over the term \"Demo\")")]


def test_exit_identity_is_from_to_when(monkeypatch: pytest.MonkeyPatch) -> None:
    (j,) = data("exits", monkeypatch)["journeys"]
    assert j["exits"] == {"added": [{"from": "mql", "to": "closed-lost", "when": "declined"},
                                    {"from": "sql", "to": "closed-lost", "when": "disqualified"}],
                          "removed": [{"from": "sql", "to": "closed-lost", "when": "declined"}]}
    assert j["signals"]["added"] == ["disqualified"]


def test_signals_added_removed_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    (j,) = data("signals", monkeypatch)["journeys"]
    assert j["signals"] == {"added": ["referred"], "removed": [], "changed": [{"id": "accepted", "changes": {
        "description": {"from": "Sales Development accepted the person.",
                        "to": "Sales Development called the person and booked a meeting."},
        "source": {"from": "CRM lead status", "to": "Outreach sequence"}}}]}


def test_terms_by_case_insensitive_label(monkeypatch: pytest.MonkeyPatch) -> None:
    terms = data("terms", monkeypatch)["terms"]
    assert terms["added"] == ["Prospect"] and terms["removed"] == []
    changed = {c["term"]: c["changes"] for c in terms["changed"]}
    assert set(changed) == {"Lead", "MQL", "sql"}
    assert changed["sql"]["term"] == {"from": "SQL", "to": "sql"}
    assert set(changed["MQL"]) == {"owner", "aliases", "avoid", "see_also"}


def test_teams_added_changed_and_their_reviewers(monkeypatch: pytest.MonkeyPatch) -> None:
    d = data("teams", monkeypatch)
    assert d["teams"]["added"] == ["customer-success"]
    assert [c["id"] for c in d["teams"]["changed"]] == ["revops", "sdr"]
    reviewers = {r["team"]: r for r in d["impact"]["reviewers"]}
    # the old and the new owner of a redefined term are both asked
    assert "owns term \"Closed won\" (redefined)" in reviewers["revops"]["reasons"]
    assert "owns term \"Closed won\" (redefined)" in reviewers["customer-success"]["reasons"]
    assert reviewers["revops"]["contact"] == "@acme/revops"


def test_journeys_added_removed_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    journeys = {j["id"]: j for j in data("journeys", monkeypatch)["journeys"]}
    assert {k: j["status"] for k, j in journeys.items()} == {"partner": "removed", "renewal": "added",
                                                             "sales": "changed"}
    assert journeys["renewal"]["stages"]["added"] == ["churned", "renewal-window", "renewed"]
    assert set(journeys["sales"]["changes"]) == {"name", "owner", "description", "start"}


def test_pipelines_removed_and_stage_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    d = data("pipelines", monkeypatch)
    (j,) = d["journeys"]
    assert j["pipelines"] == {"added": [], "removed": ["leads"], "changed": [
        {"id": "deals", "changes": {"name": {"from": "New business deals", "to": "Deals"}}}]}
    salesforce = [i["message"] for i in d["impact"]["crm"]["salesforce"]["items"] if i["level"] == "destructive"]
    assert "pipeline leads (\"Inbound leads\") removed: its leads in 3 stages lose their pipeline" in salesforce
    assert "LeadStatus value \"MQL\" is deactivated: leads still at it keep an inactive stage value" in salesforce


def test_unchanged_workspace_written_differently(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("unchanged", monkeypatch=monkeypatch) == (0, "journeyc diff: base → head\nNo changes.\n")
    assert run("unchanged", "--exit-code", monkeypatch=monkeypatch) == (0, "journeyc diff: base → head\nNo changes.\n")
    assert data("unchanged", monkeypatch)["summary"]["changed"] is False


def test_exit_code_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("done", monkeypatch=monkeypatch)[0] == 0
    assert run("done", "--exit-code", monkeypatch=monkeypatch)[0] == 1


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_a_side_that_does_not_check_clean_is_said(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run("head-errors", "--format", fmt, monkeypatch=monkeypatch)
    assert code == 0
    shown = "head (`head`)" if fmt == "markdown" else "head (head)"
    assert out.count(f"{shown} does not check clean: 1 error") == (0 if fmt == "json" else 1)
    if fmt == "json":
        d = json.loads(out)
        assert (d["base_errors"], d["head_errors"]) == (0, 1)
        assert d["journeys"][0]["stages"]["changed"] == [{"id": "sql", "changes": {
            "owner": {"from": "sdr", "to": "nobody"}}}]


def test_outcome_change_needs_migration(tmp_path: Path) -> None:
    base = FIXTURES / "done" / "base"
    head = tmp_path / "head"
    shutil.copytree(base, head)
    journey = head / "journeys" / "sales.yaml"
    journey.write_text(journey.read_text(encoding="utf-8").replace(
        "    probability: 40\n", "    probability: 40\n    outcome: won\n"), encoding="utf-8")
    diff = compare(load_workspace(base).workspace, load_workspace(head).workspace)
    records = {"hubspot": "deals", "salesforce": "opportunities", "csv": "deals"}
    for target in diff.crm:
        levels = {i.message: i.level for i in target.items}
        if target.target != "pipedrive":  # Pipedrive: a won stage is a deal status, the stage leaves
            assert levels[f"stage demo changes from open to closed won: review the {records[target.target]} in it"
                          " before deploying"] == Level.MIGRATION


def test_only_enabled_targets_are_assessed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for side in ("base", "head"):
        shutil.copytree(FIXTURES / "done" / side, tmp_path / side)
    (tmp_path / "head" / "journeyc.yaml").write_text(
        "apiVersion: journeyc/v1\nkind: Config\nbuild:\n  targets: [docs, hubspot]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["diff", "base", "head", "--format", "json"])
    assert list(json.loads(result.output)["impact"]["crm"]) == ["hubspot"]


# --- usage errors ------------------------------------------------------------------


def test_not_a_directory_nor_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = CliRunner().invoke(main, ["diff", "nowhere"])
    assert result.exit_code == 2
    assert result.output == f"journeyc: error: 'nowhere' is not a directory, and {tmp_path.resolve()} is not in a" \
        " git repository\n"


def test_missing_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(tmp_path), "--path", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert result.output == f"journeyc: error: no such file or directory: {tmp_path / 'missing'}\n"


# --- escaping ------------------------------------------------------------------------


def test_markdown_text_is_inert() -> None:
    assert diffreport.md_text("a | b <script>*x*</script> [l](u) `c` $m$\nnext") == \
        "a \\| b &lt;script&gt;\\*x\\*&lt;/script&gt; \\[l\\](u) \\`c\\` \\$m\\$<br>next"
    assert diffreport.md_code("a`b") == "`` a`b ``"
    assert diffreport.md_code("x|y") == "`x\\|y`"


def test_text_values_are_quoted_and_escaped() -> None:
    assert diffreport.value_text("evil\x1b[31m\nline") == '"evil\\u001b[31m\\nline"'
    assert diffreport.value_text("sales", True) == "sales"
    assert diffreport.value_text("Not An Id", True) == '"Not An Id"'


def test_long_tables_are_collapsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "journeyc.yaml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["diff", "empty", str(FIXTURES / "done" / "base"), "--format", "markdown"])
    assert result.exit_code == 0
    out = result.output
    # a new journey: 7 stages, their 8 exits and 6 signals, more rows than a comment should show unasked
    assert "<details>\n<summary>21 changes in sales</summary>\n\n| Item | Id | Change |" in out
    assert out.count("<details>") == out.count("</details>")
    assert "| term | Closed won | **added** |" in out


def test_hostile_text_stays_inert(make_workspace: Any, hostile: dict[str, Any],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    base = make_workspace(hostile, name="base")
    changed = json.loads(json.dumps(hostile))
    demo = changed["stages"][1]
    demo["owner"], demo["description"] = "cs", "new | <b>bold</b>\nline \x1b[31m red"
    demo["actions"] = ["<img src=x onerror=alert(2)>", "`tick` | [link](http://x)"]
    head = make_workspace(changed, name="head")
    monkeypatch.chdir(base.parent)
    outputs = {fmt: CliRunner().invoke(main, ["diff", "base", "head", "--format", fmt]).output
               for fmt in ("text", "json", "markdown")}
    md = outputs["markdown"]
    assert "<script>" not in md and "<img" not in md and "<b>" not in md and "\x1b" not in md
    for line in md.splitlines():
        if line.startswith("| "):  # every table row keeps its columns: no stray pipe from YAML text
            assert len(re.findall(r"(?<!\\)\|", line)) == 4, line
    assert "\x1b" not in outputs["text"] and "\r" not in outputs["text"]
    (j,) = json.loads(outputs["json"])["journeys"]
    (stage,) = j["stages"]["changed"]
    assert stage["changes"]["description"]["to"] == demo["description"]
    assert head.is_dir()
