"""Processing one document end to end; the one place that turns exceptions into error rows."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import re
import time
from dataclasses import replace
from pathlib import Path

import extractors
from pipeline.anchors import document_to_anchors
from pipeline.assemble import Assembler
from pipeline.catalog import check_link
from pipeline.core.enums import BlockKind, Status
from pipeline.core.errors import PipelineError
from pipeline.core.model import Document
from pipeline.core.records import DocumentResult, ErrorItem, WorkItem
from pipeline.language import block_language, detect_language
from pipeline.normalize import items_to_rows
from pipeline.titles import document_title

log = logging.getLogger(__name__)
PIPELINE_VERSION = "0.1.0"
_PERIOD = re.compile(r"^((?:19|20)\d{2})(?:-((?:19|20)\d{2}))?$")
_SURROGATE = re.compile("[\ud800-\udfff]")  # how Python keeps the bytes of a file name that are not UTF-8


def sha256_of(path: Path) -> str:
    """The file's sha256, read once per version of the file (path, size, modification time): the flow's
    cache key and ``run_document`` both ask for it."""
    stat = Path(path).stat()
    return _sha256(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def document_id_of(path: Path, raw_dir: Path) -> str:
    """Stable id: the file's path relative to the raw folder, e.g. ``"gmg_workplan_2010.txt"`` (a link's own
    place, not its target's); bytes of the name that are not UTF-8 written as ``\\xNN`` (``printable``)."""
    pairs = [(Path(os.path.abspath(path)), Path(os.path.abspath(raw_dir)))]
    with contextlib.suppress(OSError, RuntimeError):  # RuntimeError: a link loop
        pairs.append((path.resolve(), raw_dir.resolve()))
    for a, b in pairs:
        try:
            return printable(a.relative_to(b).as_posix())
        except ValueError:
            continue
    return printable(path.name)


def printable(text: str) -> str:
    """``text`` with the lone surrogates by which Python keeps a file name's non-UTF-8 bytes written as escapes,
    so that it can be stored and shown: ``printable("caf\\udce9.txt")`` -> ``"caf\\\\xe9.txt"`` (``caf\\xe9.txt``)."""
    return _SURROGATE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def page_ranges(path: Path, pages_per_task: int) -> list[tuple[int, int]]:
    """Page ranges to read in parallel for a long PDF: ``page_ranges(Path("gmg.pdf"), 12)`` ->
    ``[(1, 12), (13, 24), (25, 35)]``; ``[]`` for other formats, short or unreadable PDFs."""
    if pages_per_task <= 0 or path.suffix.lower() != ".pdf":
        return []
    from extractors.pdf import count_pages

    try:
        extractors.check_size(path)
        count = count_pages(path)
    except Exception:  # noqa: BLE001 - planning a file must not stop the run: run_document reports what is wrong
        return []
    if count <= pages_per_task:
        return []
    return [(first, min(first + pages_per_task - 1, count)) for first in range(1, count + 1, pages_per_task)]


def read_page_range(path: Path, first: int, last: int):
    """One range of a PDF's pages as a PageBatch, or the PipelineError met (reported by run_document)."""
    from extractors.pdf import read_pages

    try:
        return read_pages(path, first, last)
    except PipelineError as e:
        return e


def run_document(path: Path, raw_dir: Path, pdf_batches: list | None = None) -> DocumentResult:
    """Extract, assemble and normalise one file; any failure becomes an ErrorItem, never an exception.

    ``run_document(Path("raw/wg6.txt"), Path("raw")).status`` -> ``Status.SUCCESS``. ``pdf_batches``:
    the pages of a PDF already read in parallel by ``read_page_range``.
    """
    source = document_id_of(path, raw_dir)
    clock = time.perf_counter()
    result = DocumentResult(document_id=source, source_file=source, sha256="", format=path.suffix.lstrip(".").lower())
    stage = "read"
    try:
        check_link(path, raw_dir)
        result.sha256 = sha256_of(path)
        stage = "extract"
        result.format = extractors.format_of(path).value
        doc = extractors.extract(path) if pdf_batches is None else _from_batches(path, pdf_batches)
        clock = _lap(result, "extract", clock)
        result.pages, result.title = doc.pages, document_title(doc)
        result.warnings += [ErrorItem(source, "extract", "extract_warning", w) for w in doc.warnings]
        result.warnings += [ErrorItem(source, "extract", "lost_content", loss.message, loss.page, loss.line)
                            for loss in doc.lost]
        result.language = document_language(doc)
        result.anchors = document_to_anchors(doc, result.language)
        stage = "assemble"
        assembler = Assembler(doc, source, result.language)
        items = [replace(i, language=block_language(i.text, result.language)) for i in assembler.run()]
        clock = _lap(result, "assemble", clock)
        result.items, result.warnings = items, result.warnings + assembler.warnings
        result.period_start, result.period_end = _period(items, assembler.period)
        stage = "normalize"
        context = result.period_start.year if result.period_start else None
        rows = items_to_rows(items, source, result.language, context)
        clock = _lap(result, "normalize", clock)
        result.leads, result.timelines, result.funding = rows.leads, rows.timelines, rows.funding
        result.funding_agencies = rows.funding_agencies
        result.warnings += rows.warnings
        result.unresolved, result.unparsed = sorted(rows.unresolved), sorted(rows.unparsed)
        if result.period_start is None:  # no printed period: the span of the dated items
            starts = [t.start for t in rows.timelines if t.start]
            ends = [t.end for t in rows.timelines if t.end]
            result.period_start, result.period_end = min(starts, default=None), max(ends, default=None)
        if not items:
            result.warnings.append(ErrorItem(source, "assemble", "no_items",
                                             "no work items were recognised: the layout is not one the pipeline "
                                             "can read, or the file is no plan"))
            result.status = Status.PARTIAL
    except PipelineError as e:
        result.errors.append(ErrorItem(source, stage, e.category, str(e)))
    except OSError as e:  # unreadable (permissions, vanished, a device): the file's name, not the absolute path
        result.errors.append(ErrorItem(source, stage, "unreadable", f"{source}: {e.strerror or type(e).__name__}"))
    except Exception as e:  # noqa: BLE001 - the one place that catches: a bug must not stop the run
        log.debug("unexpected error on %s", source, exc_info=True)
        result.errors.append(ErrorItem(source, stage, "internal_error", f"{type(e).__name__}: {e}"))
    if printable(path.name) != path.name:
        result.warnings.append(ErrorItem(source, "read", "file_name_not_utf8",
                                         "the file name is not valid UTF-8: its other bytes are written as \\xNN"))
    result.errors, result.warnings = _relative(result.errors, raw_dir), _relative(result.warnings, raw_dir)
    if any(w.error_type == "lost_content" for w in result.warnings) and result.status is Status.SUCCESS:
        result.status = Status.PARTIAL  # part of the file could not be read: its records are not all there
    if result.errors:
        result.status = Status.PARTIAL if result.items else Status.FAILURE
    return result


def _relative(rows: list[ErrorItem], raw_dir: Path) -> list[ErrorItem]:
    """Error rows that can be stored and shared: no lone surrogates, no absolute path of the raw folder (paths
    relative to it)."""
    prefixes = {os.path.abspath(raw_dir) + os.sep, str(raw_dir.resolve()) + os.sep}
    out = []
    for row in rows:
        message = printable(row.message)
        for prefix in prefixes:
            message = message.replace(printable(prefix), "")
        out.append(replace(row, source_file=printable(row.source_file), message=message))
    return out


def _lap(result: DocumentResult, stage: str, since: float) -> float:
    now = time.perf_counter()
    result.seconds[stage] = round(now - since, 4)
    return now


def _from_batches(path: Path, batches: list) -> Document:
    from extractors.normalise import normalise_document
    from extractors.pdf import extract

    for batch in batches:
        if isinstance(batch, PipelineError):
            raise batch
    return normalise_document(extract(path, batches))


def document_language(doc: Document) -> str:
    """The language a document is written in, from its first blocks and table cells."""
    return detect_language(" ".join(b.text for b in doc.blocks[:400]) + " " + _table_text(doc))


def _table_text(doc: Document) -> str:
    cells = [c.text for b in doc.blocks if b.kind is BlockKind.TABLE for r in b.rows[:50] for c in r.cells]
    return " ".join(cells)[:20000]


def _period(items: list[WorkItem], printed: str | None):
    """The plan period: the block all items share ("2021-2022"), else ``printed``, the one the assembler
    read at the top of the document."""
    import datetime as dt

    blocks = {i.block for i in items if i.block}
    candidates = [next(iter(blocks))] if len(blocks) == 1 else []
    candidates.append(printed or "")
    for value in candidates:
        match = _PERIOD.match(value or "")
        if match:
            first, last = int(match.group(1)), int(match.group(2) or match.group(1))
            return dt.date(first, 1, 1), dt.date(last, 12, 31)
    return None, None
