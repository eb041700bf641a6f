"""The whole command's cost, process tree included: wall time, CPU seconds and peak memory (sum of PSS).

Runs ``workplans extract RAW --out OUT --no-progress`` as a user types it (``python flows.py`` of a checkout, so
that an older checkout can be measured the same way with ``--checkout``), cold (a fresh output folder: every
document parsed), and samples every process of its tree every 50 ms: the sum of their PSS (``/proc/PID/
smaps_rollup``: shared pages counted once over the processes sharing them) and each process's CPU seconds (user +
system, the last sample of each process: up to 50 ms of a process's end can be missed). The machine is shared, so
CPU seconds are the figure to compare; wall time depends on the other jobs.

A warm local API server (``WORKPLANS_SERVER_IDLE_SECONDS``, ``pipeline/local_server.py``) is not in the command's
tree: its CPU seconds during the command and its PSS are given apart (``server_cpu``, ``server_pss_mb``).

Folders: ``tiny`` (one small text seed, ``raw/wg6_services_access_draft_2019.txt``), ``seeds`` (``raw/``) or a
path. A first, unmeasured round (the tiny folder) creates the Prefect home's database (a one-off of a new home:
about 25 CPU seconds here). Modes: ``warm`` (the default: the server the previous round left is reused; the
unmeasured round starts it), ``cold-server`` (``WORKPLANS_SERVER_IDLE_SECONDS=0``: each command starts and stops
its own server).

Usage: ``python -m benchmarks.bench_start [--folder tiny|seeds|PATH] [--rounds 3] [--mode warm|cold-server]
[--checkout PATH] [--runner default|dask]`` (needs psutil)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "raw" / "wg6_services_access_draft_2019.txt"


def pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(command: list[str], env: dict[str, str]) -> dict:
    """Run ``command``; wall seconds, CPU seconds of its process tree, peak sum of PSS, per process at the peak."""
    import psutil

    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    root = psutil.Process(process.pid)
    cpu: dict[int, float] = {}
    names: dict[int, str] = {}
    peak = {"total": 0.0, "per": {}}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            per = {}
            for proc in tree:
                per[proc.pid] = pss_mb(proc.pid)
                try:
                    times = proc.cpu_times()
                    cpu[proc.pid] = times.user + times.system
                    names.setdefault(proc.pid, " ".join(proc.cmdline())[:90])
                except psutil.Error:
                    pass
            if sum(per.values()) > peak["total"]:
                peak.update(total=sum(per.values()), per=per)
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = process.communicate()
    wall = time.monotonic() - started
    done.set()
    thread.join()
    if process.returncode not in (0, 3):
        raise SystemExit(f"the command failed ({process.returncode}): {err.decode()[-2000:]}")
    return {"wall": round(wall, 2), "cpu": round(sum(cpu.values()), 2), "peak_pss_mb": round(peak["total"]),
            "processes": {names.get(pid, str(pid)): (round(cpu.get(pid, 0), 2), round(mb)) for pid, mb in
                          peak["per"].items()}}


def warm_server(home: Path) -> tuple[int, float, float] | None:
    """(pid, CPU seconds, PSS MB) of the warm server recorded in ``home``, or None."""
    import psutil

    try:
        pid = json.loads((home / "workplans-server.json").read_text(encoding="utf-8"))["pid"]
        times = psutil.Process(pid).cpu_times()
    except (OSError, ValueError, KeyError, psutil.Error):
        return None
    return pid, times.user + times.system, pss_mb(pid)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", default="tiny")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mode", choices=("warm", "cold-server"), default="warm")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose flows.py runs")
    parser.add_argument("--runner", choices=("default", "dask"), default="default",
                        help="dask: --runner dask --workers 2 (a local cluster started by the command)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_start_") as tmp:
        base = Path(tmp)
        raw = base / "raw"
        if args.folder == "tiny":
            raw.mkdir()
            shutil.copy(TINY, raw)
        else:
            shutil.copytree(ROOT / "raw" if args.folder == "seeds" else Path(args.folder), raw)
        home = base / "prefect"
        env = {**os.environ, "PREFECT_HOME": str(home), "PYTHONPATH": str(args.checkout)}
        env.pop("PREFECT_API_URL", None)
        env["WORKPLANS_SERVER_IDLE_SECONDS"] = "0" if args.mode == "cold-server" else "120"

        def command(n: int, folder: Path = raw) -> list[str]:
            return [sys.executable, str(args.checkout / "flows.py"), "extract", str(folder), "--out",
                    str(base / f"out{n}"), "--no-progress",
                    *(["--runner", "dask", "--workers", "2"] if args.runner == "dask" and n >= 0 else [])]

        prime = base / "prime"
        prime.mkdir()
        shutil.copy(TINY, prime)
        measure(command(-1, prime), env)  # unmeasured: creates the Prefect database (and, warm, starts the server)
        rounds = []
        for n in range(args.rounds):
            before = warm_server(home)
            result = measure(command(n), env)
            after = warm_server(home)
            if before and after and before[0] == after[0]:
                result.update(server_cpu=round(after[1] - before[1], 2), server_pss_mb=round(after[2]))
            rounds.append(result)
            print(json.dumps(result))
        summary = {key: statistics.median(r[key] for r in rounds) for key in ("wall", "cpu", "peak_pss_mb")}
        if all("server_cpu" in r for r in rounds):
            summary["server_cpu"] = statistics.median(r["server_cpu"] for r in rounds)
        print("median", json.dumps(summary))
        if args.mode == "warm":  # stop the warm server now rather than after its idle time
            server = warm_server(home)
            if server:
                os.kill(server[0], 15)


if __name__ == "__main__":
    main()
