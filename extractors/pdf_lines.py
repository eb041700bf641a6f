"""Text lines from pdfplumber chars: clustering, spacing, font style and line-join rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from extractors.lines import split_marker as split_text_marker
from extractors.pdf_bidi import (
    bracket_mirroring,
    drawing_order,
    edge_runs,
    has_rtl,
    paragraph_is_rtl,
    visual_to_logical,
)

Char = dict[str, Any]

# Bullets the text extractors' marker rule does not know: other glyphs, Symbol-font private-use bullets.
# glyphs a PDF prints as bullets besides the text ones: hollow and square bullets, arrows and ticks, the private-use
# symbol-font bullets of Word, and Word's "o" sub-bullet (Courier New)
EXTRA_BULLET_RE = re.compile(r"^([○■□‣∙—→➢➤►▶➔❖✓✔\uf0b7\uf0a7\uf076\uf0d8\uf0fc]|o(?=\s+[A-ZÀ-ÖØ-Þ]))\s+(?=\S)")
# A cell line opening an activity ("5.2 ...", "3.3. ...") starts a new paragraph inside the cell.
ACTIVITY_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s")
NUMBER_PIECE_RE = re.compile(r"^\d+[/.\-][\d/.\-]*$")
# short words that may well open a wrapped line, so are no stub of a cut word (English, French)
SHORT_WORDS = frozenset(
    "a an and are as at be by for in is it of on or per the to via was who "
    "au aux de des du en et la le les ou par un une".split()
)
# typographic ligatures a PDF may draw as one glyph ("identiﬁed"): the letters they stand for
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                           "\ufb05": "st", "\ufb06": "st"})
# "1. 1. Key messages": a list label printed before the same number typed in the text
DOUBLED_LABEL_RE = re.compile(r"^(\d{1,2}|[a-z])([.)]) \1\2 ")


@dataclass
class Line:
    """One visual line: its text, box and the font facts the block builder needs."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    first_bold: bool
    trailing_space: bool
    first_word_width: float
    space_width: float
    # where the producer left a gap no space glyph fills (a tab jump), left to right: the pieces of the line
    # between such gaps, each in reading order, and each gap as (end of the glyphs before, start of the text
    # after, 1.0 when a space glyph came before the jump, 2.0 when it is narrower than a space, else 0.0)
    pieces: tuple[str, ...] = ()
    tabs: tuple[tuple[float, float, float], ...] = ()
    bare_start: bool = True  # no space glyph left of the first visible char (an indent by tab, not by spaces)
    # a line with right-to-left letters: its pieces as drawn, left to right, each but the first after a space
    # or not (put in reading order once the lines of the region are known: ``lines_to_reading_order``)
    visual: tuple[tuple[str, bool], ...] = ()

    @property
    def single_word(self) -> bool:
        return " " not in self.text


def _is_bold(char: Char) -> bool:
    return "bold" in char["fontname"].lower()


def _cluster(chars: Sequence[Char]) -> list[list[Char]]:
    """Group chars into lines by vertical overlap, so raised superscripts stay on their line."""
    clusters: list[list[Char]] = []
    top = bottom = 0.0
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        height = char["bottom"] - char["top"]
        if clusters:
            overlap = min(char["bottom"], bottom) - max(char["top"], top)
            if overlap >= 0.5 * min(height, bottom - top):
                clusters[-1].append(char)
                bottom = max(bottom, char["bottom"])
                continue
        clusters.append([char])
        top, bottom = char["top"], char["bottom"]
    return clusters


def _make_line(chars: list[Char], page: int, spaced: bool) -> Line | None:
    chars[:] = drawing_order(chars)
    visible = [c for c in chars if not c["text"].isspace()]
    if not visible:
        return None
    sizes: dict[float, int] = {}
    for c in visible:
        size = round(c["size"] * 2) / 2
        sizes[size] = sizes.get(size, 0) + 1
    size = max(sizes, key=sizes.__getitem__)
    main = [c for c in visible if c["size"] >= 0.8 * size] or visible
    baseline = max(c["bottom"] for c in main)
    parts: list[str] = []
    pieces: list[str] = []
    tabs: list[tuple[float, float, float]] = []
    pending_space = False
    prev: Char | None = None
    space_end = 0.0
    first_word_end = None
    jump: tuple[float, float] | None = None  # a jump onto a space glyph (a tab stop where a space starts)
    for c in chars:
        if c["text"].isspace():
            if prev is not None and not pending_space and c["x0"] - prev["x1"] > 0.15 * size:
                jump = (prev["x1"], c["x0"])
            pending_space = prev is not None
            space_end = c["x1"]
            continue
        # a raised small char closes up to the word before it: "14 th" -> "14th", as the text twins do
        raised = c["size"] < 0.85 * size and c["bottom"] < baseline - 0.15 * size
        # the narrow space a producer puts between Chinese or Japanese and Latin letters or digits ("2019年"):
        # no space in the text when the producer draws its real spaces (``spaced``)
        autospace = (not pending_space and prev is not None and c["x0"] - prev["x1"] < 0.3 * size
                     and bool(_CJK.match(c["text"])) != bool(_CJK.match(prev["text"])))
        if autospace and spaced:
            pass
        elif prev is not None and not pending_space and 0.05 * size < c["x0"] - prev["x1"] <= 0.15 * size:
            # too narrow for a space, yet maybe a tab onto a stop just right of the text: told with the stops
            pieces.append("".join(parts))
            tabs.append((prev["x1"], c["x0"], 2.0))
            parts = []
        elif prev is not None and not raised and (pending_space or c["x0"] - prev["x1"] > 0.15 * size):
            end = space_end if pending_space else prev["x1"]
            if jump is not None or (c["x0"] - end > 0.15 * size and not autospace):  # a jump no glyph fills (a tab)
                pieces.append("".join(parts))
                tabs.append((*jump, 0.0) if jump is not None else (end, c["x0"], float(pending_space)))
                parts = []
            parts.append(" ")
            if first_word_end is None:
                first_word_end = prev["x1"]
        # a glyph standing for several letters ("لا") is drawn once: in a right-to-left line its letters are
        # reversed with the rest of the line, so they are put in drawing order first
        parts.append(c["text"][::-1] if len(c["text"]) > 1 and has_rtl(c["text"]) else c["text"])
        pending_space = False
        jump = None
        prev = c
    pieces.append("".join(parts))
    visual = tuple((p.strip().translate(LIGATURES), p[:1] == " ") for p in pieces) if has_rtl("".join(pieces)) else ()
    last_visible = visible[-1]
    trailing = any(c["text"].isspace() and c["x0"] >= last_visible["x1"] - 0.5 for c in chars)
    spaces = [c["x1"] - c["x0"] for c in chars if c["text"] == " " and c["x1"] > c["x0"]]
    return Line(
        page=page,
        text=DOUBLED_LABEL_RE.sub(r"\1\2 ", "".join(pieces).translate(LIGATURES)),
        x0=visible[0]["x0"],
        x1=last_visible["x1"],
        top=min(c["top"] for c in main),
        bottom=max(c["bottom"] for c in main),
        size=size,
        bold=all(_is_bold(c) for c in visible),
        first_bold=_is_bold(visible[0]),
        trailing_space=trailing,
        # a line may break after any Chinese or Japanese character, so there the first "word" is one character
        first_word_width=(visible[0]["x1"] if _CJK.match(visible[0]["text"]) else first_word_end or last_visible["x1"])
        - visible[0]["x0"],
        space_width=min(spaces) if spaces else 0.26 * size,
        pieces=tuple(p.strip().translate(LIGATURES) for p in pieces) if tabs else (),
        tabs=tuple(tabs),
        bare_start=not any(c["text"].isspace() and c["x1"] <= visible[0]["x0"] + 0.5 for c in chars),
        visual=visual,
    )


def chars_to_lines(chars: Iterable[Char], page: int, spaced: bool = False,
                   edges: tuple[float, float] | None = None) -> list[Line]:
    """Lines in top-to-bottom order from the chars of one region (a page body or one table cell, whose left
    and right ``edges`` tell how lines are aligned; by default the outermost chars').

    >>> [l.text for l in chars_to_lines([], 1)]
    []
    """
    made = (_make_line(cluster, page, spaced) for cluster in _cluster(list(chars)))
    lines = [line for line in made if line is not None]
    if any(line.visual for line in lines):
        left, right = edges or (min(line.x0 for line in lines), max(line.x1 for line in lines))
        lines_to_reading_order([line for line in lines if line.visual], left, right)
    return lines


def lines_to_reading_order(lines: Sequence[Line], left: float, right: float) -> None:
    """Put lines of right-to-left letters, drawn left to right, in reading order: the paragraph direction from
    how the region's lines are aligned, the brackets from how they pair (``extractors.pdf_bidi``).

    A left-to-right paragraph of Arabic (as LibreOffice lays out a text without direction marks) draws the
    space that ended a wrapped line left of its last words, so a line ending in Arabic words counts as ending
    in a space: whether it wrapped is told by the width of the next line's first word.
    """
    rtl = paragraph_is_rtl(((line.x0, line.x1, line.size) for line in lines), left, right)
    mirror = bracket_mirroring((" ".join(p for p, _ in line.visual), rtl) for line in lines)
    for line in lines:
        parts = [visual_to_logical(p, rtl, mirror) for p, _ in line.visual]
        order = range(len(parts) - 1, -1, -1) if rtl else range(len(parts))
        text = ""
        for k, i in enumerate(order):
            spaced = line.visual[max(i, order[k - 1]) if k else 0][1]
            text += (" " if k and spaced else "") + parts[i]
        text = DOUBLED_LABEL_RE.sub(r"\1\2 ", text)
        if rtl:
            line.trailing_space = line.trailing_space or not line.bare_start
        elif edge_runs(line.visual[-1][0], rtl)[1]:
            # the line ends in a right-to-left run, whose space (when the line wrapped) is drawn left of it
            line.trailing_space = True
        words = text.split()
        visual_length = sum(len(p) for p, _ in line.visual) + len(parts) - 1
        if words and visual_length:
            line.first_word_width = (line.x1 - line.x0) * len(words[0]) / visual_length
        line.text = text
        if line.tabs:
            line.pieces = tuple(parts)


def is_soft_break(prev: Line, nxt: Line, right: float, glyph_spaces: bool) -> bool:
    """True when ``nxt``'s first word could not have fitted on ``prev``: the break is a wrap.

    A line that stops short although the next word would have fitted was broken on purpose
    (a new paragraph, a ``<br>``, a new list item). When the producer draws spaces
    (``glyph_spaces``), a wrap keeps its space at the line end wherever that space fits, so a
    line ending without one, with room to spare, was broken on purpose too.
    """
    if _cut_word(prev, nxt, right):
        return True
    # a dash followed by a drawn space ("... forum - ") is no word broken at the line end
    hyphenated = prev.text.endswith(("-", "/", "–", "—")) and not prev.trailing_space
    # only between lines starting at the same x: centred lines may drop their trailing space
    aligned = abs(prev.x0 - nxt.x0) < 1.0
    room = prev.x1 + prev.space_width < right - 1.0
    # a break after a Chinese or Japanese character, before another or a number ("目标" / "15、16"), needs no space
    ideograph = bool(_CJK.match(prev.text[-1:])) and (bool(_CJK.match(nxt.text[:1])) or nxt.text[:1].isdigit())
    if glyph_spaces and aligned and room and not prev.trailing_space and not hyphenated and not ideograph:
        return False
    needed = nxt.first_word_width if hyphenated else nxt.first_word_width + prev.space_width
    # a little slack: padding and justification make the measured room slightly too generous
    return prev.x1 + needed > right - max(1.0, 0.25 * nxt.size)


LINE_HYPHEN = "\u00ad"  # a hyphen that ended a line, before the words on both sides were joined
_HYPHENATED = re.compile(rf"(\w+){LINE_HYPHEN}(\w+)")


def settle_line_hyphens(texts: list[str]) -> dict[str, str]:
    """Each word broken by a hyphen at a line end, as it should read: closed up where the document prints the
    whole word elsewhere ("Tecnolo-" + "gías" -> "Tecnologías"), else the hyphen kept ("sex-disaggregated").

    ``settle_line_hyphens(["Tecnolo\u00adgías", "Tecnologías"])`` -> ``{"Tecnolo\u00adgías": "Tecnologías"}``.
    """
    words = {w.lower() for text in texts for w in re.findall(r"\w+", text.replace(LINE_HYPHEN, "-"))}
    out = {}
    for text in texts:
        for m in _HYPHENATED.finditer(text):
            whole = m.group(1) + m.group(2)
            out[m.group(0)] = whole if whole.lower() in words else f"{m.group(1)}-{m.group(2)}"
    return out


def join_lines(prev_text: str, prev: Line, nxt: Line, right: float) -> str:
    """Join two wrapped lines: "co-" + "Chairs" -> "co-Chairs", "IOM/" + "UNDP" -> "IOM/UNDP".

    A trailing space glyph means the break fell on a space in the source, so the words stay apart
    ("2021- " + "2022" -> "2021- 2022").
    """
    if prev.trailing_space:
        return f"{prev_text} {nxt.text}"
    if re.search(r"[^\W\d_]-$", prev_text) and nxt.text[:1].islower():
        # "Tecnolo-" + "gías" or "sex-" + "disaggregated": a syllable break or a compound, told apart once the
        # whole document is read (``settle_line_hyphens``)
        return prev_text[:-1] + LINE_HYPHEN + nxt.text
    if re.search(r"\w[-/–—]$", prev_text):
        return prev_text + nxt.text
    if re.match(r"—\S", nxt.text) and prev_text[-1:].isalnum():
        # line breaking may fall before an em dash as well as after it ("refugees" / "—including"): a dash set
        # close on its right was set close on its left too; a spaced one ("— including") keeps its space
        return prev_text + nxt.text
    if _cut_word(prev, nxt, right):
        return prev_text + nxt.text
    return f"{prev_text} {nxt.text}"


def _cut_word(prev: Line, nxt: Line, right: float) -> bool:
    """A word too wide for a narrow cell, cut where the line was full: "03/20" + "20", "Ongoin" + "g".

    A full one-word line is usually an ordinary wrap whose trailing space was dropped because it
    did not fit ("Throughout" + "2016"), so only a number cut before a digit or a word cut before
    a short lower-case stub that is no common word counts.
    """
    # the last tab piece of a row ("1.3 ..." <tab> "03/12/201") is what the break cut
    tail = prev.pieces[-1] if prev.tabs else prev.text
    if " " in tail or prev.trailing_space:
        return False
    stub = nxt.text.split(" ", 1)[0]
    if NUMBER_PIECE_RE.match(tail):
        return stub[:1].isdigit() and prev.x1 + 0.5 * nxt.size > right - 0.5
    return tail[-1:].isalpha() and stub.isalpha() and stub.islower() and len(stub) <= 3 and stub not in SHORT_WORDS


def starts_item(prev: Line, line: Line, right: float, glyph_spaces: bool) -> bool:
    """True when ``line`` opens a new list item or activity rather than continuing ``prev``.

    It must begin with a marker and either follow a deliberate break or sit at another indent
    (hanging indents put "3." left of the previous item's wrapped text).
    """
    if split_marker(line.text)[0] is None and not ACTIVITY_RE.match(line.text):
        return False
    return abs(line.x0 - prev.x0) > 2 or not is_soft_break(prev, line, right, glyph_spaces)


def follows_marker(previous: str | None, marker: str | None) -> bool:
    """True when ``marker`` is the next in sequence after ``previous``: "2." -> "3.", "a)" -> "b)"."""
    if not previous or not marker or previous[-1:] != marker[-1:]:
        return False
    a, b = previous.strip("().").rstrip(")"), marker.strip("().").rstrip(")")
    if a.isdigit() and b.isdigit():
        return int(b) == int(a) + 1
    return len(a) == len(b) == 1 and a.isalpha() and ord(b) == ord(a) + 1


def split_marker(text: str) -> tuple[str | None, str]:
    """Split a list marker off a line, as the text extractors do: ``"• (1) Data"`` -> ``("(1)", "Data")``."""
    marker, rest, _ = split_text_marker(text)
    if marker is None:
        match = EXTRA_BULLET_RE.match(text)
        if match:
            return match.group(1), text[match.end():].strip()
    return marker, rest


def normalise_key(text: str) -> str:
    """Key for recurring lines, case, spacing and digits ignored: "September 18, 2016" -> "september ##, ####"."""
    return re.sub(r"\d", "#", " ".join(text.lower().split()))


def mark_drawn_bullets(lines: list[Line], shapes: Sequence[tuple[float, float, float, float]]) -> None:
    """A bullet drawn as a small dot just left of a line, at its height, opens a list item: the line gets a
    "•" marker and starts where the dot is, so nesting follows the dots' indentation."""
    if not shapes:
        return
    for line in lines:
        middle = (line.top + line.bottom) / 2
        for x0, top, x1, bottom in shapes:
            if top - 1 <= middle <= bottom + 1 + (line.bottom - line.top) / 2 and 1 <= line.x0 - x1 <= 24:
                if not split_marker(line.text)[0]:
                    line.text = f"• {line.text}"
                    line.x0 = x0
                break


_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
