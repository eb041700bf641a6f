"""A lean char conversion for pdfplumber pages: the geometry and font of each char, not its colours.

pdfplumber turns every pdfminer layout object into a dict through ``Page.process_object``, resolving each
attribute (graphic state, colour spaces, stroking and non-stroking colours) with ``resolve_all``. On text
PDFs that conversion is about a third of a page's reading time, and the extractor reads none of the
colour attributes. ``lean_chars(page)`` gives the page a ``process_object`` that builds char dicts from
pdfminer's ``LTChar`` directly, with the keys pdfplumber's own text and table utilities read (position,
size, font, text, ``upright``, ``matrix``); every other object (lines, rects, curves, images) keeps
pdfplumber's full conversion, so table finding and image checks are unchanged.
"""

from __future__ import annotations

from typing import Any
from unicodedata import normalize as normalize_unicode

from pdfminer.layout import LTChar
from pdfplumber.page import fix_fontname_bytes

# the keys a lean char dict has (tests compare them with pdfplumber's full conversion)
CHAR_KEYS = ("object_type", "page_number", "text", "fontname", "size", "upright", "matrix", "adv",
             "x0", "y0", "x1", "y1", "width", "height", "top", "bottom", "doctop")


def lean_chars(page: Any) -> None:
    """Make ``page.chars`` (and ``page.objects``) use the lean conversion for chars; call it before either
    is first read. ``page.chars[0]["text"]`` is the same as without it; ``"non_stroking_color"`` is absent."""
    full = getattr(page, "process_object", None)
    try:
        height = page.height
        x_shift, top_shift = page.mediabox[:2]
        number, doctop = page.page_number, page.initial_doctop
        unicode_norm = page.pdf.unicode_norm
    except AttributeError:  # a pdfplumber without these: keep its own conversion (slower, same values)
        return
    if full is None:
        return

    def process_object(obj: Any) -> dict[str, Any]:
        if type(obj) is not LTChar:
            return full(obj)
        text = obj.get_text()
        if unicode_norm is not None:
            text = normalize_unicode(unicode_norm, text)
        fontname = obj.fontname
        if isinstance(fontname, bytes):  # rare byte-encoded font names, decoded as pdfplumber does
            fontname = fix_fontname_bytes(fontname)
        top = height - obj.y1 + top_shift
        return {
            "object_type": "char", "page_number": number, "text": text, "fontname": fontname,
            "size": obj.size, "upright": obj.upright, "matrix": obj.matrix, "adv": obj.adv,
            "x0": obj.x0 + x_shift, "y0": obj.y0, "x1": obj.x1 + x_shift, "y1": obj.y1,
            "width": obj.width, "height": obj.height,
            "top": top, "bottom": height - obj.y0 + top_shift, "doctop": doctop + top,
        }

    page.process_object = process_object
