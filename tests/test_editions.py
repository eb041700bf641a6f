"""A translated edition: its language told, its records parsed with the French vocabulary, linked to its original."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.alignments import align_editions
from pipeline.anchors import text_to_anchors
from pipeline.editions import MIN_ANCHORS, Evidence, evidence, lcs_length, link_editions
from pipeline.language import detect_language
from pipeline.output.report import RunReport
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
        0.9883, "anchor_lcs: 134 of 135 anchors in order (50 by chance)")
    assert evidence(french.anchors, results["gmg_workplan_2010.txt"].anchors) == Evidence(17, 16.0, 135, 0.0084)


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


def _variant(text: str, how: str) -> str:
    """The Spanish WG6 edition as another extraction might read it: its third column (the dates) lost, or a
    status line under each numbered activity."""
    lines = []
    for line in text.splitlines():
        cells = line.split("\t")
        if how == "column lost" and len(cells) >= 3:
            line = "\t".join(cells[:2] + cells[3:])
        lines.append(line)
        if how == "status lines" and re.match(r"^\d+(?:\.\d+)*\)? ", line):
            lines.append("En curso")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("how", "read", "score", "method", "aligned"), [
    ("column lost", (23, 0), 0.9022, "anchor_lcs: 83 of 89 anchors in order (28 by chance)", 0),
    ("status lines", (22, 22), 0.9253, "anchor_lcs: 110 of 116 anchors in order (36 by chance)", 22),
])
def test_an_edition_read_otherwise_than_its_original_is_still_linked(tmp_path, how, read, score, method, aligned):
    """The edition as printed gives 23 items and 23 timelines, as its original does; read otherwise it is
    still linked, from its whole text."""
    edition = ROOT / "tests" / "fixtures" / "editions" / "wg6_services_access_draft_2019_es.txt"
    (tmp_path / "es.txt").write_text(_variant(edition.read_text(encoding="utf-8"), how), encoding="utf-8")
    shutil.copy(ROOT / "raw" / "wg6_services_access_draft_2019.txt", tmp_path / "en.txt")
    shutil.copy(ROOT / "raw" / "gmg_workplan_2010.txt", tmp_path)
    results = {p.name: run_document(p, tmp_path) for p in sorted(tmp_path.iterdir())}
    link_editions(list(results.values()))
    es = results["es.txt"]
    assert (len(es.items), len(es.timelines)) == read
    assert (es.language, es.edition_of, es.edition_score, es.edition_method) == ("es", "en.txt", score, method)
    assert results["en.txt"].edition_of is None and results["gmg_workplan_2010.txt"].edition_of is None
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    report = RunReport.from_results(list(results.values()), [], now, now)
    assert report.editions == [{"document_id": "es.txt", "edition_of": "en.txt", "score": score, "method": method,
                                "items": read[0], "original_items": 23, "aligned": aligned}]
    assert (f"- es.txt: edition of en.txt (score {score}; {method}): {read[0]} items for the original's 23, "
            f"{aligned} aligned") in report.to_markdown()


def test_two_unrelated_plans_without_period_and_with_few_items_are_not_linked(tmp_path):
    """The French DINUM action plan and the ASWF CI review: once taken for an edition and its original."""
    for name in ("dinum_plan_action_logiciels_libres_2021.md", "aswf_ci_wg_annual_review_2026.pdf"):
        shutil.copy(ROOT / "annotated" / "docs" / name, tmp_path)
    french, english = (run_document(p, tmp_path) for p in sorted(tmp_path.iterdir(), key=lambda p: p.suffix))
    assert (french.language, english.language) == ("fr", "en")
    link_editions([french, english])
    assert (french.edition_of, french.edition_score, french.edition_method) == (None, None, None)
    assert evidence(french.anchors, english.anchors) == Evidence(0, 0.0, 24, 0.0)  # no anchor in common
    assert align_editions([french, english]) == []


def test_one_language_is_never_an_edition_and_few_anchors_never_link(results):
    from dataclasses import replace

    french = results[FRENCH]
    copy = replace(french, document_id="copy.txt", edition_of=None)
    english_copy = replace(french, document_id="en_copy.txt", language="en")
    short = replace(french, document_id="short.txt", anchors=french.anchors[:MIN_ANCHORS - 1])
    short_original = replace(results[ENGLISH], document_id="short_en.txt", anchors=results[ENGLISH].anchors[:60])
    group = [french, copy, english_copy, short, short_original]
    link_editions(group)
    assert [r.edition_of for r in group] == ["en_copy.txt", "en_copy.txt", None, None, None]
    assert french.edition_score == 1.0


@settings(max_examples=200)
@given(st.lists(st.sampled_from("abcde"), max_size=40), st.lists(st.sampled_from("abcdef"), max_size=70))
def test_bit_parallel_lcs_is_the_longest_common_subsequence(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    assert lcs_length(a, b) == table[-1][-1]


@pytest.mark.parametrize(("text", "lang", "anchors"), [
    ("Co-leads: OIM, PNUD (T2 2021)", "fr", ["a:IOM", "a:UNDP", "n:2", "n:2021"]),
    ("Соруководители: МОМ, ПРООН (II квартал 2021 года)", "ru", ["a:IOM", "a:UNDP", "n:2021"]),
    ("牵头机构：国际移民组织、联合国开发计划署（2021年第二季度）", "zh", ["a:IOM", "a:UNDP", "n:2021"]),
    ("DRAFT OF WORKING GROUP 6", "en", ["n:6"]),  # a line set in capitals: words, not acronyms
    ("See https://www.example.org/plan/ or write to wg6@example.org.", "en",
     ["u:example.org/plan", "e:wg6@example.org"]),
    ("The GCM review in 2,000 words: 2 000 and 2.000 read alike", "en",
     ["l:GCM", "n:2", "n:0", "n:2", "n:0", "n:2", "n:0"]),
])
def test_text_to_anchors(text, lang, anchors):
    assert text_to_anchors(text, lang) == anchors
