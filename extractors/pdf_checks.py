"""PDF budgets and damage, checked before pdfminer parses a page: page count, decoded size, broken content."""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from typing import Any

from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.pdftypes import PDFException, PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import LIT

from pipeline.core.errors import TooLarge

MAX_PAGES_ENV = "WORKPLANS_MAX_PDF_PAGES"
DEFAULT_MAX_PAGES = 2000
MAX_INFLATED_MB_ENV = "WORKPLANS_MAX_PDF_INFLATED_MB"
DEFAULT_MAX_INFLATED_MB = 200.0
_FLATE = (LIT("FlateDecode"), LIT("Fl"))
_LZW, _RUNLENGTH = (LIT("LZWDecode"), LIT("LZW")), (LIT("RunLengthDecode"), LIT("RL"))
_ASCIIHEX, _ASCII85 = (LIT("ASCIIHexDecode"), LIT("AHx")), (LIT("ASCII85Decode"), LIT("A85"))
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
    """Decode the page's content streams and form XObjects (every filter of a chain; Flate in 1 MB steps,
    keeping nothing when it is the last) before pdfminer parses them: the decoded bytes of the document so
    far, and why the page cannot be read whole (None when it can).

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
    """Bytes a content stream decodes to through its whole filter chain, counting no further than ``most`` after
    any filter, and what is wrong with it. An encrypted file's stream is decrypted first, as pdfminer does (an
    owner-password-only PDF opens with the empty user password)."""
    if not isinstance(stream, PDFStream):
        return 0, "its content stream is missing"
    if stream.rawdata is None or stream.get("Subtype") is _IMAGE:
        return 0, None  # already read for an earlier page (a shared form), or an image
    filters = stream.get_filters()
    if not filters:
        return 0, None
    data = stream.rawdata
    if stream.decipher and stream.objid is not None and stream.genno is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    size = 0
    for n, (name, _) in enumerate(filters):
        last = n == len(filters) - 1
        try:
            if name in _FLATE:
                size, data, problem = _flate(data, most, keep=not last)
                if problem:
                    return size, problem
            elif name in _LZW:
                data = _bounded(LZWDecoder(io.BytesIO(data)).run(), most)
            elif name in _RUNLENGTH:
                data = _bounded(_runs(data), most)
            elif name in _ASCIIHEX:
                data = asciihexdecode(data)
            elif name in _ASCII85:
                data = ascii85decode(data)
            else:
                return size, None  # an image filter, or one pdfminer leaves alone: no text inflates from it
        except (ValueError, IndexError, PDFException) as e:
            return size, f"its content stream is broken ({type(e).__name__}: {e})"
        size = size if name in _FLATE and last else len(data)
        if size > most:
            break
    return size, None


def _flate(data: bytes, most: int, keep: bool) -> tuple[int, bytes, str | None]:
    """Inflate in 1 MB steps, counting no further than ``most``; the bytes themselves only when ``keep`` (a filter
    follows)."""
    inflater = zlib.decompressobj()
    size, kept = 0, []
    try:
        while data and size <= most:
            chunk = inflater.decompress(data, _CHUNK)
            size += len(chunk)
            if keep:
                kept.append(chunk)
            data = inflater.unconsumed_tail
    except zlib.error as e:
        return size, b"", f"its content stream is broken ({e})"
    if size <= most and not inflater.eof:
        return size, b"", "its content stream is cut short"
    return size, b"".join(kept), None


def _bounded(chunks: Iterator[bytes], most: int) -> bytes:
    """The decoded chunks joined, stopping once past ``most`` bytes."""
    out = bytearray()
    for chunk in chunks:
        out += chunk
        if len(out) > most:
            break
    return bytes(out)


def _runs(data: bytes) -> Iterator[bytes]:
    """RunLengthDecode (ISO 32000-1, 7.4.5) run by run: pdfminer's decoder builds the whole output at once."""
    n = 0
    while n < len(data) and data[n] != 128:
        length = data[n]
        if length < 128:
            yield data[n + 1: n + 2 + length]
            n += 2 + length
        else:
            yield data[n + 1: n + 2] * (257 - length)
            n += 2


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
