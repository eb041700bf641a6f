"""Incremental re-runs, the Dask runner and the folder watcher, on real documents and real flow runs."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.orchestration import watch_raw
from pipeline.output.store import SCHEMAS

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(p.name for p in (ROOT / "raw").iterdir())


def snapshot(out: Path) -> dict[str, list[dict]]:
    """Every table's rows, minus the run timestamp, in a canonical order."""
    tables = {}
    for name in SCHEMAS:
        rows = pq.read_table(out / name).to_pylist()
        for row in rows:
            row.pop("extracted_at", None)
        tables[name] = sorted(rows, key=repr)
    return tables


def clean_run(raw: Path, tmp: Path) -> dict[str, list[dict]]:
    from flows import extract_workplans

    out = tmp / f"clean-{time.monotonic_ns()}"
    extract_workplans(raw_dir=str(raw), out_dir=str(out))
    return snapshot(out)


def test_rerun_parses_only_what_changed_and_equals_a_clean_run(prefect_harness, tmp_path):
    from flows import extract_workplans

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for name in SEEDS[:3]:
        shutil.copy(ROOT / "raw" / name, raw)

    first = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    assert first.parsed == SEEDS[:3] and first.unchanged == []

    again = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    assert again.parsed == [] and again.unchanged == SEEDS[:3]

    shutil.copy(ROOT / "raw" / SEEDS[3], raw)  # add
    added = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    assert added.parsed == [SEEDS[3]]
    assert snapshot(out) == clean_run(raw, tmp_path)

    changed_path = raw / SEEDS[1]  # change: one activity's timeline moves by a year
    text = changed_path.read_text(encoding="utf-8")
    changed_path.write_text(text.replace("Fifth meeting: 15 December 2010", "Fifth meeting: 15 December 2011"),
                            encoding="utf-8")
    changed = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    assert changed.parsed == [SEEDS[1]]
    assert snapshot(out) == clean_run(raw, tmp_path)

    (raw / SEEDS[0]).unlink()  # remove
    removed = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    assert removed.parsed == [] and removed.documents == 3
    docs = {d["document_id"] for d in pq.read_table(out / "documents").to_pylist()}
    assert SEEDS[0] not in docs
    assert all(i["document_id"] != SEEDS[0] for i in pq.read_table(out / "work_items").to_pylist())
    assert snapshot(out) == clean_run(raw, tmp_path)


def test_dask_runner_with_two_workers_gives_the_default_output(prefect_harness, seed_run, tmp_path):
    from flows import extract_workplans
    from pipeline.orchestration import dask_task_runner, local_api_server

    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(ROOT / "raw", raw)
    with local_api_server():
        report = extract_workplans.with_options(task_runner=dask_task_runner(workers=2))(
            raw_dir=str(raw), out_dir=str(out))
    assert report.parsed == SEEDS
    assert snapshot(out) == snapshot(seed_run)


def test_watcher_starts_exactly_one_run_for_a_new_file(tmp_path):
    watched = tmp_path / "raw"
    watched.mkdir()
    runs: list[set[str]] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch_raw, args=(watched, runs.append, stop, 500), daemon=True)
    thread.start()
    time.sleep(1.0)  # let the watcher start
    target = watched / "new_plan.txt"
    with target.open("w", encoding="utf-8") as fh:  # written in several chunks, as an upload would
        for line in (ROOT / "raw" / SEEDS[-1]).read_text(encoding="utf-8").splitlines(keepends=True):
            fh.write(line)
            fh.flush()
    deadline = time.monotonic() + 15
    while not runs and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)  # a second batch would have arrived by now
    stop.set()
    thread.join(timeout=10)
    assert len(runs) == 1
    assert runs[0] == {str(target)}


@pytest.mark.parametrize("argv", [["extract", "does-not-exist"], ["serve", "does-not-exist"]])
def test_cli_says_one_line_for_a_missing_folder(argv, capsys):
    from flows import main

    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["workplans: raw folder 'does-not-exist' does not exist"]


def test_one_shot_runs_send_no_heartbeats_unless_the_user_asked(monkeypatch):
    from prefect.settings import get_current_settings

    from pipeline.orchestration import one_shot_settings

    default = get_current_settings().flows.heartbeat_frequency
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", raising=False)
    with one_shot_settings():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == default == 180
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")  # a server of the user's own
    with one_shot_settings():
        assert get_current_settings().flows.heartbeat_frequency == 180


def test_dask_runner_without_its_extra_says_which_extra_to_install(monkeypatch, capsys, tmp_path):
    import sys

    from flows import main

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "raw" / "wg6_services_access_draft_2019.txt", raw)
    monkeypatch.setitem(sys.modules, "prefect_dask", None)  # as if prefect-dask were not installed
    assert main(["extract", str(raw), "--out", str(tmp_path / "out"), "--runner", "dask", "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [
        'workplans: --runner dask needs the [dask] extra (prefect_dask is not installed): pip install '
        '"workplans[dask]" (in a checkout: pip install -e ".[dask]")']
    assert "Traceback" not in captured.err and captured.out == ""
    assert not (tmp_path / "out").exists()


def test_a_warm_server_serves_the_next_command_and_stops_itself_once_idle(tmp_path, monkeypatch):
    """A command's API server is kept for the next command (no second start) and ends on its own once no command
    has used it for the idle time."""
    import json
    import os

    from pipeline.local_server import api_answers, warm_server

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))  # the server's database: this test's own
    with warm_server(tmp_path, idle_seconds=3) as first:
        assert api_answers(first.api_url)
    pid = json.loads((tmp_path / "workplans-server.json").read_text(encoding="utf-8"))["pid"]
    with warm_server(tmp_path, idle_seconds=3) as second:
        assert second.api_url == first.api_url and api_answers(second.api_url)
    assert json.loads((tmp_path / "workplans-server.json").read_text(encoding="utf-8"))["pid"] == pid
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and os.waitpid(pid, os.WNOHANG) == (0, 0):  # our child: reaped here
        time.sleep(0.2)
    assert time.monotonic() < deadline, "the idle server did not stop"
    assert not (tmp_path / "workplans-server.json").exists()
    assert not api_answers(first.api_url)
