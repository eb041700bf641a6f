"""Bad input gives a clear per-document error row while the other documents complete."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.core.enums import Status
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def bad_raw(tmp_path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "raw" / "wg6_services_access_draft_2019.txt", raw)
    (raw / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (raw / "latin1.txt").write_bytes("Calendrier : février 2021\tOIM\n".encode("latin-1"))
    (raw / "binary.md").write_bytes(b"\x00\x01\x02PK\x03\x04" * 10)
    (raw / "notes.docx").write_bytes(b"PK\x03\x04")  # a Word file cut after its first bytes
    (raw / "notes.rtf").write_text("{\\rtf1 Workplan}", encoding="ascii")
    (raw / "broken.pdf").write_bytes(
        (ROOT / "tests" / "fixtures" / "wg6_services_access_draft_2019.pdf").read_bytes()[:3000]
    )
    (raw / "headerless.txt").write_text("alpha\tbeta\tgamma\none\ttwo\tthree\n", encoding="utf-8")
    return raw


@pytest.mark.parametrize(
    ("name", "stage", "category", "phrase"),
    [
        ("empty.txt", "extract", "empty", "has no text"),
        ("latin1.txt", "extract", "unreadable", "is not valid UTF-8 text"),
        ("binary.md", "extract", "unreadable", "binary data"),
        ("notes.docx", "extract", "unreadable", "not a Word document (.docx): the file is damaged or truncated"),
        ("notes.rtf", "extract", "unsupported_format", "unsupported file type '.rtf'"),
        ("broken.pdf", "extract", "unreadable", "broken.pdf"),
    ],
)
def test_bad_file_gives_one_clear_error(bad_raw, name, stage, category, phrase):
    result = run_document(bad_raw / name, bad_raw)
    assert result.status is Status.FAILURE and result.items == []
    (error,) = result.errors
    assert (error.stage, error.error_type) == (stage, category)
    assert phrase in error.message and "Traceback" not in error.message


def test_file_over_the_size_limit_is_refused_before_reading(bad_raw, monkeypatch):
    monkeypatch.setenv("WORKPLANS_MAX_FILE_MB", "0.001")  # 1 kB: the real seed file is 6 kB
    for name in ("wg6_services_access_draft_2019.txt", "broken.pdf"):
        result = run_document(bad_raw / name, bad_raw)
        assert result.status is Status.FAILURE and result.items == []
        (error,) = result.errors
        assert (error.stage, error.error_type) == ("extract", "too_large")
        assert error.message.startswith(f"{name}: ") and "over the 0.001 MB limit (set WORKPLANS_MAX_FILE_MB" \
            in error.message
    monkeypatch.setenv("WORKPLANS_MAX_FILE_MB", "250")
    assert run_document(bad_raw / "wg6_services_access_draft_2019.txt", bad_raw).status is Status.SUCCESS


def test_table_with_no_header_is_reported_not_guessed(bad_raw):
    result = run_document(bad_raw / "headerless.txt", bad_raw)
    assert result.items == []
    assert [w.error_type for w in result.warnings] == ["unknown_table_layout", "no_items"]
    assert result.warnings[0].line == 1


def test_flow_completes_other_documents_and_lists_errors(prefect_harness, bad_raw, tmp_path):
    from flows import extract_workplans

    out = tmp_path / "out"
    report = extract_workplans(raw_dir=str(bad_raw), out_dir=str(out))
    docs = {d["document_id"]: d["status"] for d in pq.read_table(out / "documents").to_pylist()}
    assert docs["wg6_services_access_draft_2019.txt"] == "success"
    assert {k for k, v in docs.items() if v == "failure"} == {
        "empty.txt",
        "latin1.txt",
        "binary.md",
        "notes.docx",
        "notes.rtf",
        "broken.pdf",
    }
    errors = [e for e in pq.read_table(out / "errors").to_pylist() if e["severity"] == "error"]
    # a document that gives no item is partial, listed with the failures, its warning as the reason
    assert sorted([e["source_file"] for e in errors] + ["headerless.txt"]) == sorted(report.failed)
    assert docs["headerless.txt"] == "partial"
    assert report.failed["headerless.txt"].startswith("assemble: no work items were recognised")
    assert len(pq.read_table(out / "work_items")) == 23
    assert "## Failed documents" in (out / "run_report.md").read_text(encoding="utf-8")


def test_links_outside_the_raw_folder_and_dangling_links_are_error_rows(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    shutil.copy(ROOT / "raw" / "gmg_workplan_2010.txt", raw)
    (raw / "outside.txt").symlink_to(secret)
    (raw / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (raw / "again.txt").symlink_to(raw / "gmg_workplan_2010.txt")  # the same file twice: read once
    from pipeline.catalog import list_documents

    listed = [p.name for p in list_documents(raw)]
    assert listed == ["dangling.txt", "gmg_workplan_2010.txt", "outside.txt"]
    outside = run_document(raw / "outside.txt", raw)
    assert (outside.status, [(e.error_type, "outside the raw folder" in e.message) for e in outside.errors]) == (
        Status.FAILURE, [("outside_raw_folder", True)])
    assert outside.title is None and outside.items == []  # nothing of /etc/passwd-like files is read
    dangling = run_document(raw / "dangling.txt", raw)
    assert [e.error_type for e in dangling.errors] == ["broken_link"]


def test_output_inside_the_raw_folder_is_refused_in_one_line(tmp_path, capsys):
    from flows import main

    raw = tmp_path / "raw"
    raw.mkdir()
    assert main(["extract", str(raw), "--out", str(raw / "output")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "inside the raw folder" in err[0]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["extract", str(raw), "--out", str(tmp_path / "file")]) == 2
    assert "is a file" in capsys.readouterr().err


def test_the_run_never_reads_its_own_output_folder(tmp_path):
    from pipeline.catalog import list_documents

    raw = tmp_path / "raw"
    (raw / "output" / "work_items").mkdir(parents=True)
    (raw / "output" / "run_report.md").write_text("# Run report\n", encoding="utf-8")
    shutil.copy(ROOT / "raw" / "gmg_workplan_2010.txt", raw)
    assert [p.name for p in list_documents(raw, exclude=(raw / "output",))] == ["gmg_workplan_2010.txt"]


def test_file_names_with_pipes_and_line_breaks_keep_the_report_table_whole(prefect_harness, tmp_path):
    from flows import extract_workplans

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "raw" / "gmg_workplan_2010.txt", raw / "plan|draft\nv2.txt")
    extract_workplans(raw_dir=str(raw), out_dir=str(tmp_path / "out"))
    markdown = (tmp_path / "out" / "run_report.md").read_text(encoding="utf-8")
    rows = [line for line in markdown.splitlines() if line.startswith("| plan")]
    assert rows == [r"| plan\|draft v2.txt | success | en | 51 | 0 |  |"]


def test_a_dangling_link_a_link_loop_and_a_name_not_in_utf8_are_rows_and_hidden_files_are_listed(
        prefect_harness, tmp_path):
    """One file never stops the run: each of these used to end it with exit 1 and no output."""
    import os

    from flows import extract_workplans
    from pipeline.output.manifest import folder_keys

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(ROOT / "raw" / "wg6_services_access_draft_2019.txt", raw)
    (raw / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (raw / "loop.txt").symlink_to(raw / "loop.txt")
    latin1_name = os.fsencode(raw) + b"/plan caf\xe9 2010.txt"  # Latin-1 bytes: not a UTF-8 name
    with open(latin1_name, "wb") as fh:
        fh.write((ROOT / "raw" / "gmg_workplan_2010.txt").read_bytes())
    (raw / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (raw / ".git").mkdir()
    (raw / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (raw / "~$draft.txt").write_text("owner file", encoding="utf-8")

    escaped = r"plan caf\xe9 2010.txt"
    assert sorted(folder_keys(raw, out)) == ["dangling.txt", "loop.txt", escaped, "wg6_services_access_draft_2019.txt"]
    report = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    docs = {d["document_id"]: (d["status"], d["items"]) for d in pq.read_table(out / "documents").to_pylist()}
    assert docs == {"dangling.txt": ("failure", 0), "loop.txt": ("failure", 0), escaped: ("success", 51),
                    "wg6_services_access_draft_2019.txt": ("success", 23)}
    rows = [(e["document_id"], e["severity"], e["error_type"], e["message"])
            for e in pq.read_table(out / "errors").to_pylist()
            if e["document_id"] != "wg6_services_access_draft_2019.txt" and e["error_type"] not in (
                "unresolved_organisation", "unparsed_timeline")]
    assert rows == [
        ("dangling.txt", "error", "broken_link", f"dangling.txt: the link points to nothing ({tmp_path}/nowhere.txt)"),
        # paths in the raw folder relative to it (the link loop's message named the absolute one)
        ("loop.txt", "error", "broken_link", "loop.txt: the link cannot be followed (Symlink loop from 'loop.txt')"),
        (escaped, "warning", "file_name_not_utf8", r"the file name is not valid UTF-8: its other bytes are written "
                                                   r"as \xNN"),
        (None, "info", "skipped_hidden", ".DS_Store: hidden (the name starts with '.' or '~$'): not read; "
                                         "rename it to include it"),
        (None, "info", "skipped_hidden", ".git: hidden (the name starts with '.' or '~$'): not read; "
                                         "rename it to include it"),
        (None, "info", "skipped_hidden", "~$draft.txt: hidden (the name starts with '.' or '~$'): not read; "
                                         "rename it to include it"),
    ]
    assert sorted(report.failed) == ["dangling.txt", "loop.txt"]
    assert report.warnings[:3] == [f"{name}: skipped_hidden: hidden (the name starts with '.' or '~$'): not read; "
                                   "rename it to include it" for name in (".DS_Store", ".git", "~$draft.txt")]
    assert "skipped_hidden" in (out / "run_report.md").read_text(encoding="utf-8")
