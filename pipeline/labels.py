"""The assembler's vocabulary: label words per language from normalizers/data/labels.yaml."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

_DATA = Path(__file__).resolve().parent.parent / "normalizers" / "data" / "labels.yaml"
# trimmed at both ends: these marks and every character ``\s`` matches (all of them lie below U+3001). str.strip,
# not a regular expression: "[...]+$" is tried from every position of a run of dashes, quadratic in its length
_EDGE = "*_:.-–•" + "".join(c for c in map(chr, range(0x3001)) if re.match(r"\s", c))
_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    """Lower-case, single-spaced, punctuation trimmed at the ends: ``norm(" Co-leads: ")`` -> ``"co-leads"``."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ").strip(_EDGE)).lower()


LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")


@functools.cache
def labels() -> dict:
    """The parsed labels file (loaded once); a word list given per language (``{en: [...], fr: [...]}``) is
    read as one list, so every reader sees a flat list or a mapping of keys to lists."""
    with _DATA.open(encoding="utf-8") as fh:
        return {group: _flatten(entries) for group, entries in yaml.safe_load(fh).items()}


def _flatten(entries):
    if isinstance(entries, dict):
        if entries and set(entries) <= set(LANGUAGES):
            return [word for lang in entries for word in entries[lang] or ()]
        return {key: _flatten(value) for key, value in entries.items()}
    return entries


@functools.cache
def _lookup(group: str) -> tuple[tuple[str, str], ...]:
    """(label, key) pairs of a mapping group, longest label first so "co-leads" wins over "lead"."""
    entries = labels()[group]
    if isinstance(entries, list):  # a flat list: each label is its own key
        entries = {word: [word] for word in entries}
    pairs = [(norm(word), key) for key, words in entries.items() for word in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def classify(text: str, group: str, *, prefix: bool = False, suffix: bool = False) -> str | None:
    """Key of the label a text is (or, with ``prefix``, starts with; with ``suffix``, ends with, so a
    qualified label such as "First semester outputs" or "GCM objectives" reads as its head word).

    ``classify("Funding source", "column_roles")`` -> ``"funding"``.

    >>> classify("Funding source", "column_roles"), classify("Lead agency", "column_roles")
    ('funding', 'lead')
    >>> classify("First semester outputs", "column_roles", suffix=True)
    'output'
    """
    value = norm(text)
    for word, key in _lookup(group):
        if value == word or (prefix and value.startswith(word) and not value[len(word):len(word) + 1].isalnum()):
            return key
        if suffix and value.endswith(" " + word) and len(value.split()) <= len(word.split()) + 3:
            return key
    return None


def in_list(text: str, group: str, *, prefix: bool = False, suffix: bool = False) -> bool:
    """Whether a text is one of a flat label list: ``in_list("TBC", "placeholders")`` -> True."""
    value = norm(text)
    words = [norm(w) for w in labels()[group]]
    return any(value == w or (prefix and value.startswith(w + " "))
               or (suffix and value.endswith(" " + w) and len(value.split()) <= len(w.split()) + 3) for w in words)


def split_label(text: str, group: str, *, suffix: bool = False) -> tuple[str, str] | None:
    """``"Co-leads: IOM, UNDP"`` -> ``("co-lead", "IOM, UNDP")`` for group ``lead_labels``; None if no label."""
    head, sep, rest = text.partition(":")
    if not sep or len(head) > 60:
        return None
    key = classify(head, group, suffix=suffix)
    return (key, rest.strip()) if key else None
