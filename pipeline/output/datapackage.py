"""The output's machine-readable schema: a Frictionless Data Package (``datapackage.json``, Table Schema 2.0) made
from the tables' Arrow schemas, their keys (below) and the meanings in ``docs/data_dictionary.md``."""

from __future__ import annotations

import functools
import json
import logging
import re
from pathlib import Path

import pyarrow as pa

from pipeline.environment import PROJECT_ROOT

log = logging.getLogger(__name__)
DICTIONARY = PROJECT_ROOT / "docs" / "data_dictionary.md"
DATAPACKAGE = "datapackage.json"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"

# each table's primary key (errors has none: one file may have the same message twice)
PRIMARY_KEYS: dict[str, list[str]] = {
    "documents": ["document_id"], "work_items": ["item_id"], "leads": ["item_id", "source_text", "agency_text", "role"],
    "timelines": ["item_id"], "funding": ["item_id"], "funding_agencies": ["item_id", "agency_text", "role"],
    "organisations": ["org_id"], "agencies": ["agency_id"], "item_alignments": ["item_id"],
}
# (column, table it joins, that table's column): every value is null or found there (a test checks the seeds)
FOREIGN_KEYS: dict[str, list[tuple[str, str, str]]] = {
    "documents": [("same_as", "documents", "document_id"), ("edition_of", "documents", "document_id"),
                  ("plan_id", "documents", "document_id")],
    "work_items": [("document_id", "documents", "document_id"), ("parent_id", "work_items", "item_id")],
    "leads": [("item_id", "work_items", "item_id"), ("document_id", "documents", "document_id"),
              ("agency_id", "agencies", "agency_id"), ("org_id", "organisations", "org_id")],
    "timelines": [("item_id", "work_items", "item_id"), ("document_id", "documents", "document_id")],
    "funding": [("item_id", "work_items", "item_id"), ("document_id", "documents", "document_id")],
    "funding_agencies": [("item_id", "work_items", "item_id"), ("document_id", "documents", "document_id"),
                         ("agency_id", "agencies", "agency_id"), ("org_id", "organisations", "org_id")],
    "organisations": [("first_document_id", "documents", "document_id")],
    "item_alignments": [("item_id", "work_items", "item_id"), ("original_item_id", "work_items", "item_id"),
                        ("document_id", "documents", "document_id"),
                        ("original_document_id", "documents", "document_id")],
    "errors": [("document_id", "documents", "document_id")],
}


@functools.cache
def dictionary() -> dict[str, tuple[str, dict[str, str]]]:
    """``{table: (what one row is, {column: meaning})}`` as the data dictionary says (empty where it is not
    installed, as in a wheel: then the package carries types and keys only)."""
    try:
        text = DICTIONARY.read_text(encoding="utf-8")
    except OSError:
        log.warning("%s not found: datapackage.json and the Parquet files carry no descriptions", DICTIONARY)
        return {}
    tables = {}
    for name, body in re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, re.S | re.M):
        rows = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| (.*) \|$", body, re.M))
        tables[name] = (body.strip().splitlines()[0], rows)
    return tables


def described(name: str, schema: pa.Schema) -> pa.Schema:
    """``schema`` with each field's meaning from the dictionary in its Parquet field metadata (``description``)."""
    meanings = dictionary().get(name, ("", {}))[1]
    return pa.schema([f.with_metadata({b"description": meanings[f.name].encode()}) if f.name in meanings else f
                      for f in schema], metadata=schema.metadata)


def _field_type(kind: pa.DataType) -> str:
    if pa.types.is_string(kind):
        return "string"
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind):
        return "integer"
    if pa.types.is_floating(kind):
        return "number"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_timestamp(kind):
        return "datetime"
    raise TypeError(f"no Table Schema type for {kind}")


def datapackage(schemas: dict[str, pa.Schema], version: str) -> dict:
    """The Data Package of an output folder with these tables: one resource per table (``<table>/part-0.parquet``,
    paths relative to the output folder), its fields typed and described, its primary and foreign keys.

    ``datapackage({"agencies": pa.schema([("agency_id", pa.string())])}, "3")["resources"][0]["schema"]
    ["primaryKey"]`` -> ``["agency_id"]``.
    """
    resources = []
    for name, schema in schemas.items():
        meaning, columns = dictionary().get(name, ("", {}))
        table: dict = {"fields": [{"name": f.name, "type": _field_type(f.type),
                                   **({"description": columns[f.name]} if f.name in columns else {})}
                                  for f in schema]}
        if name in PRIMARY_KEYS:
            table["primaryKey"] = PRIMARY_KEYS[name]
        keys = [(column, other, key) for column, other, key in FOREIGN_KEYS.get(name, []) if other in schemas]
        if keys:
            table["foreignKeys"] = [{"fields": [column], "reference": {
                **({"resource": other} if other != name else {}), "fields": [key]}} for column, other, key in keys]
        resources.append({"name": name, "type": "table", "path": f"{name}/part-0.parquet", "format": "parquet",
                          "mediatype": "application/vnd.apache.parquet",
                          **({"description": meaning} if meaning else {}), "schema": table})
    return {"$schema": PROFILE, "name": "workplans", "title": "Workplans as typed records",
            "description": f"Work items, leads, timelines and funding read from workplans (schema version "
                         f"{version}); see docs/data_dictionary.md.", "version": version, "resources": resources}


def write_datapackage(folder: Path, schemas: dict[str, pa.Schema], version: str) -> str:
    """``folder/datapackage.json``; returns its name."""
    (folder / DATAPACKAGE).write_text(json.dumps(datapackage(schemas, version), indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    return DATAPACKAGE
