"""Language of a document and of each item's own text: script where it is exact, a detector for Latin text."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from pipeline.alignments import align_editions
from pipeline.editions import link_editions
from pipeline.language import block_language, detect_language
from pipeline.output.store import results_to_tables
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent
FRENCH = ROOT / "tests" / "fixtures" / "un_network_workplan_2021_2022_fr.txt"
ENGLISH = ROOT / "raw" / "un_network_workplan_2021_2022_webpage.txt"


@pytest.mark.parametrize(("text", "lang"), [
    # short Spanish titles the former function-word count gave to French ("de", "la" are both)
    ("Alternativas a la detención de inmigrantes", "es"),
    ("Elaborar un programa de aprendizaje electrónico autodirigido", "es"),
    ("Transparencia en finanzas públicas.", "es"),
    ("Plans nationaux de mise en œuvre du Pacte mondial sur les migrations", "fr"),
    ("Develop a self-paced, e-learning programme", "en"),
    ("Альтернативы иммиграционному задержанию", "ru"),
    ("بدائل احتجاز المهاجرين", "ar"),
    ("移民拘留的替代办法", "zh"),
    ("2021-2022", "en"),  # no letters: the default
])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(("text", "document", "lang"), [
    ("Aller au contenu principal", "en", "fr"),  # the French site frame of the 2021-2022 web page
    ("*Toutes les références au Kosovo doivent être comprises dans le contexte de la résolution 1244 (1999) du "
     "Conseil de sécurité des Nations Unies.", "en", "fr"),
    ("Develop a self-paced, e-learning programme", "fr", "en"),  # an item left untranslated
    ("Develop a self-paced, e-learning programme", "ar", "en"),
    ("Alternativas a la detención de inmigrantes", "fr", "es"),
    ("移民拘留的替代办法", "en", "zh"),
    ("Альтернативы иммиграционному задержанию", "es", "ru"),
    ("بدائل احتجاز المهاجرين", "fr", "ar"),
    # too short or too unsure to overrule the document
    ("Venue: Geneva", "fr", "fr"),
    ("Communication strategy", "en", "en"),  # the detector leans French (0.49), under the 0.9 needed
    ("GCM National Implementation Plans", "en", "en"),
    ("IOM, UNDP", "ar", "ar"),
    ("69,75", "zh", "zh"),
    ("Alternatives to immigration detention", "en", "en"),
])
def test_block_language(text, document, lang):
    assert block_language(text, document) == lang


def test_an_item_left_in_english_in_the_french_edition(tmp_path):
    """One activity of the French edition printed in English: that item is ``en``, the other 41 ``fr``, and it
    still aligns with its original."""
    french = FRENCH.read_text(encoding="utf-8")
    english = ENGLISH.read_text(encoding="utf-8")
    start = french.index("Finalisation et mise à l’essai")
    end = french.index("\n", start)
    start_en = english.index("Finalization and pilot of training")
    end_en = english.index("\n", start_en)
    (tmp_path / "fr.txt").write_text(french[:start] + english[start_en:end_en] + french[end:], encoding="utf-8")
    shutil.copy(ENGLISH, tmp_path / "en.txt")
    results = [run_document(tmp_path / name, tmp_path) for name in ("en.txt", "fr.txt")]
    link_editions(results)
    fr = results[1]
    assert (fr.language, fr.edition_of) == ("fr", "en.txt")
    table = results_to_tables(results, [], dt.datetime(2024, 1, 1, tzinfo=dt.UTC), "test")["work_items"]
    rows = [r for r in table.to_pylist() if r["document_id"] == "fr.txt"]
    assert [(r["position"], r["text"][:34]) for r in rows if r["language"] == "en"] == [
        (1, "Finalization and pilot of training")]
    assert sum(r["language"] == "fr" for r in rows) == 41
    assert {r["language"] for r in table.to_pylist() if r["document_id"] == "en.txt"} == {"en"}
    pair = next(a for a in align_editions(results) if a["item_id"] == fr.items[1].item_id)
    assert pair["original_item_id"] == results[0].items[1].item_id
