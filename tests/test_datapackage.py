"""The seed run's ``datapackage.json``: valid against the Frictionless Data Package 2.0 schema, true to the files
(types, keys that hold), and each column's meaning in the Parquet field metadata."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from jsonschema import Draft7Validator

from pipeline.output.datapackage import FOREIGN_KEYS, PRIMARY_KEYS, dictionary
from pipeline.output.store import SCHEMAS

PROFILES = Path(__file__).parent / "fixtures" / "frictionless"
# tables with no row: the seeds have no translated edition; WG6 2019 and GMG 2010 print no funding cell
EMPTY = {"seed_run": {"item_alignments"}, "plans_run": {"funding", "funding_agencies"}}
TYPES = {"string": "VARCHAR", "date": "DATE", "boolean": "BOOLEAN", "integer": "INTEGER", "number": "FLOAT",
         "datetime": "TIMESTAMP WITH TIME ZONE"}


@pytest.fixture(scope="module")
def package(seed_run) -> dict:
    return json.loads((seed_run / "datapackage.json").read_text(encoding="utf-8"))


def test_the_package_is_valid_against_the_data_package_schema(package):
    for profile in ("datapackage.json", "tableschema.json"):
        Draft7Validator.check_schema(json.loads((PROFILES / profile).read_text(encoding="utf-8")))
    validator = Draft7Validator(json.loads((PROFILES / "datapackage.json").read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(package)] == []
    tables = Draft7Validator(json.loads((PROFILES / "tableschema.json").read_text(encoding="utf-8")))
    for resource in package["resources"]:
        assert [e.message for e in tables.iter_errors(resource["schema"])] == [], resource["name"]


def test_a_broken_package_is_not_valid(package):
    """The validation can fail: a field type the spec does not know, a resource with no path."""
    validator = Draft7Validator(json.loads((PROFILES / "datapackage.json").read_text(encoding="utf-8")))
    broken = json.loads(json.dumps(package))
    broken["resources"][0]["schema"]["fields"][0]["type"] = "text"
    del broken["resources"][1]["path"]
    assert len(list(validator.iter_errors(broken))) == 2


def test_every_table_is_a_resource_with_the_files_types_and_the_dictionarys_words(package, seed_run):
    assert [r["name"] for r in package["resources"]] == list(SCHEMAS)
    for resource in package["resources"]:
        path = seed_run / resource["path"]
        columns = duckdb.sql(f"describe select * from read_parquet('{path}')").fetchall()
        assert [(f["name"], TYPES[f["type"]]) for f in resource["schema"]["fields"]] == [
            (name, kind) for name, kind, *_ in columns], resource["name"]
        meanings = dictionary()[resource["name"]][1]
        assert {f["name"]: f["description"] for f in resource["schema"]["fields"]} == meanings
    work_items = next(r for r in package["resources"] if r["name"] == "work_items")
    assert work_items["description"] == "One row per priority area, output, activity, deliverable or milestone."
    assert work_items["schema"]["primaryKey"] == ["item_id"]
    assert work_items["schema"]["foreignKeys"] == [
        {"fields": ["document_id"], "reference": {"resource": "documents", "fields": ["document_id"]}},
        {"fields": ["parent_id"], "reference": {"fields": ["item_id"]}}]  # a reference to its own table


@pytest.mark.parametrize("run", ["seed_run", "plans_run"])
def test_the_keys_hold(run, request):
    """Each primary key is unique and never null; each foreign key's values are null or found in the table it
    joins (23 of them): in the seeds, and in a plan with a PDF twin and four editions (item_alignments)."""
    out = request.getfixturevalue(run)
    read = lambda name: f"read_parquet('{out}/{name}/*.parquet')"  # noqa: E731
    for table, key in PRIMARY_KEYS.items():
        columns = ", ".join(key)
        rows, distinct, nulls = duckdb.sql(
            f"select count(*), count(distinct ({columns})), count(*) filter (where "
            f"{' or '.join(f'{c} is null' for c in key)}) from {read(table)}").fetchall()[0]
        assert rows == distinct and nulls == 0, table
        assert rows > 0 or table in EMPTY[run], table
    checked = 0
    for table, keys in FOREIGN_KEYS.items():
        for column, other, key in keys:
            orphans = duckdb.sql(f"select count(*) from {read(table)} t where t.{column} is not null and "
                                 f"t.{column} not in (select {key} from {read(other)})").fetchall()[0][0]
            assert orphans == 0, (table, column)
            checked += 1
    assert checked == 23


def test_each_parquet_column_carries_its_meaning(seed_run):
    schema = pq.read_schema(seed_run / "timelines" / "part-0.parquet")
    assert schema.field("precision").metadata[b"description"].decode() == dictionary()["timelines"][1]["precision"]
    for name in SCHEMAS:
        fields = pq.read_schema(seed_run / name / "part-0.parquet")
        assert all(f.metadata and f.metadata[b"description"] for f in fields), name
