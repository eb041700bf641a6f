"""Linking a translated edition to its original: same plan period and the same shape of work items."""

from __future__ import annotations

from collections import Counter

from pipeline.records import DocumentResult

MIN_SIMILARITY = 0.6


def _shape(result: DocumentResult) -> Counter:
    """Items counted by (kind, block) plus the dated intervals they carry: what a translation keeps."""
    shape: Counter[tuple] = Counter((i.kind.value, i.block) for i in result.items)
    shape.update(("interval", t.start, t.end) for t in result.timelines if t.start or t.end)
    shape.update(("agency", lead.agency_id) for lead in result.leads if lead.agency_id)
    return shape


def similarity(a: DocumentResult, b: DocumentResult) -> float:
    """Weighted Jaccard of two documents' shapes: 1.0 for a faithful translation, ~0 for another plan."""
    sa, sb = _shape(a), _shape(b)
    union = sum((sa | sb).values())
    return sum((sa & sb).values()) / union if union else 0.0


def link_editions(results: list[DocumentResult]) -> None:
    """Set ``edition_of`` on each non-English document whose shape matches an English one.

    A French edition of the 2021-2022 plan gets ``edition_of = "un_network_workplan_2021_2022_webpage.txt"``.
    """
    originals = [r for r in results if r.language == "en" and r.items]
    for result in results:
        if result.language == "en" or not result.items:
            continue
        scored = sorted(((similarity(result, o), o.document_id) for o in originals
                         if (o.period_start, o.period_end) == (result.period_start, result.period_end)), reverse=True)
        if scored and scored[0][0] >= MIN_SIMILARITY:
            result.edition_of = scored[0][1]
