"""Bounded work per input and saying what was lost: length caps, linear normalisers on large inputs, the worker
process's time and memory limits, PDF limits, damaged PDF pages and HTML nested too deep."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import zlib
from pathlib import Path

import pytest

from pipeline.core.enums import Precision, Status
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "fixtures" / "bad"


# --- normalisers: capped, and linear below the cap (correct answers on inputs far past any real cell) ---

@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "edtf"),
    [
        # 3,000 bare numbers each take the quarter of the one after them (one pass, not 3,000)
        ("1, " * 3000 + "Q1 2020", dt.date(2020, 1, 1), dt.date(2020, 3, 31), Precision.QUARTER, "2020-01/2020-03"),
        ("Q1 " + "and 2 " * 2000 + "2022", dt.date(2022, 1, 1), dt.date(2022, 6, 30), Precision.QUARTER,
         "2022-01/2022-06"),
        # 2,000 months take the year printed at the far end
        ("January, " * 2000 + "2020", dt.date(2020, 1, 1), dt.date(2020, 1, 31), Precision.MONTH, "2020-01"),
        # 20,000 dashes before a date: an open start, as in "Ongoing-2018"
        ("-" * 20000 + " Q3 2021", None, dt.date(2021, 9, 30), Precision.QUARTER, "../2021-09"),
    ],
)
def test_timeline_grammar_reads_very_long_input_right(text, start, end, precision, edtf):
    from normalizers.timeline import grammar_timeline

    t = grammar_timeline(text)
    assert (t.start, t.end, t.precision, t.edtf) == (start, end, precision, edtf)


def test_timeline_grammar_finds_nothing_in_dashes_and_the_phrase_after_them(monkeypatch):
    import normalizers.timeline as timeline

    assert timeline.grammar_timeline("-" * 20000) is None
    sentence = "Circulate the text " + "- " * 10000 + "by end of February 2021"
    assert timeline.find_timeline_phrase(sentence) is None  # past MAX_SENTENCE_CHARS: not searched
    monkeypatch.setattr(timeline, "MAX_SENTENCE_CHARS", 10**9)
    assert timeline.find_timeline_phrase(sentence) == "by end of February 2021"


@pytest.mark.parametrize(
    ("text", "count", "texts", "ids"),
    [
        ("IOM, " * 4000, 4000, {"IOM"}, {"IOM"}),
        ("Acme Foundation (AF), " * 1000, 1000, {"Acme Foundation (AF)"}, {None}),  # acronym joins its name
        ("ITC-ILO Learning Centre, " * 1000, 1000, {"ITC-ILO Learning Centre"}, {"ITC-ILO"}),  # a name grows
    ],
)
def test_agencies_read_a_very_long_cell_right_without_the_cap(monkeypatch, text, count, texts, ids):
    import normalizers.agencies as agencies

    monkeypatch.setattr(agencies, "MAX_CELL_CHARS", 10**9)
    mentions = agencies.resolve_agencies(text)
    assert len(mentions) == count
    assert ({m.text for m in mentions}, {m.agency_id for m in mentions}) == (texts, ids)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_a_lead_cell_past_the_cap_is_read_in_its_first_part_with_a_warning(tmp_path):
    from normalizers.agencies import MAX_CELL_CHARS

    raw = tmp_path / "raw"
    raw.mkdir()
    lead = "IOM, " * 2000 + "Acme Foundation"  # 10,015 characters; the unknown name is past the cap
    (raw / "plan.txt").write_text(f"Activity\tLead\tTimeline\nWrite the report\t{lead}\tQ2 2021\n", encoding="utf-8")
    result = run_document(raw / "plan.txt", raw)
    assert result.status is Status.SUCCESS and len(result.items) == 1
    (warning,) = result.warnings
    assert (warning.stage, warning.error_type) == ("normalize", "too_long")
    assert warning.message == f"lead text of item 'Write the report' is 10015 characters; the first {MAX_CELL_CHARS} " \
                              "were read"
    assert {r.agency_id for r in result.leads} == {"IOM"} and len(result.leads) == MAX_CELL_CHARS // 5
    assert result.unresolved == []  # nothing past the cap is guessed at, "Acme Foundation" included


# --- the worker process: limits, and the same result as run_document ---

@pytest.fixture()
def workers():
    from pipeline import isolation

    yield isolation
    isolation.shutdown()


def _without_times(result):
    return dataclasses.replace(result, seconds={})


def test_a_worker_gives_exactly_what_run_document_gives(workers):
    raw = ROOT / "raw"
    for path in (raw / "wg6_services_access_draft_2019.txt", ROOT / "tests" / "fixtures" / "gmg_workplan_2010.pdf",
                 BAD / "damaged_middle.pdf", BAD / "encrypted.pdf"):
        alone = workers.run_document_limited(path, path.parent)
        assert _without_times(alone) == _without_times(run_document(path, path.parent))
    assert alone.status is Status.FAILURE and [e.error_type for e in alone.errors] == ["encrypted"]


def test_a_document_that_never_ends_is_stopped_with_a_timeout_row(workers, monkeypatch):
    monkeypatch.setenv(workers.FAULT_ENV, "sleep")
    path = ROOT / "raw" / "wg6_services_access_draft_2019.txt"
    result = workers.run_document_limited(path, path.parent, seconds=1)
    assert (result.status, result.items, result.document_id) == (Status.FAILURE, [], path.name)
    (error,) = result.errors
    assert (error.stage, error.error_type) == ("process", "timeout")
    assert error.message == (f"{path.name}: processing took longer than 1 s and was stopped (set "
                             "WORKPLANS_DOCUMENT_SECONDS to raise the limit)")
    monkeypatch.delenv(workers.FAULT_ENV)
    assert workers.run_document_limited(path, path.parent, seconds=60).status is Status.SUCCESS  # a new worker


def test_a_document_that_eats_memory_is_stopped_as_too_complex(workers, monkeypatch):
    monkeypatch.setenv(workers.FAULT_ENV, "allocate")
    path = ROOT / "raw" / "wg6_services_access_draft_2019.txt"
    result = workers.run_document_limited(path, path.parent, seconds=120, memory_mb=600)
    assert [(e.error_type, "more than 600 MB of memory" in e.message) for e in result.errors] == [("too_complex", True)]
    assert result.status is Status.FAILURE


def test_a_worker_that_dies_is_an_error_row_and_settings_reach_the_worker(workers, monkeypatch):
    path = ROOT / "raw" / "wg6_services_access_draft_2019.txt"
    assert workers.run_document_limited(path, path.parent).status is Status.SUCCESS  # a worker is now idle
    monkeypatch.setenv(workers.FAULT_ENV, "exit")
    died = workers.run_document_limited(path, path.parent)
    assert [e.error_type for e in died.errors] == ["internal_error"] and "exit code 70" in died.errors[0].message
    monkeypatch.delenv(workers.FAULT_ENV)
    monkeypatch.setenv("WORKPLANS_MAX_FILE_MB", "0.001")  # set after the worker started: it must still apply
    assert [e.error_type for e in workers.run_document_limited(path, path.parent).errors] == ["too_large"]


def test_limits_come_from_the_environment(workers, monkeypatch):
    assert workers.limits_from_env() == (300.0, 2048.0)
    monkeypatch.setenv("WORKPLANS_DOCUMENT_SECONDS", "5")
    monkeypatch.setenv("WORKPLANS_DOCUMENT_MEMORY_MB", "700")
    assert workers.limits_from_env() == (5.0, 700.0)


# --- PDF limits and damage, HTML depth ---

def test_a_pdf_with_its_middle_overwritten_is_partial_with_the_lost_pages_named():
    """The five-page GMG 2010 plan with 20% of its bytes zeroed in the middle: pages 4 and 5 lose their content
    (pdfminer reads them as blank pages without a word); their items are missing, and the result says so."""
    result = run_document(BAD / "damaged_middle.pdf", BAD)
    assert (result.status, result.pages, len(result.items), result.errors) == (Status.PARTIAL, 5, 34, [])
    lost = [(w.stage, w.page, w.message) for w in result.warnings if w.error_type == "lost_content"]
    assert lost == [
        ("extract", 4, "page 4 of the PDF is damaged: its content stream is cut short; it was read as blank"),
        ("extract", 5, "page 5 of the PDF is damaged: its content stream is missing; it was read as blank"),
    ]
    assert {i.page for i in result.items} == {1, 2, 3}
    whole = run_document(ROOT / "tests" / "fixtures" / "gmg_workplan_2010.pdf", ROOT / "tests" / "fixtures")
    assert whole.status is Status.SUCCESS and len(whole.items) == 51
    assert not [w for w in whole.warnings if w.error_type == "lost_content"]


def test_a_pdf_that_inflates_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setenv("WORKPLANS_MAX_PDF_INFLATED_MB", "10")  # the fixture: 31 kB on disk, 30 MB inflated
    result = run_document(BAD / "inflating.pdf", BAD)
    assert result.status is Status.FAILURE
    assert [(e.stage, e.error_type, e.message) for e in result.errors] == [
        ("extract", "too_large", "inflating.pdf: page 1 inflates the content past 10 MB (set "
                                 "WORKPLANS_MAX_PDF_INFLATED_MB to raise the limit)")]


def test_a_bomb_behind_a_filter_that_does_not_inflate_is_stopped_by_the_inflate_budget(monkeypatch):
    """``/Filter [/ASCIIHexDecode /FlateDecode]``: 62 kB on disk, 30 MB decoded; only the first filter used to be
    looked at, so the bomb ran into the worker's memory limit instead."""
    monkeypatch.setenv("WORKPLANS_MAX_PDF_INFLATED_MB", "10")
    result = run_document(BAD / "filter_chain.pdf", BAD)
    assert (result.status, [(e.stage, e.error_type, e.message) for e in result.errors]) == (Status.FAILURE, [
        ("extract", "too_large", "filter_chain.pdf: page 1 inflates the content past 10 MB (set "
                                 "WORKPLANS_MAX_PDF_INFLATED_MB to raise the limit)")])
    monkeypatch.setenv("WORKPLANS_MAX_PDF_INFLATED_MB", "40")
    assert run_document(BAD / "filter_chain.pdf", BAD).errors == []


@pytest.mark.parametrize(("filters", "data", "size"), [
    (["ASCIIHexDecode"], b"48656c6c6f>", 5),
    (["ASCII85Decode"], b"87cURDZ~>", 5),
    (["RunLengthDecode"], bytes([255, 65, 255, 66, 128]), 4),  # two runs of 2
    (["ASCIIHexDecode", "RunLengthDecode"], bytes([129, 32, 128]).hex().encode() + b">", 128),
    (["ASCIIHexDecode", "RunLengthDecode"], bytes([129, 32] * 100).hex().encode() + b">", 1024),  # stops past 1000
    (["FlateDecode", "ASCIIHexDecode"], zlib.compress(b"48656c6c6f>"), 5),
    (["LZWDecode"], bytes.fromhex("800b6050220c0c8501"), 10),  # "-----A---B", the example of ISO 32000-1 7.4.4.2
])
def test_every_filter_of_a_chain_is_counted(filters, data, size):
    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import LIT

    from extractors.pdf_checks import _inflate

    stream = PDFStream({"Filter": [LIT(f) for f in filters], "Length": len(data)}, data)
    assert _inflate(stream, 1000) == (size, None)


def test_a_pdf_with_only_an_owner_password_is_read_whole():
    """Encrypted with an empty user password (anyone may open it; the owner password guards permissions): its
    compressed content was checked still encrypted, so every page was "damaged" and the document partial."""
    result = run_document(BAD / "owner_password_only.pdf", BAD)
    assert (result.status, result.errors, [w.error_type for w in result.warnings]) == (Status.SUCCESS, [], [])
    assert [i.text for i in result.items] == ["convene the working group. Lead: UNDP",
                                              "publish the guidance note. Lead: IOM"]
    locked = run_document(BAD / "encrypted.pdf", BAD)  # a user password: still refused, in one line
    assert [e.error_type for e in locked.errors] == ["encrypted"]


def test_a_pdf_over_the_page_limit_is_refused(monkeypatch):
    monkeypatch.setenv("WORKPLANS_MAX_PDF_PAGES", "4")
    path = ROOT / "tests" / "fixtures" / "gmg_workplan_2010.pdf"
    result = run_document(path, path.parent)
    assert [(e.error_type, e.message) for e in result.errors] == [
        ("too_large", "gmg_workplan_2010.pdf: 5 pages is over the 4 page limit (set WORKPLANS_MAX_PDF_PAGES to "
                      "raise it)")]
    monkeypatch.setenv("WORKPLANS_MAX_PDF_PAGES", "5")
    assert run_document(path, path.parent).status is Status.SUCCESS


def test_html_nested_deeper_than_the_parser_reads_is_a_warning(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "sample_workplan.html", raw / "shallow.html")
    page = ("<html><body><h1>Work plan 2021</h1>\n<ul><li>Activity 1: write the report</li></ul>\n"
            + "<div>\n" * 300 + "<p>Activity 2: lost below the limit</p>" + "</div>" * 300 + "</body></html>")
    (raw / "deep.html").write_text(page, encoding="utf-8")
    result = run_document(raw / "deep.html", raw)
    assert (result.status, [i.text for i in result.items]) == (Status.PARTIAL, ["Activity 1: write the report"])
    lost = [(w.line, w.message) for w in result.warnings if w.error_type == "lost_content"]
    assert lost == [(257, "the page nests elements too deep to read: Excessive depth in document: 256; the rest of "
                          "the file from line 257 was not read")]
    shallow = run_document(raw / "shallow.html", raw)
    assert not [w for w in shallow.warnings if w.error_type == "lost_content"]


def _linear_cases():
    from extractors.fragments import starts_bold
    from extractors.lines import split_marker
    from normalizers.agencies import resolve_agencies
    from normalizers.funding import split_funders
    from normalizers.timeline import find_timeline_phrase, normalize_timeline
    from pipeline import labels, vocabulary

    return {
        "normalize_timeline": normalize_timeline,
        "find_timeline_phrase": find_timeline_phrase,
        "resolve_agencies": resolve_agencies,
        "split_funders": lambda t: split_funders(t, resolve_agencies(t)),
        "labels.norm": labels.norm,
        "labels.classify": lambda t: labels.classify(t, "column_roles", prefix=True, suffix=True),
        "labels.in_list": lambda t: labels.in_list(t, "placeholders", prefix=True, suffix=True),
        "labels.split_label": lambda t: labels.split_label(t, "lead_labels", suffix=True),
        "section_role": vocabulary.section_role,
        "names_section": vocabulary.names_section,
        "field_of": vocabulary.field_of,
        "split_field_line": vocabulary.split_field_line,
        "commits": vocabulary.commits,
        "lead_in_prose": vocabulary.lead_in_prose,
        "split_duration": vocabulary.split_duration,
        "conditional_timing": vocabulary.conditional_timing,
        "split_marker": split_marker,
        "starts_bold": starts_bold,
    }


@pytest.mark.parametrize("name", sorted(_linear_cases()))
def test_every_normaliser_and_label_function_reads_100k_runs_of_each_punctuation_mark(name):
    """Runs of 100,000 of each ASCII punctuation character, alone, inside a word and after a label: each call must
    return within a 10 s alarm (about 0.01-0.4 s each here: benchmarks/README.md; a quadratic path takes minutes,
    ``norm`` on 50,000 dashes took 87 s). No timing is asserted: the alarm only stops a run-away call."""
    import signal
    import string

    function = _linear_cases()[name]
    function("Lead: IOM, Q2 2021")  # load the language data outside the alarm

    def stop(signum, frame):
        raise TimeoutError(f"{name} ran past 10 s on a run of {mark!r}")

    previous = signal.signal(signal.SIGALRM, stop)
    try:
        for mark in string.punctuation:
            for text in (mark * 100_000, "a" + mark * 100_000 + "a", "Lead: " + mark * 100_000 + " Q2 2021"):
                signal.alarm(10)
                try:
                    function(text)
                finally:
                    signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_names_still_read_in_long_runs_split_for_the_tokenizer():
    from normalizers.agencies import resolve_agencies

    text = "=" * 70 + " IOM and UNDP " + "<" * 70 + "UNICEF"
    assert [(m.text, m.agency_id) for m in resolve_agencies(text)] == [("IOM", "IOM"), ("UNDP", "UNDP"),
                                                                       ("UNICEF", "UNICEF")]


@pytest.mark.parametrize(("name", "text", "line", "items"), [
    ("list.md", "# Work plan 2021\n\n" + "".join("  " * k + f"- Activity {k + 1}: write report {k + 1}\n"
                                                 for k in range(1000)), 12, 9),
    ("quote.md", "# Work plan 2021\n\n- Activity 1: write the report\n\n" + ">" * 10000 + " Activity 2: deep\n", 5, 1),
])
def test_markdown_nested_deeper_than_the_parser_reads_is_a_warning(tmp_path, name, text, line, items):
    """markdown-it stops descending past 20 levels and skips what is below without a word: a list 1,000 deep gave
    9 items, a block quote 10,000 deep nothing of its text, both 'success'."""
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_document(tmp_path / name, tmp_path)
    assert (result.status, len(result.items)) == (Status.PARTIAL, items)
    assert [(w.line, w.message) for w in result.warnings if w.error_type == "lost_content"] == [
        (line, f"the file nests lists or block quotes too deep to read: the text from line {line} below that depth "
               "was not read")]
    shallow = run_document(ROOT / "tests" / "fixtures" / "un_network_workplan_2021_2022_fr.txt",
                           ROOT / "tests" / "fixtures")
    assert not [w for w in shallow.warnings if w.error_type == "lost_content"]
