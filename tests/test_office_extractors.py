"""Word, Excel and OpenDocument files read into the document model, and through the flow into the same records.

Fixtures (tests/fixtures/office/): the seeds saved as .docx and .odt by LibreOffice (make_office_fixtures.py), part
of the WG6 draft as a word-processor file with merged cells, a numbered list, a tracked change, a footnote and a
comment, the same activities as an Excel Gantt sheet (make_feature_fixtures.py), three real spreadsheet workplans
of the office dev corpus (docs/, with their expected records and MANIFEST.md), and three bad files.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from extractors import docx, extract, format_of, odf, xlsx
from extractors.markdown import inline_text
from pipeline.core.enums import BlockKind, Format, Status
from pipeline.core.errors import EncryptedDocument, UnreadableDocument
from pipeline.run import run_document
from tests.compare import compare, load_expected
from tests.test_seeds import SEEDS, records_of

ROOT = Path(__file__).resolve().parent.parent
OFFICE = ROOT / "tests" / "fixtures" / "office"


def _texts(doc):
    return [(b.kind, b.text) for b in doc.blocks if b.kind is not BlockKind.TABLE]


def _rows(doc):
    return [r for b in doc.blocks if b.kind is BlockKind.TABLE for r in b.rows]


def test_office_suffixes_have_their_formats():
    assert [format_of(Path(f"plan{s}")) for s in (".docx", ".XLSX", ".odt", ".ods")] == [
        Format.DOCX, Format.XLSX, Format.ODT, Format.ODS]


# -- Word and OpenDocument text ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["wg6_features.docx", "wg6_features.odt"])
def test_headings_lists_and_paragraphs(name):
    doc = extract(OFFICE / name)
    heads = [(b.level, b.text, b.provenance.locator) for b in doc.blocks if b.kind is BlockKind.HEADING]
    assert heads[:2] == [(1, "DRAFT WORKPLAN OF WORKING GROUP 6", "paragraph 1"),
                         (2, "Improved common understanding of safe and inclusive access to services for migrants",
                          "paragraph 2")]
    items = [(b.level, b.marker, b.text) for b in doc.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == [
        (0, "1.", "Identify countries and cities in which to map existing best practices"),
        (1, "a)", "Mapping of current activities and existing resources"),
        (1, "b)", "Identify pilot countries and cities"),
        (0, "2.", "Develop a common online platform to collect best practices\nTimeline: Q2 2020"),
    ]
    # the footnote and the comment are not part of the text they are anchored in
    paragraphs = [b.text for b in doc.blocks if b.kind is BlockKind.PARAGRAPH]
    assert paragraphs == ["Leads: WHO, UN-Habitat (proposed)", "Working group members: IOM, FAO, UNICEF, UNDP"]
    assert doc.format is (Format.DOCX if name.endswith(".docx") else Format.ODT)


@pytest.mark.parametrize("name", ["wg6_features.docx", "wg6_features.odt"])
def test_merged_cells_are_kept_on_the_grid(name):
    rows = _rows(extract(OFFICE / name))
    # the title row spans the four columns: its text in the first, the others empty
    assert rows[0].texts == ["Workplan 2019", "", "", ""] and rows[0].cells[0].bold
    # the priority area is merged down over its three activities: its text once, the cells below it empty
    assert [r.texts[0][:27] for r in rows[2:]] == ["1) Identify XX countries an", "", ""]
    assert [r.texts[1][:3] for r in rows[2:]] == ["1.1", "1.2", "1.3"]
    assert [r.provenance.locator for r in rows] == [f"table 1 row {n}" for n in range(1, 6)]


def test_docx_tracked_change_read_as_accepted():
    xml = zipfile.ZipFile(OFFICE / "wg6_features.docx").read("word/document.xml").decode()
    assert "<w:del " in xml and "30/11/2019" in xml and "<w:ins " in xml  # the change is tracked in the file
    assert "footnoteReference" in xml and "commentReference" in xml
    rows = _rows(extract(OFFICE / "wg6_features.docx"))
    assert rows[2].texts[2] == "12/11/2019"  # the inserted date, not the deleted 30/11/2019


def test_word_numbering_formats():
    assert [docx.format_number(n, f) for n, f in [(3, "lowerLetter"), (28, "lowerLetter"), (4, "upperRoman"),
                                                  (7, "decimalZero"), (2, "decimal")]] == ["c", "bb", "IV", "07", "2"]


@pytest.mark.parametrize("suffix", ["docx", "odt"])
@pytest.mark.parametrize("seed", SEEDS)
def test_seed_saved_by_libreoffice_gives_the_blocks_of_its_text_edition(seed, suffix):
    """The same headings, paragraphs, list items (text, level) and table cells as the text or Markdown
    edition; bullets differ only in glyph ("-" is "•" in Word), empty table rows of Markdown are not kept."""
    original = extract(ROOT / "raw" / seed)
    office = extract(OFFICE / "seeds" / f"{Path(seed).stem}.{suffix}")
    # LibreOffice opened the Markdown as text: its emphasis marks ("*Function as framed ...*") are characters of
    # the Word edition, while the Markdown reader prints the emphasised words alone
    printed = inline_text if seed.endswith(".md") else str
    assert [(kind, printed(text)) for kind, text in _texts(office)] == _texts(original)
    assert [(b.level, b.bold) for b in office.blocks if b.kind is not BlockKind.TABLE] == \
        [(b.level, b.bold) for b in original.blocks if b.kind is not BlockKind.TABLE]
    assert [r.texts for r in _rows(office)] == [r.texts for r in _rows(original) if any(r.texts)]


# -- Excel and OpenDocument spreadsheets ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["wg6_gantt.xlsx", "wg6_gantt.ods"])
def test_gantt_marks_become_the_row_timeframe(name):
    doc = extract(OFFICE / name)
    assert doc.warnings == ("sheet 'Workplan 2019-2020': hidden row 8 not read",
                            "sheet 'Old draft' is hidden: not read")
    assert [b.text for b in doc.blocks if b.kind is BlockKind.HEADING] == ["Workplan 2019-2020"]
    rows = _rows(doc)
    assert [r.provenance.locator for r in rows] == [f"'Workplan 2019-2020'!A{n}" for n in (1, 2, 4, 5, 6, 7)]
    assert rows[1].texts[:2] == ["Updated", "2019-10-01"]  # a date cell, whatever its display format, ISO
    assert rows[2].texts == ["Priority area", "Activity", "Lead", "Timeframe", "Progress"]
    assert [r.texts[3:] for r in rows[3:]] == [["Q3 2019 - Q4 2019", "50%"], ["Q4 2019", "25%"],
                                               ["Q4 2019 - Q1 2020", "0%"]]
    assert [r.texts[0][:2] for r in rows[3:]] == ["1)", "", ""]  # A5:A7 merged: its value once


def test_xlsx_real_workbooks_values_and_hidden_rows():
    plan = extract(OFFICE / "docs" / "packt_tpm_handbook_project_plan.xlsx")
    assert plan.warnings == ("sheet 'Project Plan': hidden rows 39-40 not read",
                             "sheet 'Project Plan': hidden columns G, L not read")
    row = next(r for r in _rows(plan) if r.provenance.locator == "'Project Plan'!A3")
    # End Date is the formula =I3+((E3*7)/F3): its value cached by Excel, dates written ISO
    assert row.texts == ["2", "1", "Design Network", "", "6", "1", "Arun", "2023-01-02", "2023-02-13"]
    gantt = extract(OFFICE / "docs" / "openharvest_gantt_chart_2022.xlsx")
    dark = [r for r in _rows(gantt) if r.provenance.locator.startswith("Dark!")]
    head = next(r for r in dark if r.provenance.locator == "Dark!B9")
    assert head.texts == ["Milestone description", "Category", "Assigned to", "Progress", "Start", "Days"]
    assert next(r for r in dark if r.provenance.locator == "Dark!B13").texts == [
        "Web Application - Map Component", "On Track", "Ryan Pereira", "0%", "2022-01-31", "7"]
    light = next(r for r in _rows(gantt) if r.provenance.locator == "Light!B12")
    # the template sheet's day grid holds marks (formula values 2) under the days 2-3 February: a timeframe
    assert light.texts == ["Task 1", "Goal", "Name", "25%", "2022-02-01", "3", "2022-02-02 - 2022-02-03"]


@pytest.mark.parametrize(("value", "expected"), [
    ("Q3", ("quarter", 3, None)), ("Q1 2022", ("quarter", 1, 2022)), ("2023-Q2", ("quarter", 2, 2023)),
    ("T4 2021", ("quarter", 4, 2021)), ("Jan", ("month", 1, None)), ("Sept. 2024", ("month", 9, 2024)),
    ("juillet", ("month", 7, None)), ("W12", ("week", 12, None)), ("Week 3", ("week", 3, None)),
    ("Task", None), ("X", None), ("2022", None),
])
def test_gantt_header_periods(value, expected):
    period = xlsx.period_of(value)
    assert (None if period is None else (period.kind, period.number, period.year)) == expected


def test_sheet_names_in_references():
    assert [xlsx.sheet_ref(n) for n in ("Plan", "Project Plan", "Bob's")] == ["Plan", "'Project Plan'", "'Bob''s'"]
    assert xlsx.column_letter(28) == "AB"


# -- bad files -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "error", "category", "phrase"), [
    ("encrypted.xlsx", EncryptedDocument, "encrypted", "encrypted.xlsx: the file is password-protected"),
    ("truncated.docx", UnreadableDocument, "unreadable", "truncated.docx: not a Word document (.docx): the file is "
                                                         "damaged or truncated"),
    ("docx_named.xlsx", UnreadableDocument, "unreadable", "docx_named.xlsx: a Word document (.docx) saved under the "
                                                          "name of an Excel workbook (.xlsx); rename it .docx"),
])
def test_bad_office_file_is_one_clear_error(name, error, category, phrase):
    with pytest.raises(error):
        extract(OFFICE / "bad" / name)
    result = run_document(OFFICE / "bad" / name, OFFICE / "bad")
    assert result.status is Status.FAILURE and result.items == []
    (row,) = result.errors
    assert (row.stage, row.error_type) == ("extract", category) and row.message.startswith(phrase)


def test_ods_misnamed_odt_and_empty_file(tmp_path):
    shutil.copy(OFFICE / "wg6_features.odt", tmp_path / "plan.ods")
    with pytest.raises(UnreadableDocument, match="an OpenDocument text .* rename it .odt"):
        odf.extract(tmp_path / "plan.ods")
    (tmp_path / "empty.docx").write_bytes(b"")
    assert run_document(tmp_path / "empty.docx", tmp_path).errors[0].error_type == "empty"


# -- through the flow ----------------------------------------------------------------------------------
def test_flow_reads_word_and_excel_into_records(prefect_harness, tmp_path):
    from flows import extract_workplans

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for path in (OFFICE / "wg6_gantt.xlsx", OFFICE / "seeds" / "wg6_services_access_draft_2019.docx",
                 OFFICE / "bad" / "truncated.docx", ROOT / "tests" / "fixtures" / "wg6_services_access_draft_2019.pdf"):
        shutil.copy(path, raw)
    extract_workplans(raw_dir=str(raw), out_dir=str(out))
    names = ("documents", "work_items", "leads", "timelines", "funding", "errors")
    tables = {n: pq.read_table(out / n).to_pylist() for n in names}
    docs = {d["document_id"]: d for d in tables["documents"]}
    assert {k: (d["format"], d["status"]) for k, d in docs.items()} == {
        "wg6_gantt.xlsx": ("xlsx", "success"), "wg6_services_access_draft_2019.docx": ("docx", "success"),
        "truncated.docx": ("docx", "failure"), "wg6_services_access_draft_2019.pdf": ("pdf", "success")}
    # the Word edition gives every hand-checked record of the text edition, and its PDF is its twin
    seed = "wg6_services_access_draft_2019.docx"
    result = compare(load_expected("wg6_services_access_draft_2019.txt"), records_of(tables, seed))
    assert not result.missing and not result.wrong, result.describe()
    assert docs["wg6_services_access_draft_2019.pdf"]["same_as"] == seed and docs[seed]["is_primary"]
    item = next(i for i in tables["work_items"] if i["document_id"] == seed and i["ref"] == "1.3")
    assert (item["locator"], item["page"]) == ("table 1 row 5", None)
    # the Gantt row: its marks read as the timeline, its merged priority area as its parent
    gantt = [i for i in tables["work_items"] if i["document_id"] == "wg6_gantt.xlsx"]
    act = next(i for i in gantt if i["ref"] == "1.3")
    assert (act["kind"], act["locator"], act["lead_text"]) == ("activity", "'Workplan 2019-2020'!A7",
                                                               "WHO, UN-Habitat")
    parent = next(i for i in gantt if i["item_id"] == act["parent_id"])
    assert (parent["kind"], parent["ref"]) == ("priority_area", "1)")
    (timeline,) = [t for t in tables["timelines"] if t["item_id"] == act["item_id"]]
    assert (timeline["text"], str(timeline["start_date"]), str(timeline["end_date"])) == (
        "Q4 2019 - Q1 2020", "2019-10-01", "2020-03-31")
    errors = {(e["source_file"], e["error_type"]) for e in tables["errors"] if e["severity"] == "error"}
    assert errors == {("truncated.docx", "unreadable")}


def test_a_real_gantt_sheet_gives_each_task_its_own_start_and_days_not_a_row_above_s():
    """The layout rules copy a "Timeframe" cell down to the rows below it left empty, as for a merged cell; a reading
    with fields of their own (Start | Days on every row) wins the table over copied ones."""
    from pipeline.run import run_document

    result = run_document(OFFICE / "docs" / "openharvest_gantt_chart_2022.xlsx", OFFICE / "docs")
    dark = {i.text: i for i in result.items if i.locator.startswith("Dark!")}
    assert dark["Web Application - Map Component"].timeline_text == "2022-01-31 | Days: 7"
    assert dark["Farming Recommendations"].timeline_text == "2022-02-14 | Days: 28"
    spans = {(t.start.isoformat(), t.end.isoformat()) for t in result.timelines
             if t.item_id == dark["Farming Recommendations"].item_id}
    assert spans == {("2022-02-14", "2022-03-13")}
