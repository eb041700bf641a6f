"""Row records of the leads, timelines, funding and funding_agencies tables: one schema source (issue 13)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pyarrow as pa
import pytest

from pipeline.cache import decode, encode
from pipeline.core.enums import FundingRole, InheritedFrom, ItemKind, Precision, Role, Scope, Severity, Stage
from pipeline.core.records import FundingAgencyRow, FundingRow, LeadRow, TimelineRow, WorkItem
from pipeline.normalize import rows_from_parents
from pipeline.output.store import SCHEMA_VERSION, SCHEMAS, record_schema

_S, _D, _B = pa.string(), pa.date32(), pa.bool_()
# the tables as schema version 4 spells them out by hand (version 3 had `start` and `end` where `start_date` and
# `end_date` are, and those two again after `inherited_from`): the records must give exactly these
VERSION_4 = {
    "leads": pa.schema([
        ("item_id", _S), ("document_id", _S), ("agency_text", _S), ("agency_id", _S), ("role", _S),
        ("inherited", _B), ("is_group", _B), ("scope", _S), ("source_text", _S), ("source_role", _S),
        ("placeholder", _B), ("org_id", _S), ("proposed", _B),
    ]),
    "timelines": pa.schema([
        ("item_id", _S), ("document_id", _S), ("text", _S), ("start_date", _D), ("end_date", _D), ("precision", _S),
        ("ongoing", _B), ("tbc", _B), ("uncertain", _B), ("qualifier", _S), ("location", _S), ("recurrence", _S),
        ("edtf", _S), ("inherited", _B), ("parsed", _B), ("duration", _S), ("relative_to", _S), ("revised_from", _S),
        ("inherited_from", _S), ("in_text", _B),
    ]),
    "funding": pa.schema([
        ("item_id", _S), ("document_id", _S), ("text", _S), ("inherited", _B), ("inherited_from", _S),
    ]),
    "funding_agencies": pa.schema([
        ("item_id", _S), ("document_id", _S), ("agency_text", _S), ("agency_id", _S), ("role", _S),
        ("is_group", _B), ("inherited", _B), ("org_id", _S),
    ]),
}


@pytest.mark.parametrize("name", VERSION_4)
def test_schemas_derived_from_the_records_are_those_of_schema_version_5(name):
    # 4: timelines.start_date/end_date only; documents.plan_id, is_canonical, edition_score, edition_method
    # 5: work_items.description (not one of these record-derived tables)
    assert SCHEMA_VERSION == "5"
    assert SCHEMAS[name].equals(VERSION_4[name], check_metadata=True)
    assert [f.nullable for f in SCHEMAS[name]] == [True] * len(VERSION_4[name])


def test_record_schema_maps_optional_and_plain_types():
    @dataclasses.dataclass
    class Row:
        name: str
        day: dt.date | None
        count: int
        score: float | None
        flag: bool

    schema = record_schema(Row)
    assert schema.names == ["name", "day", "count", "score", "flag"]
    assert schema.types == [pa.string(), pa.date32(), pa.int32(), pa.float32(), pa.bool_()]


@pytest.mark.parametrize("hint", ["list[str]", "str | int | None", "dt.datetime"])
def test_record_schema_refuses_a_type_no_column_has(hint):
    row = dataclasses.make_dataclass("Row", [("value", hint)])
    row.__module__ = __name__  # the hint is read in this module's names
    with pytest.raises(TypeError, match="Row.value"):
        record_schema(row)


Q2 = TimelineRow(item_id="plan.md#3", document_id="plan.md", text="Q2 2021", start=dt.date(2021, 4, 1),
                 end=dt.date(2021, 6, 30), precision="quarter", inherited=True, inherited_from="row_above")


def test_timeline_row_derives_parsed_and_the_date_aliases_from_start_and_end():
    assert (Q2.parsed, Q2.start_date, Q2.end_date) == (True, dt.date(2021, 4, 1), dt.date(2021, 6, 30))
    tbc = dataclasses.replace(Q2, text="TBC", start=None, end=None, precision=None, tbc=True)
    assert (tbc.parsed, tbc.start_date, tbc.end_date) == (False, None, None)
    with pytest.raises(TypeError):
        TimelineRow(item_id="x", document_id="y", text="Q2 2021", parsed=True)  # not given: it follows the dates


@pytest.mark.parametrize("row", [
    Q2,
    LeadRow(item_id="plan.md#3", document_id="plan.md", agency_text="UNDP", agency_id="UNDP", role="co-lead",
            source_text="IOM, UNDP", source_role="co-lead", org_id="UNDP"),
    FundingRow(item_id="plan.md#3", document_id="plan.md", text="IOM with WHO", inherited_from=None),
    FundingAgencyRow(item_id="plan.md#3", document_id="plan.md", agency_text="WHO", agency_id="WHO", role="named"),
])
def test_rows_round_trip_through_the_cache(row):
    assert decode(encode(row)) == row
    assert decode(encode([row])) == [row]


def test_rows_copied_from_a_parent_say_so_and_keep_their_type():
    item = lambda i, parent=None: WorkItem(f"plan.md#{i}", "plan.md", ItemKind.ACTIVITY, f"item {i}",  # noqa: E731
                                           parent_id=parent)
    items = [item(3), item(4, "plan.md#3"), item(5, "plan.md#4"), item(6)]
    funding = FundingRow(item_id="plan.md#3", document_id="plan.md", text="IOM")
    assert rows_from_parents(items, [Q2]) == [
        dataclasses.replace(Q2, item_id=i, inherited=True, inherited_from="parent") for i in ("plan.md#4", "plan.md#5")]
    assert rows_from_parents(items, [funding]) == [
        FundingRow(item_id=i, document_id="plan.md", text="IOM", inherited=True, inherited_from="parent")
        for i in ("plan.md#4", "plan.md#5")]
    in_text = dataclasses.replace(Q2, inherited=False, inherited_from=None, in_text=True)
    assert [r.in_text for r in rows_from_parents(items, [in_text])] == [False, False]  # not in the child's text


def test_a_row_built_from_strings_holds_enum_members_written_as_their_values():
    """Closed sets are enums (pipeline/core/enums.py): a row given plain strings holds the members, a value outside
    the set fails where the row is made, and the table gets the value as printed, no class name."""
    lead = LeadRow(item_id="plan.md#3", document_id="plan.md", agency_text="UN Women", role="co-chair",
                   scope="group", source_text="Co-chairs: UN Women", source_role="lead")
    assert (lead.role, lead.scope, lead.source_role) == (Role.CO_CHAIR, Scope.GROUP, Role.LEAD)
    assert type(lead.role) is Role and f"{lead.role}" == "co-chair" and str(lead.scope) == "group"
    assert (Q2.precision, Q2.inherited_from) == (Precision.QUARTER, InheritedFrom.ROW_ABOVE)
    funder = FundingAgencyRow(item_id="plan.md#3", document_id="plan.md", agency_text="WHO", role="funder")
    assert funder.role is FundingRole.FUNDER
    with pytest.raises(ValueError, match="'co_lead' is not a valid Role"):
        dataclasses.replace(lead, role="co_lead")
    table = pa.Table.from_pylist([{f.name: getattr(lead, f.name) for f in dataclasses.fields(lead)}],
                                 schema=record_schema(LeadRow))
    assert table.select(["role", "scope", "source_role"]).to_pylist() == [
        {"role": "co-chair", "scope": "group", "source_role": "lead"}]


def test_record_schema_writes_a_string_enum_as_a_string_column():
    @dataclasses.dataclass
    class Row:
        severity: Severity
        stage: Stage | None

    assert record_schema(Row).types == [pa.string(), pa.string()]
