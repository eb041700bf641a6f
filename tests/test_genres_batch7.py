"""Genres met in the plans of the fourth held-out batch (``annotated/MANIFEST-batch7-*.md``): each behaviour both
ways, on the real annotated plans and on small plans written as users write them."""

from __future__ import annotations

from pathlib import Path

from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "annotated" / "docs"


def _plan(tmp_path: Path, text: str, name: str = "plan.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_document(path, tmp_path)


def test_lists_under_period_headings_are_that_periods_work_whatever_the_heading_above_calls_them():
    result = run_document(DOCS / "luxembourg_opendata_feuille_de_route_2022.md", DOCS)
    by_text = {i.text: i for i in result.items}
    item = by_text["Améliorer la disponibilité des données sur l'environnement."]
    assert item.timeline_text == "2024"
    (row,) = [t for t in result.timelines if t.item_id == item.item_id]
    assert (str(row.start), str(row.end)) == ("2024-01-01", "2024-12-31")
    assert "2024" not in by_text and "2025 - 2027" not in by_text  # the periods are their items' timelines
    assert len([i for i in result.items if i.timeline_text == "2025 - 2027"]) == 4


def test_a_plan_whose_only_sections_are_its_aims_gives_them_as_items(tmp_path):
    result = _plan(tmp_path, "# Plan de la Junta\n\n## Datos de contacto\n\n- Correo: junta@example.org\n\n"
                             "## Los objetivos de la Junta\n\n### 1. Fomentar la formación.\n\n"
                             "- Crear un grupo de formación para la comunidad.\n"
                             "- Recuperar el meet-up mensual de la asociación.\n")
    texts = [i.text for i in result.items]
    assert "Crear un grupo de formación para la comunidad." in texts
    assert "Recuperar el meet-up mensual de la asociación." in texts
    assert not [t for t in texts if "Correo" in t or "junta@example.org" in t]


def test_aims_beside_a_section_of_work_stay_context(tmp_path):
    result = _plan(tmp_path, "# Plan\n\n## Objectives\n\n1. Improve the portal for all users.\n"
                             "2. Raise awareness of open data.\n\n## Activities\n\n"
                             "- Run a user survey of the portal (Q2 2024)\n- Publish the survey results (Q3 2024)\n")
    assert [i.text for i in result.items] == ["Run a user survey of the portal (Q2 2024)",
                                              "Publish the survey results (Q3 2024)"]


def test_a_struck_through_row_is_cancelled_and_a_repeated_header_gives_no_field():
    result = run_document(DOCS / "eclipse_orcwg_cra_deliverables_plan_2025_2026.md", DOCS)
    texts = [i.text for i in result.items]
    assert not [t for t in texts if "Annex C" in t or "~~" in t]
    spec = next(i for i in result.items if i.text == "Specifications")
    assert spec.timeline_text is None and not [lead for lead in result.leads if lead.item_id == spec.item_id]
    assert not [t for t in texts if t in ("EU Commission", "ENISA", "CEN/CENELEC")]  # "Key stakeholders"


def test_checklists_are_work_and_goals_beside_them_are_not():
    result = run_document(DOCS / "iroha_devportal_preview_w1_plan_ru.md", DOCS)
    texts = [i.text for i in result.items]
    assert any(t.startswith("Grafana скриншоты для docs.preview.integrity") for t in texts)
    assert not [t for t in texts if t.startswith("Получить юридические и governance-одобрения")]  # "Цели"
