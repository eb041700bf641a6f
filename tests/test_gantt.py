"""Gantt charts in any format: the period grid is read as each row's timeline (``extractors.gantt``), and a table
of periods whose cells say what is done in each is left as it is."""

from __future__ import annotations

from pathlib import Path

import extractors
from extractors.gantt import fold_indexed, year_of
from pipeline.core.enums import BlockKind
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "annotated" / "docs"


def _timelines(result) -> dict[str, tuple[str | None, str | None]]:
    by_id = {t.item_id: (str(t.start_date) if t.start_date else None, str(t.end_date) if t.end_date else None)
             for t in result.timelines}
    return {i.text: by_id.get(i.item_id, (None, None)) for i in result.items}


def test_a_word_made_pdf_chart_of_quarters_under_years_gives_each_row_its_span():
    # Annex B of the IOC Ocean InfoHub proposal: "Year 1 (2020)" over Q1..Q4, each quarter split in three header
    # cells over one body cell, an "X" in the quarters a row runs
    doc = extractors.extract(DOCS / "ioc_oceaninfohub_proposal_2020.pdf")
    table = next(b for b in doc.blocks if b.kind is BlockKind.TABLE and b.rows[0].texts[0] == "Key Activities")
    rows = [r.texts for r in table.rows]
    assert rows[0] == ["Key Activities", "Timeframe"]
    assert rows[1] == ["WP1: Project Management and Coordination", ""]
    assert rows[2] == ["1.1 Project manager", "Q1 2020 - Q4 2022"]
    assert rows[4] == ["1.3 Steering Group meetings", "Q1 2020 - Q1 2022"]
    assert rows[5] == ["1.4 External evaluation", "Q2 2022"]
    assert ["2.1 global hub development", "Q2 2020 - Q1 2021"] in rows
    assert table.rows[2].provenance.page == 38

    got = _timelines(run_document(DOCS / "ioc_oceaninfohub_proposal_2020.pdf", DOCS))
    assert got["global hub development"] == ("2020-04-01", "2021-03-31")
    assert got["External evaluation"] == ("2022-04-01", "2022-06-30")


def test_a_markdown_chart_of_months_with_the_year_over_them(tmp_path):
    text = ("# Work plan 2025\n\n| Activity | Lead | 2025 | | | | |\n|---|---|---|---|---|---|---|\n"
            "| | | Jan | Feb | Mar | Apr | May |\n| Draft the survey | UNICEF | x | x | | | |\n"
            "| Field work | WHO | | | x | x | |\n| Final report | UNICEF | | | | | x |\n")
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    table = next(b for b in extractors.extract(path).blocks if b.kind is BlockKind.TABLE)
    assert [r.texts for r in table.rows] == [["Activity", "Lead", "Timeframe"],
                                             ["Draft the survey", "UNICEF", "Jan 2025 - Feb 2025"],
                                             ["Field work", "WHO", "Mar 2025 - Apr 2025"],
                                             ["Final report", "UNICEF", "May 2025"]]
    got = _timelines(run_document(path, tmp_path))
    assert got == {"Draft the survey": ("2025-01-01", "2025-02-28"), "Field work": ("2025-03-01", "2025-04-30"),
                   "Final report": ("2025-05-01", "2025-05-31")}


def test_a_table_whose_quarter_cells_say_what_is_done_is_no_chart():
    rows = [["Output", "Q1", "Q2", "Q3", "Q4"],
            ["Survey", "Design the questionnaire", "Field work", "Analysis", "Report published"]]
    assert fold_indexed(rows) is None
    assert fold_indexed([["Task", "Owner", "Due"], ["Draft", "Ana", "Q1"]]) is None  # one period is no grid


def test_an_html_chart_with_merged_year_cells_and_a_column_after_the_grid():
    rows = [["Task", "2021", "", "2022", "", "Budget"],
            ["", "H1", "H2", "H1", "H2", ""],
            ["", "Q1", "Q3", "Q1", "Q3", ""],
            ["Pilot", "X", "X", "", "", "10,000"]]
    assert fold_indexed(rows) == [["Task", "Timeframe", "Budget"], ["Pilot", "Q1 2021 - Q3 2021", "10,000"]]


def test_the_year_of_a_header_cell():
    assert [year_of(t) for t in ("2021", "Year 2 (2021)", "FY2021", "2021年", "2021-2022", "Phase 1")] == \
        [2021, 2021, 2021, 2021, None, None]


def test_a_deliverables_table_gives_each_deliverable_its_row_and_a_later_table_is_not_its_continuation(tmp_path):
    # "Deliverable | Month": the month of the work each is due; the detail table under the next heading has no
    # header of its own and is no continuation of the deliverables (its labels are no deliverables)
    html = ("<html><body>\n<h1>Work plan</h1>\n<h2>Action deliverables</h2>\n<table>\n"
            "<tr><th>Deliverable</th><th>Month</th></tr>\n"
            "<tr><td>1. Strategy to engage stakeholders</td><td>6</td></tr>\n"
            "<tr><td>2. Report on good practices</td><td>12</td></tr>\n</table>\n"
            "<h2>Meeting details</h2>\n<table>\n<tr><td>Meeting Type(s)</td><td>Core Group Meeting</td></tr>\n"
            "<tr><td>Location</td><td>Cluj Napoca</td></tr>\n</table>\n</body></html>\n")
    path = tmp_path / "plan.html"
    path.write_text(html, encoding="utf-8")
    result = run_document(path, tmp_path)
    got = [(i.ref, i.text, i.timeline_text) for i in result.items]
    assert got == [("1", "Strategy to engage stakeholders", "Month: 6"), ("2", "Report on good practices", "Month: 12")]
    (month,) = [t for t in result.timelines if t.item_id == result.items[0].item_id]
    assert (month.start_date, month.duration, month.relative_to) == (None, "P1M", "month 6 of the work")
