"""The three history formats as the CRMs export them, read into the same funnel.

HubSpot: column labels per knowledge.hubspot.com "Use stage calculated properties" (Date entered/exited
"<stage> (<pipeline>)", inner quotes doubled per RFC 4180, the same header possibly repeated) and the internal
names `hs_v2_date_entered_<stageId>` (legacy `hs_date_entered_<stageId>`); "Record ID", "Pipeline" as in a real
deals export. Salesforce: OpportunityHistory fields per the Object Reference (OpportunityId, StageName,
CreatedDate, IsDeleted; a row per change of amount, probability, stage or close date), with Data Loader's
upper-case headers and `sf data query --result-format csv`'s `+0000` offsets.
"""

from __future__ import annotations

from funnelkit import Run, Write, pipeline, table

from journeyc.readers.history import fold, read, split_label

HUBSPOT_HEADER = ('"Record ID","Deal Name","Deal Stage","Pipeline","Date entered ""MQL (Sales Pipeline)""",'
                  '"Date exited ""MQL (Sales Pipeline)""","Date entered ""SQL (Sales Pipeline)""",'
                  '"Date entered ""Évaluation technique (Sales Pipeline)""",'
                  '"Date entered ""Closed won (Sales Pipeline)""","Date entered ""Old stage (Sales Pipeline)""",'
                  '"Date entered ""Renewal (Renewals)""","Date entered ""MQL (Sales Pipeline)""","Amount"\n')
HUBSPOT_ROWS = (
    '"101","Acme","Closed won","Sales Pipeline","2026-01-01 09:00","2026-01-03 09:00","2026-01-03 09:00",'
    '"2026-01-05 09:00","2026-01-25 09:00","","","2026-01-01 09:00","1000"\n'
    '"102","Initech","SQL","Sales Pipeline","2026-01-01 09:00","2026-01-02 09:00","2026-01-02 09:00","","",'
    '"2026-01-10 09:00","","2026-01-01 09:00","5000"\n'
    '"103","Globex","Renewal","Renewals","","","","","","","2026-10-01","",""\n')


def test_hubspot_labels_map_to_stages_and_pipelines(write: Write, funnel: Run) -> None:
    path = write(HUBSPOT_ROWS, HUBSPOT_HEADER)
    result = funnel(path)
    assert table(result) == [("mql", 2, 0, 0, 2, 2, 1.0, 1.5, 1.9), ("sql", 2, 1, 1, 1, 1, 1.0, 2.0, 2.0),
                             ("evaluation", 1, 0, 0, 1, 1, 1.0, 20.0, 20.0),
                             ("validation-achats", 0, 0, 0, 0, 0, None, None, None),
                             ("won", 1, 0, 0, 0, 0, None, None, None), ("lost", 0, 0, 0, 0, 0, None, None, None)]
    assert pipeline(result)["unmapped"] == [{"label": "Old stage", "rows": 1}]
    assert table(result, "renewals")[0] == ("renewal", 1, 1, 1, 0, 0, None, None, None)
    assert result["inputs"] == [{"file": path, "format": "hubspot", "delimiter": ",",
                                 "notes": ["1 repeated stage column(s) read once"]}]


def test_hubspot_internal_names_use_stage_ids_written_or_derived(write: Write, funnel: Run) -> None:
    header = ("hs_object_id,dealname,pipeline,hs_v2_date_entered_new_business__mql,"
              "hs_v2_date_exited_new_business__mql,hs_v2_date_entered_1234567,hs_date_entered_new_business__won\n")
    rows = ("101,Acme,new_business__deals,2026-01-01T09:00:00Z,2026-01-04T09:00:00Z,2026-01-04T09:00:00Z,"
            "2026-01-24T09:00:00Z\n")
    result = funnel(write(rows, header))
    assert [(s[0], s[1], s[7]) for s in table(result)] == [
        ("mql", 1, 3.0), ("sql", 0, None), ("evaluation", 1, 20.0), ("validation-achats", 0, None),
        ("won", 1, None), ("lost", 0, None)]


def test_salesforce_history_merges_amount_changes_and_skips_deleted_rows(write: Write, funnel: Run) -> None:
    loader = write('"0065g00000AAAAA","MQL","2026-01-01T09:00:00.000Z","false","100"\n'
                   '"0065g00000AAAAA","MQL","2026-01-02T09:00:00.000Z","false","200"\n'
                   '"0065g00000AAAAA","Technical Evaluation","2026-01-03T09:00:00.000Z","false","200"\n'
                   '"0065g00000BBBBB","MQL","2026-01-01T09:00:00.000Z","true","100"\n',
                   '"OPPORTUNITYID","STAGENAME","CREATEDDATE","ISDELETED","AMOUNT"\n', name="loader.csv")
    cli = write("0065g00000CCCCC,MQL,2026-01-01T09:00:00.000+0000\n"
                "0065g00000CCCCC,Closed Won,2026-01-11T09:00:00.000+0000\n",
                "OpportunityId,StageName,CreatedDate\n", name="sf.csv")
    result = funnel(loader, cli, pipeline="new-business/deals")
    assert [(s[0], s[1], s[2], s[5], s[7]) for s in table(result)] == [
        ("mql", 2, 0, 2, 6.0), ("sql", 0, 0, 0, None), ("evaluation", 1, 1, 0, None),
        ("validation-achats", 0, 0, 0, None), ("won", 1, 0, 0, None), ("lost", 0, 0, 0, None)]
    assert pipeline(result)["repeated_entries"] == 1
    assert [i["notes"] for i in result["inputs"]] == [["1 deleted row(s) (IsDeleted) skipped"], []]


def test_a_semicolon_export_with_a_byte_order_mark_reads_like_a_plain_one(write: Write, funnel: Run) -> None:
    plain = funnel(write("r,deals,mql,2026-01-01,\nr,deals,sql,2026-01-03,\n", name="plain.csv"))
    excel = write("r;deals;mql;2026-01-01;\nr;deals;sql;2026-01-03;\n",
                  "\ufeffrecord_id;pipeline;stage;entered_at;exited_at\n", name="excel.csv")
    assert funnel(excel)["journeys"] == plain["journeys"]
    assert read(excel).delimiter == ";"


def test_stage_and_pipeline_are_split_at_a_known_pipeline_name() -> None:
    assert split_label("Demo (EMEA) (Sales (EU))", {fold("Sales (EU)")}) == ("Demo (EMEA)", "Sales (EU)")
    assert split_label("Demo (EMEA) (Sales)", set()) == ("Demo (EMEA)", "Sales")
    assert split_label("Demo", set()) == ("Demo", None)


def test_fold_ignores_case_accents_and_blanks() -> None:
    assert fold("  Évaluation   TECHNIQUE ") == fold("evaluation technique") == "evaluation technique"
    assert fold("Validation achats") != fold("Validation achat")  # a near miss stays apart
