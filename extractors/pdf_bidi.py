"""Right-to-left lines of a PDF put back in reading order: the chars come in drawing order (left to right)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# a number drawn as one left-to-right unit: digits (European, Arabic-Indic, Persian) and the separators between them
_DIGIT = "0-9\u0660-\u0669\u06f0-\u06f9"
# ("25/11/2019", "10.7", "1,5"); a dash is no part of it: "2022-2024" after Arabic words is drawn "2024-2022"
_NUMBER_RE = re.compile(rf"[{_DIGIT}]+(?:[.,/:\u066b\u066c][{_DIGIT}]+)*")
_CUT_NUMBER = frozenset("./:,-")
# a number printed as a list label or heading number: "1.1", "3.3.", or a digit with its "." / ")" ("5.", "1)")
_LABEL_RE = re.compile(rf"[{_DIGIT}]+(?:\.[{_DIGIT}]+)+\.?$")
_LABEL_PUNCT = ".)("
# marks that open a list item, so stay first in a left-to-right line even before right-to-left words
_BULLETS = frozenset("-–—•*▪○■‣∙·")
_BRACKET_OR_QUOTE = re.compile(r"[()\[\]{}«»“”‘’\"']")
_PAIRS = ("()", "[]", "{}", "<>", "«»")
_PAIR = {ch: pair for pair in _PAIRS for ch in pair}
_MIRROR = str.maketrans("()[]{}<>«»", ")(][}{><»«")
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


@dataclass
class _Token:
    """A letter, a whole number or one neutral char, with its class: "L", "R", "D" (number) or "N"."""

    text: str
    kind: str
    rtl: bool = False  # drawn as part of a right-to-left run


def has_rtl(text: str) -> bool:
    """True when ``text`` holds Arabic or Hebrew letters: ``has_rtl("UNHCR 2019")`` -> False."""
    return bool(_RTL.search(text))


def drawing_order(chars: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """pdfplumber chars left to right, each combining mark (a vowel sign drawn on a letter) put on the side of
    its letter that reading comes from: left of a right-to-left letter, right of a left-to-right one.

    >>> [c["text"] for c in drawing_order([{"text": "ا", "x0": 0, "x1": 6}, {"text": "ً", "x0": 0.2, "x1": 6}])]
    ['ً', 'ا']
    """
    ordered = sorted(chars, key=lambda c: c["x0"])
    bases = [c for c in ordered if not _is_mark(c["text"])]
    if len(bases) == len(ordered) or not bases:
        return ordered
    keyed = [((c["x0"], 0), c) for c in bases]
    for mark in (c for c in ordered if _is_mark(c["text"])):
        centre = (mark["x0"] + mark["x1"]) / 2
        base = min(bases, key=lambda b: max(b["x0"] - centre, centre - b["x1"], 0.0))
        keyed.append(((base["x0"], -1 if has_rtl(base["text"]) else 1), mark))
    keyed.sort(key=lambda kc: kc[0])
    return [c for _, c in keyed]


def _is_mark(text: str) -> bool:
    return len(text) == 1 and unicodedata.category(text) == "Mn"


def edge_runs(text: str, rtl_paragraph: bool) -> tuple[bool, bool]:
    """Whether the leftmost and the rightmost char of a visual line were drawn inside right-to-left runs:
    ``edge_runs("2019 ربمسيد UNHCR", False)`` -> ``(True, False)``."""
    tokens = marked_tokens(text.strip(), rtl_paragraph)
    return (tokens[0].rtl, tokens[-1].rtl) if tokens else (False, False)


def _kind(ch: str) -> str:
    klass = unicodedata.bidirectional(ch)
    if klass in ("R", "AL", "NSM") and not ch.isspace():
        return "R"
    if klass == "L":
        return "L"
    return "N"


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        number = _NUMBER_RE.match(text, i)
        if number:
            tokens.append(_Token(number.group(), "D"))
            i = number.end()
            continue
        tokens.append(_Token(text[i], _kind(text[i])))
        i += 1
    return tokens


def _strong(tokens: Sequence[_Token], index: int, step: int) -> str | None:
    """The class of the nearest letter from ``index`` going ``step`` (-1 left, +1 right), None at the edge."""
    i = index + step
    while 0 <= i < len(tokens):
        if tokens[i].kind in "LR":
            return tokens[i].kind
        i += step
    return None


def _is_label(tokens: Sequence[_Token], index: int) -> bool:
    """A number that opens a list item: "1.1", "3.3." or a number closed up to "." or a bracket."""
    token = tokens[index]
    nxt = tokens[index + 1].text if index + 1 < len(tokens) else ""
    after = tokens[index + 2].text if index + 2 < len(tokens) else " "
    return bool(_LABEL_RE.match(token.text)) or (len(nxt) == 1 and nxt in _LABEL_PUNCT and after.isspace())


def _cut_at_end(tokens: Sequence[_Token], index: int) -> bool:
    rest = "".join(t.text for t in tokens[index + 1:])
    return bool(rest) and set(rest) <= _CUT_NUMBER


def _mark_ltr_paragraph(tokens: list[_Token]) -> None:
    """Which tokens of a line in a left-to-right paragraph were drawn inside right-to-left runs.

    A number beside Arabic words reads with them ("ديسمبر 2019" is drawn "2019 ربمسيد"), unless it opens the
    line as a list label ("1.1 رسم"), or follows Latin text ("UNHCR 2019").
    """
    for i, token in enumerate(tokens):
        if token.kind == "R":
            token.rtl = True
        elif token.kind == "D":
            left, right = _strong(tokens, i, -1), _strong(tokens, i, 1)
            if left == "R":
                # a number broken at the line end ("03/" + "2020") ends the line, so it is drawn last
                token.rtl = right is not None or not _cut_at_end(tokens, i)
            elif right == "R":
                token.rtl = left is None and not _is_label(tokens, i)
    _mark_neutrals(tokens, rtl_paragraph=False)


def _mark_rtl_paragraph(tokens: list[_Token]) -> None:
    """In a right-to-left paragraph everything is drawn right to left but Latin text and numbers after it."""
    for i, token in enumerate(tokens):
        if token.kind == "R":
            token.rtl = True
        elif token.kind == "D":
            token.rtl = _strong(tokens, i, -1) != "L"
    _mark_neutrals(tokens, rtl_paragraph=True)


def _mark_neutrals(tokens: list[_Token], rtl_paragraph: bool) -> None:
    """Spaces and punctuation go with the runs on both sides when these agree, else with the paragraph.

    At the left end of a left-to-right line, punctuation before Arabic words ends their run (".ةصاخلا" is
    "الخاصة."), while a bullet or dash opens the line.
    """
    i = 0
    while i < len(tokens):
        if tokens[i].kind != "N":
            i += 1
            continue
        j = i
        while j < len(tokens) and tokens[j].kind == "N":
            j += 1
        left = tokens[i - 1].rtl if i > 0 else None
        right = tokens[j].rtl if j < len(tokens) else None
        run = tokens[i:j]
        if rtl_paragraph:
            # only between two left-to-right runs is it left to right
            _set_rtl(run, left is not False or right is not False)
        elif left is None and right:
            _set_rtl(run, "".join(t.text for t in run).strip()[:1] not in _BULLETS)
        elif left is not None and right is not None and left != right:
            # punctuation closed up to an Arabic word, apart from the Latin word, goes with it: "XX ،ةمئاقلا" is
            # "XX القائمة،"; a bracket closed up to both ("(GLTN)تقييمات") stays with the Latin word
            _set_rtl(run, False)
            if right and any(t.text.isspace() for t in run):
                for token in reversed(run):
                    if token.text.isspace():
                        break
                    token.rtl = True
        elif left and right is None:
            # at the right end: the start of a run carried on from the line before, if it is a bracket or quote
            _set_rtl(run, False)
            for token in run:
                if token.text.isspace() or not _BRACKET_OR_QUOTE.match(token.text):
                    break
                token.rtl = True
        else:
            _set_rtl(run, bool(left and right))
        i = j


def _set_rtl(tokens: Iterable[_Token], rtl: bool) -> None:
    for token in tokens:
        token.rtl = rtl


def marked_tokens(text: str, rtl_paragraph: bool) -> list[_Token]:
    """The tokens of a visual line, each marked as drawn inside a right-to-left run or not."""
    tokens = _tokens(text)
    if rtl_paragraph:
        _mark_rtl_paragraph(tokens)
    else:
        _mark_ltr_paragraph(tokens)
    return tokens


def visual_to_logical(text: str, rtl_paragraph: bool, mirror: frozenset[tuple[str, bool]] = frozenset()) -> str:
    """A line drawn left to right, back in reading order: right-to-left runs reversed, numbers and Latin kept.

    ``mirror`` names the brackets to swap, as (pair, inside a right-to-left run): a PDF may give a bracket as
    the glyph drawn or as the char typed (``bracket_mirroring`` tells from a page's lines).

    >>> visual_to_logical("2019 ربمسيد UNHCR", rtl_paragraph=True)
    'UNHCR ديسمبر 2019'
    """
    if not has_rtl(text):
        return text
    tokens = marked_tokens(text, rtl_paragraph)
    for token in tokens:
        if token.kind == "N" and (_PAIR.get(token.text), token.rtl) in mirror:
            token.text = token.text.translate(_MIRROR)
    if rtl_paragraph:
        runs: list[list[_Token]] = []
        for token in tokens:
            if runs and not token.rtl and not runs[-1][0].rtl:
                runs[-1].append(token)
            else:
                runs.append([token])
        return "".join(t.text for run in reversed(runs) for t in run)
    out: list[str] = []
    run: list[str] = []
    for token in tokens:
        if token.rtl:
            run.append(token.text)
            continue
        out.extend(reversed(run))
        run = []
        out.append(token.text)
    out.extend(reversed(run))
    return "".join(out)


def _bracket_faults(text: str, pair: str) -> int:
    depth = faults = 0
    for ch in text:
        if ch == pair[0]:
            depth += 1
        elif ch == pair[1]:
            if depth:
                depth -= 1
            else:
                faults += 1
    return faults + depth


def bracket_mirroring(lines: Iterable[tuple[str, bool]]) -> frozenset[tuple[str, bool]]:
    """The brackets to swap in the right-to-left lines of a region, each pair outside and inside right-to-left
    runs: ``{("()", False)}`` swaps round brackets outside them.

    A PDF gives each bracket as the glyph drawn (an opening bracket of an Arabic phrase is drawn as ")")
    or as the char typed; LibreOffice, naming each glyph once, gives the swapped one wherever the glyph
    was first drawn mirrored. Per pair, the choice that pairs the most brackets wins; none is swapped
    when nothing tells.
    """
    lines = [(text, rtl) for text, rtl in lines if has_rtl(text)]
    mirror: set[tuple[str, bool]] = set()
    for pair in _PAIRS:
        found = [(t, r) for t, r in lines if pair[0] in t or pair[1] in t]
        if not found:
            continue
        choices = [frozenset(), frozenset({(pair, True)}), frozenset({(pair, False)}),
                   frozenset({(pair, True), (pair, False)})]
        best = min(choices, key=lambda m: sum(_bracket_faults(visual_to_logical(t, r, m), pair) for t, r in found))
        mirror |= best
    return frozenset(mirror)


def paragraph_is_rtl(extents: Iterable[tuple[float, float, float]], left: float, right: float) -> bool:
    """Whether the right-to-left lines of a region sit in right-to-left paragraphs, from their alignment.

    ``extents`` are the (x0, x1, font size) of the region's lines holding right-to-left letters. A line
    flush with one edge and well short of the other votes for the paragraph direction of that edge (the
    last line of a paragraph, a short heading); full lines and centred ones say nothing. With no vote the
    lines are taken as right to left.
    """
    votes = 0
    for x0, x1, size in extents:
        near, far = max(1.0, 0.3 * size), 3 * size
        if x0 - left <= near and right - x1 >= far:
            votes -= 1
        elif right - x1 <= near and x0 - left >= far:
            votes += 1
    return votes >= 0
