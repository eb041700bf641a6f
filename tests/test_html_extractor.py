"""HTML extractor on saved web pages: site chrome left out, exact blocks, rows, cells and line numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extractors import text
from extractors.html import extract
from pipeline.assemble import assemble
from pipeline.core.enums import BlockKind, Format
from pipeline.core.errors import EmptyDocument, UnreadableDocument
from pipeline.core.model import Cell, Document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def network() -> Document:
    return extract(FIXTURES / "un_network_workplan_2021_2022.html")


@pytest.fixture(scope="module")
def sample() -> Document:
    return extract(FIXTURES / "sample_workplan.html")


def test_network_page_facts(network):
    assert (network.source, network.format, network.pages, network.title) == (
        "un_network_workplan_2021_2022.html", Format.HTML, None, "United Nations Network on Migration Workplan")
    assert [(b.kind, b.level, b.text) for b in network.blocks[:5]] == [
        (BlockKind.HEADING, 1, "United Nations Network on Migration Workplan"),
        (BlockKind.HEADING, 2, "Workplan 2021-2022"),
        (BlockKind.HEADING, 3, "Core Working Group 2.1: Stronger UN system for GCM implementation"),
        (BlockKind.PARAGRAPH, 0, "Co-leads: IOM, UNDP"),
        (BlockKind.PARAGRAPH, 0, "Members: ILO, OHCHR, UNHCR, UNITAR, UNODC, UNU, WHO, ACT Alliance; Action Committee "
                                 "represented by Migrant Forum in Asia; International Organization of Employers (IOE); "
                                 "Overseas Development Institute (OD)I; Development Center, Organisation for Economic "
                                 "Co-operation and Development (OECD); United Cities and Local Governments (UCLG)."),
    ]


def test_network_site_chrome_left_out(network):
    texts = " | ".join(b.text for b in network.blocks)
    for chrome in ("Aller au contenu principal", "Main navigation", "About the Network", "Search",
                   "Workplan 2022 - 2024", "Related documents", "All rights reserved", "jQuery", "dataLayer"):
        assert chrome not in texts
    assert [b.text for b in network.blocks].count("United Nations Network on Migration Workplan") == 1


def test_network_list_items_keep_timeline_line(network):
    first = network.blocks[5]
    assert (first.kind, first.marker, first.level, first.bold) == (BlockKind.LIST_ITEM, "•", 0, False)
    assert first.text == (
        "Finalization and pilot of training for UNCTs to incorporate GCM into relevant development frameworks and "
        "COVID-19 recovery plans in countries (CCAs, UNSDCFs, VNRs, UNCT Joint Work Plans (JWPs), amongst others). "
        "The training package can be found here.\nTimeline: Q2 2021")
    assert (first.provenance.line_start, first.provenance.line_end) == (60, 62)
    assert [b.text for b in network.blocks[6:9]] == ["Yet to start", "Ongoing", "Completed"]
    heading = next(b for b in network.blocks if b.text.startswith("Core Working Group 2.2"))
    assert (heading.provenance.line_start, heading.provenance.line_end) == (102, 102)
    assert sum(b.kind is BlockKind.LIST_ITEM for b in network.blocks) == 28  # 7 activities, 3 status bullets each


def test_network_page_assembles_like_its_text_twin(network):
    def key(item):
        return (item.kind, item.section, item.block, item.text, item.timeline_text,
                [(lead.text, lead.role) for lead in item.leads])

    from_html, _ = assemble(network, "un_network_workplan_2021_2022")
    from_text, _ = assemble(text.extract(ROOT / "raw" / "un_network_workplan_2021_2022_webpage.txt"),
                            "un_network_workplan_2021_2022")
    assert [key(i) for i in from_html] == [key(i) for i in from_text[:9]]  # the first two working groups


def test_sample_headings_lists_and_loose_text(sample):
    assert sample.title == "Global Migration Group – Multi-Annual Work Plan 2016-2018"
    assert [(b.kind, b.level, b.marker, b.bold, b.text) for b in sample.blocks[:12]] == [
        (BlockKind.HEADING, 1, None, True, "Global Migration Group – Multi-Annual Work Plan 2016-2018"),
        (BlockKind.PARAGRAPH, 0, None, True, "Draft version as of 9/15/2016"),
        (BlockKind.HEADING, 2, None, True, "2. Data and Research"),
        (BlockKind.PARAGRAPH, 0, None, False, "Function as framed in the GMG Terms of Reference (TORs):"),
        (BlockKind.PARAGRAPH, 0, None, False,
         "Exchange results and pool efforts in regard to research, data collection and analysis."),
        (BlockKind.HEADING, 3, None, True, "Key outputs:"),
        (BlockKind.LIST_ITEM, 0, "1.", False, "Events/workshops held on collection and use of migration evidence at "
                                              "country, regional and global level including different stakeholders."),
        (BlockKind.LIST_ITEM, 0, "2.", False, "Member States trained in collecting and using migration data."),
        (BlockKind.LIST_ITEM, 1, "•", False, "Regional training in 2017"),
        (BlockKind.LIST_ITEM, 1, "•", False, "Country training\nTimeline: 2018"),
        (BlockKind.LIST_ITEM, 0, "d.", False,
         "Roster of experts on mainstreaming equality, human rights and gender sensitivity."),
        (BlockKind.PARAGRAPH, 0, None, False, "Loose text in a div is a paragraph too. It keeps its inline parts."),
    ]
    texts = " | ".join(b.text for b in sample.blocks)
    assert "Skip to main content" not in texts and "Members" not in texts and "secretariat" not in texts


def test_sample_table_spans_breaks_and_bold(sample):
    (table,) = [b for b in sample.blocks if b.kind is BlockKind.TABLE]
    assert (table.provenance.line_start, table.provenance.line_end) == (37, 61)
    assert [r.provenance.line_start for r in table.rows] == [39, 42, 43, 50, 57]  # the empty row is dropped
    assert [r.cells for r in table.rows] == [
        (Cell("Outputs"), Cell("Activities"), Cell("Timeframe"), Cell("Lead"), Cell("Funding source")),
        (Cell("GMG coordination and visibility", bold=True), Cell(""), Cell(""), Cell(""), Cell("")),
        (Cell("Output 1: Joint position papers, statements and communiqués on key migration issues", bold=True),
         Cell("1.1 GMG statement at the 14th Coordination Meeting on International Migration"),
         Cell("25-26 February 2016"), Cell("GMG Chair (UN Women)"), Cell("GMG Chair")),
        (Cell(""), Cell("3.2 GMG-GFMD Troika meetings and joint briefings with the SRSG"),
         Cell("26 February 2016\n20 July 2016"),
         Cell("GMG Chair (UN Women)\nGMG agencies co-organizing preparatory events"), Cell("GMG Chair")),
        (Cell("Output 5: Promote initiatives that document and reduce the social costs of labour migration", bold=True),
         Cell("5.1 Briefing paper on civil society initiatives\n5.2 Scoping studies in specific countries"),
         Cell("Ongoing-2018"), Cell(""), Cell("UNU")),
    ]


@pytest.mark.parametrize(("content", "error", "phrase"), [
    (b"", EmptyDocument, "the file is empty"),
    (b"\x00\x01PK\x03\x04" * 20, UnreadableDocument, "binary data"),
    (b"<html><body><nav><a href='/'>Home</a></nav><footer>(c) 2021</footer></body></html>", EmptyDocument,
     "no text outside the site navigation"),
])
def test_bad_pages_raise_our_errors(tmp_path, content, error, phrase):
    page = tmp_path / "page.html"
    page.write_bytes(content)
    with pytest.raises(error, match=phrase):
        extract(page)


def test_page_wrapped_in_a_form_keeps_its_content(tmp_path):
    page = tmp_path / "webforms.html"
    page.write_text(
        "<html><body><!-- generated --><form id='aspnetForm'><div role='navigation'>Menu</div>\n"
        "<h1>Workplan 2021</h1><p>Co-leads: <!-- x -->IOM</p><form><input name='q'> Search</form>\n"
        "<span>Loose <b>text</b></span><font><div>Wrapped block</div></font></form></body></html>\n",
        encoding="utf-8")
    doc = extract(page)
    assert [(b.kind, b.text, b.provenance.line_start) for b in doc.blocks] == [
        (BlockKind.HEADING, "Workplan 2021", 2),
        (BlockKind.PARAGRAPH, "Co-leads: IOM", 2),
        (BlockKind.PARAGRAPH, "Loose text", 3),
        (BlockKind.PARAGRAPH, "Wrapped block", 3),
    ]


def test_struck_through_dates_survive_as_revisions(tmp_path):
    from pipeline.run import run_document

    page = tmp_path / "plan.html"
    page.write_text(
        "<html><body><h2>Deliverables</h2><table><tr><th>Activity</th><th>Deadline</th><th>Lead</th></tr>"
        "<tr><td>Publish the guide</td><td><s>March 31, 2023</s> <b>May 15, 2023*</b></td><td>UNDP</td></tr>"
        "</table></body></html>", encoding="utf-8")
    result = run_document(page, tmp_path)
    (timeline,) = result.timelines
    assert (timeline.text, timeline.start, timeline.revised_from) == (
        "~~March 31, 2023~~ May 15, 2023*", dt.date(2023, 5, 15), "March 31, 2023")
