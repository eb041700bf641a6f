"""Page-level layout facts of a PDF: normal line gaps, body font, running headers and page numbers."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from extractors.pdf_lines import Line, normalise_key, split_marker
from extractors.pdf_tables import Fragment

Item = Line | Fragment
# a line ending so introduces what follows it ("Activities:", "¿Quién ejecuta?"): a label, never a running header
LABEL_ENDS = (":", "：", "?", "？", "؟")
PAGE_NUMBER_RE = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.I)


@dataclass
class PageItems:
    """The lines outside tables and the table fragments of one page, top to bottom."""

    number: int
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class LayoutStats:
    """Document-wide measures the block and cell builders compare against."""

    body_size: float
    right: float
    gaps: dict[float, float]
    glyph_spaces: bool

    def is_gap(self, prev: Line, nxt: Line) -> bool:
        """True when the space between two lines is wider than the normal line spacing."""
        size = max(prev.size, nxt.size)
        normal = max(self.gaps.get(prev.size, 0.5 * prev.size), self.gaps.get(nxt.size, 0.5 * nxt.size))
        return nxt.top - prev.bottom > normal + max(1.5, 0.2 * size)


def _modal_gap(gaps: Sequence[float]) -> float:
    counts = Counter(round(g * 2) / 2 for g in gaps)
    top = max(counts.values())
    # the smallest spacing that is common, not the most common: pages of one-line paragraphs
    # would otherwise make the paragraph gap look normal
    return min(g for g, n in counts.items() if n >= 0.25 * top)


def measure(regions: Iterable[Sequence[Line]], body_lines: Sequence[Line], glyph_spaces: bool) -> LayoutStats:
    """Body size (most common), right text edge and the normal gap between lines of each size."""
    by_size: dict[float, list[float]] = defaultdict(list)
    for lines in regions:
        for prev, nxt in zip(lines, lines[1:], strict=False):
            gap = nxt.top - prev.bottom
            if prev.size == nxt.size and 0 <= gap < 2 * prev.size and prev.page == nxt.page:
                by_size[prev.size].append(gap)
    sizes: Counter[float] = Counter()
    for line in body_lines:
        sizes[line.size] += len(line.text)
    body = max(sizes, key=sizes.__getitem__) if sizes else 10.0
    # the right edge of the text column: a high percentile, so one line running into the margin
    # does not make every other line look short (and every wrap a deliberate break)
    ends = sorted(line.x1 for line in body_lines if len(line.text) > 20) or [0.0]
    right = ends[int(0.95 * (len(ends) - 1))]
    # too few pairs of a size say nothing about its normal spacing: ``is_gap`` then assumes half the size
    gaps = {s: _modal_gap(g) for s, g in by_size.items() if len(g) >= 5}
    # the "a wrap keeps its space glyph" rule holds for producers that draw spaces at line ends too (LibreOffice);
    # a browser draws spaces between words but never at a wrap, so there the fit of the next word decides
    wraps_keep_spaces = glyph_spaces and any(line.trailing_space for line in body_lines)
    return LayoutStats(body, right, gaps, wraps_keep_spaces)


@dataclass
class _Occurrence:
    page: int
    top: float
    isolated: bool
    edge: bool
    index: tuple[int, int]
    plain: bool  # not bold and no label: a running header copied into the body keeps the header's plain style


def _occurrences(pages: Sequence[PageItems], stats: LayoutStats) -> dict[str, list[_Occurrence]]:
    found: dict[str, list[_Occurrence]] = defaultdict(list)
    for p, page in enumerate(pages):
        items = page.items
        for i, item in enumerate(items):
            if not isinstance(item, Line) or len(item.text) > 100:
                continue
            before = items[i - 1] if i else None
            after = items[i + 1] if i + 1 < len(items) else None
            isolated = (not isinstance(before, Line) or stats.is_gap(before, item)) and (
                not isinstance(after, Line) or stats.is_gap(item, after)
            )
            edge = i == 0 or i == len(items) - 1
            plain = not item.bold and not item.text.rstrip().endswith(LABEL_ENDS)
            found[normalise_key(item.text)].append(_Occurrence(page.number, item.top, isolated, edge, (p, i), plain))
    return found


def _same_y_pages(occ: Sequence[_Occurrence]) -> int:
    best = 0
    for o in occ:
        best = max(best, len({x.page for x in occ if abs(x.top - o.top) <= 4}))
    return best


def running_lines(pages: Sequence[PageItems], stats: LayoutStats) -> set[tuple[int, int]]:
    """Positions ``(page index, item index)`` of running headers/footers and bare page numbers.

    A header is a standalone line (not a list item) whose normalised text recurs on at least half
    the pages, either at the same height or at the top/bottom of at least two pages; a standalone
    line that recurs on 3+ pages always next to such a header belongs to the same header band.
    A header line printed once on page 1 is kept there: it is the title.

    A copy of a paged original (a web page or a text pasted from a PDF, printed again) carries the
    original's running header as a body line wherever the old page broke: a plain standalone line (not
    bold, no label) recurring on half the pages is that header anywhere on the page, and its band with it.
    """
    found = _occurrences(pages, stats)
    need = max(2, math.ceil(len(pages) / 2))
    primary: set[str] = set()
    anywhere: set[str] = set()
    for key, occ in found.items():
        n_pages = len({o.page for o in occ})
        if n_pages < need or split_marker(key)[0] or sum(o.isolated for o in occ) < 0.9 * len(occ):
            continue
        if _same_y_pages(occ) >= need or sum(o.edge for o in occ) >= 2:
            primary.add(key)
        elif n_pages >= 3 and all(o.isolated and o.plain for o in occ):
            primary.add(key)
            anywhere.add(key)
    header_at = {o.index for key in primary for o in found[key] if o.isolated}
    carried = {o.index for key in anywhere for o in found[key]}
    flat = [(p, i) for p, page in enumerate(pages) for i in range(len(page.items))]
    neighbours = {
        pos: (flat[k - 1] if k else None, flat[k + 1] if k + 1 < len(flat) else None) for k, pos in enumerate(flat)
    }
    for key, occ in found.items():
        if key in primary or len({o.page for o in occ}) < 3 or split_marker(key)[0]:
            continue
        later = [o for o in occ if o.page != 1]
        near = [o for o in later if o.isolated and (set(neighbours[o.index]) & header_at)]
        # a header band sits at the top or bottom of its pages: a recurring label mid-page ("¿Quién ejecuta?",
        # "Contact") introduces that page's content; a band carried into the body sits where its header does
        banded = [o for o in later if o.index[1] <= 1 or o.index[1] >= len(pages[o.index[0]].items) - 2
                  or (o.plain and set(neighbours[o.index]) & carried)]
        if later and len(near) >= 0.8 * len(later) and len(banded) >= 0.8 * len(later):
            primary.add(key)
    drop = set()
    for key in primary:
        occ = found[key]
        on_first = [o for o in occ if o.page == 1]
        for o in occ:
            if o.isolated and not (o.page == 1 and len(on_first) == 1):
                drop.add(o.index)
    for p, page in enumerate(pages):
        for i, item in enumerate(page.items):
            edge = i == 0 or i == len(page.items) - 1
            if edge and isinstance(item, Line) and PAGE_NUMBER_RE.match(item.text.strip()):
                drop.add((p, i))
    return drop
