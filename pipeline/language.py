"""Telling a document's language (one of the six UN languages) from its text."""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

import yaml

_DATA = Path(__file__).resolve().parent.parent / "normalizers" / "data" / "languages.yaml"
_WORD = re.compile(r"[a-zàâçéèêëîïôûùüÿñæœáíóú]+")


@functools.cache
def _stopwords() -> dict[str, frozenset[str]]:
    with _DATA.open(encoding="utf-8") as fh:
        return {lang: frozenset(words) for lang, words in yaml.safe_load(fh)["stopwords"].items()}


def detect_language(text: str) -> str:
    """ISO 639-1 code of the dominant language: ``detect_language("Plan de travail du Réseau")`` -> ``"fr"``."""
    sample = text[:20000]
    scripts: Counter[str] = Counter()
    for ch in sample:
        code = ord(ch)
        if 0x0600 <= code <= 0x06FF:
            scripts["ar"] += 1
        elif 0x0400 <= code <= 0x04FF:
            scripts["ru"] += 1
        elif 0x4E00 <= code <= 0x9FFF:
            scripts["zh"] += 1
        elif ch.isalpha():
            scripts["latin"] += 1
    if scripts:
        top, count = scripts.most_common(1)[0]
        if top != "latin" and count * 3 > sum(scripts.values()) // 2:
            return top
    words = Counter(_WORD.findall(sample.lower()))
    scores = {lang: sum(words[w] for w in stop) for lang, stop in _stopwords().items()}
    return max(scores, key=scores.__getitem__) if any(scores.values()) else "en"
