"""Running the flow beyond one plain call: one local API server, a Dask cluster, a folder watcher, serving a folder."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import logging
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.errors import ServerUnavailable
from pipeline.local_server import ServerAddress, api_answers, owned_server, ui_answers

if TYPE_CHECKING:
    from prefect import Flow
    from prefect.flows import FlowStateHook

log = logging.getLogger(__name__)


@contextlib.contextmanager
def local_api_server() -> Iterator[str | None]:
    """Make every process of this run share one Prefect API.

    With ``PREFECT_API_URL`` set (a real server), nothing to do. Otherwise use one local server and export its
    URL, so that Dask worker processes talk to it instead of each starting a temporary server of their own: the
    server an earlier command left warm in the Prefect home, else a new one kept for the next command
    (``WORKPLANS_SERVER_IDLE_SECONDS`` after the last, default 300; 0: one server per command, stopped with it).
    """
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from pipeline.local_server import idle_seconds_from_env, temporary_server, warm_server

    configured = get_current_settings().api.url
    if configured:  # an API already set for this process (a test harness, a profile): share it, stop nothing
        os.environ["PREFECT_API_URL"] = configured
        try:
            yield configured
        finally:
            os.environ.pop("PREFECT_API_URL", None)
        return

    home = Path(get_current_settings().home)
    timeout = get_current_settings().server.ephemeral.startup_timeout_seconds
    idle = idle_seconds_from_env()
    started = warm_server(home, idle, timeout) if idle else temporary_server(home / "temporary-server.log", timeout)
    with started as server:
        os.environ["PREFECT_API_URL"] = server.api_url
        try:
            with temporary_settings({PREFECT_API_URL: server.api_url}):
                yield server.api_url
        finally:
            _drain_to_api()  # send pending logs and events while the server still listens
            os.environ.pop("PREFECT_API_URL", None)


@contextlib.contextmanager
def one_shot_settings() -> Iterator[None]:
    """Settings for a run that lives and dies with this command: no flow-run heartbeats.

    Prefect's heartbeat thread (it lets a long-lived server spot crashed runs) sleeps in one-second steps
    and is joined when the flow run ends, which costs up to a second per run; with an API server that
    stops with the command nobody reads the heartbeats. Kept as Prefect sets them when the user exported
    ``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` or points ``PREFECT_API_URL`` at a server of their own. Enter it
    before ``local_api_server`` (which exports the URL of the server it starts).
    """
    if os.environ.get("PREFECT_API_URL") or os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY"):
        yield
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def _drain_to_api() -> None:
    """Wait until this process has sent its pending logs and events to the API."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    EventsWorker.drain_all(timeout=10)


def dask_task_runner(address: str | None = None, workers: int = 2):
    """A prefect-dask DaskTaskRunner: a remote scheduler at ``address``, else a local process cluster."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})


def watch_raw(raw_dir: Path, trigger: Callable[[set[str]], None], stop: threading.Event,
              debounce_ms: int = 2000) -> None:
    """Call ``trigger(changed_paths)`` once per burst of additions or changes under ``raw_dir``.

    watchfiles groups the events of one upload (a file written in several chunks, several files copied
    at once) into one batch after ``debounce_ms`` of quiet; deletions are applied by the next run too.
    """
    from watchfiles import Change, watch

    for changes in watch(raw_dir, debounce=debounce_ms, step=100, stop_event=stop, recursive=True,
                         raise_interrupt=False):
        paths = {path for change, path in changes
                 if not Path(path).name.startswith(".") and change in (Change.added, Change.modified, Change.deleted)}
        if paths:
            log.info("raw folder changed (%d files): starting a run", len(paths))
            trigger(paths)


def deployment_name(raw_dir: str | Path) -> str:
    """The deployment of one input folder, named after its resolved path (a readable slug of its last two parts and
    a short hash of the whole), so that two served folders never pick up each other's runs.

    ``deployment_name("/data/plans/raw")`` -> ``"plans-raw-"`` followed by 8 hex digits; ``"raw"``, ``"./raw/"``
    and the absolute path of the same folder give the same name.
    """
    path = Path(raw_dir).expanduser().resolve()
    slug = re.sub(r"\W+", "-", "-".join(path.parts[-2:]).lower()).strip("-_")[:40].strip("-_") or "folder"
    return f"{slug}-{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"


def cron_problem(cron: str) -> str | None:
    """Why Prefect would refuse ``cron`` as a schedule (one line), or None.

    ``cron_problem("0 6 * * *")`` -> ``None``; ``cron_problem("61 * * * *")`` ->
    ``'invalid cron schedule "61 * * * *": [61 * * * *] is not acceptable, out of range'``
    """
    from prefect._vendor.croniter import croniter

    try:
        croniter(cron)
    except (ValueError, KeyError, TypeError) as e:  # croniter's errors are ValueErrors
        return f'invalid cron schedule "{cron}": {e}'
    if any(field.lower() in ("r", "h") for field in cron.split()):  # croniter's random/hashed fields: not in Prefect
        return f'invalid cron schedule "{cron}": random (R) and hashed (H) fields are not supported'
    return None


def next_run(cron: str, after: dt.datetime | None = None) -> dt.datetime:
    """When ``cron`` fires next, in UTC as Prefect reads it: ``next_run("0 6 * * *", <2024-01-01 07:00 UTC>)`` ->
    ``<2024-01-02 06:00 UTC>``."""
    from prefect._vendor.croniter import croniter

    return croniter(cron, after or dt.datetime.now(dt.UTC)).get_next(dt.datetime)


@contextlib.contextmanager
def serve_api(name: str) -> Iterator[ServerAddress]:
    """The Prefect API a served folder uses, exported for every process of the command.

    ``PREFECT_API_URL`` (or a profile) naming a server: that server, left running. Otherwise a full local server
    owned by the command (Prefect's temporary server runs no scheduler, so no schedule would ever fire), its
    database ``<PREFECT_HOME>/serve/<name>.db``, stopped when the block ends.
    """
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    settings = get_current_settings()
    configured = os.environ.get("PREFECT_API_URL") or settings.api.url
    if configured:
        if not api_answers(configured):
            raise ServerUnavailable(f"the Prefect API at {configured} (PREFECT_API_URL) does not answer")
        yield ServerAddress(configured, settings.ui_url, owned=False)
        return
    with owned_server(Path(settings.home) / "serve" / f"{name}.db", settings.server.api.port) as server:
        os.environ["PREFECT_API_URL"] = server.api_url
        try:
            with temporary_settings({PREFECT_API_URL: server.api_url}):
                yield server
                _drain_to_api()
        finally:
            os.environ.pop("PREFECT_API_URL", None)


def cancel_missed_runs(deployment: str) -> int:
    """Cancel the runs of ``deployment`` due before now that never started: runs scheduled ahead by a serve that was
    killed. Without this a restarted serve would work off every schedule it missed. Returns how many.

    ``cancel_missed_runs("extract-workplans/plans-raw-1a2b3c4d")`` -> ``0`` (none, or no such deployment yet)
    """
    from prefect import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterDeploymentId,
        FlowRunFilterExpectedStartTime,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.exceptions import ObjectNotFound
    from prefect.states import Cancelled

    with get_client(sync_client=True) as client:
        try:
            found = client.read_deployment_by_name(deployment)
        except ObjectNotFound:
            return 0
        missed = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            deployment_id=FlowRunFilterDeploymentId(any_=[found.id]),
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
            # Prefect types the field as its own DateTime; pydantic takes an aware datetime
            expected_start_time=FlowRunFilterExpectedStartTime(before_=dt.datetime.now(dt.UTC))))  # type: ignore[arg-type]
        for run in missed:
            client.set_flow_run_state(run.id, Cancelled(message="missed: the folder was not being served"), force=True)
    return len(missed)


def print_run_line(flow, flow_run, state) -> None:
    """Flow-run hook: one line per served run on the command's output (the run's process shares it), e.g.
    ``12:01:07 scheduled run 'clever-fox': 5 documents (5 parsed, 0 unchanged, 0 with errors): 120 items, ...
    in 3.1 s``.
    """
    kind = "scheduled run" if flow_run.auto_scheduled else "run"
    report = state.result(raise_on_failure=False) if state.is_completed() else None
    if report is not None and hasattr(report, "summary_line"):
        text = f"{report.summary_line()} in {report.seconds} s"
    else:
        text = f"{state.name.lower()}: {state.message or 'no message'}"
    print(f"{dt.datetime.now():%H:%M:%S} {kind} {flow_run.name!r}: {text}", flush=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM before the runner installs its own handler: leave through the finally blocks


def serve(extract_workplans: Flow, raw_dir: str, out_dir: str, cron: str, watch: bool = True,
          debounce_ms: int = 2000, say: Callable[[str], None] = log.warning) -> None:
    """Serve the flow as this folder's deployment with a cron schedule, plus a watcher that starts a run on changes.

    ``extract_workplans``: the flow (``flows.py`` hands it in: the top floor calls this module, never the reverse).
    ``say`` gets the lines for the user (the deployment, the next run, the UI address); each run prints its own.
    Returns on Ctrl-C or SIGTERM, after the runner paused the schedule and the owned server (if any) stopped.
    """
    from prefect.deployments import run_deployment

    raw, out = Path(raw_dir).resolve(), Path(out_dir).resolve()
    name = deployment_name(raw)
    hooks: list[FlowStateHook] = [print_run_line]
    flow = extract_workplans.with_options(on_completion=hooks, on_failure=hooks, on_crashed=hooks)
    params = {"raw_dir": str(raw), "out_dir": str(out)}
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)

    def start_run(_: set[str]) -> None:
        try:
            run_deployment(f"{flow.name}/{name}", parameters=params, timeout=0)
        except Exception as e:  # the watcher keeps watching; the schedule still runs
            log.warning("could not start a run for the change: %s", e)

    with serve_api(name) as server:
        missed = cancel_missed_runs(f"{flow.name}/{name}")
        say(f"Serving {raw} -> {out} as deployment '{flow.name}/{name}': cron '{cron}' (UTC), next run "
            f"{next_run(cron):%Y-%m-%d %H:%M} UTC" + ("; and a run on every change in the folder" if watch else ""))
        if missed:
            say(f"{missed} scheduled run(s) missed while the folder was not served: cancelled")
        if server.ui_url and (not server.owned or ui_answers(server.ui_url)):
            owner = " (a server of this command, stopped with it)" if server.owned else ""
            say(f"Prefect UI: {server.ui_url}{owner}")
        else:
            say(f"Prefect API: {server.api_url} (no UI)")
        say("Ctrl-C to stop.")
        if watch:
            # the thread runs in a copy of this context: Prefect's settings (the API's address) live in a contextvar
            thread = threading.Thread(target=contextvars.copy_context().run,
                                      args=(watch_raw, raw, start_run, stop, debounce_ms), name="raw-watcher",
                                      daemon=True)
            thread.start()
        try:
            flow.serve(name=name, cron=cron, parameters=params, limit=1, print_starting_message=False)
        finally:
            stop.set()
