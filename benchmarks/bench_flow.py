"""The Prefect flow on the seeds: cold run against an unchanged re-run, and one Dask worker against two.

Two views of the same runs:
- the whole command a user types (``python flows.py RAW OUT``, or ``workplans extract RAW --out OUT --runner
  dask --workers N``) in a fresh process: Prefect's start-up (imports, the embedded API server, about 8 s
  here) is included and the same for every run;
- the flow call inside a process that already talks to a running Prefect API (a notebook, a long-lived
  process), until its logs and events are shipped: what the caching saves; with the ``extract`` command's
  settings, and the unchanged re-run again with Prefect's default flow-run heartbeats.
The raw folder holds the five seed text files and the five seed PDFs.

Usage: ``python -m benchmarks.bench_flow [--rounds 3]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seed_folder(base: Path) -> Path:
    raw = base / "raw"
    raw.mkdir()
    for path in (ROOT / "raw").iterdir():
        shutil.copy(path, raw)
    for path in (ROOT / "tests" / "fixtures").glob("*.pdf"):
        if not path.stem.endswith("_fr"):
            shutil.copy(path, raw)
    return raw


def timed(args: list[str], out: Path) -> tuple[float, int]:
    """Wall time of a command and how many documents it parsed (from the run report)."""
    started = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    report = json.loads((out / "run_report.json").read_text(encoding="utf-8"))
    return seconds, len(report["parsed"])


def in_process(rounds: int) -> dict[str, list[tuple[float, int]]]:
    """Cold flow call and unchanged re-run in one process with a running local Prefect API.

    Settings as the ``extract`` command uses with its own server (``one_shot_settings``: no flow-run
    heartbeats), plus the unchanged re-run once more with Prefect's default heartbeats. Runs are two
    seconds apart (untimed), as scheduled runs are: back to back, the embedded SQLite server answers
    "database is locked" (503) to a share of flow-run creations while it stores the previous run's
    events, and Prefect's client retries after about 2 s.
    """
    from flows import extract_workplans
    from pipeline.orchestration import _drain_to_api, local_api_server, one_shot_settings

    def timed_call(name: str, raw: Path, out: str) -> None:
        time.sleep(2)
        started = time.perf_counter()
        report = extract_workplans(raw_dir=str(raw), out_dir=out)
        _drain_to_api()  # a run's log and event shipping is part of its cost, not the next run's
        rows.setdefault(name, []).append((time.perf_counter() - started, len(report.parsed)))

    rows: dict[str, list[tuple[float, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        raw = seed_folder(Path(tmp))
        warm = Path(tmp) / "warm"
        warm.mkdir()
        shutil.copy(ROOT / "raw" / "wg6_services_access_draft_2019.txt", warm)
        with one_shot_settings(), local_api_server():
            extract_workplans(raw_dir=str(warm), out_dir=str(Path(tmp) / "warm-out"))  # first API round trips
            for n in range(rounds):
                out = str(Path(tmp) / f"out{n}")
                timed_call("cold flow call", raw, out)
                timed_call("unchanged re-run, flow call", raw, out)
        with local_api_server():  # Prefect's defaults: a heartbeat thread joined at every flow end
            for n in range(rounds):
                timed_call("unchanged re-run, flow call, Prefect's default heartbeats", raw, str(Path(tmp) / f"out{n}"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = in_process(args.rounds)
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            raw = seed_folder(Path(tmp))
            out = Path(tmp) / "out"
            flow = [sys.executable, "flows.py", str(raw), str(out)]
            rows.setdefault("cold run (python flows.py)", []).append(timed(flow, out))
            rows.setdefault("unchanged re-run (python flows.py)", []).append(timed(flow, out))
            for workers in (1, 2):
                dask_out = Path(tmp) / f"dask{workers}"
                cmd = [sys.executable, str(ROOT / "flows.py"), "extract", str(raw), "--out", str(dask_out),
                       "--runner", "dask", "--workers", str(workers), "--no-progress"]
                rows.setdefault(f"cold run, dask {workers} worker(s)", []).append(timed(cmd, dask_out))
    print("| run | documents parsed | wall time, best (s) | median (s) |")
    print("|---|---|---|---|")
    cold = min(v[0] for v in rows["cold flow call"])
    rerun = min(v[0] for v in rows["unchanged re-run, flow call"])
    print(f"unchanged re-run / cold run (flow call): {rerun / cold:.2f}")
    for name, values in rows.items():
        times = sorted(v[0] for v in values)
        print(f"| {name} | {values[0][1]} | {times[0]:.2f} | {times[len(times) // 2]:.2f} |")


if __name__ == "__main__":
    from pipeline.environment import prepare_prefect

    prepare_prefect()
    main()
