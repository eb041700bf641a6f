"""One version of the output: each run writes a complete snapshot, one atomic step makes it current, a lock
keeps two runs out of one folder.

Layout of an output folder::

    OUT/.runs/<run_id>/<table>/part-0.parquet, run_report.md, run_report.json   one complete run each
    OUT/.current -> .runs/<run_id>                                              swapped by one rename
    OUT/<table> -> .current/<table>, OUT/run_report.md -> .current/run_report.md  fixed links

    OUT/current_run.txt                                                         the current run id, as text

So ``read_parquet('OUT/work_items/*.parquet')`` reads the current run: the links never change, and ``.current``
moves from one complete snapshot to the next in one ``rename``, so a table is never missing, half written or
mixed from two runs. A query that is running at the very instant of a switch can still fail: readers such as
DuckDB open a file by its path more than once per query, and the path then leads to the next run's file. A
reader that polls while runs write reads one snapshot by its own path instead
(``OUT/.runs/<current_run.txt>/<table>/*.parquet``): a snapshot never changes, and stays on disk for
``WORKPLANS_SNAPSHOT_GRACE_SECONDS`` (default 600) after the next run replaced it; the one before the current
run is always kept. Older ones and the leftovers of a killed run are removed by the next run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import logging
import os
import shutil
import signal
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

RUNS, CURRENT, LOCK, DONE, RUN_ID = ".runs", ".current", ".lock", ".complete", "current_run.txt"
GRACE_ENV = "WORKPLANS_SNAPSHOT_GRACE_SECONDS"
FAULT_ENV = "WORKPLANS_FAULT_POINT"  # tests only: the process kills itself (SIGKILL) at this named point


class OutputLocked(RuntimeError):
    """Another run is writing this output folder."""


def fault_point(name: str) -> None:
    """Die here, as a crash would, when ``WORKPLANS_FAULT_POINT`` names this point (crash tests)."""
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@contextlib.contextmanager
def output_lock(out_dir: Path, wait: bool = True) -> Iterator[None]:
    """Hold the output folder's exclusive lock (``OUT/.lock``, released by the OS if the process dies).

    ``wait=False`` raises ``OutputLocked`` at once when another run holds it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EACCES):
                raise OutputLocked(f"another run is writing {out_dir}; wait for it to finish") from e
            raise
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def is_locked(out_dir: Path) -> bool:
    """Whether a run holds the output folder's lock now (a one-line refusal before starting a run)."""
    if not (out_dir / LOCK).exists():
        return False
    try:
        with output_lock(out_dir, wait=False):
            return False
    except OutputLocked:
        return True


def publish(out_dir: Path, write: Callable[[Path], list[str]]) -> Path:
    """Make ``write(folder)``'s files the current output in one step; returns the snapshot folder.

    ``write`` fills an empty staging folder and returns the names it wrote at the top (tables, reports);
    each gets a fixed link ``OUT/<name> -> .current/<name>``. Call it holding ``output_lock``.
    """
    runs = out_dir / RUNS
    runs.mkdir(parents=True, exist_ok=True)
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    staging = runs / f"{run_id}.tmp"
    staging.mkdir()
    names = write(staging)
    fault_point("before-complete")
    (staging / DONE).write_text(run_id)
    snapshot = runs / run_id
    os.replace(staging, snapshot)
    fault_point("before-switch")
    previous = current_snapshot(out_dir)
    _replace_link(out_dir / CURRENT, Path(RUNS) / run_id)
    fault_point("after-switch")
    pointer = out_dir / f".{RUN_ID}.{uuid.uuid4().hex[:8]}.tmp"
    pointer.write_text(run_id + "\n")
    os.replace(pointer, out_dir / RUN_ID)
    for name in names:
        _fixed_link(out_dir, name)
    remove_leftovers(out_dir, keep={run_id} | ({previous.name} if previous else set()))
    return snapshot


def current_snapshot(out_dir: Path) -> Path | None:
    """The snapshot ``.current`` points to, or None."""
    pointer = out_dir / CURRENT
    if not pointer.is_symlink():
        return None
    target = pointer.resolve()
    return target if target.is_dir() else None


def remove_leftovers(out_dir: Path, keep: set[str] | None = None) -> list[str]:
    """Delete snapshots other than the current one (and ``keep``), half-written ones of a killed run, and the
    temporary files of earlier layouts; returns what was removed. Call it holding ``output_lock``."""
    current = current_snapshot(out_dir)
    keep = set(keep or ()) | ({current.name} if current else set()) | _recent(out_dir, current)
    removed = []
    runs = out_dir / RUNS
    if runs.is_dir():
        for entry in runs.iterdir():
            if entry.name not in keep:
                _remove(entry)
                removed.append(f"{RUNS}/{entry.name}")
    for entry in out_dir.glob(".*"):
        if entry.name.endswith((".tmp", ".old")) or entry.name.startswith(f"{CURRENT}."):
            _remove(entry)
            removed.append(entry.name)
    if removed:
        log.info("removed %d leftovers of earlier runs in %s", len(removed), out_dir)
    return removed


def _recent(out_dir: Path, current: Path | None) -> set[str]:
    """Complete snapshots a reader may still be reading: the newest one before the current, and every one
    replaced less than the grace period ago (its successor's completion time)."""
    done = sorted((p.stat().st_mtime_ns, p.parent.name) for p in (out_dir / RUNS).glob(f"*/{DONE}"))
    names = [name for _, name in done]
    older = [name for name in names if current is None or name != current.name]
    keep = set(older[-1:])
    grace_ns = float(os.environ.get(GRACE_ENV, "600")) * 1e9
    now = dt.datetime.now().timestamp() * 1e9
    for (_, name), (replaced_at, _) in zip(done, done[1:], strict=False):
        if now - replaced_at < grace_ns:
            keep.add(name)
    return keep


def _replace_link(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` in one rename (a reader sees the old or the new target, never none)."""
    temporary = link.with_name(f"{link.name}.{uuid.uuid4().hex[:8]}")
    os.symlink(target, temporary)
    os.replace(temporary, link)


def _fixed_link(out_dir: Path, name: str) -> None:
    """``OUT/<name> -> .current/<name>``, replacing a folder or file of the pre-snapshot layout once."""
    link = out_dir / name
    target = Path(CURRENT) / name
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    if link.exists() or link.is_symlink():
        if link.is_dir() and not link.is_symlink():
            aside = out_dir / f".{name}.{uuid.uuid4().hex[:8]}.old"
            os.replace(link, aside)
            _remove(aside)
        else:
            _replace_link(link, target)
            return
    os.symlink(target, link)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
