"""Blocks from positioned PDF lines and table fragments: paragraphs, headings, list items, tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.pdf_layout import LayoutStats, PageItems
from extractors.pdf_lines import Line, follows_marker, is_soft_break, join_lines, split_marker, starts_item
from extractors.pdf_tables import Fragment
from pipeline.core.enums import BlockKind
from pipeline.core.model import Block, Provenance


@dataclass
class _Draft:
    """Lines gathered for one text block; ``kind`` is decided when the first line arrives."""

    kind: BlockKind
    lines: list[Line] = field(default_factory=list)
    marker: str | None = None

    @property
    def last(self) -> Line:
        return self.lines[-1]


class BlockBuilder:
    """Walks the pages in reading order and cuts lines into blocks.

    Kept as a small class so the intermediate drafts can be inspected while debugging a layout.
    """

    def __init__(self, stats: LayoutStats) -> None:
        self.stats = stats
        self.drafts: list[_Draft | Fragment] = []
        self._previous_table: Fragment | None = None

    def _style(self, line: Line) -> str:
        if line.size >= self.stats.body_size + 1:
            return f"heading-{line.size}"
        return "bold" if line.bold else f"body-{line.size}"

    def _soft(self, prev: Line, line: Line) -> bool:
        return is_soft_break(prev, line, self.stats.right, self.stats.glyph_spaces)

    def _starts_item(self, prev: Line, line: Line) -> bool:
        return starts_item(prev, line, self.stats.right, self.stats.glyph_spaces)

    def _opening(self, line: Line) -> _Draft:
        style = self._style(line)
        marker, _ = split_marker(line.text)
        if style.startswith("heading"):
            return _Draft(BlockKind.HEADING, [line])
        if marker and (style != "bold" or not marker[0].isalnum()):
            return _Draft(BlockKind.LIST_ITEM, [line], marker)
        if style == "bold":
            # "bold whole line" is a heading; settled in ``blocks`` once the block's length is known
            return _Draft(BlockKind.HEADING, [line], marker)
        return _Draft(BlockKind.PARAGRAPH, [line])

    def _continues(self, draft: _Draft, line: Line, after: Line | Fragment | None) -> bool:
        """Whether ``line`` goes on with ``draft``; ``after`` is the next item kept on the page."""
        prev = draft.last
        if self._style(prev) != self._style(line):
            return False
        marker, _ = split_marker(line.text)
        if prev.page == line.page:
            if self.stats.is_gap(prev, line):
                return False
            if marker and (self._starts_item(prev, line) or follows_marker(draft.marker, marker)):
                return False
            # a deliberate line break ends a paragraph (one per line, as in the text twins) but
            # stays inside a list item, like its indented "Timeline: Q2 2021" line
            return draft.kind is not BlockKind.PARAGRAPH or self._soft(prev, line)
        # page break: the gap is lost, so only a wrap, a lower-case start, or a one-line tail
        # of a list item ("Timeline: Q2 2021" moved over by the page break) continues
        if draft.kind is BlockKind.HEADING or marker:
            return False
        if self._soft(prev, line) or line.text[:1].islower():
            return True
        alone = not isinstance(after, Line) or self.stats.is_gap(line, after) or split_marker(after.text)[0]
        # a line ending in a colon ("Activities:") introduces what follows it, it ends no item
        return draft.kind is BlockKind.LIST_ITEM and bool(alone) and not line.text.rstrip().endswith((":", "："))

    def add_page(self, page: PageItems, drop: set[int]) -> None:
        """Feed one page; ``drop`` holds the indexes of running headers to skip."""
        items = [item for i, item in enumerate(page.items) if i not in drop]
        for position, item in enumerate(items):
            current = self.drafts[-1] if self.drafts else None
            if isinstance(item, Fragment):
                self._add_table(item, at_page_top=position == 0, follows_table=isinstance(current, Fragment))
                continue
            after = items[position + 1] if position + 1 < len(items) else None
            if isinstance(current, _Draft) and self._continues(current, item, after):
                current.lines.append(item)
            else:
                self.drafts.append(self._opening(item))

    def _add_table(self, fragment: Fragment, at_page_top: bool, follows_table: bool) -> None:
        previous = self._previous_table
        if at_page_top and follows_table and previous is not None and fragment.rows:
            if previous.header is not None and tuple(fragment.rows[0].texts) == previous.header:
                # the header row repeated by the layout program on the new page
                fragment.rows = fragment.rows[1:]
                fragment.header = previous.header
        self._previous_table = fragment
        if fragment.rows:
            self.drafts.append(fragment)

    def blocks(self) -> list[Block]:
        """The finished blocks; heading levels rank the heading font sizes, largest first."""
        headings = [d for d in self.drafts if isinstance(d, _Draft) and d.kind is BlockKind.HEADING]
        big = sorted({d.lines[0].size for d in headings if d.lines[0].size >= self.stats.body_size + 1}, reverse=True)
        out: list[Block] = []
        stack: list[float] = []
        for draft in self.drafts:
            if isinstance(draft, Fragment):
                stack.clear()
                prov = Provenance(page=draft.page, bbox=draft.bbox)
                out.append(Block(BlockKind.TABLE, provenance=prov, rows=tuple(draft.rows)))
                continue
            if draft.kind is BlockKind.HEADING and len(draft.lines) > 1 and draft.lines[0].size not in big:
                # a bold passage of several lines is emphasis, not a heading
                draft.kind = BlockKind.LIST_ITEM if draft.marker else BlockKind.PARAGRAPH
            block = self._text_block(draft)
            if draft.kind is BlockKind.HEADING:
                stack.clear()
                level = big.index(draft.lines[0].size) + 1 if draft.lines[0].size in big else len(big) + 1
                block = Block(BlockKind.HEADING, block.text, block.provenance, level=level, bold=block.bold)
            elif draft.kind is BlockKind.LIST_ITEM:
                level = _list_level(stack, draft.lines[0].x0)
                block = Block(BlockKind.LIST_ITEM, block.text, block.provenance, level, draft.marker, block.bold)
            elif stack and draft.lines[0].x0 <= stack[0] + 2:
                stack.clear()
            out.append(block)
        return out

    def _text_block(self, draft: _Draft) -> Block:
        lines = draft.lines
        first = split_marker(lines[0].text)[1] if draft.kind is BlockKind.LIST_ITEM else lines[0].text
        text = first
        for prev, line in zip(lines, lines[1:], strict=False):
            if draft.kind is BlockKind.LIST_ITEM and not self._soft(prev, line):
                text = f"{text}\n{line.text}"
            else:
                text = join_lines(text, prev, line, self.stats.right)
        on_first_page = [line for line in lines if line.page == lines[0].page]
        bbox = (
            min(line.x0 for line in on_first_page),
            min(line.top for line in on_first_page),
            max(line.x1 for line in on_first_page),
            max(line.bottom for line in on_first_page),
        )
        bold = all(line.bold for line in lines)
        return Block(draft.kind, text.strip(), Provenance(page=lines[0].page, bbox=bbox), bold=bold)


def _list_level(stack: list[float], x: float) -> int:
    """Nesting from indentation: deeper than the open item nests, shallower closes levels."""
    while stack and x < stack[-1] - 2:
        stack.pop()
    if not stack or x > stack[-1] + 2:
        stack.append(x)
    return len(stack) - 1


def build_blocks(pages: Sequence[PageItems], drop: set[tuple[int, int]], stats: LayoutStats) -> list[Block]:
    """All blocks of a document in reading order."""
    builder = BlockBuilder(stats)
    for p, page in enumerate(pages):
        builder.add_page(page, {i for q, i in drop if q == p})
    return builder.blocks()
