"""Agency lexicon: alias table and group words from data files, text folding, spaCy matchers per language."""

from __future__ import annotations

import csv
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.core.enums import Role

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
AGENCIES_CSV = DATA_DIR / "agencies.csv"
TERMS_YAML = DATA_DIR / "agency_terms.yaml"
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
TABLE_COLUMNS = (
    "agency_id", "acronym", "name_en", "kind", "iati_id",
    *(f"{field}_{lang}" for lang in LANGS if lang != "en" for field in ("name", "acronym")),
)
ALIAS_SEPARATOR = "|"

# Folding: one comparable form for text and aliases. Hyphens and dashes become spaces ("UN-Women" =
# "UN Women"), list punctuation gets spaces around it so "IOM/UNDP" is three tokens for every tokenizer.
_DASHES = frozenset("-‐‑‒–—―−")
_DROPPED = frozenset('"«»“”„‟‹›*\u200b\u200c\u200d\u2060\ufeffـ')  # quotes, zero-width, Arabic tatweel
_APOSTROPHES = frozenset("’‘ʼ´`")
_SPACED = frozenset("()/,;:&[]،؛、，；")
_LETTER_MAP = {"ى": "ي"}  # Arabic alef maqsura is written for ya in many documents


@dataclass(frozen=True)
class Folded:
    """Folded text; ``offsets[i]`` is the index in the original of folded char ``i`` (plus an end sentinel)."""

    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded character range to the original text's character range."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch.isspace() or ch in _DASHES:
        return " "
    if ch in _DROPPED:
        return ""
    if ch in _APOSTROPHES:
        return "'"
    c = unicodedata.normalize("NFKC", ch)
    if c in _SPACED:
        return f" {c} "
    c = _LETTER_MAP.get(c, c).lower()
    return "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x))


def fold(text: str) -> Folded:
    """Lower-case, strip accents, unify dashes/quotes, space out list punctuation, collapse blanks.

    >>> fold("UN-Women’s (IOM/UNDP)").text
    "un women's ( iom / undp ) "
    """
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        for piece in _fold_char(ch):
            if piece == " " and (not out or out[-1] == " "):
                continue
            out.append(piece)
            offsets.append(i)
    offsets.append(len(text))
    return Folded("".join(out), tuple(offsets))


def fold_phrase(text: str) -> str:
    """Folded form of a short phrase (alias, label, role word) without surrounding blanks.

    >>> fold_phrase("Structure « ONU-Femmes »")
    'structure onu femmes'
    """
    return fold(text).text.strip()


@functools.cache
def agency_rows() -> tuple[dict[str, str], ...]:
    """The rows of ``agencies.csv``, read once.

    >>> agency_rows()[0]["agency_id"]
    'IOM'
    """
    with AGENCIES_CSV.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


@functools.cache
def agency_terms() -> dict[str, Any]:
    """The parsed ``agency_terms.yaml``, read once.

    >>> agency_terms()["en"]["labels"]["co-leads"]
    'co-lead'
    """
    with TERMS_YAML.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def agency_table() -> list[dict[str, str | None]]:
    """One dict per organisation for the ``agencies`` Parquet table; empty cells become None.

    >>> next(r for r in agency_table() if r["agency_id"] == "IOM")["acronym_fr"]
    'OIM'
    """
    return [{col: (row.get(col) or None) for col in TABLE_COLUMNS} for row in agency_rows()]


def is_acronym(alias: str) -> bool:
    """True when an alias is written in capitals only: it must not match lower-case prose ("who").

    >>> is_acronym("УВКБ ООН"), is_acronym("UN Women")
    (True, False)
    """
    return any(c.isupper() for c in alias) and not any(c.islower() for c in alias)


def alias_entries(lang: str) -> list[tuple[str, str]]:
    """(alias as written, agency_id) pairs matched in ``lang`` text: English forms plus that language's.

    >>> ("OIM", "IOM") in alias_entries("fr")
    True
    """
    langs = ["en"] + ([lang] if lang in LANGS and lang != "en" else [])
    entries: list[tuple[str, str]] = []
    for row in agency_rows():
        agency_id = row["agency_id"]
        values = [agency_id, row["acronym"]]
        for code in langs:
            values += [row.get(f"name_{code}", ""), row.get(f"acronym_{code}", "")]
            values += (row.get(f"aliases_{code}") or "").split(ALIAS_SEPARATOR)
        entries += [(v.strip(), agency_id) for v in values if v and v.strip()]
    return entries


NETWORK_KINDS = frozenset({"network", "other_intergovernmental"})


def network_names(lang: str) -> list[str]:
    """Names and acronyms of the networks and intergovernmental bodies in ``agencies.csv``, as ``lang`` text
    writes them: each owns a set of members ("<network> agencies", "Chair of the <network>"), so each is a
    group owner without being listed in ``agency_terms.yaml``.

    >>> "Global Migration Group" in network_names("en") and "GMG" in network_names("en")
    True
    """
    kinds = {row["agency_id"]: row.get("kind", "") for row in agency_rows()}
    return sorted({alias for alias, agency_id in alias_entries(lang) if kinds.get(agency_id) in NETWORK_KINDS})


def spelling_variants(phrase: str) -> set[str]:
    """A folded phrase and its British/American spelling twins.

    >>> sorted(spelling_variants("international labour organization"))[:2]
    ['international labor organisation', 'international labor organization']
    """
    out = {phrase}
    for uk, us in agency_terms()["common"]["spelling_variants"].items():
        uk_f, us_f = fold_phrase(uk), fold_phrase(us)
        for v in list(out):
            for a, b in ((uk_f, us_f), (us_f, uk_f)):
                pattern = rf"(?<!\w){re.escape(a)}(?!\w)"
                if re.search(pattern, v):
                    out.add(re.sub(pattern, b, v))
    return out


def _alternation(phrases: list[str], bounded: bool) -> str:
    body = "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True) if p)
    return rf"(?<!\w)(?:{body})(?!\w)" if bounded else f"(?:{body})"


@dataclass(frozen=True)
class Lexicon:
    """Everything resolving one language needs, built once: tokenizer, matchers and compiled word lists."""

    lang: str
    nlp: Any  # spacy.language.Language
    agencies: Any  # PhraseMatcher, keys "<agency_id>", "<agency_id>#a" (acronym), "<agency_id>#w" (Arabic wa-)
    groups: Any  # PhraseMatcher, key "group"
    named_groups: Any  # Matcher, key "named": "Working Group on ..."
    group_codes: Any  # Matcher, key "group": "CDTF", "WG 6 secretariat"
    group_code: re.Pattern[str]  # the code as printed (capitals)
    labels: dict[str, Role]  # folded label -> role
    label_re: re.Pattern[str]
    parenthesised: dict[str, Role]
    cue_re: re.Pattern[str] | None
    cues: dict[str, Role]
    co_chair_re: re.Pattern[str]
    chair_re: re.Pattern[str]
    not_organisations: frozenset[str]
    organisation_heads: frozenset[str]
    name_connectors: frozenset[str]
    conjunctions: frozenset[str]
    edge_words: frozenset[str]


def _language_terms(lang: str) -> dict[str, Any]:
    terms = agency_terms()
    return terms.get(lang) or terms["en"]


def _blank(lang: str) -> Any:
    import spacy  # lazy: importing normalizers must not load spaCy

    try:
        return spacy.blank(lang)
    except (ImportError, KeyError, ValueError) as e:  # unknown language code: multi-language tokenizer
        log.warning("no spaCy language %r (%s); using the multi-language tokenizer", lang, e)
        return spacy.blank("xx")


@functools.cache
def lexicon(lang: str) -> Lexicon:
    """Build (once per language) the tokenizer and matchers from ``agencies.csv`` and ``agency_terms.yaml``.

    >>> lexicon("fr").labels["codirection"]
    <Role.CO_LEAD: 'co-lead'>
    """
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = _blank(lang)
    t = _language_terms(lang)
    common = agency_terms()["common"]
    bounded = lang != "zh"  # \b is meaningless between Chinese characters

    phrases_by_key: dict[str, set[str]] = {}
    for alias, agency_id in alias_entries(lang):
        key = agency_id + ("#a" if is_acronym(alias) else "")
        for variant in spelling_variants(fold_phrase(alias)):
            phrases_by_key.setdefault(key, set()).add(variant)
            if lang == "ar" and re.match(r"[\u0600-\u06ff]", variant):
                # "و" (and) is written joined to the next word: "وبرنامج الأمم المتحدة الإنمائي"
                phrases_by_key.setdefault(agency_id + "#w", set()).add("و" + variant)
    agencies = PhraseMatcher(nlp.vocab, attr="ORTH")
    for key, phrases in sorted(phrases_by_key.items()):
        agencies.add(key, list(nlp.tokenizer.pipe(sorted(phrases))))

    joiner = "" if lang == "zh" else " "
    heads = [*t["group_heads"], *t["chair_words"], *t["co_chair_words"]]
    group_phrases = {fold_phrase(p) for p in t["group_names"]}
    all_owners = [*t["group_owners"], *network_names(lang)]
    for owner in all_owners:
        for head in heads:
            group_phrases.add(fold_phrase(joiner.join([owner, head])))
            for conn in t["group_connectors"]:
                group_phrases.add(fold_phrase(joiner.join(p for p in (head, conn, owner) if p)))
    groups = PhraseMatcher(nlp.vocab, attr="ORTH")
    groups.add("group", list(nlp.tokenizer.pipe(sorted(p for p in group_phrases if p))))

    named_groups = Matcher(nlp.vocab)
    stops = {tok for s in t["group_tail_stops"] for tok in fold_phrase(s).split()} - {"co"}
    owners = sorted({fold_phrase(o) for o in all_owners if " " not in fold_phrase(o)})
    tail = {"IS_PUNCT": False, "IS_SPACE": False, "ORTH": {"NOT_IN": sorted(stops)}, "OP": "+"}
    for kind in t["group_kinds"]:
        for prep in t["group_preps"]:
            words = [{"ORTH": w} for w in (fold_phrase(kind) + " " + fold_phrase(prep)).split()]
            named_groups.add(
                "named", [[{"ORTH": {"IN": owners}, "OP": "?"}, *words, tail]], greedy="LONGEST"
            )

    group_codes = Matcher(nlp.vocab)
    if t.get("group_code"):
        single_heads = sorted({fold_phrase(h) for h in heads if " " not in fold_phrase(h)})
        group_codes.add("group", [[{"TEXT": {"REGEX": "(?i)" + t["group_code"]}}, {"IS_DIGIT": True, "OP": "?"},
                                   {"LOWER": {"IN": single_heads}, "OP": "?"}]], greedy="LONGEST")

    labels = {fold_phrase(k): Role(v) for k, v in t["labels"].items()}
    label_re = re.compile(r"^ ?(?P<label>" + _alternation(list(labels), bounded) + ")")
    cues = {fold_phrase(k): Role(v) for k, v in t["cues"].items()}
    return Lexicon(
        lang=lang,
        nlp=nlp,
        agencies=agencies,
        groups=groups,
        named_groups=named_groups,
        group_codes=group_codes,
        group_code=re.compile(t.get("group_code") or "(?!)"),
        labels=labels,
        label_re=label_re,
        parenthesised={fold_phrase(k): Role(v) for k, v in t["parenthesised"].items()},
        cue_re=re.compile(_alternation(list(cues), bounded)) if cues else None,
        cues=cues,
        co_chair_re=re.compile(_alternation([fold_phrase(w) for w in t["co_chair_words"]], bounded)),
        chair_re=re.compile(_alternation([fold_phrase(w) for w in t["chair_words"]], bounded)),
        not_organisations=frozenset(fold_phrase(w) for w in common["not_organisations"]),
        organisation_heads=frozenset(fold_phrase(w) for w in common["organisation_heads"]),
        name_connectors=frozenset(fold_phrase(w) for w in common["name_connectors"]),
        conjunctions=frozenset(fold_phrase(w) for w in common["conjunctions"]),
        edge_words=frozenset(fold_phrase(w) for w in common["edge_words"]),
    )
