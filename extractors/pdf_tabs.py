"""Tables laid out with tab stops and no rules (a tab-separated text printed, a typed form): rows from the gaps
that no space glyph fills, in a producer that draws its spaces."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.fragments import fragment_to_text
from extractors.pdf_layout import Item, LayoutStats, PageItems
from extractors.pdf_lines import ACTIVITY_RE, Line, is_soft_break, join_lines, split_marker
from extractors.pdf_tables import Fragment
from pipeline.core.model import Cell, Provenance, Row

_ON_STOP = 0.75  # how far (pt) a text start may sit from a tab stop
_MIN_ROWS = 2  # one line with a wide gap is no table
_MIN_ENDS = 3  # fewer tab jumps than this, or onto fewer than two stops, say nothing about a document's stops
_MAYBE_TAB = "\x01"


@dataclass(frozen=True)
class TabGrid:
    """Tab stops every ``step`` points from the text's left edge ``left``."""

    left: float
    step: float

    def stops_between(self, start: float, end: float) -> int:
        """Tab stops passed going from ``start`` to ``end`` (a tab jumps to the next stop after the text):
        ``TabGrid(56.8, 35.4).stops_between(128.8, 198.6)`` -> 2 (stops at 162.9 and 198.4)."""
        first = math.floor((start - self.left) / self.step + 1e-6) + 1
        last = math.floor((end - self.left + _ON_STOP) / self.step)
        return max(1, last - first + 1)

    def on_stop(self, x: float) -> int:
        """The stop ``x`` sits on (1, 2, ...), or 0 when it sits on none or at the left edge."""
        k = round((x - self.left) / self.step)
        return k if k >= 1 and abs(self.left + k * self.step - x) <= _ON_STOP else 0


def tab_grid(lines: Sequence[Line]) -> TabGrid | None:
    """The regular tab stops the gap-ends of ``lines`` land on, or None when they land on no common grid.

    The left edge is the most common line start; the step is the widest one that at least four in five
    gap-ends fall on (LibreOffice's default 1.25 cm, Word's 0.5 in, or a document's own).
    """
    lines = [line for line in lines if not (line.tabs and _is_marker(line.pieces[0]))]
    ends = [land for line in lines for _, land, spaced in line.tabs if not spaced]
    if len(ends) < _MIN_ENDS:
        return None
    left = Counter(round(line.x0, 1) for line in lines).most_common(1)[0][0]
    offsets = [e - left for e in ends if e - left > 2]
    if not offsets:
        return None
    candidates = sorted({o / k for o in offsets for k in range(1, 13) if 12 <= o / k <= 200}, reverse=True)
    for step in candidates:
        near = sum(abs(o / step - round(o / step)) * step <= _ON_STOP for o in offsets)
        if near >= 0.8 * len(offsets):
            stops = {round(o / step) for o in offsets}
            return TabGrid(left, step) if len(stops) >= 2 else None
    return None


@dataclass
class _Source:
    """The lines of one source line (a paragraph broken only by wraps) and its text with tabs."""

    lines: list[Line]
    text: str = ""
    gap_before: bool = False
    cells: list[str] = field(default_factory=list)
    # where a wrapped line joined: (its index in ``lines``, where its text starts in ``text``)
    wraps: list[tuple[int, int]] = field(default_factory=list)


def _own_text(line: Line, grid: TabGrid) -> str:
    """A line's text with one ``\\t`` per tab stop passed, and its leading tabs when it starts on a stop."""
    if line.tabs:
        text = line.pieces[0]
        for i, ((start, land, spaced), piece) in enumerate(zip(line.tabs, line.pieces[1:], strict=True)):
            # after a space glyph only a jump onto a stop is a tab (justified text stretches its spaces); a tab
            # after a list marker ("•", "1.") only reaches the item's hanging indent
            tab = (not spaced or grid.on_stop(land)) and not (i == 0 and _is_marker(text))
            text += ("\t" * grid.stops_between(start, land) if tab else "" if spaced == 2 else " ") + piece
    else:
        text = line.text
    lead = grid.on_stop(line.x0) if line.bare_start else 0
    return "\t" * lead + text


def _is_marker(text: str) -> bool:
    marker, rest = split_marker(f"{text} x")
    return marker is not None and rest == "x"


def _sources(pages: Sequence[PageItems], stats: LayoutStats, grid: TabGrid) -> list[tuple[_Source, int]]:
    """Runs of lines joined by wraps, with the page index of their first line; a ruled table ends a run."""
    out: list[tuple[_Source, int]] = []
    current: _Source | None = None
    page_index = {page.number: p for p, page in enumerate(pages)}
    for p, page in enumerate(pages):
        for item in page.items:
            if not isinstance(item, Line):
                current = None
                continue
            prev = current.lines[-1] if current else None
            same_style = prev is not None and (prev.size, prev.bold) == (item.size, item.bold)
            gap = prev is not None and prev.page == item.page and stats.is_gap(prev, item)
            own = _own_text(item, grid)
            if current is not None and prev is not None and same_style and not gap and (
                    is_soft_break(prev, item, stats.right, stats.glyph_spaces) or own.startswith("\t")):
                current.lines.append(item)
                if own.startswith("\t"):
                    # the text after a tab did not fit, so it starts the next line on a stop; tabs before it
                    # may have taken stops left on this line, unseen: up to that many ``_MAYBE_TAB``s
                    room = max(0, grid.stops_between(prev.x1, stats.right) - 1) if prev.x1 < stats.right else 0
                    current.text = current.text.rstrip() + _MAYBE_TAB * room + own
                else:
                    joined = join_lines(current.text, prev, item, stats.right)
                    text = joined[: len(joined) - len(item.text)] + own
                    widest = max((s.text.count("\t") for s, _ in out if s is not current), default=0)
                    if text.count("\t") > max(widest, current.text.count("\t")) and widest:
                        split = _split_row(current)
                        if split is not None:
                            out.append((split, page_index[split.lines[0].page]))
                            current = split
                            joined = join_lines(current.text, prev, item, stats.right)
                            text = joined[: len(joined) - len(item.text)] + own
                    current.wraps.append((len(current.lines) - 1, len(text) - len(own)))
                    current.text = text
                continue
            current = _Source([item], own, gap_before=prev is None or gap)
            out.append((current, p))
    for source, _ in out:
        source.cells = _cells(source.text.replace(_MAYBE_TAB, ""))
    return out


def _split_row(source: _Source) -> _Source | None:
    """A source about to get more tabs than any row before it took in the next row at a wrap: a line as full as
    the width, whose next row's first word could not have fitted on it. Split it at the last wrap after its last
    tab, or rather at one opening a list label ("1.1 ..."); return the new row (None when there is no such wrap).
    """
    last_tab = source.text.rfind("\t")
    wraps = [(i, at) for i, at in source.wraps if at > last_tab]
    if not wraps:
        return None
    labelled = [(i, at) for i, at in wraps
                if split_marker(source.lines[i].text)[0] or ACTIVITY_RE.match(source.lines[i].text)]
    i, at = (labelled or wraps)[-1]
    row = _Source(source.lines[i:], source.text[at:].lstrip(" "),
                  wraps=[(j - i, a - at) for j, a in source.wraps if j > i])
    del source.lines[i:]
    source.text = source.text[:at].rstrip(" ")
    source.wraps = [(j, a) for j, a in source.wraps if j < i]
    return row


def _cells(text: str) -> list[str]:
    cells = [fragment_to_text(c) for c in text.split("\t")]
    while len(cells) > 1 and not cells[-1]:
        cells.pop()
    return cells


def _fill(rows: list[_Source], width: int) -> None:
    """Unseen tabs at a wrap: as many as put the row's cells in the columns whose other cells are most alike
    in length (a date among dates, not among long descriptions), the row no wider than its table."""
    typical: dict[int, float] = {}
    for column in range(width):
        sizes = sorted(len(s.cells[column]) for s in rows
                       if _MAYBE_TAB not in s.text and column < len(s.cells) and s.cells[column])
        if sizes:
            typical[column] = math.log(sizes[len(sizes) // 2])

    def cost(cells: list[str]) -> float:
        return sum(abs(math.log(len(c)) - typical[i]) if i in typical else 3.0 for i, c in enumerate(cells) if c)

    for source in rows:
        maybe = source.text.count(_MAYBE_TAB)
        if not maybe:
            continue
        options = [_cells(source.text.replace(_MAYBE_TAB, "\t", n).replace(_MAYBE_TAB, "")) for n in range(maybe + 1)]
        options = [o for o in options if len(o) <= width] or options[:1]
        source.cells = min(options, key=cost)


def _fragment(rows: list[_Source], width: int) -> Fragment:
    model_rows = []
    boxes = []  # each row's box, as set on its Provenance (where the type says it may be None)
    for source in rows:
        on_page = [line for line in source.lines if line.page == source.lines[0].page]
        box = (min(x.x0 for x in on_page), on_page[0].top, max(x.x1 for x in on_page), on_page[-1].bottom)
        boxes.append(box)
        cells = [*source.cells, *[""] * (width - len(source.cells))]
        model_rows.append(Row(tuple(Cell(c) for c in cells), Provenance(page=source.lines[0].page, bbox=box)))
    first = boxes[0]
    last = [b for b, r in zip(boxes, model_rows, strict=True) if r.provenance.page == model_rows[0].provenance.page][-1]
    bbox = (first[0], first[1], max(b[2] for b in boxes), last[3])
    return Fragment(rows[0].lines[0].page, bbox, model_rows, tuple(model_rows[0].texts))


def _tables(sources: list[tuple[_Source, int]]) -> list[list[_Source]]:
    """Consecutive rows (two or more cells) form a table; a one-cell line right below a row stays in it when
    more rows follow (its tab stops came after its last word, so they left no trace); after a blank line the
    table goes on only with a row as wide as it (a full row), else a new table starts."""
    tables: list[list[_Source]] = []
    current: list[_Source] = []
    pending: list[_Source] = []
    width = 0

    def close() -> None:
        if len([s for s in current if len(s.cells) > 1]) >= _MIN_ROWS:
            tables.append(list(current))
        current.clear()
        pending.clear()

    for source, _ in sources:
        if len(source.cells) > 1:
            if current and source.gap_before and len(source.cells) != width:
                close()
            if not current:
                width = 0
            current.extend(pending)
            pending.clear()
            current.append(source)
            width = max(width, len(source.cells))
        elif current and not source.gap_before:
            pending.append(source)
        else:
            close()
    close()
    return tables


def tab_tables(pages: list[PageItems], stats: LayoutStats, glyph_spaces: bool) -> list[PageItems]:
    """Pages with the lines of tab-stop tables replaced by table fragments (placed where their first row
    starts); pages of a document with no tab grid, or whose producer draws no spaces (so that a gap without
    one says nothing), come back unchanged."""
    grid = tab_grid([item for page in pages for item in page.items if isinstance(item, Line)])
    if grid is None or not glyph_spaces:
        return pages
    sources = _sources(pages, stats, grid)
    tables = _tables(sources)
    if not tables:
        return pages
    placed: dict[int, Fragment] = {}
    used: set[int] = set()
    for rows in tables:
        width = max(len(s.cells) for s in rows)
        _fill(rows, width)
        placed[id(rows[0].lines[0])] = _fragment(rows, width)
        used |= {id(line) for s in rows for line in s.lines}
    out = []
    for page in pages:
        items: list[Item] = []
        for item in page.items:
            if id(item) in placed:
                items.append(placed[id(item)])
            elif id(item) not in used:
                items.append(item)
        out.append(PageItems(page.number, items))
    return out
