"""The title a document prints: the same for a PDF as for its text or web twin."""

from __future__ import annotations

import functools
import re

from pipeline.core.enums import BlockKind
from pipeline.core.model import Document
from pipeline.labels import in_list, labels, norm, split_label

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
    for text in candidates:
        if _plan_re().search(norm(text)):
            return text
    for text in candidates:
        if not _is_date(text):
            return text
    return doc.title if doc.title and _may_be_title(doc.title) and not _is_date(doc.title) else None


@functools.cache
def _plan_re() -> re.Pattern[str]:
    """One pattern for every plan word of labels.yaml ("work plan", "plan de travail", ...), as a whole word."""
    words = sorted({norm(w) for w in labels()["title_plan_words"]}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")


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
