"""One document in a worker process with a time and a memory budget: past either it is stopped, an error row.

``run_document_limited`` is a drop-in for ``pipeline.run.run_document``: the same DocumentResult (the worker
runs ``run_document`` itself), or, when the worker is stopped, a result whose one error row says why:
``timeout`` past ``WORKPLANS_DOCUMENT_SECONDS`` (default 300 s), ``too_complex`` past
``WORKPLANS_DOCUMENT_MEMORY_MB`` of resident memory (default 2,048 MB; a worker holds about 200 MB of
libraries before it reads anything). 0 turns a limit off.

Workers come from a ``multiprocessing`` forkserver that has imported the pipeline, spaCy and the language
identifier's model once (``pipeline/worker_base.py``): the workers share those pages instead of each loading a
copy. They are kept for the next document while they stay small (a language's matchers and dateparser's tables
are built once per worker, on first use, not once per document), and stopped once the run has read every
document (``shutdown``). Memory is the worker's resident set (``/proc/<pid>/statm``), read by the parent every
50 ms:
``RLIMIT_AS`` is no measure of it (pyarrow and spaCy reserve over 1.5 GB of address space while about 200 MB
is resident; see benchmarks/README.md).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from pipeline.core.enums import Status
from pipeline.core.records import DocumentResult, ErrorItem

log = logging.getLogger(__name__)

SECONDS_ENV = "WORKPLANS_DOCUMENT_SECONDS"
MEMORY_ENV = "WORKPLANS_DOCUMENT_MEMORY_MB"
DEFAULT_SECONDS = 300.0
DEFAULT_MEMORY_MB = 2048.0
FAULT_ENV = "WORKPLANS_FAULT"  # tests only: "sleep", "allocate" or "exit" makes the worker misbehave
# imported once by the forkserver, so that a new worker starts with them loaded and shares them with the others
# (pipeline.worker_base, last: spaCy and the language identifier's model, then gc.freeze())
PRELOAD = ("pipeline.run", "pipeline.normalize", "extractors.pdf", "extractors.html", "extractors.text",
           "extractors.markdown", "normalizers.agencies", "normalizers.timeline", "normalizers.funding",
           "pipeline.worker_base")
_POLL_SECONDS = 0.05
_KEEP_FRACTION = 0.5  # a worker holding more than this share of the memory budget after a document is retired
_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 1024 / 1024 if hasattr(os, "sysconf") else 4096 / 1024 / 1024


def limits_from_env() -> tuple[float, float]:
    """``(seconds, memory_mb)`` from ``WORKPLANS_DOCUMENT_SECONDS`` / ``WORKPLANS_DOCUMENT_MEMORY_MB``, else
    the defaults: ``limits_from_env()`` -> ``(300.0, 2048.0)``."""
    return (float(os.environ.get(SECONDS_ENV) or DEFAULT_SECONDS),
            float(os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_MB))


@dataclass
class _Worker:
    process: Any
    conn: Connection

    def rss_mb(self) -> float | None:
        try:
            with open(f"/proc/{self.process.pid}/statm", encoding="ascii") as fh:
                return int(fh.read().split()[1]) * _PAGE_MB
        except (OSError, ValueError, IndexError):
            return None  # no /proc (not Linux) or the worker just ended: no memory check

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


_idle: list[_Worker] = []
_lock = threading.Lock()
# documents read at once, one worker process each: the cores (Prefect's thread runner starts more tasks than that,
# and each worker holds about 200 MB)
_slots = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


@functools.cache
def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def _start_worker() -> _Worker:
    ours, theirs = _context().Pipe()
    # daemon: ended with this process, never waited for at exit
    process = _context().Process(target=_serve, args=(theirs,), name="workplans-document", daemon=True)
    with _main_not_imported():
        process.start()
    theirs.close()
    return _Worker(process, ours)


@contextlib.contextmanager
def _main_not_imported() -> Iterator[None]:
    """Start a worker without it importing the command's main script again (``flows.py``, the ``workplans``
    script: Prefect and the flow, about a second per worker): multiprocessing re-imports ``__main__`` in a new
    process when it has a file and no module name; the worker needs nothing from it, only our modules."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    with _lock:
        del main.__file__
        try:
            yield
        finally:
            main.__file__ = path


def _take_worker() -> _Worker:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.process.is_alive():
                return worker
            worker.stop()
    return _start_worker()


def _keep_worker(worker: _Worker, memory_mb: float) -> None:
    rss = worker.rss_mb()
    if memory_mb > 0 and rss is not None and rss > memory_mb * _KEEP_FRACTION:
        worker.stop()  # a big document's memory is not given back: the next one starts in a fresh worker
        return
    with _lock:
        if len(_idle) < 2 * (os.cpu_count() or 1):
            _idle.append(worker)
            return
    worker.stop()


def shutdown() -> None:
    """Stop the idle workers (they also end with this process)."""
    with _lock:
        workers = list(_idle)
        _idle.clear()
    for worker in workers:
        worker.stop()


def _serve(conn: Connection) -> None:
    """The worker: one document per message until the parent closes the pipe."""
    from pipeline.run import run_document

    while True:
        try:
            path, raw_dir, batches, env, fault = conn.recv()
        except (EOFError, OSError):
            return
        for key in [k for k in os.environ if k.startswith("WORKPLANS_") and k not in env]:
            del os.environ[key]
        os.environ.update(env)  # the caller's settings now, not the forkserver's at its start
        if fault:
            _misbehave(fault)
        conn.send(run_document(path, raw_dir, batches))


def _misbehave(fault: str) -> None:
    """Test hook (``WORKPLANS_FAULT``): a document that never ends, eats memory, or kills its worker."""
    if fault == "sleep":
        time.sleep(3600)
    elif fault == "allocate":
        hoard = []
        while True:
            hoard.append(b"x" * (32 << 20))  # written, so resident
            time.sleep(0.005)
    elif fault == "exit":
        os._exit(70)


def run_document_limited(path: Path, raw_dir: Path, pdf_batches: list | None = None, seconds: float | None = None,
                         memory_mb: float | None = None) -> DocumentResult:
    """``run_document`` in a worker process, stopped past ``seconds`` or ``memory_mb`` (defaults from the
    environment, see ``limits_from_env``; 0 = no limit).

    ``run_document_limited(Path("raw/wg6.txt"), Path("raw")).status`` -> ``Status.SUCCESS``; a document still
    running after ``seconds`` -> ``Status.FAILURE`` with one error row ``timeout``.
    """
    from pipeline.run import run_document

    env_seconds, env_memory = limits_from_env()
    seconds = env_seconds if seconds is None else seconds
    memory_mb = env_memory if memory_mb is None else memory_mb
    if multiprocessing.current_process().daemon:
        log.debug("%s: in a daemon process (a Dask worker), read without limits", path)
        return run_document(path, raw_dir, pdf_batches)
    with _slots:
        return _limited(Path(path), Path(raw_dir), pdf_batches, seconds, memory_mb)


def _limited(path: Path, raw_dir: Path, pdf_batches: list | None, seconds: float, memory_mb: float) -> DocumentResult:
    env = {k: v for k, v in os.environ.items() if k.startswith("WORKPLANS_") and k != FAULT_ENV}
    worker = _take_worker()
    try:
        worker.conn.send((Path(path), Path(raw_dir), pdf_batches, env, os.environ.get(FAULT_ENV)))
    except (BrokenPipeError, EOFError, OSError):  # an idle worker gone since: one fresh try
        worker.stop()
        worker = _start_worker()
        worker.conn.send((Path(path), Path(raw_dir), pdf_batches, env, os.environ.get(FAULT_ENV)))
    outcome = _watch(worker, seconds, memory_mb)
    if isinstance(outcome, DocumentResult):
        _keep_worker(worker, memory_mb)
        return outcome
    worker.stop()
    return _stopped(Path(path), Path(raw_dir), *outcome)


def _watch(worker: _Worker, seconds: float, memory_mb: float) -> DocumentResult | tuple[str, str]:
    """The worker's result, or (error type, message) once it is over a limit or ended without one."""
    deadline = time.monotonic() + seconds if seconds > 0 else None
    while True:
        ready = wait([worker.conn, worker.process.sentinel], timeout=_POLL_SECONDS)
        if worker.conn in ready:
            try:
                return worker.conn.recv()
            except (EOFError, OSError):
                pass  # the worker ended mid-message
        if ready:
            worker.process.join(timeout=1)
            return ("internal_error", f"the worker process ended without a result (exit code "
                                      f"{worker.process.exitcode})")
        rss = worker.rss_mb()
        if memory_mb > 0 and rss is not None and rss > memory_mb:
            return ("too_complex", f"processing needed more than {memory_mb:g} MB of memory and was stopped "
                                   f"(set {MEMORY_ENV} to raise the limit)")
        if deadline is not None and time.monotonic() > deadline:
            return ("timeout", f"processing took longer than {seconds:g} s and was stopped "
                               f"(set {SECONDS_ENV} to raise the limit)")


def _stopped(path: Path, raw_dir: Path, error_type: str, message: str) -> DocumentResult:
    """The result of a document whose worker was stopped: what is known without reading it, one error row."""
    import extractors
    from pipeline.catalog import check_link
    from pipeline.core.errors import PipelineError
    from pipeline.run import document_id_of, sha256_of

    source = document_id_of(path, raw_dir)
    result = DocumentResult(document_id=source, source_file=source, sha256="",
                            format=path.suffix.lstrip(".").lower(), status=Status.FAILURE)
    try:
        check_link(path, raw_dir)  # as run_document: nothing outside the raw folder is read, not even to hash
        result.sha256 = sha256_of(path)
        result.format = extractors.format_of(path).value
    except (PipelineError, OSError):
        pass  # the worker had met that first
    result.errors.append(ErrorItem(source, "process", error_type, f"{path.name}: {message}"))
    return result
