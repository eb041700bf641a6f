"""Markdown extractor: headings, paragraphs, list items and pipe tables with HTML cells."""

from __future__ import annotations

import re
from pathlib import Path

from extractors.fragments import fragment_to_text, starts_bold
from extractors.lines import read_lines, split_marker
from pipeline.model import Block, BlockKind, Cell, Document, Format, Provenance, Row

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_SEPARATOR = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")


def split_pipe_row(line: str) -> list[str]:
    """Cells of a pipe-table line: ``split_pipe_row("| a | b |")`` -> ``["a", "b"]``."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in body.split("|")]


def _table(lines: list[tuple[int, str]]) -> Block:
    rows = []
    for number, line in lines:
        if _SEPARATOR.match(line):
            continue
        raw = split_pipe_row(line)
        cells = tuple(Cell(fragment_to_text(c), starts_bold(c)) for c in raw)
        rows.append(Row(cells, Provenance(line_start=number, line_end=number)))
    first, last = lines[0][0], lines[-1][0]
    return Block(BlockKind.TABLE, provenance=Provenance(line_start=first, line_end=last), rows=tuple(rows))


def _text_block(lines: list[tuple[int, str]]) -> Block:
    first, last = lines[0][0], lines[-1][0]
    prov = Provenance(line_start=first, line_end=last)
    head = lines[0][1]
    raw = " ".join(line.strip() for _, line in lines)
    heading = _HEADING.match(head)
    if heading:
        return Block(BlockKind.HEADING, fragment_to_text(heading.group(2)), prov, level=len(heading.group(1)),
                     bold=True)
    marker, rest, indent = split_marker(raw if head.lstrip() == head else " " * (len(head) - len(head.lstrip())) + raw)
    if marker is not None:
        return Block(BlockKind.LIST_ITEM, fragment_to_text(rest), prov, level=indent // 2,
                     marker=marker, bold=starts_bold(rest))
    return Block(BlockKind.PARAGRAPH, fragment_to_text(raw), prov, bold=starts_bold(raw))


def extract(path: Path) -> Document:
    """Parse a markdown workplan: ``extract(Path("plan.md")).blocks[0].kind`` -> ``BlockKind.HEADING``."""
    lines = read_lines(path)
    blocks: list[Block] = []
    pending: list[tuple[int, str]] = []
    table: list[tuple[int, str]] = []

    def flush() -> None:
        if table:
            blocks.append(_table(table))
            table.clear()
        if pending:
            block = _text_block(pending)
            if block.text:
                blocks.append(block)
            pending.clear()

    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("|"):
            if pending:
                flush()
            table.append((number, line))
            continue
        if table:
            flush()
        if not stripped or _RULE.match(stripped):
            flush()
            continue
        if _HEADING.match(stripped) or split_marker(line)[0] is not None:
            flush()
        pending.append((number, line))
        if _HEADING.match(stripped):
            flush()
    flush()
    title = next((b.text for b in blocks if b.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH)), None)
    return Document(source=path.name, format=Format.MARKDOWN, blocks=tuple(blocks), title=title)
