"""Linking a translated edition to its original: the same anchors (numbers, URLs, acronyms, agencies) in the
same order through the whole text, far beyond what chance gives, never from the items extracted."""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipeline.core.records import DocumentResult
from pipeline.twins import find_twins

METHOD = "anchor_lcs"
MIN_ANCHORS = 20  # a document with fewer anchors is never linked: too little to tell one plan from another
MIN_IN_ORDER = 15  # anchors in order beyond chance, in absolute terms
MIN_SCORE = 0.4  # ... and as a share of the shorter document's anchors chance leaves unexplained
MAX_RATIO = 3.0  # a document with three times the other's anchors is another text (a report quoting a plan)
SHUFFLES = 3  # chance: the common subsequence of one document and the other's anchors shuffled, averaged


@dataclass(frozen=True)
class Evidence:
    """How two documents' anchor sequences agree: ``in_order`` anchors in one common subsequence, of which
    ``chance`` would be expected from the same anchors in any order; ``score`` the share of the anchors chance
    leaves unexplained that are in order: 1 for one sequence, 0 for no more than chance (as Cohen's kappa)."""

    in_order: int
    chance: float
    shorter: int
    score: float

    @property
    def method(self) -> str:
        """``"anchor_lcs: 153 of 180 anchors in order (41 by chance)"``."""
        return f"{METHOD}: {self.in_order} of {self.shorter} anchors in order ({self.chance:.0f} by chance)"


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence, bit-parallel (Crochemore et al. 2001): one pass over ``a``
    with ``len(b)``-bit integers. ``lcs_length(list("ABCBDAB"), list("BDCABA"))`` -> 4.

    >>> lcs_length(list("ABCBDAB"), list("BDCABA"))
    4
    """
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, symbol in enumerate(b):
        masks[symbol] = masks.get(symbol, 0) | (1 << i)
    full = (1 << len(b)) - 1
    v = full
    for symbol in a:
        u = v & masks.get(symbol, 0)
        v = ((v + u) | (v - u)) & full
    return len(b) - v.bit_count()


def evidence(a: list[str], b: list[str]) -> Evidence:
    """How far two anchor sequences share an order beyond chance; ``score`` 0 when they share none.

    >>> evidence(["n:1", "n:2", "a:IOM", "n:3"], ["n:1", "n:2", "a:IOM", "n:3"]).in_order
    4
    """
    shorter = min(len(a), len(b))
    if not shorter:
        return Evidence(0, 0.0, 0, 0.0)
    in_order = lcs_length(a, b)
    rng = random.Random(f"{len(a)}:{len(b)}")  # same documents, same verdict on every run
    chance = 0.0
    for _ in range(SHUFFLES):
        shuffled = list(b)
        rng.shuffle(shuffled)
        chance += lcs_length(a, shuffled) / SHUFFLES
    score = (in_order - chance) / (shorter - chance) if shorter > chance else 0.0
    return Evidence(in_order, chance, shorter, round(max(0.0, score), 4))


def is_edition(a: list[str], b: list[str], found: Evidence) -> bool:
    """Enough evidence, in absolute terms and as a share, that two anchor sequences are one text."""
    if min(len(a), len(b)) < MIN_ANCHORS or max(len(a), len(b)) > MAX_RATIO * min(len(a), len(b)):
        return False
    return found.in_order - found.chance >= MIN_IN_ORDER and found.score >= MIN_SCORE


def link_editions(results: list[DocumentResult]) -> None:
    """Set ``edition_of``, ``edition_score`` and ``edition_method`` on each document in another language than
    English whose anchors follow those of an English document (its primary copy when the plan is there in two
    formats); the best scoring one wins. Documents of one language are never editions of each other.

    A French edition of the 2021-2022 plan gets ``edition_of = "un_network_workplan_2021_2022_webpage.txt"``.
    """
    twins = find_twins(results)
    originals = [r for r in results if r.language == "en" and r.document_id not in twins
                 and len(r.anchors) >= MIN_ANCHORS]
    for result in results:
        result.edition_of, result.edition_score, result.edition_method = None, None, None
        if result.language == "en" or len(result.anchors) < MIN_ANCHORS:
            continue
        best: tuple[float, str, Evidence] | None = None
        for original in originals:
            found = evidence(result.anchors, original.anchors)
            if is_edition(result.anchors, original.anchors, found) and (best is None or found.score > best[0]):
                best = (found.score, original.document_id, found)
        if best is not None:
            result.edition_of, result.edition_score, result.edition_method = best[1], best[0], best[2].method
