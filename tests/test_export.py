"""Exports of a real run's output (the seeds): CSV, Excel, HXL and IATI XML validated against the IATI schema."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow.csv as pacsv
import pytest
from lxml import etree

from flows import main
from pipeline.export import export

IATI = Path(__file__).parent / "fixtures" / "iati"


def test_csv_one_file_per_table_read_back(seed_run, tmp_path):
    written = export(seed_run, "csv", tmp_path)
    assert sorted(p.name for p in written) == sorted(
        f"{t}.csv" for t in ("documents", "work_items", "leads", "timelines", "funding", "funding_agencies",
                             "organisations", "agencies", "errors"))
    items = pacsv.read_csv(tmp_path / "work_items.csv")
    assert items.num_rows == 552 and "confidence" in items.column_names


def test_xlsx_has_a_sheet_per_table_and_date_cells(seed_run, tmp_path):
    from openpyxl import load_workbook

    (path,) = export(seed_run, "xlsx", tmp_path)
    book = load_workbook(path)
    assert "work_items" in book.sheetnames and "timelines" in book.sheetnames
    sheet = book["timelines"]
    header = [c.value for c in sheet[1]]
    starts = [row[header.index("start")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert dt.datetime(2016, 2, 25) in starts  # a date cell, not text
    assert sheet.cell(row=2, column=header.index("start") + 1).number_format == "yyyy-mm-dd"


def test_hxl_csv_has_hashtags_and_the_items_with_their_leads(seed_run, tmp_path):
    (path,) = export(seed_run, "hxl", tmp_path)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[1][:5] == ["#meta+document", "#activity+id", "#activity+type", "#activity+code", "#activity+name"]
    assert len(rows) == 2 + 552
    header = rows[0]
    gmg = next(r for r in rows[2:] if r[header.index("Work item")].startswith("GMG statement at the 14th"))
    assert (gmg[header.index("Lead id")], gmg[header.index("Start")], gmg[header.index("End")]) == (
        "UN-Women", "2016-02-25", "2016-02-26")


def test_iati_export_validates_against_the_iati_activity_schema(seed_run, tmp_path):
    (path,) = export(seed_run, "iati", tmp_path)
    schema = etree.XMLSchema(etree.parse(str(IATI / "iati-activities-schema.xsd")))
    doc = etree.parse(str(path))
    assert schema.validate(doc), schema.error_log
    activities = doc.getroot().findall("iati-activity")
    assert len(activities) == 552  # every seed item has its own dates or its plan's period
    first = next(a for a in activities if a.findtext("title/narrative").startswith("GMG statement at the 14th"))
    assert [(o.get("role"), o.get("ref"), o.findtext("narrative")) for o in first.findall("participating-org")][0] \
        == ("4", "XM-DAC-41146", "UN Women")
    assert [(d.get("type"), d.get("iso-date")) for d in first.findall("activity-date")] == [
        ("1", "2016-02-25"), ("3", "2016-02-26")]


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
