"""The whole command as a user types it, cold against an unchanged re-run: on the five seeds, and on 50 documents
(the seeds as text and PDF and the dev-corpus plans of tests/fixtures, copied to distinct files until there are 50).

Each round uses a fresh output folder: a cold run (every document parsed), then twice an unchanged re-run (the
command sees that nothing changed and stops) and an unchanged re-run with ``--force`` (the flow runs, nothing is
parsed, every result is read back from the cache). The commands run in a fresh process each, Prefect's embedded
server included, exactly as ``workplans extract RAW --out OUT`` does.

Usage: ``python -m benchmarks.bench_rerun [--rounds 2] [--documents 50]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sources() -> list[Path]:
    """The plans to copy: seed texts, seed PDFs (not the edition) and the dev-corpus fixtures."""
    seeds = sorted((ROOT / "raw").iterdir())
    pdfs = sorted(p for p in (ROOT / "tests" / "fixtures").glob("*.pdf") if not p.stem.endswith("_fr"))
    return seeds + pdfs + sorted((ROOT / "annotated" / "docs").iterdir())


def folder(base: Path, count: int) -> Path:
    raw = base / f"raw{count}"
    raw.mkdir()
    plans = sources() if count > 5 else sorted((ROOT / "raw").iterdir())
    for n in range(count):
        plan = plans[n % len(plans)]
        shutil.copy(plan, raw / f"{n:02d}_{plan.name}")
    return raw


def timed(raw: Path, out: Path, *options: str) -> tuple[float, dict]:
    started = time.perf_counter()
    run = subprocess.run([sys.executable, str(ROOT / "flows.py"), "extract", str(raw), "--out", str(out),
                          "--no-progress", *options], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if run.returncode not in (0, 3):
        raise SystemExit(f"run failed ({run.returncode}): {run.stderr[-2000:]}")
    return seconds, json.loads((out / "run_report.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--documents", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for count in (5, args.documents):
            raw = folder(base, count)
            cold, warm, forced = [], [], []
            for round in range(args.rounds):
                out = base / f"out{count}-{round}"
                seconds, report = timed(raw, out)
                assert len(report["parsed"]) == count, report["parsed"]
                cold.append(seconds)
                for _ in range(2):
                    seconds, _report = timed(raw, out)  # nothing changed: the command says so, no flow run
                    warm.append(seconds)
                    seconds, report = timed(raw, out, "--force")  # the flow runs, every result from the cache
                    assert report["parsed"] == [] and len(report["unchanged"]) == count
                    forced.append(seconds)
            median = statistics.median(cold)
            print(f"{count} documents: cold best {min(cold):.2f} s median {median:.2f} s; "
                  f"unchanged best {min(warm):.2f} s median {statistics.median(warm):.2f} s "
                  f"(ratio {statistics.median(warm) / median:.2f}); unchanged with --force best {min(forced):.2f} s "
                  f"median {statistics.median(forced):.2f} s (ratio {statistics.median(forced) / median:.2f})")


if __name__ == "__main__":
    main()
