"""End to end on the five seed workplans: the Prefect flow's Parquet output against hand-checked records."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from tests.compare import compare, items_to_records, load_expected

SEEDS = (
    "gmg_multi_annual_workplan_2016_2018.md",
    "gmg_workplan_2010.txt",
    "un_network_workplan_2021_2022_webpage.txt",
    "un_network_workplan_2022_2024_pdftext.txt",
    "wg6_services_access_draft_2019.txt",
)


def records_of(tables: dict, document_id: str) -> list[dict]:
    """Work items of one document in the annotation's shape, rebuilt from the Parquet tables."""
    items = [i for i in tables["work_items"] if i["document_id"] == document_id]
    # the annotation records each item's own cell (or merged cell); rows copied from a parent are left out
    timelines = {t["item_id"]: t for t in tables["timelines"] if t["inherited_from"] != "parent"}
    funding = {f["item_id"]: f for f in tables["funding"] if f["inherited_from"] != "parent"}
    leads: dict[str, list] = {}
    for lead in tables["leads"]:
        entry = [lead["source_text"], lead["source_role"], lead["inherited"]]
        if entry not in leads.setdefault(lead["item_id"], []):
            leads[lead["item_id"]].append(entry)
    out = []
    for item in items:
        t, f = timelines.get(item["item_id"]), funding.get(item["item_id"])
        out.append(
            {
                **item,
                "timeline_inherited": bool(t and t["inherited"]),
                "funding_inherited": bool(f and f["inherited"]),
                "leads": leads.get(item["item_id"], []),
            }
        )
    return items_to_records(out)


def find(tables: dict, document_id: str, **where) -> dict:
    rows = [
        i for i in tables["work_items"] if i["document_id"] == document_id and all(i[k] == v for k, v in where.items())
    ]
    assert len(rows) == 1, f"{len(rows)} items match {where}"
    return rows[0]


def by_item(tables: dict, table: str, item_id: str) -> list[dict]:
    return [r for r in tables[table] if r["item_id"] == item_id]


@pytest.mark.parametrize("document_id", SEEDS)
def test_every_annotated_item_is_extracted_with_its_fields(tables, document_id):
    result = compare(load_expected(document_id), records_of(tables, document_id))
    assert not result.missing and not result.wrong, result.describe()


def test_documents_table_lists_the_seeds_with_periods(tables):
    docs = {d["document_id"]: d for d in tables["documents"]}
    assert sorted(docs) == sorted(SEEDS)
    assert all(d["status"] == "success" and d["language"] == "en" and len(d["sha256"]) == 64 for d in docs.values())
    assert (
        docs["gmg_multi_annual_workplan_2016_2018.md"]["period_start"],
        docs["gmg_multi_annual_workplan_2016_2018.md"]["period_end"],
    ) == (dt.date(2016, 1, 1), dt.date(2018, 12, 31))
    assert docs["un_network_workplan_2021_2022_webpage.txt"]["period_start"] == dt.date(2021, 1, 1)
    assert docs["gmg_workplan_2010.txt"]["period_end"] == dt.date(2010, 12, 31)
    assert docs["wg6_services_access_draft_2019.txt"]["items"] == 23


def test_gmg_2016_activity_1_1(tables):
    item = find(tables, SEEDS[0], block="2016", section="GMG coordination and visibility", ref="1.1")
    assert item["text"] == "GMG statement at the 14th Coordination Meeting on International Migration"
    assert item["kind"] == "activity" and item["lead_text"] == "GMG Chair (UN Women)"
    assert item["timeline_text"] == "25-26 February 2016" and item["funding_text"] == "GMG Chair"
    (timeline,) = by_item(tables, "timelines", item["item_id"])
    assert (timeline["start_date"], timeline["end_date"], timeline["precision"]) == (
        dt.date(2016, 2, 25),
        dt.date(2016, 2, 26),
        "day",
    )
    leads = by_item(tables, "leads", item["item_id"])
    assert [(lead["agency_id"], lead["role"]) for lead in leads] == [("UN-Women", "chair")]
    parent = next(i for i in tables["work_items"] if i["item_id"] == item["parent_id"])
    assert (parent["kind"], parent["ref"]) == ("output", "Output 1")
    assert item["locator"] == "line 241"


def test_gmg_2016_decent_work_output_2_merged_cells_inherit(tables):
    output = find(tables, SEEDS[0], block="2016", section="Migration and Decent Work", ref="Output 2")
    acts = {i["ref"]: i for i in tables["work_items"] if i["parent_id"] == output["item_id"]}
    assert sorted(acts) == ["2.1", "2.2", "2.3", "2.4"]
    funding_21 = by_item(tables, "funding", acts["2.1"]["item_id"])[0]
    assert funding_21["text"].startswith("IOM in consultation with Task Force agencies e.g. WHO, ILO, UNHCR, OHCHR, WB")
    assert not funding_21["inherited"]
    # IOM provides the resources; the agencies it consults are only named
    sides = _sides(tables, acts["2.1"]["item_id"])
    assert sides["funder"] == [("IOM", "IOM")]
    named_ids = list(dict.fromkeys(aid for _, aid in sides["named"] if aid))
    assert named_ids == ["WHO", "ILO", "UNHCR", "OHCHR", "World-Bank"]
    for ref in ("2.2", "2.3", "2.4"):
        item = acts[ref]
        assert item["timeline_text"] == "2016-2018"
        (timeline,) = by_item(tables, "timelines", item["item_id"])
        assert timeline["inherited"] and (timeline["start_date"], timeline["end_date"]) == (
            dt.date(2016, 1, 1),
            dt.date(2018, 12, 31),
        )
        leads = by_item(tables, "leads", item["item_id"])
        assert [(lead["agency_id"], lead["inherited"]) for lead in leads] == [("IOM", True)]
        (funding,) = by_item(tables, "funding", item["item_id"])
        assert funding["inherited"] and funding["text"] == funding_21["text"]


def test_gmg_2016_data_output_4_joined_across_page_break(tables):
    item = find(tables, SEEDS[0], block="2016", section="Data and Research", ref="Output 4")
    assert item["text"] == (
        "Guidelines for sex-disaggregated data collection on trafficking in persons (see expected results GMG Handbook)"
    )


def test_un_network_2021_co_leads_and_timelines(tables):
    doc = SEEDS[2]
    rollout = find(tables, doc, text="Roll-out of guidance and tools from CWG 2.1")
    assert rollout["timeline_text"] == "2021"
    co_leads = [lead["agency_id"] for lead in by_item(tables, "leads", rollout["item_id"]) if lead["role"] == "co-lead"]
    assert co_leads == ["IOM", "UNDP"]
    members = [lead["agency_id"] for lead in by_item(tables, "leads", rollout["item_id"]) if lead["role"] == "member"]
    assert members[:4] == ["ILO", "OHCHR", "UNHCR", "UNITAR"] and None not in members
    events = [
        i
        for i in tables["work_items"]
        if i["document_id"] == doc and i["text"].startswith("Hold an Anti- discrimination Events Series")
    ]
    assert len(events) == 1 and events[0]["timeline_text"] == "Q2 and Q3 2021 and ongoing"
    (timeline,) = by_item(tables, "timelines", events[0]["item_id"])
    assert (timeline["start_date"], timeline["end_date"], timeline["ongoing"]) == (dt.date(2021, 4, 1), None, True)


def test_wg6_activity_1_4(tables):
    doc = SEEDS[4]
    item = find(tables, doc, ref="1.4")
    assert item["timeline_text"] == "16/12/2019 Early 2/2020"
    (timeline,) = by_item(tables, "timelines", item["item_id"])
    assert (timeline["start_date"], timeline["end_date"]) == (dt.date(2019, 12, 16), dt.date(2020, 2, 29))
    (deliverable,) = [i for i in tables["work_items"] if i["parent_id"] == item["item_id"]]
    assert deliverable["kind"] == "deliverable"
    assert (
        deliverable["text"] == "Common platform for online contribution developed, Inputs on Best practices available"
    )
    leads = [
        (lead["agency_id"], lead["role"], lead["proposed"])
        for lead in by_item(tables, "leads", item["item_id"])
        if lead["source_role"] == "lead"
    ]
    assert leads == [("WHO", "lead", False), ("UN-Habitat", "lead", True)]  # proposed, still a lead


def test_gmg_2010_symposium_milestone(tables):
    output = find(tables, SEEDS[1], ref="b)", kind="output", text="GMG Practitioners Symposium")
    milestones = [i["text"] for i in tables["work_items"] if i["parent_id"] == output["item_id"]]
    assert milestones == [
        "Circulate concept note with detailed timeline in early January",
        "Proposed date: 27-28 May or 30 May-1 June 2010",
        "Venue: Geneva",
    ]
    item = find(tables, SEEDS[1], text="Proposed date: 27-28 May or 30 May-1 June 2010")
    (timeline,) = by_item(tables, "timelines", item["item_id"])
    assert (timeline["start_date"], timeline["end_date"]) == (dt.date(2010, 5, 27), dt.date(2010, 6, 1))


def test_duckdb_reads_every_table_and_ids_join(seed_run):
    con = duckdb.connect()
    for name in ("documents", "work_items", "leads", "timelines", "funding", "funding_agencies", "agencies", "errors"):
        con.sql(f"create view {name} as select * from read_parquet('{seed_run / name}/*.parquet')")
    orphans = con.sql("select count(*) from leads l left join work_items w using (item_id) where w.item_id is null")
    assert orphans.fetchall()[0][0] == 0
    unknown = con.sql(
        "select count(*) from leads l left join agencies a using (agency_id) "
        "where l.agency_id is not null and a.agency_id is null"
    )
    assert unknown.fetchall()[0][0] == 0
    funders = con.sql(
        "select count(*), count(a.agency_id) from funding_agencies f left join agencies a using (agency_id) "
        "where f.agency_id is not null"
    )
    assert funders.fetchall()[0] == (232, 232)  # every funding id joins the agencies table
    parents = con.sql(
        "select count(*) from work_items c left join work_items p on c.parent_id = p.item_id "
        "where c.parent_id is not null and p.item_id is null"
    )
    assert parents.fetchall()[0][0] == 0
    assert con.sql("select count(distinct item_id) = count(*) from work_items").fetchall()[0][0]


def test_no_named_organisation_lead_or_member_left_without_id(tables):
    unresolved = {
        (lead["agency_text"], lead["source_text"])
        for lead in tables["leads"]
        if lead["agency_id"] is None and not lead["is_group"] and not lead["placeholder"]
    }
    assert unresolved == set()


def test_tbc_leads_are_placeholders_never_organisations(tables):
    tbc = [lead for lead in tables["leads"] if lead["agency_text"] == "TBC"]
    assert len(tbc) == 54
    assert all(lead["placeholder"] and lead["agency_id"] is None and lead["org_id"] is None for lead in tbc)
    assert not [o for o in tables["organisations"] if o["name"] == "TBC"]


def test_run_report_of_the_seeds(seed_run, tables):
    import json

    report = json.loads((seed_run / "run_report.json").read_text(encoding="utf-8"))
    # 534 items read by the layout rules, plus 18 "Expected results:" bullets of the GMG 2016-2018 plan
    # that the general recogniser adds (planned results are work items, as in other bodies' plans)
    assert (report["documents"], report["items"], report["failed"]) == (5, 552, {})
    assert report["unresolved_organisations"] == [] and report["unparsed_timelines"] == []
    assert report["leads_resolved"] == 1.0
    # 299 timeline phrases: every one without dates is a TBC or an "ongoing", none unparsed
    # 299 printed timeline cells and lines, and 3 phrases that say when in the item's own sentence (in_text):
    # "between April – September 2016", "throughout 2022-2024", and "towards a global compact ... to be adopted
    # in 2018" (a year after "in" is the timing of the work that leads to it)
    assert report["timelines_printed"] == 302
    assert report["timelines_undated"] == {"tbc": 54, "ongoing": 4, "relative": 0, "recurring": 0, "unparsed": 0}
    assert report["timelines_parsed"] == round((302 - 58) / 302, 4)
    # the figures are the tables' rows, in the dictionary's words: only lead, co-lead, chair, co-chair are leads
    assert (report["items"], report["timelines"], report["lead_rows"]) == (
        len(tables["work_items"]), len(tables["timelines"]), len(tables["leads"]))
    assert report["leads"] == sum(1 for r in tables["leads"] if r["role"] in ("lead", "co-lead", "chair", "co-chair"))
    assert (report["timelines"], report["leads"], report["lead_rows"]) == (314, 466, 1098)
    markdown = (seed_run / "run_report.md").read_text(encoding="utf-8")
    assert "## Unresolved organisations" in markdown
    assert ("Timeline phrases parsed to dates: 80.8% (without dates: 54 TBC, 4 ongoing, 0 relative, 0 recurring, "
            "0 unparsed; 0 revised dates)") in markdown


def test_gmg_2016_gfmd_funding_cell_two_paragraphs_two_clauses(tables):
    """"... participate in the GFMD ... at their own cost<br><br>ILO in collaboration with ...": the GFMD is
    a meeting the agencies attend, ILO opens the second paragraph and pays."""
    activity = find(tables, SEEDS[0], block="2016", section="Migration and Decent Work",
                    text="GFMD support and engagement")
    (funding,) = by_item(tables, "funding", activity["item_id"])
    assert funding["text"] == ("Task Force member agencies contribute and participate in the GFMD preparatory and "
                               "thematic meetings and Summit at their own cost\n"
                               "ILO in collaboration with other interested Task Force agencies")
    sides = _sides(tables, activity["item_id"])
    assert sides["funder"] == [("Task Force member agencies", None), ("ILO", "ILO")]
    assert sides["named"] == [("GFMD", "GFMD"), ("Task Force agencies", None)]
    # one row per name, in the cell's order: flat for BI tools (no list columns anywhere)
    rows = by_item(tables, "funding_agencies", activity["item_id"])
    assert [(r["agency_text"], r["agency_id"], r["role"], r["is_group"]) for r in rows] == [
        ("Task Force member agencies", None, "funder", True),
        ("GFMD", "GFMD", "named", False),
        ("ILO", "ILO", "funder", False),
        ("Task Force agencies", None, "named", True),
    ]


def _sides(tables: dict, item_id: str) -> dict[str, list[tuple]]:
    sides: dict[str, list[tuple]] = {"funder": [], "named": []}
    for row in tables["funding_agencies"]:
        if row["item_id"] == item_id:
            sides[row["role"]].append((row["agency_text"], row["agency_id"]))
    return sides


def test_funding_agencies_lists_every_name_of_every_funding_cell(tables):
    flat: dict[str, dict[str, list]] = {}
    for row in tables["funding_agencies"]:
        sides = flat.setdefault(row["item_id"], {"funder": [], "named": []})
        sides[row["role"]].append(row)
    # 391 names in 175 funding cells: 255 funders, 136 only named
    assert len(tables["funding_agencies"]) == 391 and len(flat) == 175
    assert sum(len(sides["funder"]) for sides in flat.values()) == 255
    assert set(flat) <= {f["item_id"] for f in tables["funding"]}


def test_no_table_has_a_list_or_struct_column(seed_run):
    import pyarrow as pa
    import pyarrow.parquet as pq

    for folder in sorted(p for p in seed_run.iterdir() if p.is_dir() and not p.name.startswith(".")):
        schema = pq.read_schema(next(folder.glob("*.parquet")))
        nested = [f.name for f in schema if pa.types.is_nested(f.type)]
        assert nested == [], f"{folder.name}: {nested}"


def test_expected_results_bullets_are_items_found_by_the_general_recogniser(tables):
    layout = 0.9  # the confidence of items the layout rules read
    rows = [i for i in tables["work_items"] if i["document_id"] == SEEDS[0] and i["method"] == "list_item"
            and abs(i["confidence"] - layout) > 1e-6]
    assert len(rows) == 18  # the three under the overview table stay with the layout rules, which read that region
    first = min(rows, key=lambda r: r["position"])
    assert (first["text"], first["section"]) == ("Member States briefed on migration evidence.", "Expected results:")
    assert all(0.5 <= r["confidence"] <= 1 for r in rows)
    assert not [i for i in tables["work_items"] if i["document_id"] == SEEDS[0] and i["section"] == "Objectives:"]


def test_deliverables_due_in_a_quarter_are_found_through_their_own_timeline_rows(seed_run):
    """WG6 prints the date on the activity row; its deliverables carry it as rows of their own (from_parent)."""
    import duckdb

    rows = duckdb.sql(f"""
        select w.text, t.text, t.inherited, t.inherited_from from '{seed_run}/work_items/*.parquet' w
        join '{seed_run}/timelines/*.parquet' t using (item_id)
        where w.kind = 'deliverable' and t.start_date <= date '2020-06-30' and t.end_date >= date '2020-04-01'
        order by w.position""").fetchall()
    assert rows == [("1st draft available", "04/2020", True, "parent"),
                    ("2nd draft available", "05-06/2020", True, "parent")]
    own = duckdb.sql(f"""select count(*) from '{seed_run}/timelines/*.parquet'
                         where inherited_from is distinct from 'parent' and not in_text""").fetchall()[0][0]
    assert own == 299  # the printed timeline cells and lines


@pytest.mark.parametrize(("table", "key"), [
    ("documents", "document_id"), ("work_items", "item_id"), ("timelines", "item_id"), ("funding", "item_id"),
    ("organisations", "org_id"), ("agencies", "agency_id"),
    ("leads", "item_id, source_text, agency_text, role"), ("funding_agencies", "item_id, agency_text, role"),
])
def test_every_primary_key_is_unique(seed_run, table, key):
    import duckdb

    total, distinct = duckdb.sql(
        f"select count(*), count(distinct ({key})) from '{seed_run}/{table}/*.parquet'").fetchall()[0]
    assert total == distinct > 0


def test_dates_are_date32_under_names_no_sql_dialect_reserves(seed_run):
    import duckdb

    columns = [row[0] for row in duckdb.sql(f"describe select * from '{seed_run}/timelines/*.parquet'").fetchall()]
    assert "start" not in columns and "end" not in columns  # schema 4: no column named like a SQL keyword
    types = dict(duckdb.sql(f"describe select start_date, end_date from '{seed_run}/timelines/*.parquet'"
                            ).fetchall()[i][:2] for i in range(2))
    assert types == {"start_date": "DATE", "end_date": "DATE"}


def test_a_date_said_in_the_items_own_sentence_is_its_timeline(tables):
    activity = next(i for i in tables["work_items"] if i["text"].startswith("Operationalize the Global Guidance"))
    (t,) = by_item(tables, "timelines", activity["item_id"])
    assert (t["text"], t["start_date"], t["end_date"], t["ongoing"], t["in_text"], activity["timeline_text"]) == (
        "throughout 2022-2024", dt.date(2022, 1, 1), dt.date(2024, 12, 31), True, True, None)
    # a date in passing, before the plan's period, is background: "(draft prepared at the workshop in May 2015)"
    tool = next(i for i in tables["work_items"] if i["text"].startswith("Finalize the guidance tool on"))
    assert not [t for t in by_item(tables, "timelines", tool["item_id"]) if t["in_text"]]
