"""OpenDocument extractor (lxml on the package's ``content.xml``): an .odt becomes the blocks a .docx gives, an
.ods the sheets an .xlsx gives, with the same locators ("paragraph N", "table T row R", "'Sheet'!A12").

Text documents: headings (``text:h`` and its outline level), paragraphs, lists (level from nesting, marker
from the list style: "•" for bullets, the printed number otherwise), tables on their grid (a spanned cell
padded with empty cells, covered cells empty). Tracked changes read as accepted (deleted text is kept apart
from the text flow), notes and comments left out. Spreadsheets: cell values by type (dates, numbers,
percentages), repeated rows and columns expanded, hidden (collapsed or filtered) rows and columns and hidden
sheets left out with a warning, as in ``extractors.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from extractors.docx import format_number
from extractors.lines import split_marker
from extractors.office import check_package
from extractors.xlsx import sheet_blocks
from pipeline.core.enums import BlockKind, Format
from pipeline.core.errors import EmptyDocument, UnreadableDocument
from pipeline.core.model import Block, Cell, Document, Provenance, Row

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}
MAX_REPEAT = 1000  # a repeated row or column holding a value is expanded up to this many times
_SPACES = re.compile(r"[ \t\u00a0]+")
# not part of the text flow: notes (footnotes, endnotes), comments, deleted text of tracked changes, frames
_SKIP = {f"{{{NS['text']}}}note", f"{{{NS['office']}}}annotation", f"{{{NS['office']}}}annotation-end",
         f"{{{NS['text']}}}tracked-changes", f"{{{NS['text']}}}bookmark-ref"}
_NUM_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman",
                "": "none"}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _int(value: str | None, default: int = 1) -> int:
    return int(value) if value and value.isdigit() else default


@dataclass
class _Styles:
    """Bold text styles, hidden table styles and list level styles, from both style parts."""

    parents: dict[str, str] = field(default_factory=dict)
    bold: dict[str, bool] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    lists: dict[str, dict[int, tuple[str, str, str, int]]] = field(default_factory=dict)

    def add(self, root: Any) -> None:
        for st in root.iter(_q("style:style")):
            name = st.get(_q("style:name")) or ""
            if st.get(_q("style:parent-style-name")):
                self.parents[name] = st.get(_q("style:parent-style-name"))
            props = st.find(_q("style:text-properties"))
            if props is not None and props.get(_q("fo:font-weight")):
                self.bold[name] = props.get(_q("fo:font-weight")) in ("bold", "600", "700", "800", "900")
            table = st.find(_q("style:table-properties"))
            if table is not None and table.get(_q("table:display")) == "false":
                self.hidden.add(name)
        for ls in root.iter(_q("text:list-style")):
            levels: dict[int, tuple[str, str, str, int]] = {}
            for lvl in ls:
                level = _int(lvl.get(_q("text:level"))) - 1
                if lvl.tag == _q("text:list-level-style-number"):
                    levels[level] = (_NUM_FORMATS.get(lvl.get(_q("style:num-format")) or "", "decimal"),
                                     lvl.get(_q("style:num-prefix")) or "", lvl.get(_q("style:num-suffix")) or "",
                                     _int(lvl.get(_q("text:start-value"))))
                else:
                    levels[level] = ("bullet", "", "", 1)
            self.lists[ls.get(_q("style:name")) or ""] = levels

    def is_bold(self, name: str | None) -> bool | None:
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            if name in self.bold:
                return self.bold[name]
            name = self.parents.get(name)
        return None


class _TextReader:
    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.paragraphs = 0
        self.tables = 0
        self.counters: dict[str, dict[int, int]] = {}

    def text(self, el: Any) -> tuple[str, bool, bool]:
        """Visible text of a paragraph or heading (line breaks as "\\n"), whether all of it and whether its
        start is bold."""
        parts: list[str] = []
        bolds: list[bool] = []
        base = self.styles.is_bold(el.get(_q("text:style-name"))) or False

        def walk(node: Any, bold: bool) -> None:
            if node.text:
                parts.append(node.text)
                if node.text.strip():
                    bolds.append(bold)
            for child in node:
                tag = child.tag
                if not isinstance(tag, str) or tag in _SKIP:
                    pass
                elif tag == _q("text:s"):
                    parts.append(" " * _int(child.get(_q("text:c"))))
                elif tag == _q("text:tab"):
                    parts.append(" ")
                elif tag == _q("text:line-break"):
                    parts.append("\n")
                elif tag in (_q("text:list"), _q("table:table")):
                    pass  # nested blocks are read on their own
                else:
                    own = self.styles.is_bold(child.get(_q("text:style-name")))
                    walk(child, bold if own is None else own)
                if child.tail:
                    parts.append(child.tail)
                    if child.tail.strip():
                        bolds.append(bold)

        walk(el, base)
        lines = [_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n")]
        return "\n".join(line for line in lines if line), bool(bolds) and all(bolds), bool(bolds) and bolds[0]

    def marker(self, style: str | None, level: int) -> str:
        fmt, prefix, suffix, start = self.styles.lists.get(style or "", {}).get(level, ("bullet", "", "", 1))
        if fmt == "bullet":
            return "•"
        counts = self.counters.setdefault(style or "", {})
        counts[level] = counts.get(level, start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        return f"{prefix}{format_number(counts[level], fmt)}{suffix}".strip() or "•"

    def blocks(self, container: Any, level: int = -1, list_style: str | None = None,
               numbered: bool = False) -> Iterator[Block]:
        """Blocks of a container; inside a list item (``level`` >= 0) only its first paragraph takes the
        item's marker (``numbered``), its further paragraphs go on its text, one per line, and nested lists keep
        the list style of the list around them."""
        pending: Block | None = None
        for child in container:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag in (_q("text:p"), _q("text:h")):
                block = self.paragraph(child, level, list_style if numbered else None)
                if block is not None and level >= 0 and not numbered and pending is not None \
                        and pending.kind is BlockKind.LIST_ITEM and block.kind is BlockKind.PARAGRAPH:
                    pending = replace(pending, text=f"{pending.text}\n{block.text}")  # the item's next paragraph
                elif block is not None:
                    if pending is not None:
                        yield pending
                    pending = block
                    numbered = False
                continue
            if pending is not None:
                yield pending
                pending = None
            if tag == _q("text:list"):
                style = child.get(_q("text:style-name")) or list_style
                if level < 0 and child.get(_q("text:continue-numbering")) != "true":
                    self.counters.pop(style or "", None)
                for item in child:
                    if item.tag in (_q("text:list-item"), _q("text:list-header")):
                        yield from self.blocks(item, level + 1, style, item.tag == _q("text:list-item"))
            elif tag == _q("table:table"):
                table = self.table(child)
                if table is not None:
                    yield table
            elif tag in (_q("text:section"), _q("office:text")) or len(child):
                yield from self.blocks(child, level, list_style, numbered)
        if pending is not None:
            yield pending

    def paragraph(self, el: Any, level: int, list_style: str | None) -> Block | None:
        text, bold, _ = self.text(el)
        if not text:
            return None
        self.paragraphs += 1
        prov = Provenance(place=f"paragraph {self.paragraphs}")
        if el.tag == _q("text:h"):
            return Block(BlockKind.HEADING, " ".join(text.split("\n")), prov,
                         level=_int(el.get(_q("text:outline-level"))), bold=True)
        if level >= 0 and list_style is not None:
            return Block(BlockKind.LIST_ITEM, text, prov, level=level, marker=self.marker(list_style, level),
                         bold=bold)
        if level >= 0:  # a list item's second paragraph, or an unstyled list
            return Block(BlockKind.PARAGRAPH, text, prov, bold=bold)
        marker, rest, _ = split_marker(text.split("\n")[0])
        if marker is not None and rest and not bold:  # a number typed by hand, as in extractors.docx
            return Block(BlockKind.LIST_ITEM, "\n".join([rest, *text.split("\n")[1:]]), prov, marker=marker)
        return Block(BlockKind.PARAGRAPH, text, prov, bold=bold)

    def cell(self, tc: Any) -> Cell:
        lines: list[str] = []
        bold: bool | None = None
        for p in tc.iter(_q("text:p"), _q("text:h")):
            text, _, first_bold = self.text(p)
            if text:
                bold = first_bold if bold is None else bold
                lines.append(text)
        return Cell("\n".join(lines), bold=bool(bold))

    def table(self, tbl: Any) -> Block | None:
        self.tables += 1
        number = self.tables
        rows: list[Row] = []
        for r, tr in enumerate(_rows(tbl), start=1):
            cells: list[Cell] = []
            for tc in tr:
                if tc.tag == _q("table:covered-table-cell"):
                    cells.extend(Cell("") for _ in range(min(_int(tc.get(_q("table:number-columns-repeated"))), 100)))
                elif tc.tag == _q("table:table-cell"):
                    cells.append(self.cell(tc))
            if any(c.text for c in cells):
                rows.append(Row(tuple(cells), Provenance(place=f"table {number} row {r}")))
        if not rows:
            return None
        width = max(len(r.cells) for r in rows)
        padded = tuple(Row(r.cells + (Cell(""),) * (width - len(r.cells)), r.provenance) for r in rows)
        return Block(BlockKind.TABLE, provenance=Provenance(place=f"table {number}"), rows=padded)


def _rows(tbl: Any) -> Iterator[Any]:
    """Rows of a table in order, also those inside header-row and row-group wrappers (not nested tables)."""
    for child in tbl:
        if child.tag == _q("table:table-row"):
            yield child
        elif child.tag in (_q("table:table-header-rows"), _q("table:table-rows"), _q("table:table-row-group")):
            yield from _rows(child)


# -- spreadsheets --------------------------------------------------------------------------------------
def _cell_value(tc: Any) -> tuple[Any, str]:
    kind = tc.get(_q("office:value-type"))
    if kind in ("float", "currency"):
        return float(tc.get(_q("office:value")) or 0), "General"
    if kind == "percentage":
        return float(tc.get(_q("office:value")) or 0), "0%"
    if kind == "date":
        raw = tc.get(_q("office:date-value")) or ""
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            return raw, "General"
        return value, ("yyyy-mm-dd hh:mm" if "T" in raw else "yyyy-mm-dd")
    if kind == "boolean":
        return (tc.get(_q("office:boolean-value")) == "true"), "General"
    lines = [" ".join("".join(p.itertext()).split()) for p in tc.iter(_q("text:p"))]
    text = "\n".join(line for line in lines if line)
    return (text or None), "General"


def _sheet(tbl: Any, styles: _Styles, warn: list[str]) -> list[Block]:
    name = tbl.get(_q("table:name")) or "Sheet"
    cells: dict[tuple[int, int], Any] = {}
    formats: dict[tuple[int, int], str] = {}
    hidden_rows: set[int] = set()
    hidden_columns: set[int] = set()
    column = 1
    for col in tbl.iter(_q("table:table-column")):
        repeat = _int(col.get(_q("table:number-columns-repeated")))
        if col.get(_q("table:visibility")) in ("collapse", "filter"):
            hidden_columns.update(range(column, column + min(repeat, MAX_REPEAT)))
        column += repeat
    r = 1
    for tr in _rows(tbl):
        repeat = _int(tr.get(_q("table:number-rows-repeated")))
        row_cells: dict[int, tuple[Any, str]] = {}
        c = 1
        for tc in tr:
            span = _int(tc.get(_q("table:number-columns-repeated")))
            value, fmt = (None, "General") if tc.tag != _q("table:table-cell") else _cell_value(tc)
            if value not in (None, ""):
                for k in range(min(span, MAX_REPEAT)):
                    row_cells[c + k] = (value, fmt)
            c += span
        if row_cells:
            for k in range(min(repeat, MAX_REPEAT)):
                for col_number, (value, fmt) in row_cells.items():
                    cells[(r + k, col_number)] = value
                    formats[(r + k, col_number)] = fmt
                if tr.get(_q("table:visibility")) in ("collapse", "filter"):
                    hidden_rows.add(r + k)
        r += repeat
    return sheet_blocks(name, cells, formats, hidden_rows, hidden_columns, warn)


def _parse(path: Path, kind: str) -> tuple[Any, _Styles]:
    check_package(path, kind)
    styles = _Styles()
    try:
        with zipfile.ZipFile(path) as package:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            content = etree.fromstring(package.read("content.xml"), parser)
            if "styles.xml" in package.namelist():
                styles.add(etree.fromstring(package.read("styles.xml"), parser))
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError) as e:
        raise UnreadableDocument(f"{path.name}: the OpenDocument file is damaged ({type(e).__name__}: {e})") from e
    styles.add(content)
    return content, styles


def extract(path: Path) -> Document:
    """Read an .odt or .ods: ``extract(Path("plan.odt")).blocks`` -> the blocks its Word twin gives."""
    path = Path(path)
    kind = "ods" if path.suffix.lower() == ".ods" else "odt"
    content, styles = _parse(path, kind)
    body = content.find(_q("office:body"))
    warn: list[str] = []
    if kind == "odt":
        text = body.find(_q("office:text")) if body is not None else None
        blocks = tuple(_TextReader(styles).blocks(text)) if text is not None else ()
    else:
        sheet_root = body.find(_q("office:spreadsheet")) if body is not None else None
        out: list[Block] = []
        for tbl in sheet_root.iterchildren(_q("table:table")) if sheet_root is not None else ():
            if tbl.get(_q("table:style-name")) in styles.hidden:
                warn.append(f"sheet {tbl.get(_q('table:name'))!r} is hidden: not read")
                continue
            out.extend(_sheet(tbl, styles, warn))
        blocks = tuple(out)
    if not blocks:
        raise EmptyDocument(f"{path.name}: the OpenDocument file has no text")
    title = next((b.text for b in blocks if b.kind is BlockKind.HEADING), None)
    return Document(path.name, Format.ODT if kind == "odt" else Format.ODS, blocks, pages=None, title=title,
                    warnings=tuple(warn))
