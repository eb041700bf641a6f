"""Aligning each item of a translated edition with the original item it translates, from what survives
translation (numbering, order, dates, agency ids, numbers, kind, nesting, relative length), never words."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.core.enums import LEAD_ROLES
from pipeline.core.records import DocumentResult, WorkItem

MIN_SCORE = 0.55  # a pair scoring less is never matched: the item is left without a counterpart
MIN_MEAN = 0.6  # a pair of documents whose matched items score less on average is no edition: no rows
MIN_COVERAGE = 0.7  # ... nor one where fewer than 70% of the shorter document's items find a counterpart
# weight of each signal in the similarity; a signal counts only where one of the two items carries it
WEIGHTS = {"kind": 1.0, "depth": 0.5, "length": 1.5, "children": 1.0, "ref": 3.0, "dates": 2.0, "agencies": 1.0,
           "numbers": 1.5, "root": 1.0}
ONE_SIDED = 1 / 3  # a signal only one of the two items carries (a stray footnote number) weighs a third
AGREEING = ("ref", "dates", "agencies", "numbers", "root")  # signals named in ``method`` when they agree
_NUMBER = re.compile(r"\d+")  # any script's digits ("٣", "３"): int() reads them all
LEAD_ROLE_VALUES = frozenset(role.value for role in LEAD_ROLES)
_ENUMERATOR = re.compile(r"^[^\W\d_]$|^[ivxlc]+$", re.I)  # a lone letter or a roman numeral ("b", "iv")


@dataclass(frozen=True)
class Profile:
    """What one item keeps through a translation."""

    item_id: str
    kind: str
    depth: int
    length: float  # share of the document's item text: comparable across scripts
    ref: tuple[str, ...] | None
    dates: frozenset
    agencies: frozenset
    numbers: Counter
    root: int | None  # position of the top-level item it belongs to (None for a top-level item)
    children: int


def ref_key(ref: str | None) -> tuple[str, ...] | None:
    """The numbering of a ref, whatever its words: ``ref_key("Groupe de travail principal 2.1")`` ->
    ``("2", "1")``, ``ref_key("b)")`` -> ``("b",)``, ``ref_key("Thematic Priority")`` -> ``None``."""
    if not ref:
        return None
    numbers = tuple(str(int(n)) for n in _NUMBER.findall(ref))
    if numbers:
        return numbers
    core = ref.strip(" .()[]-–:")
    return (core.lower(),) if _ENUMERATOR.match(core) else None


def result_to_profiles(result: DocumentResult) -> list[Profile]:
    """One profile per item of a document, in reading order."""
    dates: dict[str, set] = {}
    for t in result.timelines:
        if t.start or t.end:
            dates.setdefault(t.item_id, set()).add((t.start, t.end))
    agencies: dict[str, set] = {}
    for lead in result.leads:
        if lead.agency_id:
            agencies.setdefault(lead.item_id, set()).add(lead.agency_id)
    position = {item.item_id: n for n, item in enumerate(result.items)}
    total = sum(len(item.text) for item in result.items) or 1
    children = Counter(item.parent_id for item in result.items)
    profiles: list[Profile] = []
    for item in result.items:
        parent = position.get(item.parent_id) if item.parent_id else None
        above = profiles[parent] if parent is not None and parent < len(profiles) else None
        profiles.append(Profile(
            item_id=item.item_id, kind=item.kind.value, depth=above.depth + 1 if above else 0,
            length=len(item.text) / total, ref=ref_key(item.ref),
            dates=frozenset(dates.get(item.item_id, ())), agencies=frozenset(agencies.get(item.item_id, ())),
            numbers=Counter(str(int(n)) for n in _NUMBER.findall(item.text)),
            root=(above.root if above.root is not None else parent) if above else None,
            children=children[item.item_id],
        ))
    return profiles


def _jaccard(a, b) -> float:
    if isinstance(a, Counter):
        union = sum((a | b).values())
        return sum((a & b).values()) / union if union else 0.0
    return len(a & b) / len(a | b) if a | b else 0.0


def profile_similarity(a: Profile, b: Profile, counterpart: dict[int, int] | None = None) -> tuple[float, str]:
    """Weighted agreement of two items (0-1) and the signals that agreed (``"ref+dates"``, ``"order"``).

    ``counterpart`` (edition position -> original position, from a first pass) adds the root signal: both
    items sit under the same top-level item (nesting below it may differ between two parses).
    """
    scores: dict[str, float] = {"kind": float(a.kind == b.kind), "depth": float(a.depth == b.depth),
                                "length": min(a.length, b.length) / max(a.length, b.length, 1e-9),
                                "children": (min(a.children, b.children) + 1) / (max(a.children, b.children) + 1)}
    weights = dict(WEIGHTS)
    if a.ref or b.ref:
        scores["ref"] = float(a.ref == b.ref)
    for name in ("dates", "agencies", "numbers"):
        if getattr(a, name) or getattr(b, name):
            scores[name] = _jaccard(getattr(a, name), getattr(b, name))
    for name in ("ref", "dates", "agencies", "numbers"):
        if name in scores and not (getattr(a, name) and getattr(b, name)):
            weights[name] *= ONE_SIDED
    if counterpart is not None and (a.root is not None or b.root is not None):
        scores["root"] = float(a.root is not None and counterpart.get(a.root) == b.root)
    score = sum(weights[k] * v for k, v in scores.items()) / sum(weights[k] for k in scores)
    agreed = [k for k in AGREEING if scores.get(k, 0.0) >= 0.5]
    return score, "+".join(agreed) or "order"


def align_sequences(edition: list[Profile], original: list[Profile],
                    counterpart: dict[int, int] | None = None) -> list[tuple[int, int, float, str]]:
    """Monotone alignment (Needleman-Wunsch, gaps free) maximising the summed ``score - MIN_SCORE`` of the
    matched pairs: ``[(edition position, original position, score, method), ...]`` in order."""
    n, m = len(edition), len(original)
    sim = [[profile_similarity(e, o, counterpart) for o in original] for e in edition]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            gain = sim[i][j][0] - MIN_SCORE
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + gain if gain > 0 else 0.0)
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        gain = sim[i][j][0] - MIN_SCORE
        if gain > 0 and best[i][j] == best[i + 1][j + 1] + gain:  # a match wins ties: the diagonal is the prior
            pairs.append((i, j, round(sim[i][j][0], 4), sim[i][j][1]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def align_documents(edition: DocumentResult, original: DocumentResult) -> list[dict]:
    """Rows of ``item_alignments`` for one edition against its original; none when the two are not
    the same plan (low mean score or few items matched)."""
    ep, op = result_to_profiles(edition), result_to_profiles(original)
    first = align_sequences(ep, op)
    pairs = align_sequences(ep, op, {i: j for i, j, _, _ in first})  # second pass: roots agree too
    if not pairs or len(pairs) < MIN_COVERAGE * min(len(ep), len(op)):
        return []
    if sum(p[2] for p in pairs) / len(pairs) < MIN_MEAN:
        return []
    return [{"item_id": ep[i].item_id, "original_item_id": op[j].item_id, "document_id": edition.document_id,
             "original_document_id": original.document_id, "score": score, "method": method}
            for i, j, score, method in pairs]


def align_editions(results: list[DocumentResult]) -> list[dict]:
    """For each item of every edition (``edition_of`` set), the original item it translates.

    ``align_editions([fr, en])[0]`` -> ``{"item_id": "ea55...", "original_item_id": "977e...", "document_id":
    "un_network_workplan_2021_2022_fr.txt", "original_document_id": "un_network_workplan_2021_2022_webpage.txt",
    "score": 0.93, "method": "ref+agencies"}``. Items without a counterpart get no row.
    """
    by_id = {r.document_id: r for r in results}
    rows: list[dict] = []
    for result in sorted(results, key=lambda r: r.document_id):
        original = by_id.get(result.edition_of) if result.edition_of else None
        if original is not None and result.items and original.items:
            rows += align_documents(result, original)
    return rows


def _intervals(result: DocumentResult) -> dict[str, set]:
    out: dict[str, set] = {}
    for t in result.timelines:
        if t.start or t.end:
            out.setdefault(t.item_id, set()).add((t.start, t.end))
    return out


def _lead_ids(result: DocumentResult) -> dict[str, set]:
    out: dict[str, set] = {}
    for lead in result.leads:
        if lead.agency_id and lead.role in LEAD_ROLE_VALUES:
            out.setdefault(lead.item_id, set()).add(lead.agency_id)
    return out


def alignments_to_differences(results: list[DocumentResult], rows: list[dict]) -> list[dict]:
    """Aligned items whose dated interval or lead agency ids differ between edition and original.

    ``{"document_id": "wg6_es.txt", "item": "1.1 Cartografía de ...", "original_item": "1.1 Mapping of ...",
    "field": "interval", "edition": "2019-12-01..2019-12-31", "original": "2019-11-12..2019-11-12"}``
    """
    by_id = {r.document_id: r for r in results}
    items = {i.item_id: i for r in results for i in r.items}
    cache: dict[str, tuple[dict, dict]] = {}

    def facts(document_id: str) -> tuple[dict, dict]:
        if document_id not in cache:
            cache[document_id] = (_intervals(by_id[document_id]), _lead_ids(by_id[document_id]))
        return cache[document_id]

    out: list[dict] = []
    for row in rows:
        (e_dates, e_leads), (o_dates, o_leads) = facts(row["document_id"]), facts(row["original_document_id"])
        for name, mine, theirs, shown in (
            ("interval", e_dates, o_dates, lambda v: "; ".join(f"{s or ''}..{e or ''}" for s, e in sorted(
                v, key=lambda p: (str(p[0]), str(p[1]))))),
            ("lead agencies", e_leads, o_leads, lambda v: ", ".join(sorted(v))),
        ):
            a, b = mine.get(row["item_id"], set()), theirs.get(row["original_item_id"], set())
            if a != b:
                out.append({"document_id": row["document_id"], "item": _label(items[row["item_id"]]),
                            "original_item": _label(items[row["original_item_id"]]), "field": name,
                            "edition": shown(a) or "none", "original": shown(b) or "none"})
    return out


def _label(item: WorkItem) -> str:
    text = " ".join(item.text.split())
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{item.ref} {text}" if item.ref else text
