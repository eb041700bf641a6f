"""Exports of an output folder for other tools: CSV per table, one Excel workbook, HXL-tagged CSV, IATI XML."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline.errors import PipelineError

TABLES = ("documents", "work_items", "leads", "timelines", "funding", "funding_agencies", "organisations",
          "agencies", "errors")
IATI_VERSION = "2.03"
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
# IATI codes: participating-org/@role (1 funding, 4 implementing), activity-date/@type (1 planned start,
# 3 planned end), activity-status/@code (2 implementation), organisation type 90 (other)
_ROLE_CODES = {"funder": "1", "lead": "4", "co-lead": "4", "chair": "4", "co-chair": "4"}


class ExportError(PipelineError):
    category = "export"


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


def export_csv(tables: dict[str, pa.Table], dest: Path) -> list[Path]:
    """One CSV (UTF-8, header row) per table: ``dest/<table>.csv``."""
    out = []
    for name, table in tables.items():
        path = dest / f"{name}.csv"
        pacsv.write_csv(_flat(table), path)
        out.append(path)
    return out


def export_xlsx(tables: dict[str, pa.Table], dest: Path) -> list[Path]:
    """One workbook, a sheet per table; dates are date cells, flags booleans."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, table in tables.items():
        sheet = book.create_sheet(title=name[:31])
        flat = _flat(table)
        sheet.append(flat.column_names)
        for row in flat.to_pylist():
            sheet.append([_cell(v) for v in row.values()])
        for column, field in enumerate(flat.schema, start=1):
            if pa.types.is_date(field.type):
                for cell in next(sheet.iter_cols(min_col=column, max_col=column, min_row=2)) if flat.num_rows else ():
                    cell.number_format = "yyyy-mm-dd"
    path = dest / "workplans.xlsx"
    book.save(path)
    return [path]


def _cell(value: object) -> object:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel stores no time zone: the table's times are UTC
    return value


def work_item_rows(tables: dict[str, pa.Table]) -> list[dict]:
    """The flat view an analyst asks for first: each work item with its first lead and its dates."""
    leads: dict[str, dict] = {}
    for lead in tables["leads"].to_pylist() if "leads" in tables else []:
        if lead["role"] in _ROLE_CODES and not lead.get("placeholder"):
            leads.setdefault(lead["item_id"], lead)
    timelines = {t["item_id"]: t for t in tables["timelines"].to_pylist()} if "timelines" in tables else {}
    rows = []
    for item in tables["work_items"].to_pylist():
        lead, t = leads.get(item["item_id"]), timelines.get(item["item_id"])
        rows.append({
            "document_id": item["document_id"], "item_id": item["item_id"], "kind": item["kind"], "ref": item["ref"],
            "text": item["text"], "section": item["section"], "lead": lead["agency_text"] if lead else None,
            "lead_id": (lead.get("org_id") or lead["agency_id"]) if lead else None,
            "start_date": t["start"] if t else None, "end_date": t["end"] if t else None,
            "timeline": t["text"] if t else None, "locator": item["locator"],
        })
    return rows


def export_hxl(tables: dict[str, pa.Table], dest: Path) -> list[Path]:
    """``dest/work_items_hxl.csv``: the work-item view with a header row and a HXL hashtag row."""
    import csv

    path = dest / "work_items_hxl.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([label for _, label, _ in HXL_COLUMNS])
        writer.writerow([tag for _, _, tag in HXL_COLUMNS])
        for row in work_item_rows(tables):
            writer.writerow(["" if row[key] is None else row[key] for key, _, _ in HXL_COLUMNS])
    return [path]


def export_iati(tables: dict[str, pa.Table], dest: Path, reporting_org: str = "XI-WORKPLANS") -> list[Path]:
    """IATI activity XML 2.03: one ``iati-activity`` per work item that has a date (its own, or the plan period),
    with the item's leads and funders as ``participating-org`` (IATI ref from the agency list where known)."""
    from lxml import etree

    agencies = {a["agency_id"]: a for a in tables["agencies"].to_pylist()} if "agencies" in tables else {}
    docs = {d["document_id"]: d for d in tables["documents"].to_pylist()}
    orgs: dict[str, list[tuple[str, dict]]] = {}
    for lead in tables["leads"].to_pylist() if "leads" in tables else []:
        if lead["role"] in _ROLE_CODES and not lead.get("placeholder"):
            orgs.setdefault(lead["item_id"], []).append(("lead", lead))
    for funder in tables["funding_agencies"].to_pylist() if "funding_agencies" in tables else []:
        if funder["role"] == "funder":
            orgs.setdefault(funder["item_id"], []).append(("funder", funder))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    root = etree.Element("iati-activities", version=IATI_VERSION, **{"generated-datetime": now})
    for row in work_item_rows(tables):
        doc = docs.get(row["document_id"], {})
        start = row["start_date"] or doc.get("period_start")
        end = row["end_date"] or doc.get("period_end")
        if start is None and end is None:
            continue  # IATI requires a date; an undated item of an undated plan has none to give
        activity = etree.SubElement(root, "iati-activity", {xml_lang: doc.get("language") or "en",
                                                            "last-updated-datetime": now})
        etree.SubElement(activity, "iati-identifier").text = f"{reporting_org}-{_slug(row['document_id'])}-" \
                                                              f"{row['item_id']}"
        reporter = etree.SubElement(activity, "reporting-org", ref=reporting_org, type="90")
        etree.SubElement(reporter, "narrative").text = "workplans extraction"
        _narrative(etree.SubElement(activity, "title"), row["text"])
        _narrative(etree.SubElement(activity, "description", type="1"),
                   f"{row['kind']} of {doc.get('title') or row['document_id']}"
                   + (f", section {row['section']}" if row["section"] else "") + f" ({row['locator']})")
        named = orgs.get(row["item_id"]) or []
        for role, org in named:
            agency = agencies.get(org.get("agency_id") or "")
            attrs = {"role": _ROLE_CODES[org["role"] if role == "lead" else "funder"]}
            if agency and agency.get("iati_id"):
                attrs["ref"] = agency["iati_id"]
            _narrative(etree.SubElement(activity, "participating-org", attrs), org["agency_text"])
        if not named:  # IATI requires one: the plan names none for this item
            _narrative(etree.SubElement(activity, "participating-org", role="4"), "Not named in the workplan")
        etree.SubElement(activity, "activity-status", code="2")
        if start is not None:
            etree.SubElement(activity, "activity-date", type="1", **{"iso-date": start.isoformat()})
        if end is not None:
            etree.SubElement(activity, "activity-date", type="3", **{"iso-date": end.isoformat()})
    path = dest / "iati-activities.xml"
    etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="utf-8", pretty_print=True)
    return [path]


def _narrative(parent: object, text: str) -> None:
    from lxml import etree

    etree.SubElement(parent, "narrative").text = text


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:60]


FORMATS: dict[str, Callable[[dict[str, pa.Table], Path], list[Path]]] = {
    "csv": export_csv, "xlsx": export_xlsx, "hxl": export_hxl, "iati": export_iati,
}


def export(out_dir: Path, fmt: str, dest: Path) -> list[Path]:
    """Write ``out_dir``'s tables in format ``fmt`` into folder ``dest``: the files written.

    ``export(Path("output"), "csv", Path("csv"))`` -> ``[Path("csv/documents.csv"), ...]``.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    if dest.exists() and not dest.is_dir():
        raise ExportError(f"{dest} is a file; give a folder to write into")
    from pipeline.catalog import inside

    if inside(dest, out_dir):
        raise ExportError(f"{dest} is inside the output folder {out_dir}; give a folder outside it (the next run "
                          f"replaces what is in there)")
    dest.mkdir(parents=True, exist_ok=True)
    return FORMATS[fmt](read_tables(out_dir), dest)
