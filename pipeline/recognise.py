"""General structure recognition: outline nodes -> candidate work items -> fields -> scored decision.

Each stage is a plain function over the outline (``build_outline``): ``candidates_of`` proposes every list
item, table body row, heading, label block and committing prose sentence; ``attach_fields`` gives them the
label lines, table cells and prose leads around them; ``decide`` keeps those whose general signals (section
role, fields, form, numbering) score above a threshold. Nothing here knows a particular document.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.labels import classify, in_list
from pipeline.model import BlockKind, Provenance, Row
from pipeline.outline import RUN_IN_LEVEL, Node
from pipeline.records import ItemKind, LeadText, Role
from pipeline.vocabulary import (
    commits,
    conditional_timing,
    lead_in_prose,
    names_section,
    section_role,
    split_duration,
    split_field_line,
)

THRESHOLD = 0.5
_INTRO_MAX = 80  # a longer "...:" lead-in is a sentence: its words are incidental, not a section label
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+(?=[A-ZÀ-ÖØ-ÞА-ЯЁ¿¡\"“(\u0600-\u06ff\u4e00-\u9fff])")
_REF = re.compile(
    r"^\s*((?:[A-Z]{1,4}\d{1,2}(?:\.\d{1,2})*)|(?:\d{1,2}(?:\.\d{1,2})+)|(?:#\s?\d{1,3})|(?:\(?[ivx]{1,5}\)))"
    r"(?=[\s:.)\-–])[\s:.)\-–]*",
)
_NUMBERED_HEADING = re.compile(r"^\s*\w[\w ]{0,24}?\s*(#\s?\d{1,3}|\d{1,3}(?:\.\d{1,2})*)\s*[-–:.]\s+(.{3,})$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_URL_ONLY = re.compile(r"^\W*(?:https?://|www\.)\S+\W*(?:[&,]\s*(?:https?://|www\.)\S+\W*)*$")
_HANDLE = re.compile(r"^@[\w-]+$")
_ROLE_KEYS = {"lead": Role.LEAD, "co-lead": Role.CO_LEAD, "partner": Role.PARTNER, "contact": Role.CONTACT}


@dataclass
class Candidate:
    """A possible work item and the evidence for it."""

    node: int
    method: str  # table_row | list_item | heading | label_block | prose_sentence
    text: str
    provenance: Provenance
    ref: str | None = None
    parent: Candidate | None = None
    section: str | None = None
    role: int = 0
    timeline: str | None = None
    leads: list[LeadText] = field(default_factory=list)
    funding: str | None = None
    numbered: bool = False
    has_children: bool = False
    definition: bool = False
    score: float = 0.0
    kind: ItemKind = ItemKind.ACTIVITY


# -- roles ------------------------------------------------------------------------------------------------
def node_roles(nodes: list[Node]) -> list[int]:
    """Role of each node's place: the innermost heading or list intro whose words tell (+1 work, -1 other).

    A heading that repeats an item of a work list ("Workstreams: * Stability" ... "## Stability") opens
    that item's detail section, so it is work too, whatever its words.
    """
    own = [section_role(n.text) if n.is_heading or n.text.endswith((":", "：")) and len(n.text) <= _INTRO_MAX else 0
           for n in nodes]
    roles = _inherit(nodes, own)
    listed = {_key(n.text) for n in nodes if n.kind is BlockKind.LIST_ITEM and roles[n.index] > 0}
    echoes = [n.index for n in nodes if n.is_heading and own[n.index] == 0 and _key(n.text) in listed]
    for i in echoes:
        own[i] = 1
    return _inherit(nodes, own) if echoes else roles


def _key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _inherit(nodes: list[Node], own: list[int]) -> list[int]:
    roles = []
    for n in nodes:
        role = own[n.intro] if n.intro is not None else 0
        if not role:
            role = next((own[h] for h in reversed(n.headings) if own[h]), 0)
        roles.append(role)
    return roles


# -- candidates -------------------------------------------------------------------------------------------
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
    for n in nodes:
        section = nodes[n.headings[-1]].text if n.headings else None
        owner = _owner(n, by_node, heading_owner)
        if n.kind is BlockKind.HEADING:
            label = split_field_line(n.text + (" " if n.text.rstrip().endswith("?") else ": "))
            if label is not None and label[0] in ("lead", "co-lead") and not label[2]:
                label_headings[n.index] = (label[0], label[1])
                continue
            cand = _heading_candidate(n, roles[n.index], section)
            if cand is not None:
                cand.parent = next((heading_owner[h] for h in reversed(n.headings) if h in heading_owner), None)
                heading_owner[n.index] = cand
                by_node[n.index] = cand
                out.append(cand)
            continue
        if n.kind is BlockKind.TABLE:
            out.extend(_table_candidates(n, roles[n.index], section, owner))
            continue
        under = label_headings.get(n.headings[-1]) if n.headings else None
        label = split_field_line(n.text)
        if under is not None and label is None and n.kind is BlockKind.PARAGRAPH:
            if n.headings[-1] not in seen_labels and block_leads is not None:
                seen_labels.add(n.headings[-1])
                block_leads.append((owner, LeadText(" ".join(n.text.split()), _ROLE_KEYS[under[0]])))
            continue
        if label is not None and n.kind is not BlockKind.HEADING:
            _give_field(owner, *label, n)
            continue
        if n.kind is BlockKind.LIST_ITEM:
            cand = _list_candidate(n, roles[n.index], section)
            if cand is None:
                continue
            for line in n.text.split("\n")[1:]:  # "Timeline: Q2 2021" on a line of the item's own
                field_line = split_field_line(line.strip())
                if field_line is not None:
                    _give_field(cand, *field_line, n)
            cand.parent = by_node.get(n.parent) if n.parent is not None else owner
            if cand.parent is not None:
                cand.parent.has_children = True
            by_node[n.index] = cand
            out.append(cand)
            continue
        out.extend(_prose_candidates(n, roles[n.index], section, owner))
    out = join_keyed_rows(out)
    mark_definition_lists(out, nodes)
    for cand in out:
        if cand.timeline is None:
            cand.timeline = _context_timeline(nodes, nodes[cand.node])
    return out


def place_block_leads(kept: list[Candidate], block_leads: list[tuple[Candidate | None, LeadText]]) -> None:
    """Each lead block's lead goes to the kept item heading its block. Blocks with no such item (their titles
    are not in the text, printed as images, while their lead labels are) are aligned with a numbered list
    before them (an index of commitments) that has exactly as many items: the k-th block's lead belongs to
    the k-th item."""
    alive = {id(c) for c in kept}
    shared = Counter(id(owner) for owner, _ in block_leads if owner is not None)
    leads = []
    for owner, lead in block_leads:
        # a heading over several lead blocks (a chapter over its commitments) is not the item of any of them
        if owner is not None and id(owner) in alive and shared[id(owner)] == 1:
            owner.leads.append(lead)
        else:
            leads.append(lead)
    if not leads:
        return
    cands = kept
    runs: dict[tuple, list[Candidate]] = {}
    for cand in cands:
        if cand.method == "list_item" and cand.ref and cand.ref.isdigit():
            runs.setdefault((id(cand.parent), cand.section), []).append(cand)
    for run in runs.values():
        numbers = [int(c.ref or 0) for c in run]
        if len(run) == len(leads) and numbers == list(range(1, len(run) + 1)):
            for cand, lead in zip(run, leads, strict=True):
                if not cand.leads:
                    cand.leads.append(lead)
            return


_DEFINITION = re.compile(r"^([^\d\-–:=]{2,40}?)\s[-–]\s\S")


def mark_definition_lists(cands: list[Candidate], nodes: list[Node]) -> None:
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


def drop_overview_echoes(cands: list[Candidate]) -> list[Candidate]:
    """An overview list naming the sections that follow ("Workstreams: * Collector v1.0" ... "### Collector v1.0"):
    each section's heading is the item, with the details under it, so the overview's line is not a second one."""
    headed = {_key(c.text) for c in cands if c.method == "heading" and c.ref is None}
    echoes = {id(c) for c in cands if c.method == "list_item" and _key(c.text) in headed}
    if not echoes:
        return cands
    out = [c for c in cands if id(c) not in echoes]
    for cand in out:
        while cand.parent is not None and id(cand.parent) in echoes:
            cand.parent = cand.parent.parent
    return out


def join_keyed_rows(cands: list[Candidate]) -> list[Candidate]:
    """A table row naming an item listed before (a milestone table, a budget table) gives that item its
    dates, leads and amounts instead of standing as an item of its own."""
    earlier: dict[str, Candidate] = {}
    out = []
    for cand in cands:
        key = _key(cand.text)
        target = earlier.get(key) if cand.method == "table_row" else None
        if target is None and cand.method == "table_row":
            target = next((c for k, c in earlier.items() if len(key) >= 8 and (k.startswith(key) or key.startswith(k))
                           and min(len(k), len(key)) >= 0.6 * max(len(k), len(key))), None)
        if target is not None and target.method != "table_row":
            target.timeline = target.timeline or cand.timeline
            target.funding = target.funding or cand.funding
            target.leads = target.leads or cand.leads
            continue
        if cand.method != "table_row":
            earlier.setdefault(key, cand)
        out.append(cand)
    return out


def _context_timeline(nodes: list[Node], n: Node) -> str | None:
    """A date printed once for a whole list: in its intro ("2025 Goals such as:") or its heading ("Q3 2024
    milestones")."""
    from normalizers import find_timeline_phrase

    lead_in = nodes[n.parent] if n.parent is not None and nodes[n.parent].text.endswith((":", "：")) else None
    places = ([nodes[n.intro]] if n.intro is not None else []) + ([lead_in] if lead_in else []) \
        + [nodes[h] for h in reversed(n.headings[-1:])]
    for place in places:
        if place.index == n.index or len(place.text) > 160:
            continue
        phrase = find_timeline_phrase(place.text)
        if phrase:
            return _period_core(phrase)
    return None


def _period_core(phrase: str) -> str:
    """A date labelling a list ("success through 2025 Goals such as:") names the list's period: a word
    the phrase finder took in front of it ("through") is not a deadline here."""
    from normalizers import normalize_timeline

    t = normalize_timeline(phrase)
    words = phrase.split()
    if (t.start is None or t.end is None) and len(words) > 1:
        core = " ".join(words[1:])
        c = normalize_timeline(core)
        if c.start is not None and c.end is not None:
            return core
    return phrase


def _owner(n: Node, by_node: dict[int, Candidate], heading_owner: dict[int, Candidate]) -> Candidate | None:
    """The candidate a label line or prose lead under ``n``'s place belongs to: its list parent, else the
    innermost heading that is a candidate."""
    if n.parent is not None and n.parent in by_node:
        return by_node[n.parent]
    return next((heading_owner[h] for h in reversed(n.headings) if h in heading_owner), None)


def _give_field(owner: Candidate | None, key: str, label: str, value: str, n: Node) -> None:
    if owner is None or not value:
        return
    if key in ("note", "other"):
        lead = lead_in_prose(value)  # "Note: This work is a joint deliverable with the X Working Group."
        if lead and not owner.leads:
            owner.leads.append(LeadText(lead, Role.LEAD))
        return
    if key == "timeline" and owner.timeline is None:
        owner.timeline = value
    elif key in _ROLE_KEYS:
        owner.leads.append(LeadText(" ".join(value.split()), _ROLE_KEYS[key]))
    elif key == "funding" and owner.funding is None:
        owner.funding = value


def _heading_candidate(n: Node, role: int, section: str | None) -> Candidate | None:
    """A heading is a candidate unless it names a kind of section itself ("Deliverables", "Background")."""
    if n.level <= 1 and not n.headings:
        return None  # the document's title
    if n.level == RUN_IN_LEVEL and n.block is not None and n.block.kind is not BlockKind.HEADING:
        return None  # a bold run-in label ("Software Functionality") groups items; it is none itself
    text, ref = n.text.rstrip(":："), None
    numbered = _NUMBERED_HEADING.match(text)
    if numbered:  # "Milestone #2 - v2 Cadastre UI", "Action 3: ..."
        ref, text = numbered.group(1).replace(" ", ""), numbered.group(2)
    else:
        if names_section(text):
            return None  # "Deliverables", "Background": it names a kind of section
        ref, text = _split_ref(text)
    if len(text) < 2 or text.endswith("?"):
        return None
    return Candidate(n.index, "heading", text, n.provenance, ref=ref, section=section, role=role,
                     numbered=ref is not None, kind=ItemKind.DELIVERABLE)


def _split_ref(text: str) -> tuple[str | None, str]:
    match = _REF.match(text)
    if match and len(text) > match.end() + 2:
        return match.group(1).strip(), text[match.end():].strip()
    return None, text


def _list_candidate(n: Node, role: int, section: str | None) -> Candidate | None:
    lines = n.text.split("\n")
    body = [lines[0]] + [ln for ln in lines[1:] if split_field_line(ln.strip()) is None]
    text = " ".join(" ".join(body).split())
    if not text or _URL_ONLY.match(text) or _HANDLE.match(text) or _EMAIL.search(text):
        return None  # a link, a handle or a contact person, not a work item
    timeline = None
    head, sep, tail = text.rpartition(":")
    if sep and head and tail.strip():
        tail = tail.strip()
        if in_list(tail, "status_words") or _status_note(tail):
            text = head.strip()  # "Complete transition to Conan: DONE": a status, not part of the item
        elif _is_timeline(tail) or in_list(tail, "placeholders"):  # "Guide published: TBC": date to come
            text, timeline = head.strip(), tail
    if timeline is None:
        first, sep, rest = text.partition(":")
        if sep and rest.strip() and _is_timeline(first) and len(first) < 30:
            timeline, text = first.strip(), rest.strip()
    ref = None
    if n.marker and n.marker[0].isalnum():
        ref = n.marker.rstrip(".")
    else:
        ref, text = _split_ref(text)
    text = _answer_of_question(text.rstrip(" ;；,:"))
    if timeline is None:
        timeline = split_duration(text)[1]  # "(2 weeks)" stays in the text as printed, and is its timeline
    if timeline is None:
        timeline = conditional_timing(text)
    if len(text) < 2:
        return None
    return Candidate(n.index, "list_item", text, n.provenance, ref=ref, section=section, role=role,
                     timeline=timeline, numbered=ref is not None)


def _answer_of_question(text: str) -> str:
    """"How do we ...? Ecosystem Leader": a framing question followed by a short title is that title."""
    question, sep, title = text.rpartition("? ")
    if sep and question and 0 < len(title.split()) <= 8 and title[:1].isupper() and not title.endswith((".", "?")):
        return title.strip()
    return text


def _status_note(tail: str) -> bool:
    """"mostly not DONE, some support for builds": a short note after a colon that states progress."""
    from pipeline.labels import labels, norm

    value = f" {norm(tail)} "
    return len(tail.split()) <= 12 and any(f" {norm(w)} " in value or f" {norm(w)}," in value
                                           for w in labels()["status_words"])


def _is_timeline(text: str) -> bool:
    """A short phrase that is a date, period or placeholder date ("Apr 2025", "Q1 2025", "Date TBD")."""
    from normalizers import normalize_timeline

    text = text.strip()
    if not text or len(text) > 40:
        return False
    t = normalize_timeline(text)
    if t.tbc:
        return True
    if not t.parsed:
        return False
    words = re.findall(r"[^\W\d_]{3,}", text)
    return len(words) <= 3


def _prose_candidates(n: Node, role: int, section: str | None, owner: Candidate | None) -> list[Candidate]:
    """Sentences of a paragraph: a lead named in prose goes to the owner; a committing sentence in a
    work section is a candidate ("Goal: ..." lines are label blocks)."""
    text = " ".join(n.text.split())
    first, sep, rest = text.partition(":")
    if sep and rest.strip() and len(first) < 30 and section_role(first) > 0:
        return [Candidate(n.index, "label_block", rest.strip(), n.provenance, section=section, role=max(role, 1))]
    out = []
    for sentence in _SENTENCE.split(text):
        lead = lead_in_prose(sentence)
        if lead and owner is not None and not owner.leads:
            owner.leads.append(LeadText(lead, Role.LEAD))
            continue
        if role > 0 and commits(sentence) and len(sentence) > 25 and not sentence.endswith(("?", ":")):
            out.append(Candidate(n.index, "prose_sentence", sentence, n.provenance, section=section, role=role,
                                 parent=owner))
    return out


# -- tables -----------------------------------------------------------------------------------------------
def column_roles(header: Row | None, body: list[Row]) -> dict[int, str]:
    """Each column's role from its header word (any language) and its cells: mostly timelines -> timeline,
    mostly names/handles -> lead, amounts -> funding, the longest free text -> item; the rest ``other``."""
    width = max(len(r.cells) for r in body)
    roles: dict[int, str] = {}
    for i in range(width):
        word = header.cells[i].text if header is not None and i < len(header.cells) else ""
        role = classify(word, "column_roles", prefix=True, suffix=True) if word else None
        if role is None and word:
            role = {"timeline": "timeline", "lead": "lead", "co-lead": "lead", "funding": "funding"}.get(
                _field_key(word) or "", None)
            if role is None and section_role(word) > 0:
                role = "activity"
        roles[i] = role or _content_role([r.cells[i].text for r in body if i < len(r.cells)])
    work = {"priority_area", "output", "activity", "deliverable", "milestone"}
    if not any(r in work for r in roles.values()):
        texts = {i: sum(len(r.cells[i].text) for r in body if i < len(r.cells)) for i in roles if roles[i] == "text"}
        if texts:
            roles[max(texts, key=texts.__getitem__)] = "activity"
    return {i: ("other" if r == "text" else r) for i, r in roles.items()}


def _field_key(word: str) -> str | None:
    from pipeline.vocabulary import field_of

    return field_of(word)


def _content_role(cells: list[str]) -> str:
    filled = [c for c in cells if c.strip()]
    if not filled:
        return "other"
    if sum(_is_timeline(c) for c in filled) * 2 > len(filled):
        return "timeline"
    if sum(bool(re.search(r"[$€£¥]\s?\d|\d\s?(?:USD|EUR|CHF)", c)) for c in filled) * 2 > len(filled):
        return "funding"
    return "text"


def _table_candidates(n: Node, role: int, section: str | None, owner: Candidate | None) -> list[Candidate]:
    block = n.block
    rows = [r for r in block.rows if any(c.text.strip() for c in r.cells)] if block else []
    if len(rows) < 2:
        return []
    header, body = _header_and_body(rows)
    if not body:
        return []
    roles = column_roles(header, body)
    if header is None and role <= 0:
        return []  # a table with no header outside a work section: data, not a plan
    out = []
    for row in body:
        cells = {i: " ".join(c.text.split()) for i, c in enumerate(row.cells)}
        item_cols = [i for i, r in roles.items() if r in ("priority_area", "output", "activity", "deliverable",
                                                            "milestone") and cells.get(i)]
        if not item_cols:
            continue
        text = cells[item_cols[-1]]
        ref, text = _split_ref(text)
        cand = Candidate(n.index, "table_row", text, row.provenance, ref=ref, section=section,
                         role=role or (1 if header is not None else 0), parent=owner)
        stages = [i for i, r in roles.items() if r == "timeline" and cells.get(i)]
        if len(stages) > 1 and header is not None:  # one date per stage column: "FPWD: 2015 | CR: Q3 2024"
            cand.timeline = " | ".join(f"{' '.join(header.cells[i].text.split())}: {cells[i]}" for i in stages)
        for i, r in roles.items():
            value = cells.get(i)
            if not value:
                continue
            if r == "timeline" and cand.timeline is None:
                cand.timeline = value
            elif r == "lead":
                cand.leads.append(LeadText(value, Role.LEAD))
            elif r == "funding" and cand.funding is None:
                cand.funding = value
        out.append(cand)
    return out


def _header_and_body(rows: list[Row]) -> tuple[Row | None, list[Row]]:
    """The first row is a header when its cells are short labels and at least one names a role."""
    first = rows[0]
    texts = [c.text.strip() for c in first.cells]
    short = all(len(t) <= 40 and "\n" not in t for t in texts)
    named = sum(1 for t in texts if t and (classify(t, "column_roles", prefix=True) or _field_key(t)
                                           or section_role(t) > 0))
    if short and named >= 1:
        return first, rows[1:]
    if short and len(rows) > 2:
        # no known word, but the first row is unlike the body: its cells are no dates where a column's are
        for i, cell in enumerate(texts):
            column = [r.cells[i].text for r in rows[1:] if i < len(r.cells)]
            if cell and not _is_timeline(cell) and _content_role(column) == "timeline":
                return first, rows[1:]
    return None, rows


# -- decision ---------------------------------------------------------------------------------------------
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


def decide(cands: list[Candidate], doc_has_roles: bool, nodes: list[Node] | None = None) -> list[Candidate]:
    """Keep candidates scoring at or above THRESHOLD; a dropped parent hands its children to its own parent.

    Parallel headings (the terms of one definition list, the sub-headings of one section) are alike: when most
    of a run of three or more is kept, the rest of the run is kept too unless it scores far lower."""
    for cand in cands:
        cand.score = score(cand, doc_has_roles)
    if nodes is not None:
        runs: dict[tuple, list[Candidate]] = {}
        for cand in cands:
            if cand.method == "heading":
                n = nodes[cand.node]
                runs.setdefault((n.headings[-1:], n.level), []).append(cand)
        for run in runs.values():
            kept_share = sum(c.score >= THRESHOLD for c in run) / len(run)
            if len(run) >= 3 and kept_share >= 0.5:
                for cand in run:
                    if THRESHOLD - 0.2 <= cand.score < THRESHOLD:
                        cand.score = THRESHOLD
    kept = [cand for cand in cands if cand.score >= THRESHOLD]
    alive = {id(c) for c in kept}
    for cand in kept:
        parent = cand.parent
        while parent is not None and id(parent) not in alive:
            parent = parent.parent
        cand.parent = parent
    return kept


def recognise(nodes: list[Node]) -> list[Candidate]:
    """The kept candidates of an outline, parents linked, in reading order."""
    roles = node_roles(nodes)
    block_leads: list[tuple[Candidate | None, LeadText]] = []
    cands = candidates_of(nodes, roles, block_leads)
    doc_has_roles = any(r > 0 for r in roles)
    kept = drop_overview_echoes(decide(cands, doc_has_roles, nodes))
    place_block_leads(kept, block_leads)
    return kept

