"""A translated edition: its language told, its records parsed with the French vocabulary, linked to its original."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.editions import Evidence, evidence, link_editions
from pipeline.language import detect_language
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent
FRENCH = "un_network_workplan_2021_2022_fr.txt"
ENGLISH = "un_network_workplan_2021_2022_webpage.txt"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    raw = tmp_path_factory.mktemp("editions")
    shutil.copy(ROOT / "tests" / "fixtures" / FRENCH, raw)
    for name in (ENGLISH, "un_network_workplan_2022_2024_pdftext.txt", "gmg_workplan_2010.txt"):
        shutil.copy(ROOT / "raw" / name, raw)
    out = {p.name: run_document(p, raw) for p in sorted(raw.iterdir())}
    link_editions(list(out.values()))
    return out


def test_language_of_each_edition(results):
    assert {name: r.language for name, r in results.items()} == {
        FRENCH: "fr", ENGLISH: "en", "un_network_workplan_2022_2024_pdftext.txt": "en", "gmg_workplan_2010.txt": "en"}


def test_french_edition_is_linked_to_its_english_original(results):
    assert results[FRENCH].edition_of == ENGLISH
    assert all(r.edition_of is None for name, r in results.items() if name != FRENCH)
    french = results[FRENCH]
    assert (french.edition_score, french.edition_method) == (
        0.5309, "anchor_lcs: 115 of 135 anchors in order (43 by chance)")
    assert evidence(french.anchors, results["gmg_workplan_2010.txt"].anchors) == Evidence(16, 43 / 3, 135, 0.0123)


def test_each_edition_keeps_its_own_printed_title(results):
    assert results[FRENCH].title == "Plan de travail du Réseau des Nations Unies sur les migrations"
    assert results[ENGLISH].title == "United Nations Network on Migration Workplan"  # not "Aller au contenu principal"


def test_french_items_mirror_the_english_ones(results):
    fr, en = results[FRENCH], results[ENGLISH]
    assert [(i.kind, i.block) for i in fr.items] == [(i.kind, i.block) for i in en.items]
    first = fr.items[0]
    assert (first.ref, first.section) == (
        "Groupe de travail principal 2.1",
        "Groupe de travail principal 2.1 : Renforcer le système des Nations Unies pour la mise en œuvre du Pacte "
        "mondial sur les migrations")
    dates = lambda r: [(t.start, t.end, t.ongoing) for t in r.timelines]  # noqa: E731
    assert dates(fr) == dates(en)
    co_leads = lambda r: [(lead.item_id == r.items[1].item_id, lead.agency_id) for lead in r.leads  # noqa: E731
                          if lead.role == "co-lead"][:2]
    assert co_leads(fr) == co_leads(en) == [(False, "IOM"), (False, "UNDP")]
    activity = fr.items[1]
    assert activity.timeline_text == "T2 2021"
    assert [lead.agency_id for lead in fr.leads if lead.item_id == activity.item_id
            and lead.role == "co-lead"] == ["IOM", "UNDP"]


@pytest.mark.parametrize(("text", "lang"), [
    ("Plan de travail du Réseau des Nations Unies sur les migrations et les objectifs", "fr"),
    ("Plan de trabajo de la Red de las Naciones Unidas sobre la Migración para los migrantes", "es"),
    ("План работы Сети Организации Объединенных Наций по миграции", "ru"),
    ("خطة عمل شبكة الأمم المتحدة المعنية بالهجرة", "ar"),
    ("联合国移民问题网络工作计划", "zh"),
    ("Workplan of the United Nations Network on Migration for the period", "en"),
])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_arabic_pdf_edition_gives_the_lead_line_of_its_text_edition(tmp_path):
    import shutil
    from pathlib import Path

    from pipeline.run import run_document

    fixtures = Path(__file__).parent / "fixtures" / "editions"
    shutil.copy(fixtures / "wg6_services_access_draft_2019_ar.pdf", tmp_path)
    result = run_document(tmp_path / "wg6_services_access_draft_2019_ar.pdf", tmp_path)
    assert result.language == "ar"
    leads = {(lead.agency_id, lead.role) for lead in result.leads if lead.source_role == "lead"}
    assert {("WHO", "lead"), ("UN-Habitat", "lead")} <= leads


def test_a_new_edition_dropped_into_the_folder_is_the_only_document_parsed_and_joins_its_family(
        prefect_harness, tmp_path):
    import duckdb

    from flows import extract_workplans

    root = Path(__file__).resolve().parent.parent
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    original = "wg6_services_access_draft_2019.txt"
    shutil.copy(root / "raw" / original, raw)
    shutil.copy(root / "raw" / "gmg_workplan_2010.txt", raw)
    first = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    assert first.parsed == ["gmg_workplan_2010.txt", original]

    for edition in ("wg6_services_access_draft_2019_zh.pdf", "wg6_services_access_draft_2019_ar.txt"):
        shutil.copy(root / "tests" / "fixtures" / "editions" / edition, raw)
        report = extract_workplans(raw_dir=str(raw), out_dir=str(out))
        assert report.parsed == [edition]  # only the new file is read; the others come from the cache
        links = dict(duckdb.sql(f"select document_id, edition_of from '{out}/documents/*.parquet'").fetchall())
        assert links[edition] == original and links[original] is None and links["gmg_workplan_2010.txt"] is None
        aligned = duckdb.sql(f"select count(*), count(distinct original_document_id) from "
                             f"'{out}/item_alignments/*.parquet' where document_id = '{edition}'").fetchall()[0]
        assert aligned == (23, 1)
