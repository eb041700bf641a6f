"""Timeline grammar, second half: specs -> classified dated pieces -> one Reading (intervals plus flags)."""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
from dataclasses import dataclass, field

from normalizers.timeline_grammar import Item, Spec, Token, build

# Finest first: used to pick the EDTF form of an endpoint and to rank specs.
UNITS = ("day", "week", "month", "quarter", "half", "year")


def _links(items: list[Item], specs: list[Spec]) -> list[str]:
    """Connector between each spec and the next: range, list, comma, alt, adj, or break (noise or a mark)."""
    links: list[str] = []
    position = {id(s): k for k, s in enumerate(items) if isinstance(s, Spec)}
    for a, b in zip(specs, specs[1:], strict=False):
        between = items[position[id(a)] + 1:position[id(b)]]
        kinds = [x[1] if x[0] == "conn" else "break" for x in between if isinstance(x, tuple)]
        links.append("break" if "break" in kinds else (kinds[-1] if kinds else "adj"))
    return links


def classify(items: list[Item]) -> list[Spec]:
    """Give each spec a kind (day, month, quarter, half, year), borrowing from neighbours; return them in order.

    For "Q1 and 2 2022" the specs Q1 and bare "2 2022" become two quarters: ``[s.kind for s in classify(items)]``
    -> ``["quarter", "quarter"]``.
    """
    specs = [x for x in items if isinstance(x, Spec)]
    links = _links(items, specs)
    # "September 18, 2016", "September, 2016": the comma joins a month to its year
    k = 0
    while k < len(specs) - 1:
        a, b = specs[k], specs[k + 1]
        if (links[k] == "comma" and a.year is None and a.month is not None and b.year is not None
                and b.month is None and b.num is None and b.unit is None and b.qual is None):
            a.year = b.year
            a.toks += b.toks
            del specs[k + 1]
            del links[k]
        k += 1
    for s in specs:
        if s.unit is not None:
            s.kind = s.unit if s.num is not None and 1 <= s.num <= (4 if s.unit == "quarter" else 2) else None
        elif s.month is not None:
            s.kind = "day" if s.num is not None and s.digit else "month"
        elif s.num is not None:
            s.kind = "bare"
        elif s.year is not None:
            s.kind = "year"
    # "25-26 February", "Q1 and 2 2022", "2e et 3e trimestres": a bare number takes its neighbour's unit. Passes in
    # order, as long as one changes; each pass looks again only at numbers beside one that changed (linear).
    dirty = [k for k, s in enumerate(specs) if s.kind == "bare"]
    while dirty:
        heapq.heapify(dirty)
        again: set[int] = set()
        while dirty:
            k = heapq.heappop(dirty)
            if specs[k].kind != "bare" or not _borrow_unit(specs, links, k):
                continue
            if k + 1 < len(specs) and specs[k + 1].kind == "bare":
                heapq.heappush(dirty, k + 1)  # later in this pass
            if k > 0 and specs[k - 1].kind == "bare":
                again.add(k - 1)  # already passed: the next pass
        dirty = list(again)
    for s in specs:
        if s.kind == "bare":
            s.kind = None
    return [s for s in specs if s.kind is not None] if specs else []


def _borrow_unit(specs: list[Spec], links: list[str], k: int) -> bool:
    """Bare number ``specs[k]`` takes the unit of its right, else left neighbour; True when it did."""
    s = specs[k]
    for j in (k + 1, k - 1):
        if not 0 <= j < len(specs) or links[min(j, k)] == "break":
            continue
        other = specs[j]
        if other.kind in ("quarter", "half") and 1 <= s.num <= (4 if other.kind == "quarter" else 2):  # type: ignore[operator]
            s.kind = s.unit = other.kind
        elif other.kind == "day" and s.digit and 1 <= s.num <= 31:  # type: ignore[operator]
            s.kind, s.month = "day", other.month
            if s.year is None:
                s.year = other.year
        else:
            continue
        return True
    return False


def fill_years(items: list[Item], specs: list[Spec], context_year: int | None) -> None:
    """Give year-less specs the nearest year to the right, else to the left, else ``context_year``.

    "25-26 February 2016": the bare 25 takes 2016 from its right; "2016年4月至9月": 9月 takes 2016 from its left.
    """
    links = _links(items, specs)
    # the nearest year to the right of each spec within its run (no "break"), in one pass from the end
    right: list[int | None] = [None] * len(specs)
    for k in range(len(specs) - 2, -1, -1):
        if links[k] != "break":
            right[k] = specs[k + 1].year if specs[k + 1].year is not None else right[k + 1]
    for k, s in enumerate(specs):
        if s.year is not None:
            continue
        year = right[k]
        if year is None and k > 0 and links[k - 1] != "break":
            year = specs[k - 1].year  # already filled: holds the nearest year to its own left, if any
        s.year = year if year is not None else context_year


def interval(s: Spec) -> tuple[dt.date, dt.date] | None:
    """The inclusive dates a classified spec covers, or None when it has no year or is not a real date.

    A quarter spec with num 2 and year 2021 -> ``(date(2021, 4, 1), date(2021, 6, 30))``; 31 February -> None.
    """
    y = s.year
    if y is None or not dt.MINYEAR <= y <= dt.MAXYEAR:
        return None
    try:
        if s.kind == "year":
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        if s.kind in ("quarter", "half"):
            months = 3 if s.kind == "quarter" else 6
            first = (s.num - 1) * months + 1  # type: ignore[operator]
            last = first + months - 1
            return dt.date(y, first, 1), dt.date(y, last, calendar.monthrange(y, last)[1])
        if s.kind == "month":
            return dt.date(y, s.month, 1), dt.date(y, s.month, calendar.monthrange(y, s.month)[1])  # type: ignore[arg-type]
        if s.kind == "day":
            day = dt.date(y, s.month, s.num)  # type: ignore[arg-type]
            return day, day
    except (ValueError, TypeError, OverflowError):
        return None
    return None


@dataclass
class Reading:
    """What the grammar understood in one phrase."""

    specs: list[Spec] = field(default_factory=list)  # classified specs with dates, in order
    ongoing: bool = False
    tbc: bool = False
    uncertain: bool = False
    recurrence: str | None = None
    qualifier: str | None = None
    open_start: bool = False
    open_end: bool = False
    week: bool = False
    location: tuple[int, int] | None = None  # offsets in the folded text
    anchors: list[int] = field(default_factory=list)  # token indices carrying a date or a marker


def read(text: str, tokens: list[Token], context_year: int | None = None) -> tuple[list[Token], Reading]:
    """Reading of folded ``text`` split into ``tokens``.

    ``read(t, tokenize(t, lexicon("en")))[1].open_start`` with ``t = "Ongoing-2018"`` -> ``True``.
    """
    items = build(tokens)
    specs = classify(items)
    fill_years(items, specs, context_year)
    reading = Reading()
    reading.anchors = [t for s in specs for t in s.toks]
    for s in specs:
        span = interval(s)
        if span is not None:
            s.start, s.end = span
            reading.specs.append(s)
    _flags(items, reading, specs)
    if reading.specs:
        reading.location = _location(text, tokens, reading.specs[0].toks[0])
    return tokens, reading


def _flags(items: list[Item], reading: Reading, specs: list[Spec]) -> None:
    dated = {id(s) for s in reading.specs}
    places = [k for k, x in enumerate(items) if isinstance(x, Spec) and id(x) in dated]
    first, last = (places[0], places[-1]) if places else (len(items), -1)
    between = [x for x in items[first:last + 1] if isinstance(x, tuple)]
    has_range = any(x[:2] == ("conn", "range") or x[:3] == ("mark", "qual", "by") for x in between)
    # index of the first piece that is a date: "no date before k" is then one comparison, not a scan per piece
    first_spec = next((k for k, x in enumerate(items) if isinstance(x, Spec)), len(items))
    qualifiers: list[str] = []
    for k, x in enumerate(items):
        if isinstance(x, Spec):
            continue
        if x[0] == "conn":
            if x[1] == "alt" and first < k < last:
                reading.uncertain = True
            elif x[1] == "range" and k < first and k < first_spec:
                reading.open_start = True  # "Ongoing-2018" (ongoing, below); "until May 2009" is May 2009
            continue
        kind, value, tok = x[1], x[2], x[3]
        if kind in ("ongoing", "tbc"):
            reading.anchors.append(tok)
        if kind == "ongoing":
            reading.ongoing = True
            if places and k > first:
                reading.open_end = True  # "Q2 and Q3 2021 and ongoing"
        elif kind == "tbc":
            reading.tbc = True
        elif kind in ("uncertain", "qmark"):
            reading.uncertain = True
        elif kind == "recurrence":
            reading.recurrence = reading.recurrence or value
        elif kind == "qual":
            if value == "by" and first < k < last:
                continue  # "с 2016 до 2018": "до" between two dates is a range
            if value != "from" or not has_range:
                qualifiers.append(value)
            if value == "by":
                pass  # "by May 2009" is May 2009 (a deadline in that month, as plans are read), qualifier "by"
            elif value == "from" and not has_range:
                reading.open_end = True
            elif value == "throughout":
                reading.ongoing = True
            elif value == "week of":
                reading.week = True
    for wanted in ("by", "throughout", "week of", "from"):
        if wanted in qualifiers:
            reading.qualifier = wanted
            break
    else:
        reading.qualifier = next((s.qual for s in reading.specs if s.qual), None)


def _location(text: str, tokens: list[Token], first_date_tok: int) -> tuple[int, int] | None:
    """Offsets of "Bangladesh" in "Bangladesh 2016": capitalised words alone before the date."""
    lead = tokens[:first_date_tok]
    words = [t for t in lead if t[0] == "noise"]
    if not words or len(words) > 4 or any(t[0] not in ("noise", "list", "comma") for t in lead):
        return None
    if any(text[t[2]].islower() or text[t[2]].isdigit() for t in words):
        return None  # "Database updates 2016" is not a place
    return words[0][2], words[-1][3]
