"""Extractors: one per format, each ``extract(path) -> Document``; this module maps formats to them."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from pipeline.core.enums import Format
from pipeline.core.errors import TooLarge, UnsupportedFormat
from pipeline.core.model import Document

# Format -> module exposing extract(path); imported on first use so a text-only run never loads pdfplumber.
EXTRACTORS: dict[Format, str] = {
    Format.PDF: "extractors.pdf",
    Format.MARKDOWN: "extractors.markdown",
    Format.ASCIIDOC: "extractors.asciidoc",
    Format.TEXT: "extractors.text",
    Format.HTML: "extractors.html",
    Format.DOCX: "extractors.docx",
    Format.XLSX: "extractors.xlsx",
    Format.ODT: "extractors.odf",
    Format.ODS: "extractors.odf",
}
SUFFIXES: dict[str, Format] = {
    ".pdf": Format.PDF,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".adoc": Format.ASCIIDOC,
    ".asciidoc": Format.ASCIIDOC,
    ".asc": Format.ASCIIDOC,
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".tsv": Format.TEXT,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".docx": Format.DOCX,
    ".docm": Format.DOCX,
    ".xlsx": Format.XLSX,
    ".xlsm": Format.XLSX,
    ".odt": Format.ODT,
    ".ods": Format.ODS,
}


def format_of(path: Path) -> Format:
    """``format_of(Path("plan.md"))`` -> ``Format.MARKDOWN``; UnsupportedFormat for anything else."""
    try:
        return SUFFIXES[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(SUFFIXES))
        raise UnsupportedFormat(
            f"{path.name}: unsupported file type {path.suffix or '(none)'!r} (known: {known})"
        ) from None


MAX_FILE_MB_ENV = "WORKPLANS_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 250.0


def check_size(path: Path) -> None:
    """Refuse a file larger than ``WORKPLANS_MAX_FILE_MB`` (default 250 MB) before reading it: a text or HTML
    file is read whole, and a workplan that large is far more likely a wrong file than a plan."""
    limit = float(os.environ.get(MAX_FILE_MB_ENV) or DEFAULT_MAX_FILE_MB)
    size = path.stat().st_size
    if size > limit * 1024 * 1024:
        raise TooLarge(f"{path.name}: {size / 1024 / 1024:.1f} MB is over the {limit:g} MB limit "
                       f"(set {MAX_FILE_MB_ENV} to raise it)")


def extract(path: Path) -> Document:
    """Parse any supported file into the document model (TooLarge over the size limit)."""
    fmt = format_of(path)
    check_size(path)  # before importing the format's extractor (pdfplumber, lxml) for nothing
    from extractors.normalise import normalise_document

    return normalise_document(importlib.import_module(EXTRACTORS[fmt]).extract(path))
