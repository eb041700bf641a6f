"""Normalisation of assembled items: timeline intervals, lead agencies and funders, as table rows."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import TypeVar

from normalizers import normalize_timeline, resolve_agencies, split_funders
from normalizers.agencies import MAX_CELL_CHARS
from normalizers.timeline import MAX_TIMELINE_CHARS
from pipeline.core.enums import LEAD_ROLES, ErrorType, FundingRole, InheritedFrom, Role, Scope, Stage
from pipeline.core.records import (
    AgencyMention,
    ErrorItem,
    FundingAgencyRow,
    FundingRow,
    LeadRow,
    Timeline,
    TimelineRow,
    WorkItem,
)
from pipeline.fragments import is_placeholder

R = TypeVar("R", TimelineRow, FundingRow)


@dataclass
class NormalizedRows:
    """Rows for the leads, timelines, funding and funding_agencies tables, plus item-level warnings."""

    leads: list[LeadRow] = field(default_factory=list)
    timelines: list[TimelineRow] = field(default_factory=list)
    funding: list[FundingRow] = field(default_factory=list)
    funding_agencies: list[FundingAgencyRow] = field(default_factory=list)
    warnings: list[ErrorItem] = field(default_factory=list)
    unresolved: set[str] = field(default_factory=set)
    unparsed: set[str] = field(default_factory=set)


def items_to_rows(items: list[WorkItem], source_file: str, lang: str, context_year: int | None) -> NormalizedRows:
    """Normalise every item's raw timeline, leads and funding.

    ``items_to_rows([item], "wg6.txt", "en", 2019).timelines[0].start`` -> ``date(2019, 12, 16)``
    for an item whose timeline text is "16/12/2019 Early 2/2020".
    """
    out = NormalizedRows()
    for item in items:
        if item.timeline_text:
            timeline_row(item, lang, context_year, source_file, out)
        else:
            dated_in_text(item, lang, context_year, out)
        for lead in item.leads:
            lead_rows(item, lead.text, lead.role, lead.inherited, lead.scope, lang, source_file, out)
        if item.funding_text:
            funding_row(item, lang, out)
    out.timelines += rows_from_parents(items, out.timelines)
    out.funding += rows_from_parents(items, out.funding)
    return out


def dated_in_text(item: WorkItem, lang: str, context_year: int | None, out: NormalizedRows) -> None:
    """An item whose own sentence says when ("... capacity-building activities throughout 2022-2024"): the phrase
    is its timeline (``in_text`` true). Only a phrase that says when the work happens counts (throughout, by,
    from, until a date, or a quarter, month or day); a bare year in passing ("the 2020 census data")
    does not."""
    t = timing_in_text(item.text, lang, context_year)
    if t is not None:
        out.timelines.append(timeline_to_row(item, t, inherited=False, in_text=True))


def timing_in_text(text: str, lang: str, context_year: int | None = None) -> Timeline | None:
    """When an item's own sentence says its work happens, if it says so: a phrase with "throughout", "by",
    "from", "until" or a quarter, month or day; not a bare year in passing, nor a date before the plan's year."""
    from normalizers import find_timeline_phrase

    phrase = find_timeline_phrase(text, lang)
    if not phrase:
        return None
    t = _widest_reading(text, phrase, lang, context_year)
    timed = t.ongoing or t.qualifier in ("by", "from", "within") or (
        t.precision is not None and t.precision.value in ("day", "week", "month", "quarter", "half")) or (
        t.precision is not None and t.precision.value == "year" and _after_preposition(text, phrase))
    if not (t.parsed and timed):
        return None
    if context_year and t.end and t.end.year < context_year:
        return None  # "(draft prepared at the workshop in May 2015)" in a 2016-2018 plan: background, not timing
    return t


def _after_preposition(text: str, phrase: str) -> bool:
    """A year the sentence says the work happens in ("... in 2018", "durante 2019", "在2020年"): the word before
    it is a preposition of time (labels.yaml ``year_prepositions``)."""
    from pipeline.labels import in_list

    at = text.find(phrase)
    if at <= 0:
        return False
    before = text[:at].rstrip()
    words = before.split()
    if not words:
        return False
    tail = [" ".join(words[-k:]) for k in (3, 2, 1) if len(words) >= k]
    return any(in_list(w.lower(), "year_prepositions") for w in tail) or (
        before[-1:] in ("在", "于") and not before[-1:].isascii())


def _widest_reading(text: str, phrase: str, lang: str, context_year: int | None):
    """The phrase with the words around it that still read as one timing: "durante todo el período" before
    "2022-2024", "整个期间" after it, which the phrase finder leaves out but which say "throughout"."""
    best = normalize_timeline(phrase, lang=lang, context_year=context_year)
    at = text.find(phrase)
    if at < 0 or best.ongoing or best.qualifier:
        return best
    before, after = text[:at].split(), text[at + len(phrase):]
    candidates = [" ".join(before[-k:]) + " " + phrase for k in range(1, min(4, len(before)) + 1)]
    candidates += [phrase + after[:k] for k in range(1, 5) if after[:k].strip() and not after[:k].isascii()]
    for wider in candidates:
        t = normalize_timeline(wider, lang=lang, context_year=context_year)
        if t.parsed and (t.start, t.end) == (best.start, best.end) and (t.ongoing or t.qualifier):
            return t
    return best


def timeline_to_row(item: WorkItem, t: Timeline, inherited: bool, in_text: bool) -> TimelineRow:
    """One ``timelines`` row of an item from its normalised Timeline: ``timeline_to_row(item,
    Timeline("Q2 2021", date(2021, 4, 1), date(2021, 6, 30), Precision.QUARTER), False, False).precision``
    -> ``"quarter"``; an inherited timeline (a merged cell) is ``inherited_from`` "row_above"."""
    return TimelineRow(
        item_id=item.item_id, document_id=item.document_id, text=t.text, start=t.start, end=t.end,
        precision=t.precision, ongoing=t.ongoing, tbc=t.tbc,
        uncertain=t.uncertain, qualifier=t.qualifier, location=t.location, recurrence=t.recurrence,
        edtf=t.edtf, inherited=inherited, duration=t.duration, relative_to=t.relative_to,
        revised_from=t.revised_from, inherited_from=InheritedFrom.ROW_ABOVE if inherited else None, in_text=in_text,
    )


def rows_from_parents(items: list[WorkItem], rows: list[R]) -> list[R]:
    """Rows for items that print no timeline (or funding) of their own but sit under an item that does: a
    deliverable under a dated activity is due when the activity is, so a filter on the table finds it.

    The copy says so: ``inherited`` true and ``inherited_from`` "parent" (a merged cell gives "row_above").
    """
    own = {row.item_id: row for row in rows}
    parents = {item.item_id: item.parent_id for item in items}
    out: list[R] = []
    for item in items:
        if item.item_id in own:
            continue
        parent = parents.get(item.item_id)
        while parent is not None and parent not in own:
            parent = parents.get(parent)
        if parent is not None:
            copy = replace(own[parent], item_id=item.item_id, inherited=True, inherited_from=InheritedFrom.PARENT)
            out.append(replace(copy, in_text=False) if isinstance(copy, TimelineRow) else copy)  # type: ignore[call-arg]
    return out


def timeline_row(item: WorkItem, lang: str, context_year: int | None, source_file: str, out: NormalizedRows) -> None:
    t = normalize_timeline(item.timeline_text, lang=lang, context_year=context_year)
    if len(item.timeline_text or "") > MAX_TIMELINE_CHARS:
        out.warnings.append(ErrorItem(source_file, Stage.NORMALIZE, ErrorType.TOO_LONG,
                                      f"timeline of item {item.ref or item.text[:40]!r} is "
                                      f"{len(item.timeline_text or '')} characters; the first {MAX_TIMELINE_CHARS} "
                                      f"were read", item.page))
    out.timelines.append(timeline_to_row(item, t, inherited=item.timeline_inherited, in_text=False))
    if not t.parsed and not t.tbc and not t.recurrence and not t.ongoing and not t.duration and not t.relative_to:
        out.unparsed.add(t.text)
        out.warnings.append(ErrorItem(source_file, Stage.NORMALIZE, ErrorType.UNPARSED_TIMELINE,
                                      f"timeline {t.text!r} of item {item.ref or item.text[:40]!r} gives no dates",
                                      item.page))


def lead_rows(item: WorkItem, text: str, role: Role, inherited: bool, scope: str, lang: str, source_file: str,
              out: NormalizedRows) -> None:
    base = LeadRow(item_id=item.item_id, document_id=item.document_id, agency_text=text, role=role,
                   inherited=inherited, scope=Scope(scope), source_text=text, source_role=role)
    if is_placeholder(text):  # "TBC", "Help Wanted": the lead is still to be found, no organisation
        out.leads.append(replace(base, placeholder=True))
        return
    mentions = _mentions(text, lang, role)
    if len(text) > MAX_CELL_CHARS and not inherited:  # names past the cap are not read (nor guessed at)
        out.warnings.append(ErrorItem(source_file, Stage.NORMALIZE, ErrorType.TOO_LONG,
                                      f"lead text of item {item.ref or item.text[:40]!r} is {len(text)} characters; "
                                      f"the first {MAX_CELL_CHARS} were read", item.page))
    listed = uncovered_names(text[:MAX_CELL_CHARS], mentions)  # "张师傅 周原野", "Ana, Ben": people, listed
    if mentions or len(listed) >= 2:
        mentions = mentions + listed
    else:
        out.leads.append(base)
    for m in mentions:
        # a name the resolver took from a lead cell keeps the cell's own role unless the words say otherwise
        own = m.role if m.role is not None and role in LEAD_ROLES else role
        proposed = own is Role.PROPOSED  # "UN-Habitat (proposed)": a lead still to be confirmed, still a lead
        out.leads.append(replace(base, agency_text=m.text, agency_id=m.agency_id,
                                 role=role if proposed else own, is_group=m.is_group, proposed=proposed))
        if m.agency_id is None and not m.is_group and m.text not in out.unresolved:
            out.unresolved.add(m.text)
            out.warnings.append(ErrorItem(source_file, Stage.NORMALIZE, ErrorType.UNRESOLVED_ORGANISATION,
                                          f"organisation {m.text!r} is not in normalizers/data/agencies.csv",
                                          item.page))


_PIECES = re.compile(r"\s*(?:[,;/、，；]|\s(?:and|y|et|e|и|و)\s)\s*|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def uncovered_names(text: str, mentions: tuple) -> tuple:
    """Names printed in a lead text that the resolver left out ("compiler" in "Team, compiler", "@darksonn"):
    every list piece that overlaps no mention is kept as a name of its own, so nothing printed is lost. Chinese
    names are listed with a space between them too ("张师傅 周原野")."""
    spans = [(m.start, m.end) for m in mentions if m.start is not None]
    out = []
    pos = 0
    for piece in _PIECES.split(text):
        start = text.find(piece, pos)
        pos = start + len(piece)
        name = piece.strip(" .()[]")
        words = name.split()
        if not (2 <= len(name) <= 80) or not (name[0].isalpha() or name[0] == "@") or is_placeholder(name):
            continue
        if len(words) > 4 or not (name[0].isupper() or name[0] == "@" or len(words) == 1):
            continue  # a clause of prose ("submissions for the sessions"), not a name
        if any(a < pos and start < b for a, b in spans):
            continue
        out.append(AgencyMention(text=name, start=start, end=pos))
    return tuple(out)


def funding_row(item: WorkItem, lang: str, out: NormalizedRows) -> None:
    """The funding row: funders (who provides the resources) apart from organisations only named
    ("IOM in consultation with ... e.g. WHO, ILO": IOM funds, WHO and ILO are named)."""
    text = item.funding_text or ""
    mentions = () if is_placeholder(text) else _mentions(text, lang, Role.FUNDER)
    funders, _ = split_funders(text, mentions, lang)
    inherited = item.funding_inherited
    out.funding.append(FundingRow(item_id=item.item_id, document_id=item.document_id, text=text, inherited=inherited,
                                  inherited_from=InheritedFrom.ROW_ABOVE if inherited else None))
    paying = {id(m) for m in funders}
    out.funding_agencies += [FundingAgencyRow(  # one row per name in the cell's order: flat for BI tools
        item_id=item.item_id, document_id=item.document_id, agency_text=m.text, agency_id=m.agency_id,
        role=FundingRole.FUNDER if id(m) in paying else FundingRole.NAMED, is_group=m.is_group, inherited=inherited,
    ) for m in mentions]


@functools.lru_cache(maxsize=4096)
def _mentions(text: str, lang: str, role: Role) -> tuple:
    """resolve_agencies, memoised: the same lead cell ("GMG Chair (UN Women)") recurs on dozens of rows."""
    return tuple(resolve_agencies(text, lang=lang, default_role=role))
