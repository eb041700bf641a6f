"""Bad-input corpus: writes one file per kind of bad input into a temp folder, runs each through
``run_document_limited`` (the worker process with its time and memory limits) and prints the table of
``benchmarks/README.md`` (case, expected, observed).

    python benchmarks/bad_inputs.py [FILE ...]   # FILE: only the cases of these file names
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

FIXTURES = ROOT / "tests" / "fixtures"


def _pdf_maker():
    spec = importlib.util.spec_from_file_location("make_bad_pdfs", FIXTURES / "bad" / "make_bad_pdfs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def write_corpus(raw: Path, outside: Path) -> list[tuple[str, str, str, dict[str, str]]]:
    """The files, each as (case, file name, expected, extra environment)."""
    pdfs = _pdf_maker()
    seed_pdf = (FIXTURES / "wg6_services_access_draft_2019.pdf").read_bytes()
    seed_txt = (ROOT / "raw" / "wg6_services_access_draft_2019.txt").read_text(encoding="utf-8")
    table = "Activity\tLead\tTimeline\n"
    files = {
        "truncated.pdf": seed_pdf[: len(seed_pdf) // 3],
        "renamed.pdf": seed_txt.encode(),
        "encrypted.pdf": (FIXTURES / "bad" / "encrypted.pdf").read_bytes(),
        "scanned.pdf": (FIXTURES / "bad" / "image_only.pdf").read_bytes(),
        "empty.txt": b"",
        "binary.md": b"\x00\x01\x02PK\x03\x04" * 100,
        "utf16.txt": seed_txt.encode("utf-16"),
        "nul_bytes.txt": seed_txt[:3000].encode() + b"\x00" * 16 + seed_txt[3000:].encode(),
        "columns_5000.txt": ("\t".join(f"Column {k}" for k in range(5000)) + "\n"
                             + "\t".join(f"value {k}" for k in range(5000)) + "\n").encode(),
        "line_5mb.txt": ("Activity 1: " + "write the report " * 310_000 + "\n").encode(),
        "too_large.txt": seed_txt.encode() * 200,
        "damaged_middle.pdf": pdfs.damaged_middle((FIXTURES / "gmg_workplan_2010.pdf").read_bytes()),
        "inflating_500mb.pdf": pdfs.inflating(500),
        "deep.html": ("<html><body><h1>Work plan 2021</h1>\n<ul><li>Activity 1: write the report</li></ul>\n"
                      + "<div>\n" * 300 + "<p>Activity 2</p>" + "</div>" * 300 + "</body></html>").encode(),
        "timeline_cell.txt": (table + "Write the report\tIOM\t" + "-" * 100_000 + "\n").encode(),
        "agency_cell.txt": (table + "Write the report\t" + "IOM, " * 20_000 + "\tQ2 2021\n").encode(),
        "filter_chain_500mb.pdf": pdfs.filter_chain(500),
        "owner_password_only.pdf": (FIXTURES / "bad" / "owner_password_only.pdf").read_bytes(),
        "list_1000_deep.md": ("# Work plan 2021\n\n" + "".join("  " * k + f"- Activity {k + 1}: write report {k + 1}\n"
                                                             for k in range(1000))).encode(),
        "quote_10000_deep.md": ("# Work plan 2021\n\n- Activity 1: write the report\n\n" + ">" * 10_000
                                + " Activity 2: deep\n").encode(),
        "angles.txt": (table + "Write the report\t" + "<" * 5_000 + "\tQ2 2021\n").encode(),
    }
    for name, data in files.items():
        (raw / name).write_bytes(data)
    (outside / "secret.txt").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (raw / "outside.txt").symlink_to(outside / "secret.txt")
    (raw / "dangling.txt").symlink_to(outside / "nowhere.txt")
    (raw / "loop.txt").symlink_to(raw / "loop.txt")
    with open(os.fsencode(raw) + b"/latin1 name caf\xe9.txt", "wb") as fh:  # a name that is not UTF-8
        fh.write(seed_txt.encode())
    return [
        ("truncated PDF (first third)", "truncated.pdf", "failure: unreadable", {}),
        ("text file renamed .pdf", "renamed.pdf", "failure: unreadable", {}),
        ("encrypted PDF", "encrypted.pdf", "failure: encrypted", {}),
        ("scanned PDF (image only)", "scanned.pdf", "failure: no_text_layer", {}),
        ("empty file", "empty.txt", "failure: empty", {}),
        ("binary data as .md", "binary.md", "failure: unreadable", {}),
        ("UTF-16 text", "utf16.txt", "read, or one clear error", {}),
        ("NUL bytes inside text", "nul_bytes.txt", "failure: unreadable", {}),
        ("5,000-column table", "columns_5000.txt", "completes in seconds", {}),
        ("5 MB line", "line_5mb.txt", "completes within the limits", {}),
        ("file over WORKPLANS_MAX_FILE_MB (1 MB here)", "too_large.txt", "failure: too_large",
         {"WORKPLANS_MAX_FILE_MB": "1"}),
        ("PDF with 20% of its middle bytes zeroed", "damaged_middle.pdf", "partial: lost_content pages 4, 5", {}),
        ("PDF 0.5 MB inflating to 500 MB", "inflating_500mb.pdf", "failure: too_large (before parsing)", {}),
        ("HTML nested 300 deep", "deep.html", "partial: lost_content", {}),
        ("timeline cell of 100,000 dashes", "timeline_cell.txt", "success: too_long warning", {}),
        ("lead cell `IOM, ` x 20,000", "agency_cell.txt", "success: too_long warning", {}),
        ("symlink outside the raw folder", "outside.txt", "failure: outside_raw_folder", {}),
        ("dangling symlink", "dangling.txt", "failure: broken_link", {}),
        ("symlink to itself (a loop)", "loop.txt", "failure: broken_link", {}),
        ("file name not UTF-8 (Latin-1 byte)", os.fsdecode(b"latin1 name caf\xe9.txt"),
         "success: file_name_not_utf8 warning", {}),
        ("PDF bomb behind `[/ASCIIHexDecode /FlateDecode]` (500 MB)", "filter_chain_500mb.pdf",
         "failure: too_large (before parsing)", {}),
        ("PDF with an owner password only", "owner_password_only.pdf", "success, no lost_content", {}),
        ("Markdown list nested 1,000 deep", "list_1000_deep.md", "partial: lost_content", {}),
        ("Markdown block quote nested 10,000 deep", "quote_10000_deep.md", "partial: lost_content", {}),
        ("lead cell of 5,000 `<`", "angles.txt", "completes in seconds", {}),
    ]


def observed(result, seconds: float) -> str:
    kinds = [e.error_type for e in result.errors]
    kinds += sorted({w.error_type for w in result.warnings} - {"unresolved_organisation", "unparsed_timeline"})
    pages = sorted({w.page for w in result.warnings if w.error_type == "lost_content" and w.page})
    where = f" pages {', '.join(map(str, pages))}" if pages else ""
    return f"{result.status.value}: {', '.join(kinds) or '-'}{where}; {len(result.items)} items, {seconds:.1f} s"


def main() -> None:
    from pipeline.isolation import run_document_limited, shutdown

    base = Path(tempfile.mkdtemp(prefix="bad-inputs-"))
    raw, outside = base / "raw", base / "outside"
    raw.mkdir()
    outside.mkdir()
    try:
        cases = write_corpus(raw, outside)
        print("| case | expected | observed |\n|---|---|---|")
        only = set(sys.argv[1:])
        for case, name, expected, env in cases:
            if only and name not in only:
                continue
            saved = {k: os.environ.get(k) for k in env}
            os.environ.update(env)
            start = time.perf_counter()
            result = run_document_limited(raw / name, raw)
            print(f"| {case} | {expected} | {observed(result, time.perf_counter() - start)} |", flush=True)
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    finally:
        shutdown()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
