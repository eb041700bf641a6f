"""Timeline grammar, first half: folded text -> tokens -> date pieces ("specs"), connectors and marks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from normalizers.timeline_lexicon import Lexicon

Token = tuple[str, Any, int, int]  # kind, value, start, end (offsets in the folded text)

_DIGITS = re.compile(r"\d+")
_PUNCT_KINDS = {"-": "range", "~": "range", "/": "list", ",": "comma", ";": "list", "&": "list", "+": "list",
                "?": "qmark"}


def tokenize(text: str, lex: Lexicon) -> list[Token]:
    """Split folded text into typed tokens.

    ``tokenize("Q2 2021", lexicon("en"))`` -> ``[("qpre", 2, 0, 2), ("year", 2021, 3, 7)]``.
    """
    tokens: list[Token] = []
    words = lex.words
    for m in lex.pattern.finditer(text):
        group = m.lastgroup or ""  # never empty: every alternative of the pattern is a named group
        if group == "ws":
            continue
        s = m.group()
        start, end = m.span()
        if group == "word":
            key = s.lower()
            if not key.isalnum():
                key = " ".join(key.split())
            kind, value = words.get(key, ("noise", None))
        elif group == "num":
            kind, value = "num", int(_DIGITS.match(s).group())  # type: ignore[union-attr]
        elif group == "year":
            kind, value = "year", int(s)
        elif group in ("qpre", "hpre"):
            kind, value = group, int(s[-1])
        elif group == "roman":
            kind, value = "ordinal", ("I", "II", "III", "IV").index(s) + 1
        elif group == "punct":
            kind, value = _PUNCT_KINDS.get(s, "skip"), s
        elif group == "noise":
            kind, value = "noise", None
            key = s.lower()
            if len(key) > 1 and key[0] in lex.joined and key[1:] in words:
                tokens.append(("list", key[0], start, start + 1))  # Arabic "والربع": "and" + "الربع"
                start += 1
                kind, value = words[key[1:]]
        else:  # dmy, iso, mmy, ymm, my, yy: numeric dates, kept as their numbers
            kind, value = group, tuple(int(d) for d in _DIGITS.findall(s))
        tokens.append((kind, value, start, end))
    return tokens


class Spec:
    """One date piece being read: "25 February 2016", "Q2", "2021", or a bare "25" waiting for a neighbour."""

    __slots__ = ("year", "month", "num", "digit", "unit", "qual", "toks", "kind", "start", "end")

    def __init__(self, tok: int) -> None:
        self.year: int | None = None
        self.month: int | None = None
        self.num: int | None = None
        self.digit = False  # num was written in digits (so it may be a day of the month)
        self.unit: str | None = None  # "quarter" | "half" when a unit word or prefix was read
        self.qual: str | None = None
        self.toks: list[int] = [tok]
        self.kind: str | None = None
        self.start: dt.date | None = None
        self.end: dt.date | None = None

    def blank(self) -> bool:
        return self.year is None and self.month is None and self.num is None and self.unit is None


Item = Spec | tuple[Any, ...]  # Spec, ("conn", type, tok) or ("mark", kind, value, tok)


def build(tokens: list[Token]) -> list[Item]:
    """Group tokens into specs, connectors and marks, left to right.

    ``build(tokenize("25-26 February 2016", lexicon("en")))`` -> ``[Spec(num=25), ("conn", "range", 1),
    Spec(num=26, month=2, year=2016)]``.
    """
    items: list[Item] = []
    cur: Spec | None = None
    last: Spec | None = None

    def push(spec: Spec) -> None:
        nonlocal last
        if items and isinstance(items[-1], Spec):
            items.append(("conn", "adj", spec.toks[0]))
        items.append(spec)
        last = spec

    def close() -> None:
        nonlocal cur
        if cur is not None and not (cur.blank() and cur.qual is None):
            push(cur)
        cur = None

    def fresh(i: int) -> Spec:
        """The spec to write into: the current one if it holds only a qualifier, else a new one."""
        nonlocal cur
        if cur is not None and cur.blank():
            cur.toks.append(i)
            return cur
        close()
        cur = Spec(i)
        return cur

    def whole(i: int, year: int, month: int | None = None, num: int | None = None) -> Spec:
        spec = fresh(i)
        spec.year, spec.month, spec.num, spec.digit = year, month, num, num is not None
        close()
        return spec

    n = len(tokens)
    i = 0
    while i < n:
        kind, value, _, _ = tokens[i]
        if kind == "year":
            if cur is None or cur.year is not None:
                cur = fresh(i)
            else:
                cur.toks.append(i)
            cur.year = value
        elif kind == "month":
            if cur is None or cur.month is not None or cur.unit is not None or (cur.num is not None and not cur.digit):
                cur = fresh(i)
            else:
                cur.toks.append(i)
            cur.month = value
        elif kind == "num":
            if cur is None or cur.num is not None or cur.unit is not None:
                cur = fresh(i)
            else:
                cur.toks.append(i)
            cur.num, cur.digit = value, True
        elif kind in ("ordinal", "qpre", "hpre", "half_name"):
            if (cur is None or cur.num is not None or cur.month is not None
                    or (cur.unit is not None and kind != "ordinal")):
                cur = fresh(i)
            else:
                cur.toks.append(i)
            cur.num, cur.digit = value, False
            if kind != "ordinal":
                cur.unit = "quarter" if kind == "qpre" else "half"
        elif kind in ("quarter", "half"):
            if cur is None or cur.unit is not None or cur.month is not None:
                cur = fresh(i)
            else:
                cur.toks.append(i)
            cur.unit = kind
        elif kind == "qual":
            if value in ("early", "mid", "late", "end"):
                cur = fresh(i)
                cur.qual = value
            else:
                close()
                items.append(("mark", "qual", value, i))
        elif kind == "qual_after":
            target = cur if cur is not None and not cur.blank() else last
            if value in ("early", "mid", "late", "end") and target is not None:
                target.qual = value
                target.toks.append(i)
            else:
                close()
                items.append(("mark", "qual", value, i))
        elif kind in ("range", "list", "comma", "alt"):
            if kind == "range" and cur is not None and cur.blank():
                cur.toks.append(i)  # "mid-2021": the dash belongs to the qualifier
            elif (kind == "list" and value == "/" and cur is not None and cur.month is not None and i + 1 < n
                  and tokens[i + 1][0] == "month" and tokens[i + 1][1] == cur.month):
                cur.toks += [i, i + 1]  # "شباط/فبراير": two names of one month
                i += 1
            elif (kind == "list" and value == "/" and cur is not None and cur.year is None
                  and (cur.month is not None or cur.unit is not None) and i + 1 < n and tokens[i + 1][0] == "year"):
                cur.toks.append(i)  # "Nov/2018", "Q1/2019": a month or quarter and its year, as "11/2018" is written
            else:
                close()
                items.append(("conn", kind, i))
        elif kind in ("dmy", "iso", "my", "mmy", "ymm", "yy"):
            _numeric(kind, value, i, items, whole, close)
            cur = None
        elif kind in ("ongoing", "tbc", "uncertain", "recurrence", "qmark"):
            close()
            items.append(("mark", kind, value, i))
        elif kind == "noise":
            close()
            items.append(("conn", "break", i))
        # filler and other punctuation: no effect
        i += 1
    close()
    return items


def _numeric(kind: str, value: tuple[int, ...], i: int, items: list[Item], whole: Any, close: Any) -> None:
    """Specs of a numeric date token: "16/12/2019", "2016-03-24", "2/2020", "05-06/2020", "2021-22"."""
    if kind == "dmy":
        day, month, year = value
        if month > 12 >= day:  # "9/15/2016": the only valid reading is month first
            day, month = month, day
        whole(i, year, month, day)
    elif kind == "iso":
        whole(i, value[0], value[1], value[2])
    elif kind == "my":
        whole(i, value[1], value[0])
    elif kind == "mmy":  # "05-06/2020", "05–06.2020": May to June 2020
        whole(i, value[2], value[0])
        items.append(("conn", "range", i))
        whole(i, value[2], value[1])
    elif kind == "ymm":  # "2020年5-6月": May to June 2020
        whole(i, value[0], value[1])
        items.append(("conn", "range", i))
        whole(i, value[0], value[2])
    else:  # "2021-22" (years) or "2016-12" (ISO month)
        year, tail = value
        if tail > year % 100:
            whole(i, year)
            items.append(("conn", "range", i))
            whole(i, year - year % 100 + tail)
        elif 1 <= tail <= 12:
            whole(i, year, tail)
        else:
            close()
            items.append(("conn", "break", i))
