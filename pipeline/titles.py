"""The title a document prints: the same for a PDF as for its text or web twin."""

from __future__ import annotations

import re

from pipeline.labels import in_list, norm, split_label
from pipeline.model import BlockKind, Document

_TOP_BLOCKS = 12
_MAX_TITLE = 150


def document_title(doc: Document) -> str | None:
    """Of the document's first lines (headings and paragraphs), the first that names a plan ("GMG Work Plan
    2010", "Plan de travail du Réseau des Nations Unies sur les migrations"); else the first that is not site
    chrome ("Aller au contenu principal"), a table of contents, a draft note, a date or a "Label: value" line;
    else the extractor's own title (an HTML ``<title>``).
    """
    candidates = [b.text.strip() for b in doc.blocks[:_TOP_BLOCKS]
                  if b.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH) and _may_be_title(b.text.strip())]
    words = [norm(w) for w in _plan_words()]
    for text in candidates:
        folded = norm(text)
        if any(re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", folded) for w in words):
            return text
    for text in candidates:
        if not _is_date(text):
            return text
    return doc.title if doc.title and _may_be_title(doc.title) and not _is_date(doc.title) else None


def _plan_words() -> list[str]:
    from pipeline.labels import labels

    return labels()["title_plan_words"]


def _may_be_title(text: str) -> bool:
    if not 3 <= len(text) <= _MAX_TITLE or "\n" in text or text.endswith((":", "：")):
        return False
    if in_list(text, "title_skip", prefix=True) or split_label(text, "lead_labels"):
        return False
    return len(re.sub(r"[\W\d_]", "", text)) >= 3  # not "2016-2018", "2022"


def _is_date(text: str) -> bool:
    """A short line that reads as a date ("September 18, 2016"); a plan's title is checked before this."""
    from normalizers import normalize_timeline

    return len(text.split()) <= 4 and normalize_timeline(text).parsed
