"""PDF extractor (pdfplumber): positioned lines and ruled tables of every page become one Document."""

from __future__ import annotations

import logging
import struct
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from extractors.pdf_blocks import build_blocks
from extractors.pdf_chars import lean_chars
from extractors.pdf_checks import check_page, check_page_count
from extractors.pdf_layout import Item, PageItems, measure, running_lines
from extractors.pdf_lines import (
    LINE_HYPHEN,
    Line,
    chars_to_lines,
    mark_drawn_bullets,
    settle_line_hyphens,
)
from extractors.pdf_tables import (
    TABLE_SETTINGS,
    RawTable,
    bucket_chars,
    extend_open_rows,
    join_cut_rows,
    make_cell_lines,
    raw_tables,
    to_fragment,
)
from extractors.pdf_tabs import tab_tables
from pipeline.core.enums import BlockKind, Format
from pipeline.core.errors import EmptyDocument, EncryptedPdf, ScannedDocument, UnreadableDocument
from pipeline.core.model import Block, Cell, Document, Loss, Row

log = logging.getLogger(__name__)

# what pdfminer raises on a damaged file, besides its own exception classes
_DAMAGE = (PdfminerException, PDFException, PSException, PDFSyntaxError, ValueError, KeyError, TypeError,
           IndexError, struct.error, zlib.error)


def _open(path: Path) -> Any:
    try:
        return pdfplumber.open(path)
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedPdf(f"{path.name}: the PDF is encrypted and cannot be opened without its password") from e
        raise UnreadableDocument(f"{path.name}: not a readable PDF ({cause!r})") from e
    except OSError as e:
        raise UnreadableDocument(f"{path.name}: cannot read the file ({e})") from e


@dataclass
class PageBatch:
    """What one pass over a range of pages found: per page its lines and tables (plain, picklable data).

    A long PDF can be read as several batches in parallel (``read_pages`` on page ranges) and put together
    by ``extract(path, batches)``: the result equals one pass over the whole file.
    """

    page_count: int = 0
    lines: list[list[Line]] = field(default_factory=list)
    tables: list[list[RawTable]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    glyph_spaces: bool = False
    text_pages: int = 0
    lost: list[tuple[int, str]] = field(default_factory=list)  # (page, why): pages not read, or not whole


_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


class _PageReader(PageBatch):
    """One pass over the pages: chars, tables (found once per page) and lines; pages are closed after use."""

    def read(self, page: Any, number: int, damage: str | None = None) -> None:
        """Read one page; a damaged one is a loss said with its page number, the other pages go on."""
        lean_chars(page)  # chars without their colours: a third of the reading time saved
        try:
            # everything pdfminer parses happens here; a damaged page fails in these calls
            chars = page.chars
            has_text = any(not c["text"].isspace() for c in chars)
            found = page.find_tables(TABLE_SETTINGS) if has_text else []
            images = bool(page.images) if not has_text else False
        except _DAMAGE as e:
            self.lost.append((number, f"page {number} of the PDF is damaged and was not read ({e!r})"))
            self.lines.append([])
            self.tables.append([])
            return
        if damage:
            what = "only part of it was read" if has_text else "it was read as blank"
            self.lost.append((number, f"page {number} of the PDF is damaged: {damage}; {what}"))
        tables = raw_tables(found, number)
        if tables:
            extend_open_rows(tables, _vertical_rules(page))
        if not has_text:
            if images:
                self.warnings.append(f"page {number} has no text layer (image only)")
            self.lines.append([])
            self.tables.append([])
            return
        self.text_pages += 1
        spaced = any(c["text"] == " " for c in chars)
        self.glyph_spaces = self.glyph_spaces or spaced
        # zero-width marks (U+200B ...) print nothing, but their own size and place split the word they sit in
        chars = [c for c in chars if c["text"] not in _ZERO_WIDTH]
        lines = chars_to_lines(bucket_chars(chars, tables), number, spaced)
        mark_drawn_bullets(lines, _bullet_shapes(page))
        self.lines.append(lines)
        for table in tables:
            make_cell_lines(table)
        portrait = page.height > page.width  # a slide (landscape) lays its text out in boxes: those are units
        self.tables.append(unframe(tables, lines, float(page.height)) if portrait else tables)


def unframe(tables: list[RawTable], lines: list[Line], page_height: float) -> list[RawTable]:
    """The tables of a page less its frames: a page border drawn around the text is a table over most of the
    page whose text is all in one cell (its other cells empty); its lines are the page's own, in place, where
    list bullets and indents are read as in running text. ``lines`` receives them. (A small box, a slide's
    text box, stays a one-cell table: its lines are one unit.)"""
    kept = []
    for table in tables:
        filled = [c for row in table.grid for c in row if c is not None and c.lines]
        if len(filled) != 1 or table.bbox[3] - table.bbox[1] < 0.5 * page_height:
            kept.append(table)
            continue
        top = table.bbox[1]
        at = next((i for i, line in enumerate(lines) if line.top >= top), len(lines))
        lines[at:at] = filled[0].lines or []
    return kept


def _vertical_rules(page: Any) -> list[tuple[float, float, float]]:
    """The page's vertical rules (cell sides) as (x, top, bottom)."""
    try:
        return [(e["x0"], e["top"], e["bottom"]) for e in page.edges if e.get("orientation") == "v"]
    except _DAMAGE:
        return []


def _bullet_shapes(page: Any) -> list[tuple[float, float, float, float]]:
    """Small filled dots and squares drawn as graphics (a browser prints list bullets this way, not as text)."""
    try:
        shapes = [*page.curves, *page.rects]
    except _DAMAGE:
        return []
    out = []
    for s in shapes:
        w, h = s["x1"] - s["x0"], s["bottom"] - s["top"]
        if 1.5 <= w <= 7 and 1.5 <= h <= 7 and abs(w - h) <= 1.5 and s.get("fill"):
            out.append((s["x0"], s["top"], s["x1"], s["bottom"]))
    return out


def extract(path: Path, batches: list[PageBatch] | None = None) -> Document:
    """Read a PDF into blocks in reading order, running headers and repeated table headers left out.

    ``extract(Path("wg6_services_access_draft_2019.pdf")).blocks[2].kind`` -> ``BlockKind.TABLE`` (page 1's
    ruled table, after the two title lines). Raises EncryptedPdf, UnreadableDocument, EmptyDocument or
    ScannedDocument; a page without a text layer in an otherwise readable PDF is only a warning.
    """
    path = Path(path)
    reader = _merge(batches if batches is not None else [read_pages(path)])
    if reader.page_count == 0:
        raise EmptyDocument(f"{path.name}: the PDF has no pages")
    if reader.text_pages == 0:
        if reader.lost:
            raise UnreadableDocument(f"{path.name}: damaged PDF, no page can be read ({reader.lost[0][1]})")
        if reader.warnings:
            raise ScannedDocument(f"{path.name}: no page has a text layer (scanned images only); OCR it first")
        raise EmptyDocument(f"{path.name}: no page has any text")

    join_cut_rows(reader.tables)
    cells = (cell.lines or [] for tables in reader.tables for t in tables for row in t.grid for cell in row if cell)
    body = [line for lines in reader.lines for line in lines]
    stats = measure([*reader.lines, *cells], body, reader.glyph_spaces)
    pages = []
    for number, (lines, tables) in enumerate(zip(reader.lines, reader.tables, strict=True), start=1):
        fragments = [to_fragment(t, stats.is_gap, stats.glyph_spaces) for t in tables]
        items: list[Item] = [*lines, *fragments]
        items.sort(key=lambda item: item.top if isinstance(item, Line) else item.bbox[1])
        pages.append(PageItems(number, items))
    drop = running_lines(pages, stats)
    pages = [PageItems(page.number, [item for i, item in enumerate(page.items) if (p, i) not in drop])
             for p, page in enumerate(pages)]
    blocks = settle_hyphens(build_blocks(tab_tables(pages, stats, reader.glyph_spaces), set(), stats))
    title = next((b.text for b in blocks if b.kind is BlockKind.HEADING), None)
    for warning in reader.warnings:
        log.warning("%s: %s", path.name, warning)
    warnings = tuple(reader.warnings)
    lost = tuple(Loss(message, page=number) for number, message in reader.lost)
    return Document(path.name, Format.PDF, tuple(blocks), pages=reader.page_count, title=title, warnings=warnings,
                    lost=lost)


def settle_hyphens(blocks: list[Block]) -> list[Block]:
    """Line-end hyphens resolved against the whole document's words (see ``settle_line_hyphens``)."""
    texts = [b.text for b in blocks] + [c.text for b in blocks for r in b.rows for c in r.cells]
    fixes = settle_line_hyphens(texts)

    def fix(text: str) -> str:
        if LINE_HYPHEN not in text:
            return text
        for broken, whole in fixes.items():
            text = text.replace(broken, whole)
        return text.replace(LINE_HYPHEN, "-")

    out = []
    for b in blocks:
        rows = tuple(Row(tuple(Cell(fix(c.text), c.bold) for c in r.cells), r.provenance) for r in b.rows)
        out.append(replace(b, text=fix(b.text), rows=rows))
    return out


def count_pages(path: Path) -> int:
    """Number of pages (opens the page tree only): ``count_pages(Path("gmg_workplan_2010.pdf"))`` -> 5."""
    with _open(Path(path)) as pdf:
        try:
            return len(pdf.pages)
        except _DAMAGE as e:
            raise UnreadableDocument(f"{Path(path).name}: damaged PDF, its page tree cannot be read ({e!r})") from e


def read_pages(path: Path, first: int = 1, last: int | None = None) -> PageBatch:
    """Read pages ``first``..``last`` (1-based, inclusive; all by default) into a PageBatch.

    ``read_pages(Path("gmg.pdf"), 1, 12).lines[0][0].text`` -> ``"Global Migration Group –Multi-Annual Work Plan"``.
    """
    path = Path(path)
    reader = _PageReader()
    with _open(path) as pdf:
        try:
            pdf_pages = pdf.pages
        except _DAMAGE as e:
            raise UnreadableDocument(f"{path.name}: damaged PDF, its page tree cannot be read ({e!r})") from e
        reader.page_count = len(pdf_pages)
        check_page_count(path.name, reader.page_count)
        stop = reader.page_count if last is None else min(last, reader.page_count)
        inflated = 0
        for number in range(first, stop + 1):
            page = pdf_pages[number - 1]
            try:
                inflated, damage = check_page(path.name, page, number, inflated)
            except _DAMAGE as e:  # the page's own dictionary is broken: pdfminer fails on it just the same
                damage = f"its page dictionary is broken ({e!r})"
            reader.read(page, number, damage)
            page.close()
    return reader


def _merge(batches: list[PageBatch]) -> PageBatch:
    """Batches of consecutive page ranges, in order, as one."""
    merged = PageBatch(page_count=max((b.page_count for b in batches), default=0))
    for batch in batches:
        merged.lines += batch.lines
        merged.tables += batch.tables
        merged.warnings += batch.warnings
        merged.glyph_spaces = merged.glyph_spaces or batch.glyph_spaces
        merged.text_pages += batch.text_pages
        merged.lost += batch.lost
    return merged
