"""The recogniser alone (no layout rules) on the seeds: plan tables read by their layout, and paragraphs that a label
introduces. Each check is what the general reader must find, and what it must not take for an item."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import extractors
from pipeline.fragments import join_fragments, remove_running_headers
from pipeline.outline import build_outline
from pipeline.recognise import recognise

ROOT = Path(__file__).resolve().parent.parent


@cache
def _kept(name: str) -> tuple:
    doc = extractors.extract(ROOT / "raw" / name)
    return tuple(recognise(build_outline(join_fragments(remove_running_headers(list(doc.blocks)))), lang="en"))


def _one(name: str, start: str, block: str | None = None):
    found = [c for c in _kept(name) if c.text.startswith(start) and (block is None or c.block == block)]
    assert len(found) == 1, [(c.text[:60], c.block) for c in found]
    return found[0]


GMG = "gmg_multi_annual_workplan_2016_2018.md"


def test_a_plan_table_row_is_an_activity_under_its_output_with_the_row_fields_and_the_year_row_period():
    act = _one(GMG, "GMG statement at the IOM 2016 International Dialogue")
    assert (act.method, act.kind.value, act.ref, act.timeline, act.funding, act.block) == (
        "table_row", "activity", "1.2", "29 February- 1 March 2016", "GMG Chair", "2016")
    assert [(lead.text, lead.inherited) for lead in act.leads] == [("GMG Chair (UN Women)", False)]
    assert (act.parent.kind.value, act.parent.ref) == ("output", "Output 1")
    assert act.parent.text.startswith("Joint position papers, statements and communiqués")
    assert act.provenance.line_start == 242


def test_an_empty_cell_under_a_merged_one_takes_the_activity_above_and_says_so():
    first = _one(GMG, "Creating an accessible overview of what the GMG as a whole", block="2016")
    inherited = _one(GMG, "Providing an inter-active element for GMG members", block="2016")
    assert (first.timeline, first.timeline_inherited) == ("2016-2018", False)
    assert (inherited.timeline, inherited.timeline_inherited, inherited.funding_inherited) == ("2016-2018", True, True)
    assert [(lead.text, lead.inherited) for lead in inherited.leads] == [("Task Force co-Chairs", True)]


def test_the_same_output_in_each_year_block_is_an_item_of_that_year_not_joined_to_the_overview_list():
    blocks = sorted(c.block or "-" for c in _kept(GMG)
                    if c.text.startswith("GMG report on progress of migration related commitments"))
    assert blocks == ["-", "2016", "2017", "2018"]  # the "Key outputs" list of the plan, then one per year table


def test_a_label_row_names_the_kind_of_the_list_in_the_cell_below():
    item = _one(GMG, "Key messages on migration and the 2030 Sustainable Development Agenda")
    assert (item.kind.value, item.ref, item.block) == ("deliverable", "1", "2016")
    assert not [c for c in _kept(GMG) if c.text.startswith(("Key joint GMG deliverables", "Outputs", "2016"))
                and c.method == "table_row"]


PDFTEXT = "un_network_workplan_2022_2024_pdftext.txt"


def test_paragraphs_a_label_introduces_are_items_and_a_lone_field_label_is_not():
    item = _one(PDFTEXT, "Develop critical considerations and actions for achieving safe access to basic services")
    assert item.text.endswith("This will be preceded by a summary of lessons learned that emerged since the "
                              "beginning of the COVID-19 pandemic.")  # the paragraph is one item
    assert (item.role, item.provenance.line_start) == (1, 114)
    assert not [c for c in _kept(PDFTEXT) if c.text == "Timeline"]
    assert _one(PDFTEXT, "one peer learning event focused specifically on child immigration detention").role == 1
