"""Twins: the same plan in two formats in one run (a PDF and its text or web page), told apart by content."""

from __future__ import annotations

import re

from pipeline.core.records import DocumentResult

# the format kept as a plan's primary copy: text, web and office formats carry fewer layout accidents than a PDF
PREFERRED = ("markdown", "asciidoc", "text", "html", "docx", "odt", "xlsx", "ods", "pdf")
SAME_CONTENT = 0.8  # share of item texts two documents must have in common to be one plan


def _texts(result: DocumentResult) -> set[str]:
    return {re.sub(r"\W+", " ", i.text.casefold()).strip() for i in result.items if len(i.text) > 3}


def find_twins(results: list[DocumentResult]) -> dict[str, str]:
    """For each document that repeats another in a second format, the document_id of the copy to count.

    Two documents in one language whose item texts overlap by ``SAME_CONTENT`` (Jaccard) are the same plan;
    the primary is the first format of ``PREFERRED``, then the shorter id. ``{"plan.pdf": "plan.txt"}``.
    """
    texts = {r.document_id: _texts(r) for r in results}
    by_id = {r.document_id: r for r in results}
    groups: list[list[str]] = []
    for r in sorted(results, key=lambda r: r.document_id):
        a = texts[r.document_id]
        if not a:
            continue
        for group in groups:
            other = by_id[group[0]]
            b = texts[other.document_id]
            if other.language == r.language and len(a & b) >= SAME_CONTENT * len(a | b):
                group.append(r.document_id)
                break
        else:
            groups.append([r.document_id])
    same_as: dict[str, str] = {}
    for group in groups:
        if len(group) < 2:
            continue
        rank = {f: k for k, f in enumerate(PREFERRED)}
        primary = min(group, key=lambda d: (rank.get(by_id[d].format, len(PREFERRED)), len(d), d))
        same_as.update({d: primary for d in group if d != primary})
    return same_as
