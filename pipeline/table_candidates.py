"""Candidate work items from tables: column roles from header words (any language) and from what the cells
hold; each body row with an item column is a candidate carrying its row's timeline, leads and funding."""

from __future__ import annotations

import re

from pipeline.candidates import SENTENCE, Candidate, is_timeline, split_ref
from pipeline.core.enums import Role
from pipeline.core.model import Row
from pipeline.core.records import LeadText
from pipeline.labels import classify, in_list
from pipeline.outline import Node
from pipeline.vocabulary import field_of, owner_prefix, section_role


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
                field_of(word) or "", None)
            if role is None and section_role(word) > 0:
                role = "activity"
        column = [r.cells[i].text for r in body if i < len(r.cells)]
        roles[i] = role or _content_role(column)
        if roles[i] in ("text", "other") and word and _counts(word, column):
            roles[i] = "duration"  # "Days" | 7: how long from the row's start date
    work = {"priority_area", "output", "activity", "deliverable", "milestone"}
    if not any(r in work for r in roles.values()):
        texts = {i: sum(len(r.cells[i].text) for r in body if i < len(r.cells)) for i in roles if roles[i] == "text"}
        if texts:
            roles[max(texts, key=texts.__getitem__)] = "activity"
    return {i: ("other" if r == "text" else r) for i, r in roles.items()}

def counts_time(header: str) -> bool:
    """A header naming a unit of time ("Days", "Duration (weeks)", "Durée (jours)")."""
    return any(in_list(w, "duration_units") for w in re.findall(r"[^\W\d_]+", header.lower()))


def _counts(header: str, cells: list[str]) -> bool:
    """A column of whole numbers headed by a unit of time."""
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and counts_time(header) and sum(c.isdigit() for c in filled) * 2 > len(filled)


def _content_role(cells: list[str]) -> str:
    filled = [c for c in cells if c.strip()]
    if not filled:
        return "other"
    if sum(is_timeline(c) for c in filled) * 2 > len(filled):
        return "timeline"
    if sum(bool(re.search(r"[$€£¥]\s?\d|\d\s?(?:USD|EUR|CHF)", c)) for c in filled) * 2 > len(filled):
        return "funding"
    return "text"

def table_candidates(n: Node, role: int, section: str | None, owner: Candidate | None) -> list[Candidate]:
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
        if in_list(text, "nothing_words"):
            continue  # "None" in the actions column: this row has no item
        ref, text = split_ref(text)
        actions = owned_actions(row.cells[item_cols[-1]].text if ref is None else text)
        for action in actions[1:]:  # several owners' actions in one cell: one item each
            out.append(Candidate(n.index, "table_row", action[1], row.provenance, section=section,
                                 role=role or (1 if header is not None else 0), parent=owner,
                                 leads=[LeadText(action[0], Role.LEAD)]))
        cand = Candidate(n.index, "table_row", actions[0][1] if actions else text, row.provenance, ref=ref,
                         section=section, role=role or (1 if header is not None else 0), parent=owner)
        stages = [i for i, r in roles.items() if r == "timeline" and cells.get(i)]
        spans = [i for i, r in roles.items() if r == "duration" and cells.get(i, "").isdigit()]
        if len(stages) == 1 and len(spans) == 1 and header is not None:
            stages += spans  # "Start: 2022-01-31 | Days: 7"
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
        if actions and not cand.leads:
            cand.leads.append(LeadText(actions[0][0], Role.LEAD))  # "Silona - to reach out ...": its owner
        out.insert(len(out) - max(len(actions) - 1, 0), cand)
    return out


def owned_actions(text: str) -> list[tuple[str, str]]:
    """The (owner, action) pairs of a cell of minutes whose sentences each open with their owner
    ("Hwang to raise this request. Group to reach out ..."); empty unless the first sentence does."""
    sentences = [s.strip() for line in text.split("\n") for s in SENTENCE.split(line) if s.strip()]
    pairs = [owner_prefix(s) for s in sentences]
    if not pairs or pairs[0] is None or pairs[0][1] != sentences[0]:
        return []
    out: list[tuple[str, str]] = []
    for sentence, pair in zip(sentences, pairs, strict=True):
        if pair is not None and pair[1] == sentence:
            out.append(pair)
        elif out:
            out[-1] = (out[-1][0], f"{out[-1][1]} {sentence}")  # a sentence of the same action
    if len(out) == 1:
        return [(out[0][0], " ".join(text.split()))]
    return out

def _header_and_body(rows: list[Row]) -> tuple[Row | None, list[Row]]:
    """The first row is a header when its cells are short labels and at least one names a role."""
    first = rows[0]
    texts = [c.text.strip() for c in first.cells]
    short = all(len(t) <= 40 and "\n" not in t for t in texts)
    named = sum(1 for t in texts if t and (classify(t, "column_roles", prefix=True) or field_of(t)
                                           or section_role(t) > 0))
    if short and named >= 1:
        return first, rows[1:]
    if short and len(rows) > 2:
        # no known word, but the first row is unlike the body: its cells are no dates where a column's are
        for i, cell in enumerate(texts):
            column = [r.cells[i].text for r in rows[1:] if i < len(r.cells)]
            if cell and not is_timeline(cell) and _content_role(column) == "timeline":
                return first, rows[1:]
    return None, rows


def card_fields(n: Node) -> list[tuple[str, str]] | None:
    """(label, value) pairs of a card: a header-less two-column table whose first column holds short, distinct
    labels and whose second holds their values (a task card's "Target State | ...", "Item Champion | ..."); None
    for any other table."""
    block = n.block
    rows = [r for r in block.rows if any(c.text.strip() for c in r.cells)] if block else []
    if len(rows) < 3 or any(len([c for c in r.cells if c.text.strip()]) > 2 for r in rows):
        return None
    if max(len(r.cells) for r in rows) > 3:
        return None
    labels = [" ".join(r.cells[0].text.split()) for r in rows]
    short = sum(1 for t in labels if t and len(t) <= 40 and len(t.split()) <= 5 and not is_timeline(t))
    if short < 0.8 * len(rows) or len(set(labels)) < 0.9 * len(labels):
        return None
    known = sum(1 for t in labels if field_of(t) or classify(t, "column_roles", prefix=True, suffix=True))
    header, _ = _header_and_body(rows)
    if header is not None and known < 2:
        return None
    return [(label, " ".join(r.cells[1].text.split()) if len(r.cells) > 1 else "") for label, r in zip(labels, rows,
                                                                                                     strict=True)]
