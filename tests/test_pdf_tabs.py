"""Tables laid out with tab stops and no rules: a tab-separated edition printed to PDF reads like its text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors.pdf import extract, read_pages
from extractors.pdf_tabs import TabGrid, tab_grid
from pipeline.core.enums import BlockKind
from pipeline.run import run_document

FIXTURES = Path(__file__).parent / "fixtures"
EDITIONS = FIXTURES / "editions"
ZH = "wg6_services_access_draft_2019_zh"
AR_WG6 = "wg6_services_access_draft_2019_ar"
AR_NETWORK = "un_network_workplan_2022_2024_pdftext_ar"


def _items(result) -> list[tuple]:
    """Per item, in order: kind, ref, the (start, end) of its timelines, its lead agency ids."""
    out = []
    for item in result.items:
        spans = [(str(t.start), str(t.end)) for t in result.timelines if t.item_id == item.item_id]
        leads = {lead.agency_id for lead in result.leads
                 if lead.item_id == item.item_id and lead.role in ("lead", "co-lead")}
        out.append((item.kind.value, item.ref, spans, leads))
    return out


@pytest.fixture(scope="module")
def chinese(tmp_path_factory):
    raw = tmp_path_factory.mktemp("zh")
    for suffix in (".pdf", ".txt"):
        shutil.copy(EDITIONS / f"{ZH}{suffix}", raw)
    return {suffix: run_document(raw / f"{ZH}{suffix}", raw) for suffix in (".pdf", ".txt")}


def test_chinese_pdf_edition_gives_the_intervals_and_agencies_of_its_text_edition(chinese):
    pdf, text = _items(chinese[".pdf"]), _items(chinese[".txt"])
    assert pdf == text
    assert len(pdf) == 23
    assert pdf[0][:3] == ("priority_area", "1)", [("2019-12-01", "2019-12-31")])
    assert pdf[0][3] == {"WHO", "UN-Habitat"}
    activity = next(i for i in pdf if i[1] == "1.3")
    assert activity[2] == [("2019-12-03", "2019-12-03")]
    # the synergies column holds no timeline: "所有可持续发展目标..." is not read as a date
    assert all(span != ("None", "None") for item in pdf for span in item[2])


def _editions(tmp_path_factory, stem: str) -> dict:
    raw = tmp_path_factory.mktemp(stem[:12])
    for suffix in (".pdf", ".txt"):
        shutil.copy(EDITIONS / f"{stem}{suffix}", raw)
    return {suffix: _items(run_document(raw / f"{stem}{suffix}", raw)) for suffix in (".pdf", ".txt")}


@pytest.fixture(scope="module")
def arabic(tmp_path_factory):
    return {stem: _editions(tmp_path_factory, stem) for stem in (AR_WG6, AR_NETWORK)}


def test_arabic_pdf_edition_gives_the_intervals_and_agencies_of_its_text_edition(arabic):
    # LibreOffice laid both out as left-to-right paragraphs of Arabic; the lines are read back in reading order
    pdf, text = arabic[AR_NETWORK][".pdf"], arabic[AR_NETWORK][".txt"]
    assert pdf == text
    assert len(pdf) == 47
    pdf, text = arabic[AR_WG6][".pdf"], arabic[AR_WG6][".txt"]
    assert len(pdf) == len(text) == 23
    assert pdf[0] == ("priority_area", "1)", [("2019-12-01", "2019-12-31")], {"WHO", "UN-Habitat"})
    # dates LibreOffice broke inside the number ("25/11/201" / "9") are whole again
    assert next(i for i in pdf if i[1] == "1.2")[2] == [("2019-11-25", "2019-11-25")]
    assert next(i for i in pdf if i[1] == "1.3")[2] == [("2019-12-03", "2019-12-03")]
    assert next(i for i in pdf if i[1] == "1.4")[2] == [("2019-12-16", "2020-02-29")]
    # one difference left: a tab drawn exactly one space wide before "03/2020" is read as a space, so activity
    # 3.1's date stays in its deliverables cell and the activity keeps its priority area's month
    differ = [(p, t) for p, t in zip(pdf, text, strict=True) if p != t]
    assert differ == [(("activity", "3.1", [("2020-07-01", "2020-07-31")], {"WHO", "UN-Habitat"}),
                       ("activity", "3.1", [("2020-03-01", "2020-03-31")], {"WHO", "UN-Habitat"}))]


def test_arabic_lines_of_a_left_to_right_paragraph_read_in_order():
    doc = extract(EDITIONS / f"{AR_WG6}.pdf")
    texts = [b.text for b in doc.blocks]
    # the number ending the heading is drawn at its left; brackets come out as typed
    assert texts[0] == "مشروع خطة عمل الفريق العامل 6"
    assert texts[2] == "الجهات الرائدة: منظمة الصحة العالمية، وموئل الأمم المتحدة (مقترح)"
    assert "6 مشروع" not in texts[0]
    table = next(b for b in doc.blocks if b.kind is BlockKind.TABLE)
    row = next(r for r in table.rows if r.texts[0].startswith("1.3"))
    assert row.texts == ["1.3 تحديد البلدان والمدن التجريبية", "تم تحديد البلدان والمدن التجريبية", "03/12/2019", ""]


def test_tab_stops_split_a_ruleless_table_into_cells():
    doc = extract(EDITIONS / f"{ZH}.pdf")
    table = next(b for b in doc.blocks if b.kind is BlockKind.TABLE)
    assert table.rows[0].texts == ["优先工作领域", "交付成果", "时间表", "与其他进程的协同作用"]
    row = next(r for r in table.rows if r.texts[0].startswith("1.3"))
    # "2019年12月3日": no space where the producer only set Latin digits apart from the ideographs
    assert row.texts == ["1.3 确定试点国家和城市", "试点国家和城市已确定", "2019年12月3日", ""]
    # the label lines above the table stay paragraphs (no tab in them)
    assert [b.kind for b in doc.blocks[:3]] == [BlockKind.PARAGRAPH] * 3


def test_arabic_tab_row_keeps_its_cells_in_reading_order():
    doc = extract(EDITIONS / "wg6_services_access_draft_2019_ar.pdf")
    table = next(b for b in doc.blocks if b.kind is BlockKind.TABLE)
    assert table.rows[0].texts[:3] == ["مجالات العمل ذات الأولوية", "النواتج", "الجدول الزمني"]
    texts = [b.text for b in doc.blocks] + [c for b in doc.blocks for r in b.rows for c in r.texts]
    # the lam-alef ligature is one glyph standing for two letters: kept in reading order
    assert any("الاتحاد" in t for t in texts)
    assert not any("االتحاد" in t for t in texts)


@pytest.mark.parametrize(("start", "end", "stops"), [
    (128.8, 198.6, 2),  # "específicas." then two tabs: an empty cell
    (230.8, 234.1, 1),  # a tab onto the next stop just right of the text
    (56.8, 92.3, 1),  # a line starting on the first stop
])
def test_stops_between(start, end, stops):
    assert TabGrid(56.8, 35.43).stops_between(start, end) == stops


def test_on_stop():
    grid = TabGrid(56.8, 35.43)
    assert [grid.on_stop(x) for x in (234.1, 92.3, 240.0, 56.8)] == [5, 1, 0, 0]


@pytest.mark.parametrize("name", ["gmg_multi_annual_workplan_2016_2018.pdf", "gmg_workplan_2010.pdf"])
def test_no_tab_grid_in_a_word_document_whose_tabs_follow_list_markers(name):
    # Word puts a tab after each bullet or number ("•<tab>(1) GMG coordination"): no table
    batch = read_pages(FIXTURES / name)
    assert tab_grid([line for lines in batch.lines for line in lines]) is None
