"""Text normalised before anything else reads it: full-width forms, CJK compatibility radicals, ligatures."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from extractors.gantt import GANTT_MIN_COLUMNS, fold_indexed
from pipeline.core.model import Cell, Document, Row

_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # "：" -> ":", "（" -> "(", "１" -> "1"
_FULL_WIDTH[0x3000] = 0x20  # ideographic space


def normalise_text(text: str) -> str:
    """``normalise_text("牵头机构：世卫组织（拟议）⼯作")`` -> ``"牵头机构:世卫组织(拟议)工作"``.

    Full-width ASCII forms become ASCII, so "Label：" reads as a label; Kangxi and CJK radicals printed by
    some PDF producers ("⼯", "⺠") become the ideographs they stand for; ligature glyphs become letters.
    The ideographic comma "、" stays: it separates list members, as a comma does.
    """
    if text.isascii():
        return text
    text = text.translate(_FULL_WIDTH)
    return "".join(unicodedata.normalize("NFKC", ch) if _compatibility(ch) else ch for ch in text)


def _compatibility(ch: str) -> bool:
    cp = ord(ch)
    # CJK radicals and compatibility ideographs, Latin ligatures, Arabic presentation forms ("ﻻ" -> "لا")
    return (0x2E80 <= cp <= 0x2FDF or 0xFB00 <= cp <= 0xFB06 or 0xF900 <= cp <= 0xFAFF or 0xFB50 <= cp <= 0xFDFF
            or 0xFE70 <= cp <= 0xFEFF)


def _gantt_folded(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """A table holding a Gantt chart with its grid folded into one ``Timeframe`` column (``extractors.gantt``);
    any other table as it is."""
    if len(rows) < 2 or max(len(r.cells) for r in rows) <= GANTT_MIN_COLUMNS:
        return rows
    folded = fold_indexed([r.texts for r in rows])
    if folded is None:
        return rows
    skip = len(rows) - len(folded)
    provenances = [rows[0].provenance, *(r.provenance for r in rows[skip + 1:])]
    return tuple(Row(tuple(Cell(t) for t in texts), prov) for texts, prov in zip(folded, provenances, strict=True))


def normalise_document(doc: Document) -> Document:
    """Every block's text and every table cell through ``normalise_text``; a Gantt chart's grid folded into one
    ``Timeframe`` column."""
    blocks = []
    for b in doc.blocks:
        rows = tuple(Row(tuple(Cell(normalise_text(c.text), c.bold) for c in r.cells), r.provenance) for r in b.rows)
        folded = _gantt_folded(rows)
        header = b.header_rows if folded is rows else min(b.header_rows, 1)  # a chart's header rows become one
        blocks.append(replace(b, text=normalise_text(b.text), rows=folded, header_rows=header) if b.rows else
                      replace(b, text=normalise_text(b.text)))
    title = normalise_text(doc.title) if doc.title else doc.title
    return replace(doc, blocks=tuple(blocks), title=title)
