"""Turn the HTML fragments found inside table cells into plain text with paragraph breaks."""

from __future__ import annotations

import html
import re

_BREAK = re.compile(r"<\s*(br|/p|/li|/ol|/ul|ol|ul|/div|/h\d)\b[^>]*>", re.I)
_LI = re.compile(r"<\s*li\b[^>]*>", re.I)
LIST_MARK = "• "  # what an HTML list item's start becomes in a cell's text
_OWN_MARK = re.compile(r"^(?:\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(?[a-zA-Z][.)]|[•●▪◦○\-*–])\s")
_SUP = re.compile(r"\s*<\s*sup\b[^>]*>(.*?)<\s*/\s*sup\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
# struck-through text (a date replaced by a revision) is kept, marked as markdown marks it: "~~March 2023~~"
_STRUCK = re.compile(r"<\s*(s|strike|del)\b[^>]*>(.*?)<\s*/\s*\1\s*>", re.I | re.S)
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_BOLD_START = re.compile(r"^\s*(<\s*(p|i|em|span)\b[^>]*>\s*)*<\s*(b|strong)\b", re.I)
_SPACES = re.compile(r"[ \t\u00a0]+")


def starts_bold(fragment: str) -> bool:
    """True when a cell opens in bold: ``starts_bold("<p><b>Output 1:</b> x")`` -> True."""
    return bool(_BOLD_START.match(fragment)) or fragment.lstrip().startswith("**")


def fragment_to_text(fragment: str) -> str:
    """HTML fragment to text, one line per paragraph/line break/list item.

    ``fragment_to_text("<p>5.1 a</p> <p>5.2 b</p>")`` -> ``"5.1 a\\n5.2 b"``;
    ``fragment_to_text("14 <sup>th</sup> Meeting")`` -> ``"14th Meeting"``.
    """
    text = _SUP.sub(lambda m: m.group(1), fragment)
    text = _STRUCK.sub(lambda m: f"~~{m.group(2).strip()}~~" if m.group(2).strip() else "", text)
    text = _LI.sub("\n" + LIST_MARK, text)  # a list item keeps a mark: one cell can list several items
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    text = _MD_BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = html.unescape(text).replace("**", "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    # an item that prints its own number or mark ("<li>1. Key messages</li>") keeps that one
    lines = [line[len(LIST_MARK):] if line.startswith(LIST_MARK) and _OWN_MARK.match(line[len(LIST_MARK):])
             else line for line in lines]
    return "\n".join(line for line in lines if line and line != LIST_MARK.strip())
