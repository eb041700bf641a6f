"""Anchors of a document: what survives its translation (numbers, URLs, e-mails, acronyms, agency ids), in order."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.core.enums import BlockKind
from pipeline.core.model import Document

MAX_CHARS = 300_000  # anchors are read in the first this many characters: enough to tell a plan, bounded work
MAX_ANCHORS = 4_000
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'，。、]+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# an acronym: two or more Latin capitals (digits, "&" and "-" inside), not a word of a capitalised line
_ACRONYM = re.compile(r"(?<![\w&-])[A-Z][A-Z0-9&-]*[A-Z0-9](?![\w&-])")
_ACRONYM_MAX = 7  # "UNESCO", "GANHRI"; a longer run of capitals is a word set in capitals ("ACTIVITIES")
_WORD = re.compile(r"[A-Za-z]{2,}")
_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")
_NUMBER = re.compile(r"\d+")  # any script's digits ("٢٠٢١"): int() reads them all


def text_to_anchors(text: str, lang: str) -> list[str]:
    """The anchors of one text in reading order: ``n:`` a number (each digit run: "1.1" is two, "2 000" and
    "2,000" alike), ``u:`` a URL, ``e:`` an e-mail, ``a:`` a known agency's id (its name in any language),
    ``l:`` a Latin acronym that is no known agency.

    >>> text_to_anchors("Co-leads: OIM, PNUD (T2 2021), voir https://migrationnetwork.un.org/fr", "fr")
    ['a:IOM', 'a:UNDP', 'n:2', 'n:2021', 'u:migrationnetwork.un.org/fr']
    """
    from normalizers.agencies import resolve_agencies

    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in taken)

    for pattern, prefix in ((_URL, "u:"), (_EMAIL, "e:")):
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                value = re.sub(r"^(?:https?://)?(?:www\.)?", "", m.group(0).lower()).rstrip("/.,;:")
                found.append((m.start(), prefix + value))
                taken.append(m.span())
    for mention in resolve_agencies(text, lang):
        if mention.agency_id and mention.start is not None and mention.end is not None \
                and free(mention.start, mention.end):
            found.append((mention.start, "a:" + mention.agency_id))
            taken.append((mention.start, mention.end))
    for m in _ACRONYM.finditer(text if not _set_in_capitals(text) else ""):
        word = m.group(0)
        capitals = sum(c.isupper() for c in word)  # "T2", the French "Q2", is a quarter, not an acronym
        if capitals >= 2 and len(word) <= _ACRONYM_MAX and free(*m.span()) and not _ROMAN.match(word):
            found.append((m.start(), "l:" + word))
            taken.append(m.span())
    for m in _NUMBER.finditer(text):
        if free(*m.span()):
            found.append((m.start(), f"n:{int(m.group(0))}"))
    return [anchor for _, anchor in sorted(found)]


def _set_in_capitals(text: str) -> bool:
    """A line set in capitals ("DRAFT OF WORKING GROUP 6"): its words are words, not acronyms."""
    words = _WORD.findall(text)
    capitals = sum(w.isupper() for w in words)
    return capitals >= 3 and capitals * 2 > len(words)


def _texts(doc: Document) -> Iterator[str]:
    """Every text of a document in reading order: a block's marker and text, a table's cells row by row."""
    for block in doc.blocks:
        if block.kind is BlockKind.TABLE:
            yield from (cell.text for row in block.rows for cell in row.cells)
        else:
            yield f"{block.marker} {block.text}" if block.marker else block.text


def document_to_anchors(doc: Document, lang: str) -> list[str]:
    """The anchor sequence of a whole document (see ``text_to_anchors``), read in its first ``MAX_CHARS``
    characters and cut at ``MAX_ANCHORS``."""
    anchors: list[str] = []
    read = 0
    for text in _texts(doc):
        if read >= MAX_CHARS or len(anchors) >= MAX_ANCHORS:
            break
        text = text[: MAX_CHARS - read]
        read += len(text)
        anchors += text_to_anchors(text, lang)
    return anchors[:MAX_ANCHORS]
