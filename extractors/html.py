"""HTML extractor (lxml): a workplan saved as a web page, site chrome left out, becomes a Document."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import lxml.html
from lxml import etree

from pipeline.core.enums import BlockKind, Format
from pipeline.core.errors import EmptyDocument, UnreadableDocument
from pipeline.core.model import Block, Cell, Document, Loss, Provenance, Row

HEADINGS = {f"h{n}": n for n in range(1, 7)}
# site chrome: navigation, banners, footers, sidebars, scripts, forms
CHROME_TAGS = frozenset({"nav", "aside", "script", "style", "noscript", "template", "form", "button", "select",
                         "iframe", "svg", "canvas", "object", "link", "meta", "title"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "complementary", "menubar", "toolbar"})
# a <header>/<footer> inside these is part of the content (an article's own header), not the site's
SECTIONING = frozenset({"article", "main", "section", "aside", "nav"})
SKIP_LINK_RE = re.compile(
    r"^(skip( to)?( the)? (main )?(content|navigation)|aller au contenu( principal)?|passer au contenu|"
    r"ir al contenido( principal)?|saltar al contenido( principal)?|zum inhalt springen)$",
    re.I,
)
BLOCK_TAGS = frozenset({"p", "div", "section", "article", "main", "ul", "ol", "li", "table", "blockquote", "pre",
                        "dl", "dt", "dd", "figure", "figcaption", "header", "footer", "hr", "address", "details",
                        "summary", "center", "fieldset", *HEADINGS})
TERM_LEVEL = 7  # <dt> terms head their <dd>, below every h1-h6
STRUCK_TAGS = frozenset({"s", "strike", "del"})
BOLD_TAGS = frozenset({"b", "strong"})
_SPACES = re.compile(r"[ \t\n\r\f\u00a0]+")  # a non-breaking space is a space, as in the text extractors


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _is_chrome(el: etree._Element) -> bool:
    tag = _tag(el)
    if tag == "form" and el.xpath(".//main | .//article | .//h1 | .//h2"):
        return False  # a form wrapping the whole page (ASP.NET WebForms) holds the content
    if tag in CHROME_TAGS or (el.get("role") or "").lower() in CHROME_ROLES:
        return True
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    if re.search(r"display\s*:\s*none", el.get("style") or ""):
        return True
    if tag in ("header", "footer") and not any(_tag(a) in SECTIONING for a in el.iterancestors()):
        return True
    return tag == "a" and (el.get("href") or "").startswith("#") and bool(SKIP_LINK_RE.match(_clean(el.text_content())))


def _strip_chrome(root: etree._Element) -> None:
    doomed = [el for el in root.iter() if not isinstance(el.tag, str) or _is_chrome(el)]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the element's tail text, which belongs to its parent


def _last_line(el: etree._Element) -> int | None:
    lines = [d.sourceline for d in el.iter() if isinstance(d.tag, str) and d.sourceline]
    return max(lines) if lines else None


def _provenance(el: etree._Element) -> Provenance:
    return Provenance(line_start=el.sourceline, line_end=_last_line(el))


def _lines(el: etree._Element, nested: bool = False) -> list[str]:
    """Text of an element, one entry per line: ``<br>`` and block children start new lines.

    Nested lists and tables are left out (they become blocks of their own) unless ``nested``,
    as inside a table cell, where everything is the cell's text.
    """
    lines = [""]

    def walk(node: etree._Element) -> None:
        lines[-1] += node.text or ""
        for child in node:
            tag = _tag(child)
            if tag in STRUCK_TAGS:  # a struck-through date replaced by a revision: kept, marked "~~...~~"
                struck = _clean(child.text_content())
                lines[-1] += f"~~{struck}~~" if struck else ""
            elif tag == "br":
                lines.append("")
            elif tag in ("ul", "ol", "table") and not nested:
                pass
            elif tag in BLOCK_TAGS or tag in ("tr", "td", "th"):
                lines.append("")
                walk(child)
                lines.append("")
            elif tag:
                walk(child)
            lines[-1] += child.tail or ""

    walk(el)
    return [line for line in (_clean(x) for x in lines) if line]


def _texts(node: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Text pieces in reading order, each with the element it is printed in."""
    yield node.text or "", node
    for child in node:
        if isinstance(child.tag, str):
            yield from _texts(child)
        yield child.tail or "", node


def _starts_bold(el: etree._Element) -> bool:
    """True when the first visible text of ``el`` sits inside ``<b>``/``<strong>`` ("Output 1:" cells)."""
    return next((_bold_within(owner, el) for text, owner in _texts(el) if text.strip()), False)


def _all_bold(el: etree._Element) -> bool:
    """True when every visible piece of text of ``el`` is bold: the paragraph is emphasis, not prose."""
    pieces = [owner for text, owner in _texts(el) if text.strip()]
    return bool(pieces) and all(_bold_within(owner, el) for owner in pieces)


def _bold_within(owner: etree._Element, container: etree._Element) -> bool:
    for node in [owner, *owner.iterancestors()]:
        if _tag(node) in BOLD_TAGS:
            return True
        if node is container:
            return False
    return False


def _marker(ordered: etree._Element | None, li: etree._Element, index: int) -> str:
    """"•" for ``<ul>``; the printed number for ``<ol>`` ("3.", or "c." for ``type="a"``)."""
    if ordered is None:
        return "•"
    value = li.get("value")
    number = int(value) if value and value.isdigit() else int(ordered.get("start") or 1) + index
    kind = ordered.get("type") or "1"
    if kind in ("a", "A"):
        letter = chr(ord("a") + (number - 1) % 26)
        return (letter.upper() if kind == "A" else letter) + "."
    return f"{number}."


def _list(el: etree._Element, level: int) -> Iterator[Block]:
    """List items, a ``<br>`` inside one kept as "\n"; nested lists one level deeper."""
    ordered = el if _tag(el) == "ol" else None
    for index, li in enumerate(c for c in el if _tag(c) == "li"):
        lines = _lines(li)
        if lines:
            yield Block(BlockKind.LIST_ITEM, "\n".join(lines), _provenance(li), level=level,
                        marker=_marker(ordered, li, index), bold=_all_bold(li))
        for child in li.iter("ul", "ol", "table"):
            if child is not li and _directly_under(child, li):
                yield from (_table_blocks(child) if _tag(child) == "table" else _list(child, level + 1))


def _directly_under(el: etree._Element, li: etree._Element) -> bool:
    """True when ``el`` is nested under ``li`` with no other list, item or table in between."""
    for ancestor in el.iterancestors():
        if ancestor is li:
            return True
        if _tag(ancestor) in ("ul", "ol", "table", "li"):
            return False
    return False


def _cell(el: etree._Element) -> Cell:
    """``<td><b>Output 1:</b> x<br>y</td>`` -> ``Cell("Output 1: x\ny", bold=True)``."""
    return Cell("\n".join(_lines(el, nested=True)), bold=_starts_bold(el))


def _span(el: etree._Element, name: str) -> int:
    value = el.get(name) or "1"
    return max(1, min(int(value), 100)) if value.isdigit() else 1


def _row_cells(tr: etree._Element, pending: dict[int, int]) -> list[Cell]:
    """Cells of one row on the table grid; ``pending`` counts the rows each column is still spanned."""
    cells: list[Cell] = []

    def spanned_from_above() -> None:
        while pending.get(len(cells), 0) > 0:
            pending[len(cells)] -= 1
            cells.append(Cell(""))

    for td in (c for c in tr if _tag(c) in ("td", "th")):
        spanned_from_above()
        rowspan, colspan = _span(td, "rowspan"), _span(td, "colspan")
        if rowspan > 1:
            pending.update({col: rowspan - 1 for col in range(len(cells), len(cells) + colspan)})
        cells.append(_cell(td))
        cells.extend(Cell("") for _ in range(colspan - 1))
    spanned_from_above()
    return cells


def _table(el: etree._Element) -> Block:
    """Rows of th/td: a colspan pads with empty cells after the text, a rowspan leaves empty cells below."""
    pending: dict[int, int] = {}
    grid = [(_row_cells(tr, pending), tr) for tr in el.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")]
    width = max((len(cells) for cells, _ in grid), default=0)
    kept = [(cells, tr) for cells, tr in grid if any(c.text for c in cells)]
    rows = tuple(Row(tuple(cells + [Cell("")] * (width - len(cells))), _provenance(tr)) for cells, tr in kept)
    header = 0  # rows of <th> cells only (or in <thead>) at the top: the table's header, as its author marked it
    for _, tr in kept:
        parent = tr.getparent()
        cells = [c for c in tr if _tag(c) in ("td", "th")]
        if not (parent is not None and _tag(parent) == "thead" or cells and all(_tag(c) == "th" for c in cells)):
            break
        header += 1
    return Block(BlockKind.TABLE, provenance=_provenance(el), rows=rows, header_rows=min(header, len(rows) - 1))


def _table_blocks(el: etree._Element) -> Iterator[Block]:
    block = _table(el)
    if block.rows:
        yield block


def _blocks(el: etree._Element) -> Iterator[Block]:
    """Blocks of a container in document order; loose inline text between blocks is a paragraph."""
    run: list[str] = [el.text or ""]
    run_start = el

    def flush() -> Iterator[Block]:
        text = _clean("".join(run))
        if text:
            line = run_start.sourceline
            yield Block(BlockKind.PARAGRAPH, text, Provenance(line_start=line, line_end=line))
        run.clear()

    for child in el:
        tag = _tag(child)
        if tag in BLOCK_TAGS or tag == "br" or (tag and _holds_blocks(child)):
            yield from flush()
            yield from _element(child, tag)
            run_start = child
        elif tag:
            if not "".join(run).strip():
                run_start = child
            run.append("".join(text for text, _ in _texts(child)))
        run.append(child.tail or "")
    yield from flush()


def _holds_blocks(el: etree._Element) -> bool:
    """An inline or unknown element wrapping paragraphs, headings or lists (a page-wide form, a custom tag)."""
    return any(_tag(d) in BLOCK_TAGS for d in el.iterdescendants())


def _element(el: etree._Element, tag: str) -> Iterator[Block]:
    if tag in HEADINGS:
        text = " ".join(_lines(el))
        if text:
            yield Block(BlockKind.HEADING, text, _provenance(el), level=HEADINGS[tag], bold=True)
    elif tag == "dt":
        # a defined term (a deliverable's name) heads its <dd> description: a heading below h1-h6
        text = " ".join(_lines(el))
        if text:
            yield Block(BlockKind.HEADING, text, _provenance(el), level=TERM_LEVEL, bold=True)
    elif tag in ("ul", "ol"):
        yield from _list(el, 0)
    elif tag == "table":
        yield from _table_blocks(el)
    elif tag == "pre":
        text = el.text_content().strip("\n")
        if text.strip():
            yield Block(BlockKind.PARAGRAPH, text, _provenance(el))
    elif tag == "p" and not any(_tag(c) in BLOCK_TAGS for c in el):
        # a <br> inside a paragraph ends it: one paragraph per printed line, as in the text twins
        bold = _all_bold(el)
        for line in _lines(el):
            yield Block(BlockKind.PARAGRAPH, line, _provenance(el), bold=bold)
    elif tag != "br":
        yield from _blocks(el)


_FRAGMENT_BLOCKS = re.compile(r"<(?:table|ol|ul|dl|h[1-6])\b", re.I)


def has_block_markup(markup: str) -> bool:
    """Whether a raw HTML fragment holds a table, list or heading: ``has_block_markup("<table>")`` -> True."""
    return bool(_FRAGMENT_BLOCKS.search(markup))


def fragment_blocks(markup: str, first_line: int) -> list[Block]:
    """Blocks of an HTML fragment printed inside another format (a raw ``<table>`` in Markdown), with its lines
    counted from ``first_line`` of the file.

    >>> [b.kind.value for b in fragment_blocks("<table><tr><td>a</td><td>b</td></tr></table>", 10)]
    ['table']
    """
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    shift = first_line - 1

    def moved(prov: Provenance) -> Provenance:
        if prov.line_start is None:
            return prov
        end = prov.line_end + shift if prov.line_end is not None else None
        return replace(prov, line_start=prov.line_start + shift, line_end=end)

    return [replace(b, provenance=moved(b.provenance), rows=tuple(replace(r, provenance=moved(r.provenance))
                                                                  for r in b.rows))
            for b in _blocks(root)]


def _parse(path: Path) -> tuple[etree._Element, tuple[Loss, ...]]:
    """The page's tree, and what libxml2 left out: it stops reading a page nested deeper than 255 elements
    (the rest of the file is dropped without an exception; its error log says so)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableDocument(f"{path.name}: cannot read the file ({e.strerror})") from e
    if not data.strip():
        raise EmptyDocument(f"{path.name}: the file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableDocument(f"{path.name}: binary data (NUL bytes), not an HTML page")
    parser = lxml.html.HTMLParser()  # one per file: its error log is this file's
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise UnreadableDocument(f"{path.name}: not a readable HTML page ({e})") from e
    lost = tuple(Loss(f"the page nests elements too deep to read: {e.message.split(',')[0]}; the rest of the "
                      f"file from line {e.line} was not read", line=e.line)
                 for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT")
    return root, lost[:1]


def extract(path: Path) -> Document:
    """Read a saved web page into blocks: ``extract(Path("plan.html")).blocks[0].kind`` -> ``BlockKind.HEADING``.

    Headings h1-h6, paragraphs, list items (marker "•" or the ``<ol>`` number, level from nesting)
    and tables come from ``<main>`` when the page has one, else from ``<body>``, once site chrome
    (nav, banner header/footer, aside, script, forms, skip links) is removed.
    """
    path = Path(path)
    root, lost = _parse(path)
    _strip_chrome(root)
    main = root.xpath("//main | //*[@role='main']")
    body = main[0] if main else (root.find("body") if root.find("body") is not None else root)
    blocks = tuple(_blocks(body))
    if not blocks:
        raise EmptyDocument(f"{path.name}: no text outside the site navigation and chrome")
    title = next((b.text for b in blocks if b.kind is BlockKind.HEADING), None)
    return Document(path.name, Format.HTML, blocks, pages=None, title=title, lost=lost)
