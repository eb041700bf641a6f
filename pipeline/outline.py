"""Outline: a document's blocks as a tree of headings, list nesting and tables, whatever the format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.lines import split_marker as split_text_marker
from extractors.pdf_lines import EXTRA_BULLET_RE
from pipeline.core.enums import BlockKind
from pipeline.core.model import Block, Provenance

_SENTENCE_END = re.compile(r"[.;!?。；！？]$")
# a short, unpunctuated line standing alone: the title of a text box or a bold run-in heading
_TITLE_MAX = 90
TITLE_LEVEL = 7  # a numbered title printed as a paragraph: below every marked heading, above run-in labels
RUN_IN_LEVEL = 8  # a bold short paragraph: a label heading below every real heading


@dataclass
class Node:
    """One block of the outline: ``headings`` are the indexes of the enclosing headings (outermost first),
    ``parent`` the enclosing list item, ``intro`` the ``...:`` paragraph that opens the node's list run."""

    index: int
    kind: BlockKind
    text: str
    provenance: Provenance
    level: int = 0
    marker: str | None = None
    bold: bool = False
    block: Block | None = None
    headings: tuple[int, ...] = ()
    parent: int | None = None
    intro: int | None = None
    children: list[int] = field(default_factory=list)

    @property
    def is_heading(self) -> bool:
        return self.kind is BlockKind.HEADING


def text_box_blocks(block: Block) -> list[Block]:
    """A table whose rows each hold one filled cell is a text box (a slide's frame, a boxed list): its lines
    become blocks, a bullet line's wrapped continuation joined to it, a short first line its title.

    ``text_box_blocks(Block(TABLE, rows=(Row((Cell("Roadmap\\n● Build x\\nand y"),)),)))`` -> heading
    "Roadmap", list item "Build x and y".
    """
    out: list[Block] = []
    total = sum(1 for r in block.rows for c in r.cells for ln in c.text.split("\n") if ln.strip())
    for row in block.rows:
        cell = next((c for c in row.cells if c.text.strip()), None)
        if cell is None:
            continue
        lines = [ln.strip() for ln in cell.text.split("\n") if ln.strip()]
        for number, line in enumerate(lines):
            first_of_box = not out and number == 0
            marker, rest, _ = split_marker(line)
            prev = out[-1] if out else None
            if marker is None and prev is not None and prev.kind is BlockKind.LIST_ITEM and number > 0 \
                    and _continues_line(prev.text, rest):
                out[-1] = Block(BlockKind.LIST_ITEM, f"{prev.text} {rest}", prev.provenance, prev.level, prev.marker)
                continue
            if marker is not None and prev is not None and prev.kind is BlockKind.LIST_ITEM and rest.startswith("(") \
                    and not _SENTENCE_END.search(prev.text):
                # "○ (CNCF, CCC)": a bracket carried onto a bullet line of its own goes on with the item above
                out[-1] = Block(BlockKind.LIST_ITEM, f"{prev.text} {rest}", prev.provenance, prev.level, prev.marker)
            elif marker is not None:
                out.append(Block(BlockKind.LIST_ITEM, rest, row.provenance, _glyph_level(marker), marker))
            elif first_of_box and total > 1 and len(rest) <= _TITLE_MAX and not _SENTENCE_END.search(rest):
                out.append(Block(BlockKind.HEADING, rest, row.provenance, level=9, bold=True))
            else:
                out.append(Block(BlockKind.PARAGRAPH, rest, row.provenance))
    return out


def split_marker(line: str) -> tuple[str | None, str, int]:
    """The text extractors' markers plus the other bullet glyphs of slides and word processors (○ ■ ‣ ...)."""
    extra = EXTRA_BULLET_RE.match(line.lstrip())
    if extra:
        return extra.group(1), line.lstrip()[extra.end():].strip(), len(line) - len(line.lstrip())
    return split_text_marker(line)


def _glyph_level(marker: str | None) -> int:
    """Slide bullets nest by glyph: ● • ▪ - first level, ○ ◦ – second."""
    return 1 if marker in ("○", "◦", "–", "‣", "\uf0a7") else 0


def _continues_line(prev: str, line: str) -> bool:
    """A wrapped bullet line: it opens in lower case, or the line before stops mid-sentence."""
    if not line:
        return False
    return line[0].islower() or line[0] in "(&" or not _SENTENCE_END.search(prev) and not prev.endswith(":")


def is_text_box(block: Block) -> bool:
    """Every row holds at most one filled cell, and the box has line breaks or a single column."""
    if block.kind is not BlockKind.TABLE or not block.rows:
        return False
    width = max(len(r.cells) for r in block.rows)
    filled = [sum(1 for c in r.cells if c.text.strip()) for r in block.rows]
    return max(filled, default=0) <= 1 and (width == 1 or any("\n" in c.text for r in block.rows for c in r.cells))


def build_outline(blocks: list[Block]) -> list[Node]:
    """Nodes in reading order with their heading path, list parent and list intro.

    Text boxes are opened into their lines; a bold short paragraph is a run-in heading below every real one.
    """
    flat: list[Block] = []
    for block in blocks:
        flat.extend(text_box_blocks(block) if is_text_box(block) else [block])
    nodes: list[Node] = []
    stack: list[tuple[int, int]] = []  # (heading level, node index)
    items: list[tuple[int, int]] = []  # open list items: (level, node index)
    last_para: int | None = None
    intro: int | None = None
    for block in flat:
        i = len(nodes)
        kind, level = block.kind, block.level
        text = block.text.strip()
        if not text and kind is not BlockKind.TABLE:
            continue
        marker = block.marker
        if kind is BlockKind.PARAGRAPH and block.bold and _is_run_in_heading(text):
            kind, level = BlockKind.HEADING, RUN_IN_LEVEL
        elif kind is BlockKind.PARAGRAPH and _is_numbered_title(text):
            kind, level = BlockKind.HEADING, TITLE_LEVEL
        elif kind is BlockKind.HEADING and split_marker(text)[0] is not None and not text[0].isalnum():
            marker, text, _ = split_marker(text)  # a large-type bullet ("● How do we ...") is a list item
            kind, level = BlockKind.LIST_ITEM, _glyph_level(marker)
        node = Node(i, kind, text, block.provenance, level, marker, block.bold, block)
        if kind is BlockKind.HEADING:
            level = level or 7
            sibling = _series_sibling(text, [nodes[k] for _, k in stack])
            if sibling is not None:  # "Annex B" after "Annex A", whatever size each is printed in: its sibling
                level = node.level = sibling.level or 7
            while stack and stack[-1][0] >= level:
                stack.pop()
            node.headings = tuple(n for _, n in stack)
            stack.append((level, i))
            items.clear()
            intro = None
            last_para = None
        else:
            node.headings = tuple(n for _, n in stack)
            if kind is BlockKind.LIST_ITEM:
                if not items and last_para is not None and nodes[last_para].text.endswith((":", "：")):
                    intro = last_para
                while items and items[-1][0] >= level:
                    items.pop()
                node.parent = items[-1][1] if items else None
                node.intro = intro
                if node.parent is not None:
                    nodes[node.parent].children.append(i)
                items.append((level, i))
            elif kind is BlockKind.PARAGRAPH and intro is not None and not items and not text.endswith((":", "：")):
                node.intro = intro  # "Activities:" then one paragraph per activity: the label introduces them all
                last_para = i
            else:
                if kind is BlockKind.PARAGRAPH and intro is not None and not items:
                    node.intro = intro  # "...:" inside a run: an item of the run that introduces its own list
                outer = nodes[intro].intro if intro is not None and items else None
                items.clear()
                intro = None
                if outer is not None and kind is BlockKind.PARAGRAPH and not text.endswith((":", "：")):
                    # "Activities:" / an activity introducing its sub-list ":" / the sub-list / a remark: the remark
                    # ends the sub-list, not the run of activities the label opened (the next list is of it again)
                    node.intro = outer
                    intro = outer
                last_para = i if kind is BlockKind.PARAGRAPH else None
                if kind is BlockKind.PARAGRAPH and text.endswith((":", "：")):
                    intro = i
        nodes.append(node)
    return nodes


_SERIES = re.compile(r"^([^\W\d_]{3,})\s+([A-Z]|\d{1,2})\s*[:.–-]\s+\S")


def _series_sibling(text: str, open_headings: list[Node]) -> Node | None:
    """The open heading of the same lettered or numbered series ("Annex A: ..." for "Annex B: ...", "Part 1 -
    ..." for "Part 2 - ..."): the new heading closes it and takes its level."""
    match = _SERIES.match(text)
    if match is None:
        return None
    word = match.group(1).lower()
    for node in reversed(open_headings):
        other = _SERIES.match(node.text)
        if other is not None and other.group(1).lower() == word and other.group(2) != match.group(2) \
                and other.group(2).isdigit() == match.group(2).isdigit():
            return node
    return None


# "Core Working Group 2.1: Stronger UN system", "Thematic Priority 3 - Remittances": a title under its kind's number
_NUMBERED_TITLE = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+){0,3} \d{1,2}(?:\.\d{1,2})*\s*[:–-]\s+(\S.{2,200})$")


def _is_numbered_title(text: str) -> bool:
    """A paragraph line that is a title numbered under a kind of its own, not a sentence (a plain-text plan's
    section titles print no heading mark)."""
    match = _NUMBERED_TITLE.match(text)
    if match is None or "\n" in text:
        return False
    return not _SENTENCE_END.search(match.group(1)) and not match.group(1).rstrip().endswith((".", "。"))


def _is_run_in_heading(text: str) -> bool:
    """"Use of Funds", "Engineers:": short, no sentence inside."""
    core = text.rstrip(":：").strip()
    return 0 < len(core) <= 60 and not _SENTENCE_END.search(core) and ":" not in core and "=" not in core


def section_title(nodes: list[Node], node: Node) -> str | None:
    """The nearest enclosing heading's text, or None."""
    return nodes[node.headings[-1]].text if node.headings else None


def regions(nodes: list[Node]) -> list[int]:
    """Each node's region: the index of its innermost heading, -1 before the first one. The layout rules
    and the general recogniser are compared region by region."""
    return [n.index if n.is_heading else (n.headings[-1] if n.headings else -1) for n in nodes]


def node_of_provenance(nodes: list[Node]) -> dict[Provenance, int]:
    """Node index of every block's and table row's provenance (a layout-rule item points back to one)."""
    out: dict[Provenance, int] = {}
    for n in nodes:
        out.setdefault(n.provenance, n.index)
        if n.block is not None:
            for row in n.block.rows:
                out.setdefault(row.provenance, n.index)
    return out
