"""Command line: ``workplans extract RAW_DIR --out OUT_DIR`` and ``workplans serve RAW_DIR --out OUT_DIR``."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.environment import prepare_prefect

if TYPE_CHECKING:
    from prefect import Flow

    from pipeline.output.report import RunReport

# exit codes (README "Exit codes"): every document parsed; the run failed; a user error (bad option, folder);
# some documents failed or were partial (the tables are still written)
EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE, EXIT_SOME_DOCUMENTS = 0, 1, 2, 3


_DASK_MISSING = ('workplans: --runner dask needs the [dask] extra ({} is not installed): pip install "workplans[dask]" '
                 '(in a checkout: pip install -e ".[dask]")')


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``workplans: <what is wrong> (workplans --help)``, exit code 2."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, f"workplans: {message} ({self.prog} --help)\n")


def _version() -> str:
    """The installed package's version (read from its metadata: nothing of the pipeline is imported)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("workplans")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="workplans", description="Workplans to typed Parquet records.")
    parser.add_argument("--version", action="version", version=f"workplans {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ext = sub.add_parser("extract", help="extract every workplan in RAW_DIR into Parquet tables in OUT_DIR")
    srv = sub.add_parser("serve", help="serve a deployment: re-extract on a schedule and when RAW_DIR changes")
    for p in (ext, srv):
        p.add_argument("raw_dir", nargs="?", default="raw", help="folder of workplans (default: raw)")
        p.add_argument("--out", default="output", help="output folder (default: output)")
        p.add_argument("-v", "--verbose", action="store_true", help="show Prefect's log lines")
    ext.add_argument("--runner", choices=("default", "dask"), default="default",
                     help="dask: documents in parallel on a Dask cluster (prefect-dask)")
    ext.add_argument("--address", help="address of a running Dask scheduler (default: start a local cluster)")
    ext.add_argument("--workers", type=int, default=2, help="workers of the local Dask cluster (default: 2)")
    ext.add_argument("--pages-per-task", type=int, default=0,
                     help="with --runner dask: read longer PDFs as page ranges of this size in parallel (0: off)")
    ext.add_argument("--no-progress", action="store_true", help="no progress bar")
    ext.add_argument("--force", action="store_true",
                     help="run the flow even when no document changed since the last run (default: say so and "
                          "stop), and write into an output folder holding files workplans did not write (they are "
                          "never deleted)")
    exp = sub.add_parser("export", help="write OUT_DIR's tables as CSV, an Excel workbook, HXL CSV or IATI XML")
    exp.add_argument("out_dir", nargs="?", default="output", help="output folder of a run (default: output)")
    exp.add_argument("--format", required=True, choices=("csv", "xlsx", "hxl", "iati"), help="export format")
    exp.add_argument("--out", required=True, help="folder to write the export into")
    exp.add_argument("--reporting-org", metavar="REF",
                     help="iati: IATI organisation identifier of the body publishing the file (required)")
    exp.add_argument("--reporting-org-type", metavar="CODE",
                     help="iati: its IATI organisation type code, e.g. 40 (multilateral) (required)")
    exp.add_argument("--reporting-org-name", metavar="NAME", help="iati: its name (default: REF)")
    exp.add_argument("--all-documents", action="store_true",
                     help="every copy and edition of each plan (default: each plan once, by its canonical document)")
    exp.add_argument("--excel", action="store_true",
                     help="CSV files with a UTF-8 byte-order mark, so that Excel shows every script as written")
    exp.add_argument("-v", "--verbose", action="store_true", help="more log lines")
    srv.add_argument("--force", action="store_true",
                     help="write into an output folder holding files workplans did not write (never deleted)")
    srv.add_argument("--cron", default="0 6 * * *", help="schedule, cron syntax, UTC (default: daily 06:00)")
    srv.add_argument("--no-watch", action="store_true", help="only the schedule, no folder watcher")
    srv.add_argument("--debounce", type=float, default=2.0, help="seconds of quiet before a change starts a run")
    return parser


def _extract(args: argparse.Namespace, extract_workplans: Flow[..., RunReport]) -> int:
    if not args.force and args.pages_per_task == 0:
        done = _unchanged(args)
        if done is not None:
            return done
    from pipeline.orchestration import dask_task_runner, local_api_server, one_shot_settings
    from pipeline.progress import LISTENER

    flow = extract_workplans
    server = local_api_server()  # one API for the run (Dask workers share it), started without Prefect's server code
    pages_per_task = 0
    if args.runner == "dask":
        try:
            runner = dask_task_runner(args.address, args.workers)
        except ModuleNotFoundError as e:
            if (e.name or "").split(".")[0] not in ("prefect_dask", "dask", "distributed"):
                raise
            print(_DASK_MISSING.format(e.name), file=sys.stderr)
            return EXIT_USAGE
        flow = extract_workplans.with_options(task_runner=runner)
        pages_per_task = args.pages_per_task
    log_path = run_log_path()
    show = not args.no_progress and sys.stderr.isatty()
    with run_log(log_path, console_errors=args.verbose):
        try:
            with one_shot_settings(), server, _progress(show, _count(args.raw_dir, args.out) if show else None) \
                    as listener:
                token = LISTENER.set(listener)
                try:
                    report = flow(raw_dir=args.raw_dir, out_dir=args.out, pages_per_task=pages_per_task)
                finally:
                    LISTENER.reset(token)
        except Exception as e:  # noqa: BLE001 - the run itself failed (not one document): one line, exit 1
            logging.getLogger(__name__).error("the run failed", exc_info=True)  # the traceback: into the run log
            reason = (str(e).strip().splitlines() or [""])[0]
            print(f"workplans: the run failed: {type(e).__name__}: {reason} (details: {log_path})", file=sys.stderr)
            return EXIT_RUN_FAILED
    with contextlib.suppress(OSError):
        log_path.unlink(missing_ok=True)  # the run went through: its log held nothing the summary does not say
    print(report.summary_line())
    if report.failed:
        for doc, reason in report.failed.items():
            print(f"  {doc}: {reason}")
    print(f"Parquet tables and run_report.md written to {args.out}/")
    return EXIT_SOME_DOCUMENTS if report.failed else EXIT_OK


def run_log_path() -> Path:
    """Where this command's run log goes: ``<PREFECT_HOME>/logs/run-<UTC time>-<pid>.log`` (not the output folder,
    which may be the very thing that cannot be written)."""
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return home / "logs" / f"run-{stamp}-{os.getpid()}.log"


@contextlib.contextmanager
def run_log(path: Path, console_errors: bool = False) -> Iterator[None]:
    """Every warning and error of the run, tracebacks included, into ``path`` (created on the first record);
    the console keeps warnings but not errors and tracebacks, unless ``console_errors`` (-v): a failed run says
    one line that names this file."""
    root = logging.getLogger()
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setLevel(logging.WARNING)
    handler.handleError = lambda record: None  # type: ignore[method-assign]  # an unwritable log: not a traceback
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    hidden = [h for h in root.handlers if isinstance(h, logging.StreamHandler)
              and not isinstance(h, logging.FileHandler)] if not console_errors else []
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
    root.addHandler(handler)
    for h in hidden:
        h.addFilter(_no_errors)
    try:
        yield
    finally:
        for h in hidden:
            h.removeFilter(_no_errors)
        root.removeHandler(handler)
        handler.close()


def _no_errors(record: logging.LogRecord) -> bool:
    return record.levelno < logging.ERROR and not record.exc_info


def _unchanged(args: argparse.Namespace) -> int | None:
    """When the raw folder holds exactly what the current output was made from (same files, same bytes, same
    pipeline), there is nothing to parse or write: say so and return the exit code of that run; else None."""
    from pipeline.output.manifest import unchanged_since

    report = unchanged_since(Path(args.raw_dir), Path(args.out))
    if report is None:
        return None
    print(f"{report['documents']} documents, none changed since run {report['run_id']}: {args.out}/ is current "
          f"(--force runs the flow anyway)")
    for doc, reason in report.get("failed", {}).items():
        print(f"  {doc}: {reason}")
    return EXIT_SOME_DOCUMENTS if report.get("failed") else EXIT_OK


def _count(raw_dir: str, out_dir: str) -> int | None:
    """How many documents the run will see, counted before Prefect starts (the bar shows 0/N at once)."""
    from pipeline.catalog import list_documents

    try:
        return len(list_documents(Path(raw_dir), exclude=(Path(out_dir),)))
    except OSError:
        return None


@contextlib.contextmanager
def _progress(enabled: bool, total: int | None = None):
    """A rich progress bar (documents done / total, current document), or nothing."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[current]}"), transient=False) as bar:
        task = bar.add_task("documents", total=total, current="")

        def listener(done: int, total: int, document_id: str) -> None:
            bar.update(task, completed=done, total=total, current=document_id)

        yield listener


def _export(args: argparse.Namespace) -> int:
    from pipeline.core.errors import PipelineError
    from pipeline.output.export import export

    try:
        options = {"reporting_org": args.reporting_org, "reporting_org_type": args.reporting_org_type,
                   "reporting_org_name": args.reporting_org_name}
        written = export(Path(args.out_dir), args.format, Path(args.out), excel=args.excel,
                         all_documents=args.all_documents, **(options if args.format == "iati" else {}))
    except PipelineError as e:
        print(f"workplans: {e}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{len(written)} file(s) written to {args.out}/: " + ", ".join(p.name for p in written))
    return 0


def _folder_problem(raw_dir: str, out_dir: str, force: bool = False) -> str | None:
    """A one-line reason the two folders cannot be used together, or None. An output folder holding files the
    command did not write is refused unless ``force`` (they are never deleted either way)."""
    from pipeline.catalog import inside

    raw, out = Path(raw_dir), Path(out_dir)
    if out.exists() and not out.is_dir():
        return f"output path {out_dir!r} is a file; give a folder"
    if inside(out, raw):
        return f"output folder {out_dir!r} is inside the raw folder {raw_dir!r}; the next run would read it back"
    if inside(raw, out):
        return f"raw folder {raw_dir!r} is inside the output folder {out_dir!r}"
    from pipeline.output.snapshots import collisions, foreign_entries, is_locked

    if out.is_dir() and is_locked(out):
        return f"another run is writing {out_dir!r}; wait for it to finish"
    foreign = collisions(out) if force else foreign_entries(out)
    if foreign and force:
        return (f"output folder {out_dir!r} holds {', '.join(repr(name) for name in foreign[:3])}, not written by "
                f"workplans, where it writes its own files; move them away (they are never replaced)")
    if foreign:
        shown = ", ".join(repr(name) for name in foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        return (f"output folder {out_dir!r} holds {len(foreign)} file(s) workplans did not write ({shown}); give a "
                f"new or empty folder, or --force to write beside them (they are never deleted)")
    return None


def _missing_extra(args: argparse.Namespace) -> str | None:
    """The module of the ``dask`` extra that ``--runner dask`` cannot import, or None (checked before the output
    folder is touched)."""
    if args.runner != "dask":
        return None
    try:
        import prefect_dask  # noqa: F401
    except ModuleNotFoundError as e:
        if (e.name or "").split(".")[0] in ("prefect_dask", "dask", "distributed"):
            return e.name
        raise
    return None


def _option_problem(args: argparse.Namespace) -> str | None:
    """A one-line reason an option value cannot work, or None."""
    if getattr(args, "workers", 1) < 1:
        return f"--workers must be 1 or more (got {args.workers})"
    if getattr(args, "pages_per_task", 0) < 0:
        return f"--pages-per-task must be 0 (off) or more (got {args.pages_per_task})"
    return None


def main(argv: list[str] | None, flow: Flow | None) -> int:
    """The command line on ``argv``, running ``flow`` (``flows.extract_workplans``: ``flows.main`` hands it in;
    ``launcher.main``, the ``workplans`` console script, hands in None for ``export``, which runs no flow); returns
    the process exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    if args.command == "export":
        return _export(args)
    if flow is None:
        raise ValueError(f"workplans {args.command} runs the flow: call flows.main")
    prepare_prefect(quiet=not args.verbose)
    if not args.verbose:  # Dask's scheduler and workers log at INFO by default, over the progress bar
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    if not os.path.isdir(args.raw_dir):
        print(f"workplans: raw folder {args.raw_dir!r} does not exist", file=sys.stderr)
        return EXIT_USAGE
    problem = _folder_problem(args.raw_dir, args.out, args.force) or _option_problem(args)
    if problem:
        print(f"workplans: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "extract":
        missing = _missing_extra(args)
        if missing:
            print(_DASK_MISSING.format(missing), file=sys.stderr)
            return EXIT_USAGE
        from pathlib import Path

        from pipeline.output.snapshots import OutputLocked, OutputRefused, output_lock

        try:  # the lock before any work: a second run started a second later exits here
            with output_lock(Path(args.out), wait=False):
                return _extract(args, flow)
        except (OutputLocked, OutputRefused) as e:
            print(f"workplans: {e}", file=sys.stderr)
            return EXIT_USAGE
        except OSError as e:  # the output folder cannot be made or locked (below a file, read-only, disk full)
            log_path = run_log_path()
            with run_log(log_path, console_errors=args.verbose):
                logging.getLogger(__name__).error("the run failed", exc_info=True)
            reason = (str(e).strip().splitlines() or [""])[0]
            print(f"workplans: the run failed: {type(e).__name__}: {reason} (details: {log_path})", file=sys.stderr)
            return EXIT_RUN_FAILED
    return _serve(args, flow)


def _serve(args: argparse.Namespace, flow: Flow) -> int:
    from pipeline.core.errors import ServerUnavailable
    from pipeline.orchestration import cron_problem, serve

    problem = cron_problem(args.cron)  # before any server starts: one line, not Prefect's traceback
    if problem:
        print(f"workplans: {problem}", file=sys.stderr)
        return 2
    try:
        serve(flow, args.raw_dir, args.out, cron=args.cron, watch=not args.no_watch,
              debounce_ms=int(args.debounce * 1000), say=lambda line: print(line, flush=True))
    except ServerUnavailable as e:
        print(f"workplans: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass  # stopped while starting: the server, if started, was stopped on the way out
    print("Stopped.", flush=True)
    return 0

