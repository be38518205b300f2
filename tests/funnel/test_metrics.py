"""The funnel's definitions, each edge case of the README on a small history computed by hand."""

from __future__ import annotations

import datetime as dt

from funnelkit import AS_OF, Run, Write, pipeline, table

from journeyc.funnel.result import sentence
from journeyc.funnel.run import Options, analyse
from journeyc.workspace.model import Workspace

# r1 waits in Évaluation technique; r2 is lost after SQL; r3 is fresh in MQL; r4 goes all the way to won.
BASIC = """\
r1,Sales Pipeline,MQL,2026-01-01,
r1,Sales Pipeline,SQL,2026-01-03,
r1,Sales Pipeline,Évaluation technique,2026-01-05,
r2,sales pipeline,marketing qualified lead,2026-01-01,
r2,sales pipeline,sql,2026-01-02T12:00:00Z,
r2,sales pipeline,Closed Lost,2026-01-04,
r3,deals,mql,2026-11-28,
r4,new-business/deals,mql,2026-01-01,
r4,new-business/deals,sql,2026-01-02,
r4,new-business/deals,EVALUATION TECHNIQUE,2026-01-03,
r4,new-business/deals,validation-achats,2026-01-13,
r4,new-business/deals,won,2026-01-20,
"""


def test_the_contract_shape_and_every_number(write: Write, funnel: Run) -> None:
    result = funnel(write(BASIC))
    assert result["as_of"] == "2026-12-01"
    assert result["journeys"] == [{
        "id": "new-business", "pipeline": "deals", "records": 4,
        "stages": [
            {"id": "mql", "entered": 4, "open": 1, "stuck": 0, "converted": 3, "conversion": 1.0,
             "median_days": 1.5, "p90_days": 1.9, "sla_days": 5, "left": 3, "label": "MQL"},
            {"id": "sql", "entered": 3, "open": 0, "stuck": 0, "converted": 2, "conversion": 0.6667,
             "median_days": 1.5, "p90_days": 1.9, "sla_days": 5, "left": 3, "label": "SQL"},
            {"id": "evaluation", "entered": 2, "open": 1, "stuck": 1, "converted": 1, "conversion": 1.0,
             "median_days": 10.0, "p90_days": 10.0, "sla_days": 10, "left": 1, "label": "Évaluation technique"},
            {"id": "validation-achats", "entered": 1, "open": 0, "stuck": 0, "converted": 1, "conversion": 1.0,
             "median_days": 7.0, "p90_days": 7.0, "sla_days": 10, "left": 1, "label": "Validation achats"},
            {"id": "won", "entered": 1, "open": 0, "stuck": 0, "converted": 0, "conversion": None,
             "median_days": None, "p90_days": None, "sla_days": None, "left": 0, "label": "Closed won"},
            {"id": "lost", "entered": 1, "open": 0, "stuck": 0, "converted": 0, "conversion": None,
             "median_days": None, "p90_days": None, "sla_days": None, "left": 0, "label": "Closed lost"},
        ],
        "transitions": [
            {"from": "mql", "to": "sql", "count": 3, "declared": True, "records": 3},
            {"from": "sql", "to": "evaluation", "count": 2, "declared": True, "records": 2},
            {"from": "sql", "to": "lost", "count": 1, "declared": True, "records": 1},
            {"from": "evaluation", "to": "validation-achats", "count": 1, "declared": True, "records": 1},
            {"from": "validation-achats", "to": "won", "count": 1, "declared": True, "records": 1},
        ],
        "bottlenecks": ["evaluation"],
        "unmapped": [],
        "rows": 12, "stuck": 1, "started_elsewhere": 0, "closed_without_outcome": 0, "repeated_entries": 0,
        "duplicate_rows": 0,
    }]
    assert result["skipped"] == {"unknown_pipelines": [], "ambiguous_pipelines": [], "incomplete_rows": 0,
                                 "rows_after_as_of": 0, "exits_before_entry": 0}


def test_a_record_that_re_enters_a_stage_counts_once_with_its_time_summed(write: Write, funnel: Run) -> None:
    result = funnel(write("r1,deals,mql,2026-01-01,\nr1,deals,sql,2026-01-02,\nr1,deals,mql,2026-01-04,\n"
                          "r1,deals,sql,2026-01-10,\nr1,deals,evaluation,2026-01-11,\n"))
    assert table(result)[:3] == [
        ("mql", 1, 0, 0, 1, 1, 1.0, 7.0, 7.0),      # 1 day, then 6 days: 7 days in MQL
        ("sql", 1, 0, 0, 1, 1, 1.0, 3.0, 3.0),      # its last stay in SQL went on to Évaluation
        ("evaluation", 1, 1, 1, 0, 0, None, None, None),
    ]
    assert pipeline(result)["transitions"] == [
        {"from": "mql", "to": "sql", "count": 2, "declared": True, "records": 1},
        {"from": "sql", "to": "mql", "count": 1, "declared": False, "records": 1},
        {"from": "sql", "to": "evaluation", "count": 1, "declared": True, "records": 1},
    ]


def test_rows_out_of_order_and_equal_times_follow_time_then_journey_order(write: Write, funnel: Run) -> None:
    shuffled = funnel(write("a,deals,evaluation,2026-01-05,\na,deals,mql,2026-01-01,\na,deals,sql,2026-01-03,\n"
                            "b,deals,sql,2026-02-01T10:00:00Z,\nb,deals,mql,2026-02-01T10:00:00Z,\n"
                            "b,deals,evaluation,2026-02-03T10:00:00Z,\n", name="shuffled.csv"))
    ordered = funnel(write("a,deals,mql,2026-01-01,\na,deals,sql,2026-01-03,\na,deals,evaluation,2026-01-05,\n"
                           "b,deals,mql,2026-02-01T10:00:00Z,\nb,deals,sql,2026-02-01T10:00:00Z,\n"
                           "b,deals,evaluation,2026-02-03T10:00:00Z,\n", name="ordered.csv"))
    assert shuffled["journeys"] == ordered["journeys"]
    assert table(shuffled)[:2] == [("mql", 2, 0, 0, 2, 2, 1.0, 1.0, 1.8), ("sql", 2, 0, 0, 2, 2, 1.0, 2.0, 2.0)]
    assert [(t["from"], t["to"], t["count"]) for t in pipeline(shuffled)["transitions"]] == [
        ("mql", "sql", 2), ("sql", "evaluation", 2)]


def test_a_record_closed_without_won_or_lost_has_left_but_not_converted(write: Write, funnel: Run) -> None:
    result = funnel(write("r,deals,mql,2026-01-01,2026-01-02\nr,deals,sql,2026-01-02,2026-01-05\n"))
    assert table(result)[:2] == [("mql", 1, 0, 0, 1, 1, 1.0, 1.0, 1.0), ("sql", 1, 0, 0, 0, 1, 0.0, 3.0, 3.0)]
    assert pipeline(result)["closed_without_outcome"] == 1


def test_a_record_whose_first_stage_is_not_the_start_is_counted_where_it_entered(write: Write, funnel: Run) -> None:
    result = funnel(write("r,deals,evaluation,2026-01-01,\nr,deals,won,2026-01-20,\n"))
    assert table(result)[2] == ("evaluation", 1, 0, 0, 1, 1, 1.0, 19.0, 19.0)
    assert table(result)[0] == ("mql", 0, 0, 0, 0, 0, None, None, None)
    assert pipeline(result)["started_elsewhere"] == 1
    assert [(t["from"], t["to"], t["declared"]) for t in pipeline(result)["transitions"]] == [
        ("evaluation", "won", False)]


def test_duplicate_rows_are_read_once_and_a_repeated_stage_is_one_stay(write: Write, funnel: Run) -> None:
    result = funnel(write("r,deals,mql,2026-01-01,\nr,deals,mql,2026-01-01,\nr,deals,mql,2026-01-03,\n"
                          "r,deals,sql,2026-01-05,\n"))
    assert table(result)[0] == ("mql", 1, 0, 0, 1, 1, 1.0, 4.0, 4.0)
    found = pipeline(result)
    assert (found["duplicate_rows"], found["repeated_entries"], found["rows"]) == (1, 1, 4)


def test_as_of_ignores_later_entries_and_later_exits(write: Write, funnel: Run) -> None:
    path = write("r,deals,mql,2026-11-25,2026-12-05\nr,deals,sql,2026-12-05,\n")
    result = funnel(path)
    assert table(result)[:2] == [("mql", 1, 1, 1, 0, 0, None, None, None), ("sql", 0, 0, 0, 0, 0, None, None, None)]
    assert result["skipped"]["rows_after_as_of"] == 1
    later = funnel(path, as_of=dt.date(2026, 12, 6))
    assert table(later)[:2] == [("mql", 1, 0, 0, 1, 1, 1.0, 10.0, 10.0), ("sql", 1, 1, 0, 0, 0, None, None, None)]


def test_an_exit_before_the_entry_is_ignored_and_counted(write: Write, funnel: Run) -> None:
    result = funnel(write("r,deals,mql,2026-01-10,2026-01-01\n"))
    assert table(result)[0] == ("mql", 1, 1, 1, 0, 0, None, None, None)
    assert result["skipped"]["exits_before_entry"] == 1


def test_naive_times_are_read_in_the_given_time_zone(write: Write, funnel: Run) -> None:
    path = write("r,deals,mql,2026-01-01 00:00,\nr,deals,sql,2026-01-02T00:00:00+01:00,\n")
    assert table(funnel(path))[0][7] == 0.96                          # UTC midnight to 23:00 UTC
    assert table(funnel(path, timezone="Europe/Paris"))[0][7] == 1.0  # Paris midnight to Paris midnight


def test_bottlenecks_are_the_fewest_stages_holding_80_percent(write: Write, ws: Workspace, funnel: Run) -> None:
    rows = [f"m{i},deals,mql,2026-01-01," for i in range(6)] + [f"s{i},deals,sql,2026-01-01," for i in range(3)]
    path = write("\n".join(rows + ["e,deals,evaluation,2026-01-01,"]) + "\n")
    assert pipeline(funnel(path))["bottlenecks"] == ["mql", "sql"]
    flow = analyse(ws, [path], Options(as_of=AS_OF)).pipelines[0]
    assert sentence(flow) == "2 of 6 stages hold 90 % of stuck deals: MQL (60 %), SQL (30 %)"


def test_one_stage_holding_exactly_80_percent_is_enough(write: Write, ws: Workspace, funnel: Run) -> None:
    rows = [f"m{i},deals,mql,2026-01-01," for i in range(8)] + [f"s{i},deals,sql,2026-01-01," for i in range(2)]
    path = write("\n".join(rows) + "\n")
    assert pipeline(funnel(path))["bottlenecks"] == ["mql"]
    flow = analyse(ws, [path], Options(as_of=AS_OF)).pipelines[0]
    assert sentence(flow) == "1 of 6 stages holds 80 % of stuck deals: MQL (80 %)"


def test_exactly_the_sla_is_not_stuck(write: Write, ws: Workspace, funnel: Run) -> None:
    path = write("r,deals,mql,2026-11-27,\n")  # 5 days to the end of 2026-12-01
    assert table(funnel(path))[0] == ("mql", 1, 1, 0, 0, 0, None, None, None)
    assert pipeline(funnel(path))["bottlenecks"] == []
    flow = analyse(ws, [path], Options(as_of=AS_OF)).pipelines[0]
    assert sentence(flow) == "No deal is stuck: 1 open deal, none in its stage longer than the stage's SLA"


def test_labels_that_match_nothing_are_reported_with_their_row_counts(write: Write, funnel: Run) -> None:
    result = funnel(write("r,deals,mql,2026-01-01,\nr,deals,Old stage,2026-01-02,\ns,deals,old STAGE,2026-01-02,\n"
                          "s,deals,Legacy,2026-01-03,\n"))
    assert pipeline(result)["unmapped"] == [{"label": "Old stage", "rows": 2}, {"label": "Legacy", "rows": 1}]
    assert table(result)[0] == ("mql", 1, 1, 1, 0, 0, None, None, None)  # unmapped rows are not a move


def test_a_pipeline_the_workspace_lacks_is_a_counted_skip(write: Write, funnel: Run) -> None:
    result = funnel(write("r,deals,mql,2026-01-01,\nx,Partners,mql,2026-01-01,\ny,Partners,sql,2026-01-01,\n"
                          "z,,mql,2026-01-01,\n"))
    assert result["skipped"]["unknown_pipelines"] == [{"label": "Partners", "rows": 2}, {"label": "", "rows": 1}]
    assert pipeline(result)["records"] == 1


def test_rows_without_a_pipeline_go_to_the_one_given(write: Write, funnel: Run) -> None:
    result = funnel(write("r,,mql,2026-01-01,\n"), pipeline="new-business/deals")
    assert table(result)[0] == ("mql", 1, 1, 1, 0, 0, None, None, None)


def test_the_renewals_journey_without_pipelines_is_its_own_pipeline(write: Write, funnel: Run) -> None:
    result = funnel(write("r,Renewals,Renewal,2026-01-01,\nr,renewals,churned,2026-01-31,\n"))
    assert [(j["id"], j["pipeline"]) for j in result["journeys"]] == [("renewals", "renewals")]
    assert table(result, "renewals") == [("renewal", 1, 0, 0, 0, 1, 0.0, 30.0, 30.0),
                                         ("renewed", 0, 0, 0, 0, 0, None, None, None),
                                         ("churned", 1, 0, 0, 0, 0, None, None, None)]


def test_a_journey_with_one_pipeline_answers_to_the_journeys_name_too(write: Write, funnel: Run) -> None:
    result = funnel(write("r,new-business,mql,2026-01-01,\ns,New business,mql,2026-01-01,\n"))
    assert (pipeline(result)["pipeline"], pipeline(result)["records"]) == ("deals", 2)
