"""AsciiDoc extractor: section titles, paragraphs, ordered and unordered lists with their depth, and tables
(``|===``) with their column count and row spans, read line by line into the document model. Attribute entries,
comments, block titles and delimited literal or listing blocks carry no plan text and are left out; inline markup
(``*bold*``, ``_emphasis_``, ``link:url[text]``, ``url[text]``, ``{attribute}``) gives its printed text.

No AsciiDoc renderer is needed: the syntax of these constructs is line-based (AsciiDoc Language documentation,
"Sections", "Lists", "Tables"), and a plan uses no more than them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from extractors.lines import read_lines
from pipeline.core.enums import BlockKind, Format
from pipeline.core.model import Block, Cell, Document, Provenance, Row

_TITLE = re.compile(r"^(={1,6})\s+(\S.*?)\s*(?:\1)?\s*$")
_LIST = re.compile(r"^\s*(\*{1,5}|\.{1,5}|-|\d{1,3}\.|[a-zA-Z]\.)\s+(\S.*)$")
_ATTRIBUTE = re.compile(r"^:[\w!-]+:.*$")
_DELIMITED = re.compile(r"^(-{4,}|\.{4,}|/{4,}|\+{4,}|_{4,}|={4,}|\*{4,})\s*$")
_TABLE = re.compile(r"^[|!,:]={3,}\s*$")
_COLS = re.compile(r"""cols\s*=\s*["']?([^"'\]]+)""")
# a cell's specifier before its "|": "2+" spans two columns, ".3+" three rows, "2.3+" both; "a", "h", "e" ... its style
_CELL = re.compile(r"(?:(?P<col>\d+)?(?:\.(?P<row>\d+))?\+|(?P<dup>\d+)\*)?"
                   r"(?P<align>[<^>]?(?:\.[<^>])?)(?P<style>[adehlms])?\|")
_LINK = re.compile(r"(?:link:|(?:https?|ftp|mailto):)[^\s\[]*\[([^\]]*)\]")
_XREF = re.compile(r"<<[^,>]+,\s*([^>]+)>>|<<([^>]+)>>|xref:[^\[]+\[([^\]]*)\]")
_MARKS = re.compile(r"(?<![\w])([*_`#]{1,2})(?=\S)(.+?)(?<=\S)\1(?![\w])")
_ANCHOR = re.compile(r"\[\[[^\]]*\]\]|\[#[^\]]*\]")
_ROLE = re.compile(r"\[\.[\w-]+\]#([^#]*)#")
_ATTRIBUTE_REF = re.compile(r"\{([\w-]+)\}")


def inline_text(text: str, attributes: dict[str, str] | None = None) -> str:
    """AsciiDoc inline markup to its printed text: ``inline_text("see https://x.org[the site^] and *this*")`` ->
    "see the site and this"."""
    attributes = attributes or {}
    text = _ATTRIBUTE_REF.sub(lambda m: attributes.get(m.group(1).lower(), m.group(0)), text)
    text = _ANCHOR.sub("", text)
    text = _ROLE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(1).rstrip("^").split(",")[0].strip() or "", text)
    text = _XREF.sub(lambda m: next(g for g in m.groups() if g is not None), text)
    for _ in range(2):  # "*_both_*": the outer marks, then the inner
        text = _MARKS.sub(lambda m: m.group(2), text)
    # " +" at a line's end is a hard line break (kept as "\n", as the other extractors keep one); any other line
    # break is the source wrapping one paragraph
    parts = re.split(r"[ \t]\+[ \t]*\n", text.strip().removesuffix(" +"))
    return "\n".join(" ".join(ln.strip() for ln in part.split("\n") if ln.strip()) for part in parts).strip()


@dataclass
class _Table:
    start: int
    width: int | None
    cells: list[tuple[str, int, int, int]] = field(default_factory=list)  # (text, colspan, rowspan, line)


def _table_width(options: str | None, first_line: str) -> int | None:
    """The column count of a table: its ``cols`` attribute ("33,67", "3*", "1,2a"), else the cells of its first
    line ("|a |b |c")."""
    if options:
        found = _COLS.search(options)
        if found:
            spec = found.group(1).strip()
            if re.fullmatch(r"\d+\*?\w*", spec) and "*" in spec:
                return int(spec.split("*")[0])
            return len([c for c in spec.split(",") if c.strip()]) or None
    count = len(_split_cells(first_line))
    return count or None


def _split_cells(line: str) -> list[tuple[str, int, int]]:
    """The cells a line opens with their spans: ``"2+|a |.3+|b"`` -> [("a", 2, 1), ("b", 1, 3)]."""
    out: list[tuple[str, int, int]] = []
    at = 0
    starts: list[re.Match[str]] = []
    for match in _CELL.finditer(line):
        if match.start() < at:
            continue
        if match.start() > 0 and line[match.start() - 1] == "\\":
            continue  # "\|": a bar printed in the cell
        if match.start() > 0 and line[:match.start()].strip() and not starts:
            return []  # text before the first cell: a continuation line, no cell starts here
        starts.append(match)
        at = match.end()
    for k, match in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(line)
        colspan = int(match.group("col") or 1)  # "3*|": the cell repeated (read once), not spanning
        rowspan = int(match.group("row") or 1)
        out.append((line[match.end():end].strip(), colspan, rowspan))
    return out


def _rows(table: _Table, attributes: dict[str, str]) -> list[Row]:
    """Cells placed on a grid of the table's width; a cell spanning rows (``.2+|``) leaves the cells below it empty
    (as the other extractors leave a merged cell's continuation), one spanning columns its neighbours."""
    width = table.width or max((c[1] for c in table.cells), default=1)
    grid: list[list[str]] = []
    lines: dict[int, int] = {}  # row -> the source line its first cell starts on
    taken: set[tuple[int, int]] = set()
    r = c = 0
    for text, colspan, rowspan, line in table.cells:
        while True:
            if c >= width:
                r, c = r + 1, 0
            if (r, c) not in taken:
                break
            c += 1
        while len(grid) <= r + rowspan - 1:
            grid.append([""] * width)
        lines.setdefault(r, line)
        grid[r][c] = inline_text(text, attributes)
        for dr in range(rowspan):
            for dc in range(colspan):
                taken.add((r + dr, c + dc))
        c += colspan
    return [Row(tuple(Cell(t) for t in row), Provenance(line_start=lines.get(k, table.start + 1),
                                                          line_end=lines.get(k, table.start + 1)))
            for k, row in enumerate(grid)]


def extract(path: Path) -> Document:
    """Read an AsciiDoc file (``.adoc``, ``.asciidoc``, ``.asc``) into the document model."""
    lines = read_lines(path)
    blocks: list[Block] = []
    attributes: dict[str, str] = {}
    paragraph: list[str] = []
    para_start = 0
    options: str | None = None
    table: _Table | None = None
    delimiter: str | None = None
    title: str | None = None
    header_rows = 0

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            where = Provenance(line_start=para_start + 1, line_end=para_start + len(paragraph))
            marker = _LIST.match(paragraph[0])
            if marker and paragraph[0].lstrip().startswith(marker.group(1)):
                mark = marker.group(1)
                level = (len(mark) - 1) if mark[0] in "*." and len(set(mark)) == 1 else 0
                body = inline_text("\n".join([marker.group(2), *paragraph[1:]]), attributes)
                shown = "•" if mark[0] in "*-" else (mark if mark[0].isalnum() else f"{mark.count('.')}.")
                if body:
                    blocks.append(Block(BlockKind.LIST_ITEM, body, where, level=level, marker=shown))
            else:
                text = inline_text("\n".join(paragraph), attributes)
                if text:
                    blocks.append(Block(BlockKind.PARAGRAPH, text, where))
        paragraph = []

    for number, raw in enumerate(lines):
        line = raw.rstrip("\n").rstrip()
        if delimiter is not None:  # inside a literal, listing, comment or passthrough block
            if line.strip() == delimiter:
                delimiter = None
            continue
        if table is not None:
            if _TABLE.match(line.strip()):
                rows = _rows(table, attributes)
                if rows:
                    blocks.append(Block(BlockKind.TABLE, "", Provenance(line_start=table.start + 1,
                                                                      line_end=number + 1),
                                        rows=tuple(rows), header_rows=header_rows))
                table = None
                continue
            if not line.strip():
                continue
            cells = _split_cells(line.strip())
            if cells:
                if table.width is None:
                    table.width = len(cells)
                table.cells.extend((text, colspan, rowspan, number + 1) for text, colspan, rowspan in cells)
            elif table.cells:  # a cell's text continued on the next line
                text, colspan, rowspan, at = table.cells[-1]
                table.cells[-1] = (f"{text}\n{line.strip()}" if text else line.strip(), colspan, rowspan, at)
            continue
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if _DELIMITED.match(stripped):
            flush()
            delimiter = stripped
            continue
        if _TABLE.match(stripped):
            flush()
            at = next((k for k in range(number + 1, len(lines)) if lines[k].strip()), len(lines))
            following = lines[at].strip() if at < len(lines) else ""
            width = _table_width(options, following)
            table = _Table(number, width if options and _COLS.search(options) else None)
            # the header row: declared ("options=header"), or the first line holding a whole row and followed by a
            # blank line (AsciiDoc's implicit header row)
            header_rows = 1 if options and re.search(r"options\s*=\s*[\"']?[^\]]*header", options) else 0
            if not header_rows and width and len(_split_cells(following)) == width:
                header_rows = int(at + 1 < len(lines) and not lines[at + 1].strip())
            options = None
            continue
        attribute = _ATTRIBUTE.match(stripped)
        if attribute and not paragraph:
            name, _, value = stripped[1:].partition(":")
            attributes[name.strip().lower()] = value.strip()
            continue
        if stripped.startswith("[") and stripped.endswith("]") and not paragraph:
            options = stripped  # a block's attribute list: [cols="33,67"], [NOTE], [source,python]
            continue
        if stripped.startswith(".") and len(stripped) > 1 and stripped[1] not in ". " and not paragraph:
            continue  # ".Title": a block title, printed as a caption
        heading = _TITLE.match(stripped)
        if heading:
            flush()
            level = len(heading.group(1))
            text = inline_text(heading.group(2), attributes)
            if level == 1 and title is None:
                title = text
            blocks.append(Block(BlockKind.HEADING, text, Provenance(line_start=number + 1, line_end=number + 1),
                                level=level))
            options = None
            continue
        if not stripped:
            flush()
            options = None
            continue
        if _LIST.match(line) and paragraph and not paragraph[-1].endswith(" +"):
            flush()  # a list item right under the line before: a new item, not a wrapped line
        if not paragraph:
            para_start = number
        paragraph.append(stripped)
    flush()
    if table is not None and table.cells:  # an unclosed table: its rows as far as they go
        blocks.append(Block(BlockKind.TABLE, "", Provenance(line_start=table.start + 1, line_end=len(lines)),
                            rows=tuple(_rows(table, attributes)), header_rows=header_rows))
    return Document(source=path.name, format=Format.ASCIIDOC, blocks=tuple(blocks),
                    title=title or attributes.get("doctitle"))
