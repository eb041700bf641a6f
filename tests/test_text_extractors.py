"""Markdown and text extractors, fragment joining and assembly pieces, on the real seeds (plain functions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import format_of, markdown, text
from extractors.fragments import fragment_to_text, starts_bold
from extractors.lines import split_marker
from pipeline.assemble import assemble, document_period
from pipeline.core.enums import BlockKind, Format
from pipeline.core.errors import UnsupportedFormat
from pipeline.core.model import Cell, Row
from pipeline.fragments import is_header_row, join_fragments, remove_running_headers

RAW = Path(__file__).resolve().parent.parent / "raw"


@pytest.mark.parametrize(("fragment", "expected"), [
    ("1.1 GMG statement at the 14 <sup>th</sup> Meeting", "1.1 GMG statement at the 14th Meeting"),
    ("<p>5.1 Briefing paper</p> <p>5.2 Scoping studies</p>", "5.1 Briefing paper\n5.2 Scoping studies"),
    ("GMG Chair (UN Women)<br><br>GMG agencies co-organizing", "GMG Chair (UN Women)\nGMG agencies co-organizing"),
    ("<b>Annual Priorities, Joint Outputs &amp; Activities</b>", "Annual Priorities, Joint Outputs & Activities"),
    ('<ol style="list-style-type: none"> <li>1. <i>Key messages.</i></li> <li>2. <i>Five.</i></li> </ol>',
     "1. Key messages.\n2. Five."),
    ("GMG <a href=\"#\">statement</a> at the Inaugural Meeting", "GMG statement at the Inaugural Meeting"),
])
def test_fragment_to_text(fragment, expected):
    assert fragment_to_text(fragment) == expected


def test_starts_bold():
    assert starts_bold("<b>Output 1:</b> Joint position papers")
    assert starts_bold("<p><b>Output 5:</b><br/>Finalize")
    assert not starts_bold("1.1 GMG statement <b>x</b>")


@pytest.mark.parametrize(("line", "expected"), [
    ("  • Finalization and pilot of training", ("•", "Finalization and pilot of training", 2)),
    ("- a. Develop a self-paced, e-learning programme", ("a.", "Develop a self-paced, e-learning programme", 0)),
    ("a) Handbook on Mainstreaming migration", ("a)", "Handbook on Mainstreaming migration", 0)),
    ("- (1) GMG coordination and visibility (GMG Chair)", ("(1)", "GMG coordination and visibility (GMG Chair)", 0)),
    ("1.1 Mapping of current activities", (None, "1.1 Mapping of current activities", 0)),
    ("2022", (None, "2022", 0)),
])
def test_split_marker(line, expected):
    assert split_marker(line) == expected


def test_format_of_and_unsupported():
    assert format_of(Path("x.MD")) is Format.MARKDOWN and format_of(Path("x.htm")) is Format.HTML
    with pytest.raises(UnsupportedFormat, match="unsupported file type '.rtf'"):
        format_of(Path("notes.rtf"))


def test_markdown_table_fragment_rows_and_provenance():
    doc = markdown.extract(RAW / "gmg_multi_annual_workplan_2016_2018.md")
    row = next(r for b in doc.blocks if b.kind is BlockKind.TABLE for r in b.rows
               if len(r.cells) > 1 and r.cells[1].text.startswith("1.1 GMG statement at the 14th"))
    assert [c.text for c in row.cells] == [
        "Output 1: Joint position papers, statements and communiqués on key migration issues",
        "1.1 GMG statement at the 14th Coordination Meeting on International Migration",
        "25-26 February 2016", "GMG Chair (UN Women)", "GMG Chair"]
    assert row.cells[0].bold and not row.cells[1].bold
    assert (row.provenance.line_start, row.provenance.locator) == (241, "line 241")
    assert doc.title == "Global Migration Group –Multi-Annual Work Plan"


def test_running_headers_removed_and_page_break_row_joined():
    doc = markdown.extract(RAW / "gmg_multi_annual_workplan_2016_2018.md")
    blocks = join_fragments(remove_running_headers(list(doc.blocks)))
    texts = [b.text for b in blocks if b.kind is not BlockKind.TABLE]
    assert "September 18, 2016" not in texts  # the running date line, on every page
    assert "Global Migration Group –Multi-Annual Work Plan" == texts[0]
    rows = [r for b in blocks if b.kind is BlockKind.TABLE for r in b.rows]
    output4 = [r for r in rows if r.cells[0].text.startswith("Output 4: Guidelines for sex-")]
    assert output4[0].cells[0].text == ("Output 4: Guidelines for sex-disaggregated data collection on trafficking "
                                        "in persons (see expected results GMG Handbook)")
    assert not any(r.cells[0].text.startswith("disaggregated") for r in rows)


def test_text_extractor_bullet_keeps_its_timeline_line():
    doc = text.extract(RAW / "un_network_workplan_2021_2022_webpage.txt")
    item = next(b for b in doc.blocks if b.text.startswith("Roll-out of guidance and tools from CWG 2.1"))
    assert (item.kind, item.marker, item.text) == (
        BlockKind.LIST_ITEM, "•", "Roll-out of guidance and tools from CWG 2.1\nTimeline: 2021")
    assert item.provenance.locator == "lines 26-27"


def test_text_extractor_tab_table_keeps_rows_with_empty_cells():
    doc = text.extract(RAW / "wg6_services_access_draft_2019.txt")
    table = next(b for b in doc.blocks if b.kind is BlockKind.TABLE)
    assert [c.text for c in table.rows[0].cells] == [
        "PRIORITY AREAS OF WORK", "DELIVERABLES", "TIMELINE", "SYNERGIES WITH OTHER PROCESSES"]
    assert is_header_row(table.rows[0])
    row_22 = next(r for r in table.rows if r.cells[0].text.startswith("2.2 Formal"))
    assert [c.text for c in row_22.cells[1:]] == ["", "", ""]
    assert doc.blocks[2].text == "Leads: WHO, UN-Habitat (proposed)"  # trailing tabs: a line, not a row


def test_header_row_needs_role_words_not_content():
    assert not is_header_row(Row((Cell("Output 1: GMG online inventory"), Cell("1.1 Greater publicity"),
                                  Cell("2016-2018"), Cell("Task Force co-Chairs"), Cell("Task Force co-Chairs"))))
    assert is_header_row(Row((Cell("Produits"), Cell("Activités"), Cell("Calendrier"), Cell("Chef de file"),
                              Cell("Source de financement"))))


def test_document_period():
    doc = text.extract(RAW / "un_network_workplan_2022_2024_pdftext.txt")
    assert document_period(list(doc.blocks)) == "2022-2024"
    assert document_period(list(text.extract(RAW / "gmg_workplan_2010.txt").blocks)) == "2010"


def test_group_co_leads_printed_after_the_activities_still_govern_them():
    doc = text.extract(RAW / "un_network_workplan_2022_2024_pdftext.txt")
    items, _ = assemble(doc, "x")
    e_learning = next(i for i in items if i.text == "Develop a self-paced, e-learning programme")
    assert [(lead.text, lead.role.value, lead.scope) for lead in e_learning.leads][0] == (
        "IOM, OHCHR, UNDP", "co-lead", "group")
    assert next(i for i in items if i.ref == "7").leads == ()


def test_ids_are_deterministic():
    doc = markdown.extract(RAW / "gmg_multi_annual_workplan_2016_2018.md")
    first = [i.item_id for i in assemble(doc, "gmg.md")[0]]
    again = [i.item_id for i in assemble(markdown.extract(RAW / "gmg_multi_annual_workplan_2016_2018.md"), "gmg.md")[0]]
    assert first == again and len(set(first)) == len(first)


def test_markdown_is_read_by_a_commonmark_parser(tmp_path):
    source = tmp_path / "plan.md"
    source.write_text(
        "---\ntitle: Plan\n---\n\nPlan 2025\n=========\n\n## Deliverables\n\n"
        "1. Publish the [guide](https://example.org/guide) (2 weeks)\n"
        "   * Draft `v1` with ![Team][] [compiler][]\n"
        "     * Review\n\n"
        "> Quoted note\n\n"
        "Milestone | Budget\n--- | ---\nGuide | $6,000\n\n[compiler]: https://example.org/compiler\n",
        encoding="utf-8",
    )
    doc = markdown.extract(source)
    got = [(b.kind.value, b.level, b.marker, b.text, b.provenance.line_start) for b in doc.blocks]
    assert got == [
        ("heading", 1, None, "Plan 2025", 5),  # setext heading; the front matter is no text
        ("heading", 2, None, "Deliverables", 8),
        ("list_item", 0, "1.", "Publish the guide (2 weeks)", 10),
        ("list_item", 1, "*", "Draft v1 with Team, compiler", 11),
        ("list_item", 2, "*", "Review", 12),
        ("paragraph", 0, None, "Quoted note", 14),
        ("table", 0, None, "", 16),
    ]
    assert [r.texts for r in doc.blocks[-1].rows] == [["Milestone", "Budget"], ["Guide", "$6,000"]]
