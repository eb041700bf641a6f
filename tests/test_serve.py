"""``workplans serve``: a server that schedules, one deployment per folder, one line per run, a bad cron in one line."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from pipeline.orchestration import cancel_missed_runs, cron_problem, deployment_name

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(p.name for p in (ROOT / "raw").iterdir())


def test_deployment_name_is_one_per_folder_whatever_its_spelling(tmp_path, monkeypatch):
    plans = tmp_path / "plans" / "raw"
    other = tmp_path / "other" / "raw"
    plans.mkdir(parents=True)
    other.mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "plans")
    name = deployment_name(plans)
    assert re.fullmatch(r"plans-raw-[0-9a-f]{8}", name)
    assert deployment_name("raw") == deployment_name("./raw/") == deployment_name(str(plans) + "/") == name
    assert re.fullmatch(r"other-raw-[0-9a-f]{8}", deployment_name(other))
    assert deployment_name(other) != name
    assert re.fullmatch(r"планы-2024-[0-9a-f]{8}", deployment_name(tmp_path / "Планы" / "2024"))
    assert re.fullmatch(r"工作计划-raw-[0-9a-f]{8}", deployment_name(tmp_path / "工作计划" / "raw"))


@pytest.mark.parametrize("cron", ["* * * * *", "0 6 * * *", "0 6 * * mon-fri", "*/15 8-18 * * 1-5", "@daily"])
def test_cron_prefect_accepts_passes(cron):
    assert cron_problem(cron) is None


@pytest.mark.parametrize(("cron", "reason"), [
    ("61 * * * *", "[61 * * * *] is not acceptable, out of range"),
    ("0 25 * * *", "[0 25 * * *] is not acceptable, out of range"),
    ("every day", "Exactly 5, 6 or 7 columns has to be specified for iterator expression."),
    ("* * *", "Exactly 5, 6 or 7 columns has to be specified for iterator expression."),
    ("R * * * *", "random (R) and hashed (H) fields are not supported"),
    ("H * * * *", "Hashed definitions must include hash_id"),
])
def test_cron_prefect_refuses_gets_its_reason(cron, reason):
    assert cron_problem(cron) == f'invalid cron schedule "{cron}": {reason}'


def test_bad_cron_is_one_line_and_exit_2(tmp_path, capsys):
    from flows import main

    raw = tmp_path / "raw"
    raw.mkdir()
    assert main(["serve", str(raw), "--out", str(tmp_path / "out"), "--cron", "61 * * * *"]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == ['workplans: invalid cron schedule "61 * * * *": '
                                         "[61 * * * *] is not acceptable, out of range"]
    assert captured.out == ""
    assert not (tmp_path / "out").exists()


def test_an_api_that_does_not_answer_is_one_line_and_exit_1(tmp_path, capsys, monkeypatch):
    from flows import main

    raw = tmp_path / "raw"
    raw.mkdir()
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # the discard port: nothing listens
    assert main(["serve", str(raw), "--out", str(tmp_path / "out"), "--no-watch"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "workplans: the Prefect API at http://127.0.0.1:9/api (PREFECT_API_URL) does not answer"]


def test_runs_missed_while_the_folder_was_not_served_are_cancelled(prefect_harness):
    from prefect import get_client
    from prefect.states import Scheduled

    from flows import extract_workplans

    now = dt.datetime.now(dt.UTC)
    with get_client(sync_client=True) as client:
        deployment = client.create_deployment(flow_id=client.create_flow(extract_workplans), name="missed-runs-test")
        missed, coming = (client.create_flow_run_from_deployment(deployment, state=Scheduled(scheduled_time=when))
                          for when in (now - dt.timedelta(minutes=5), now + dt.timedelta(hours=1)))
        assert cancel_missed_runs("extract-workplans/missed-runs-test") == 1
        assert client.read_flow_run(missed.id).state.name == "Cancelled"
        assert client.read_flow_run(coming.id).state.name == "Scheduled"
    assert cancel_missed_runs("extract-workplans/missed-runs-test") == 0
    assert cancel_missed_runs("extract-workplans/never-served") == 0


def _serve(raw: Path, out: Path, home: Path, log: Path, api_url: str | None = None) -> subprocess.Popen:
    """``workplans serve RAW --out OUT --cron "* * * * *" --no-watch`` as a process of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL", "PREFECT__"))}
    env.update(PREFECT_HOME=str(home), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    with log.open("w") as fh:
        return subprocess.Popen([sys.executable, str(ROOT / "flows.py"), "serve", str(raw), "--out", str(out),
                                 "--cron", "* * * * *", "--no-watch"], env=env, stdout=fh, stderr=subprocess.STDOUT,
                                cwd=ROOT)


def _wait_for(condition, what: str, process: subprocess.Popen, log: Path, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if process.poll() is not None:
            break
        time.sleep(0.5)
    process.kill()
    pytest.fail(f"no {what}; serve said:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, headers={"accept": "text/html"}, follow_redirects=True, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_two_served_folders_run_on_schedule_each_into_its_own_output(tmp_path):
    """The first serve starts its own server (no separately started one); the second is pointed at it with
    PREFECT_API_URL. Each runs on the cron schedule and writes only its own output; stopping the second leaves
    the server up, stopping the first stops it."""
    home = tmp_path / "prefect-home"
    folders = {}
    for key, seed in (("a", SEEDS[0]), ("b", SEEDS[1])):
        raw = tmp_path / f"raw_{key}"
        raw.mkdir()
        shutil.copy(ROOT / "raw" / seed, raw)
        folders[key] = (raw, tmp_path / f"out_{key}", tmp_path / f"serve_{key}.log", seed)

    raw_a, out_a, log_a, seed_a = folders["a"]
    first = _serve(raw_a, out_a, home, log_a)
    ui = _wait_for(lambda: re.search(r"^Prefect UI: (http://127\.0\.0\.1:\d+) \(a server of this command",
                                     log_a.read_text(), re.M), "UI address", first, log_a, 120).group(1)
    assert _answers(ui) and _answers(f"{ui}/api/health")

    raw_b, out_b, log_b, seed_b = folders["b"]
    second = _serve(raw_b, out_b, home, log_b, api_url=f"{ui}/api")
    try:
        done = re.compile(r"^\d\d:\d\d:\d\d scheduled run '[\w-]+': 1 documents \(1 parsed, 0 unchanged, "
                          r"0 with errors\): (\d+) items, \d+ timelines, \d+ leads in [\d.]+ s$", re.M)
        for process, (_raw, out, log, seed) in ((first, folders["a"]), (second, folders["b"])):
            # the first completed scheduled run: a run the machine crashed under load is printed as such and the
            # next minute's run is the one that counts (the log is shown if none completes in time)
            found = _wait_for(lambda log=log: done.search(log.read_text()), "completed scheduled run", process, log,
                              200)
            assert int(found.group(1)) == pq.read_table(out / "work_items").num_rows > 0, log.read_text()
            assert pq.read_table(out / "documents").column("document_id").to_pylist() == [seed]

        deployments = httpx.post(f"{ui}/api/deployments/filter", json={}).json()
        assert sorted((d["name"], d["parameters"]["raw_dir"], d["parameters"]["out_dir"]) for d in deployments) == \
            sorted((deployment_name(raw), str(raw), str(out)) for raw, out, _, _ in folders.values())
        assert f"Prefect UI: {ui}\n" in log_b.read_text()  # the second one uses that server and does not own it
    finally:
        code_b = _stop(second)
        still_up = _answers(f"{ui}/api/health")
        code_a = _stop(first)
    assert (code_b, still_up, code_a) == (0, True, 0)
    assert not _answers(f"{ui}/api/health")
    assert log_a.read_text().rstrip().endswith("Stopped.") and log_b.read_text().rstrip().endswith("Stopped.")
