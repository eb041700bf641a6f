"""A PDF and its text twin give the same records: item texts, intervals, agency ids (issue 5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeline.core.records import DocumentResult
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent
TWINS = {
    "gmg_multi_annual_workplan_2016_2018.pdf": "gmg_multi_annual_workplan_2016_2018.md",
    "gmg_workplan_2010.pdf": "gmg_workplan_2010.txt",
    "un_network_workplan_2021_2022_webpage.pdf": "un_network_workplan_2021_2022_webpage.txt",
    "un_network_workplan_2022_2024_pdftext.pdf": "un_network_workplan_2022_2024_pdftext.txt",
    "wg6_services_access_draft_2019.pdf": "wg6_services_access_draft_2019.txt",
}


def signature(result: DocumentResult) -> list[tuple]:
    """Per item, what a user compares: identity, text, raw texts, interval, agency and funder ids."""
    timelines = {t.item_id: (t.start, t.end, t.ongoing, t.tbc) for t in result.timelines}
    funding: dict[str, tuple[list, list]] = {}  # item -> ids of its funders, ids of the names only mentioned
    for f in result.funding_agencies:
        funders, named = funding.setdefault(f.item_id, ([], []))
        ids = funders if f.role == "funder" else named
        if f.agency_id and f.agency_id not in ids:
            ids.append(f.agency_id)
    leads: dict[str, list] = {}
    for lead in result.leads:
        leads.setdefault(lead.item_id, []).append((lead.agency_id, lead.role, lead.inherited))
    return [(i.kind.value, i.block, i.section, i.ref, i.text, i.timeline_text, i.funding_text,
             timelines.get(i.item_id), tuple(sorted(leads.get(i.item_id, []), key=repr)), funding.get(i.item_id))
            for i in result.items]


@pytest.fixture(scope="module")
def pairs() -> dict[str, tuple[DocumentResult, DocumentResult]]:
    return {pdf: (run_document(ROOT / "tests" / "fixtures" / pdf, ROOT / "tests" / "fixtures"),
                  run_document(ROOT / "raw" / text, ROOT / "raw")) for pdf, text in TWINS.items()}


@pytest.mark.parametrize("pdf", TWINS)
def test_pdf_gives_the_records_of_its_text_twin(pairs, pdf):
    from_pdf, from_text = pairs[pdf]
    assert from_pdf.errors == [] and from_pdf.format == "pdf"
    got, want = signature(from_pdf), signature(from_text)
    missing = [w for w in want if w not in got]
    extra = [g for g in got if g not in want]
    share = 1 - len(missing) / len(want)
    detail = "\n".join([f"only in text: {m[:5]}" for m in missing] + [f"only in PDF: {e[:5]}" for e in extra])
    assert share >= 0.98 and len(got) == len(want), f"{pdf}: {share:.1%} of {len(want)} items identical\n{detail}"


TITLES = {
    "gmg_multi_annual_workplan_2016_2018.pdf": "Global Migration Group –Multi-Annual Work Plan",
    "gmg_workplan_2010.pdf": "GMG Work Plan 2010",
    "un_network_workplan_2021_2022_webpage.pdf": "United Nations Network on Migration Workplan",  # not the chrome
    "un_network_workplan_2022_2024_pdftext.pdf": "MORK PLAN",  # as printed (sic)
    "wg6_services_access_draft_2019.pdf": "DRAFT WORKPLAN OF WORKING GROUP 6",
}


@pytest.mark.parametrize("pdf", TWINS)
def test_pdf_and_text_twin_print_the_same_title(pairs, pdf):
    from_pdf, from_text = pairs[pdf]
    assert from_pdf.title == from_text.title == TITLES[pdf]


def test_every_pdf_item_cites_its_page_and_box(pairs):
    for pdf, (from_pdf, _) in pairs.items():
        assert all(i.page is not None and i.locator.startswith(f"p{i.page} bbox ") for i in from_pdf.items), pdf
        assert from_pdf.pages == max(i.page for i in from_pdf.items) or from_pdf.pages > 0


def test_gmg_pdf_activity_1_1_page_and_interval(pairs):
    from_pdf, _ = pairs["gmg_multi_annual_workplan_2016_2018.pdf"]
    (item,) = [i for i in from_pdf.items if i.block == "2016" and i.section == "GMG coordination and visibility"
               and i.ref == "1.1"]
    assert item.text == "GMG statement at the 14th Coordination Meeting on International Migration"
    assert item.page == 9
    (timeline,) = [t for t in from_pdf.timelines if t.item_id == item.item_id]
    assert (timeline.start, timeline.end) == (dt.date(2016, 2, 25), dt.date(2016, 2, 26))
    assert from_pdf.pages == 35


def test_page_ranges_read_apart_give_the_same_records(pairs):
    from pipeline.run import page_ranges, read_page_range

    path = ROOT / "tests" / "fixtures" / "gmg_multi_annual_workplan_2016_2018.pdf"
    ranges = page_ranges(path, 12)
    assert ranges == [(1, 12), (13, 24), (25, 35)]
    assert page_ranges(ROOT / "raw" / "gmg_workplan_2010.txt", 12) == []
    assert page_ranges(ROOT / "tests" / "fixtures" / "gmg_workplan_2010.pdf", 12) == []  # 5 pages: one task
    split = run_document(path, path.parent, [read_page_range(path, a, b) for a, b in ranges])
    whole, _ = pairs["gmg_multi_annual_workplan_2016_2018.pdf"]
    assert signature(split) == signature(whole)
    assert [i.locator for i in split.items] == [i.locator for i in whole.items]


def test_a_damaged_page_range_is_reported_as_the_document_error(tmp_path):
    from pipeline.run import read_page_range

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    batch = read_page_range(broken, 1, 12)
    result = run_document(broken, tmp_path, [batch])
    assert [e.error_type for e in result.errors] == ["unreadable"]


def test_a_browser_print_of_a_ruled_table_gives_the_text_twins_records():
    """Headless Chromium (a second producer): spaces never drawn at wraps, bullets and ligatures drawn as
    glyph shapes, a table row cut by the page break with side rules only. The WG6 plan printed portrait gives
    the same items, intervals and agency ids as its text twin."""
    chromium = ROOT / "tests" / "fixtures" / "chromium"
    printed = run_document(chromium / "wg6_services_access_draft_2019_portrait.pdf", chromium)
    text = run_document(ROOT / "raw" / "wg6_services_access_draft_2019.txt", ROOT / "raw")
    assert len(printed.items) == len(text.items) == 23
    assert signature(printed) == signature(text)
