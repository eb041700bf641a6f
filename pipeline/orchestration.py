"""Running the flow beyond one plain call: one local API server, a Dask cluster, a folder watcher."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)


@contextlib.contextmanager
def local_api_server() -> Iterator[str | None]:
    """Make every process of this run share one Prefect API.

    With ``PREFECT_API_URL`` set (a real server), nothing to do. Otherwise start one local server for the
    run and export its URL, so that Dask worker processes and the deployment runner talk to it instead of
    each starting a temporary server of their own.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    configured = get_current_settings().api.url
    if configured:  # an API already set for this process (a test harness, a profile): share it, stop nothing
        os.environ["PREFECT_API_URL"] = configured
        try:
            yield configured
        finally:
            os.environ.pop("PREFECT_API_URL", None)
        return

    server = SubprocessASGIServer()
    server.start(timeout=120)
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        _drain_to_api()  # send pending logs and events while the server still listens
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()


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


def serve(raw_dir: str, out_dir: str, cron: str, watch: bool = True, debounce_ms: int = 2000) -> None:
    """Serve the flow as a deployment with a cron schedule, plus a watcher that starts a run on changes."""
    from prefect.deployments import run_deployment

    from flows import extract_workplans

    params = {"raw_dir": raw_dir, "out_dir": out_dir}
    stop = threading.Event()
    name = "workplans"

    def start_run(_: set[str]) -> None:
        run_deployment(f"{extract_workplans.name}/{name}", parameters=params, timeout=0)

    with local_api_server():
        if watch:
            thread = threading.Thread(target=watch_raw, args=(Path(raw_dir), start_run, stop, debounce_ms),
                                      name="raw-watcher", daemon=True)
            thread.start()
        try:
            extract_workplans.serve(name=name, cron=cron, parameters=params, print_starting_message=True)
        finally:
            stop.set()
