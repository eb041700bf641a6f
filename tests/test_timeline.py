"""Timeline normaliser: every seed phrase and its UN translations, find_timeline_phrase, strategies, data files."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from normalizers import find_timeline_phrase, normalize_timeline
from normalizers.timeline import (
    STRATEGIES,
    dateparser_timeline,
    defined_period_timeline,
    grammar_timeline,
    revised_timeline,
    stages_timeline,
)
from normalizers.timeline_lexicon import DATA_DIR, LANGUAGES, language_words, lexicon, load_language_data
from normalizers.timeline_relative import relative_timeline
from pipeline.core.enums import Precision
from pipeline.core.records import Timeline

ROOT = Path(__file__).parents[1]
PHRASES = ROOT / "benchmarks" / "timeline_phrases.csv"
RAW = ROOT / "raw"
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Row:
    text: str
    lang: str
    context_year: int | None
    expected: Timeline
    source: str


def load_rows() -> list[Row]:
    """The shared phrase table (benchmarks/timeline_phrases.csv), one row per phrase."""
    lines = [line for line in PHRASES.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = []
    for rec in csv.DictReader(lines):
        text = rec["text"].replace("\\n", "\n")
        flags: dict[str, str | bool] = {}
        for flag in filter(None, rec["flags"].split(";")):
            key, _, value = flag.partition("=")
            flags[key] = value or True
        expected = Timeline(
            text=text,
            start=dt.date.fromisoformat(rec["start"]) if rec["start"] else None,
            end=dt.date.fromisoformat(rec["end"]) if rec["end"] else None,
            precision=Precision(rec["precision"]) if rec["precision"] else None,
            ongoing=flags.get("ongoing") is True,
            tbc=flags.get("tbc") is True,
            uncertain=flags.get("uncertain") is True,
            location=flags.get("location") or None,  # type: ignore[arg-type]
            recurrence=flags.get("recurrence") or None,  # type: ignore[arg-type]
            qualifier=flags.get("qualifier") or None,  # type: ignore[arg-type]
            edtf=rec["edtf"] or None,
        )
        year = int(rec["context_year"]) if rec["context_year"] else None
        rows.append(Row(text, rec["lang"], year, expected, rec["source"]))
    return rows


ROWS = load_rows()


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.lang}-{r.context_year}-{r.text[:40]}" for r in ROWS])
def test_normalize_timeline(row: Row) -> None:
    assert normalize_timeline(row.text, row.lang, row.context_year) == row.expected


def test_table_has_ten_phrases_per_language() -> None:
    counts = {lang: sum(1 for r in ROWS if r.lang == lang) for lang in LANGUAGES}
    assert all(counts[lang] >= 10 for lang in LANGUAGES if lang != "en"), counts
    assert sum(counts[lang] for lang in LANGUAGES if lang != "en") >= 60


# 2010 workplan bullets (milestone sentences), then the other editions: sentence -> phrase.
FIND = [
    ("en", "Circulate handbook text end of February for endorsement by the Group", "end of February"),
    ("en", "Publish handbook by May 2009", "by May 2009"),
    ("en", "Present and disseminate handbook at practitioners symposium at the end of May", "end of May"),
    ("en", "Circulate concept note with detailed timeline in early January", "early January"),
    ("en", "Proposed date: 27-28 May or 30 May-1 June 2010", "27-28 May or 30 May-1 June 2010"),
    ("en", "Venue: Geneva", None),
    ("en", "Invite EC to join first GMG WL meeting in early February 2010", "early February 2010"),
    ("en", "Provide feedback to the EC on the EMP template in late February", "late February"),
    ("en", "Circulate results of UNDP review of MPs in May", "May"),
    ("en", "Discuss EMPs at GMG symposium in May", "May"),
    ("en", "Share recommendations on EMPs (based on UNDP study + outcomes of symposium discussion) with the EC in June",
     "June"),
    ("en", "Organize conference call with interested agencies in March", "March"),
    ("en", "Circulate outcomes of the call to all GMG members", None),
    ("en", "Decide on the establishment of a working group on this topic at WL meeting in April/May", "April/May"),
    ("en", "Proposed date: 1/2 day in Geneva during week of 13-17 September", "week of 13-17 September"),
    ("en", "Tentative agenda for meeting circulated prior to third GMG working level meeting on 1 Sept.", "1 Sept."),
    ("en", "Date and modalities to be discussed", None),
    ("en", "Proposed date: 6 October", "6 October"),
    ("en", "Draft concept note and background document circulated prior to third GMG working level meeting on 1 Sept.",
     "1 Sept."),
    ("en", "Date: Nov. 2010", "Nov. 2010"),
    ("en", "Assignment of tasks to be discussed within GMG: initial discussion between GMG members to start at first "
           "working level meeting on 8 February", "8 February"),
    ("en", "Preparation of background papers etc. in close consultation within GMG and with GFMD Chair/Steering Group",
     None),
    ("en", "Update of existing fact sheets: March 2010", "March 2010"),
    ("en", "Production of new fact sheets: ongoing", "ongoing"),
    ("en", "Dissemination of fact sheets: ongoing through public website; hard copy distribution at the GMG symposium",
     "ongoing"),
    ("en", "Joint press statement/event around the practitioners symposium at the end of May 2010", "end of May 2010"),
    ("en", "Joint OpEd/'talking point' upon occasion", None),
    ("en", "Website and internal workspace maintenance: continuous", "continuous"),
    ("en", "Outreach to SG through the SRSG on Migration and Development", None),
    ("en", "Joint Principals' statement to GFMD IV, Nov. 2010", "Nov. 2010"),
    ("en", "Joint press statement / guidance note for UN system on International Migrants Day and 20th anniversary of "
           "ICRMW, 18 Dec. 2010", "18 Dec. 2010"),
    ("en", "First meeting: 8 February 2010", "8 February 2010"),
    ("en", "Second meeting: April/May 2010", "April/May 2010"),
    ("en", "Third meeting: June 2010", "June 2010"),
    ("en", "Fourth meeting: 1 September 2010", "1 September 2010"),
    ("en", "Fifth meeting: 15 December 2010", "15 December 2010"),
    ("en", "Operationalize the Global Guidance on a needs basis throughout 2022-2024. It will focus on",
     "throughout 2022-2024"),
    ("en", "We may march on", None),
    ("fr", "Diffuser le texte du manuel fin février pour approbation par le Groupe", "fin février"),
    ("fr", "Publier le manuel d’ici à mai 2009", "d’ici à mai 2009"),
    ("fr", "Réunion prévue la semaine du 13 au 17 septembre à Genève", "semaine du 13 au 17 septembre"),
    ("es", "Publicar el manual para mayo de 2009", "para mayo de 2009"),
    ("es", "Circular el texto del manual a finales de febrero para su aprobación por el Grupo", "a finales de febrero"),
    ("ru", "Опубликовать руководство до мая 2009 г.", "до мая 2009 г."),
    ("ru", "Проведение совещания 25–26 февраля 2016 г. в Женеве", "25–26 февраля 2016 г."),
    ("ar", "نشر الدليل بحلول أيار/مايو 2009", "بحلول أيار/مايو 2009"),
    ("zh", "2009年5月前出版手册", "2009年5月前"),
    ("zh", "于2016年2月25日至26日在日内瓦举行会议", "2016年2月25日至26日"),
]


@pytest.mark.parametrize(("lang", "sentence", "phrase"), FIND, ids=[f"{x[0]}-{x[1][:40]}" for x in FIND])
def test_find_timeline_phrase(lang: str, sentence: str, phrase: str | None) -> None:
    assert find_timeline_phrase(sentence, lang) == phrase


def _seed_phrases() -> set[tuple[str, str, int | None]]:
    """Every timeline phrase printed in the seed documents, collected from raw/ and the French fixture."""
    found: set[tuple[str, str, int | None]] = set()
    started = False
    for line in (RAW / "gmg_multi_annual_workplan_2016_2018.md").read_text(encoding="utf-8").splitlines():
        started = started or "Timeframe" in line
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if started and len(cells) >= 5:
            cell = re.sub(r"</?p>", "", cells[2]).strip()
            if cell and cell != "Timeframe" and set(cell) != {"-"}:
                found.add((cell, "en", None))
    for line in (RAW / "wg6_services_access_draft_2019.txt").read_text(encoding="utf-8").splitlines():
        cells = [re.sub(r"</?p>", "", c).strip() for c in line.split("\t")]
        if cells[0].startswith("ENGAGEMENT WITH WG6") or cells[0].startswith("ENGAGEMENT WITH OTHER CORE"):
            found.add((cells[1], "en", None))
        elif len(cells) > 2 and cells[2] and cells[2] != "TIMELINE":
            found.add((cells[2], "en", None))
    for path, label, lang in ((RAW / "un_network_workplan_2021_2022_webpage.txt", "Timeline:", "en"),
                              (FIXTURES / "un_network_workplan_2021_2022_fr.txt", "Calendrier :", "fr")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith(label):
                found.add((line.strip()[len(label):].strip(), lang, None))
    for line in (RAW / "gmg_workplan_2010.txt").read_text(encoding="utf-8").splitlines():
        phrase = find_timeline_phrase(line[2:]) if line.startswith("- ") else None
        if phrase:
            found.add((phrase, "en", 2010))
    return found


def test_every_seed_phrase_is_in_the_table() -> None:
    seeds = _seed_phrases()
    assert len(seeds) >= 80
    assert seeds - {(r.text, r.lang, r.context_year) for r in ROWS} == set()


def test_strategies_run_grammar_first() -> None:
    # stages_timeline only answers texts of several " | "-separated stages, defined_period_timeline a quarter
    # named then defined by its dates; single phrases go to the grammar
    assert STRATEGIES == (revised_timeline, stages_timeline, defined_period_timeline, relative_timeline,
                          grammar_timeline, dateparser_timeline)
    assert stages_timeline("Q2 2021", "en", None) is None
    assert defined_period_timeline("Q2 2021", "en", None) is None
    assert defined_period_timeline("Phase 1: April 2026 to June 2026", "en", None) is None


def test_a_quarter_defined_by_its_dates_is_those_dates() -> None:
    # a fiscal quarter: its name says Q1, its dates April to June
    t = normalize_timeline("1er trimestre : avril 2026 à juin 2026", "fr")
    assert (t.start, t.end, t.precision) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), Precision.MONTH)
    t = normalize_timeline("Q1: April 2026 to June 2026", "en")
    assert (t.start, t.end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    t = normalize_timeline("Q3: 2026", "en")
    assert (t.start, t.end, t.precision) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30), Precision.QUARTER)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("FPWD: 26 Apr 2011 | CR: 7 Jul 2016 | PR: Q3 2024 | Rec: Q4 2024", dt.date(2011, 4, 26),
         dt.date(2024, 12, 31)),
        ("FPWD: 12 Feb 2015 | CR: 14 Dec 2017", dt.date(2015, 2, 12), dt.date(2017, 12, 14)),
        ("Start: Q1 2025 | End: TBD", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    ],
)
def test_stages_of_a_milestone_row_span_earliest_to_latest(text, start, end) -> None:
    t = normalize_timeline(text)
    assert (t.start, t.end, t.precision) == (start, end, Precision.RANGE)
    assert t.text == text


def test_grammar_strategy_alone() -> None:
    assert grammar_timeline("Q2 – Q4 2021", "en", None).edtf == "2021-04/2021-12"  # type: ignore[union-attr]
    assert grammar_timeline("24.III.2016", "en", None) is None  # left to dateparser
    # year first, one separator throughout: read by the grammar ("2021/5/19" was a year alone before)
    for text in ("2016.03.24", "2016-03-24", "2016/3/24"):
        got = grammar_timeline(text, "en", None)
        assert (got.start, got.end, got.precision) == (dt.date(2016, 3, 24), dt.date(2016, 3, 24), Precision.DAY)  # type: ignore[union-attr]
    stages = normalize_timeline("版本构建: 2021/5/19 | 版本转测试: 2021/5/19 | 版本测试完成: 2021/6/7", "zh")
    assert (stages.start, stages.end) == (dt.date(2021, 5, 19), dt.date(2021, 6, 7))
    assert normalize_timeline("2016-12").precision is Precision.MONTH  # year-month stays a month
    assert grammar_timeline("Venue: Geneva", "en", None) is None


def test_dateparser_strategy_alone() -> None:
    result = dateparser_timeline("24 March 2016", "en", None)
    assert (result.start, result.end, result.precision) == (dt.date(2016, 3, 24), dt.date(2016, 3, 24), Precision.DAY)  # type: ignore[union-attr]
    assert dateparser_timeline("24 March", "en", None) is None  # no year: never today's year
    assert dateparser_timeline("Venue: Geneva", "en", None) is None


def test_language_codes_are_forgiving() -> None:
    assert normalize_timeline("T2 2021", "fr-FR").start == dt.date(2021, 4, 1)
    assert normalize_timeline("Q2 2021", "xx").start == dt.date(2021, 4, 1)  # unknown code: English words


def test_no_year_and_no_context_gives_no_dates() -> None:
    assert normalize_timeline("early January") == Timeline(text="early January")
    assert normalize_timeline("13-17 September", context_year=2010).start == dt.date(2010, 9, 13)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_data_file_loads_without_duplicates(lang: str) -> None:
    assert (DATA_DIR / f"timeline_{lang}.yaml").exists()
    data = load_language_data(lang)
    assert set(data) <= {"months", "ordinals", "ordinal_suffixes", "quarter_words", "quarter_prefixes", "half_words",
                         "half_prefixes", "half_names", "qualifiers", "qualifiers_after", "ongoing", "tbc",
                         "uncertain", "recurrence", "range", "list", "alternative", "filler", "suffixes",
                         "joined_prefixes"}
    assert sorted(data["months"]) == list(range(1, 13))
    words = language_words(lang)  # raises on a word with two meanings
    assert {value for kind, value in words.values() if kind == "month"} == set(range(1, 13))
    assert lexicon(lang).pattern.search("2021")


def test_duplicate_yaml_keys_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from normalizers import timeline_lexicon

    (tmp_path / "timeline_xx.yaml").write_text("months:\n  1: [jan]\n  1: [janv]\n", encoding="utf-8")
    monkeypatch.setattr(timeline_lexicon, "DATA_DIR", tmp_path)
    with pytest.raises(ValueError, match="duplicate key 1"):
        load_language_data.__wrapped__("xx")


# Timings that are not plain dates (normalizers/timeline_relative.py): text, lang -> start, end, uncertain,
# qualifier, duration, relative_to, recurrence. Hand-written expectations, one printed phrase per line.
RELATIVE = [
    ("Within 90 days of the adoption of the strategy", "en", None, None, False, "within", "P90D",
     "the adoption of the strategy", None),
    ("18 months", "en", None, None, False, None, "P18M", None, None),
    ("within 6 months", "en", None, None, False, "within", "P6M", None, None),
    ("12 months after signature", "en", None, None, False, None, "P12M", "signature", None),
    ("Week 3 - 12", "en", None, None, False, None, "P10W", "week 3 of the work", None),
    ("Month 6", "en", None, None, False, None, "P1M", "month 6 of the work", None),  # a month, not week 6
    ("Month: 24 - 36", "en", None, None, False, None, "P13M", "month 24 of the work", None),
    ("mois 3", "fr", None, None, False, None, "P1M", "month 3 of the work", None),
    ("(2 weeks)", "en", None, None, False, None, "P2W", None, None),
    ("dans un délai de 90 jours", "fr", None, None, False, "within", "P90D", None, None),
    ("en un plazo de 18 meses", "es", None, None, False, "within", "P18M", None, None),
    ("в течение 6 месяцев", "ru", None, None, False, "within", "P6M", None, None),
    ("6个月内", "zh", None, None, False, "within", "P6M", None, None),
    ("خلال 90 يوما", "ar", None, None, False, "within", "P90D", None, None),
    ("Spring 2024", "en", dt.date(2024, 3, 1), dt.date(2024, 5, 31), True, None, None, None, None),
    ("Winter 2024", "en", dt.date(2024, 12, 1), dt.date(2025, 2, 28), True, None, None, None, None),
    ("primavera de 2024", "es", dt.date(2024, 3, 1), dt.date(2024, 5, 31), True, None, None, None, None),
    ("automne 2023", "fr", dt.date(2023, 9, 1), dt.date(2023, 11, 30), True, None, None, None, None),
    ("2024年春季", "zh", dt.date(2024, 3, 1), dt.date(2024, 5, 31), True, None, None, None, None),
    ("FY2024", "en", dt.date(2024, 1, 1), dt.date(2024, 12, 31), True, "fiscal", None, None, None),
    ("FY 2024/25", "en", dt.date(2024, 1, 1), dt.date(2025, 12, 31), True, "fiscal", None, None, None),
    ("exercice 2025", "fr", dt.date(2025, 1, 1), dt.date(2025, 12, 31), True, "fiscal", None, None, None),
    ("2 reports per year", "en", None, None, False, None, None, None, "FREQ=MONTHLY;INTERVAL=6"),
    ("one meeting per quarter", "en", None, None, False, None, None, None, "FREQ=MONTHLY;INTERVAL=3"),
    ("deux réunions par an", "fr", None, None, False, None, None, None, "FREQ=MONTHLY;INTERVAL=6"),
    ("3 per week", "en", None, None, False, None, None, None, "FREQ=WEEKLY;X-TIMES=3"),
    ("when the Operator becomes v1.0", "en", None, None, False, "when", None, "the Operator becomes v1.0", None),
    ("dès que le financement sera disponible", "fr", None, None, False, "when", None,
     "le financement sera disponible", None),
]


@pytest.mark.parametrize(
    ("text", "lang", "start", "end", "uncertain", "qualifier", "duration", "relative_to", "recurrence"), RELATIVE)
def test_relative_seasonal_fiscal_and_counted_timings(text, lang, start, end, uncertain, qualifier, duration,
                                                      relative_to, recurrence) -> None:
    t = normalize_timeline(text, lang=lang)
    assert (t.start, t.end, t.uncertain, t.qualifier, t.duration, t.relative_to, t.recurrence) == (
        start, end, uncertain, qualifier, duration, relative_to, recurrence)
    assert t.text == text


@pytest.mark.parametrize("text", ["2021", "Q2 2021", "2021年", "2021 год", "May 2019", "25-26 February 2016"])
def test_dates_are_never_durations(text) -> None:
    t = normalize_timeline(text, lang="zh" if "年" in text else "ru" if "год" in text else "en")
    assert t.duration is None and t.start is not None


@pytest.mark.parametrize(
    ("text", "lang", "start", "end", "revised_from"),
    [
        ("~~March 31, 2023~~ May 15, 2023*", "en", dt.date(2023, 5, 15), dt.date(2023, 5, 15), "March 31, 2023"),
        ("Q2 2023, postponed to Q4 2023", "en", dt.date(2023, 10, 1), dt.date(2023, 12, 31), "Q2 2023"),
        ("Q4 2023 (initially Q2 2023)", "en", dt.date(2023, 10, 1), dt.date(2023, 12, 31), "Q2 2023"),
        ("T2 2023, reporté à T4 2023", "fr", dt.date(2023, 10, 1), dt.date(2023, 12, 31), "T2 2023"),
        ("II квартал 2023 года, перенесено на IV квартал 2023 года", "ru", dt.date(2023, 10, 1),
         dt.date(2023, 12, 31), "II квартал 2023 года"),
        ("Q2 2021", "en", dt.date(2021, 4, 1), dt.date(2021, 6, 30), None),
    ],
)
def test_a_revised_date_is_the_timeline_and_the_old_one_is_kept(text, lang, start, end, revised_from) -> None:
    t = normalize_timeline(text, lang=lang)
    assert (t.start, t.end, t.revised_from) == (start, end, revised_from)


def test_struck_through_dates_are_kept_marked():
    from extractors.fragments import fragment_to_text

    assert fragment_to_text("<s>March 31, 2023</s> <b>May 15, 2023*</b>") == "~~March 31, 2023~~ May 15, 2023*"


@pytest.mark.parametrize(
    ("convention", "text", "start", "end", "uncertain"),
    [
        (None, "FY2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), True),  # no convention: calendar year, uncertain
        ("US", "FY2024", dt.date(2023, 10, 1), dt.date(2024, 9, 30), False),  # the US names the year it ends in
        ("UK", "FY 2024", dt.date(2024, 4, 1), dt.date(2025, 3, 31), False),
        ("US", "FY 2024/25", dt.date(2023, 10, 1), dt.date(2025, 9, 30), False),
    ],
)
def test_fiscal_year_with_and_without_a_declared_convention(monkeypatch, convention, text, start, end, uncertain):
    from normalizers.timeline_relative import FISCAL_ENV

    if convention:
        monkeypatch.setenv(FISCAL_ENV, convention)
    else:
        monkeypatch.delenv(FISCAL_ENV, raising=False)
    t = normalize_timeline(text)
    assert (t.start, t.end, t.uncertain, t.qualifier) == (start, end, uncertain, "fiscal")


def test_a_very_long_timeline_text_is_read_in_its_first_part_and_kept_whole() -> None:
    from normalizers.timeline import MAX_TIMELINE_CHARS

    text = "Q2 2021 " + "and more words " * 200
    t = normalize_timeline(text)
    assert len(text) > MAX_TIMELINE_CHARS
    assert (t.text, t.start, t.end, t.uncertain) == (text, dt.date(2021, 4, 1), dt.date(2021, 6, 30), True)
    assert normalize_timeline("-" * 100_000).start is None  # bounded work, no error


@pytest.mark.parametrize(("text", "lang", "start", "end"), [
    ("05–06.2020", "ru", dt.date(2020, 5, 1), dt.date(2020, 6, 30)),
    ("2020年5-6月", "zh", dt.date(2020, 5, 1), dt.date(2020, 6, 30)),
    ("05.06.2020", "ru", dt.date(2020, 6, 5), dt.date(2020, 6, 5)),  # a day, not a range of months
])
def test_numeric_month_ranges_of_the_editions(text, lang, start, end) -> None:
    t = normalize_timeline(text, lang=lang)
    assert (t.start, t.end) == (start, end)


@pytest.mark.parametrize(("text", "lang", "start", "end", "precision"), [
    ("Nov/2018", "en", dt.date(2018, 11, 1), dt.date(2018, 11, 30), "month"),
    ("noviembre/2018", "es", dt.date(2018, 11, 1), dt.date(2018, 11, 30), "month"),
    ("novembre/2018", "fr", dt.date(2018, 11, 1), dt.date(2018, 11, 30), "month"),
    ("Q1/2019", "en", dt.date(2019, 1, 1), dt.date(2019, 3, 31), "quarter"),
    ("T1/2019", "fr", dt.date(2019, 1, 1), dt.date(2019, 3, 31), "quarter"),
    ("May/June 2018", "en", dt.date(2018, 5, 1), dt.date(2018, 6, 30), "month"),
    ("2018/2019", "en", dt.date(2018, 1, 1), dt.date(2019, 12, 31), "year"),
])
def test_a_month_or_quarter_and_its_year_joined_by_a_slash(text, lang, start, end, precision) -> None:
    t = normalize_timeline(text, lang)
    assert (t.start, t.end, t.precision.value) == (start, end, precision)
