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
_REF_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*\S+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\s*(?:\((?:[^()]|\([^)]*\))*\)|\[[^\]]*\])?")
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\s*(?:\((?:[^()]|\([^)]*\))*\)|\[[^\]]*\])")
_SHORTCUT = re.compile(r"(?<![!\]])\[([^\]]+)\](?![(\[:])")
_CODE = re.compile(r"`([^`]+)`")
_LINKED = "\x00"
_AFTER_LINK = re.compile(f"{_LINKED}([ \t]+)\\[([^\\]]+)\\](?![(\\[:])")


def inline_text(text: str, references: frozenset[str] = frozenset()) -> str:
    """Markdown inline syntax to its printed text: links and images give their text (an image its alt),
    code spans their code; links standing side by side are separate names.

    ``inline_text("![Team][] [compiler][] [cargo][]")`` -> ``"Team, compiler, cargo"``.
    """
    text = _CODE.sub(lambda m: m.group(1), text)
    text = _IMAGE.sub(lambda m: f"{_LINKED}{m.group(1)}{_LINKED}", text)
    text = _LINK.sub(lambda m: f"{_LINKED}{m.group(1)}{_LINKED}", text)
    if references:
        text = _SHORTCUT.sub(lambda m: f"{_LINKED}{m.group(1)}{_LINKED}" if m.group(1).lower() in references
                             else m.group(0), text)
    # a bracketed name right after a link or badge is one more of them, defined or not ("![Team][] [compiler]")
    text = _AFTER_LINK.sub(lambda m: f"{_LINKED}{m.group(1)}{_LINKED}{m.group(2)}{_LINKED}", text)
    text = re.sub(f"{_LINKED}[ \t]+{_LINKED}", ", ", text)
    return text.replace(_LINKED, "")


def split_pipe_row(line: str) -> list[str]:
    """Cells of a pipe-table line: ``split_pipe_row("| a | b |")`` -> ``["a", "b"]``."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in body.split("|")]


def _table(lines: list[tuple[int, str]], refs: frozenset[str]) -> Block:
    rows = []
    for number, line in lines:
        if _SEPARATOR.match(line):
            continue
        raw = split_pipe_row(line)
        cells = tuple(Cell(fragment_to_text(inline_text(c, refs)), starts_bold(c)) for c in raw)
        rows.append(Row(cells, Provenance(line_start=number, line_end=number)))
    first, last = lines[0][0], lines[-1][0]
    return Block(BlockKind.TABLE, provenance=Provenance(line_start=first, line_end=last), rows=tuple(rows))


def _text_block(lines: list[tuple[int, str]], refs: frozenset[str]) -> Block:
    first, last = lines[0][0], lines[-1][0]
    prov = Provenance(line_start=first, line_end=last)
    head = inline_text(lines[0][1], refs)
    raw = inline_text(" ".join(line.strip() for _, line in lines), refs)
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
    refs = frozenset(m.group(1).lower() for m in map(_REF_DEF.match, lines) if m)
    lines = ["" if _REF_DEF.match(line) else line for line in lines]  # link reference definitions print nothing
    blocks: list[Block] = []
    pending: list[tuple[int, str]] = []
    table: list[tuple[int, str]] = []

    def flush() -> None:
        if table:
            blocks.append(_table(table, refs))
            table.clear()
        if pending:
            block = _text_block(pending, refs)
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
