"""General structure recognition: outline nodes -> candidate work items -> fields -> scored decision.

Each stage is a plain function over the outline (``build_outline``): ``node_roles`` tells each place's section
role; ``candidates_of`` proposes every list item, table body row, heading, label block and committing prose
sentence (builders in ``pipeline/candidates.py`` and ``pipeline/table_candidates.py``) with the label lines,
table cells and prose leads around them as fields; ``join_keyed_rows``, ``mark_definition_lists`` and
``fill_context_timelines`` refine them; ``decide`` keeps those whose general signals (section role, fields,
form, numbering) score above a threshold; ``place_block_leads`` gives lead blocks to the kept items. Nothing
here knows a particular document.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.candidates import (
    ROLE_KEYS,
    Candidate,
    fill_context_timelines,
    give_field,
    heading_candidate,
    is_period_title,
    key_of,
    list_candidate,
    numbered_work,
    owner_of,
    prose_candidates,
    reading_language,
)
from pipeline.core.enums import BlockKind, Role
from pipeline.core.records import LeadText
from pipeline.decision import Model, active_model, build_context, candidate_features
from pipeline.outline import Node
from pipeline.table_candidates import card_fields, table_candidates
from pipeline.vocabulary import (
    commits,
    committed_subject,
    field_of,
    lead_in_prose,
    names_aims,
    owner_label,
    present_subject,
    section_role,
    split_field_line,
    subject_lead,
)

THRESHOLD = 0.5
NEAR = 0.2  # how far below the threshold a near miss may score
_LABEL_MAX = 40  # a label line ("Activities:"), not a sentence that happens to end with a colon
_INTRO_MAX = 80  # a longer "...:" lead-in is a sentence: its words are incidental, not a section label

def node_roles(nodes: list[Node]) -> list[int]:
    """Role of each node's place: the innermost heading or list intro whose words tell (+1 work, -1 other).

    A heading that repeats an item of an earlier work list ("Workstreams: * Stability" ... "## Stability")
    opens that item's detail section, so it is work too, whatever its words.
    """
    own = [section_role(n.text) if n.is_heading or n.text.endswith((":", "：")) and len(n.text) <= _INTRO_MAX else 0
           for n in nodes]
    # a heading numbered as one of a kind of work or group ("Thematic Priority 2: ...") is work by its label, whatever
    # words its title holds ("... objectifs de développement durable")
    own = [1 if n.is_heading and numbered_work(n.text) else r for r, n in zip(own, nodes, strict=True)]
    # a heading that is a period ("2024", "2025 - 2027", "Q3 2024") opens what is planned for it, whatever the
    # heading above it calls its lists ("Objectifs par année")
    own = [1 if r <= 0 and n.is_heading and is_period_title(n.text) else r for r, n in zip(own, nodes, strict=True)]
    title = _title_heading(nodes)
    if title is not None:
        own[title] = 0  # "Open Data Policy – Implementation Plan" over "1.0 ...", "2.0 ...": the whole plan's name
    if not any(r > 0 for r in own):  # no section of work: the plan's aims are its items
        own = [1 if r < 0 and names_aims(n.text) else r for r, n in zip(own, nodes, strict=True)]
    roles = _inherit(nodes, own)
    listed: dict[str, int] = {}
    for n in nodes:
        if n.kind is BlockKind.LIST_ITEM and roles[n.index] > 0:
            listed.setdefault(key_of(n.text), n.index)
    # the overview comes first: a later list naming an earlier heading ("Future topics: * <heading>") recalls it
    echoes = [n.index for n in nodes if n.is_heading and own[n.index] == 0
              and listed.get(key_of(n.text), n.index) < n.index]
    for i in echoes:
        own[i] = 1
    return _inherit(nodes, own) if echoes else roles

_SECTION_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+\S")


def _title_heading(nodes: list[Node]) -> int | None:
    """The document's first heading when the headings after it at its own level are numbered sections ("1.0 ...",
    "2. ..."): it names the whole document, not one of its sections."""
    headings = [n for n in nodes if n.is_heading]
    if len(headings) < 3 or _SECTION_NUMBER.match(headings[0].text):
        return None
    level = headings[0].level
    same = [n for n in headings[1:] if n.level == level]
    return headings[0].index if len(same) >= 2 and all(_SECTION_NUMBER.match(n.text) for n in same) else None


def _inherit(nodes: list[Node], own: list[int]) -> list[int]:
    roles = []
    for n in nodes:
        role = own[n.intro] if n.intro is not None else 0
        outer = nodes[n.intro].intro if n.intro is not None else None
        if not role and outer is not None:
            role = own[outer]  # a list under an item of a run that "Activities:" introduces
        if not role and n.parent is not None and nodes[n.parent].kind is BlockKind.LIST_ITEM \
                and own[n.parent] < 0:
            role = own[n.parent]  # a lead-in bullet over its sub-list naming no work ("Topics for discussion:")
        if not role:
            role = next((own[h] for h in reversed(n.headings) if own[h]), 0)
        roles.append(role)
    return roles

def candidates_of(nodes: list[Node], roles: list[int],
                  block_leads: list[tuple[Candidate | None, LeadText]] | None = None) -> list[Candidate]:
    """Every node that could be a work item, in reading order; label lines become fields, not candidates.

    ``block_leads`` collects the leads printed under a lead-label heading ("¿Quién ejecuta?" then a paragraph
    naming the body), with the candidate that heads their block if any: they are placed after the decision,
    when it is known which candidates are items."""
    out: list[Candidate] = []
    by_node: dict[int, Candidate] = {}
    heading_owner: dict[int, Candidate] = {}
    label_headings: dict[int, tuple[str, str]] = {}  # a heading that is a field label ("¿Quién ejecuta?")
    seen_labels: set[int] = set()
    owners: dict[int, str] = {}  # list lines that only name an owner, by node
    tops = Counter(_shape(n.text) for n in nodes if n.is_heading and n.level <= 1 and not n.headings)
    repeated = {shape for shape, count in tops.items() if count >= 2}
    for n in nodes:
        section = nodes[n.headings[-1]].text if n.headings else None
        owner = owner_of(n, by_node, heading_owner)
        if n.kind is BlockKind.HEADING:
            label = split_field_line(n.text + (" " if n.text.rstrip().endswith("?") else ": "))
            if label is not None and label[0] in ("lead", "co-lead") and not label[2]:
                label_headings[n.index] = (label[0], label[1])
                continue
            cand = heading_candidate(n, roles[n.index], section, repeated_top=_shape(n.text) in repeated)
            if cand is not None:
                subject = committed_subject(cand.text)
                if subject:  # "Action 04: Cabinet Office will support ...": the body the heading commits
                    cand.leads.append(LeadText(subject, Role.LEAD))
                cand.parent = next((heading_owner[h] for h in reversed(n.headings) if h in heading_owner), None)
                heading_owner[n.index] = cand
                by_node[n.index] = cand
                out.append(cand)
            continue
        if n.kind is BlockKind.TABLE:
            fields = card_fields(n)
            if fields is not None:  # a label/value card: the fields of the item it sits under, no items of its own
                for name, value in fields:
                    card_line = split_field_line(f"{name}: {value}")
                    if card_line is not None and owner is not None:
                        give_field(owner, *card_line, n)
                if owner is not None:
                    owner.card = True
                continue
            rows = table_candidates(n, roles[n.index], section, owner)
            for cand in rows:  # "The Office of Research Services will explore ...": a row naming no lead of its own
                subject = committed_subject(cand.text) if not cand.leads else None
                if subject:
                    cand.leads.append(LeadText(subject, Role.LEAD))
            out.extend(rows)
            continue
        under = label_headings.get(n.headings[-1]) if n.headings else None
        label = split_field_line(n.text)
        if under is not None and label is None and n.kind is BlockKind.PARAGRAPH:
            if n.headings[-1] not in seen_labels and block_leads is not None:
                seen_labels.add(n.headings[-1])
                block_leads.append((owner, LeadText(" ".join(n.text.split()), ROLE_KEYS[under[0]])))
            continue
        if label is not None and n.kind is not BlockKind.HEADING:
            give_field(owner, *label, n)
            continue
        if n.kind is BlockKind.LIST_ITEM:
            named = owner_label(n.text)
            if named and n.index + 1 < len(nodes) and nodes[n.index + 1].parent == n.index:
                owners[n.index] = named  # "Steve:" over Steve's tasks: the owner of the items under it
                continue
            if n.children and is_period_title(n.text):
                continue  # "* March - May 2015" over its tasks: their period, not an item
            cand = list_candidate(n, roles[n.index], section)
            if cand is None:
                continue
            if n.parent in owners and not cand.leads:
                cand.leads.append(LeadText(owners[n.parent], Role.LEAD))
            if not cand.leads:  # "Government Digital Service will:" over the list, or "Digital Leaders will lead ...",
                # or "..., led by Hugging Face: ..."
                subject = _intro_subject(nodes, n) or committed_subject(cand.text) or lead_in_prose(cand.text) \
                    or present_subject(cand.text)
                if subject:
                    cand.leads.append(LeadText(subject, Role.LEAD))
            for line in n.text.split("\n")[1:]:  # "Timeline: Q2 2021" on a line of the item's own
                field_line = split_field_line(line.strip())
                if field_line is not None:
                    give_field(cand, *field_line, n)
            cand.parent = by_node.get(n.parent) if n.parent is not None else owner
            if cand.parent is not None:
                cand.parent.has_children = True
            by_node[n.index] = cand
            out.append(cand)
            continue
        if n.kind is BlockKind.PARAGRAPH and (_in_label_run(nodes, n) or _in_code_run(nodes, n)):
            cand = list_candidate(n, roles[n.index], section)  # "D1.2 Project evaluation report" in a run
            if cand is not None:
                cand.parent = owner
                by_node[n.index] = cand
                out.append(cand)
                continue
        out.extend(prose_candidates(n, roles[n.index], section, owner))
    return out


_CODE = re.compile(r"^([A-Z]{1,4})?(\d{1,2}(?:\.\d{1,2}){0,2})[.:]?\s+\S")


def _in_label_run(nodes: list[Node], n: Node) -> bool:
    """A paragraph of a run that a short label naming work introduces ("Activities:" then one paragraph per
    activity); a lone field label ("Timeline") is none."""
    intro = nodes[n.intro].text if n.intro is not None else ""
    return len(intro) <= _LABEL_MAX and section_role(intro) > 0 and len(n.text) > 3 \
        and not (len(n.text.split()) <= 4 and field_of(n.text))


def _code_shape(text: str) -> tuple[str, int] | None:
    """The letters and depth of a line's opening code ("D1.2" -> ("D", 2), "WP3" -> ("WP", 1)); None for a plain
    number ("12."), which numbers paragraphs of prose, or for a long paragraph."""
    match = _CODE.match(text)
    if not match or len(text) > 300 or not (match.group(1) or "." in match.group(2)):
        return None
    return match.group(1) or "", match.group(2).count(".") + 1


def _in_code_run(nodes: list[Node], n: Node) -> bool:
    """A paragraph opening with a code like the paragraph before or after it ("D1.1 ...", "D1.2 ..."): one line
    of a coded list a PDF printed without bullets."""
    shape = _code_shape(n.text)
    if shape is None:
        return False
    near = [nodes[i] for i in (n.index - 1, n.index + 1) if 0 <= i < len(nodes)]
    return any(m.kind is BlockKind.PARAGRAPH and _code_shape(m.text) == shape for m in near)


def _shape(text: str) -> str:
    """A heading's form, its numbers and words after the first left out: "Milestone 3" -> "milestone #"."""
    words = text.split()
    return (words[0].lower() if words else "") + (" #" if re.search(r"\d", text) else "")


def _intro_subject(nodes: list[Node], n: Node) -> str | None:
    """The body a list's lead-in commits ("Government Digital Service will:", "The Secretariat shall:")."""
    for i in (n.intro, n.parent):
        if i is not None:
            text = nodes[i].text.strip()
            if text.endswith((":", "：")) and len(text) <= _INTRO_MAX and commits(text[:-1]):
                return subject_lead(text[:-1])
    return None


def place_block_leads(kept: list[Candidate], block_leads: list[tuple[Candidate | None, LeadText]]) -> None:
    """Each lead block's lead goes to the kept item heading its block. A block whose heading is not a kept item,
    or heads several lead blocks (a chapter over its commitments), gives its lead to no item: the pipeline does
    not guess which item it belongs to."""
    alive = {id(c) for c in kept}
    shared = Counter(id(owner) for owner, _ in block_leads if owner is not None)
    for owner, lead in block_leads:
        if owner is not None and id(owner) in alive and shared[id(owner)] == 1:
            owner.leads.append(lead)


_DEFINITION = re.compile(r"^([^\d\-–:=]{2,40}?)\s[-–]\s\S")

def mark_definition_lists(cands: list[Candidate], nodes: list[Node]) -> list[Candidate]:
    """Sibling bullets that all read "Term - what it means" ("OSS Consumer - Downstream enterprise defenders")
    define terms (personas, roles, a glossary): they are not work, so they lose the list's benefit of doubt."""
    runs: dict[tuple, list[Candidate]] = {}
    for cand in cands:
        n = nodes[cand.node]
        if cand.method == "list_item" and cand.ref is None:
            runs.setdefault((n.parent, n.intro, n.headings[-1:] , n.level), []).append(cand)
    for run in runs.values():
        heads = [_DEFINITION.match(c.text) for c in run]
        if len(run) >= 3 and all(h and len(h.group(1).split()) <= 4 for h in heads):
            for cand in run:
                cand.definition = True
    return cands


def drop_overview_echoes(cands: list[Candidate]) -> list[Candidate]:
    """An overview list naming the sections that follow ("Workstreams: * Collector v1.0" ... "### Collector v1.0"):
    each section's heading is the item, with the details under it, so the overview's line is not a second one."""
    headed = {key_of(c.text) for c in cands if c.method == "heading" and c.ref is None}
    echoes = {id(c) for c in cands if c.method == "list_item" and key_of(c.text) in headed}
    if not echoes:
        return cands
    out = [c for c in cands if id(c) not in echoes]
    for cand in out:
        while cand.parent is not None and id(cand.parent) in echoes:
            cand.parent = cand.parent.parent
    return out

_TAG = re.compile(r"\s*[(\[]([^()\[\]]{2,30})[)\]]\s*$")


def strip_shared_tags(cands: list[Candidate], nodes: list[Node]) -> list[Candidate]:
    """A bracketed tag closing every one of three or more sibling titles ("... (Pre-contracted)") is a status or
    category printed on all of them, not part of any title: it is taken off."""
    runs: dict[tuple, list[Candidate]] = {}
    for cand in cands:
        if cand.method in ("heading", "list_item"):
            n = nodes[cand.node]
            runs.setdefault((cand.method, n.headings[-1:], n.parent, n.level), []).append(cand)
    for run in runs.values():
        tags = Counter(m.group(1).strip().lower() for c in run if (m := _TAG.search(c.text)))
        if not tags:
            continue
        tag, count = tags.most_common(1)[0]
        if count >= 3 and count >= 0.6 * len(run):
            for cand in run:
                m = _TAG.search(cand.text)
                if m and m.group(1).strip().lower() == tag and m.start() > 0:
                    cand.text = cand.text[:m.start()].rstrip()
    return cands


def join_keyed_rows(cands: list[Candidate]) -> list[Candidate]:
    """A table row naming an item listed before (a milestone table, a budget table) gives that item its
    dates, leads and amounts instead of standing as an item of its own; a row over rows of its own (an output
    over its activities) stands whatever it names."""
    earlier: dict[str, Candidate] = {}
    out = []
    for cand in cands:
        key = key_of(cand.text)
        target = earlier.get(key) if cand.method == "table_row" else None
        if target is None and cand.method == "table_row":
            target = next((c for k, c in earlier.items() if len(key) >= 8 and (k.startswith(key) or key.startswith(k))
                           and min(len(k), len(key)) >= 0.6 * max(len(k), len(key))), None)
        if target is not None and target.method != "table_row" and not cand.has_children:
            target.timeline = target.timeline or cand.timeline
            target.funding = target.funding or cand.funding
            target.leads = target.leads or cand.leads
            continue
        if cand.method != "table_row":
            earlier.setdefault(key, cand)
        out.append(cand)
    return out

def score(cand: Candidate, doc_has_roles: bool) -> float:
    """Confidence from general signals: the section's role, the candidate's form and its fields."""
    base = {"table_row": 0.5, "list_item": 0.45, "heading": 0.3, "label_block": 0.55, "prose_sentence": 0.25}
    s = base[cand.method]
    if cand.role > 0:
        s += 0.3
    elif cand.role < 0:
        s -= 0.6
    elif not doc_has_roles:
        s += 0.1  # a plan whose headings name no section kinds: its lists are its items
    if cand.timeline or cand.leads:
        s += 0.2
    if cand.numbered:
        s += 0.1
    if cand.method == "heading":
        s += 0.15 if cand.has_children else -0.2
    if cand.text.endswith("?"):
        s -= 0.4
    if cand.definition:
        s -= 0.5
    words = len(cand.text.split())
    if words > 80:
        s -= 0.2
    return round(max(0.0, min(1.0, s)), 2)

def candidate_scores(cands: list[Candidate], doc_has_roles: bool, nodes: list[Node],
                     model: Model | None) -> list[dict[str, float]]:
    """Each candidate's features; its ``score`` set to the fitted model's probability (the hand score where no
    model is fitted yet)."""
    ctx = build_context(cands, nodes, doc_has_roles)
    feats = []
    bodies: dict[int, list[bool]] = {}  # heading level -> whether each heading candidate of it has items under it
    for cand in cands:
        if cand.method == "heading":
            bodies.setdefault(nodes[cand.node].level, []).append(cand.has_children)
    for i, cand in enumerate(cands):
        rule = score(cand, doc_has_roles)
        level = bodies.get(nodes[cand.node].level, []) if cand.method == "heading" else []
        bare = cand.node + 1 >= len(nodes) or nodes[cand.node + 1].is_heading  # a heading with no text of its own
        if bare and not cand.has_children and cand.role > 0 and len(level) >= 3 and sum(level) * 2 >= len(level):
            # a bare heading at the level whose headings mostly head their own items (a roadmap's features, some
            # with bullets, some without): one of them, not a section title
            rule = min(1.0, rule + 0.2)
        f = candidate_features(cand, i, cands, ctx, rule)
        feats.append(f)
        cand.score = round(model.probability(f), 3) if model is not None else rule
    return feats


def decide(cands: list[Candidate], doc_has_roles: bool, nodes: list[Node],
           model: Model | None = None, at_least_one: bool = False) -> list[Candidate]:
    """Keep candidates whose score reaches the model's threshold; a dropped parent hands its children to its own
    parent. With ``at_least_one`` (no other reader found items), a plan where none reaches it keeps its near misses
    (list items, rows, headings within ``NEAR`` of the threshold, their low scores kept as their confidence): a
    plan read as having no item at all is the worse error.

    Parallel headings (the terms of one definition list, the sub-headings of one section) are alike: when most
    of a run of three or more is kept, the rest of the run is kept too unless it scores far lower."""
    threshold = model.threshold if model is not None else THRESHOLD
    candidate_scores(cands, doc_has_roles, nodes, model)
    runs: dict[tuple, list[Candidate]] = {}
    for cand in cands:
        if cand.method == "heading":
            n = nodes[cand.node]
            runs.setdefault((n.headings[-1:], n.level), []).append(cand)
    for run in runs.values():
        kept_share = sum(c.score >= threshold for c in run) / len(run)
        if len(run) >= 3 and kept_share >= 0.5:
            for cand in run:
                if threshold - 0.2 <= cand.score < threshold:
                    cand.score = threshold
    kept = [cand for cand in cands if cand.score >= threshold]
    if not kept and at_least_one:
        kept = [c for c in cands if c.score >= threshold - NEAR and c.method != "prose_sentence"]
    alive = {id(c) for c in kept}
    for cand in kept:
        parent = cand.parent
        while parent is not None and id(parent) not in alive:
            parent = parent.parent
        cand.parent = parent
    return kept


def propose(nodes: list[Node], lang: str = "en") -> tuple[list[Candidate], list[tuple[Candidate | None, LeadText]],
                                                          bool]:
    """Every candidate of an outline with its fields, the lead blocks to place, and whether any heading names
    a kind of section. ``lang`` is the document's language (its dates are read with that language's words)."""
    with reading_language(lang):
        return _propose(nodes)


def _lead_in_other(cand: Candidate) -> bool:
    """A bullet over a sub-list whose words name another kind of section ("Topics for discussion:")."""
    return cand.has_children and section_role(cand.text) < 0


def _propose(nodes: list[Node]) -> tuple[list[Candidate], list[tuple[Candidate | None, LeadText]], bool]:
    roles = node_roles(nodes)
    block_leads: list[tuple[Candidate | None, LeadText]] = []
    cands = mark_definition_lists(join_keyed_rows(candidates_of(nodes, roles, block_leads)), nodes)
    strip_shared_tags(cands, nodes)
    # minutes that gather their actions under an action-items heading repeat there what their notes mark
    # (a list under that heading introduced as something else, "Topics for discussion:", gathers no action)
    listed = {id(c) for c in cands if c.action and not c.marked and c.role >= 0 and not _lead_in_other(c)
              and not c.text.endswith(("?", "？"))}
    marks = any(c.marked for c in cands)
    for cand in cands:
        if cand.action and (not cand.marked or not listed) and (cand.marked or id(cand) in listed):
            cand.role = 1  # marked as an agreed action ("ACTION: ..."), also inside the notes of minutes
        elif cand.action and not cand.marked and _lead_in_other(cand):
            cand.role = -1  # under "Actions": a lead-in naming something else ("Topics for discussion:")
        elif cand.role < 0 and cand.card and (cand.leads or cand.timeline):
            cand.role = 0  # a task card (its own label/value table naming a lead or a date) under "Introduction"
        elif marks and not cand.action and cand.method == "list_item" and cand.role == 0:
            cand.role = -1  # notes whose writer marks each agreed action: an unmarked line is discussion
    fill_context_timelines(cands, nodes)
    return cands, block_leads, any(r > 0 for r in roles)


def recognise(nodes: list[Node], model: Model | None = None, vetoed: set[int] | None = None,
              lang: str = "en", at_least_one: bool = False) -> list[Candidate]:
    """The kept candidates of an outline, parents linked, in reading order (``model``: the shipped one unless
    given, as when fitting leaves a document out). ``vetoed``, if given, receives the nodes whose every
    candidate the fitted probability rules out (under the model's veto); ``at_least_one``: see ``decide``."""
    model = model or active_model()
    cands, block_leads, doc_has_roles = propose(nodes, lang)
    kept = drop_overview_echoes(decide(cands, doc_has_roles, nodes, model, at_least_one))
    if vetoed is not None and model is not None:
        best: dict[int, float] = {}
        for cand in cands:
            best[cand.node] = max(best.get(cand.node, 0.0), cand.score)
        vetoed.update(node for node, score in best.items() if score < model.veto)
    place_block_leads(kept, block_leads)
    describe_headings(kept, nodes)
    return kept


_DESCRIPTION_MAX = 2000


def describe_headings(kept: list[Candidate], nodes: list[Node]) -> None:
    """A kept heading's own paragraphs (up to the next heading, none of them an item) are its description."""
    taken = {c.node for c in kept}
    for cand in kept:
        if cand.method != "heading" or cand.description:
            continue
        paragraphs = [n.text for n in nodes[cand.node + 1:] if n.headings[-1:] == (cand.node,)
                      and n.kind is BlockKind.PARAGRAPH and n.index not in taken]
        text = " ".join(" ".join(paragraphs).split())
        if text:
            cand.description = text[:_DESCRIPTION_MAX]
