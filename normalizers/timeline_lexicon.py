"""Timeline language data: loads normalizers/data/timeline_<lang>.yaml and compiles one token regex per language."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent / "data"
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")

# Character folds applied to the text and to every data word. One-to-one, except the deletions
# (Arabic diacritics, tatweel) for which fold_with_offsets keeps a map back to the original.
_FOLDS: dict[int, str | None] = {}
_FOLDS.update({ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"})
_FOLDS.update({ord(c): " " for c in "\u00a0\u2007\u2009\u200a\u202f\u3000\t\r\f\v"})
_FOLDS.update({ord(c): "'" for c in "\u2018\u2019\u02bc\u00b4`"})
_FOLDS.update({ord(c): d for c, d in zip("（）［］，、；：？！～／．", "()[],,;:?!~/.", strict=True)})
_FOLDS.update({ord(c): d for c, d in zip("؟،؛", "?,;", strict=True)})
_FOLDS.update({0xFF10 + i: str(i) for i in range(10)})  # full-width digits
_FOLDS.update({0x0660 + i: str(i) for i in range(10)})  # Arabic-Indic digits
_FOLDS.update({0x06F0 + i: str(i) for i in range(10)})  # Eastern Arabic-Indic digits
_FOLDS.update({ord(c): "ا" for c in "أإآٱ"})
_FOLDS.update({ord("ى"): "ي", ord("ة"): "ه", ord("\n"): ";"})
_FOLDS.update({c: None for c in range(0x064B, 0x0653)})
_FOLDS.update({0x0670: None, 0x0640: None, 0x200C: None, 0x200D: None, 0x200E: None, 0x200F: None})

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_IS_CJK = re.compile(f"[{_CJK}]")
_IS_LETTER = re.compile(r"[^\W\d_]")

# Kinds a data word can have; the grammar dispatches on them.
WORD_KINDS = ("month", "ordinal", "quarter", "half", "half_name", "qual", "qual_after", "ongoing", "tbc",
              "uncertain", "recurrence", "range", "list", "alt", "filler", "suffix")


def fold(text: str) -> str:
    """Fold dashes, spaces, digits and Arabic letter forms so data words match: ``fold("Q2 – Q4")`` -> ``"Q2 - Q4"``."""
    return text.translate(_FOLDS)


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Fold ``text`` and map each folded index back to ``text``: ``fold_with_offsets("abc")`` -> ``("abc", None)``.

    The map is None when folding kept every character (offsets are then the same).
    """
    folded = text.translate(_FOLDS)
    if len(folded) == len(text):
        return folded, None
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        repl = _FOLDS.get(ord(ch), ch)
        if repl:
            chars.append(repl)
            offsets.extend([i] * len(repl))
    offsets.append(len(text))
    return "".join(chars), offsets


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice (PyYAML keeps the last one silently)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ValueError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


@functools.cache
def load_language_data(lang: str) -> dict[str, Any]:
    """Parse ``data/timeline_<lang>.yaml``: ``load_language_data("fr")["quarter_prefixes"]`` -> ``["t"]``."""
    path = DATA_DIR / f"timeline_{lang}.yaml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 - safe subclass
    except ValueError as e:
        raise ValueError(f"{path.name}: {e}") from e
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: top level must be a mapping")
    return data


def _normal_word(word: Any, where: str) -> str:
    if not isinstance(word, str) or not word.strip():
        raise ValueError(f"{where}: {word!r} is not a word (quote words YAML reads as booleans or numbers)")
    return " ".join(fold(word).lower().split())


def language_words(lang: str) -> dict[str, tuple[str, Any]]:
    """Every word of one data file as folded lower-case text -> (kind, value); refuses a word with two meanings.

    ``language_words("en")["mid"]`` -> ``("qual", "mid")``; prefixes such as "q" are not words.
    """
    data = load_language_data(lang)
    words: dict[str, tuple[str, Any]] = {}

    def add(word: Any, kind: str, value: Any, where: str) -> None:
        key = _normal_word(word, f"timeline_{lang}.yaml {where}")
        if key in words and words[key] != (kind, value):
            raise ValueError(f"timeline_{lang}.yaml: {key!r} is both {words[key]} and {(kind, value)}")
        words[key] = (kind, value)

    for kind, key in (("month", "months"), ("ordinal", "ordinals"), ("half_name", "half_names")):
        for number, forms in (data.get(key) or {}).items():
            for form in forms or ():
                add(form, kind, int(number), key)
    for kind, key in (("quarter", "quarter_words"), ("half", "half_words"), ("ongoing", "ongoing"), ("tbc", "tbc"),
                      ("uncertain", "uncertain"), ("range", "range"), ("list", "list"), ("alt", "alternative"),
                      ("filler", "filler"), ("suffix", "suffixes")):
        for form in data.get(key) or ():
            add(form, kind, None, key)
    for kind, key in (("qual", "qualifiers"), ("qual_after", "qualifiers_after"), ("recurrence", "recurrence")):
        for value, forms in (data.get(key) or {}).items():
            for form in forms or ():
                add(form, kind, value, key)
    return words


@dataclass(frozen=True)
class Lexicon:
    """One language's words (laid over English) and the compiled token regex of the timeline grammar."""

    lang: str
    words: dict[str, tuple[str, Any]]
    pattern: re.Pattern[str]
    joined: frozenset[str] = frozenset()  # one-letter words written joined to the next (Arabic "و")


def _trie_regex(words: list[str]) -> str:
    """Regex matching the longest of ``words`` (a trie, so the engine does not try hundreds of branches)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = word
    return _node_regex(trie)


def _node_regex(node: dict[str, Any]) -> str:
    branches = []
    for ch in sorted(k for k in node if k):
        piece = r"\s+" if ch == " " else re.escape(ch)
        branches.append(piece + _node_regex(node[ch]))
    if "" in node:
        word = node[""]
        # A word ending in a letter must not run on into another letter ("earlier" is not "early").
        branches.append(r"(?![^\W\d_])" if _IS_LETTER.match(word[-1]) and not _IS_CJK.match(word[-1]) else "")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _prefix_regex(prefixes: list[str], digits: str) -> str:
    alternatives = "|".join(re.escape(p) for p in sorted(set(prefixes), key=len, reverse=True))
    return rf"(?<![^\W\d_])(?:{alternatives})\s?[{digits}](?!\d)"


_YEAR = r"(?:19|20)\d\d"


def _token_regex(words: list[str], suffixes: list[str], quarter_prefixes: list[str],
                 half_prefixes: list[str]) -> re.Pattern[str]:
    letter_start = sorted(w for w in words if _IS_LETTER.match(w[0]) and not _IS_CJK.match(w[0]))
    digit_start = sorted(w for w in words if w[0].isdigit())
    other_start = sorted(w for w in words if w not in set(letter_start) | set(digit_start))
    word_parts = []
    if letter_start:
        word_parts.append(r"(?<![^\W\d_])" + _trie_regex(letter_start))
    if digit_start:
        word_parts.append(r"(?<!\d)" + _trie_regex(digit_start))
    if other_start:
        word_parts.append(_trie_regex(other_start))
    suffix = "|".join(re.escape(s) for s in sorted(set(suffixes), key=len, reverse=True))
    suffix_part = rf"(?:(?:{suffix})(?![^\W\d_]))?" if suffix else ""
    parts = [
        r"(?P<ws>\s+)",
        rf"(?P<dmy>(?<![\d/.])(?:\d{{1,2}}/\d{{1,2}}/{_YEAR}|\d{{1,2}}\.\d{{1,2}}\.{_YEAR}|\d{{1,2}}-\d{{1,2}}-{_YEAR})"
        r"(?![\d/.]))",
        # "2016-03-24", "2021/5/19", "2021.05.19": year first, one separator throughout
        rf"(?P<iso>(?<![\d/.]){_YEAR}(?P<isep>[-/.])\d{{1,2}}(?P=isep)\d{{1,2}}(?![\d/.]))",
        rf"(?P<mmy>(?<![\d/.])\d{{1,2}}\s?[-–]\s?\d{{1,2}}[/.]{_YEAR}(?!\d))",
        # "2020年5-6月": a CJK year then a range of months
        rf"(?P<ymm>(?<!\d){_YEAR}\s?年\s?\d{{1,2}}\s?[-–~至]\s?\d{{1,2}}\s?月)",
        rf"(?P<my>(?<![\d/.])\d{{1,2}}[/.]{_YEAR}(?![\d/]))",
        rf"(?P<yy>(?<!\d){_YEAR}[-/]\d\d(?![\d/-]))",
        rf"(?P<year>(?<!\d){_YEAR}(?!\d))",
    ]
    if quarter_prefixes:
        parts.append(f"(?P<qpre>{_prefix_regex(quarter_prefixes, '1-4')})")
    if half_prefixes:
        parts.append(f"(?P<hpre>{_prefix_regex(half_prefixes, '12')})")
    parts += [
        r"(?P<roman>(?<![^\W\d_])(?-i:IV|III|II|I)(?![^\W\d_]))",
        "(?P<word>" + "|".join(word_parts) + ")" if word_parts else "(?P<word>(?!))",
        rf"(?P<num>(?<!\d)\d{{1,2}}{suffix_part}(?!\d))",
        rf"(?P<noise>[^\W\d_{_CJK}]+|[{_CJK}]|\d+)",
        r"(?P<punct>[^\w\s])",
    ]
    return re.compile("|".join(parts), re.IGNORECASE)


def _merged(lang: str, key: str) -> list[str]:
    values = list(load_language_data("en").get(key) or [])
    if lang != "en":
        values += list(load_language_data(lang).get(key) or [])
    return [_normal_word(v, f"{lang} {key}") for v in values]


@functools.cache
def lexicon(lang: str) -> Lexicon:
    """The lexicon of ``lang`` laid over English (unknown codes get English): ``lexicon("fr").lang`` -> ``"fr"``."""
    if lang not in LANGUAGES:
        lang = "en"
    words = dict(language_words("en"))
    if lang != "en":
        words.update(language_words(lang))
    pattern = _token_regex(list(words), _merged(lang, "ordinal_suffixes"), _merged(lang, "quarter_prefixes"),
                           _merged(lang, "half_prefixes"))
    return Lexicon(lang=lang, words=words, pattern=pattern, joined=frozenset(_merged(lang, "joined_prefixes")))
