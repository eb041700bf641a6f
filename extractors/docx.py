"""Word extractor (python-docx): a .docx becomes a Document of headings, paragraphs, list items and tables.

What Word shows is read, not what its XML keeps: tracked changes as accepted (insertions kept, deletions
dropped), hidden text, field codes, footnotes, comments, headers and footers left out (text boxes too: they are
drawn apart from the text flow, and Word keeps a second copy of each for older readers). A paragraph's
locator is ``paragraph N`` (the Nth paragraph of the body that holds text), a table row's ``table T row R``:
a Word file has no fixed pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError

from extractors.lines import split_marker
from extractors.office import check_package
from pipeline.core.enums import BlockKind, Format
from pipeline.core.errors import EmptyDocument, UnreadableDocument
from pipeline.core.model import Block, Cell, Document, Provenance, Row

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _val(el: Any, tag: str) -> str | None:
    """``w:val`` of the child ``tag`` of ``el`` (None when either is missing)."""
    if el is None:
        return None
    child = el.find(_w(tag))
    return None if child is None else child.get(_w("val"))


# what Word does not print as the paragraph's text: deletions, moved-away text, field codes, the paragraph's
# and runs' properties, text boxes (drawn apart from the text flow), the fallback copy of a drawing
_SKIP = frozenset({_w("del"), _w("moveFrom"), _w("delText"), _w("instrText"), _w("pPr"), _w("rPr"),
                   _w("txbxContent"), f"{{{MC}}}Fallback", _w("footnoteReference"), _w("endnoteReference"),
                   _w("commentReference")})
_OFF = ("0", "false", "off")
_SPACES = re.compile(r"[ \t\u00a0]+")
HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre|título|encabezado|заголовок)\s*(\d)$", re.I)
TITLE_STYLES = frozenset({"title", "titel", "titre", "título"})
INDENT_TWIPS = 720  # a typed "a)" paragraph indented by half an inch (Word's list step) is one level deeper


def _on(el: Any, tag: str) -> bool | None:
    """A toggle property (``w:b``, ``w:vanish``) of a properties element: True, False, or None if unset."""
    if el is None:
        return None
    child = el.find(_w(tag))
    if child is None:
        return None
    return (child.get(_w("val")) or "true").lower() not in _OFF


@dataclass
class _Style:
    name: str
    based_on: str | None
    outline: int | None
    num: tuple[str, int] | None
    bold: bool | None
    hidden: bool | None


def _styles(document: Any) -> dict[str, _Style]:
    out: dict[str, _Style] = {}
    for el in document.styles.element.iterchildren(_w("style")):
        ppr, rpr = el.find(_w("pPr")), el.find(_w("rPr"))
        outline = _val(ppr, "outlineLvl")
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        num = None
        if num_pr is not None and _val(num_pr, "numId") is not None:
            num = (_val(num_pr, "numId") or "0", int(_val(num_pr, "ilvl") or 0))
        out[el.get(_w("styleId")) or ""] = _Style(
            name=(_val(el, "name") or "").strip(), based_on=_val(el, "basedOn"),
            outline=int(outline) if outline and outline.isdigit() else None, num=num,
            bold=_on(rpr, "b"), hidden=_on(rpr, "vanish"))
    return out


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz (the letter repeated)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def format_number(n: int, fmt: str) -> str:
    """``format_number(3, "lowerLetter")`` -> ``"c"``; ``format_number(4, "upperRoman")`` -> ``"IV"``."""
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class Numbering:
    """The numbering definitions of a document and the counters of its lists, in reading order."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId -> ilvl -> level
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> Numbering:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls()
        abstract: dict[str, dict[int, _Level]] = {}
        for el in root.iterchildren(_w("abstractNum")):
            levels = {}
            for lvl in el.iterchildren(_w("lvl")):
                start = _val(lvl, "start")
                levels[int(lvl.get(_w("ilvl")) or 0)] = _Level(
                    _val(lvl, "numFmt") or "decimal", _val(lvl, "lvlText") or "",
                    int(start) if start and start.lstrip("-").isdigit() else 1)
            abstract[el.get(_w("abstractNumId")) or ""] = levels
        out = cls()
        for num in root.iterchildren(_w("num")):
            levels = dict(abstract.get(_val(num, "abstractNumId") or "", {}))
            for override in num.iterchildren(_w("lvlOverride")):
                ilvl, start = int(override.get(_w("ilvl")) or 0), _val(override, "startOverride")
                if start and start.isdigit() and ilvl in levels:
                    levels[ilvl] = _Level(levels[ilvl].fmt, levels[ilvl].text, int(start))
            out.levels[num.get(_w("numId")) or ""] = levels
        return out

    def marker(self, num_id: str, ilvl: int) -> str:
        """The printed marker of the next item of list ``num_id`` at level ``ilvl``: ``"2."``, ``"b)"``,
        ``"1.3"`` (from ``lvlText`` "%1.%2"), ``"•"`` for any bullet. Deeper levels restart."""
        levels = self.levels.get(num_id, {})
        level = levels.get(ilvl, _Level())
        if level.fmt == "bullet":
            return "•"
        counts = self.counters.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            lv = levels.get(k, _Level())
            return format_number(counts.get(k, lv.start), lv.fmt)

        return re.sub(r"%(\d)", number, level.text).strip() or "•"


class _Reader:
    def __init__(self, document: Any) -> None:
        self.styles = _styles(document)
        self.default_style = next((sid for sid, is_default in self._style_elements(document) if is_default), "")
        self.numbering = Numbering.of(document)
        self.paragraphs = 0
        self.tables = 0

    @staticmethod
    def _style_elements(document: Any) -> Iterator[tuple[str, bool]]:
        for el in document.styles.element.iterchildren(_w("style")):
            if el.get(_w("type")) == "paragraph":
                yield el.get(_w("styleId")) or "", (el.get(_w("default")) or "").lower() in ("1", "true")

    def _chain(self, style_id: str | None) -> Iterator[_Style]:
        seen: set[str] = set()
        sid = style_id or self.default_style
        while sid and sid not in seen and sid in self.styles:
            seen.add(sid)
            yield self.styles[sid]
            sid = self.styles[sid].based_on or ""

    def _first(self, style_id: str | None, attr: str) -> Any:
        return next((getattr(s, attr) for s in self._chain(style_id) if getattr(s, attr) is not None), None)

    # -- text ------------------------------------------------------------------------------------------
    def text(self, p: Any) -> tuple[str, bool, bool]:
        """A paragraph's visible text (line breaks as "\\n"), whether every visible run of it is bold and
        whether its first visible run is."""
        style_id = _val(p.find(_w("pPr")), "pStyle")
        style_bold = bool(self._first(style_id, "bold"))
        style_hidden = bool(self._first(style_id, "hidden"))
        parts: list[str] = []
        bolds: list[bool] = []

        def walk(el: Any) -> None:
            for child in el.iterchildren():
                tag = child.tag
                if not isinstance(tag, str) or tag in _SKIP:
                    continue
                if tag == _w("r"):
                    rpr = child.find(_w("rPr"))
                    hidden = _on(rpr, "vanish")
                    if hidden or (hidden is None and style_hidden):
                        continue
                    before = len("".join(parts))
                    walk(child)
                    if "".join(parts)[before:].strip():
                        bold = _on(rpr, "b")
                        bolds.append(style_bold if bold is None else bold)
                elif tag == _w("t"):
                    parts.append(child.text or "")
                elif tag in (_w("tab"), _w("ptab")):
                    parts.append(" ")
                elif tag in (_w("br"), _w("cr")):
                    kind = child.get(_w("type"))
                    parts.append("\n" if kind in (None, "textWrapping") else " ")
                elif tag == _w("noBreakHyphen"):
                    parts.append("-")
                else:
                    walk(child)

        walk(p)
        lines = [_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n")]
        return "\n".join(line for line in lines if line), bool(bolds) and all(bolds), bool(bolds) and bolds[0]

    # -- paragraphs ------------------------------------------------------------------------------------
    def heading_level(self, p: Any) -> int | None:
        ppr = p.find(_w("pPr"))
        outline = _val(ppr, "outlineLvl")
        if outline and outline.isdigit():
            return int(outline) + 1 if int(outline) < 9 else None
        for style in self._chain(_val(ppr, "pStyle")):
            if style.outline is not None:
                return style.outline + 1 if style.outline < 9 else None
            match = HEADING_STYLE.match(style.name)
            if match:
                return max(1, int(match.group(1)))
            if style.name.lower() in TITLE_STYLES:
                return 1
        return None

    def list_number(self, p: Any) -> tuple[str, int] | None:
        """(numId, ilvl) of a list paragraph, from its own properties or its style's; None when not a list."""
        ppr = p.find(_w("pPr"))
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        if num_pr is not None and _val(num_pr, "numId") is not None:
            num_id = _val(num_pr, "numId") or "0"
            ilvl = _val(num_pr, "ilvl")
            if ilvl is None:
                styled = self._first(_val(ppr, "pStyle"), "num")
                ilvl = str(styled[1]) if styled else "0"
            return None if num_id == "0" else (num_id, int(ilvl) if ilvl.isdigit() else 0)
        styled = self._first(_val(ppr, "pStyle"), "num")
        return None if styled is None or styled[0] == "0" else styled

    @staticmethod
    def indent_level(p: Any) -> int:
        ppr = p.find(_w("pPr"))
        ind = ppr.find(_w("ind")) if ppr is not None else None
        if ind is None:
            return 0
        left = ind.get(_w("left")) or ind.get(_w("start")) or "0"
        return max(0, int(left) // INDENT_TWIPS) if left.lstrip("-").isdigit() else 0

    def paragraph(self, p: Any) -> Block | None:
        text, bold, _ = self.text(p)
        number = self.list_number(p)
        if not text:
            if number is not None:
                self.numbering.marker(*number)  # an empty numbered paragraph still takes its number
            return None
        self.paragraphs += 1
        prov = Provenance(place=f"paragraph {self.paragraphs}")
        level = self.heading_level(p)
        marker = self.numbering.marker(*number) if number is not None else None
        if level is not None:  # a numbered heading ("2.1 Outputs") keeps its number in its text
            text = " ".join(text.split("\n"))
            return Block(BlockKind.HEADING, f"{marker} {text}" if marker and marker != "•" else text, prov,
                         level=level, bold=True)
        if number is not None:
            return Block(BlockKind.LIST_ITEM, text, prov, level=number[1], marker=marker, bold=bold)
        marker, rest, _ = split_marker(text.split("\n")[0])
        if marker is not None and rest and not bold:
            # a number or bullet typed by hand ("a) ...", "- ..."): a list item too; a bold one is a run-in title
            body = "\n".join([rest, *text.split("\n")[1:]])
            return Block(BlockKind.LIST_ITEM, body, prov, level=self.indent_level(p), marker=marker, bold=bold)
        return Block(BlockKind.PARAGRAPH, text, prov, bold=bold)

    # -- tables ----------------------------------------------------------------------------------------
    def cell(self, tc: Any) -> Cell:
        """A cell's paragraphs one per line, a list paragraph with its printed marker; nested tables' text
        follows in reading order. ``bold``: the cell opens in bold."""
        lines: list[str] = []
        bold: bool | None = None
        for p in tc.iter(_w("p")):
            if any(a.tag == _w("txbxContent") for a in p.iterancestors()):
                continue
            text, _, first_bold = self.text(p)
            number = self.list_number(p)
            marker = self.numbering.marker(*number) if number is not None else None
            if not text:
                continue
            if bold is None:
                bold = first_bold
            lines.append(f"{marker} {text}" if marker else text)
        return Cell("\n".join(lines), bold=bool(bold))

    def table(self, tbl: Any) -> Block | None:
        """Rows on the table's grid: a ``gridSpan`` pads with empty cells after the text, a cell continuing a
        vertical merge (``vMerge``) is empty, as the HTML extractor does for colspan and rowspan."""
        self.tables += 1
        number = self.tables
        grid: list[tuple[int, list[Cell]]] = []
        for r, tr in enumerate(tbl.iterchildren(_w("tr")), start=1):
            trpr = tr.find(_w("trPr"))
            before = _val(trpr, "gridBefore")
            cells = [Cell("") for _ in range(int(before) if before and before.isdigit() else 0)]
            for tc in self._cells(tr):
                tcpr = tc.find(_w("tcPr"))
                span = _val(tcpr, "gridSpan")
                span_n = max(1, min(int(span), 100)) if span and span.isdigit() else 1
                merge = tcpr.find(_w("vMerge")) if tcpr is not None else None
                continued = merge is not None and (merge.get(_w("val")) or "continue") == "continue"
                cells.append(Cell("") if continued else self.cell(tc))
                cells.extend(Cell("") for _ in range(span_n - 1))
            grid.append((r, cells))
        width = max((len(cells) for _, cells in grid), default=0)
        rows = tuple(Row(tuple(cells + [Cell("")] * (width - len(cells))),
                         Provenance(place=f"table {number} row {r}"))
                     for r, cells in grid if any(c.text for c in cells))
        return Block(BlockKind.TABLE, provenance=Provenance(place=f"table {number}"), rows=rows) if rows else None

    @staticmethod
    def _cells(tr: Any) -> Iterator[Any]:
        """The row's cells, also those inside content controls and custom XML wrappers."""
        for child in tr.iterchildren():
            if child.tag == _w("tc"):
                yield child
            elif child.tag in (_w("sdt"), _w("customXml")):
                content = child.find(_w("sdtContent")) if child.tag == _w("sdt") else child
                if content is not None:
                    yield from _Reader._cells(content)

    # -- body ------------------------------------------------------------------------------------------
    def blocks(self, container: Any) -> Iterator[Block]:
        """Blocks in reading order. A plain paragraph right after a list item that is indented, or whose
        numbering is switched off (``numId`` 0, as LibreOffice writes an item's second paragraph), goes on
        the item's text as its next line, as a bullet's indented continuation line does in a text file."""
        pending: Block | None = None
        for child in container.iterchildren():
            tag = child.tag
            if tag == _w("p"):
                block = self.paragraph(child)
                if block is None:
                    continue
                if pending is not None and pending.kind is BlockKind.LIST_ITEM \
                        and block.kind is BlockKind.PARAGRAPH and self.continues_item(child):
                    pending = replace(pending, text=f"{pending.text}\n{block.text}")
                    continue
                if pending is not None:
                    yield pending
                pending = block
                continue
            if pending is not None:
                yield pending
                pending = None
            if tag == _w("tbl"):
                table = self.table(child)
                if table is not None:
                    yield table
            elif tag in (_w("sdt"), _w("customXml"), _w("ins"), _w("moveTo")):
                content = child.find(_w("sdtContent")) if tag == _w("sdt") else child
                if content is not None:
                    yield from self.blocks(content)
        if pending is not None:
            yield pending

    @staticmethod
    def continues_item(p: Any) -> bool:
        ppr = p.find(_w("pPr"))
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        if num_pr is not None and _val(num_pr, "numId") == "0":
            return True
        ind = ppr.find(_w("ind")) if ppr is not None else None
        left = (ind.get(_w("left")) or ind.get(_w("start")) or "0") if ind is not None else "0"
        return left.isdigit() and int(left) > 0


def _open(path: Path) -> Any:
    check_package(path, "docx")
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, ValueError, KeyError) as e:
        raise UnreadableDocument(f"{path.name}: not a readable Word document ({e})") from e
    except Exception as e:  # lxml's XMLSyntaxError and zip errors of a damaged part
        raise UnreadableDocument(f"{path.name}: the Word document is damaged ({type(e).__name__}: {e})") from e


def extract(path: Path) -> Document:
    """Read a Word document: ``extract(Path("plan.docx")).blocks[0]`` -> the first heading or paragraph.

    Headings come from heading styles and outline levels; list items from Word numbering (level ``ilvl``,
    marker the printed number, "•" for bullets) or from a number typed at the start of a paragraph; tables
    keep their grid, merged cells padded with empty cells.
    """
    path = Path(path)
    document = _open(path)
    reader = _Reader(document)
    blocks = tuple(reader.blocks(document.element.body))
    if not blocks:
        raise EmptyDocument(f"{path.name}: the Word document has no text")
    title = (document.core_properties.title or "").strip() or next(
        (b.text for b in blocks if b.kind is BlockKind.HEADING), None)
    return Document(path.name, Format.DOCX, blocks, pages=None, title=title)
