"""Flat views of a run's tables that more than one export writes: each work item with its first lead and dates."""

from __future__ import annotations

import re

import pyarrow as pa

from pipeline.core.enums import LEAD_ROLES  # the roles the flat views show as an item's lead


def work_item_rows(tables: dict[str, pa.Table]) -> list[dict]:
    """The flat view an analyst asks for first: each work item with its first lead and its dates."""
    leads: dict[str, dict] = {}
    for lead in tables["leads"].to_pylist() if "leads" in tables else []:
        if lead["role"] in LEAD_ROLES and not lead.get("placeholder"):
            leads.setdefault(lead["item_id"], lead)
    timelines = {t["item_id"]: t for t in tables["timelines"].to_pylist()} if "timelines" in tables else {}
    rows = []
    for item in tables["work_items"].to_pylist():
        lead, t = leads.get(item["item_id"]), timelines.get(item["item_id"])
        rows.append({
            "document_id": item["document_id"], "item_id": item["item_id"], "kind": item["kind"], "ref": item["ref"],
            "text": item["text"], "section": item["section"], "lead": lead["agency_text"] if lead else None,
            "lead_id": (lead.get("org_id") or lead["agency_id"]) if lead else None,
            "start_date": t["start_date"] if t else None, "end_date": t["end_date"] if t else None,
            "timeline": t["text"] if t else None, "locator": item["locator"],
        })
    return rows


def slug(text: str) -> str:
    """A name safe in an identifier: ``slug("plans/GMG 2016.md")`` -> ``"plans-GMG-2016-md"``."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:60]
