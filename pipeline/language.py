"""Telling the language (one of the six UN languages) of a document and of one of its blocks.

Arabic, Cyrillic and Chinese characters tell their language exactly; a Latin-script text is split into
English, French and Spanish by a detector (py3langid: a naive Bayes model over byte n-grams, shipped with the
package, offline and deterministic: the same text always gives the same answer, there is nothing to seed).
"""

from __future__ import annotations

import functools
from collections import Counter

LATIN = ("en", "fr", "es")
MIN_LETTERS = 20  # a shorter Latin block ("Venue: Geneva", "RDF 1.2 TriG") keeps its document's language
SWITCH = 0.9  # detector probability a Latin block needs to take another Latin language than its document's


def _scripts(text: str) -> Counter:
    """Letters counted by script: ``ar``, ``ru`` (Cyrillic), ``zh`` (CJK ideographs) or ``latin`` (any other)."""
    scripts: Counter = Counter()
    for ch in text:
        code = ord(ch)
        if 0x0600 <= code <= 0x06FF:
            scripts["ar"] += 1
        elif 0x0400 <= code <= 0x04FF:
            scripts["ru"] += 1
        elif 0x4E00 <= code <= 0x9FFF:
            scripts["zh"] += 1
        elif ch.isalpha():
            scripts["latin"] += 1
    return scripts


def _script_language(scripts: Counter) -> str | None:
    """The non-Latin script that makes a sixth or more of the letters (a Chinese character is a word, a Latin
    letter a fifth of one), else None."""
    others = [(script, n) for script, n in scripts.most_common() if script != "latin"]
    if not others:
        return None
    top, count = others[0]  # the most frequent non-Latin script, even where Latin letters outnumber it
    return top if count >= 2 and count * 3 > sum(scripts.values()) // 2 else None


@functools.cache
def _detector():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LATIN))
    return identifier


def latin_probabilities(text: str) -> dict[str, float]:
    """Probability of English, French and Spanish: ``latin_probabilities("Aller au contenu principal")`` ->
    ``{"fr": 0.98..., "es": 0.01..., "en": 0.004...}``."""
    return {lang: float(p) for lang, p in _detector().rank(text)}


def detect_language(text: str) -> str:
    """ISO 639-1 code of the dominant language: ``detect_language("Plan de travail du Réseau")`` -> ``"fr"``."""
    sample = text[:20000]
    scripts = _scripts(sample)
    script = _script_language(scripts)
    if script or not scripts["latin"]:
        return script or "en"
    probabilities = latin_probabilities(sample)
    return max(probabilities, key=probabilities.__getitem__)


def block_language(text: str, document_language: str) -> str:
    """The language of one block (an item's own text) in a document of ``document_language``: its own
    when the block is told apart with confidence, else the document's.

    ``block_language("Aller au contenu principal de la page", "en")`` -> ``"fr"`` (a French site frame around
    an English plan); ``block_language("Venue: Geneva", "fr")`` -> ``"fr"`` (too short to tell).
    """
    scripts = _scripts(text)
    script = _script_language(scripts)
    if script or scripts["latin"] < MIN_LETTERS:
        return script or document_language
    probabilities = latin_probabilities(text)
    best = max(probabilities, key=probabilities.__getitem__)
    if document_language not in LATIN:  # Latin text in an Arabic, Russian or Chinese document
        return best
    return best if best != document_language and probabilities[best] >= SWITCH else document_language
