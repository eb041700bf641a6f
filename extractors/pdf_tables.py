"""Ruled tables of a PDF page: chars bucketed into cells in one pass, cell lines, model rows."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from extractors.gantt import GANTT_MIN_COLUMNS, fold_positioned, period_row
from extractors.pdf_lines import (
    Char,
    Line,
    chars_to_lines,
    follows_marker,
    is_soft_break,
    join_lines,
    split_marker,
    starts_item,
)
from pipeline.core.model import Cell, Provenance, Row

# The workplans are ruled tables (LibreOffice, Word): the drawn lines give the cells exactly,
# including the thin empty header rows and the spanning section rows. Text strategies split
# multi-line cells into rows, so they are not used.
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}

BBox = tuple[float, float, float, float]
GapTest = Callable[[Line, Line], bool]


@dataclass
class RawCell:
    """A cell box of the grid and the lines that fell into it (filled by ``bucket_chars``)."""

    bbox: BBox
    chars: list[Char]
    lines: list[Line] | None = None


@dataclass
class RawTable:
    """One table as found on one page: a grid of cells (``None`` where a spanning cell covers the slot)."""

    page: int
    bbox: BBox
    grid: list[list[RawCell | None]]
    row_boxes: list[BBox]
    open_top: bool = False  # the first row is the rest of a row cut by the page break (see ``extend_open_rows``)
    open_bottom: bool = False  # the last row runs on past the page's end


@dataclass
class Fragment:
    """A table fragment ready for the document: model rows plus the header used to spot repeats."""

    page: int
    bbox: BBox
    rows: list[Row]
    header: tuple[str, ...] | None


def _bounds(cells: Sequence[Any]) -> list[float]:
    return sorted({round(v) for cell in cells if cell is not None for v in (cell[0], cell[2])})


def _same(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 2 for x, y in zip(a, b, strict=True))


def _within(a: list[float], b: list[float]) -> bool:
    return all(any(abs(x - y) <= 2 for y in b) for x in a)


def _segments(rows: Sequence[Any]) -> list[list[Any]]:
    """Split tables drawn back to back (one grid to pdfplumber) where the column lines change.

    Rows of one table share column lines. A full-width row (a section title) or a single row
    merging some columns belongs to the table around it; a run of rows with other column
    lines, or with new ones, is another table.
    """
    runs: list[list[Any]] = []
    for row in rows:
        if runs and _same(_bounds(runs[-1][-1].cells), _bounds(row.cells)):
            runs[-1].append(row)
        else:
            runs.append([row])
    segments: list[list[Any]] = []
    for run in runs:
        if segments and _belongs(run, segments[-1]):
            segments[-1].extend(run)
        else:
            segments.append(run)
    return segments


def _belongs(run: list[Any], segment: list[Any]) -> bool:
    mine, theirs = _bounds(run[0].cells), _bounds(segment[-1].cells)
    if len(theirs) == 2 and _within(theirs, mine):
        return True  # rows under a full-width title row
    return (len(mine) == 2 or len(run) == 1) and _within(mine, theirs)


def raw_tables(found: Sequence[Any], page_number: int) -> list[RawTable]:
    """The tables pdfplumber found on a page (``page.find_tables(TABLE_SETTINGS)``), top to bottom,
    with empty cell buckets; stacked tables it saw as one grid are split apart."""
    tables = []
    for table in found:
        for rows in [table.rows] if _gantt_header(table) else _segments(table.rows):
            used = [any(row.cells[c] is not None for row in rows) for c in range(len(rows[0].cells))]
            grid = [
                [RawCell(tuple(cell), []) if cell else None for cell, keep in zip(row.cells, used, strict=True) if keep]
                for row in rows
            ]
            boxes: list[BBox] = [tuple(row.bbox) for row in rows]
            bbox = (min(b[0] for b in boxes), boxes[0][1], max(b[2] for b in boxes), max(b[3] for b in boxes))
            tables.append(RawTable(page_number, bbox, grid, boxes))
    tables.sort(key=lambda t: t.bbox[1])
    return tables


def _gantt_header(table: Any) -> bool:
    """A grid whose first rows name periods (a Gantt chart): its header rows draw other column lines than its
    body (a year over its quarters, a quarter split over one body cell) and stay one table with it."""
    rows = table.rows[:4]
    if not rows or len(rows[0].cells) <= GANTT_MIN_COLUMNS:
        return False
    from pdfplumber.utils import extract_text

    top, bottom = rows[0].bbox[1], rows[-1].bbox[3]
    chars = [ch for ch in table.page.chars if top <= (ch["top"] + ch["bottom"]) / 2 <= bottom]

    def text(c: BBox) -> str:
        return extract_text([ch for ch in chars if c[0] <= (ch["x0"] + ch["x1"]) / 2 <= c[2]
                             and c[1] <= (ch["top"] + ch["bottom"]) / 2 <= c[3]])

    return period_row([[(text(c), c[0], c[2]) if c else None for c in row.cells] for row in rows]) is not None


def _column_edges(table: RawTable) -> list[float]:
    """The x positions of the table's column rules, from its row with the most cells."""
    row = max(table.grid, key=lambda r: sum(c is not None for c in r))
    cells = [c for c in row if c is not None]
    return sorted({round(c.bbox[0], 1) for c in cells} | {round(cells[-1].bbox[2], 1)})


def extend_open_rows(tables: list[RawTable], vertical: Sequence[tuple[float, float, float]]) -> None:
    """A row cut by a page break has side rules but no closing rule, so the table finder leaves it out: where
    the column rules of the page's last table run on below it (or of its first table start above it), that
    stretch is one more row, so its text stays in its columns and joins the row's other part on the next page.

    ``vertical``: the page's vertical rules as (x, top, bottom).
    """
    if not tables:
        return
    for table, below in ((tables[-1], True), (tables[0], False)):
        edges = _column_edges(table)
        x0, top, x1, bottom = table.bbox
        runs = [(t, b) for x, t, b in vertical
                if any(abs(x - e) <= 2 for e in edges)
                and (t >= bottom - 2 and b > bottom + 4 if below else b <= top + 2 and t < top - 4)]
        if len(runs) < 2:
            continue
        y0, y1 = (bottom, max(b for _, b in runs)) if below else (min(t for t, _ in runs), top)
        row: list[RawCell | None] = [RawCell((a, y0, b, y1), []) for a, b in zip(edges, edges[1:], strict=False)]
        width = len(table.grid[0])
        row += [None] * (width - len(row))
        if below:
            table.grid.append(row)
            table.row_boxes.append((x0, y0, x1, y1))
            table.bbox = (x0, top, x1, y1)
            table.open_bottom = True
        else:
            table.grid.insert(0, row)
            table.row_boxes.insert(0, (x0, y0, x1, y1))
            table.bbox = (x0, y0, x1, bottom)
            table.open_top = True


def _row_texts(row: list[RawCell | None]) -> tuple[str | None, ...]:
    return tuple(None if c is None else " ".join(line.text for line in c.lines or []) for c in row)


def _continuation(cut: RawTable, table: RawTable) -> int | None:
    """Index of the row of ``table`` (the next page's first) that goes on with ``cut``'s open last row: its first
    row when that is open at the top, else the row after the header rows the layout program printed again."""
    if table.open_top:
        return 0
    repeated = 0
    while (repeated < min(len(cut.grid) - 1, len(table.grid) - 1)
           and _row_texts(table.grid[repeated]) == _row_texts(cut.grid[repeated])):
        repeated += 1
    return repeated if repeated else None


def join_cut_rows(pages: list[list[RawTable]]) -> None:
    """A row cut by a page break is one row: the lines of its rest on the next page move into its cells on the
    page where it starts, so the cells read as wrapped text (the rest's row leaves the next page's table).

    Needs the cells' lines (``make_cell_lines``); ``pages``: each page's tables, top to bottom.
    """
    for here, there in zip(pages, pages[1:], strict=False):
        if not (here and there and here[-1].open_bottom):
            continue
        cut, table = here[-1], there[0]
        index = _continuation(cut, table)
        if index is None:
            continue
        target = [c for c in cut.grid[-1] if c is not None]
        lines = [line for cell in table.grid[index] if cell is not None for line in cell.lines or []]
        homes = [next((c for c in target if c.bbox[0] <= (line.x0 + line.x1) / 2 <= c.bbox[2]), None) for line in lines]
        if None in homes:
            continue  # the rest does not fall into the cut row's columns: another table
        for home, line in zip(homes, lines, strict=True):
            if home is not None:
                home.lines = [*(home.lines or []), line]
        del table.grid[index], table.row_boxes[index]
        table.open_top = table.open_top and index > 0
        if not table.grid:
            there.pop(0)


def _cell_at(table: RawTable, row_tops: Sequence[float], x: float, y: float) -> RawCell | None:
    index = bisect.bisect_right(row_tops, y) - 1
    # a cell spanning rows lives in its top row only, so look upwards when the slot is empty
    for r in range(index, -1, -1):
        for cell in table.grid[r]:
            if cell is not None and cell.bbox[0] <= x <= cell.bbox[2] and cell.bbox[1] <= y <= cell.bbox[3]:
                return cell
    return None


def bucket_chars(chars: Sequence[Char], tables: Sequence[RawTable]) -> list[Char]:
    """Put each char into the cell holding its centre; return the chars outside every table."""
    if not tables:
        return list(chars)
    tops = [[box[1] for box in t.row_boxes] for t in tables]
    outside = []
    for char in chars:
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        for table, row_tops in zip(tables, tops, strict=True):
            x0, top, x1, bottom = table.bbox
            if x0 <= x <= x1 and top <= y <= bottom:
                cell = _cell_at(table, row_tops, x, y)
                if cell is not None:
                    cell.chars.append(char)
                break
        else:
            outside.append(char)
    return outside


def make_cell_lines(table: RawTable) -> None:
    """Turn each cell's chars into lines (and drop the chars, which are no longer needed)."""
    for row in table.grid:
        for cell in row:
            if cell is not None:
                cell.lines = chars_to_lines(cell.chars, table.page, edges=(cell.bbox[0], cell.bbox[2]))
                cell.chars = []


def cell_text(cell: RawCell, is_gap: GapTest, glyph_spaces: bool) -> Cell:
    """Lines of a cell joined by spaces; a visible gap, a hard break or an activity number gives "\\n".

    A cell printing "1.1 Mapping of current" / "activities" / "1.2 Develop ..." becomes
    ``Cell("1.1 Mapping of current activities\\n1.2 Develop ...")``.
    """
    lines = cell.lines or []
    if not lines:
        return Cell("")
    pad = min(max(0.0, min(line.x0 for line in lines) - cell.bbox[0]), 6.0)
    right = cell.bbox[2] - pad
    text = lines[0].text
    marker = split_marker(text)[0]
    for prev, line in zip(lines, lines[1:], strict=False):
        # the next number of the cell's list ("1. ..." then "2. ...") at the same indent opens an item even after
        # a full line, where it could also be a wrap
        following = abs(line.x0 - prev.x0) <= 2 and follows_marker(marker, split_marker(line.text)[0])
        hard = (
            following
            or is_gap(prev, line)
            or starts_item(prev, line, right, glyph_spaces)
            or not is_soft_break(prev, line, right, glyph_spaces)
        )
        if hard:
            text = f"{text}\n{line.text}"
            marker = split_marker(line.text)[0] or marker
        else:
            text = join_lines(text, prev, line, right)
    return Cell(text, bold=lines[0].first_bold)


def _columns(table: RawTable) -> list[list[RawCell | None]]:
    """The grid, with needless column slots removed when every row has the same number of real cells.

    A table whose lower rows draw one more vertical line than the upper ones (a sub-column
    artifact) otherwise gets an extra column; true spanning cells keep their ``""`` padding.
    """
    counts = {sum(cell is not None for cell in row) for row in table.grid}
    if len(counts) == 1 and counts.pop() < len(table.grid[0]):
        return [[cell for cell in row if cell is not None] for row in table.grid]
    return table.grid


def to_fragment(table: RawTable, is_gap: GapTest, glyph_spaces: bool) -> Fragment:
    """Model rows of one page's table; rows with no text at all (thin header rows) are dropped."""
    rows = []
    grid = [[None if c is None else (cell_text(c, is_gap, glyph_spaces), c.bbox) for c in row] for row in table.grid]
    folded = fold_positioned([[None if c is None else (c[0].text, c[1][0], c[1][2]) for c in row] for row in grid])
    if folded is not None:  # a Gantt chart: its header rows are one, its grid one Timeframe column
        skip = len(grid) - len(folded)
        boxes = [table.row_boxes[0], *table.row_boxes[skip + 1:]]
        for texts, box in zip(folded, boxes, strict=True):
            if any(texts):
                rows.append(Row(tuple(Cell(t) for t in texts), Provenance(page=table.page, bbox=box)))
        return Fragment(table.page, table.bbox, rows, tuple(rows[0].texts) if rows else None)
    for grid_row, box in zip(_columns(table), table.row_boxes, strict=True):
        cells = tuple(Cell("") if c is None else cell_text(c, is_gap, glyph_spaces) for c in grid_row)
        if any(cell.text for cell in cells):
            rows.append(Row(cells=cells, provenance=Provenance(page=table.page, bbox=box)))
    header = tuple(rows[0].texts) if rows else None
    return Fragment(table.page, table.bbox, rows, header)
