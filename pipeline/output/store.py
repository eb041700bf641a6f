"""Parquet output: one dataset folder per table, typed schemas, written atomically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.alignments import align_editions
from pipeline.core.enums import Scope, Severity
from pipeline.core.records import DocumentResult, FundingAgencyRow, FundingRow, LeadRow, TimelineRow
from pipeline.organisations import mint_organisations
from pipeline.output.datapackage import described
from pipeline.output.snapshots import fault_point
from pipeline.twins import find_twins

_S, _D, _B, _I = pa.string(), pa.date32(), pa.bool_(), pa.int32()
SCHEMA_VERSION = "5"  # raised whenever a table gains, loses or changes a column; in every file's metadata
_ARROW: dict[type, pa.DataType] = {str: _S, dt.date: _D, bool: _B, int: _I, float: pa.float32()}


def record_schema(cls: type) -> pa.Schema:
    """A row record's table schema, one nullable column per field in field order (``X | None`` as ``X``):
    ``record_schema(FundingRow).names`` -> ``["item_id", "document_id", "text", "inherited", "inherited_from"]``;
    a field marked ``NOT_A_COLUMN`` is left out."""
    hints = typing.get_type_hints(cls)
    columns = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("column") is False:
            continue  # kept on the record only (``TimelineRow.start``: the table's ``start_date``)
        hint = hints[f.name]
        optional = isinstance(hint, types.UnionType)  # "str | None": a nullable string column, as every column is
        kinds = [t for t in typing.get_args(hint) if t is not type(None)] if optional else [hint]
        kinds = [str if isinstance(t, type) and issubclass(t, enum.StrEnum) else t for t in kinds]  # as its value
        if len(kinds) != 1 or kinds[0] not in _ARROW:
            raise TypeError(f"{cls.__name__}.{f.name}: {hint} has no column type")
        columns.append((f.name, _ARROW[kinds[0]]))
    return pa.schema(columns)


SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("document_id", _S), ("source_file", _S), ("sha256", _S), ("format", _S), ("language", _S), ("title", _S),
        ("period_start", _D), ("period_end", _D), ("edition_of", _S), ("pages", _I), ("items", _I), ("status", _S),
        ("extracted_at", pa.timestamp("us", tz="UTC")), ("pipeline_version", _S), ("schema_version", _S),
        ("same_as", _S), ("is_primary", _B), ("plan_id", _S), ("is_canonical", _B),
        ("edition_score", pa.float32()), ("edition_method", _S),
    ]),
    "work_items": pa.schema([
        ("item_id", _S), ("document_id", _S), ("parent_id", _S), ("kind", _S), ("section", _S), ("block", _S),
        ("ref", _S), ("text", _S), ("description", _S), ("status", _S),
        ("page", _I), ("locator", _S), ("timeline_text", _S),
        ("funding_text", _S), ("lead_text", _S), ("position", _I), ("method", _S), ("confidence", pa.float32()),
        ("language", _S),
    ]),
    "leads": record_schema(LeadRow),
    "timelines": record_schema(TimelineRow),
    "funding": record_schema(FundingRow),
    "funding_agencies": record_schema(FundingAgencyRow),
    "organisations": pa.schema([
        ("org_id", _S), ("name", _S), ("acronym", _S), ("kind", _S), ("source", _S), ("first_document_id", _S),
        ("names", _S), ("mentions", _I),
    ]),
    "agencies": pa.schema([
        ("agency_id", _S), ("acronym", _S), ("name_en", _S), ("kind", _S), ("iati_id", _S),
        ("name_ar", _S), ("name_zh", _S), ("name_fr", _S), ("name_ru", _S), ("name_es", _S),
        ("acronym_ar", _S), ("acronym_zh", _S), ("acronym_fr", _S), ("acronym_ru", _S), ("acronym_es", _S),
    ]),
    "item_alignments": pa.schema([
        ("item_id", _S), ("original_item_id", _S), ("document_id", _S), ("original_document_id", _S),
        ("score", pa.float32()), ("method", _S),
    ]),
    "errors": pa.schema([
        ("source_file", _S), ("document_id", _S), ("severity", _S), ("stage", _S), ("error_type", _S),
        ("message", _S), ("page", _I), ("line", _I),
    ]),
}


def results_to_tables(results: list[DocumentResult], agencies: list[dict], extracted_at: dt.datetime,
                      version: str) -> dict[str, pa.Table]:
    """All results as typed Arrow tables, rows in a stable order (documents by id, items in reading order)."""
    rows: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
    twins = find_twins(results)
    plans = plan_ids(results, twins)
    leads: list[LeadRow] = []
    funders: list[FundingAgencyRow] = []
    for r in sorted(results, key=lambda r: r.document_id):
        rows["documents"].append({
            "schema_version": SCHEMA_VERSION, "same_as": twins.get(r.document_id),
            "is_primary": r.document_id not in twins, "plan_id": plans[r.document_id],
            "is_canonical": plans[r.document_id] == r.document_id,
            "document_id": r.document_id, "source_file": r.source_file, "sha256": r.sha256, "format": r.format,
            "language": r.language, "title": r.title, "period_start": r.period_start, "period_end": r.period_end,
            "edition_of": r.edition_of, "edition_score": r.edition_score, "edition_method": r.edition_method,
            "pages": r.pages, "items": len(r.items), "status": r.status.value,
            "extracted_at": extracted_at, "pipeline_version": version,
        })
        for position, item in enumerate(r.items):
            lead = next((lt.text for lt in item.leads if lt.scope == Scope.CELL), None)
            rows["work_items"].append({
                "item_id": item.item_id, "document_id": item.document_id, "parent_id": item.parent_id,
                "kind": item.kind.value, "section": item.section, "block": item.block, "ref": item.ref,
                "text": item.text, "description": item.description,
                "status": item.status, "page": item.page, "locator": item.locator,
                "timeline_text": item.timeline_text, "funding_text": item.funding_text, "lead_text": lead,
                "position": position, "method": item.method, "confidence": item.confidence,
                "language": item.language or r.language,
            })
        leads += r.leads
        funders += r.funding_agencies
        rows["timelines"] += map(_row, r.timelines)
        rows["funding"] += map(_row, r.funding)
        for severity, errors in ((Severity.ERROR, r.errors), (Severity.WARNING, r.warnings)):
            rows["errors"] += [{
                "source_file": e.source_file, "document_id": r.document_id, "severity": severity, "stage": e.stage,
                "error_type": e.error_type, "message": e.message, "page": e.page, "line": e.line,
            } for e in errors]
    rows["agencies"] = agencies
    rows["item_alignments"] = align_editions(results)
    ids, rows["organisations"] = mint_organisations(leads + funders, {a["agency_id"]: a for a in agencies})
    for name, mentions in (("leads", leads), ("funding_agencies", funders)):
        rows[name] = [{**_row(m), "org_id": ids.get((m.document_id, m.agency_text))} for m in mentions]
    meta = {b"workplans.schema_version": SCHEMA_VERSION.encode(), b"workplans.pipeline_version": version.encode()}
    return {name: pa.Table.from_pylist(rows[name], schema=described(name, schema.with_metadata(meta)))
            for name, schema in SCHEMAS.items()}


def plan_ids(results: list[DocumentResult], twins: dict[str, str]) -> dict[str, str]:
    """Each document's plan, named by the plan's canonical document: the primary copy (``twins``) of the original
    (``edition_of``). A PDF twin of a French edition of ``plan.txt`` -> ``"plan.txt"``; a plan alone -> itself."""
    edition_of = {r.document_id: r.edition_of for r in results if r.edition_of}
    plans = {}
    for r in results:
        document, seen = r.document_id, set()
        while document not in seen:  # twin -> primary copy -> original -> its primary copy ...
            seen.add(document)
            document = twins.get(document) or edition_of.get(document) or document
        plans[r.document_id] = document
    return plans


def _row(record: Any) -> dict:
    """A row record as a table row (shallow, unlike ``dataclasses.asdict``: ten times faster, fields are plain)."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def write_tables(tables: dict[str, pa.Table], folder: Path) -> list[str]:
    """Write each table as ``folder/<table>.parquet`` (``folder``: a run's snapshot being built, whose files
    ``pipeline.output.snapshots.publish`` puts in place as ``OUT/<table>/part-0.parquet``); returns the file names."""
    names = []
    for name, table in tables.items():
        with pq.ParquetWriter(folder / f"{name}.parquet", table.schema, compression="zstd") as writer:
            writer.write_table(table)
            fault_point(f"table:{name}")  # crash tests: a file cut short, its footer never written
        names.append(f"{name}.parquet")
    return names


def read_table(out_dir: Path, name: str) -> pa.Table:
    """Read one dataset back: ``read_table(Path("output"), "work_items").num_rows`` -> 534."""
    return pq.read_table(out_dir / name, schema=SCHEMAS.get(name))
