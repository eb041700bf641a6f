"""IATI activity XML 2.03 of a run: one activity per dated work item, its status from its timeline, outputs and
their activities as hierarchy levels, the bodies the plan names as participating organisations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.output.views import slug, work_item_rows

IATI_VERSION = "2.03"
# IATI OrganisationType codes (https://iatistandard.org/en/iati-standard/203/codelists/organisationtype/)
ORGANISATION_TYPES = ("10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80", "90")
# participating-org/@role (OrganisationRole): 1 funding, 2 accountable, 4 implementing
ROLES = {"funder": "1", "chair": "2", "co-chair": "2", "lead": "4", "co-lead": "4", "partner": "4"}
# agencies.kind -> OrganisationType: UN entities and other intergovernmental bodies are multilateral (40)
KIND_TYPES = {"un_entity": "40", "other_intergovernmental": "40", "civil_society": "21"}
CLOSED_AFTER_DAYS = 365  # an activity whose end is longer ago than this is closed (4), sooner finalising (3)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def activity_status(start: dt.date | None, end: dt.date | None, ongoing: bool, today: dt.date) -> str:
    """IATI ActivityStatus of a planned interval on ``today``: 1 pipeline (not started), 2 implementation,
    3 finalisation (ended within ``CLOSED_AFTER_DAYS``), 4 closed; an ongoing timeline is never ended:
    ``activity_status(dt.date(2010, 1, 1), dt.date(2010, 12, 31), False, dt.date(2026, 12, 7))`` -> ``"4"``."""
    if start is not None and start > today:
        return "1"
    if end is None or end >= today or ongoing:
        return "2"
    return "4" if (today - end).days > CLOSED_AFTER_DAYS else "3"


def write_iati(tables: dict[str, pa.Table], path: Path, reporting_org: str, reporting_org_type: str,
               reporting_org_name: str | None = None) -> Path:
    """Write ``path``: an ``iati-activity`` per work item with a date (its own, or its plan's period).

    Its status compares the timeline with the run's date; ``hierarchy`` is the item's depth (1 for a priority area
    or output at the top, 2 for what it holds, ...), with ``related-activity`` links to its parent (type 1) and
    children (type 2). Participating organisations are the bodies its leads and funding cells name (roles from
    ``ROLES``), else those of the nearest enclosing item, else the reporting organisation as accountable.
    """
    from lxml import etree

    from pipeline.core.errors import PipelineError

    if reporting_org_type not in ORGANISATION_TYPES:
        raise PipelineError(f"--reporting-org-type {reporting_org_type!r} is no IATI organisation type code (one of "
                            f"{', '.join(ORGANISATION_TYPES)})")
    run = _Run(tables, _Publisher(reporting_org, reporting_org_type, reporting_org_name or reporting_org))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    root = etree.Element("iati-activities", version=IATI_VERSION, **{"generated-datetime": now})
    for row, doc, start, end in run.rows:
        activity = etree.SubElement(root, "iati-activity", {_XML_LANG: doc.get("language") or "en",
                                                            "last-updated-datetime": now,
                                                            "hierarchy": str(_depth(row["item_id"], run.items) + 1)})
        run.fill(activity, row, doc, start, end)
    etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="utf-8", pretty_print=True)
    return path


@dataclass(frozen=True)
class _Publisher:
    """The reporting organisation: its IATI identifier, type code and name."""

    ref: str
    type: str
    name: str


class _Run:
    """What every activity of one file reads: the run's documents, items, timelines and the bodies they name,
    the dated items in order with their IATI identifiers and children."""

    def __init__(self, tables: dict[str, pa.Table], publisher: _Publisher) -> None:
        self.publisher = publisher
        self.agencies = {a["agency_id"]: a for a in tables["agencies"].to_pylist()} if "agencies" in tables else {}
        docs = {d["document_id"]: d for d in tables["documents"].to_pylist()}
        self.today = max((d["extracted_at"] for d in docs.values() if d.get("extracted_at")),
                         default=dt.datetime.now(dt.UTC)).date()
        self.named = _named(tables)
        self.items = {i["item_id"]: i for i in tables["work_items"].to_pylist()}
        self.timelines = {t["item_id"]: t for t in tables["timelines"].to_pylist()} if "timelines" in tables else {}
        self.rows: list[tuple[dict, dict, dt.date | None, dt.date | None]] = []
        for row in work_item_rows(tables):
            doc = docs.get(row["document_id"], {})
            start, end = row["start_date"] or doc.get("period_start"), row["end_date"] or doc.get("period_end")
            if start is not None or end is not None:  # IATI needs a date; an undated item of an undated plan has none
                self.rows.append((row, doc, start, end))
        self.ids = {row["item_id"]: f"{publisher.ref}-{slug(row['document_id'])}-{row['item_id']}"
                    for row, *_ in self.rows}
        self.children: dict[str, list[str]] = {}
        for row, *_ in self.rows:
            parent = self.items[row["item_id"]]["parent_id"]
            if parent in self.ids:
                self.children.setdefault(parent, []).append(row["item_id"])

    def fill(self, activity: Any, row: dict, doc: dict, start: dt.date | None, end: dt.date | None) -> None:
        """One item's activity: identifier, publisher, title, description, participants, status, dates, links."""
        from lxml import etree

        item_id, publisher = row["item_id"], self.publisher
        etree.SubElement(activity, "iati-identifier").text = self.ids[item_id]
        _narrative(etree.SubElement(activity, "reporting-org", ref=publisher.ref, type=publisher.type), publisher.name)
        _narrative(etree.SubElement(activity, "title"), row["text"])
        timeline = self.timelines.get(item_id)
        printed = f"; timeline as printed: {timeline['text']}" if timeline else ""
        said = f"{row['description']} — " if row.get("description") else ""  # the plan's own words first
        _narrative(etree.SubElement(activity, "description", type="1"),
                   f"{said}{row['kind']} of {doc.get('title') or row['document_id']}"
                   + (f", section {row['section']}" if row["section"] else "") + f" ({row['locator']}){printed}")
        self.participants(activity, item_id)
        ongoing = bool(timeline and timeline["ongoing"] and timeline.get("inherited_from") != "parent")
        etree.SubElement(activity, "activity-status", code=activity_status(start, end, ongoing, self.today))
        if start is not None:
            etree.SubElement(activity, "activity-date", type="1", **{"iso-date": start.isoformat()})
        if end is not None:
            etree.SubElement(activity, "activity-date", type="3", **{"iso-date": end.isoformat()})
        parent = self.items[item_id]["parent_id"]
        if parent in self.ids:
            etree.SubElement(activity, "related-activity", ref=self.ids[parent], type="1")
        for child in self.children.get(item_id, []):
            etree.SubElement(activity, "related-activity", ref=self.ids[child], type="2")

    def participants(self, activity: Any, item_id: str) -> None:
        """The bodies named for the item or above it, with their IATI ref and type when the agency list has them;
        none named: the publisher answers for it (accountable)."""
        from lxml import etree

        bodies = _bodies(item_id, self.items, self.named)
        for role, org in bodies:
            attrs = {"role": role}
            agency = self.agencies.get(org.get("agency_id") or "")
            if agency and agency.get("iati_id"):
                attrs["ref"] = agency["iati_id"]
            if agency and agency.get("kind") in KIND_TYPES:
                attrs["type"] = KIND_TYPES[agency["kind"]]
            _narrative(etree.SubElement(activity, "participating-org", attrs), org["agency_text"])
        if not bodies:
            p = self.publisher
            _narrative(etree.SubElement(activity, "participating-org", ref=p.ref, type=p.type, role="2"), p.name)


def _named(tables: dict[str, pa.Table]) -> dict[str, list[tuple[str, dict]]]:
    """Per item, the bodies its own cells name: ``(IATI role code, row)``, each body once per role, placeholders
    ("TBC") and bodies only mentioned in a funding cell left out."""
    named: dict[str, list[tuple[str, dict]]] = {}
    seen: set[tuple[str, str, str]] = set()
    rows = tables["leads"].to_pylist() if "leads" in tables else []
    rows += tables["funding_agencies"].to_pylist() if "funding_agencies" in tables else []
    for row in rows:
        if row["role"] not in ROLES or row.get("placeholder"):
            continue
        key = (row["item_id"], ROLES[row["role"]], " ".join((row.get("org_id") or row["agency_text"]).split()).lower())
        if key not in seen:
            seen.add(key)
            named.setdefault(row["item_id"], []).append((ROLES[row["role"]], row))
    return named


def _bodies(item_id: str, items: dict[str, dict], named: dict[str, list[tuple[str, dict]]]) -> list[tuple[str, dict]]:
    """The item's named bodies, else the nearest enclosing item's (an activity of an output led by X: X)."""
    seen = set()
    current: str | None = item_id
    while current and current not in seen:
        seen.add(current)
        if named.get(current):
            return named[current]
        current = (items.get(current) or {}).get("parent_id")
    return []


def _depth(item_id: str, items: dict[str, dict]) -> int:
    depth, seen = 0, {item_id}
    parent = items[item_id]["parent_id"]
    while parent in items and parent not in seen:
        seen.add(parent)
        depth, parent = depth + 1, items[parent]["parent_id"]
    return depth


def _narrative(parent: object, text: str) -> None:
    from lxml import etree

    etree.SubElement(parent, "narrative").text = text
