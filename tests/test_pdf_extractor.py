"""PDF extractor on the five seed PDFs and on small broken PDFs: exact blocks, rows, cells and errors."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from extractors.pdf import extract
from pipeline.core.enums import BlockKind, Format
from pipeline.core.errors import EmptyDocument, EncryptedPdf, ScannedDocument, UnreadableDocument
from pipeline.core.model import Block, Cell, Document, Row

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BAD = FIXTURES / "bad"


def _doc(stem: str) -> Document:
    return extract(FIXTURES / f"{stem}.pdf")


@pytest.fixture(scope="module")
def gmg() -> Document:
    return _doc("gmg_multi_annual_workplan_2016_2018")


@pytest.fixture(scope="module")
def wg6() -> Document:
    return _doc("wg6_services_access_draft_2019")


@pytest.fixture(scope="module")
def gmg2010() -> Document:
    return _doc("gmg_workplan_2010")


@pytest.fixture(scope="module")
def webpage() -> Document:
    return _doc("un_network_workplan_2021_2022_webpage")


@pytest.fixture(scope="module")
def network2022() -> Document:
    return _doc("un_network_workplan_2022_2024_pdftext")


def tables(doc: Document) -> list[Block]:
    return [b for b in doc.blocks if b.kind is BlockKind.TABLE]


def rows_starting(doc: Document, *, column: int, text: str) -> list[tuple[Block, Row]]:
    return [(b, r) for b in tables(doc) for r in b.rows
            if len(r.cells) > column and r.cells[column].text.startswith(text)]


def row_starting(doc: Document, *, column: int, text: str) -> tuple[Block, Row]:
    found = rows_starting(doc, column=column, text=text)
    assert len(found) == 1, f"{len(found)} rows start with {text!r}"
    return found[0]


def test_gmg_document_facts(gmg):
    assert (gmg.source, gmg.format, gmg.pages, gmg.warnings) == (
        "gmg_multi_annual_workplan_2016_2018.pdf", Format.PDF, 35, ())
    assert gmg.title == "Draft version as of 9/15/2016"  # the first heading: a bold line on page 1
    assert [(b.kind, b.text, b.level) for b in gmg.blocks[:5]] == [
        (BlockKind.PARAGRAPH, "Global Migration Group –Multi-Annual Work Plan", 0),
        (BlockKind.PARAGRAPH, "2016-2018", 0),
        (BlockKind.HEADING, "Draft version as of 9/15/2016", 4),
        (BlockKind.PARAGRAPH, "September 18, 2016", 0),
        (BlockKind.HEADING, "Introduction", 1),
    ]


def test_gmg_activity_row_exact_cells(gmg):
    block, row = row_starting(gmg, column=1, text="1.1 GMG statement at the 14")
    assert (block.provenance.page, row.provenance.page) == (9, 9)
    assert row.cells == (
        Cell("Output 1: Joint position papers, statements and communiqués on key migration issues", bold=True),
        Cell("1.1 GMG statement at the 14th Coordination Meeting on International Migration"),
        Cell("25-26 February 2016"),
        Cell("GMG Chair (UN Women)"),
        Cell("GMG Chair"),
    )
    x0, top, x1, bottom = row.provenance.bbox
    assert (round(x0), round(x1)) == (57, 539) and 600 < top < bottom < 700


def test_gmg_running_headers_removed_after_page_one(gmg):
    texts = [b.text for b in gmg.blocks if b.provenance.page > 1 and b.kind is not BlockKind.TABLE]
    assert not [t for t in texts if "Global Migration Group –Multi-Annual Work Plan" in t]
    assert "September 18, 2016" not in texts
    cells = [c.text for b in tables(gmg) for r in b.rows for c in r.cells]
    assert not [t for t in cells if "September 18, 2016" in t or "Multi-Annual Work Plan" in t]


def test_gmg_split_rows_continue_in_next_fragment(gmg):
    frags = tables(gmg)
    index = next(i for i, b in enumerate(frags) if b.rows[-1].texts[0] == "Output 4: Guidelines for sex-")
    output4, after, next_page = frags[index], frags[index + 1], frags[index + 2]
    assert output4.rows[-1].texts == [
        "Output 4: Guidelines for sex-", "TBC", "2016-2018", "WG co-Chairs", "WG co-Chairs"]
    # The continuation opens the next fragment (after the page's inline running header, which is
    # dropped, and the empty header row of the next table). LibreOffice then split that row once
    # more at the page end, so the rest of the sentence opens the page-12 fragment.
    assert (after.provenance.page, after.rows[0].texts) == (
        11, ["disaggregated data collection on trafficking", "", "", "", ""])
    assert (next_page.provenance.page, next_page.rows[0].texts) == (
        12, ["in persons (see expected results GMG Handbook)", "", "", "", ""])
    assert next_page.rows[1].cells[0].bold
    assert next_page.rows[1].texts[0].startswith("Output 5: Ongoing work with Gallup")


def test_gmg_repeated_header_row_dropped_continuation_kept(gmg):
    first_on_10 = next(b for b in tables(gmg) if b.provenance.page == 10)
    assert first_on_10.rows[0].texts == [
        "", "Secretary-General’s High-level Panel on Women’s Economic Empowerment", "2016", "Chair (UN Women)", "Chair"]
    headers = [r.provenance.page for b in tables(gmg) for r in b.rows
               if r.texts[0] == "Annual Priorities, Joint Outputs & Activities"]
    assert headers == [8, 19, 27]  # once per year, not again on the following pages


def test_gmg_cells_keep_paragraph_breaks_and_join_wrapped_lines(gmg):
    _, row = row_starting(gmg, column=1, text="3.2 GMG-GFMD Troika meetings and joint briefings with the SRSG")
    assert row.texts[2:] == ["26 February 2016\n20 July 2016", "GMG Chair (UN Women)", "GMG Chair"]
    _, row = row_starting(gmg, column=1, text="2.2 GMG contributions in the organization")
    assert row.texts[3] == ("GMG Chair (UN Women)\nGMG agencies co-organizing preparatory events and submissions "
                            "for the Roundtable sessions")
    _, row = row_starting(gmg, column=1, text="5.1 Briefing paper on civil society initiatives")
    assert row.texts[1].split("\n")[:2] == [
        "5.1 Briefing paper on civil society initiatives addressing social costs of labour migration",
        "5.2 Scoping studies in specific countries affected by large-scale labour migration to assess exactly what "
        "“social costs” are being borne and by whom",
    ]
    _, row = row_starting(gmg, column=0, text="Output 1: Update database of good practices")
    assert row.texts[2] == "Ongoing"  # "Ongoin" + "g": a word cut by a narrow column closes up


def test_gmg_section_rows_bold_first_column_only(gmg):
    found = rows_starting(gmg, column=0, text="Data and Research")
    assert [row.provenance.page for _, row in found] == [11, 20, 29]  # 2016, 2017, 2018
    for _, row in found:
        assert row.cells == (Cell("Data and Research", bold=True), Cell(""), Cell(""), Cell(""), Cell(""))
    widths = {len(r.cells) for b in tables(gmg) if b.provenance.page >= 8 for r in b.rows}
    assert widths == {5}


def test_gmg_bullets_and_headings_outside_tables(gmg):
    items = [(b.marker, b.text) for b in gmg.blocks if b.kind is BlockKind.LIST_ITEM and b.provenance.page == 1]
    assert items[0] == ("(1)", "GMG coordination and visibility (GMG Chair)")
    assert len(items) == 6
    heading = next(b for b in gmg.blocks if b.text == "2. Data and Research")
    assert (heading.kind, heading.level, heading.provenance.page) == (BlockKind.HEADING, 1, 3)
    after = gmg.blocks[gmg.blocks.index(heading) + 1:gmg.blocks.index(heading) + 5]
    assert [(b.kind, b.text[:40], b.level) for b in after] == [
        (BlockKind.PARAGRAPH, "Function as framed in the GMG Terms of R", 0),
        (BlockKind.PARAGRAPH, "Exchange results and pool efforts in reg", 0),
        (BlockKind.HEADING, "Objectives:", 2),
        (BlockKind.LIST_ITEM, "Coordinate and guide the collection and ", 0),
    ]


def test_wg6_ruled_table_rows(wg6):
    block, row = row_starting(wg6, column=0, text="1.4 Develop a common online platform")
    assert (block.provenance.page, row.texts) == (2, [
        "1.4 Develop a common online platform to collect best practices and tools for reducing barriers inhibiting "
        "migrants’ access to basic services, and work closely with UNCTs/Country Offices in the identified countries "
        "to collect information and data;",
        "Common platform for online contribution developed, Inputs on Best practices available",
        "16/12/2019 Early 2/2020",
        "",
    ])
    _, row = row_starting(wg6, column=0, text="3.4 Draft posted")
    assert row.texts == ["3.4 Draft posted for web consultation", "• 2nd draft available", "05-06/2020", ""]
    assert [b.text for b in wg6.blocks[:2]] == [
        "DRAFT WORKPLAN OF WORKING GROUP 6",
        "Improved common understanding of safe and inclusive access to services for migrants",
    ]


def test_wg6_stacked_tables_are_separate(wg6):
    engagement = next(b for b in tables(wg6) if b.rows[0].texts[0] == "ENGAGEMENT WITH WG6 MEMBERS")
    assert [r.texts[0] for r in engagement.rows] == [
        "ENGAGEMENT WITH WG6 MEMBERS", "ENGAGEMENT WITH MEMBER STATES AND LOCAL GOVERNMENTS",
        "ENGAGEMENT WITH OTHER CORE AND THEMATIC WORKING GROUPS", "REQUIRED RESOURCES"]
    assert {len(r.cells) for r in engagement.rows} == {2}
    assert [len(b.rows) for b in tables(wg6)] == [7, 5, 2, 5, 4]


def test_gmg2010_paragraphs_and_lettered_lists(gmg2010):
    assert (gmg2010.pages, tables(gmg2010)) == (5, [])
    assert gmg2010.blocks[2].text.startswith(
        "Maintaining the momentum created within the GMG under UNITAR's chairmanship during the second semester of "
        "2009, the proposed work plan for 2010 takes forward")
    assert gmg2010.blocks[2].text.endswith("through active public communication.")
    head = next(i for i, b in enumerate(gmg2010.blocks) if b.text == "Practitioners Symposium:")
    assert (gmg2010.blocks[head].marker, gmg2010.blocks[head].provenance.page) == ("b)", 3)
    following = gmg2010.blocks[head + 1:head + 4]
    assert [(b.kind, b.marker, b.text) for b in following] == [
        (BlockKind.LIST_ITEM, "-", "Circulate concept note with detailed timeline in early January"),
        (BlockKind.LIST_ITEM, "-", "Proposed date: 27-28 May or 30 May-1 June 2010"),
        (BlockKind.LIST_ITEM, "-", "Venue: Geneva"),
    ]
    assert gmg2010.blocks[head + 4].text == 'Joint recommendations/guidance for "Extended Migration Profiles"'


def test_webpage_bullet_keeps_its_timeline_line_across_a_page_break(webpage):
    item = next(b for b in webpage.blocks if b.text.startswith("Finalization of guidance to develop GCM"))
    assert (item.kind, item.marker, item.level, item.provenance.page) == (BlockKind.LIST_ITEM, "•", 0, 1)
    assert item.text == ("Finalization of guidance to develop GCM national implementation plans. Guidance material "
                         "can be found here.\nTimeline: Q2 2021")
    statuses = [b.text for b in webpage.blocks[9:12]]
    assert statuses == ["Yet to start", "Ongoing", "Completed"]


def test_network2022_label_table(network2022):
    (table,) = tables(network2022)
    assert table.provenance.page == 5
    assert [r.texts for r in table.rows][:2] == [
        ["Co-leads", "ILO, UNDP"],
        ["Members", "Caritas International, IOM, International Trade Union Confederation (ITUC), Public Services "
                    "International (PSI), UNCTAD"],
    ]


@pytest.mark.parametrize(("name", "error", "phrase"), [
    ("encrypted.pdf", EncryptedPdf, "encrypted"),
    ("truncated.pdf", UnreadableDocument, "not a readable PDF"),
    ("not_a_pdf.pdf", UnreadableDocument, "not a readable PDF"),
    ("image_only.pdf", ScannedDocument, "no page has a text layer"),
    ("no_pages.pdf", EmptyDocument, "no pages"),
])
def test_bad_pdfs_raise_our_errors(name, error, phrase):
    with pytest.raises(error, match=phrase) as caught:
        extract(BAD / name)
    assert name in str(caught.value)
    if error in (EncryptedPdf, UnreadableDocument):
        assert caught.value.__cause__ is not None


def test_encrypted_fixture_is_really_encrypted():
    with pdfplumber.open(BAD / "encrypted.pdf", password="secret") as pdf:
        assert pdf.pages[0].extract_text() == "Workplan page with text"


def test_image_only_page_is_a_warning_not_an_error():
    doc = extract(BAD / "text_then_image_page.pdf")
    assert (doc.pages, doc.warnings) == (2, ("page 2 has no text layer (image only)",))
    assert [(b.kind, b.text, b.provenance.page) for b in doc.blocks] == [
        (BlockKind.PARAGRAPH, "Workplan page with text", 1)]


def test_running_header_and_page_numbers_at_fixed_places_removed():
    doc = extract(BAD / "headers_and_page_numbers.pdf")
    assert [(b.kind, b.text, b.provenance.page) for b in doc.blocks] == [
        (BlockKind.PARAGRAPH, "Workplan 2030 - Draft for consultation", 1),  # kept once: the first page's title
        (BlockKind.PARAGRAPH, "Activity 1: convene the working group and report to the Network.", 1),
        (BlockKind.PARAGRAPH, "Activity 2: convene the working group and report to the Network.", 2),
        (BlockKind.PARAGRAPH, "Activity 3: convene the working group and report to the Network.", 3),
    ]


@pytest.mark.parametrize("stem", ["gmg_workplan_2010", "wg6_services_access_draft_2019"])
def test_lean_chars_equal_pdfplumbers_own_on_every_key_they_keep(stem):
    from extractors.pdf_chars import CHAR_KEYS, lean_chars

    with pdfplumber.open(FIXTURES / f"{stem}.pdf") as full_pdf, pdfplumber.open(FIXTURES / f"{stem}.pdf") as pdf:
        for full_page, page in zip(full_pdf.pages, pdf.pages, strict=True):
            lean_chars(page)
            full = [{k: c[k] for k in CHAR_KEYS} for c in full_page.chars]
            assert page.chars == full and len(full) > 100
            assert "non_stroking_color" not in page.chars[0] and "non_stroking_color" in full_page.chars[0]
            assert page.rects == full_page.rects and page.lines == full_page.lines  # other objects: untouched
            assert page.extract_text() == full_page.extract_text()


def test_bullets_drawn_as_graphics_open_list_items():
    # headless Chromium prints list bullets as small filled paths, not as text: the dot makes the list item
    doc = extract(FIXTURES / "chromium" / "un_network_workplan_2021_2022_webpage_portrait.pdf")
    items = [(b.text, b.marker, b.provenance.page) for b in doc.blocks if b.kind is BlockKind.LIST_ITEM]
    assert ("Roll-out of guidance and tools from CWG 2.1\nTimeline: 2021", "•", 1) in items
    assert ("Workplan 2021-2022", "•", 1) in items
    # a line with no dot beside it stays a paragraph
    paragraphs = [b.text for b in doc.blocks if b.kind is BlockKind.PARAGRAPH]
    assert "Co-leads: IOM, UNDP" in paragraphs


def test_ligature_glyphs_read_as_their_letters():
    # Chromium draws "fi" as the ligature glyph U+FB01: the text must read "identified", as printed
    doc = extract(FIXTURES / "chromium" / "wg6_services_access_draft_2019_portrait.pdf")
    cells = [c.text for b in doc.blocks for r in b.rows for c in r.cells] + [b.text for b in doc.blocks]
    assert any("Pilot countries\nand cities\nidentified" in t or "identified" in t for t in cells)
    assert not any("\ufb01" in t or "\ufb02" in t for t in cells)


def test_arabic_lines_read_in_logical_order():
    # pdfplumber gives an Arabic line's letters left to right as drawn; the bidi algorithm restores reading order
    doc = extract(FIXTURES / "editions" / "wg6_services_access_draft_2019_ar.pdf")
    texts = [b.text for b in doc.blocks if b.kind is BlockKind.PARAGRAPH]
    assert texts[0] == "مشروع خطة عمل الفريق العامل 6"  # the number stays where it is printed
    assert texts[2].startswith("الجهات الرائدة: منظمة الصحة العالمية")
