"""Benchmark: language accuracy per document, per block and per item, the detector against the former
character-and-function-word count, on the plans kept in the repository (seeds, editions, dev corpus)."""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

import extractors
from pipeline.core.enums import BlockKind
from pipeline.language import _script_language, _scripts, block_language, detect_language
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "fr", "es", "ru", "ar", "zh")
FRENCH_DEVCORPUS = {"dinum_plan_action_logiciels_libres_2021.md"}  # the others are English
# the former method's function words (commit cf12f90, normalizers/data/languages.yaml)
STOPWORDS = {
    "en": "the and of to in for on with by is are will this from".split(),
    "fr": "le la les des et du de pour dans une sur avec est aux sont en".split(),
    "es": "el la los las de del y para con una por que sobre como entre se en".split(),
}
_WORD = re.compile(r"[a-zàâçéèêëîïôûùüÿñæœáíóú]+")


def former_language(text: str) -> str:
    """The former ``detect_language``: script counts, then function words (``"Plan de trabajo"`` -> ``"fr"``)."""
    sample = text[:20000]
    script = _script_language(_scripts(sample))
    if script:
        return script
    words = Counter(_WORD.findall(sample.lower()))
    scores = {lang: sum(words[w] for w in stop) for lang, stop in STOPWORDS.items()}
    return max(scores, key=scores.get) if any(scores.values()) else "en"


# the nine dev-corpus plans this benchmark was first measured on (annotated/ holds more since)
DEVCORPUS_NINE = {"aswf_ci_wg_annual_review_2026.pdf", "dinum_plan_action_logiciels_libres_2021.md",
                  "filecoin_devgrant_geo_web_proposal.md", "openssf_roadmap_2025_gb_nov2024.pdf", "otel_ga_roadmap.md",
                  "otel_genai_observability_project.md", "rust_goal_rust_for_linux_2025h1.md",
                  "w3c_das_wg_charter_draft_2023.html", "w3c_rdf_star_wg_charter_2024.html"}


def corpus() -> list[tuple[Path, str]]:
    """(file, language) of every plan used: ``corpus()[0]`` -> ``(Path(".../raw/gmg..."), "en")``."""
    files = [(p, "en") for p in sorted((ROOT / "raw").iterdir())]
    fixtures = ROOT / "tests" / "fixtures"
    files += [(p, "fr") for p in sorted(fixtures.glob("un_network_workplan_2021_2022_fr.*"))]
    files += [(p, p.stem.rsplit("_", 1)[1]) for p in sorted((fixtures / "editions").iterdir())]
    files += [(p, "fr" if p.name in FRENCH_DEVCORPUS else "en") for p in sorted((ROOT / "annotated" / "docs").iterdir())
              if p.name in DEVCORPUS_NINE]
    return files


def texts(files: list[tuple[Path, str]]) -> dict[str, list[tuple[str, str]]]:
    """The texts to tell, with their true language: whole documents, blocks, short blocks and item texts."""
    out: dict[str, list[tuple[str, str]]] = {"documents": [], "blocks": [], "short blocks": [], "items": []}
    for path, lang in files:
        doc = extractors.extract(path)
        blocks = [c.text for b in doc.blocks if b.kind is BlockKind.TABLE for r in b.rows for c in r.cells]
        blocks += [b.text for b in doc.blocks if b.kind is not BlockKind.TABLE]
        out["documents"].append((" ".join(b for b in blocks), lang))
        letters = [(b, lang) for b in blocks if sum(ch.isalpha() for ch in b) >= 15]
        out["blocks"] += letters
        out["short blocks"] += [(b, lang) for b, lang in letters if len(b) <= 80]
        out["items"] += [(i.text, lang) for i in run_document(path, path.parent).items
                         if sum(ch.isalpha() for ch in i.text) >= 15]
    return out


def accuracy(function, pairs: list[tuple[str, str]]) -> str:
    right = sum(function(text) == lang for text, lang in pairs)
    return f"{right}/{len(pairs)} ({100 * right / len(pairs):.1f}%)"


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    sets = texts(corpus())
    print("| texts | former count | detector |\n|---|---|---|")
    for name, pairs in sets.items():
        print(f"| {name} ({', '.join(f'{k} {v}' for k, v in sorted(Counter(lang for _, lang in pairs).items()))}) "
              f"| {accuracy(former_language, pairs)} | {accuracy(detect_language, pairs)} |")
    items = sets["items"]
    own = sum(block_language(text, lang) == lang for text, lang in items)
    moved = [(text, lang, other) for text, lang in items if sum(ch.isalpha() for ch in text) >= 20
             for other in LANGS if other != lang]
    told = sum(block_language(text, other) == lang for text, lang, other in moved)
    print(f"\nblock_language of the items in their own document: {own}/{len(items)}; put in a document of each "
          f"other language: {told}/{len(moved)} ({100 * told / len(moved):.1f}%)")


if __name__ == "__main__":
    main()
