"""Exports of a real run's output (the seeds): CSV, Excel, HXL and IATI XML validated against the IATI schema."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from lxml import etree

from flows import main
from pipeline.output.export import BOM, MAX_WIDTH, TABLES, export
from pipeline.output.store import SCHEMAS

ROOT = Path(__file__).resolve().parent.parent
IATI = Path(__file__).parent / "fixtures" / "iati"


def test_csv_one_file_per_table_read_back(seed_run, tmp_path):
    written = export(seed_run, "csv", tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{t}.csv" for t in SCHEMAS) == sorted(f"{t}.csv" for t in TABLES)
    items = pacsv.read_csv(tmp_path / "work_items.csv")
    assert items.num_rows == 552 and "confidence" in items.column_names
    alignments = pacsv.read_csv(tmp_path / "item_alignments.csv")  # the seeds have no edition: a header only
    assert alignments.column_names == SCHEMAS["item_alignments"].names and alignments.num_rows == 0
    assert not (tmp_path / "work_items.csv").read_bytes().startswith(BOM)


def test_csv_for_excel_begins_with_a_byte_order_mark_and_keeps_every_script(seed_run, tmp_path, capsys):
    assert main(["export", str(seed_run), "--format", "csv", "--excel", "--out", str(tmp_path)]) == 0
    raw = (tmp_path / "agencies.csv").read_bytes()
    assert raw.startswith(BOM) and not raw[3:].startswith(BOM)
    rows = list(csv.DictReader((tmp_path / "agencies.csv").open(encoding="utf-8-sig")))
    unicef = next(r for r in rows if r["agency_id"] == "UNICEF")
    assert (unicef["name_ar"], unicef["name_zh"], unicef["name_ru"]) == (
        "منظمة الأمم المتحدة للطفولة", "联合国儿童基金会", "Детский фонд Организации Объединенных Наций")
    assert list(rows[0])[0] == "agency_id"  # the mark is not part of the first column's name


def test_xlsx_has_a_sheet_per_table_and_date_cells(seed_run, tmp_path):
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    (path,) = export(seed_run, "xlsx", tmp_path)
    book = load_workbook(path)
    assert "work_items" in book.sheetnames and "timelines" in book.sheetnames
    sheet = book["timelines"]
    header = [c.value for c in sheet[1]]
    starts = [row[header.index("start_date")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert dt.datetime(2016, 2, 25) in starts  # a date cell, not text
    assert sheet.cell(row=2, column=header.index("start_date") + 1).number_format == "yyyy-mm-dd"
    assert sorted(book.sheetnames) == sorted(SCHEMAS)
    for name in book.sheetnames:
        assert book[name].freeze_panes == "A2", name  # the header row stays in view
    widths = {c: book["timelines"].column_dimensions[get_column_letter(n)].width for n, c in enumerate(header, 1)}
    assert widths["start_date"] == len("yyyy-mm-dd") + 2
    assert widths["text"] == len("27-28 May or 30 May-1 June 2010") + 2 < MAX_WIDTH  # the longest timeline printed
    assert book["work_items"].column_dimensions["H"].width == MAX_WIDTH + 2  # item texts: capped
    assert widths["tbc"] == len("False") + 2  # a flag column: as wide as its widest value


def test_hxl_csv_has_hashtags_and_the_items_with_their_leads(seed_run, tmp_path):
    (path,) = export(seed_run, "hxl", tmp_path)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[1][:5] == ["#meta+document", "#activity+id", "#activity+type", "#activity+code", "#activity+name"]
    assert len(rows) == 2 + 552
    header = rows[0]
    gmg = next(r for r in rows[2:] if r[header.index("Work item")].startswith("GMG statement at the 14th"))
    assert (gmg[header.index("Lead id")], gmg[header.index("Start")], gmg[header.index("End")]) == (
        "UN-Women", "2016-02-25", "2016-02-26")


PUBLISHER = {"reporting_org": "XM-DAC-41146", "reporting_org_type": "40"}  # a publisher's own IATI identifier


def _iati(seed_run, tmp_path):
    (path,) = export(seed_run, "iati", tmp_path, **PUBLISHER)
    schema = etree.XMLSchema(etree.parse(str(IATI / "iati-activities-schema.xsd")))
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log
    return doc.getroot().findall("iati-activity")


def test_iati_export_validates_against_the_iati_activity_schema(seed_run, tmp_path):
    activities = _iati(seed_run, tmp_path)
    assert len(activities) == 552  # every seed item has its own dates or its plan's period
    first = next(a for a in activities if a.findtext("title/narrative").startswith("GMG statement at the 14th"))
    assert [(o.get("role"), o.get("ref"), o.get("type"), o.findtext("narrative"))
            for o in first.findall("participating-org")][0] == ("2", "XM-DAC-41146", "40", "UN Women")  # the chair
    assert [(d.get("type"), d.get("iso-date")) for d in first.findall("activity-date")] == [
        ("1", "2016-02-25"), ("3", "2016-02-26")]
    assert first.find("activity-status").get("code") == "4"  # ended in 2016: closed on the run's date
    assert {(a.find("reporting-org").get("ref"), a.find("reporting-org").get("type")) for a in activities} == {
        ("XM-DAC-41146", "40")}
    assert not [o for a in activities for o in a.findall("participating-org/narrative")
                if "not named" in (o.text or "").lower()]


def test_iati_status_follows_the_timeline_and_hierarchy_links_outputs_and_activities(seed_run, tmp_path):
    activities = _iati(seed_run, tmp_path)
    by_title = {a.findtext("title/narrative"): a for a in activities}
    ongoing = next(a for t, a in by_title.items() if t.startswith("Operationalize the Global Guidance"))
    assert ongoing.find("activity-status").get("code") == "2"  # "throughout 2022-2024", ongoing: implementation
    assert "timeline as printed: throughout 2022-2024" in ongoing.findtext("description/narrative")
    statuses = {}
    for a in activities:
        statuses[a.find("activity-status").get("code")] = statuses.get(a.find("activity-status").get("code"), 0) + 1
    assert set(statuses) <= {"2", "3", "4"} and statuses["4"] > statuses.get("2", 0)
    ids = {a.findtext("iati-identifier"): a for a in activities}
    children = [a for a in activities if a.get("hierarchy") != "1"]
    assert children and all(a.find("related-activity[@type='1']") is not None for a in children)
    for child in children:
        parent = ids[child.find("related-activity[@type='1']").get("ref")]
        assert int(parent.get("hierarchy")) == int(child.get("hierarchy")) - 1
        links = [r.get("ref") for r in parent.findall("related-activity[@type='2']")]
        assert child.findtext("iati-identifier") in links
    assert all(a.findall("participating-org") for a in activities)  # own, enclosing item's, or the publisher


def test_iati_without_a_reporting_organisation_is_refused(seed_run, tmp_path, capsys):
    assert main(["export", str(seed_run), "--format", "iati", "--out", str(tmp_path / "iati")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--reporting-org REF --reporting-org-type CODE" in err
    assert not (tmp_path / "iati").exists()
    assert main(["export", str(seed_run), "--format", "iati", "--out", str(tmp_path / "iati"),
                 "--reporting-org", "XM-DAC-41146", "--reporting-org-type", "99"]) == 2
    assert "no IATI organisation type code" in capsys.readouterr().err


def test_export_command_errors_are_one_line(tmp_path, capsys):
    assert main(["export", str(tmp_path), "--format", "csv", "--out", str(tmp_path / "csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no work_items table" in err and "Traceback" not in err


def test_export_command_writes_the_files(seed_run, tmp_path, capsys):
    assert main(["export", str(seed_run), "--format", "hxl", "--out", str(tmp_path / "hxl")]) == 0
    assert "work_items_hxl.csv" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "hxl", "iati"])
def test_every_format_is_in_the_readme(fmt):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"--format {fmt}" in readme or f"`{fmt}`" in readme


WG6 = "wg6_services_access_draft_2019"


def test_plan_id_groups_the_copies_and_editions_of_a_plan_and_names_one_canonical_document(plans_run):
    docs = {d["document_id"]: d for d in pq.read_table(plans_run / "documents").to_pylist()}
    assert {d: (row["plan_id"], row["is_canonical"]) for d, row in docs.items()} == {
        f"{WG6}.txt": (f"{WG6}.txt", True), f"{WG6}.pdf": (f"{WG6}.txt", False),
        **{f"{WG6}_{lang}.txt": (f"{WG6}.txt", False) for lang in ("ar", "es", "ru", "zh")},
        "gmg_workplan_2010.txt": ("gmg_workplan_2010.txt", True)}


def test_every_export_counts_each_plan_once_unless_all_documents(plans_run, tmp_path):
    docs = {d["document_id"]: d for d in pq.read_table(plans_run / "documents").to_pylist()}
    once = docs[f"{WG6}.txt"]["items"] + docs["gmg_workplan_2010.txt"]["items"]
    every = sum(d["items"] for d in docs.values())
    assert (once, every) == (docs[f"{WG6}.txt"]["items"] + 51, 6 * docs[f"{WG6}.txt"]["items"] + 51)

    export(plans_run, "csv", tmp_path / "once")
    assert pacsv.read_csv(tmp_path / "once" / "work_items.csv").num_rows == once
    assert pacsv.read_csv(tmp_path / "once" / "documents.csv").num_rows == 2
    export(plans_run, "csv", tmp_path / "every", all_documents=True)
    assert pacsv.read_csv(tmp_path / "every" / "work_items.csv").num_rows == every
    alignments = pacsv.read_csv(tmp_path / "every" / "item_alignments.csv")
    assert alignments.num_rows == pq.read_table(plans_run / "item_alignments").num_rows > 0

    (hxl,) = export(plans_run, "hxl", tmp_path / "hxl")
    assert len(list(csv.reader(hxl.open(encoding="utf-8")))) == 2 + once
    (iati,) = export(plans_run, "iati", tmp_path / "iati", **PUBLISHER)
    (iati_all,) = export(plans_run, "iati", tmp_path / "iati_all", all_documents=True, **PUBLISHER)
    activities = len(etree.parse(str(iati)).getroot().findall("iati-activity"))
    assert activities == once and len(etree.parse(str(iati_all)).getroot().findall("iati-activity")) == every
