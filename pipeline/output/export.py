"""Exports of an output folder for other tools: CSV per table, one Excel workbook, HXL-tagged CSV, IATI XML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline.core.enums import ErrorType
from pipeline.core.errors import PipelineError
from pipeline.output.iati import write_iati
from pipeline.output.views import work_item_rows

TABLES = ("documents", "work_items", "leads", "timelines", "funding", "funding_agencies", "organisations",
          "agencies", "item_alignments", "errors")  # every table of pipeline.output.store.SCHEMAS (a test checks)
BOM = b"\xef\xbb\xbf"  # UTF-8 byte-order mark: Excel on Windows then reads the CSV as UTF-8, not the ANSI code page
MAX_WIDTH = 60  # characters: a sheet's widest column (long texts wrap in the cell's edit box instead)
# HXL hashtags (https://hxlstandard.org) of the flat work-item view: one row per item, its first lead and dates
HXL_COLUMNS = (
    ("document_id", "Document", "#meta+document"),
    ("item_id", "Item id", "#activity+id"),
    ("kind", "Kind", "#activity+type"),
    ("ref", "Ref", "#activity+code"),
    ("text", "Work item", "#activity+name"),
    ("section", "Section", "#sector+name"),
    ("lead", "Lead", "#org+lead+name"),
    ("lead_id", "Lead id", "#org+lead+code"),
    ("start_date", "Start", "#date+start"),
    ("end_date", "End", "#date+end"),
    ("timeline", "Timeline as printed", "#date+text"),
    ("locator", "Source", "#meta+source"),
)


class ExportError(PipelineError):
    category = ErrorType.EXPORT


def read_tables(out_dir: Path) -> dict[str, pa.Table]:
    """Every table of an output folder (the ones present), read with pyarrow."""
    if not (out_dir / "work_items").exists():
        raise ExportError(f"{out_dir}: no work_items table here; run `workplans extract` into it first")
    return {name: pq.read_table(out_dir / name) for name in TABLES if (out_dir / name).exists()}


def _flat(table: pa.Table) -> pa.Table:
    """List columns joined with " | " (CSV and spreadsheets hold no lists)."""
    for i, f in enumerate(table.schema):
        if pa.types.is_list(f.type):
            joined = [" | ".join(v or []) for v in table.column(i).to_pylist()]
            table = table.set_column(i, f.name, pa.array(joined, pa.string()))
    return table


def export_csv(tables: dict[str, pa.Table], dest: Path, excel: bool = False) -> list[Path]:
    """One CSV (UTF-8, header row) per table: ``dest/<table>.csv``; ``excel``: with a byte-order mark first."""
    out = []
    for name, table in tables.items():
        path = dest / f"{name}.csv"
        with path.open("wb") as fh:
            if excel:
                fh.write(BOM)
            pacsv.write_csv(_flat(table), fh)
        out.append(path)
    return out


def export_xlsx(tables: dict[str, pa.Table], dest: Path, excel: bool = False) -> list[Path]:
    """One workbook, a sheet per table; dates are date cells, flags booleans; the header row frozen, each column
    as wide as its longest value (up to ``MAX_WIDTH`` characters)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for name, table in tables.items():
        sheet = book.create_sheet(title=name[:31])
        flat = _flat(table)
        sheet.append(flat.column_names)
        sheet.freeze_panes = "A2"
        rows = flat.to_pylist()
        for row in rows:
            sheet.append([_cell(v) for v in row.values()])
        for column, field in enumerate(flat.schema, start=1):
            if pa.types.is_date(field.type):
                for cell in next(sheet.iter_cols(min_col=column, max_col=column, min_row=2)) if flat.num_rows else ():
                    cell.number_format = "yyyy-mm-dd"
            longest = max([len(field.name), *(len(_shown(row[field.name])) for row in rows)])
            sheet.column_dimensions[get_column_letter(column)].width = min(longest, MAX_WIDTH) + 2
    path = dest / "workplans.xlsx"
    book.save(path)
    return [path]


def _shown(value: object) -> str:
    """A value as a sheet shows it (dates as ``yyyy-mm-dd``), for the column's width."""
    if value is None:
        return ""
    return value.isoformat()[:10] if isinstance(value, dt.date) else str(value)


def _cell(value: object) -> object:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel stores no time zone: the table's times are UTC
    return value


def export_hxl(tables: dict[str, pa.Table], dest: Path, excel: bool = False) -> list[Path]:
    """``dest/work_items_hxl.csv``: the work-item view with a header row and a HXL hashtag row (``excel``: with a
    byte-order mark first)."""
    import csv

    path = dest / "work_items_hxl.csv"
    with path.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([label for _, label, _ in HXL_COLUMNS])
        writer.writerow([tag for _, _, tag in HXL_COLUMNS])
        for row in work_item_rows(tables):
            writer.writerow(["" if row[key] is None else row[key] for key, _, _ in HXL_COLUMNS])
    return [path]


def export_iati(tables: dict[str, pa.Table], dest: Path, excel: bool = False, reporting_org: str | None = None,
                reporting_org_type: str | None = None, reporting_org_name: str | None = None) -> list[Path]:
    """``dest/iati-activities.xml``: IATI activity XML 2.03 (see ``pipeline.output.iati``)."""
    if not reporting_org or not reporting_org_type:
        raise ExportError("--format iati needs --reporting-org REF --reporting-org-type CODE: the IATI organisation "
                          "identifier and type code of the body publishing the file (none is invented)")
    return [write_iati(tables, dest / "iati-activities.xml", reporting_org, reporting_org_type, reporting_org_name)]


FORMATS: dict[str, Callable[..., list[Path]]] = {
    "csv": export_csv, "xlsx": export_xlsx, "hxl": export_hxl, "iati": export_iati,
}


def one_copy_per_plan(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The rows of each plan's canonical document only (``documents.is_canonical``): a plan present as text and
    PDF, and in translated editions, counts once. ``errors`` stays whole (it is about files, not plans)."""
    documents = tables.get("documents")
    if documents is None or "is_canonical" not in documents.column_names:
        return tables  # an output of an earlier schema: no plan identity to filter on
    canonical = pa.array([d for d, keep in zip(documents["document_id"].to_pylist(),
                                               documents["is_canonical"].to_pylist(), strict=True) if keep],
                         pa.string())
    return {name: table if name == "errors" or "document_id" not in table.column_names
            else table.filter(pc.is_in(table["document_id"], value_set=canonical)) for name, table in tables.items()}


def export(out_dir: Path, fmt: str, dest: Path, excel: bool = False, all_documents: bool = False,
           **options: str | None) -> list[Path]:
    """Write ``out_dir``'s tables in format ``fmt`` into folder ``dest``: the files written (``excel``: CSV files
    begin with a UTF-8 byte-order mark, so that Excel reads them as UTF-8). Each plan counts once, by its canonical
    document, unless ``all_documents`` (every copy and edition). ``options``: ``reporting_org`` and
    ``reporting_org_type`` of the ``iati`` format.

    ``export(Path("output"), "csv", Path("csv"))`` -> ``[Path("csv/documents.csv"), ...]``.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    if dest.exists() and not dest.is_dir():
        raise ExportError(f"{dest} is a file; give a folder to write into")
    from pipeline.catalog import inside

    if not (out_dir / "work_items").exists():
        read_tables(out_dir)  # says what is missing
    if fmt == "iati" and not (options.get("reporting_org") and options.get("reporting_org_type")):
        export_iati({}, dest)  # refused before anything is read or written
    if inside(dest, out_dir):
        raise ExportError(f"{dest} is inside the output folder {out_dir}; give a folder outside it (the next run "
                          f"replaces what is in there)")
    dest.mkdir(parents=True, exist_ok=True)
    tables = read_tables(out_dir)
    return FORMATS[fmt](tables if all_documents else one_copy_per_plan(tables), dest, excel, **options)
