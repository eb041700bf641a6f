"""PDF budgets and damage, checked before pdfminer parses a page: page count, inflated size, broken content."""

from __future__ import annotations

import os
import zlib
from typing import Any

from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import LIT

from pipeline.errors import TooLarge

MAX_PAGES_ENV = "WORKPLANS_MAX_PDF_PAGES"
DEFAULT_MAX_PAGES = 2000
MAX_INFLATED_MB_ENV = "WORKPLANS_MAX_PDF_INFLATED_MB"
DEFAULT_MAX_INFLATED_MB = 200.0
_FLATE = (LIT("FlateDecode"), LIT("Fl"))
_IMAGE = LIT("Image")
_CHUNK = 1 << 20


def check_page_count(name: str, count: int) -> None:
    """Refuse a PDF of more than ``WORKPLANS_MAX_PDF_PAGES`` pages (default 2,000) before reading any page."""
    limit = int(float(os.environ.get(MAX_PAGES_ENV) or DEFAULT_MAX_PAGES))
    if count > limit:
        raise TooLarge(f"{name}: {count} pages is over the {limit} page limit (set {MAX_PAGES_ENV} to raise it)")


def inflated_limit_bytes() -> int:
    return int(float(os.environ.get(MAX_INFLATED_MB_ENV) or DEFAULT_MAX_INFLATED_MB) * 1024 * 1024)


def check_page(name: str, page: Any, number: int, so_far: int) -> tuple[int, str | None]:
    """Inflate the page's content streams and form XObjects in 1 MB steps, keeping nothing, before pdfminer
    parses them: the inflated bytes of the document so far, and why the page cannot be read whole (None
    when it can).

    TooLarge once the document inflates past ``WORKPLANS_MAX_PDF_INFLATED_MB`` (default 200 MB): a 0.5 MB
    file whose page inflates to 500 MB (a "zip bomb") is refused before pdfminer holds it all. Damage is a
    content stream destroyed or with broken compressed data: pdfminer reads such a page as blank or cut
    short without a word. A page with no content stream at all is blank, not damaged. Images are left out.

    ``check_page("gmg.pdf", page_4_of_a_file_with_its_middle_overwritten, 4, 0)`` -> ``(66254, "its content
    stream is missing")``.
    """
    limit = inflated_limit_bytes()
    damage = None
    for stream in _streams(page):
        size, problem = _inflate(stream, limit - so_far + 1)
        so_far += size
        damage = damage or problem
        if so_far > limit:
            raise TooLarge(f"{name}: page {number} inflates the content past {limit / 1024 / 1024:g} MB "
                           f"(set {MAX_INFLATED_MB_ENV} to raise the limit)")
    return so_far, damage


def _inflate(stream: Any, most: int) -> tuple[int, str | None]:
    """Bytes a Flate stream inflates to, counting no further than ``most``, and what is wrong with it."""
    if not isinstance(stream, PDFStream):
        return 0, "its content stream is missing"
    if stream.rawdata is None or stream.get("Subtype") is _IMAGE:
        return 0, None  # already read for an earlier page (a shared form), or an image
    filters = stream.get_filters()
    if not filters or filters[0][0] not in _FLATE:
        return 0, None
    inflater = zlib.decompressobj()
    size, data = 0, stream.rawdata
    try:
        while data and size <= most:
            size += len(inflater.decompress(data, _CHUNK))
            data = inflater.unconsumed_tail
    except zlib.error as e:
        return size, f"its content stream is broken ({e})"
    if size <= most and not inflater.eof:
        return size, "its content stream is cut short"
    return size, None


def _streams(page: Any) -> list[Any]:
    """The page's content streams and the form XObjects its resources name (what pdfminer will inflate)."""
    contents = page.page_obj.contents or []
    out = [resolve1(c) if isinstance(c, PDFObjRef) else c for c in contents]
    try:
        xobjects = resolve1(resolve1(page.page_obj.resources or {}).get("XObject")) or {}
        out += [x for x in (resolve1(v) for v in xobjects.values()) if x is not None]
    except (AttributeError, TypeError, ValueError):
        pass
    return out
