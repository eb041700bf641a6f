"""Budget benchmark: normalisers on adversarial input of 1k/10k/100k characters, a 50 MB text file's time and
peak memory, and the cost of running each document in a worker process (``pipeline/isolation.py``).

    python benchmarks/bench_budget.py [--root DIR] [--max 100000] [--skip-files]

``--root`` measures another checkout of the project (the code before a change); ``--max`` stops the input
sizes there (quadratic code takes minutes at 100k).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000, 100_000)
CASES = {  # name: (normaliser, Python expression of an input of about n characters)
    "timeline `-` * n": ("timeline", '"-" * n'),
    "find_timeline_phrase `- ` * n/2 + by May 2021": ("find", '"- " * (n // 2) + "by May 2021"'),
    "timeline `1, ` * n/3 + Q1 2020": ("timeline", '"1, " * (n // 3) + "Q1 2020"'),
    "timeline `January, ` * n/9 + 2020": ("timeline", '"January, " * (n // 9) + "2020"'),
    "agencies `IOM, ` * n/5": ("agencies", '"IOM, " * (n // 5)'),
    "agencies `XYZO, ` * n/6": ("agencies", '"XYZO, " * (n // 6)'),
}


def _normaliser_times(root: Path, largest: int, capped: bool) -> dict[str, list[float | None]]:
    """Seconds per case and size, in a fresh interpreter on ``root``'s code (caps lifted unless ``capped``)."""
    code = f"""
import sys, time, json
sys.path.insert(0, {str(root)!r})
import normalizers.timeline as T, normalizers.agencies as A
if not {capped}:
    T.MAX_TIMELINE_CHARS = T.MAX_SENTENCE_CHARS = A.MAX_CELL_CHARS = 10**9
T.normalize_timeline("Q2 2021"); T.find_timeline_phrase("by May 2020"); A.resolve_agencies("IOM")
cases = {{ {", ".join(f"{name!r}: ({kind!r}, lambda n: {expr})" for name, (kind, expr) in CASES.items())} }}
out = {{}}
for name, (kind, gen) in cases.items():
    row = []
    for n in {[n for n in SIZES]}:
        if n > {largest}:
            row.append(None)
            continue
        text = gen(n)
        t = time.perf_counter()
        if kind == "timeline":
            T.normalize_timeline(text)
        elif kind == "find":
            T.find_timeline_phrase(text)
        else:
            A.resolve_agencies(text)
        row.append(round(time.perf_counter() - t, 3))
    out[name] = row
print(json.dumps(out))
"""
    import json

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run_file(root: Path, path: Path, limited: bool = False) -> tuple[float, float, str]:
    """(seconds, peak resident MB, status and error types) of one document in a fresh interpreter."""
    call = "run_document_limited" if limited else "run_document"
    module = "pipeline.isolation" if limited else "pipeline.run"
    code = (f"import sys; sys.path.insert(0, {str(root)!r})\n"
            f"from pathlib import Path\nfrom {module} import {call}\n"
            f"if __name__ == '__main__':\n"
            f"    r = {call}(Path({str(path)!r}), Path({str(path.parent)!r}))\n"
            f"    print(r.status.value, len(r.items), sorted({{e.error_type for e in r.errors + r.warnings}}))\n")
    script = Path(tempfile.mkdtemp()) / "one.py"
    script.write_text(code, encoding="utf-8")
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=root)
    _, _, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    out = child.stdout.read().strip() if child.stdout else ""
    return seconds, usage.ru_maxrss / 1024, out


def _overhead(root: Path, paths: list[Path]) -> str:
    """Per-document cost of the worker process: cold (fresh interpreter) and warm (second pass) totals."""
    code = f"""
import sys, time
sys.path.insert(0, {str(root)!r})
from pathlib import Path
from pipeline.run import run_document
from pipeline.isolation import run_document_limited, shutdown
paths = [Path(p) for p in {[str(p) for p in paths]!r}]
if __name__ == "__main__":
    mode = sys.argv[1]
    call = run_document if mode == "in-process" else run_document_limited
    t = time.perf_counter(); [call(p, p.parent) for p in paths]; cold = time.perf_counter() - t
    t = time.perf_counter(); [call(p, p.parent) for p in paths]; warm = time.perf_counter() - t
    print(f"{{cold:.2f}} {{warm:.2f}}")
    shutdown()
"""
    script = Path(tempfile.mkdtemp()) / "overhead.py"
    script.write_text(code, encoding="utf-8")
    rows = []
    for mode in ("in-process", "worker"):
        out = subprocess.run([sys.executable, str(script), mode], capture_output=True, text=True, check=True, cwd=root)
        cold, warm = (float(x) for x in out.stdout.split())
        rows.append((mode, cold, warm))
    (_, c0, w0), (_, c1, w1) = rows
    n = len(paths)
    return (f"| {n} docs | {c0:.2f} s | {c1:.2f} s | {(c1 - c0) / n * 1000:+.0f} ms/doc | {w0:.2f} s | {w1:.2f} s | "
            f"{(w1 - w0) / n * 1000:+.0f} ms/doc |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--max", type=int, default=100_000)
    parser.add_argument("--skip-files", action="store_true")
    args = parser.parse_args(argv)
    print(f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}, load "
          f"{os.getloadavg()[0]:.1f}; code: {args.root}")
    for capped in (True, False):
        times = _normaliser_times(args.root, args.max, capped)
        print(f"\n{'public functions (capped)' if capped else 'caps lifted (the algorithms alone)'}, seconds")
        print("| input | " + " | ".join(f"{n:,}" for n in SIZES) + " |\n|---|" + "---|" * len(SIZES))
        for name, row in times.items():
            print(f"| {name} | " + " | ".join("–" if v is None else f"{v:.3f}" for v in row) + " |")
    if args.skip_files:
        return
    work = Path(tempfile.mkdtemp(prefix="bench-budget-"))
    seed = (ROOT / "raw" / "gmg_workplan_2010.txt").read_text(encoding="utf-8")
    big = work / "big50.txt"
    big.write_text(seed * (50 * 1024 * 1024 // len(seed.encode()) + 1), encoding="utf-8")
    cell = work / "cell30k.txt"
    cell.write_text("Activity\tLead\tTimeline\nWrite the report\t" + "IOM, " * 6000 + "\tQ2 2021\n", encoding="utf-8")
    print("\n| file | seconds | peak MB | result |\n|---|---|---|---|")
    for path in (cell, big):
        seconds, peak, out = _run_file(args.root, path)
        print(f"| {path.name} ({path.stat().st_size / 1024 / 1024:.2f} MB) | {seconds:.1f} | {peak:.0f} | {out} |")
    if (args.root / "pipeline" / "isolation.py").exists():
        print("\n| documents | cold in-process | cold worker | overhead | warm in-process | warm worker | overhead |")
        print("|---|---|---|---|---|---|---|")
        print(_overhead(args.root, sorted((ROOT / "raw").iterdir())))
        pdfs = ["gmg_workplan_2010.pdf", "gmg_multi_annual_workplan_2016_2018.pdf",
                "wg6_services_access_draft_2019.pdf", "un_network_workplan_2021_2022_webpage.pdf",
                "un_network_workplan_2022_2024_pdftext.pdf"]
        print(_overhead(args.root, [ROOT / "tests" / "fixtures" / p for p in pdfs]))


if __name__ == "__main__":
    main()
