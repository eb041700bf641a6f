"""Timings that are not plain calendar dates: durations and offsets, counted recurrences, seasons, fiscal years.

Each is a whole-phrase form read before the date grammar (``normalizers/timeline.py`` STRATEGIES), with its
words per language in ``data/timeline_relative.yaml``. A duration keeps no dates (no anchor is known here):
``duration`` (ISO 8601) and ``relative_to`` (the anchor as printed) say what was printed. A season is the
northern-hemisphere season unless stated, and uncertain; a fiscal year is the calendar year it names, marked
uncertain with ``qualifier = "fiscal"``, since conventions differ by body and country.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from pathlib import Path
from typing import Any

import yaml

from pipeline.core.enums import Precision
from pipeline.core.records import Timeline

_DATA = Path(__file__).resolve().parent / "data" / "timeline_relative.yaml"
_ISO = {"day": "D", "week": "W", "month": "M", "year": "Y"}
_MONTHS_IN = {"day": 1 / 30, "week": 0.25, "month": 1, "quarter": 3, "year": 12}
_LONGEST = {"day": 366, "week": 104, "month": 120, "year": 20}  # a larger count is a date, not a duration
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 2)}


@functools.cache
def _data() -> dict[str, Any]:
    with _DATA.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _alt(words: list[str]) -> str:
    """Whole-word alternation (plain substrings for scripts without spaces), longest first."""
    parts = []
    for w in sorted({str(w) for w in words}, key=len, reverse=True):
        escaped = r"\s+".join(re.escape(p) for p in w.split())
        parts.append(escaped if re.search(r"[\u0600-\u06ff\u3040-\u9fff]", w) else rf"(?<!\w){escaped}(?!\w)")
    return "|".join(parts) or r"(?!x)x"


@functools.cache
def _patterns(lang: str) -> dict[str, Any]:
    data = _data()
    words = {k: list(v) for k, v in (data.get("en") or {}).items()}  # English forms are read in any edition
    mine = data.get(lang) or {}
    units: dict[str, list[str]] = {u: list(f) for u, f in data["en"]["units"].items()}
    for u, forms in (mine.get("units") or {}).items():
        units[u] = units.get(u, []) + list(forms)
    unit_of = {f.casefold(): u for u, forms in units.items() for f in forms}
    numbers = {str(k).casefold(): v for k, v in {**data["en"]["numbers"], **(mine.get("numbers") or {})}.items()}
    seasons: dict[str, str] = {}
    for source in (data["en"], mine):
        for season, forms in (source.get("seasons") or {}).items():
            seasons.update({f.casefold(): season for f in forms})
    for key in ("within", "anchor", "per", "fiscal", "revised_to", "revised_note", "conditions"):
        words[key] = words.get(key, []) + list(mine.get(key) or [])
    unit = _alt(list(unit_of))
    number = rf"\d+|{_alt(list(numbers))}"
    fiscal = _alt(words["fiscal"]).replace("(?!\\w)", "(?![^\\W\\d])")  # "FY2024": a digit may follow
    return {
        "unit_of": unit_of, "numbers": numbers, "seasons": seasons,
        "fiscal": re.compile(rf"^(?:{fiscal})\s*'?(\d{{4}}|\d{{2}})(?:\s*[/–-]\s*'?(\d{{2,4}}))?$", re.I),
        "season": re.compile(rf"^(?:({_alt(list(seasons))})\s+(?:of\s+|de\s+|del\s+)?(\d{{4}})|(\d{{4}})\s*年?\s*"
                             rf"({_alt(list(seasons))}))$", re.I),
        "nth": re.compile(rf"^({unit})\s*:?\s*(\d{{1,3}})(?:\s*(?:[-–]|to|à|a)\s*(\d{{1,3}}))?$", re.I),
        "duration": re.compile(rf"^(?:({_alt(words['within'])})\s+)?({number})\s*({unit})"
                               rf"(?:\s*({_alt(words['within'])}))?(?:\s+(?:{_alt(words['anchor'])})\s+(.{{2,120}}))?$",
                               re.I),
        "revised_to": re.compile(rf"^(.+?)\s*(?:→|->|,|;)?\s*(?:{_alt(words['revised_to'])})\s*:?\s*(.+)$", re.I),
        "revised_note": re.compile(rf"^(.+?)\s*[(（]\s*(?:{_alt(words['revised_note'])})\s*:?\s*(.+?)\s*[)）]$", re.I),
        "condition": re.compile(rf"^(?:{_alt(words['conditions'])})\s+(.{{3,120}})$", re.I),
        "count": re.compile(rf"^({number})\s+(?:[^\d\s]+\s+){{0,3}}?(?:{_alt(words['per'])})\s+({unit}|quarter)$",
                            re.I),
    }


_STRUCK = re.compile(r"~~(.+?)~~")


def split_revision(text: str, lang: str = "en") -> tuple[str, str] | None:
    """A revised date's two parts as printed, (the replaced one, the current one), or None without a revision:
    ``split_revision("~~March 31, 2023~~ May 15, 2023*")`` -> ``("March 31, 2023", "May 15, 2023")``; also
    "Q2 2023, postponed to Q4 2023" and "Q4 2023 (initially Q2 2023)". ``timeline.revised_timeline`` reads them."""
    phrase = " ".join(str(text or "").split())
    old = new = None
    struck = _STRUCK.findall(phrase)
    if struck:
        old, new = "; ".join(s.strip() for s in struck), _STRUCK.sub(" ", phrase).strip(" *,;")
    else:
        p = _patterns(lang)
        note = p["revised_note"].match(phrase)
        moved = p["revised_to"].match(phrase)
        if note:
            new, old = note.group(1), note.group(2)
        elif moved:
            old, new = moved.group(1), moved.group(2)
    if not new or not old:
        return None
    return old.strip(" *,;"), new.strip(" *,;")


def relative_timeline(text: str, lang: str = "en", context_year: int | None = None) -> Timeline | None:
    """``relative_timeline("Within 90 days of the adoption of the strategy")`` -> duration "P90D", relative_to
    "the adoption of the strategy", no dates; ``relative_timeline("Spring 2024")`` -> 2024-03-01..2024-05-31,
    uncertain; ``relative_timeline("FY2024")`` -> 2024, uncertain, qualifier "fiscal"; None for anything else."""
    phrase = " ".join(str(text or "").split()).strip(" .;,()（）")
    if not phrase or len(phrase) > 160:
        return None
    p = _patterns(lang)
    for reader in (_fiscal, _season, _nth_period, _duration, _count, _conditional):
        found = reader(text, phrase, p)
        if found is not None:
            return found
    return None


FISCAL_ENV = "WORKPLANS_FISCAL_YEAR"


def _fiscal(text: str, phrase: str, p: dict) -> Timeline | None:
    """A fiscal year: under a declared convention (``WORKPLANS_FISCAL_YEAR=US``) its real months; otherwise
    the calendar year it names, uncertain."""
    m = p["fiscal"].match(phrase)
    if not m:
        return None
    first = _year(m.group(1))
    last = _year(m.group(2), first) if m.group(2) else first
    if last < first:
        return None
    convention = (_data().get("fiscal_conventions") or {}).get(os.environ.get(FISCAL_ENV, "").strip().upper())
    if convention and convention["start_month"] != 1:
        start_month = int(convention["start_month"])
        label_is_end = convention.get("label") == "end"
        start_year = first - 1 if label_is_end else first
        end_year = last if label_is_end else last + 1
        start = dt.date(start_year, start_month, 1)
        end = dt.date(end_year, start_month, 1) - dt.timedelta(days=1)
        return Timeline(text=text, start=start, end=end, precision=Precision.RANGE, qualifier="fiscal",
                        edtf=f"{start:%Y-%m}/{end:%Y-%m}")
    return Timeline(text=text, start=dt.date(first, 1, 1), end=dt.date(last, 12, 31), precision=Precision.YEAR,
                    uncertain=True, qualifier="fiscal", edtf=f"{first}?" if first == last else f"{first}?/{last}?")


def _year(value: str, base: int | None = None) -> int:
    n = int(value)
    if n >= 100:
        return n
    century = (base // 100) * 100 if base else 2000
    return century + n


def _season(text: str, phrase: str, p: dict) -> Timeline | None:
    m = p["season"].match(phrase)
    if not m:
        return None
    word, year = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    season = p["seasons"][word.casefold()]
    first, last = _SEASONS[season]
    y = int(year)
    start = dt.date(y, first, 1)
    end_year = y + 1 if last < first else y
    end = dt.date(end_year, last + 1, 1) - dt.timedelta(days=1) if last < 12 else dt.date(end_year, 12, 31)
    return Timeline(text=text, start=start, end=end, precision=Precision.RANGE, uncertain=True,
                    edtf=f"{start:%Y-%m}?/{end:%Y-%m}?")


def _number(value: str, p: dict) -> int | None:
    value = value.casefold()
    return int(value) if value.isdigit() else p["numbers"].get(value)


def _nth_period(text: str, phrase: str, p: dict) -> Timeline | None:
    """The n-th unit of the work ("Week 3 - 12", "Month 6", "Month: 24"), counted from its start: a duration
    relative to it, in the unit printed."""
    m = p["nth"].match(phrase)
    if not m:
        return None
    unit = p["unit_of"].get(" ".join(m.group(1).casefold().split()), "week")
    if unit not in _ISO:
        return None
    first = int(m.group(2))
    last = int(m.group(3)) if m.group(3) else first
    if last < first:
        return None
    return Timeline(text=text, duration=f"P{last - first + 1}{_ISO[unit]}", relative_to=f"{unit} {first} of the work")


def _duration(text: str, phrase: str, p: dict) -> Timeline | None:
    m = p["duration"].match(phrase)
    if not m:
        return None
    n = _number(m.group(2), p)
    unit = p["unit_of"].get(m.group(3).casefold())
    if n is None or unit is None or not 0 < n <= _LONGEST[unit]:
        return None  # "2021年" is a year, not 2021 years
    anchor = m.group(5).strip(" .;,") if m.group(5) else None
    return Timeline(text=text, duration=f"P{n}{_ISO[unit]}", relative_to=anchor,
                    qualifier="within" if (m.group(1) or m.group(4)) else None)


def _conditional(text: str, phrase: str, p: dict) -> Timeline | None:
    """"when the Operator becomes v1.0": timed by an event, not a date; ``relative_to`` is the event."""
    m = p["condition"].match(phrase)
    return Timeline(text=text, relative_to=m.group(1).strip(" .;,"), qualifier="when") if m else None


def condition_words(lang: str | None = None) -> list[str]:
    """The words opening a conditional timing, in one language or all six (for finding such a clause)."""
    data = _data()
    langs = [lang] if lang else [k for k in data if isinstance(data[k], dict) and "units" in data[k]]
    return [w for code in langs for w in (data.get(code) or {}).get("conditions", [])]


def _count(text: str, phrase: str, p: dict) -> Timeline | None:
    m = p["count"].match(phrase)
    if not m:
        return None
    n = _number(m.group(1), p)
    word = m.group(2).casefold()
    unit = "quarter" if word == "quarter" else p["unit_of"].get(word)
    if not n or unit is None:
        return None
    months = _MONTHS_IN[unit] / n
    days = 7 / n if unit == "week" else (1 / n if unit == "day" else 0)
    if months >= 1 and months == int(months):
        rule = "FREQ=MONTHLY" + (f";INTERVAL={int(months)}" if months > 1 else "")
    elif days >= 1 and days == int(days):
        rule = "FREQ=DAILY" + (f";INTERVAL={int(days)}" if days > 1 else "")
    else:  # "5 per year": no even interval; an iCalendar extension part says how many per period
        period = {"year": "YEARLY", "quarter": "MONTHLY;INTERVAL=3", "month": "MONTHLY", "week": "WEEKLY"}
        rule = f"FREQ={period.get(unit, 'DAILY')};X-TIMES={n}"
    return Timeline(text=text, recurrence=rule)
