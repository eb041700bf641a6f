"""Plain-text extractor: paragraphs, bullets, numbered/lettered lines and tab-separated tables."""

from __future__ import annotations

from pathlib import Path

from extractors.fragments import fragment_to_text, starts_bold
from extractors.lines import read_lines, split_marker
from pipeline.core.enums import BlockKind, Format
from pipeline.core.model import Block, Cell, Document, Provenance, Row


def _cells(line: str) -> list[str]:
    cells = line.split("\t")
    while len(cells) > 1 and not cells[-1].strip():
        cells.pop()
    return cells


def _is_row(line: str) -> bool:
    return "\t" in line and len(_cells(line)) > 1


def _table(rows: list[tuple[int, str]], width: int) -> Block:
    out = []
    for number, line in rows:
        raw = line.split("\t")[:width]
        raw += [""] * (width - len(raw))
        out.append(Row(tuple(Cell(fragment_to_text(c), starts_bold(c)) for c in raw),
                       Provenance(line_start=number, line_end=number)))
    prov = Provenance(line_start=rows[0][0], line_end=rows[-1][0])
    return Block(BlockKind.TABLE, provenance=prov, rows=tuple(out))


def _tables(rows: list[tuple[int, str]]) -> list[Block]:
    """Consecutive tab rows form one table while their raw column count stays the same."""
    current: list[tuple[int, str]]
    blocks, current, width = [], [], 0
    for number, line in rows:
        w = len(line.split("\t"))
        if current and w != width:
            blocks.append(_table(current, width))
            current = []
        current.append((number, line))
        width = w
    if current:
        blocks.append(_table(current, width))
    return blocks


def extract(path: Path) -> Document:
    """Parse a text workplan: ``extract(Path("plan.txt")).blocks`` -> headings/paragraphs/list items/tables.

    A bullet's indented continuation lines (e.g. ``"    Timeline: Q2 2021"``) stay in the bullet,
    one ``\\n`` per line; a tab-separated line (after dropping trailing empty cells) is a table row.
    """
    lines = read_lines(path)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            i += 1
            continue
        if _is_row(line):
            rows = []
            while i < len(lines):
                cur = lines[i].rstrip("\n")
                if "\t" in cur:  # inside a table a row may have one filled cell
                    rows.append((i + 1, cur))
                    i += 1
                elif not cur.strip() and i + 1 < len(lines) and "\t" in lines[i + 1]:
                    i += 1
                else:
                    break
            blocks.extend(_tables(rows))
            continue
        marker, text, indent = split_marker(line.replace("\t", " "))
        start = i
        parts = [text]
        i += 1
        if marker is not None:
            # continuation: following lines indented deeper than the marker, blank lines allowed between
            while i < len(lines):
                nxt = lines[i].rstrip()
                if not nxt.strip():
                    j = i
                    while j < len(lines) and not lines[j].strip():
                        j += 1
                    if j < len(lines) and _continues(lines[j], indent):
                        i = j
                        continue
                    break
                if not _continues(nxt, indent):
                    break
                parts.append(nxt.strip())
                i += 1
        prov = Provenance(line_start=start + 1, line_end=i)
        body = "\n".join(fragment_to_text(p) for p in parts if p.strip())
        if marker is not None:
            blocks.append(Block(BlockKind.LIST_ITEM, body, prov, level=indent // 2, marker=marker,
                                bold=starts_bold(text)))
        elif body:
            blocks.append(Block(BlockKind.PARAGRAPH, body, prov, bold=starts_bold(text)))
    title = next((b.text for b in blocks if b.kind is not BlockKind.TABLE), None)
    return Document(source=path.name, format=Format.TEXT, blocks=tuple(blocks), title=title)


def _continues(line: str, indent: int) -> bool:
    """An indented non-list line deeper than the bullet belongs to it."""
    marker, _, own = split_marker(line)
    return marker is None and own > indent and "\t" not in line
