"""Record shapes produced by assembly and normalisation (the only place they are defined)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum


class ItemKind(str, Enum):
    PRIORITY_AREA = "priority_area"
    OUTPUT = "output"
    ACTIVITY = "activity"
    DELIVERABLE = "deliverable"
    MILESTONE = "milestone"


class Precision(str, Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    RANGE = "range"


class Role(str, Enum):
    LEAD = "lead"
    CO_LEAD = "co-lead"
    MEMBER = "member"
    CHAIR = "chair"
    CO_CHAIR = "co-chair"
    PROPOSED = "proposed"
    FUNDER = "funder"
    PARTNER = "partner"  # supporting or other actors involved: named for the item, not leading it
    CONTACT = "contact"  # a person to write to


LEAD_ROLES = frozenset({Role.LEAD, Role.CO_LEAD, Role.CHAIR, Role.CO_CHAIR})  # the roles counted as leads


class Status(str, Enum):
    SUCCESS = "success"
    PARTIAL = "partial"
    FAILURE = "failure"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Timeline:
    """A normalised timeline phrase: inclusive interval plus flags; ``text`` is the phrase as printed."""

    text: str
    start: dt.date | None = None
    end: dt.date | None = None
    precision: Precision | None = None
    ongoing: bool = False
    tbc: bool = False
    uncertain: bool = False
    location: str | None = None
    recurrence: str | None = None
    qualifier: str | None = None
    edtf: str | None = None
    duration: str | None = None  # ISO 8601 duration of a relative timing ("P90D", "P18M"), no dates without anchor
    relative_to: str | None = None  # what a relative timing counts from, as printed ("the adoption of the strategy")
    revised_from: str | None = None  # the earlier date a revision replaced, as printed

    @property
    def parsed(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass(frozen=True)
class AgencyMention:
    """One organisation or group named in a lead, members or funding cell (``start``/``end``: its place in
    the cell's text; not part of equality)."""

    text: str
    agency_id: str | None = None
    role: Role | None = None
    is_group: bool = False
    start: int | None = field(default=None, compare=False)
    end: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LeadText:
    """Raw lead-like text governing an item: its own cell, or a document/group-level line."""

    text: str
    role: Role = Role.LEAD
    inherited: bool = False
    scope: str = "cell"  # "cell" | "document" | "group"


@dataclass(frozen=True)
class WorkItem:
    """A deliverable-like unit of a workplan with its raw lead, timeline and funding text."""

    item_id: str
    document_id: str
    kind: ItemKind
    text: str
    parent_id: str | None = None
    section: str | None = None
    block: str | None = None
    ref: str | None = None
    status: str | None = None
    page: int | None = None
    locator: str = ""
    timeline_text: str | None = None
    timeline_inherited: bool = False
    funding_text: str | None = None
    funding_inherited: bool = False
    leads: tuple[LeadText, ...] = ()
    method: str = "list_item"  # table_row | list_item | heading | label_block | prose_sentence
    confidence: float = 1.0
    language: str | None = None  # the item's own text's language (a French frame around English items)


@dataclass(frozen=True)
class ErrorItem:
    """A problem met while processing one document (document-level) or one item (warning)."""

    source_file: str
    stage: str
    error_type: str
    message: str
    page: int | None = None
    line: int | None = None


@dataclass
class DocumentResult:
    """Everything one document yields; ``status`` is partial as soon as there is an error."""

    document_id: str
    source_file: str
    sha256: str
    format: str
    status: Status = Status.SUCCESS
    language: str = "en"
    title: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    edition_of: str | None = None
    pages: int | None = None
    items: list[WorkItem] = field(default_factory=list)
    leads: list[dict] = field(default_factory=list)
    timelines: list[dict] = field(default_factory=list)
    funding: list[dict] = field(default_factory=list)
    funding_agencies: list[dict] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)
    warnings: list[ErrorItem] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # time spent per stage: extract, assemble, normalize
