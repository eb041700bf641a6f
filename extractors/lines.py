"""Reading text files safely and recognising list markers at the start of a line."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.core.errors import EmptyDocument, UnreadableDocument

LIST_MARKER = re.compile(
    r"^\s*([•●▪◦·\-\*–]|\d{1,2}[.)](?!\d)|[a-zA-Z][.)]|\(\d{1,2}\)|\([a-z]\))\s+(?=\S)"
)
_INNER_MARKER = re.compile(r"^(\d{1,2}[.)](?!\d)|[a-z][.)]|\(\d{1,2}\)|\([a-z]\))\s+(?=\S)")


def split_marker(line: str) -> tuple[str | None, str, int]:
    """Split a list line into (marker, text, indent).

    ``split_marker("  - a. Develop x")`` -> ``("a.", "Develop x", 2)``; a line with no marker gives
    ``(None, line.strip(), indent)``.

    >>> split_marker("  - a. Develop x")
    ('a.', 'Develop x', 2)
    >>> split_marker("Develop x")
    (None, 'Develop x', 0)
    """
    indent = len(line) - len(line.lstrip(" \t"))
    match = LIST_MARKER.match(line)
    if not match:
        return None, line.strip(), indent
    marker, rest = match.group(1), line[match.end():].strip()
    inner = _INNER_MARKER.match(rest)
    if marker in "•●▪◦·-*–" and inner:
        marker, rest = inner.group(1), rest[inner.end():].strip()
    return marker, rest, indent


def read_lines(path: Path) -> list[str]:
    """Decode a text file (UTF-8, with or without BOM, or UTF-16 with BOM) into lines.

    ``read_lines(Path("plan.txt"))`` -> ``["Workplan 2021", ...]``. Raises UnreadableDocument for
    bytes that are not text in those encodings and EmptyDocument for a file with no visible text.
    """
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableDocument(f"cannot read {path.name}: {e.strerror}") from e
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        name = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise UnreadableDocument(
            f"{path.name} is not valid {name} text (byte {e.start}: {data[e.start:e.start + 1]!r}); save it as UTF-8"
        ) from e
    if "\x00" in text:
        raise UnreadableDocument(f"{path.name} holds binary data (NUL bytes), not text")
    if not text.strip():
        raise EmptyDocument(f"{path.name} has no text")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
