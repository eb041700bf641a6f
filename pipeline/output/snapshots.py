"""One version of the output under any glob, no links: each run writes a complete snapshot, then each table file
is swapped in by one rename; a lock keeps two runs out of one folder; only what the command wrote is deleted.

Layout of an output folder::

    OUT/<table>/part-0.parquet, OUT/run_report.md, ...    the current run: real files, one version only
    OUT/current_run.txt                                   the current run id (written first: the commit point)
    OUT/.runs/<run_id>/<table>.parquet, run_report.md ... each run's complete snapshot (the same files, hard links)
    OUT/.workplans                                        marker: the names this command wrote into OUT
    OUT/.lock, OUT/.cache/                                the lock, the parsed-document cache

So ``read_parquet('OUT/<table>/*.parquet')`` and a recursive ``OUT/**/<table>/*.parquet`` read one version (the
snapshots' files are named ``<table>.parquet``, in no folder named like a table), and a copy of the folder to a
share, a synced folder or object storage needs no links. A table file is replaced by one ``rename``: a reader sees
the old or the new file, never a half-written one. The tables switch one after another, so a reader joining
two tables at that instant can mix two runs: a reader that needs every table from one run reads the snapshot
named by ``current_run.txt`` (``OUT/.runs/<run_id>/<table>.parquet``), which never changes and stays for
``WORKPLANS_SNAPSHOT_GRACE_SECONDS`` (600) after the next run replaced it; the one before the current is always
kept. A run killed during the switch leaves each table whole (some of the new run, some of the old) and
``current_run.txt`` naming the new, complete snapshot: the next run finishes the switch before anything else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import logging
import os
import re
import signal
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

RUNS, LOCK, DONE, RUN_ID, MARKER, CACHE = ".runs", ".lock", ".complete", "current_run.txt", ".workplans", ".cache"
PART = "part-0.parquet"  # the one file of a table's folder
GRACE_ENV = "WORKPLANS_SNAPSHOT_GRACE_SECONDS"
FAULT_ENV = "WORKPLANS_FAULT_POINT"  # tests only: the process kills itself (SIGKILL) at this named point
_RUN = re.compile(r"\d{8}T\d{6}-[0-9a-f]{8}")  # a run id: UTC time and 8 random hex digits
_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")  # ".<name>.<8 hex>.tmp": a file or folder being put in place
_OWN_FILES = {"run_report.md", "run_report.json", "manifest.json", "datapackage.json", DONE}
_OLD_CURRENT = ".current"  # the link of the earlier layout (OUT/.current -> .runs/<id>, OUT/<table> -> .current/...)
_held: set[str] = set()  # output folders whose lock this process holds (the command takes it before Prefect starts)


class OutputLocked(RuntimeError):
    """Another run is writing this output folder."""


class OutputRefused(RuntimeError):
    """The output folder holds something this command will not write over or through (a link, a foreign file)."""


def fault_point(name: str) -> None:
    """Die here, as a crash would, when ``WORKPLANS_FAULT_POINT`` names this point (crash tests)."""
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@contextlib.contextmanager
def output_lock(out_dir: Path, wait: bool = True) -> Iterator[None]:
    """Hold the output folder's exclusive lock (``OUT/.lock``, released by the OS if the process dies).

    ``wait=False`` raises ``OutputLocked`` at once when another run holds it. Taken again inside the process that
    holds it (the command, then its flow), it is already held. ``OUT/.lock`` is opened without following a link
    (a planted link is ``OutputRefused``).
    """
    key = os.path.realpath(out_dir)
    if key in _held:
        yield
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise OutputRefused(f"{out_dir / LOCK} is a symbolic link; remove it") from e
        raise
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EACCES):
                raise OutputLocked(f"another run is writing {str(out_dir)!r}; wait for it to finish") from e
            raise
        _held.add(key)
        try:
            yield
        finally:
            _held.discard(key)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def is_locked(out_dir: Path) -> bool:
    """Whether a run holds the output folder's lock now (a one-line refusal before starting a run)."""
    if os.path.realpath(out_dir) in _held:
        return False
    if not (out_dir / LOCK).exists():
        return False
    try:
        with output_lock(out_dir, wait=False):
            return False
    except OutputLocked:
        return True
    except OutputRefused:
        return False  # a planted link: the folder check refuses it


def foreign_entries(out_dir: Path) -> list[str]:
    """What the output folder holds that this command did not write (sorted paths relative to it); empty for a
    folder that does not exist, is empty or holds only a run's output. A table's folder holding another file
    counts: a glob of the table would read it."""
    if not out_dir.is_dir():
        return []
    ours = _marked(out_dir)
    foreign = []
    for entry in sorted(out_dir.iterdir(), key=lambda p: p.name):
        name = entry.name
        if entry.is_symlink():
            if not _old_link(out_dir, name):
                foreign.append(name)
        elif name in (LOCK, RUN_ID, MARKER) or _TEMPORARY.fullmatch(name):
            continue
        elif name in (RUNS, CACHE):
            if not entry.is_dir():
                foreign.append(name)
        elif name not in ours:
            foreign.append(name)
        elif entry.is_dir():
            foreign += [f"{name}/{p.name}" for p in sorted(entry.iterdir()) if p.name != PART or p.is_symlink()]
    return foreign


def publish(out_dir: Path, write: Callable[[Path], list[str]]) -> Path:
    """Make ``write(folder)``'s files the current output; returns the run's snapshot folder.

    ``write`` fills an empty staging folder with ``<table>.parquet`` files and reports and returns their names;
    each table becomes ``OUT/<table>/part-0.parquet``, each report ``OUT/<name>``. Call it holding
    ``output_lock``.
    """
    runs = out_dir / RUNS
    _real_folder(runs)
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    staging = runs / f"{run_id}.tmp"
    staging.mkdir()
    write(staging)
    fault_point("before-complete")
    (staging / DONE).write_text(run_id)
    snapshot = runs / run_id
    os.replace(staging, snapshot)
    owned = _marked(out_dir) | {name for name in os.listdir(out_dir) if _old_link(out_dir, name)}
    _refuse_collisions(out_dir, snapshot, owned)
    _mark(out_dir, [_published_name(p.name) for p in snapshot.iterdir() if p.name != DONE])
    fault_point("before-switch")
    previous = current_snapshot(out_dir)
    _write_atomically(out_dir / RUN_ID, run_id + "\n")  # the commit point: the next run finishes what is left
    _switch(out_dir, snapshot)
    fault_point("after-switch")
    remove_leftovers(out_dir, keep={run_id} | ({previous.name} if previous else set()))
    return snapshot


def collisions(out_dir: Path) -> list[str]:
    """Files of the output folder the command did not write but would replace (a ``run_report.md`` of the user's,
    a ``part-0.parquet`` in a folder named like a table): refused even with ``--force``."""
    return [name for name in foreign_entries(out_dir) if name.split("/")[-1] in _OWN_FILES | {PART}
            or (out_dir / name / PART).exists()]


def _refuse_collisions(out_dir: Path, snapshot: Path, owned: set[str]) -> None:
    for source in snapshot.iterdir():
        name = _published_name(source.name)
        target = out_dir / name
        if name.split("/")[0] not in owned and (target.exists() or target.is_symlink()):
            raise OutputRefused(f"{target} was not written by workplans; move it away (it is never replaced)")


def current_snapshot(out_dir: Path) -> Path | None:
    """The complete snapshot ``current_run.txt`` names, or None."""
    try:
        run_id = (out_dir / RUN_ID).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    snapshot = out_dir / RUNS / run_id
    return snapshot if _RUN.fullmatch(run_id) and (snapshot / DONE).is_file() else None


def switched(out_dir: Path) -> bool:
    """Whether every file of the current snapshot is the one in place under ``OUT`` (no switch left unfinished)."""
    snapshot = current_snapshot(out_dir)
    return snapshot is not None and not _pending(out_dir, snapshot)


def remove_leftovers(out_dir: Path, keep: set[str] | None = None) -> list[str]:
    """Finish a switch a killed run left half done, then delete what earlier runs left: snapshots other than the
    current one (and ``keep``, and the recent ones), half-written ones, temporary files, the links of the earlier
    layout. Deletes only files this command writes; returns what was removed. Call it holding ``output_lock``."""
    current = current_snapshot(out_dir)
    if current is not None:
        _switch(out_dir, current)
    flat = current is not None and any(p.suffix == ".parquet" for p in current.iterdir())
    removed = _remove_old_links(out_dir) if flat else []
    keep = set(keep or ()) | ({current.name} if current else set()) | _recent(out_dir, current)
    removed += _remove_old_snapshots(out_dir, keep, current, flat)
    for entry in out_dir.iterdir() if out_dir.is_dir() else ():
        if _is_temporary(entry):
            entry.unlink()  # the run id or the marker, being replaced when a run was killed
            removed.append(entry.name)
    if removed:
        log.info("removed %d leftovers of earlier runs in %s", len(removed), out_dir)
    return removed


def _remove_old_links(out_dir: Path) -> list[str]:
    """Delete the links of the earlier layout: each table or report they pointed to is now a file in place."""
    removed = []
    for entry in list(out_dir.iterdir()):
        if _old_link(out_dir, entry.name):
            entry.unlink()
            removed.append(entry.name)
    return removed


def _remove_old_snapshots(out_dir: Path, keep: set[str], current: Path | None, flat: bool) -> list[str]:
    """Delete the snapshots not in ``keep`` (and, once the tables are flat files, those of the earlier layout),
    and the files a killed run was putting in place; returns their names under ``RUNS``."""
    runs = out_dir / RUNS
    removed: list[str] = []
    if not runs.is_dir() or runs.is_symlink():
        return removed
    for entry in runs.iterdir():
        snapshot = _RUN.fullmatch(entry.name.removesuffix(".tmp"))
        if not snapshot or not entry.is_dir() or entry.is_symlink():
            if _is_temporary(entry):
                entry.unlink()  # a file being put in place when a run was killed
                removed.append(f"{RUNS}/{entry.name}")
            continue
        # a snapshot of the earlier layout (a folder per table) is not kept: a recursive glob would read it
        old_layout = flat and entry != current and any(p.is_dir() for p in entry.iterdir())
        if entry.name not in keep or old_layout:
            _remove_snapshot(entry)
            removed.append(f"{RUNS}/{entry.name}")
    return removed


def _is_temporary(entry: Path) -> bool:
    """A temporary file of ours (never a link or a folder)."""
    return bool(_TEMPORARY.fullmatch(entry.name)) and entry.is_file() and not entry.is_symlink()


def _switch(out_dir: Path, snapshot: Path) -> None:
    """Put each file of ``snapshot`` in place under ``OUT``, one rename each (a reader sees the old file or the
    new one); files already in place are left alone."""
    for n, source in enumerate(_pending(out_dir, snapshot)):
        target = out_dir / _published_name(source.name)
        if source.suffix == ".parquet":
            folder = target.parent
            if folder.is_symlink() and _old_link(out_dir, folder.name):
                folder.unlink()  # the earlier layout's link: the table is missing until the rename below, once
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                raise OutputRefused(f"{folder} is not a folder this command wrote; move it away")
            folder.mkdir(exist_ok=True)
        elif target.is_dir() and not target.is_symlink():
            raise OutputRefused(f"{target} is a folder this command did not write; move it away")
        temporary = out_dir / RUNS / f".{source.name}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            os.link(source, temporary)  # the same file: no copy, no extra space
        except OSError:
            import shutil

            shutil.copy2(source, temporary)  # a file system without hard links
        os.replace(temporary, target)
        if n == 0:
            fault_point("mid-switch")


def _pending(out_dir: Path, snapshot: Path) -> list[Path]:
    """The snapshot's files not (yet) in place under ``OUT`` (compared by size and modification time, which a
    hard link and ``copy2`` share)."""
    pending = []
    for source in sorted(snapshot.iterdir(), key=lambda p: p.name):
        if source.name == DONE or not source.is_file():
            continue  # a snapshot of the earlier layout (a folder per table) is never switched in again
        target = out_dir / _published_name(source.name)
        try:
            a, b = source.stat(), os.stat(target, follow_symlinks=False)
        except OSError:
            pending.append(source)
            continue
        if (a.st_size, a.st_mtime_ns) != (b.st_size, b.st_mtime_ns) or os.path.islink(target):
            pending.append(source)
    return pending


def _published_name(name: str) -> str:
    """Where a snapshot's file goes under ``OUT``: ``work_items.parquet`` -> ``work_items/part-0.parquet``."""
    return f"{name.removesuffix('.parquet')}/{PART}" if name.endswith(".parquet") else name


def _mark(out_dir: Path, names: list[str]) -> None:
    """Add ``names`` (their first part) to the marker: the entries of ``OUT`` this command wrote."""
    tops = sorted(_marked(out_dir) | {name.split("/")[0] for name in names})
    _write_atomically(out_dir / MARKER, json.dumps({"written_by": "workplans", "names": tops}, indent=1) + "\n")


def _marked(out_dir: Path) -> set[str]:
    """The names the marker lists (none when it is missing, a link or not ours)."""
    marker = out_dir / MARKER
    try:
        if marker.is_symlink():
            return set()
        body = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(body, dict) or body.get("written_by") != "workplans":
        return set()
    return {n for n in body.get("names", []) if isinstance(n, str) and "/" not in n and n not in ("", ".", "..")}


def _old_link(out_dir: Path, name: str) -> bool:
    """Whether ``OUT/<name>`` is a link the earlier layout made (``.current -> .runs/<id>``,
    ``<name> -> .current/<name>``)."""
    path = out_dir / name
    if not path.is_symlink():
        return False
    target = os.readlink(path)
    if name == _OLD_CURRENT:
        return bool(re.fullmatch(rf"{re.escape(RUNS)}/{_RUN.pattern}", target))
    return target == f"{_OLD_CURRENT}/{name}"


def _real_folder(path: Path) -> None:
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise OutputRefused(f"{path} is not a folder this command wrote; move it away")
    path.mkdir(parents=True, exist_ok=True)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name.lstrip('.')}.{uuid.uuid4().hex[:8]}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _recent(out_dir: Path, current: Path | None) -> set[str]:
    """Complete snapshots a reader may still be reading: the newest one before the current, and every one
    replaced less than the grace period ago (its successor's completion time)."""
    runs = out_dir / RUNS
    done = sorted((p.stat().st_mtime_ns, p.parent.name) for p in runs.glob(f"*/{DONE}")) if runs.is_dir() else []
    names = [name for _, name in done]
    older = [name for name in names if current is None or name != current.name]
    keep = set(older[-1:])
    grace_ns = float(os.environ.get(GRACE_ENV, "600")) * 1e9
    now = dt.datetime.now().timestamp() * 1e9
    for (_, name), (replaced_at, _) in zip(done, done[1:], strict=False):
        if now - replaced_at < grace_ns:
            keep.add(name)
    return keep


def _remove_snapshot(folder: Path) -> None:
    """Delete the files a run writes into a snapshot, then the folder; a file
    this command does not write keeps the folder, with a warning."""
    for entry in folder.iterdir():
        if entry.is_symlink() or not entry.is_dir():
            if entry.name in _OWN_FILES or entry.name.endswith(".parquet"):
                entry.unlink()
        elif all(p.name == PART and p.is_file() and not p.is_symlink() for p in entry.iterdir()):
            for p in entry.iterdir():
                p.unlink()  # a table's folder of the earlier layout
            entry.rmdir()
    try:
        folder.rmdir()
    except OSError:
        log.warning("%s kept: it holds files workplans did not write", folder)
