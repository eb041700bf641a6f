"""Excel extractor (openpyxl): every visible sheet of a workbook becomes a heading (the sheet's name) and
its tables (runs of rows between blank rows), cell values as Excel displays them.

Hidden sheets, rows and columns are left out and said in a warning. A merged range keeps its value in its
first cell, the other cells of the range empty, as the HTML extractor does for colspan and rowspan. Dates are
written ISO (``2022-01-31``; a month-year format ``2022-01``), numbers as numbers (a percentage with ``%``),
formulas by the value Excel cached when the file was saved. A Gantt grid, columns headed by dates, months,
quarters or weeks with a mark ("X", a number) in the cells a row spans, becomes one ``Timeframe`` column
holding the span ("2022-01-31 - 2022-02-06", "Jan 2022 - Mar 2022", "Q1 2022 - Q3 2022"). A row's locator is
``'Sheet name'!A12``.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extractors.gantt import GANTT_MIN_COLUMNS, TIMEFRAME_HEADER, YEAR_CELL, Gantt, Period, period_of
from extractors.office import check_package
from pipeline.core.enums import BlockKind, Format
from pipeline.core.errors import EmptyDocument, UnreadableDocument
from pipeline.core.model import Block, Cell, Document, Provenance, Row

Value = Any  # str, int, float, bool, datetime.date/datetime/time, or None


# -- displayed values ----------------------------------------------------------------------------------
def display(value: Value, number_format: str = "General") -> str:
    """The text of a cell as a reader of the sheet sees it, dates unambiguous.

    >>> display(dt.datetime(2022, 1, 31), "mm-dd-yy"), display(0.25, "0%"), display(3.0), display(0.1 + 0.2)
    ('2022-01-31', '25%', '3', '0.3')
    >>> display(dt.datetime(2024, 9, 1), "mmm-yy")
    '2024-09'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = (number_format or "General").lower()
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        spec = re.sub(r'"[^"]*"|\[[^]]*]|\\.', "", fmt)  # quoted text, locale tags, escapes are no codes
        if "d" not in spec and "y" in spec and "m" in spec:
            return f"{day.year:04d}-{day.month:02d}"
        if isinstance(value, dt.datetime) and value.time() != dt.time(0) and "h" in spec:
            return value.strftime("%Y-%m-%d %H:%M")
        return day.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, int | float):
        if "%" in fmt:
            return f"{_number(value * 100)}%"
        return _number(value)
    lines = (" ".join(line.split()) for line in str(value).replace("\r", "").split("\n"))
    return "\n".join(line for line in lines if line)  # indentation spaces are not kept: the model has no indent


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10g}"


# -- Gantt grids ---------------------------------------------------------------------------------------
def find_gantt(cells: dict[tuple[int, int], Value], columns: list[int], rows: list[int]) -> Gantt | None:
    """The most precise row of period headers (dates before weeks, months, quarters) that runs over at least
    ``GANTT_MIN_COLUMNS`` visible columns; blank header cells after a period belong to it (a month over its
    weeks). Years printed in a row above month or quarter headers give them their year."""
    best: Gantt | None = None
    rank = {"date": 0, "week": 1, "month": 2, "quarter": 3}
    for r in rows[:60]:
        run = _period_run(cells, columns, r)
        if run is None:
            continue
        span, periods = run
        kind = next(iter(periods.values())).kind
        spread: dict[int, Period] = {}
        current: Period | None = None
        for c in span:
            current = periods.get(c, current)
            if current is not None:
                spread[c] = current
        if kind in ("month", "quarter"):
            spread = _with_years(cells, rows, r, spread)
        step = 1
        if kind == "date":
            days = sorted(p.day for p in periods.values() if p.day is not None)
            gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False) if b > a]
            step = min(gaps) if gaps else 1
            spread = periods  # each date column is its own day or week
            span = sorted(periods)
        gantt = Gantt(r, span, spread, step)
        if best is None or rank[kind] < rank[next(iter(best.periods.values())).kind]:
            best = gantt
    return best


def _period_run(cells: dict[tuple[int, int], Value], columns: list[int],
                row: int) -> tuple[list[int], dict[int, Period]] | None:
    """The longest run of columns of ``row`` headed by periods of one kind (blank cells inside a run or
    after it belong to the period before them), when it has at least ``GANTT_MIN_COLUMNS`` periods."""
    best: tuple[list[int], dict[int, Period]] | None = None
    span: list[int] = []
    periods: dict[int, Period] = {}

    def close() -> None:
        nonlocal best
        if len(periods) >= GANTT_MIN_COLUMNS and (best is None or len(periods) > len(best[1])):
            best = (list(span), dict(periods))

    for c in columns:
        value = cells.get((row, c))
        period = period_of(value)
        kind = next(iter(periods.values())).kind if periods else None
        if period is not None and (kind is None or period.kind == kind):
            span.append(c)
            periods[c] = period
        elif value in (None, "") and periods:
            span.append(c)
        else:
            close()
            span, periods = [], {}
            if period is not None:
                span, periods = [c], {c: period}
    close()
    return best


def _with_years(cells: dict[tuple[int, int], Value], rows: list[int], row: int,
                periods: dict[int, Period]) -> dict[int, Period]:
    above = [r for r in rows if r < row][-3:]
    out = dict(periods)
    for r in reversed(above):
        years: dict[int, int] = {}
        current = None
        for c in sorted(periods):
            value = cells.get((r, c))
            text = display(value) if value is not None else ""
            if YEAR_CELL.match(text):
                current = int(text)
            if current is not None:
                years[c] = current
        if years:
            return {c: (Period(p.kind, p.number, years[c]) if p.year is None and c in years else p)
                    for c, p in out.items()}
    return out


# -- sheet to blocks -----------------------------------------------------------------------------------
def column_letter(index: int) -> str:
    """``column_letter(28)`` -> ``"AB"``."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def sheet_ref(name: str) -> str:
    """A sheet name as Excel writes it in a reference: ``'Project Plan'`` quoted, ``Plan`` bare."""
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name) else "'" + name.replace("'", "''") + "'"


def _ranges(numbers: list[int]) -> str:
    """``_ranges([3, 4, 5, 9])`` -> ``"3-5, 9"``."""
    out: list[str] = []
    for n in sorted(numbers):
        if out and n == int(out[-1].split("-")[-1]) + 1:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def sheet_blocks(name: str, cells: dict[tuple[int, int], Value], formats: dict[tuple[int, int], str],
                 hidden_rows: set[int], hidden_columns: set[int], warn: list[str]) -> list[Block]:
    """One sheet as blocks: a heading with its name, then a table per run of rows between blank rows.
    ``cells`` maps (row, column), both 1-based, to the cell's value; a merged range's value is in its first
    cell only."""
    used_rows = sorted({r for (r, _), v in cells.items() if v not in (None, "")})
    used_cols = sorted({c for (_, c), v in cells.items() if v not in (None, "")})
    lost_rows, lost_cols = sorted(hidden_rows & set(used_rows)), sorted(hidden_columns & set(used_cols))
    if lost_rows:
        warn.append(f"sheet {name!r}: hidden row{'s' if len(lost_rows) > 1 else ''} {_ranges(lost_rows)} not read")
    if lost_cols:
        warn.append(f"sheet {name!r}: hidden column{'s' if len(lost_cols) > 1 else ''} "
                    f"{', '.join(column_letter(c) for c in lost_cols)} not read")
    rows = [r for r in used_rows if r not in hidden_rows]
    columns = [c for c in used_cols if c not in hidden_columns]
    if not rows or not columns:
        return []
    gantt = find_gantt(cells, columns, rows)
    texts: dict[int, list[str]] = {}
    for r in rows:
        texts[r] = [display(cells.get((r, c)), formats.get((r, c), "General")) for c in columns]
    if gantt is not None:
        texts = _fold_gantt(gantt, columns, rows, cells, texts)
    blocks = [Block(BlockKind.HEADING, name, Provenance(place=f"sheet {name}"), level=1, bold=True)]
    first_column = column_letter(columns[0])
    segment: list[int] = []
    for next_row in [*rows, None]:
        if next_row is not None and (not segment or _blank_between(segment[-1], next_row, hidden_rows)):
            segment.append(next_row)
            continue
        if segment:
            width = max(len(texts[s]) for s in segment)
            table_rows = tuple(Row(tuple(Cell(t) for t in texts[s] + [""] * (width - len(texts[s]))),
                                   Provenance(place=f"{sheet_ref(name)}!{first_column}{s}"))
                               for s in segment if any(texts[s]))
            table_rows = _drop_empty_columns(table_rows)
            if table_rows:
                blocks.append(Block(BlockKind.TABLE, provenance=Provenance(
                    place=f"{sheet_ref(name)}!{first_column}{segment[0]}"), rows=table_rows))
        segment = [next_row] if next_row is not None else []
    return blocks if len(blocks) > 1 else []


def _blank_between(a: int, b: int, hidden: set[int]) -> bool:
    """Rows a and b are adjacent once hidden rows are left out."""
    return all(r in hidden for r in range(a + 1, b))


def _drop_empty_columns(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    if not rows:
        return rows
    keep = [i for i in range(len(rows[0].cells)) if any(r.cells[i].text for r in rows)]
    return tuple(Row(tuple(r.cells[i] for i in keep), r.provenance) for r in rows)


def _fold_gantt(gantt: Gantt, columns: list[int], rows: list[int], cells: dict[tuple[int, int], Value],
                texts: dict[int, list[str]]) -> dict[int, list[str]]:
    """The Gantt columns become one: the header band (the period row and the rows under it that fill every
    grid column with differing values, as weekday letters do) reads ``Timeframe``, a row with marks the span
    from its first to its last marked column."""
    grid = set(gantt.columns)
    at = columns.index(gantt.columns[0])
    out: dict[int, list[str]] = {}
    band = True
    spans = 0
    for r in rows:
        values = [cells.get((r, c)) for c in gantt.columns]
        filled = [c for c, v in zip(gantt.columns, values, strict=True) if v not in (None, "")]
        kept = [t for c, t in zip(columns, texts[r], strict=True) if c not in grid]
        if r < gantt.row:
            out[r] = kept[:at] + [""] + kept[at:]
            continue
        header = r == gantt.row or (band and len(filled) == len(gantt.columns)
                                    and len({display(v) for v in values}) > 1)
        band = band and header
        if header:
            cell = TIMEFRAME_HEADER if any(kept) or r == gantt.row else ""
        else:
            cell = gantt.span(filled) if filled else ""
            spans += bool(cell)
        out[r] = kept[:at] + [cell] + kept[at:]
    if not spans:  # a grid drawn in fill colours only, or left empty: no column of its own
        return {r: [t for k, t in enumerate(cells_) if k != at] for r, cells_ in out.items()}
    return out


# -- workbook ------------------------------------------------------------------------------------------
def _open(path: Path) -> Any:
    check_package(path, "xlsx")
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on extensions it drops (slicers, sparklines)
            return openpyxl.load_workbook(path, data_only=True, read_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as e:
        raise UnreadableDocument(f"{path.name}: not a readable Excel workbook ({type(e).__name__}: {e})") from e
    except Exception as e:  # lxml's XMLSyntaxError on a damaged part
        raise UnreadableDocument(f"{path.name}: the Excel workbook is damaged ({type(e).__name__}: {e})") from e


def _worksheet_cells(ws: Any) -> tuple[dict[tuple[int, int], Value], dict[tuple[int, int], str]]:
    cells: dict[tuple[int, int], Value] = {}
    formats: dict[tuple[int, int], str] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or type(cell).__name__ == "MergedCell":
                continue
            cells[(cell.row, cell.column)] = cell.value
            formats[(cell.row, cell.column)] = cell.number_format or "General"
    return cells, formats


def _hidden_columns(ws: Any) -> set[int]:
    from openpyxl.utils import column_index_from_string

    out: set[int] = set()
    for key, dim in ws.column_dimensions.items():
        if dim.hidden:
            low = dim.min or column_index_from_string(key)
            out.update(range(low, (dim.max or low) + 1))
    return out


def sheets(workbook: Any, warn: list[str]) -> Iterator[Block]:
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            warn.append(f"sheet {ws.title!r} is hidden: not read")
            continue
        cells, formats = _worksheet_cells(ws)
        hidden_rows = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
        yield from sheet_blocks(ws.title, cells, formats, hidden_rows, _hidden_columns(ws), warn)


def extract(path: Path) -> Document:
    """Read a workbook: ``extract(Path("plan.xlsx")).blocks[0]`` -> the heading of its first visible sheet."""
    path = Path(path)
    workbook = _open(path)
    warn: list[str] = []
    blocks = tuple(sheets(workbook, warn))
    if not blocks:
        raise EmptyDocument(f"{path.name}: no visible sheet holds a value")
    title = (workbook.properties.title or "").strip() or None
    return Document(path.name, Format.XLSX, blocks, pages=None, title=title, warnings=tuple(warn))
