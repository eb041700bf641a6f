"""Work items while assembly fills them in, and the merge of the two readers' drafts, region by region."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.candidates import is_period_title, key_of, reading_language
from pipeline.core.enums import BlockKind, ItemKind
from pipeline.core.model import Block, Provenance
from pipeline.core.records import LeadText
from pipeline.outline import build_outline, node_of_provenance, regions
from pipeline.recognise import recognise


@dataclass
class Draft:
    """A work item while assembly is still filling it in."""

    kind: ItemKind
    text: str
    provenance: Provenance
    ref: str | None = None
    parent: Draft | None = None
    section: str | None = None
    block: str | None = None
    timeline_text: str | None = None
    timeline_inherited: bool = False
    funding_text: str | None = None
    funding_inherited: bool = False
    leads: list[LeadText] = field(default_factory=list)
    section_key: int = 0
    method: str = "list_item"
    confidence: float = 0.9
    description: str | None = None


def combine_readers(drafts: list[Draft], blocks: list[Block], group_leads: dict[int, list[LeadText]],
                    block: str | None, lang: str = "en") -> list[Draft]:
    """The layout rules' drafts plus the general recogniser's items, both read from one outline.

    Where the layout rules really read the document (``layout_read``), they keep every region (innermost
    section) they found items in and the recogniser adds items in the others; where they did not, their stray
    matches give way to the recogniser's items. Either way, a layout bullet with no field of its own whose line the
    fitted decision vetoed is dropped, unless items kept under it need it as their parent. ``block`` is the plan
    period given to the recogniser's items; ``lang`` the document's language.
    """
    nodes = build_outline(blocks)
    vetoed: set[int] = set()
    kept = recognise(nodes, vetoed=vetoed, lang=lang, at_least_one=not drafts)
    region = regions(nodes)
    where = node_of_provenance(nodes)
    legacy: dict[int, list[Draft]] = {}
    for draft in drafts:
        legacy.setdefault(region[where.get(draft.provenance, 0)], []).append(draft)
    read = layout_read(drafts, group_leads)
    drop: set[int] = set()
    for d in drafts:
        if read and d.method == "list_item" and not _fielded(d) and where.get(d.provenance) in vetoed:
            # a bullet the layout rules took, with no field of its own, that the fitted decision is sure is no item
            # (a discussion bullet of minutes under a numbered topic): that judgement stands
            drop.add(id(d))
    won = _tables_read_better(drafts, kept, nodes, where)
    drop.update(id(d) for d in drafts if where.get(d.provenance) in won)
    with reading_language(lang):  # period titles are read in the document's language
        won_regions = _regions_read_better(legacy, kept, region, group_leads, block)
    drop.update(id(d) for r in won_regions for d in legacy[r])
    for draft in drafts:  # a heading whose items stay (in a region of their own) stays with them
        parent = draft.parent if id(draft) not in drop else None
        while parent is not None:
            drop.discard(id(parent))
            parent = parent.parent
    made: dict[int, Draft] = {}
    added: list[Draft] = []
    for cand in kept:
        mine = legacy.get(region[cand.node], [])
        if read and cand.node not in won and region[cand.node] not in won_regions \
                and any(id(d) not in drop for d in mine):
            continue
        drop.update(id(d) for d in mine)  # stray matches of the layout rules in a document they do not read
        draft = Draft(cand.kind, " ".join(cand.text.split()), cand.provenance, ref=cand.ref,
                      parent=made.get(id(cand.parent)) if cand.parent is not None else None,
                      section=cand.section, block=cand.block or block, timeline_text=cand.timeline,
                      timeline_inherited=cand.timeline_inherited, funding_text=cand.funding,
                      funding_inherited=cand.funding_inherited, leads=list(cand.leads), section_key=-1,
                      method=cand.method, confidence=cand.score, description=cand.description)
        made[id(cand)] = draft
        added.append(draft)
    return [d for d in drafts if id(d) not in drop] + added


def _tables_read_better(drafts: list[Draft], kept: list, nodes: list, where: dict[Provenance, int]) -> set[int]:
    """Tables whose rows the recogniser read with more fields (leads, dates, amounts) than the layout rules did
    (owners named in the action text, several actions in one cell): its reading of them stands."""
    layout: dict[int, list[Draft]] = {}
    for d in drafts:
        node = where.get(d.provenance)
        if node is not None and nodes[node].kind is BlockKind.TABLE:
            layout.setdefault(node, []).append(d)
    mine: dict[int, list] = {}
    for cand in kept:
        if cand.node in layout:
            mine.setdefault(cand.node, []).append(cand)
    return {node for node, cands in mine.items() if _read_fields(cands) > _drafted_fields(layout[node])}


def _regions_read_better(legacy: dict[int, list[Draft]], kept: list, region: list[int],
                         group_leads: dict[int, list[LeadText]] | None = None, period: str | None = None) -> set[int]:
    """Sections where the recogniser read the layout rules' own items (hardly any other) and gave them more fields (a
    period bullet over its tasks dating each of them, where the layout rules dated the period line only): its
    reading of the section stands. The layout rules' group leads ("Co-leads: ..." and "Members: ..." over a working
    group) count as theirs; the plan's own period given to an item counts for neither."""
    mine: dict[int, list] = {}
    for cand in kept:
        mine.setdefault(region[cand.node], []).append(cand)
    won = set()
    for r, drafts in legacy.items():
        cands = mine.get(r, [])
        theirs = {key_of(d.text) for d in drafts}
        if not cands or any(d.method == "table_row" for d in drafts) \
                or sum(key_of(c.text) not in theirs for c in cands) > 0.05 * len(cands) \
                or len(cands) < 0.8 * sum(not is_period_title(d.text) for d in drafts):
            continue
        groups = {d.section_key for d in drafts}
        theirs_count = _drafted_fields(drafts) + sum(len((group_leads or {}).get(k, [])) for k in groups)
        if _read_fields(cands, period) > theirs_count:
            won.add(r)
    return won


def _read_fields(cands: list, period: str | None = None) -> int:
    """Leads, dates and amounts the recogniser attached to its items (a date that is only the plan's period, given
    to every item, tells nothing of any)."""
    return sum(len(c.leads) + bool(c.timeline and c.timeline != period and not c.timeline_inherited)
               + bool(c.funding and not c.funding_inherited) for c in cands)


def _drafted_fields(drafts: list[Draft]) -> int:
    """Leads, dates and amounts the layout rules attached to theirs."""
    # a value copied down from the row above (a merged cell, as the reader supposes) is no reading of its own
    return sum(len(d.leads) + bool(d.timeline_text and not d.timeline_inherited)
               + bool(d.funding_text and not d.funding_inherited) for d in drafts)


def _fielded(d: Draft, group_leads: dict[int, list[LeadText]] | None = None) -> bool:
    """An item with a field of its own (or, given ``group_leads``, of its group) or a table row."""
    return bool(d.timeline_text or d.leads or d.funding_text or d.method == "table_row"
                or group_leads is not None and group_leads.get(d.section_key))


def layout_read(drafts: list[Draft], group_leads: dict[int, list[LeadText]]) -> bool:
    """Whether the layout rules really read a document: their items carry a timeline, lead or funding
    cell (their own or their group's), or come from table rows with a recognised header."""
    return any(_fielded(d, group_leads) for d in drafts)
