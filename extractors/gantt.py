"""Gantt grids: columns headed by periods (dates, weeks, months, quarters) with a mark in the cells a row spans.

Whatever the format, a grid becomes one ``Timeframe`` column holding the span from a row's first marked period to
its last ("Q2 2020 - Q1 2021", "Jan 2022 - Mar 2022", "2022-01-31 - 2022-02-06"), so the table is read as any table
with a timeline column. The Excel reader finds the grid by cell address (``extractors.xlsx``); a PDF table, whose
header and body cells need not share column lines (a quarter header split in three over one body cell per quarter),
by position (``fold_positioned``): a body cell marks the periods whose header centres lie inside it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

Value = Any  # a cell's value: str, or a date/number where the format types it
GANTT_MIN_COLUMNS = 3  # a run of period headers this long is a Gantt grid
TIMEFRAME_HEADER = "Timeframe"
_HEADER_ROWS = 4  # the period row is among a table's first rows
_MARK_MAX = 3  # a mark in a chart's cell: "X", "✓", "●", "1"; longer texts make a table of periods, not a chart
_ONE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@cache
def _month_words() -> dict[str, int]:
    from normalizers.timeline_lexicon import load_language_data

    words: dict[str, int] = {}
    for lang in ("en", "fr", "es", "ru", "ar", "zh"):
        try:
            months = load_language_data(lang).get("months") or {}
        except (OSError, ValueError):
            continue
        for number, names in months.items():
            for name in names:
                words.setdefault(str(name).lower().rstrip("."), int(number))
    return words




@cache
def _quarter_re() -> re.Pattern[str]:
    """"Q3", "Q3 2022", "2022 Q3", "T3" (French, Spanish): the quarter prefixes of the timeline language data."""
    from normalizers.timeline_lexicon import load_language_data

    prefixes = {"q"}
    for lang in ("en", "fr", "es", "ru", "ar", "zh"):
        try:
            prefixes.update(str(p).lower() for p in load_language_data(lang).get("quarter_prefixes") or [])
        except (OSError, ValueError):
            continue
    alt = "|".join(sorted(map(re.escape, prefixes), key=len, reverse=True))
    year = r"((?:19|20)\d\d|'?\d\d)"
    return re.compile(rf"^(?:{alt})\s*([1-4])(?:\s*[-/ ]?\s*{year})?$|^((?:19|20)\d\d)\s*[-/ ]?\s*(?:{alt})([1-4])$",
                      re.I)

_WEEK = re.compile(r"^(?:week|wk|w)\.?\s*(\d{1,2})$", re.I)
_MONTH_YEAR = re.compile(r"^([^\W\d_]+)\.?\s*[-/' ]?\s*((?:19|20)\d\d|\d\d)?$")
YEAR_CELL = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True)
class Period:
    """One Gantt column: ``kind`` date, month, quarter or week; ``start`` (a date) or ``number``; ``year``."""

    kind: str
    number: int = 0
    year: int | None = None
    day: dt.date | None = None


def period_of(value: Value) -> Period | None:
    """``period_of("Q3 2022")`` -> quarter 3 of 2022; ``period_of("Jan")`` -> month 1; ``period_of("W12")``
    -> week 12; a date cell -> that day; anything else None."""
    if isinstance(value, dt.datetime | dt.date) and not isinstance(value, dt.time):
        day = value.date() if isinstance(value, dt.datetime) else value
        return Period("date", day=day)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).strip()
    if not text or len(text) > 20:
        return None
    quarter = _quarter_re().match(text)
    if quarter:
        number = quarter.group(1) or quarter.group(4)
        year = quarter.group(2) or quarter.group(3)
        return Period("quarter", int(number), _year(year))
    week = _WEEK.match(text)
    if week:
        return Period("week", int(week.group(1)))
    month = _MONTH_YEAR.match(text)
    if month and month.group(1).lower() in _month_words():
        return Period("month", _month_words()[month.group(1).lower()], _year(month.group(2)))
    return None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    digits = text.lstrip("'")
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _label(period: Period, last: bool, step: int) -> str:
    if period.kind == "date" and period.day is not None:
        day = period.day + dt.timedelta(days=step - 1) if last else period.day
        return day.isoformat()
    year = f" {period.year}" if period.year else ""
    if period.kind == "month":
        return f"{_MONTH_NAMES[period.number - 1]}{year}"
    if period.kind == "quarter":
        return f"Q{period.number}{year}"
    return f"Week {period.number}"


@dataclass
class Gantt:
    """A Gantt grid found on a sheet: its period header row, its columns and their periods."""

    row: int
    columns: list[int]
    periods: dict[int, Period]
    step: int  # days a date column covers (1 daily, 7 weekly)

    def span(self, marked: list[int]) -> str:
        return span_text(self.periods[marked[0]], self.periods[marked[-1]], self.step)


def span_text(first: Period, last: Period, step: int = 1) -> str:
    """``span_text(Q2 2020, Q1 2021)`` -> ``"Q2 2020 - Q1 2021"``; one period alone is its own label."""
    start, end = _label(first, False, step), _label(last, True, step)
    return start if start == end else f"{start} - {end}"


def year_of(text: str) -> int | None:
    """The one year a short header cell names ("2021", "Year 2 (2021)", "FY2021", "2021年"), else None."""
    text = " ".join(text.split())
    years = _ONE_YEAR.findall(text)
    return int(years[0]) if len(years) == 1 and len(text) <= 24 else None


Placed = tuple[str, float, float]  # a cell's text and its left and right edges


def period_row(rows: list[list[Placed | None]]) -> int | None:
    """The first of a table's first rows whose cells name at least ``GANTT_MIN_COLUMNS`` periods of one kind."""
    for r, row in enumerate(rows[:_HEADER_ROWS]):
        kinds: dict[str, int] = {}
        for cell in row:
            period = period_of(cell[0]) if cell is not None else None
            if period is not None:
                kinds[period.kind] = kinds.get(period.kind, 0) + 1
        if kinds and max(kinds.values()) >= GANTT_MIN_COLUMNS:
            return r
    return None


def fold_positioned(rows: list[list[Placed | None]]) -> list[list[str]] | None:
    """A table given cell by cell with positions, its Gantt grid folded into one ``Timeframe`` column; None when
    it has no grid or no row marks one.

    The rows down to the period row are the header: their cells left and right of the grid keep their text
    (the first non-empty one per column), the grid becomes ``Timeframe``. A year printed over periods ("Year 1
    (2020)" over Q1..Q4) gives them that year. Below, a cell covering period centres marks them when it holds
    text; the other cells keep their text in order, the span taking the grid's place.
    """
    p = period_row(rows)
    if p is None:
        return None
    centres: list[tuple[float, Period, float, float]] = []
    kind = None
    for cell in rows[p]:
        if cell is None:
            continue
        period = period_of(cell[0])
        if period is not None and (kind is None or period.kind == kind):
            kind = period.kind
            centres.append(((cell[1] + cell[2]) / 2, period, cell[1], cell[2]))
    for row in reversed(rows[:p]):  # the nearest row of years above gives the periods theirs
        years = [(c[1], c[2], y) for c in row if c is not None and (y := year_of(c[0])) is not None]
        if years:
            centres = [(x, Period(q.kind, q.number, next((y for a, b, y in years if a <= x <= b), q.year), q.day)
                        if q.year is None else q, a, b) for x, q, a, b in centres]
            break
    left = min(x for x, *_ in centres)
    right = max(x for x, *_ in centres)
    lo = min((c[1] for row in rows[p + 1:] for c in row if c is not None and c[1] <= left <= c[2]), default=left)
    hi = max((c[2] for row in rows[p + 1:] for c in row if c is not None and c[1] <= right <= c[2]), default=right)

    def split(row: list[Placed | None]) -> tuple[list[Placed], list[Placed], list[Placed]]:
        cells = [c for c in row if c is not None]
        before = [c for c in cells if (c[1] + c[2]) / 2 < lo]
        after = [c for c in cells if (c[1] + c[2]) / 2 > hi]
        grid = [c for c in cells if lo <= (c[1] + c[2]) / 2 <= hi]
        return before, grid, after

    header_before: list[str] = []
    header_after: list[str] = []
    for row in rows[:p + 1]:
        before, _, after = split(row)
        header_before = _first_texts(header_before, [c[0] for c in before])
        header_after = _first_texts(header_after, [c[0] for c in after])
    body = [split(row) for row in rows[p + 1:]]
    marks = [c[0].strip() for _, grid, _ in body for c in grid if c[0].strip()]
    if sum(len(m) <= _MARK_MAX for m in marks) < 0.8 * len(marks):
        return None  # the grid's cells say what is done in each period: a table of its own, not a chart
    out = [[*header_before, TIMEFRAME_HEADER, *header_after]]
    spans = 0
    for before, grid, after in body:
        marked = sorted({i for c in grid if c[0].strip() for i, (x, _, a, b) in enumerate(centres)
                         if c[1] <= x <= c[2] or a <= (c[1] + c[2]) / 2 <= b})
        span = ""
        if marked:
            span = span_text(centres[marked[0]][1], centres[marked[-1]][1])
            spans += 1
        out.append([*(c[0] for c in before), span, *(c[0] for c in after)])
    return out if spans else None


def _first_texts(have: list[str], new: list[str]) -> list[str]:
    """Header texts column by column: a column keeps the first non-empty text the header rows give it."""
    if not have:
        return list(new)
    return [a or b for a, b in zip(have, new, strict=False)] + (have[len(new):] if len(have) > len(new) else
                                                               new[len(have):])


def fold_indexed(rows: list[list[str]]) -> list[list[str]] | None:
    """``fold_positioned`` for a table given by column index (HTML, Word, Markdown): a header cell spans the
    empty cells after it (a merged "2021" over its quarters), a body cell its own column."""
    placed: list[list[Placed | None]] = []
    p = period_row([[(t, i, i + 1) for i, t in enumerate(row)] for row in rows])
    if p is None:
        return None
    for r, row in enumerate(rows):
        if r > p:
            placed.append([(t, i, i + 1) for i, t in enumerate(row)])
            continue
        cells: list[Placed | None] = []
        filled = [i for i, t in enumerate(row) if t.strip()]
        for k, i in enumerate(filled):
            if k + 1 < len(filled):
                end = filled[k + 1]
            elif r == p:  # the last period is as wide as the one before it, not the rest of the row
                end = i + (i - filled[k - 1] if k else 1)
            else:
                end = len(row)
            cells.append((row[i], i, end))
        placed.append(cells)
    return fold_positioned(placed)
