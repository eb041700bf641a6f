"""Record shapes produced by assembly and normalisation (the only place they are defined)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from pipeline.core.enums import FundingRole, InheritedFrom, ItemKind, Method, Precision, Role, Scope, Status


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
    scope: str = Scope.CELL  # a Scope value


@dataclass(frozen=True)
class WorkItem:
    """A deliverable-like unit of a workplan with its raw lead, timeline and funding text."""

    item_id: str
    document_id: str
    kind: ItemKind
    text: str
    parent_id: str | None = None
    description: str | None = None  # what the plan says of the item besides its name ("**Name**: what it is")
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
    method: str = Method.LIST_ITEM  # a Method value
    confidence: float = 1.0
    language: str | None = None  # the item's own text's language (a French frame around English items)


def _enums(record: object, **kinds: type[StrEnum]) -> None:
    """Each named field of a frozen row as a member of its enum, so that a row built from plain strings
    (``role="chair"``) holds ``Role.CHAIR``: a value outside the set is a ValueError here, not a bad column later."""
    for name, kind in kinds.items():
        value = getattr(record, name)
        if value is not None and not isinstance(value, kind):
            object.__setattr__(record, name, kind(value))


@dataclass(frozen=True, kw_only=True)
class LeadRow:
    """One row of the ``leads`` table: an organisation, group or placeholder named in an item's lead text.

    ``LeadRow(item_id="8b13bf5889aa6e95", document_id="gmg_multi_annual_workplan_2016_2018.md",
    agency_text="UN Women", agency_id="UN-Women", role="chair", source_text="GMG Chair (UN Women)",
    source_role="lead")``; ``org_id`` is minted across the whole run by the store.
    """

    item_id: str
    document_id: str
    agency_text: str
    agency_id: str | None = None
    role: Role
    inherited: bool = False
    is_group: bool = False
    scope: Scope = Scope.CELL
    source_text: str
    source_role: Role  # the role of the lead text the name came from
    placeholder: bool = False  # "TBC", "Help Wanted": a lead still to be found, no organisation
    org_id: str | None = None
    proposed: bool = False

    def __post_init__(self) -> None:
        _enums(self, role=Role, scope=Scope, source_role=Role)


NOT_A_COLUMN = {"column": False}  # a record's field the table does not have (the same value under another name)


@dataclass(frozen=True, kw_only=True)
class TimelineRow:
    """One row of the ``timelines`` table: an item's Timeline as a flat row (``precision`` as its value).

    ``parsed``, ``start_date`` and ``end_date`` follow from ``start`` and ``end``, so they are never passed; the
    table has ``start_date`` and ``end_date`` only (names no SQL dialect reserves).
    """

    item_id: str
    document_id: str
    text: str
    start: dt.date | None = field(default=None, metadata=NOT_A_COLUMN)
    end: dt.date | None = field(default=None, metadata=NOT_A_COLUMN)
    start_date: dt.date | None = field(init=False, default=None)
    end_date: dt.date | None = field(init=False, default=None)
    precision: Precision | None = None
    ongoing: bool = False
    tbc: bool = False
    uncertain: bool = False
    qualifier: str | None = None
    location: str | None = None
    recurrence: str | None = None
    edtf: str | None = None
    inherited: bool = False
    parsed: bool = field(init=False, default=False)
    duration: str | None = None
    relative_to: str | None = None
    revised_from: str | None = None
    inherited_from: InheritedFrom | None = None
    in_text: bool = False  # the phrase is in the item's own sentence, not a timeline cell

    def __post_init__(self) -> None:
        object.__setattr__(self, "parsed", self.start is not None or self.end is not None)
        object.__setattr__(self, "start_date", self.start)
        object.__setattr__(self, "end_date", self.end)
        _enums(self, precision=Precision, inherited_from=InheritedFrom)


@dataclass(frozen=True, kw_only=True)
class FundingRow:
    """One row of the ``funding`` table: an item's funding text as printed (its names: ``FundingAgencyRow``)."""

    item_id: str
    document_id: str
    text: str
    inherited: bool = False
    inherited_from: InheritedFrom | None = None

    def __post_init__(self) -> None:
        _enums(self, inherited_from=InheritedFrom)


@dataclass(frozen=True, kw_only=True)
class FundingAgencyRow:
    """One row of the ``funding_agencies`` table: a name in a funding cell, ``role`` "funder" (provides the
    resources) or "named" (only mentioned); ``org_id`` is minted across the whole run by the store."""

    item_id: str
    document_id: str
    agency_text: str
    agency_id: str | None = None
    role: FundingRole
    is_group: bool = False
    inherited: bool = False
    org_id: str | None = None

    def __post_init__(self) -> None:
        _enums(self, role=FundingRole)


@dataclass(frozen=True)
class ErrorItem:
    """A problem met while processing one document (document-level) or one item (warning)."""

    source_file: str
    stage: str  # a Stage value
    error_type: str  # an ErrorType value
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
    edition_score: float | None = None  # how far the anchors follow the original's (pipeline/editions.py)
    edition_method: str | None = None  # why: "anchor_lcs: 153 of 180 anchors in order (41 by chance)"
    pages: int | None = None
    items: list[WorkItem] = field(default_factory=list)
    leads: list[LeadRow] = field(default_factory=list)
    timelines: list[TimelineRow] = field(default_factory=list)
    funding: list[FundingRow] = field(default_factory=list)
    funding_agencies: list[FundingAgencyRow] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)
    warnings: list[ErrorItem] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # time spent per stage: extract, assemble, normalize
    anchors: list[str] = field(default_factory=list)  # what survives translation, in order (pipeline/anchors.py)
