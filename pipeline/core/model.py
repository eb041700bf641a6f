"""Document model: every input format becomes pages of blocks with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.core.enums import BlockKind, Format


@dataclass(frozen=True)
class Provenance:
    """Where a block, row or cell came from: page (1-based, when known), source lines, PDF box, or ``place``
    in a file with neither pages nor lines (``"paragraph 12"``, ``"table 2 row 3"``, ``"'Project Plan'!A12"``)."""

    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    place: str | None = None

    @property
    def locator(self) -> str:
        """Human-readable locator, e.g. ``"p9 lines 120-121"``, ``"p9 bbox 56,100,540,130"`` or ``"Plan!A12"``."""
        parts = []
        if self.page is not None:
            parts.append(f"p{self.page}")
        if self.line_start is not None:
            end = self.line_end if self.line_end is not None else self.line_start
            parts.append(f"line {self.line_start}" if end == self.line_start else f"lines {self.line_start}-{end}")
        if self.bbox is not None:
            parts.append("bbox " + ",".join(f"{v:.0f}" for v in self.bbox))
        if self.place is not None:
            parts.append(self.place)
        return " ".join(parts)


@dataclass(frozen=True)
class Cell:
    """One table cell. ``text`` keeps paragraph/line breaks as ``\\n``; ``bold`` marks a cell opening in bold."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass(frozen=True)
class Block:
    """A heading, paragraph, list item (``level``, ``marker``) or table (``rows``)."""

    kind: BlockKind
    text: str = ""
    provenance: Provenance = field(default_factory=Provenance)
    level: int = 0
    marker: str | None = None
    bold: bool = False
    rows: tuple[Row, ...] = ()
    header_rows: int = 0  # the rows a table's format marks as its header (Markdown's first row, HTML's <th> rows)


@dataclass(frozen=True)
class Loss:
    """A part of the file that could not be read (a damaged PDF page, HTML nested too deep), said where."""

    message: str
    page: int | None = None
    line: int | None = None


@dataclass(frozen=True)
class Document:
    """A parsed file: blocks in reading order; ``pages`` is the page count when the format has pages;
    ``lost``: what could not be read (the document is then ``partial``)."""

    source: str
    format: Format
    blocks: tuple[Block, ...]
    pages: int | None = None
    title: str | None = None
    warnings: tuple[str, ...] = ()
    lost: tuple[Loss, ...] = ()
