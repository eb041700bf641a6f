"""Table fragments split by page breaks joined back into one table, running headers removed."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from pipeline.core.enums import BlockKind
from pipeline.core.model import Block, Cell, Row
from pipeline.labels import classify, in_list, norm
from pipeline.vocabulary import split_field_line

REF = re.compile(
    r"^\s*(?:(?:output|outcome|produit|resultado|activity|deliverable)\s*\d+\s*[:.]|\d+(?:\.\d+)+\.?\s|\d{1,2}[.)]\s|[a-z][.)]\s)",
    re.I,
)


def remove_running_headers(blocks: list[Block]) -> list[Block]:
    """Drop short lines repeated on many pages ("September 18, 2016"), keeping a first-page title.

    A text counts as a running header when it appears three times or more as a standalone line,
    is short, and is not a label ("Activities:") the assembler needs.
    """
    if any(b.provenance.page for b in blocks):
        return blocks  # a PDF: its extractor told running headers by their place on the page already
    if not _has_page_marks(blocks):
        return blocks  # no pages, so no running headers: a repeated line is content ("Expected completion: Q1")
    # a heading is structure the writer marked ("#### Action Items" closing every meeting of a page), never a
    # page's running header
    counts = Counter(norm(b.text) for b in blocks if b.kind is BlockKind.PARAGRAPH)
    repeated = {
        t for t, n in counts.items()
        if n >= 3 and 0 < len(t) < 100 and not t.endswith(":") and not _is_label(t) and split_field_line(t) is None
    }
    out, seen = [], set()
    for index, block in enumerate(blocks):
        key = norm(block.text)
        if block.kind is BlockKind.PARAGRAPH and key in repeated:
            if index < 3 and key not in seen:
                out.append(block)
            seen.add(key)
            continue
        out.append(block)
    return out


def _has_page_marks(blocks: list[Block]) -> bool:
    """A text converted from a paged layout: a table split into fragments (consecutive tables of one width)."""
    tables = [b for b in blocks if b.kind is BlockKind.TABLE]
    return len(tables) >= 3


def _is_label(text: str) -> bool:
    return any(classify(text, group) for group in ("mode_labels", "lead_labels", "column_roles"))


def is_header_row(row: Row) -> bool:
    """A row naming column roles, e.g. ``Outputs | Activities | Timeframe | Lead | Funding source``."""
    filled = [c.text for c in row.cells if c.text]
    if not filled or any(len(t) > 60 for t in filled):
        return False
    named = [classify(t, "column_roles", prefix=True) for t in filled]
    work = {"output", "priority_area", "activity", "deliverable", "milestone"}
    return (len(set(filter(None, named))) >= 2 and any(r in work for r in named)
            and sum(1 for r in named if r) * 2 >= len(filled))


def _empty(row: Row) -> bool:
    return not any(c.text.strip() for c in row.cells)


def _join(before: str, after: str) -> str:
    """Join text continued across a page break: a hyphenated word closes up, else one space."""
    if not before:
        return after
    if before.endswith("-") and len(before) > 1 and before[-2].isalpha():
        return before + after
    return before + " " + after


_JOINING = {"in", "and", "of", "the", "to", "for", "with", "a", "an", "or", "by", "on", "at", "from", "into", "as",
            "de", "du", "des", "et", "la", "le", "les", "en", "y", "del", "el", "los", "las", "para", "por", "и", "в"}


def _opens_unit(cell: Cell) -> bool:
    return bool(cell.text) and (cell.bold or bool(REF.match(cell.text)))


def _continues(prev: str, text: str) -> bool:
    """Whether a cell at the top of a page continues the cell above (when the row also opens a unit)."""
    if not text or not prev or REF.match(text):
        return False
    words = prev.rstrip().split()
    last = words[-1].lower() if words else ""
    return text[0].islower() or prev.endswith(("-", ",", "(")) or last in _JOINING


def join_fragments(blocks: list[Block]) -> list[Block]:
    """Merge consecutive TABLE blocks of the same width into one, joining continued rows.

    The first non-empty row of a later fragment continues the previous row cell by cell: a cell
    that does not open a new unit (no ref such as "2.2" or "Output 3:", not bold) and follows an
    unfinished cell is appended to it; the cells that do open a unit stay as a new row.
    """
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if not (block.kind is BlockKind.TABLE and prev is not None and prev.kind is BlockKind.TABLE
                and _width(prev) == _width(block) and _width(block) > 1):
            out.append(block)
            continue
        rows = list(prev.rows)
        incoming = [r for r in block.rows if not _empty(r)]
        if incoming and is_header_row(incoming[0]) and any(is_header_row(r) for r in rows):
            incoming = incoming[1:]  # header repeated on the new page
        if incoming and rows:
            head = incoming[0]
            merged = list(rows[-1].cells)
            rest = list(head.cells)
            moved = False
            whole = not any(_opens_unit(c) for c in head.cells) and not is_header_row(head)
            for i, cell in enumerate(head.cells):
                if not cell.text or i >= len(merged):
                    continue
                owner = _owner_row(rows, i)  # a merged cell spans rows: continue the last filled one
                if owner is None:
                    continue
                above = rows[owner].cells[i].text
                if whole or (not _opens_unit(cell) and _continues(above, cell.text)):
                    cells = list(rows[owner].cells)
                    cells[i] = Cell(_join(above, cell.text), cells[i].bold)
                    rows[owner] = Row(tuple(cells), rows[owner].provenance)
                    rest[i] = Cell("")
                    moved = True
            if moved:
                leftover = Row(tuple(rest), head.provenance)
                incoming = ([leftover] if not _empty(leftover) else []) + incoming[1:]
        rows.extend(incoming)
        prov = replace(prev.provenance, line_end=block.provenance.line_end)
        out[-1] = Block(BlockKind.TABLE, provenance=prov, rows=tuple(rows))
    return out


def _owner_row(rows: list[Row], column: int) -> int | None:
    """Index of the nearest row above whose cell in ``column`` is filled."""
    for index in range(len(rows) - 1, -1, -1):
        cells = rows[index].cells
        if column < len(cells) and cells[column].text:
            return index
        if cells and cells[0].text:
            return None  # a new top-level unit starts here: the cell above is really empty
    return None


def _width(block: Block) -> int:
    return max((len(r.cells) for r in block.rows), default=0)


def is_placeholder(text: str) -> bool:
    """``is_placeholder("TBC")`` -> True: a cell standing for content still to come."""
    return in_list(text, "placeholders")
