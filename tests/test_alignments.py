"""Item alignments between a translated edition and its original, checked against hand-checked pairs."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from pipeline.alignments import MIN_SCORE, align_documents, align_editions, alignments_to_differences, ref_key
from pipeline.editions import link_editions
from pipeline.output.report import RunReport
from pipeline.output.store import results_to_tables
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = ROOT / "tests" / "fixtures" / "editions"
EXPECTED = sorted((ROOT / "tests" / "expected" / "alignments").glob("*.json"))
ORIGINALS = ("un_network_workplan_2021_2022_webpage.txt", "un_network_workplan_2022_2024_pdftext.txt",
             "wg6_services_access_draft_2019.txt")
LONE = "gmg_workplan_2010.txt"  # an English plan no edition translates
WG6_ES, PLAN_ES = "wg6_services_access_draft_2019_es.txt", "un_network_workplan_2022_2024_pdftext_es.txt"


def _run(raw: Path) -> dict:
    results = {p.name: run_document(p, raw) for p in sorted(raw.iterdir())}
    link_editions(list(results.values()))
    return results


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    raw = tmp_path_factory.mktemp("editions")
    for path in EDITIONS.glob("*.txt"):
        shutil.copy(path, raw)
    shutil.copy(ROOT / "tests" / "fixtures" / "un_network_workplan_2021_2022_fr.txt", raw)
    for name in (*ORIGINALS, LONE):
        shutil.copy(ROOT / "raw" / name, raw)
    return _run(raw)


@pytest.fixture(scope="module")
def rows(results):
    return align_editions(list(results.values()))


def _keys(items) -> dict[tuple[str, int], str]:
    """Item ids by (first 40 characters of the text, occurrence of that prefix)."""
    seen: Counter = Counter()
    keys = {}
    for item in items:
        prefix = item.text[:40]
        keys[(prefix, seen[prefix])] = item.item_id
        seen[prefix] += 1
    return keys


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.stem)
def test_edition_items_align_to_the_hand_checked_original_items(expected, results, rows):
    spec = json.loads(expected.read_text(encoding="utf-8"))
    edition, original = results[spec["edition"]], results[spec["original"]]
    assert edition.edition_of == spec["original"]
    mine, theirs = _keys(edition.items), _keys(original.items)
    seen_e: Counter = Counter()
    seen_o: Counter = Counter()
    want = {}
    for e_prefix, o_prefix in spec["pairs"]:
        item_id = mine[(e_prefix, seen_e[e_prefix])]
        seen_e[e_prefix] += 1
        if o_prefix is None:
            want[item_id] = None
        else:
            want[item_id] = theirs[(o_prefix, seen_o[o_prefix])]
            seen_o[o_prefix] += 1
    assert len(want) == len(edition.items)
    got = {r["item_id"]: r["original_item_id"] for r in rows if r["document_id"] == spec["edition"]}
    wrong = [(e, o) for (e, o), item_id in zip(spec["pairs"], want, strict=True) if got.get(item_id) != want[item_id]]
    assert (len(want) - len(wrong)) / len(want) >= 0.95, wrong


def test_rows_name_both_documents_and_a_score_above_the_floor(results, rows):
    assert Counter(r["document_id"] for r in rows) == {
        "un_network_workplan_2021_2022_fr.txt": 42, WG6_ES: 23, "wg6_services_access_draft_2019_ar.txt": 23,
        "wg6_services_access_draft_2019_ru.txt": 23, "wg6_services_access_draft_2019_zh.txt": 23, PLAN_ES: 42,
        "un_network_workplan_2022_2024_pdftext_ar.txt": 42, "un_network_workplan_2022_2024_pdftext_ru.txt": 42,
        "un_network_workplan_2022_2024_pdftext_zh.txt": 42}
    assert all(r["original_document_id"] == results[r["document_id"]].edition_of for r in rows)
    assert all(MIN_SCORE < r["score"] <= 1 for r in rows)
    assert len({r["item_id"] for r in rows}) == len(rows)  # one counterpart at most


def test_first_french_item_is_matched_by_its_number_and_its_co_leads(results, rows):
    fr, en = results["un_network_workplan_2021_2022_fr.txt"], results["un_network_workplan_2021_2022_webpage.txt"]
    first = next(r for r in rows if r["item_id"] == fr.items[0].item_id)
    # "Groupe de travail principal 2.1" is "Core Working Group 2.1"
    assert first["original_item_id"] == en.items[0].item_id
    assert first["method"] == "ref+agencies"


def test_two_plans_in_one_language_give_no_alignment(tmp_path, results):
    for name in (WG6_ES, PLAN_ES):
        shutil.copy(EDITIONS / name, tmp_path)
    alone = _run(tmp_path)
    assert [r.edition_of for r in alone.values()] == [None, None]
    assert align_editions(list(alone.values())) == []
    assert align_documents(results[WG6_ES], results[PLAN_ES]) == []  # even when told they are one plan
    assert align_documents(results[PLAN_ES], results["wg6_services_access_draft_2019.txt"]) == []
    assert align_documents(results["un_network_workplan_2021_2022_fr.txt"],
                           results["un_network_workplan_2022_2024_pdftext.txt"]) == []


def test_an_original_without_edition_gets_no_rows(results, rows):
    lone = {i.item_id for i in results[LONE].items}
    assert len(lone) == 51
    assert not lone & {r["item_id"] for r in rows} and not lone & {r["original_item_id"] for r in rows}
    assert not {r["document_id"] for r in rows} & set(ORIGINALS)


def test_a_date_changed_in_translation_is_listed(tmp_path):
    french = (ROOT / "tests" / "fixtures" / "un_network_workplan_2021_2022_fr.txt").read_text(encoding="utf-8")
    assert french.count("T2 2021") > 1
    (tmp_path / "fr.txt").write_text(french.replace("T2 2021", "T4 2021", 1), encoding="utf-8")
    shutil.copy(ROOT / "raw" / ORIGINALS[0], tmp_path)
    results = list(_run(tmp_path).values())
    differences = alignments_to_differences(results, align_editions(results))
    assert differences == [{
        "document_id": "fr.txt", "field": "interval",
        "item": "Finalisation et mise à l’essai d’une formation destinée a...",
        "original_item": "Finalization and pilot of training for UNCTs to incorpora...",
        "edition": "2021-10-01..2021-12-31", "original": "2021-04-01..2021-06-30"}]
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    report = RunReport.from_results(results, [], now, now).to_markdown()
    assert ("- fr.txt: Finalisation et mise à l’essai d’une formation destinée a... (Finalization and pilot of "
            "training for UNCTs to incorpora...): interval 2021-10-01..2021-12-31 in the edition, "
            "2021-04-01..2021-06-30 in the original") in report


def test_no_differences_where_the_translation_kept_dates_and_leads(results, rows):
    differences = alignments_to_differences(list(results.values()), rows)
    assert not [d for d in differences if d["document_id"] != WG6_ES]
    # the Spanish WG6 edition reads its "PRODUCTOS" column as outputs, which shifts each activity's inherited
    # date by one row: the report shows it, as it would a date changed in translation
    assert {d["field"] for d in differences} == {"interval"}


def test_item_alignments_table(results, rows):
    tables = results_to_tables(list(results.values()), [], dt.datetime(2024, 1, 1, tzinfo=dt.UTC), "test")
    table = tables["item_alignments"]
    assert table.column_names == ["item_id", "original_item_id", "document_id", "original_document_id", "score",
                                  "method"]
    assert table.num_rows == len(rows) == 302


@pytest.mark.parametrize(("ref", "key"), [
    ("Core Working Group 2.1", ("2", "1")),
    ("Groupe de travail principal 2.1", ("2", "1")),
    ("1.1", ("1", "1")),
    ("3)", ("3",)),
    ("b)", ("b",)),
    ("iv.", ("iv",)),
    ("٣", ("3",)),  # Arabic-Indic digit
    ("Thematic Priority", None),
    (None, None),
])
def test_ref_key(ref, key):
    assert ref_key(ref) == key
