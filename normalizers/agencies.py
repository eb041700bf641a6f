"""Resolve the organisations named in a lead, members or funding cell to canonical agency ids."""

from __future__ import annotations

from collections.abc import Callable

from normalizers.agency_lexicon import agency_table
from normalizers.agency_steps import (
    CellText,
    Hit,
    absorb_owner_into_group,
    apply_cues,
    attach_parentheses,
    drop_represented,
    make_cell,
    match_known,
    merge_same_agency,
    merge_unit_into_owner,
)
from normalizers.agency_unknowns import add_unknown
from pipeline.core.enums import Role
from pipeline.core.records import AgencyMention

__all__ = ["resolve_agencies", "unresolved", "agency_table", "STEPS"]

# Order matters: name + acronym are merged and "(...)" read before leftovers are searched, so "(IOE)" and
# "(proposed)" are never taken for unknown organisations; cue words apply to unknown names too.
STEPS: tuple[Callable[[list[Hit], CellText], list[Hit]], ...] = (
    merge_same_agency,
    absorb_owner_into_group,
    attach_parentheses,
    add_unknown,
    merge_unit_into_owner,
    drop_represented,
    apply_cues,
)


MAX_CELL_CHARS = 5000  # names are read in at most this much of one cell: the work grows with its length


def resolve_agencies(text: str, lang: str = "en", default_role: Role | None = None) -> list[AgencyMention]:
    """Split a lead, members or funding cell into organisation mentions with canonical ids and roles.

    A leading "Co-leads:"-style label sets the role; "(proposed)", "Chair (X)", "co-Chairs" and
    "co-chaired by" set it per name; otherwise ``default_role`` applies. Groups ("WG co-Chairs",
    "GMG agencies") come back with ``is_group=True`` and no id; organisation-looking names not in
    ``agencies.csv`` come back with no id (see :func:`unresolved`).

    >>> [(m.agency_id, m.role.value) for m in resolve_agencies("GMG Chair (UNU), IOM and UNFPA", "en", Role.LEAD)]
    [('UNU', 'chair'), ('IOM', 'lead'), ('UNFPA', 'lead')]
    """
    cell = make_cell((text or "")[:MAX_CELL_CHARS], lang, default_role)
    hits = match_known(cell)
    for step in STEPS:
        hits = sorted(step(hits, cell), key=lambda h: (h.start, h.end))
    return [
        AgencyMention(text=cell.text[h.start:h.end], agency_id=h.agency_id,
                      role=h.role or cell.role, is_group=h.is_group, start=h.start, end=h.end)
        for h in hits
        if not h.silent
    ]


def unresolved(mentions: list[AgencyMention]) -> list[AgencyMention]:
    """The mentions that name an organisation missing from ``agencies.csv`` (for the run report).

    >>> [m.text for m in unresolved(resolve_agencies("Acme Foundation and IOM"))]
    ['Acme Foundation']
    """
    return [m for m in mentions if m.agency_id is None and not m.is_group]
