"""Prefect flow: every workplan in a raw folder to Parquet tables (thin: tasks call pipeline functions)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path

from pipeline.environment import prepare_prefect

_COMMAND = __name__ == "__main__" or Path(sys.argv[0]).name == "workplans"  # run as a command, not imported
prepare_prefect(quiet=_COMMAND and not {"-v", "--verbose"} & set(sys.argv))

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.futures import as_completed  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from pipeline.cache import CacheFolder, RecordSerializer, prune, result_problem  # noqa: E402
from pipeline.catalog import HIDDEN_MESSAGE, SKIPPED_HIDDEN, scan_folder, with_skipped  # noqa: E402
from pipeline.core.records import DocumentResult  # noqa: E402
from pipeline.editions import link_editions  # noqa: E402
from pipeline.isolation import run_document_limited, shutdown  # noqa: E402
from pipeline.output.datapackage import write_datapackage  # noqa: E402
from pipeline.output.manifest import document_key, write_manifest  # noqa: E402
from pipeline.output.report import RunReport, write_report  # noqa: E402
from pipeline.output.snapshots import output_lock, publish, remove_leftovers  # noqa: E402
from pipeline.output.store import SCHEMA_VERSION, results_to_tables, write_tables  # noqa: E402
from pipeline.progress import advance  # noqa: E402
from pipeline.run import (  # noqa: E402
    PIPELINE_VERSION,
    document_id_of,
    page_ranges,
    printable,
    read_page_range,
    sha256_of,
)


def _document_key(context, parameters: dict) -> str:
    """Cache key: the document's bytes, its place in the raw folder and the pipeline's own code and data."""
    path = Path(parameters["path"])
    return document_key(path, Path(parameters.get("raw_dir") or path.parent), parameters["document_id"])


def _pages_key(context, parameters: dict) -> str:
    """Cache key of a page range: the document's key plus the range."""
    return hashlib.sha256(f"{_document_key(context, parameters)}|p{parameters['first']}-{parameters['last']}"
                          .encode()).hexdigest()


@task(name="scan-raw-folder", retries=2, retry_delay_seconds=1)
def scan(raw_dir: str, out_dir: str | None = None) -> tuple[list[str], list[str]]:
    """Files to process and the hidden entries skipped (I/O: retried); the run's own output folder is never read
    as input."""
    found, hidden = scan_folder(Path(raw_dir), exclude=(Path(out_dir),) if out_dir else ())
    return [str(p) for p in found], hidden


@task(name="process-document", cache_key_fn=_document_key, persist_result=True, result_serializer=RecordSerializer(),
      task_run_name="process {document_id}")
def process_document(path: str, raw_dir: str, document_id: str, pdf_batches: list | None = None) -> DocumentResult:
    """Extract, assemble and normalise one document in a worker process with a time and memory budget (no
    retries: parse errors are deterministic)."""
    return run_document_limited(Path(path), Path(raw_dir), pdf_batches)


@task(name="read-pdf-pages", cache_key_fn=_pages_key, persist_result=True, result_serializer=RecordSerializer(),
      task_run_name="read {document_id} pages {first}-{last}")
def read_pdf_pages(path: str, document_id: str, first: int, last: int):
    """One range of a long PDF's pages, read in parallel with the others."""
    return read_page_range(Path(path), first, last)


@task(name="write-output", retries=2, retry_delay_seconds=1)
def write_output(results: list[DocumentResult], out_dir: str, report: RunReport, raw_dir: str,
                 keys: dict[str, str], skipped: list[str] | None = None) -> None:
    from normalizers.agencies import agency_table

    tables = results_to_tables(results, agency_table(), dt.datetime.now(dt.UTC), PIPELINE_VERSION)
    tables["errors"] = with_skipped(tables["errors"], skipped or [])

    def write(folder: Path) -> list[str]:
        written = write_tables(tables, folder) + write_report(report, folder)
        return [*written, write_manifest(folder, Path(raw_dir), keys),
                write_datapackage(folder, {name: table.schema for name, table in tables.items()}, SCHEMA_VERSION)]

    publish(Path(out_dir), write)  # all tables and the report become current together


def _cache_storage(cache_dir: Path) -> CacheFolder:
    """The results store under ``OUT_DIR/.cache`` as a saved block (Dask workers load it by reference);
    saved once per folder and API, loaded after that (one API call instead of four). It hands Prefect only
    entries our JSON serializer wrote: a planted pickle is a cache miss, never code."""
    name = f"workplans-cache-{hashlib.sha1(str(cache_dir).encode()).hexdigest()[:12]}"
    try:
        # Prefect types load() as "the block or a coroutine" (it dispatches on the caller); here it is sync
        storage: CacheFolder = CacheFolder.load(name)  # type: ignore[assignment]
        if storage.basepath == str(cache_dir):
            return storage
    except ValueError:  # no block of that name yet
        pass
    storage = CacheFolder(basepath=str(cache_dir))
    storage.save(name, overwrite=True)
    return storage


@flow(name="extract-workplans", log_prints=False)
def extract_workplans(raw_dir: str = "raw", out_dir: str = "output", pages_per_task: int = 0) -> RunReport:
    """Process every workplan in ``raw_dir`` (one task each, cached by content) into ``out_dir``.

    ``pages_per_task`` > 0 also splits a longer PDF into page ranges read as parallel tasks (for a
    parallel task runner such as Dask; pointless on the default thread runner).
    """
    logger = get_run_logger()
    with output_lock(Path(out_dir)):  # one run per output folder; a second one waits here
        remove_leftovers(Path(out_dir))  # what a killed run left behind
        report, keys = _extract(raw_dir, out_dir, pages_per_task)
        pruned = prune(Path(out_dir) / ".cache", keys)
    if pruned:
        logger.info("%d cache entries of removed or changed documents deleted", pruned)
    logger.info(report.summary_line())
    return report


def _extract(raw_dir: str, out_dir: str, pages_per_task: int) -> tuple[RunReport, set[str]]:
    """The flow's body, run holding the output folder's lock; also returns the cache keys it used."""
    logger = get_run_logger()
    started = dt.datetime.now(dt.UTC)
    paths, hidden = scan(raw_dir, out_dir)
    advance(0, len(paths), "")
    storage = _cache_storage((Path(out_dir) / ".cache").resolve())
    runner = process_document.with_options(result_storage=storage)
    pages_runner = read_pdf_pages.with_options(result_storage=storage)
    futures, keys, document_keys = {}, set(), {}
    # largest files first, so that a big PDF does not start last on a parallel runner
    for path in sorted(paths, key=lambda p: -_size(p)):
        document_id = document_id_of(Path(path), Path(raw_dir))
        ranges = page_ranges(Path(path), pages_per_task)
        batches = [pages_runner.submit(path, document_id, first, last) for first, last in ranges] or None
        futures[runner.submit(path, raw_dir, document_id, batches)] = (path, document_id, batches)
        parameters = {"path": path, "raw_dir": raw_dir, "document_id": document_id}
        document_keys[document_id] = _document_key(None, parameters)
        keys |= {document_keys[document_id]} | {_pages_key(None, {**parameters, "first": first, "last": last})
                                                     for first, last in ranges}
    results: list[DocumentResult] = []
    parsed: list[str] = []
    for done, future in enumerate(as_completed(list(futures)), start=1):
        result = future.result()
        if future.state.name == "Cached":
            path, document_id, batches = futures[future]
            problem = result_problem(result, document_id, _sha256(path))
            if problem:  # nothing from the cache reaches a table unchecked: parse again, overwriting the entry
                logger.warning("cache entry of %s ignored (%s): the document is parsed again", document_id, problem)
                result = runner.with_options(refresh_cache=True)(path, raw_dir, document_id, batches)
                parsed.append(result.document_id)
        else:
            parsed.append(result.document_id)
        results.append(result)
        advance(done, len(paths), result.document_id)
        logger.info("[%d/%d] %s: %s, %d items", done, len(paths), result.document_id, result.status.value,
                    len(result.items))
    shutdown()  # every document is read: the idle workers' memory is given back before the tables are built
    results.sort(key=lambda r: r.document_id)  # completion order varies: the report lists documents in one order
    link_editions(results)
    report = RunReport.from_results(results, parsed, started, dt.datetime.now(dt.UTC), raw_dir, out_dir)
    skipped = [printable(name) for name in hidden]
    report.warnings = [f"{name}: {SKIPPED_HIDDEN}: {HIDDEN_MESSAGE}" for name in skipped] + report.warnings
    # quote: Prefect need not walk thousands of items (Prefect's Task types do not know quote())
    write_output(quote(results), out_dir, quote(report), raw_dir, document_keys, skipped)  # type: ignore[call-overload]
    return report, keys


def _sha256(path: str) -> str | None:
    try:
        return sha256_of(Path(path))
    except (OSError, RuntimeError):
        return None


def _size(path: str) -> int:
    """The file's size for ordering, 0 when it cannot be looked at (a dangling link: ``run_document`` says why)."""
    try:
        return Path(path).stat().st_size
    except (OSError, RuntimeError):  # RuntimeError: a link loop
        return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workplans`` command and of ``python flows.py``: ``python flows.py [RAW_DIR [OUT_DIR]]``
    runs the flow, ``python flows.py serve|extract|export ...`` the commands of ``pipeline/cli.py``."""
    from pipeline.cli import main as cli_main

    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["serve"], ["extract"], ["export"], ["-h"], ["--help"]):
        return cli_main(args, extract_workplans)
    first_option = next((n for n, a in enumerate(args) if a.startswith("-")), len(args))
    folders, options = args[:first_option], args[first_option:]  # "RAW OUT -v": extract's options after the folders
    if len(folders) > 2:
        return cli_main(["extract", *args], extract_workplans)  # argparse says what is wrong, in one line
    raw, out = (folders + ["raw", "output"][len(folders):])[:2]
    command = ["extract", raw, *(["--out", out] if "--out" not in options else []), *options]
    return cli_main(command, extract_workplans)


if __name__ == "__main__":
    sys.exit(main())
