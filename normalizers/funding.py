"""Who pays: the funders among the organisations a funding cell names.

A funding cell is a list ("IOM/UNDP", "Task Force co-Chairs, ITC-ILO, JMDI") or prose ("IOM in
consultation with Task Force agencies e.g. WHO, ILO, UNHCR"; "The initiative will be funded by the ILO. A
number of GMG agencies (e.g. IOM, UNODC) will be invited to participate"). In prose only some of the
organisations named provide the resources; the others are consulted, invited or mentioned. Per clause (a
paragraph, sentence or ";"-part of the cell), in this order:

1. names right after an agent cue ("funded by", "carried out by", "funds from"; only other names,
   conjunctions and punctuation between) are funders;
2. names after a context cue ("in consultation with", "e.g.", "participate in", "co-chaired by"), up to the
   end of the clause, are only named;
3. names that open the clause (only other names, conjunctions, articles, group and chair words before
   them) are funders: "IOM and ILO to further define", "GMG Chair (UNU) and members' staff costs";
4. any other name is only named.

The cue words are in ``normalizers/data/funding_terms.yaml``; a language without them keeps every name a
funder.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from normalizers.agency_lexicon import agency_terms, network_names
from pipeline.core.records import AgencyMention

TERMS_YAML = Path(__file__).resolve().parent / "data" / "funding_terms.yaml"
_PUNCT = set(",;/&+()[]-–—:'’\"•*·")


@dataclass(frozen=True)
class _Terms:
    cue_re: re.Pattern[str]  # every cue, longest first
    agents: frozenset[str]  # the cues that make the names after them funders
    opening_words: frozenset[str]  # allowed before a clause-opening name
    abbreviations: frozenset[str]


@functools.cache
def _terms(lang: str) -> _Terms | None:
    with TERMS_YAML.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    t = data.get(lang)
    if not t:
        return None
    a = agency_terms()
    lt = a.get(lang) or a["en"]
    agents = [c.lower() for c in t["agent_cues"]]
    cues = sorted({*agents, *(c.lower() for c in t["context_cues"])}, key=len, reverse=True)  # longest first
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(c) for c in cues) + r")(?!\w)")
    words = [*a["common"]["conjunctions"], *t["articles"], *lt["group_owners"], *network_names(lang),
             *lt["group_heads"],
             *lt["chair_words"], *lt["co_chair_words"]]
    return _Terms(pattern, frozenset(agents),
                  frozenset(w.lower() for p in words for w in p.split()),
                  frozenset(x.lower() for x in t["abbreviations"]))


def _lower(text: str) -> str:
    """Lower case with every offset kept (a char whose lower case is longer stays as it is)."""
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _clauses(text: str, abbreviations: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, sentence or ";"-part; "e.g." and "etc." do not end a sentence."""
    cuts = [0]
    for m in re.finditer(r"\n|;|(?<=[.!?])\s+", text):
        if m.group(0) not in ("\n", ";"):
            word = text[:m.start()].rsplit(None, 1)[-1].lower().lstrip("([{\"'‘“")
            if word in abbreviations or len(word) <= 2:  # "e.g.", "N.B.", initials
                continue
        cuts.append(m.end())
    cuts.append(len(text))
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _blanked(text: str, spans: list[tuple[int, int]], a: int, b: int) -> str:
    """``text[a:b]`` with the given spans (the other names) blanked out."""
    chars = list(text[a:b])
    for s, e in spans:
        for i in range(max(s, a), min(e, b)):
            chars[i - a] = " "
    return "".join(chars)


def _only_glue(gap: str, words: frozenset[str]) -> bool:
    """True when ``gap`` holds nothing but punctuation and the allowed words."""
    tokens = re.findall(r"\w+(?:['’]\w+)*['’]?|\S", gap.lower())  # "l’" before "UNICEF" is one token
    return all(tok in _PUNCT or tok in words for tok in tokens)


def split_funders(text: str, mentions: Sequence[AgencyMention], lang: str = "en"
                  ) -> tuple[list[AgencyMention], list[AgencyMention]]:
    """The mentions of a funding cell as (funders, only named), each in the cell's order.

    ``mentions`` are ``resolve_agencies(text, ...)`` (they carry their offsets in ``text``).

    >>> from normalizers import resolve_agencies
    >>> text = "IOM in consultation with Task Force agencies e.g. WHO, ILO"
    >>> funders, named = split_funders(text, resolve_agencies(text))
    >>> [m.agency_id for m in funders], [m.text for m in named]
    (['IOM'], ['Task Force agencies', 'WHO', 'ILO'])
    """
    terms = _terms((lang or "en").lower().split("-")[0].split("_")[0])
    if terms is None or any(m.start is None or m.end is None for m in mentions):
        return list(mentions), []
    low = _lower(text)
    cues = [(m.start(), m.end(), m.group(0) in terms.agents) for m in terms.cue_re.finditer(low)]
    clauses = _clauses(text, terms.abbreviations)
    funders, named = [], []
    for m in mentions:
        assert m.start is not None  # a mention without its place returned above
        start = next(a for a, b in clauses if a <= m.start < b)
        glue = terms.opening_words
        others = [(o.start, o.end) for o in mentions
                  if o is not m and o.start is not None and o.end is not None and start <= o.start < m.start]
        between = functools.partial(_blanked, text, others)
        before = [c for c in cues if start <= c[0] and c[1] <= m.start]
        last = before[-1] if before else None
        if last and last[2] and _only_glue(between(last[1], m.start), glue):
            funders.append(m)
        elif any(not agent for _, _, agent in before):
            named.append(m)
        elif _only_glue(between(start, m.start), glue):
            funders.append(m)
        else:
            named.append(m)
    return funders, named
