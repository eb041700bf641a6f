"""The GMG 2016-2018 plan printed by headless Chromium (A4 portrait and landscape) against its annotation (issue 10).

The print is a second producer beside LibreOffice: a browser repeats a table's header rows on each page and cuts a
tall row at the page end, draws no space at a wrap, and the page copies the original's running header lines into
the body, wherever its old pages broke.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from extractors.pdf import extract
from pipeline.core.enums import BlockKind
from pipeline.core.model import Document
from pipeline.core.records import DocumentResult
from pipeline.run import run_document
from tests.compare import Comparison, compare, load_expected
from tests.test_seeds import records_of

CHROMIUM = Path(__file__).resolve().parent / "fixtures" / "chromium"
GMG = "gmg_multi_annual_workplan_2016_2018"


@pytest.fixture(scope="module")
def portrait() -> DocumentResult:
    return run_document(CHROMIUM / f"{GMG}_portrait.pdf", CHROMIUM)


@pytest.fixture(scope="module")
def portrait_doc() -> Document:
    return extract(CHROMIUM / f"{GMG}_portrait.pdf")


def comparison(result: DocumentResult) -> Comparison:
    items = [{f.name: getattr(i, f.name) for f in dataclasses.fields(i)} for i in result.items]
    rows = {name: [dataclasses.asdict(row) for row in getattr(result, name)]
            for name in ("timelines", "funding", "leads")}
    tables = {"work_items": items, **rows}
    return compare(load_expected(f"{GMG}.md"), records_of(tables, result.document_id))


def test_portrait_print_finds_373_of_376_items(portrait):
    result = comparison(portrait)
    assert (result.matched, len(result.missing)) == (373, 3), result.describe()
    # the three left: a wrap after "/" or ")(" where the source had a space or none; a browser draws no space at
    # a wrap, so the glyphs cannot tell (the same source prints "Events/workshops" elsewhere)
    assert [(r["block"], r["ref"], r["text"][:30]) for r in result.missing] == [
        ("2016", "Output 1", "Events/ workshops held on coll"),
        ("2018", "Output 1", "Events/ workshops held on coll"),
        ("2018", "Output 1", "Greater institutional coherenc"),
    ]
    assert [(r["text"], name, got) for r, name, _, got in result.wrong] == [
        ("GFMD support and engagement", "timeline_text", "Morocco/Germany 2017"),
        ("Support and engagement with GFMD", "timeline_text", "Morocco/Germany 2018"),
    ]


def test_landscape_print_finds_every_item():
    result = comparison(run_document(CHROMIUM / f"{GMG}_landscape.pdf", CHROMIUM))
    assert (result.matched, len(result.missing), len(result.wrong)) == (376, 0, 3), result.describe()


def test_activity_split_by_a_copied_running_header_is_whole(portrait):
    # 1.3 was lost: the page's copied "Global Migration Group ..." / "September 18, 2016" lines stood between the
    # two parts of its row, so the parts were never joined
    (item,) = [i for i in portrait.items if i.block == "2016" and i.ref == "1.3"
               and i.section == "GMG coordination and visibility"]
    assert item.text == ("GMG statement at the UN Secretary-General’s High-level Panel on Women’s Economic Empowerment "
                         "during the 60th Session of the Commission on the Status of Women (CSW)")
    assert (item.timeline_text, [lt.text for lt in item.leads]) == ("24 March 2016", ["GMG Chair (UN Women)"])
    assert item.page == 8


def test_copied_running_header_lines_dropped_labels_kept(portrait_doc):
    texts = [b.text for b in portrait_doc.blocks if b.kind is not BlockKind.TABLE]
    assert "September 18, 2016" not in texts  # on 31 of 35 pages, mid-page
    assert "Global Migration Group –Multi-Annual Work Plan" in texts[:1]  # the title, kept on page 1 only
    assert texts.count("Global Migration Group –Multi-Annual Work Plan") == 1
    assert texts.count("Key outputs:") == 5  # a label recurring in the body stays
    network = extract(CHROMIUM / "un_network_workplan_2022_2024_pdftext_portrait.pdf")
    assert [b.text for b in network.blocks].count("Activities:") == 4  # on 3 of 5 pages: a label, not a header


def test_row_cut_by_the_page_break_is_one_cell(portrait_doc):
    # page 2 ends inside the "Key outputs" cell; page 3 repeats the header row "Overview of GMG Priorities", then
    # the rest of the cell
    rows = [r for b in portrait_doc.blocks for r in b.rows]
    (cell,) = [r.cells[0].text for r in rows if r.cells[0].text.startswith("Key outputs:") and r.provenance.page == 2]
    assert cell.endswith("follow-up to the 2013 High-level Dialogue on international migration and development (HLD) "
                         "and preparation for the third HLD to be held by 2019.\n3. Strengthened coordination with "
                         "relevant stakeholders as well as entities working on migration.")
    assert not [r for r in rows if r.cells[0].text.startswith("international migration and development (HLD)")]
    assert [r.provenance.page for r in rows if r.cells[0].text == "Overview of GMG Priorities"] == [2]


def test_next_number_of_a_cell_list_opens_an_item_after_a_full_line(portrait_doc):
    # "the GMG thematic work streams." fills its line to the cell's edge, so "2. Courses" could be a wrap
    cells = [c.text for b in portrait_doc.blocks for r in b.rows for c in r.cells]
    (cell,) = [t for t in cells if t.startswith("1. United Nations Development Assistance Framework")]
    assert cell.split("\n")[:2] == [
        "1. United Nations Development Assistance Framework (UNDAF) guidance tools and resources on the GMG thematic "
        "work streams.",
        "2. Courses for GMG agencies and focal points and other stakeholders on new and emerging issues in migration "
        "policy (up to three annually). Webinars on learning and the development of capacity building tools (up to two "
        "annually).",
    ]


def test_line_opening_with_a_close_set_em_dash_joins_without_space(portrait):
    (item,) = [i for i in portrait.items if i.block == "2018" and i.ref == "Output 6" and i.page == 32]
    assert "protection as refugees—including but not limited to" in item.text
    assert " —" not in item.text
