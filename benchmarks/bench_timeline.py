"""Timeline benchmark: exactly right intervals and phrases/second, normalize_timeline against dateparser."""

from __future__ import annotations

import csv
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: python benchmarks/bench_timeline.py

import dateparser  # noqa: E402
from dateparser.date import DateDataParser  # noqa: E402

from normalizers import normalize_timeline  # noqa: E402

PHRASES = Path(__file__).with_name("timeline_phrases.csv")
Interval = tuple[dt.date | None, dt.date | None]


class Phrase(NamedTuple):
    text: str
    lang: str
    context_year: int | None
    expected: Interval
    seed: bool  # printed in one of the five seed documents (not a translation written for the table)


def load_phrases(path: Path = PHRASES) -> list[Phrase]:
    """The shared phrase list: ``load_phrases()[0]`` -> ``Phrase("25-26 February 2016", "en", None, ...)``."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    phrases = []
    for rec in csv.DictReader(lines):
        expected = tuple(dt.date.fromisoformat(rec[k]) if rec[k] else None for k in ("start", "end"))
        seed = rec["source"].split()[0] in ("gmg2016", "gmg2010", "wg6", "network2021", "network2022")
        seed = seed and "edition" not in rec["source"] and "brief" not in rec["source"]
        phrases.append(Phrase(rec["text"].replace("\\n", "\n"), rec["lang"],
                              int(rec["context_year"]) if rec["context_year"] else None, expected, seed))  # type: ignore[arg-type]
    return phrases


def ours(p: Phrase) -> Interval:
    t = normalize_timeline(p.text, p.lang, p.context_year)
    return t.start, t.end


def dateparser_parse(p: Phrase) -> Interval:
    """Plain ``dateparser.parse(text)``: one point in time, so the interval is that day."""
    d = dateparser.parse(p.text)
    return (d.date(), d.date()) if d else (None, None)


_PARSERS: dict[str, DateDataParser] = {}
_PERIOD_DAYS = {"day": 0, "week": 6}


def dateparser_period(p: Phrase) -> Interval:
    """``DateDataParser(languages=[lang])`` with its ``period`` widened to an interval (its best showing)."""
    parser = _PARSERS.setdefault(p.lang, DateDataParser(languages=[p.lang],
                                                         settings={"PREFER_DAY_OF_MONTH": "first"}))
    data = parser.get_date_data(p.text)
    if data.date_obj is None:
        return None, None
    d = data.date_obj.date()
    if data.period == "year":
        return dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)
    if data.period == "month":
        nxt = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
        return d.replace(day=1), nxt - dt.timedelta(days=1)
    return d, d + dt.timedelta(days=_PERIOD_DAYS.get(data.period or "day", 0))


def measure(fn: Callable[[Phrase], Interval], phrases: list[Phrase],
            min_seconds: float) -> tuple[list[Interval], float]:
    """Answers of one pass (which also warms caches up), then phrases/second over whole timed passes."""
    answers = [fn(p) for p in phrases]
    done, start = 0, time.perf_counter()
    while True:
        for p in phrases:
            fn(p)
        done += len(phrases)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return answers, done / elapsed


def main() -> None:
    phrases = load_phrases()
    seeds = [k for k, p in enumerate(phrases) if p.seed]
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; "
          f"{len(phrases)} phrases ({len(seeds)} from the seed documents)\n")
    rows = []
    for name, fn in (("normalize_timeline", ours), ("dateparser.parse(text)", dateparser_parse),
                     ("dateparser DateDataParser + period", dateparser_period)):
        answers, rate = measure(fn, phrases, min_seconds=3.0)
        right = [answers[k] == p.expected for k, p in enumerate(phrases)]
        rows.append((name, sum(right), sum(right[k] for k in seeds), rate))
    base = rows[1][3]
    print("| method | exact (start, end), all | exact, seed phrases | phrases/s | x dateparser.parse |")
    print("|---|---|---|---|---|")
    for name, right, seed_right, rate in rows:
        print(f"| {name} | {right}/{len(phrases)} ({right / len(phrases):.0%}) | {seed_right}/{len(seeds)} "
              f"({seed_right / len(seeds):.0%}) | {rate:,.0f} | {rate / base:.1f} |")
    wrong = [p.text for p, a in zip(phrases, measure(ours, phrases, 0)[0], strict=True) if a != p.expected]
    if wrong:
        print("\nnormalize_timeline got wrong:", wrong)


if __name__ == "__main__":
    main()
