"""Extractors: one per format, each ``extract(path) -> Document``; this module maps formats to them."""

from __future__ import annotations

import importlib
from pathlib import Path

from pipeline.errors import UnsupportedFormat
from pipeline.model import Document, Format

# Format -> module exposing extract(path); imported on first use so a text-only run never loads pdfplumber.
EXTRACTORS: dict[Format, str] = {
    Format.PDF: "extractors.pdf",
    Format.MARKDOWN: "extractors.markdown",
    Format.TEXT: "extractors.text",
    Format.HTML: "extractors.html",
}
SUFFIXES: dict[str, Format] = {
    ".pdf": Format.PDF,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".tsv": Format.TEXT,
    ".html": Format.HTML,
    ".htm": Format.HTML,
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


def extract(path: Path) -> Document:
    """Parse any supported file into the document model."""
    module = importlib.import_module(EXTRACTORS[format_of(path)])
    return module.extract(path)
