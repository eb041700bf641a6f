"""Fuzzy-timeline normaliser: workplan timeline phrases ("Q2 2021", "Ongoing-2018", "2月底") -> Timeline records."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from normalizers.timeline_grammar import Spec, Token, tokenize
from normalizers.timeline_lexicon import LANGUAGES, fold_with_offsets, language_words, lexicon
from normalizers.timeline_reading import UNITS, Reading, interval, read
from normalizers.timeline_relative import relative_timeline, split_revision
from pipeline.core.enums import Precision
from pipeline.core.records import Timeline

log = logging.getLogger(__name__)

_TAGS = re.compile(r"(?P<br><\s*br\s*/?\s*>)|<[^<>]{0,40}>", re.IGNORECASE)
_FOUR_DIGIT_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_PERIOD_UNITS = {"day": "day", "time": "day", "part_of_day": "day", "week": "week", "month": "month",
                 "quarter": "quarter", "year": "year"}


def _prepare(text: str) -> tuple[str, list[int] | None]:
    """Folded text for the grammar and a map back to ``text`` (None when offsets are unchanged)."""
    if "<" in text:
        # Same-length replacement keeps offsets: "<br>" becomes a list separator, other tags blanks.
        text = _TAGS.sub(lambda m: (";" if m.group("br") else " ").ljust(len(m.group())), text)
    return fold_with_offsets(text)


def _language(lang: Any) -> str:
    code = lang.split("-")[0].split("_")[0].lower() if isinstance(lang, str) else "en"
    return code if code in LANGUAGES else "en"


def _edtf_point(day: dt.date, unit: str, uncertain: bool) -> str:
    if unit == "year":
        point = f"{day.year:04d}"
    elif unit in ("month", "quarter", "half"):
        point = f"{day.year:04d}-{day.month:02d}"
    else:
        point = day.isoformat()
    return point + "?" if uncertain else point


def _edtf(specs: list[Spec], start: dt.date | None, end: dt.date | None, week: bool, uncertain: bool) -> str | None:
    """EDTF of the interval: "2016", "2016-03", "2021-04/2021-06" (a quarter), "../2018", "2021-04/..".

    Each endpoint keeps the precision of the piece it comes from; on a tie the coarser piece wins.
    """
    if start is None and end is None:
        return None
    first = min(specs, key=lambda s: (s.start, -UNITS.index(s.kind)))  # type: ignore[arg-type]
    last = max(specs, key=lambda s: (s.end, UNITS.index(s.kind)))  # type: ignore[arg-type]
    left = ".." if start is None else _edtf_point(start, "day" if week else first.kind, uncertain)  # type: ignore[arg-type]
    right = ".." if end is None else _edtf_point(end, "day" if week else last.kind, uncertain)  # type: ignore[arg-type]
    return left if left == right else f"{left}/{right}"


_DASHES = "-‐‒–—―~"  # a phrase opening with one leaves its start blank ("- Q3 2021"); a word ("until") does not


def _timeline_from_reading(text: str, reading: Reading, location: str | None) -> Timeline:
    specs = reading.specs
    start = end = None
    precision = None
    if specs:
        # a period the work runs until is that period ("until May 2009", "hasta el final de 2015": the month, the
        # year), as plans are read; only work already under way to it ("Ongoing-2018") and a range whose start is
        # left blank ("- Q3 2021") have no start
        open_start = reading.open_start and (reading.ongoing or text.lstrip()[:1] in _DASHES)
        start = None if open_start else min(s.start for s in specs)  # type: ignore[type-var]
        end = None if reading.open_end else max(s.end for s in specs)  # type: ignore[type-var]
        day = specs[0].start
        if reading.week and len(specs) == 1 and specs[0].kind == "day" and day is not None:
            monday = day - dt.timedelta(days=day.weekday())
            start = None if open_start else monday
            end = None if reading.open_end else monday + dt.timedelta(days=6)
        units = {s.kind for s in specs}
        if start is not None or end is not None:
            precision = Precision(str(units.pop())) if len(units) == 1 else Precision.RANGE
            precision = Precision.WEEK if reading.week else precision
    return Timeline(
        text=text, start=start, end=end, precision=precision, ongoing=reading.ongoing, tbc=reading.tbc,
        uncertain=reading.uncertain, location=location if specs else None, recurrence=reading.recurrence,
        qualifier=reading.qualifier if specs else None,
        edtf=_edtf(specs, start, end, reading.week, reading.uncertain) if specs else None,
    )


@functools.cache
def _hyphen_joins(lang: str) -> re.Pattern[str]:
    """Hyphens that join the parts of one date ("Nov-2024", "15-Nov-2024"), not the ends of a range."""
    months = sorted((w for w, (kind, _) in language_words(lang).items() if kind == "month" and w.isalpha()),
                    key=len, reverse=True)
    names = "|".join(re.escape(m) for m in months) or "(?!)"
    year = r"(?:1[89]|20)\d\d(?![\w-])"
    return re.compile(rf"(?<![\w-])(\d{{1,2}})-(?=(?:{names})-?\b)|(?<!\w)({names}|q[1-4])-(?={year})", re.IGNORECASE)


def grammar_timeline(text: str, lang: str = "en", context_year: int | None = None) -> Timeline | None:
    """Our grammar: ``grammar_timeline("Q2 – Q4 2021").edtf`` -> ``"2021-04/2021-12"``; None if nothing understood."""
    folded, offsets = _prepare(text)
    lang = _language(lang)
    if "-" in folded:  # same length: offsets kept
        folded = _hyphen_joins(lang).sub(lambda m: (m.group(1) or m.group(2)) + " ", folded)
    lex = lexicon(lang)
    tokens, reading = read(folded, tokenize(folded, lex), context_year)
    if not (reading.specs or reading.ongoing or reading.tbc or reading.recurrence):
        return None
    location = None
    if reading.location is not None:
        s, e = reading.location
        location = text[offsets[s]:offsets[e]] if offsets else text[s:e]
    return _timeline_from_reading(text, reading, location.strip() if location else None)


@functools.cache
def _date_data_parser(lang: str) -> Any:
    from dateparser.date import DateDataParser  # lazy: dateparser is slow to import

    settings = {"PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["year"],
                "TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        return DateDataParser(languages=[lang], settings=settings)
    except ValueError:  # a code dateparser does not know: let it detect the language
        return DateDataParser(settings=settings)


def dateparser_timeline(text: str, lang: str = "en", context_year: int | None = None) -> Timeline | None:
    """dateparser for single dates our grammar misses: ``dateparser_timeline("2016.03.24").start`` -> 2016-03-24.

    Only for short text holding a four-digit year that dateparser's answer keeps (never today's year).
    ``context_year`` is not used: a phrase without a year is left to the grammar.
    """
    folded = _prepare(text)[0].strip()
    if len(folded) > 64 or not _FOUR_DIGIT_YEAR.search(folded):
        return None
    code = lang.lower() if isinstance(lang, str) and re.fullmatch(r"[A-Za-z]{2}", lang) else "en"
    try:
        data = _date_data_parser(code).get_date_data(folded)
    except Exception as e:  # noqa: BLE001 - a third-party parser must not break a run
        log.debug("dateparser failed on %r: %s", text, e)
        return None
    day = data.date_obj.date() if data.date_obj is not None else None
    unit = _PERIOD_UNITS.get(data.period or "", "day")
    if day is None or str(day.year) not in folded:
        return None
    spec = Spec(0)
    spec.kind, spec.year, spec.month, spec.num = unit if unit != "week" else "day", day.year, day.month, day.day
    if unit == "quarter":
        spec.num = (day.month - 1) // 3 + 1
    span = interval(spec)
    if span is None:
        return None
    spec.start, spec.end = span
    if unit == "week":
        spec.start = day - dt.timedelta(days=day.weekday())
        spec.end = spec.start + dt.timedelta(days=6)
    reading = Reading(specs=[spec], week=unit == "week")
    return _timeline_from_reading(text, reading, None)


def revised_timeline(text: str, lang: str = "en", context_year: int | None = None) -> Timeline | None:
    """A revised date: the current one is the timeline, the replaced one ``revised_from``.

    ``revised_timeline("~~March 31, 2023~~ May 15, 2023*")`` -> 2023-05-15, revised_from "March 31, 2023";
    also "Q2 2023, postponed to Q4 2023" and "Q4 2023 (initially Q2 2023)". None without a revision.
    """
    parts = split_revision(text, lang)
    if parts is None:
        return None
    old, new = parts
    current = normalize_timeline(new, lang, context_year)
    if not (current.parsed or current.tbc):
        return None
    return replace(current, text=text, revised_from=old)


def stages_timeline(text: str, lang: str = "en", context_year: int | None = None) -> Timeline | None:
    """Several dated stages of one item, as a milestone table row prints them: the span from the earliest
    to the latest. ``stages_timeline("FPWD: 12 Feb 2015 | CR: Q3 2024")`` -> 2015-02-12..2024-09-30."""
    if " | " not in text:
        return None
    labelled = [part.partition(":") if ":" in part else ("", "", part) for part in text.split(" | ")]
    parts = [value for _, _, value in labelled]
    found = [t for t in (normalize_timeline(p.strip(), lang, context_year) for p in parts if p.strip()) if t.parsed]
    starts = [t.start or t.end for t in found]
    ends = [t.end or t.start for t in found]
    if not found:
        return None
    start, end = min(d for d in starts if d), max(d for d in ends if d)
    counted = [f for f in (_span(value.strip(), label.strip(), lang) for label, _, value in labelled) if f]
    if len(found) == 1 and start == end and len(counted) == 1:  # "Start: 2022-01-31 | Days: 7": the end counted
        end = counted[0](start)
    return Timeline(text=text, start=start, end=end, precision=Precision.RANGE,
                    edtf=f"{start.isoformat()}/{end.isoformat()}")


def _span(value: str, label: str, lang: str) -> Callable[[dt.date], dt.date] | None:
    """A stage that is a count of days, weeks or months ("Days: 7", "Duration: 3 weeks"): the last day of that
    many units from a start day, the start day counted."""
    if not value or not (value[0].isdigit() and value.replace(".", "", 1).isdigit() or " " in value):
        return None
    phrase = f"{value} {label}" if value.replace(".", "", 1).isdigit() else value
    t = relative_timeline(phrase, lang)
    m = re.fullmatch(r"P(\d+)([DWM])", t.duration or "") if t is not None else None
    if m is None:
        return None
    n, unit = int(m.group(1)), m.group(2)
    if n < 1:
        return None
    if unit == "M":
        def months(day: dt.date) -> dt.date:
            year, month = divmod(day.month - 1 + n, 12)
            year, month = day.year + year, month + 1
            return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1])) - dt.timedelta(days=1)
        return months
    days = n * (7 if unit == "W" else 1)
    return lambda day: day + dt.timedelta(days=days - 1)


_DEFINED = re.compile(r"^\s*([^:：|]{1,40}?)\s*[:：]\s*(\S.{2,})$")


def defined_period_timeline(text: str, lang: str = "en", context_year: int | None = None) -> Timeline | None:
    """A quarter or half named, then defined by its dates: the dates are the period, whatever calendar quarter
    the name would be (a fiscal year's): ``defined_period_timeline("Q1: April 2026 to June 2026")`` ->
    2026-04-01..2026-06-30. None unless the name is a quarter or half and the rest a dated span."""
    match = _DEFINED.match(text)
    if match is None:
        return None
    name = normalize_timeline(match.group(1), lang, context_year or 2000)
    if name.precision not in (Precision.QUARTER, Precision.HALF):
        return None
    span = normalize_timeline(match.group(2), lang, context_year)
    if span.start is None or span.end is None or span.precision not in (Precision.DAY, Precision.MONTH,
                                                                          Precision.RANGE):
        return None
    return replace(span, text=text)


# Tried in order; the first that returns a Timeline wins.
STRATEGIES: tuple[Callable[[str, str, int | None], Timeline | None], ...] = (
    revised_timeline, stages_timeline, defined_period_timeline, relative_timeline, grammar_timeline,
    dateparser_timeline)


MAX_SENTENCE_CHARS = 2000  # find_timeline_phrase searches at most this much of an item's text
MAX_TIMELINE_CHARS = 500  # read at most this much of one timeline text: the grammar's work grows with length


def normalize_timeline(text: str, lang: str = "en", context_year: int | None = None) -> Timeline:
    """Normalise one timeline phrase; never raises, and start <= end.

    ``normalize_timeline("Ongoing-2018")`` -> ``Timeline(text="Ongoing-2018", start=None,
    end=date(2018, 12, 31), precision=Precision.YEAR, ongoing=True, edtf="../2018")``.
    A phrase without a year uses ``context_year``; without one it gets no dates (never the current year).

    >>> t = normalize_timeline("Q2 2021")
    >>> t.start, t.end, t.precision.value, t.edtf
    (datetime.date(2021, 4, 1), datetime.date(2021, 6, 30), 'quarter', '2021-04/2021-06')
    >>> normalize_timeline("Q3", context_year=2024).end, normalize_timeline("Q3").end
    (datetime.date(2024, 9, 30), None)
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > MAX_TIMELINE_CHARS:  # a cell that long is prose; its dates, if any, are read in the first part
        head = normalize_timeline(text[:MAX_TIMELINE_CHARS], lang, context_year)
        return replace(head, text=text, uncertain=True)
    if not (isinstance(context_year, int) and 1 <= context_year <= 9998):
        context_year = None
    lang = _language(lang)
    for strategy in STRATEGIES:
        try:
            result = strategy(text, lang, context_year)
        except Exception:  # noqa: BLE001 - item-level trouble is a flag, not an exception (STYLE.md §3)
            log.warning("timeline strategy %s failed on %r", strategy.__name__, text, exc_info=True)
            continue
        if result is not None:
            return result
    return Timeline(text=text)


_GLUE = {"filler", "suffix", "range", "list", "comma", "alt", "skip", "qmark", "uncertain", "qual", "qual_after"}


def _english_month_words(folded: str, tokens: list[Token]) -> list[Token]:
    """In English prose "may" and "march" are verbs: keep a month word only where it reads as a month."""
    kept = []
    for k, tok in enumerate(tokens):
        kind, value, start, end = tok
        if kind == "month":
            word = folded[start:end]
            prev = tokens[k - 1][0] if k else None
            nxt = tokens[k + 1][0] if k + 1 < len(tokens) else None
            if nxt in ("range", "list") and k + 2 < len(tokens) and tokens[k + 2][0] == "month":
                nxt = "month"  # "March - May 2015": a month opening a range of months
            if word[0].islower() or (word.lower() in ("may", "march") and nxt not in ("year", "num", "month")
                                     and prev not in ("filler", "qual", "range", "list", "comma", "alt", "num")):
                tok = ("noise", None, start, end)
        kept.append(tok)
    return kept


def find_timeline_phrase(sentence: str, lang: str = "en") -> str | None:
    """The timeline phrase inside a milestone sentence, or None.

    ``find_timeline_phrase("Circulate handbook text end of February for endorsement by the Group")``
    -> ``"end of February"``; ``find_timeline_phrase("Venue: Geneva")`` -> ``None``.

    >>> find_timeline_phrase("Circulate handbook text end of February for endorsement by the Group")
    'end of February'
    >>> find_timeline_phrase("Venue: Geneva") is None
    True
    """
    try:
        # a sentence is searched in its first MAX_SENTENCE_CHARS: an item text that long is a page of prose
        return _find(sentence[:MAX_SENTENCE_CHARS] if isinstance(sentence, str) else "", _language(lang))
    except Exception:  # noqa: BLE001 - same contract as normalize_timeline
        log.warning("find_timeline_phrase failed on %r", sentence, exc_info=True)
        return None


def _find(sentence: str, lang: str) -> str | None:
    folded, offsets = _prepare(sentence)
    tokens = tokenize(folded, lexicon(lang))
    if lang == "en":
        tokens = _english_month_words(folded, tokens)
    _, reading = read(folded, tokens, None)
    anchors = set(reading.anchors)
    best: tuple[int, int, int] | None = None  # (anchor count, first token, last token)
    k = 0
    while k < len(tokens):
        if k not in anchors and tokens[k][0] not in _GLUE:
            k += 1
            continue
        j = k
        while j + 1 < len(tokens) and (j + 1 in anchors or tokens[j + 1][0] in _GLUE):
            j += 1
        lo, hi = k, j
        while lo <= hi and not (lo in anchors or tokens[lo][0] == "qual"
                                or (tokens[lo][0] == "range" and tokens[lo][1] is None)):
            lo += 1
        while hi >= lo and not (hi in anchors or tokens[hi][0] in ("qual_after", "qmark")
                                or (tokens[hi][0] == "suffix" and hi - 1 in anchors)):
            hi -= 1
        count = sum(1 for t in range(lo, hi + 1) if t in anchors)
        if count and (best is None or count > best[0]):
            best = (count, lo, hi)
        k = j + 1
    if best is None:
        return None
    start, end = tokens[best[1]][2], tokens[best[2]][3]
    if offsets:
        start, end = offsets[start], offsets[end]
    phrase = sentence[start:end]
    rest = sentence[end:].lstrip()
    if phrase.count("(") > phrase.count(")") and rest.startswith(")"):
        phrase = sentence[start:len(sentence) - len(rest) + 1]
    return phrase.strip()
