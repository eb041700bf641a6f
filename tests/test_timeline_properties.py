"""Properties of the timeline normaliser: it never raises, and start <= end, on any text in any of the six languages."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers import find_timeline_phrase, normalize_timeline
from normalizers.timeline import grammar_timeline
from normalizers.timeline_lexicon import LANGUAGES, language_words
from pipeline.core.records import Timeline

LANGS = st.sampled_from(LANGUAGES)
YEARS = st.one_of(st.none(), st.integers(min_value=-5, max_value=10_005))
NUMERIC = ["2021", "2016", "1999", "Q2", "q4", "T3", "H1", "S2", "25", "1er", "2e", "3rd", "2-й", "II", "IV",
           "05-06/2020", "16/12/2019", "9/15/2016", "2/2020", "2016-18", "2016-12", "2021-04-30", "31", "0", "99",
           "-", "–", "/", ",", ";", "?", "(", ")", "<br>", "\n", "年", "第", "月", "日", "و", ":", "."]
SEPARATORS = st.sampled_from(["", " ", " ", "-", ", ", "/", "\n"])


def _pieces(lang: str) -> st.SearchStrategy[str]:
    words = sorted(language_words(lang)) + sorted(language_words("en"))
    return st.sampled_from(words + NUMERIC)


@st.composite
def grammar_phrases(draw: st.DrawFn) -> tuple[str, str]:
    """A random sequence of the grammar's own words and numbers, e.g. ("fin 2e trimestre - 2016, ?", "fr")."""
    lang = draw(LANGS)
    pieces = draw(st.lists(_pieces(lang), min_size=1, max_size=8))
    text = ""
    for piece in pieces:
        text += draw(SEPARATORS) + piece
    return text, lang


def _check(result: Timeline, text: str) -> None:
    assert isinstance(result, Timeline)
    assert result.text == text
    if result.start is not None and result.end is not None:
        assert result.start <= result.end
    assert (result.precision is None) == (result.start is None and result.end is None)
    assert (result.edtf is None) == (result.start is None and result.end is None)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80), lang=LANGS, year=YEARS)
def test_never_raises_on_any_text(text: str, lang: str, year: int | None) -> None:
    _check(normalize_timeline(text, lang, year), text)


@settings(max_examples=400, deadline=None)
@given(phrase=grammar_phrases(), year=YEARS)
def test_never_raises_on_compositions_of_grammar_pieces(phrase: tuple[str, str], year: int | None) -> None:
    text, lang = phrase
    _check(normalize_timeline(text, lang, year), text)
    # The grammar itself, without the safety net of normalize_timeline, must not raise either.
    result = grammar_timeline(text, lang, year if year is None or 1 <= year <= 9998 else None)
    if result is not None:
        _check(result, text)


@settings(max_examples=300, deadline=None)
@given(phrase=grammar_phrases(), prefix=st.text(max_size=20), suffix=st.text(max_size=20))
def test_found_phrase_is_part_of_the_sentence(phrase: tuple[str, str], prefix: str, suffix: str) -> None:
    text, lang = phrase
    sentence = f"{prefix} {text} {suffix}"
    found = find_timeline_phrase(sentence, lang)
    assert found is None or (found and found in sentence)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200), lang=st.one_of(LANGS, st.text(max_size=5)))
def test_find_never_raises(text: str, lang: str) -> None:
    found = find_timeline_phrase(text, lang)
    assert found is None or found in text
