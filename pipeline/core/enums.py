"""The closed sets of values the records hold, as string enums: a member is its value wherever a string goes
(``f"{Role.CO_LEAD}"`` -> ``"co-lead"``, ``Role.CO_LEAD == "co-lead"``), so Parquet stores the value unchanged.

A field that some stage still fills with a plain string (a work item's ``method``, an error's ``stage`` and
``error_type``) is typed ``str`` on its record, and its comment names the enum listing the values it takes.
"""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """The file format a document was read from (``documents.format``)."""

    PDF = "pdf"
    MARKDOWN = "markdown"
    ASCIIDOC = "asciidoc"
    TEXT = "text"
    HTML = "html"
    DOCX = "docx"
    XLSX = "xlsx"
    ODT = "odt"
    ODS = "ods"


class BlockKind(StrEnum):
    """What a block of the document model is."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE = "table"


class ItemKind(StrEnum):
    """What a work item is (``work_items.kind``)."""

    PRIORITY_AREA = "priority_area"
    OUTPUT = "output"
    ACTIVITY = "activity"
    DELIVERABLE = "deliverable"
    MILESTONE = "milestone"


class Method(StrEnum):
    """How a work item was found (``work_items.method``): the form of the place it was read from."""

    TABLE_ROW = "table_row"
    LIST_ITEM = "list_item"
    HEADING = "heading"
    LABEL_BLOCK = "label_block"  # "Goal: ..." and the label lines under it
    PROSE_SENTENCE = "prose_sentence"  # a committing sentence of running text


class Precision(StrEnum):
    """The unit a timeline was printed in (``timelines.precision``)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    RANGE = "range"


class Role(StrEnum):
    """What a body named for an item does (``leads.role``, ``leads.source_role``)."""

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


class FundingRole(StrEnum):
    """What a body named in a funding cell does (``funding_agencies.role``)."""

    FUNDER = "funder"  # provides the resources
    NAMED = "named"  # only mentioned ("in consultation with ...")


class Scope(StrEnum):
    """Where a lead text governs from (``leads.scope``)."""

    CELL = "cell"  # the item's own cell or label line
    DOCUMENT = "document"  # a line for the whole document ("Lead agency: UNDP")
    GROUP = "group"  # a line for the group of items under one heading


class InheritedFrom(StrEnum):
    """Where an item's inherited timeline or funding comes from (``timelines.inherited_from``)."""

    ROW_ABOVE = "row_above"  # a merged cell
    PARENT = "parent"  # the item above it in the outline


class Status(StrEnum):
    """How a document's processing ended (``documents.status``): partial as soon as there is an error."""

    SUCCESS = "success"
    PARTIAL = "partial"
    FAILURE = "failure"


class Severity(StrEnum):
    """How bad a problem is (``errors.severity``)."""

    ERROR = "error"  # the document or a stage failed
    WARNING = "warning"  # an item-level problem; the item is kept
    INFO = "info"  # an entry of the raw folder not read on purpose


class Stage(StrEnum):
    """The stage a problem was met in (``errors.stage``)."""

    READ = "read"
    EXTRACT = "extract"
    ASSEMBLE = "assemble"
    NORMALIZE = "normalize"
    PROCESS = "process"  # the document's worker process was stopped


class ErrorType(StrEnum):
    """What went wrong (``errors.error_type``, and each ``PipelineError``'s ``category``)."""

    PIPELINE_ERROR = "pipeline_error"
    UNREADABLE = "unreadable"
    ENCRYPTED = "encrypted"
    EMPTY = "empty"
    UNSUPPORTED_FORMAT = "unsupported_format"
    NO_TEXT_LAYER = "no_text_layer"
    TOO_LARGE = "too_large"
    OUTSIDE_RAW_FOLDER = "outside_raw_folder"
    BROKEN_LINK = "broken_link"
    SERVER_UNAVAILABLE = "server_unavailable"
    EXPORT = "export"  # an export refused (never a row of ``errors``: the export command says it)
    TIMEOUT = "timeout"
    TOO_COMPLEX = "too_complex"
    INTERNAL_ERROR = "internal_error"
    FILE_NAME_NOT_UTF8 = "file_name_not_utf8"
    EXTRACT_WARNING = "extract_warning"
    LOST_CONTENT = "lost_content"
    NO_ITEMS = "no_items"
    UNKNOWN_TABLE_LAYOUT = "unknown_table_layout"
    TOO_LONG = "too_long"
    UNPARSED_TIMELINE = "unparsed_timeline"
    UNRESOLVED_ORGANISATION = "unresolved_organisation"
    SKIPPED_HIDDEN = "skipped_hidden"
