"""AsciiDoc plans: sections, lists and tables with row spans read into the document model, and a real action plan
(GBIF/OBIS 2024, CC BY-SA 4.0, see annotated/MANIFEST-batch13-15.md) read whole."""

from __future__ import annotations

from pathlib import Path

from extractors import asciidoc, format_of
from pipeline.core.enums import BlockKind, Format
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "annotated" / "docs"

PLAN = """= Work plan 2025
:revdate: 2025-01-10

// a comment line, never read
== Deliverables

. Publish the *data* guide by link:https://example.org/guide[the portal^]
.. Draft chapter one
* Train {revdate} staff +
across regions

[cols="1,2,1", options="header"]
|===
|Action |Tasks |Timeline

.2+|Improve the portal
|Add search filters +
_Task responsibility_: Portal team
|Q2 2025

|Show record identifiers
|Q3 2025

2+|Joint conference |2025
|===

----
code that is no plan
----
"""


def test_asciidoc_blocks_lists_and_a_table_with_row_spans(tmp_path):
    path = tmp_path / "plan.adoc"
    path.write_text(PLAN, encoding="utf-8")
    assert format_of(path) is Format.ASCIIDOC
    doc = asciidoc.extract(path)
    assert doc.format is Format.ASCIIDOC and doc.title == "Work plan 2025"
    kinds = [(b.kind, b.level, b.text) for b in doc.blocks if b.kind is not BlockKind.TABLE]
    assert kinds == [
        (BlockKind.HEADING, 1, "Work plan 2025"),
        (BlockKind.HEADING, 2, "Deliverables"),
        (BlockKind.LIST_ITEM, 0, "Publish the data guide by the portal"),
        (BlockKind.LIST_ITEM, 1, "Draft chapter one"),
        (BlockKind.LIST_ITEM, 0, "Train 2025-01-10 staff\nacross regions"),
    ]
    (table,) = [b for b in doc.blocks if b.kind is BlockKind.TABLE]
    assert table.header_rows == 1
    assert [r.texts for r in table.rows] == [
        ["Action", "Tasks", "Timeline"],
        ["Improve the portal", "Add search filters\nTask responsibility: Portal team", "Q2 2025"],
        ["", "Show record identifiers", "Q3 2025"],  # the spanned cell's continuation is left empty
        ["Joint conference", "", "2025"],
    ]
    assert table.rows[2].provenance.line_start == 21
    assert not any("code that is no plan" in b.text for b in doc.blocks)


def test_an_action_table_gives_its_actions_as_parents_of_their_tasks_with_the_tasks_own_leads():
    result = run_document(DOCS / "obis_gbif_marine_biodiversity_data_action_plan_2024.adoc", DOCS)
    by_text = {i.text: i for i in result.items}
    action = by_text["Further develop biodiversity data standards"]
    task = by_text["Engagement with TDWG in the development of standards for both organizations"]
    assert task.parent_id == action.item_id and task.locator == "line 11"
    assert by_text["Vocabulary of traits with TDWG to increase interoperability between WoRMS and Catalogue of "
                   "Life"].parent_id == action.item_id
    leads = {lead.agency_text for lead in result.leads if lead.item_id == task.item_id}
    assert {"GBIF Secretariat", "OBIS Secretariat"} <= leads
    assert len(result.items) == 43
    assert not [i for i in result.items if i.text.startswith(("Action", "Suggested tasks", "This action plan"))]
