"""Candidate work items from tables: column roles from header words (any language) and from what the cells
hold; each body row with an item column is a candidate carrying its row's timeline, leads and funding."""

from __future__ import annotations

import itertools
import re

from extractors.lines import split_marker
from pipeline.candidates import SENTENCE, Candidate, give_field, is_timeline, split_ref, struck
from pipeline.core.enums import ItemKind, Role
from pipeline.core.model import Block, Cell, Row
from pipeline.core.records import LeadText
from pipeline.fragments import is_header_row, is_placeholder
from pipeline.labels import classify, in_list
from pipeline.outline import Node
from pipeline.vocabulary import field_of, owner_prefix, section_role, split_field_line

_CELL_NUMBER = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3})*)[.)]?\s+(?=\S)")


def numbered_cell(text: str) -> tuple[str | None, str]:
    """A cell's own number and its text: ``numbered_cell("10. A position paper")`` -> ``("10", "A position
    paper")``; a cell with no number of its own as it is."""
    match = _CELL_NUMBER.match(text)
    if match and (match.group(0).rstrip()[-1] in ".)" or "." in match.group(1)):
        return match.group(1), text[match.end():]
    return None, text


def counted(label: str, text: str) -> str:
    """A timeline cell as it reads: a bare number under its header's unit is that unit of the work ("Month" | 6
    -> ``"Month: 6"``, month 6 from the start); any other value as printed."""
    label, value = flat(label), text.strip()
    return f"{label}: {value}" if value.isdigit() and len(value) <= 3 and label else text  # "2021" is a year


def column_roles(header: Row | None, body: list[Row]) -> dict[int, str]:
    """Each column's role from its header word (any language) and its cells: mostly timelines -> timeline,
    mostly names/handles -> lead, amounts -> funding, the longest free text -> item; the rest ``other``."""
    width = max(len(r.cells) for r in body)
    roles: dict[int, str] = {}
    # codes in capitals name owners only where the header names no column and is a layout's header row in capitals
    # (or there is none): "SPI", "DEST" under "UNIDADE RESPONSÁVEL" are the units responsible; under a header in
    # words ("Extension of": DPP, DCC) or beside a named "Owner" column they are types or categories
    codes = header is None or (not _names_a_column(header) and all(_capitals(c.text) for c in header.cells
                                                                   if c.text.strip()))
    for i in range(width):
        word = header.cells[i].text if header is not None and i < len(header.cells) else ""
        role = classify(word, "column_roles", prefix=True, suffix=True) if word else None
        if role is None and word:
            role = {"timeline": "timeline", "lead": "lead", "co-lead": "lead", "funding": "funding"}.get(
                field_of(word) or "", None)
            if role is None and section_role(word) > 0:
                role = "activity"
        column = [r.cells[i].text for r in body if i < len(r.cells)]
        roles[i] = role or _content_role(column, codes)
        if roles[i] in ("text", "other") and word and _counts(word, column):
            roles[i] = "duration"  # "Days" | 7: how long from the row's start date
    work = set(WORK_ROLES)
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


def _content_role(cells: list[str], codes: bool = False) -> str:
    filled = [c for c in cells if c.strip()]
    if not filled:
        return "other"
    if sum(is_timeline(c) for c in filled) * 2 > len(filled):
        return "timeline"
    if sum(bool(re.search(r"[$€£¥]\s?\d|\d\s?(?:USD|EUR|CHF)", c)) for c in filled) * 2 > len(filled):
        return "funding"
    if codes and len(filled) >= 2 and sum(_names_units(c) for c in filled) * 5 >= len(filled) * 3:
        return "lead"
    return "text"


_UNIT_CODE = re.compile(r"^[A-ZÀ-Þ]{2,6}$")


def _names_units(cell: str) -> bool:
    """A cell that only names units by their codes ("SPI", "SE/DTI", "DTI (support)", "UNDP, ILO"): no sentence,
    a code in capitals first, no state or priority word ("DONE", "HIGH")."""
    core = re.sub(r"\([^)]*\)", " ", cell).strip()
    tokens = [t for t in re.split(r"[\s/,;&+]+", core) if t and t.lower() not in ("and", "et", "y", "и", "e")]
    if not tokens or len(tokens) > 4 or not _UNIT_CODE.match(tokens[0]):
        return False
    return not any(in_list(t, "status_words") or in_list(t, "priority_levels") or in_list(t, "placeholders")
                   for t in tokens)

def table_candidates(n: Node, role: int, section: str | None, owner: Candidate | None) -> list[Candidate]:
    block = n.block
    rows = [r for r in block.rows if any(c.text.strip() for c in r.cells)] if block else []
    if len(rows) < 2:
        return []
    if any(is_header_row(r) for r in rows):
        return PlanTable(n.index, section, role, owner).read(rows)
    header, body = _header_and_body(rows, declared_header(block))
    if not body:
        return []
    roles = column_roles(header, body)
    fields = any(r in ("timeline", "lead", "funding") for r in roles.values())
    if role <= 0 and (header is None or not (_names_a_column(header) or fields)):
        return []  # a table whose columns are no plan's (no role named, no dates), outside a work section: data
    out = []
    labels = {i: flat(c.text).lower() for i, c in enumerate(header.cells)} if header is not None else {}
    # two columns of work under a header ("Action" | "Suggested tasks"): the left one's cell is the parent of the
    # right one's items, down to its next filled cell (a merged cell leaves the rows below it empty)
    work_cols = sorted(i for i, r in roles.items() if r in WORK_ROLES)
    parent_col = work_cols[0] if header is not None and len(work_cols) >= 2 else None
    group: Candidate | None = None
    for row in body:
        # a cell repeating its column's header (the header printed again over a group) is no value
        cells = {i: flat(c.text) for i, c in enumerate(row.cells)
                 if not (labels.get(i) and flat(c.text).lower() == labels[i])}
        item_cols = [i for i, r in roles.items() if r in WORK_ROLES and cells.get(i)]
        if not item_cols:
            continue
        if parent_col is not None and cells.get(parent_col) and item_cols[-1] != parent_col:
            ref_, head = split_ref(cells[parent_col])
            group = Candidate(n.index, "table_row", head, row.provenance, ref=ref_, section=section,
                              role=role or 1, parent=owner, has_children=True)
            out.append(group)
        text, own_fields = _field_lines(row.cells[item_cols[-1]].text)
        text = flat(text)
        if struck(text):
            continue  # struck through: cancelled
        if in_list(text, "nothing_words"):
            continue  # "None" in the actions column: this row has no item
        ref, text = split_ref(text)
        actions = owned_actions(row.cells[item_cols[-1]].text if ref is None else text)
        for action in actions[1:]:  # several owners' actions in one cell: one item each
            out.append(Candidate(n.index, "table_row", action[1], row.provenance, section=section,
                                 role=role or (1 if header is not None else 0), parent=owner,
                                 leads=[LeadText(action[0], Role.LEAD)]))
        cand = Candidate(n.index, "table_row", actions[0][1] if actions else text, row.provenance, ref=ref,
                         section=section, role=role or (1 if header is not None else 0),
                         parent=group if group is not None and item_cols[-1] != parent_col else owner)
        for own_field in own_fields:  # "Task responsibility: GBIF Secretariat" on a line of the cell
            give_field(cand, *own_field, n)
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
                cand.timeline = counted(header.cells[i].text if header is not None and i < len(header.cells) else "",
                                        value)
            elif r == "lead":
                cand.leads.append(LeadText(value, Role.LEAD))
            elif r == "funding" and cand.funding is None:
                cand.funding = value
        if actions and not cand.leads:
            cand.leads.append(LeadText(actions[0][0], Role.LEAD))  # "Silona - to reach out ...": its owner
        listed = _counted_parts(row.cells[item_cols[-1]].text.split("\n")) if len(actions) <= 1 else None
        if listed:  # "1) Select ... 2) Publish ...": one item per counted line, each with the row's fields
            for part in listed:
                ref_, part_text = part_ref(part)
                out.append(Candidate(n.index, "table_row", flat(part_text), row.provenance, ref=ref_, section=section,
                                     role=cand.role, parent=owner, numbered=True, timeline=cand.timeline,
                                     leads=list(cand.leads), funding=cand.funding))
            continue
        out.insert(len(out) - max(len(actions) - 1, 0), cand)
    return out


def _field_lines(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    """A cell's text without its own label lines after the first ("Task responsibility: GBIF Secretariat",
    "Timeline: Q2 2021"), and those fields."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    read = [split_field_line(line.strip()) if k > 0 else None for k, line in enumerate(lines)]
    fields = [f for f in read if f is not None]
    if not fields:
        return text, []
    return "\n".join(line for line, f in zip(lines, read, strict=True) if f is None), fields


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

def _names_a_column(header: Row) -> bool:
    texts = [c.text.strip() for c in header.cells if c.text.strip()]
    return any(classify(t, "column_roles", prefix=True) or field_of(t) or section_role(t) > 0 for t in texts)


def _header_and_body(rows: list[Row], declared: Row | None = None) -> tuple[Row | None, list[Row]]:
    """The first row is a header when the format marks it so (``declared``: Markdown's first row, HTML's <th>
    row), or when its cells are short labels and at least one names a role."""
    if declared is not None and rows and rows[0] is declared and len(rows) > 1:
        return declared, rows[1:]
    first = rows[0]
    texts = [c.text.strip() for c in first.cells]
    short = all(len(t) <= 40 and "\n" not in t for t in texts)
    if short and _names_a_column(first):
        return first, rows[1:]
    if _capitals_over_body(first, rows[1:]):
        return first, rows[1:]
    if short and len(rows) > 2:
        # no known word, but the first row is unlike the body: its cells are no dates where a column's are
        for i, cell in enumerate(texts):
            column = [r.cells[i].text for r in rows[1:] if i < len(r.cells)]
            if cell and not is_timeline(cell) and _content_role(column) == "timeline":
                return first, rows[1:]
    return None, rows


def _capitals(text: str) -> bool:
    """A cell's first line in capitals ("META/PRAZO", "UNIDADE RESPONSÁVEL"), with at least one word of letters."""
    line = text.strip().split("\n")[0]
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def _capitals_over_body(first: Row, body: list[Row]) -> bool:
    """A first row of labels in capitals over a body that is not: a header in any language, known words or not
    (the header a layout prints in capitals, as the cells of a repeated page header usually are)."""
    texts = [c.text.strip() for c in first.cells if c.text.strip()]
    if len(texts) < 2 or not body or any(len(t) > 60 for t in texts) or not all(_capitals(t) for t in texts):
        return False
    below = [c.text.strip() for r in body for c in r.cells if c.text.strip()]
    return bool(below) and sum(_capitals(t) for t in below) * 2 < len(below)


def declared_header(block: Block | None) -> Row | None:
    """The last row the table's format marks as header, when it holds text."""
    if block is None or not block.header_rows or block.header_rows > len(block.rows):
        return None
    row = block.rows[block.header_rows - 1]
    return row if any(c.text.strip() for c in row.cells) else None


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
    # labels are words ("Target State", "Волна"), not the codes of a list ("A", "B", "W1")
    worded = sum(1 for t in labels if re.search(r"[^\W\d_]{3,}|[\u4e00-\u9fff]", t))
    if short < 0.8 * len(rows) or worded < 0.8 * len(rows) or len(set(labels)) < 0.9 * len(labels):
        return None
    known = sum(1 for t in labels if field_of(t) or classify(t, "column_roles", prefix=True, suffix=True))
    header, _ = _header_and_body(rows)  # Markdown declares a header over a card too ("| Item | Details |")
    if header is not None and known < 2:
        return None
    return [(label, " ".join(r.cells[1].text.split()) if len(r.cells) > 1 else "") for label, r in zip(labels, rows,
                                                                                                     strict=True)]


# what the two table readers (this one and the layout rules' ``table_items``) share
WORK_ROLES = ("priority_area", "output", "activity", "deliverable", "milestone")
KINDS = {"priority_area": ItemKind.PRIORITY_AREA, "output": ItemKind.OUTPUT, "activity": ItemKind.ACTIVITY,
         "deliverable": ItemKind.DELIVERABLE, "milestone": ItemKind.MILESTONE}
YEAR = re.compile(r"^\s*((?:19|20)\d{2})(?:\s*[-–]\s*((?:19|20)\d{2}))?\s*$")
DOTTED_REF = re.compile(r"^\s*(\d+(?:\.\d+)+)\.?\s+")
_TOP_REF = re.compile(r"^\s*((?:[^\W\d_]+\s+){1,2}\d{1,2}|\d{1,2}\)|[a-z]\))\s*[:.]?\s+")


def flat(text: str) -> str:
    """Cell text on one line: ``flat("GMG Chair\\nGMG agencies")`` -> ``"GMG Chair GMG agencies"``."""
    return " ".join(text.split())


def activity_parts(text: str) -> list[str]:
    """The activities of one cell, each starting at a numbered paragraph ("5.1 ...", "5.2 ..."); a line without a
    number continues the one before: ``activity_parts("5.1 Map\\nall tools\\n5.2 Test")`` -> ``["5.1 Map all tools",
    "5.2 Test"]``."""
    lines = text.split("\n")
    counted_parts = _counted_parts(lines)
    if counted_parts:
        return counted_parts
    marked = sum(1 for line in lines if line.startswith(_BULLETS))
    listed = marked >= 2 or marked == len(lines)  # "• a\n• b": a list of activities; "• a" alone: one
    parts: list[str] = []
    for line in lines:
        if listed and line.startswith(_BULLETS):
            parts.append(line.lstrip("".join(_BULLETS)).strip())
        elif parts and not DOTTED_REF.match(line):
            parts[-1] += " " + line
        else:
            parts.append(line.lstrip("".join(_BULLETS)).strip() if listed else line)
    return parts


_BULLETS = ("•", "●", "▪", "◦", "○", "- ", "* ")
_COUNTED_LINE = re.compile(r"^\s*(\d{1,2})[.)]\s+(?=\S)")


def _counted_parts(lines: list[str]) -> list[str] | None:
    """A cell that is a numbered list, "1) ... 2) ..." counted from 1 at line starts (its items' wrapped lines
    between them): one part per number, the number kept. None for any other cell ("2021 budget" is no list)."""
    starts = [(k, int(m.group(1))) for k, line in enumerate(lines) if (m := _COUNTED_LINE.match(line))]
    if len(starts) < 2 or starts[0] != (0, 1) or [n for _, n in starts] != list(range(1, len(starts) + 1)):
        return None
    bounds = [k for k, _ in starts] + [len(lines)]
    return [" ".join(ln.strip() for ln in lines[a:b]) for a, b in itertools.pairwise(bounds)]


def part_ref(part: str) -> tuple[str | None, str]:
    """An activity part's own number and its text: "5.1 Map tools" -> ("5.1", "Map tools"); "2) Publish" -> ("2",
    "Publish"); a part without a number as it is."""
    match = DOTTED_REF.match(part) or _COUNTED_LINE.match(part)
    return (match.group(1), part[match.end():]) if match else (None, part)


class PlanTable:
    """A plan's table with a header naming its columns (``Outputs | Activities | Timeframe | Lead | Funding``),
    read row by row with what such tables mean by their layout: the header may come after title rows and come
    again after a page break; a row of one filled cell is a period ("2017": the rows below are that year's), a
    label ("Key deliverables:"), a list (one item per line) or, in a top column, a section title; a cell of a top
    column (priority area, output) is the parent of the row's activities and of the rows below with that cell
    empty (merged); one activity cell may hold several numbered activities; an activity's empty timeline, lead or
    funding cell is the one above it (merged), and the activities of one cell share their row's."""

    def __init__(self, node: int, section: str | None, role: int, owner: Candidate | None) -> None:
        self.node, self.section, self.role, self.owner = node, section, role, owner
        self.out: list[Candidate] = []
        self.roles: dict[int, str] | None = None
        self.period: str | None = None
        self.top: Candidate | None = None  # the current output or priority area
        self.area: Candidate | None = None  # the current priority area
        self.label_kind: ItemKind | None = None
        self.header: Row | None = None

    def read(self, rows: list[Row]) -> list[Candidate]:
        for at, row in enumerate(rows):
            if is_header_row(row):
                body = list(itertools.takewhile(lambda r: not is_header_row(r), rows[at + 1:]))
                self.header = row
                self.roles = column_roles(row, body) if body else None
                continue
            filled = [i for i, c in enumerate(row.cells) if c.text.strip()]
            first = row.cells[filled[0]].text
            if len(filled) >= 2 and len(first) < 40 and filled[0] == 0 and (
                    classify(first, "lead_labels") or in_list(first, "ignored_labels", suffix=True)):
                continue  # "Lead: | UN Women": a label row, not an item
            if len(filled) == 1 and self.one_cell(row, row.cells[filled[0]], filled[0]):
                continue
            if self.roles is not None:
                self.row(row)
        children: dict[int, list[Candidate]] = {}
        for cand in self.out:
            if cand.parent is not None:
                children.setdefault(id(cand.parent), []).append(cand)
        for top in self.out:  # a phase over the tasks of its one row: the row's date is the phase's too
            mine = children.get(id(top), [])
            if top.kind is ItemKind.PRIORITY_AREA and top.timeline is None and mine:
                dates = {c.timeline for c in mine}
                if len(dates) == 1 and None not in dates and {c.provenance for c in mine} == {top.provenance}:
                    top.timeline = dates.pop()
        return self.out

    def new(self, kind: ItemKind, text: str, row: Row, ref: str | None = None,
            parent: Candidate | None = None) -> Candidate:
        cand = Candidate(self.node, "table_row", flat(text), row.provenance, ref=ref, section=self.section,
                         role=self.role or 1, parent=parent or self.owner, numbered=ref is not None, kind=kind,
                         block=self.period)
        if parent is not None:
            parent.has_children = True
        self.out.append(cand)
        return cand

    def one_cell(self, row: Row, cell: Cell, column: int) -> bool:
        """A row of one filled cell read as a period, label, list or section title; False for a row to read
        as any other (an activity whose other cells are merged with the row above)."""
        text = cell.text.strip()
        role = (self.roles or {}).get(column, "other")
        if YEAR.match(text):
            self.period, self.top, self.area = flat(text), None, None
            return True
        if text.endswith((":", "：")) and len(text) <= 80:
            named = classify(text.rstrip(":： "), "column_roles", prefix=True, suffix=True)
            self.label_kind = KINDS.get(named or "", ItemKind.ACTIVITY if named is None else None)
            return True
        lines = [line for line in text.split("\n") if line.strip()]
        if len(lines) > 1 and all(split_marker(line)[0] for line in lines):
            for line in lines:
                marker, rest, _ = split_marker(line)
                self.new(self.label_kind or ItemKind.ACTIVITY, rest, row, ref=(marker or "").rstrip(".)") or None,
                         parent=self.top)
            return True
        if self.roles is None:
            return True  # a title row above the header
        if role in ("output", "priority_area") and not DOTTED_REF.match(text) and (cell.bold or len(text) < 100):
            self.section, self.top, self.area = flat(text), None, None
            return True
        return False

    def row(self, row: Row) -> None:
        assert self.roles is not None
        work: list[tuple[str, Cell]] = []
        values: dict[str, str | None] = {"timeline": None, "lead": None, "funding": None}
        spans: list[str] = []
        stages: list[str] = []
        for i, cell in enumerate(row.cells):
            role = self.roles.get(i, "other")
            text = cell.text.strip()
            label = flat(self.header.cells[i].text) if self.header is not None and i < len(self.header.cells) else ""
            if role == "duration":
                if text.isdigit():
                    spans.append(f"{label}: {text}")
            elif text and role in WORK_ROLES and not struck(text):  # a struck-through cell: cancelled
                work.append((role, cell))
            elif text and role in values:
                if role == "timeline":
                    stages.append(f"{label}: {flat(text)}")
                    text = counted(label, text)
                joined = "\n".join(filter(None, [values[role], text]))
                values[role] = joined if role == "funding" else flat(joined)
        if len(stages) > 1:  # one date per stage column: "FPWD: 2015 | CR: Q3 2024"
            values["timeline"] = " | ".join(stages)
        elif values["timeline"] and len(spans) == 1:
            values["timeline"] += " | " + spans[0]  # "2022-01-31 | Days: 7": the end is counted from the start
        carriers: list[Candidate] = []
        own: list[Candidate] = []
        for role, cell in work:
            if role in ("output", "priority_area"):
                top = self.top_item(role, cell.text, row)
                if top is not None:
                    carriers = [top]
            elif role in ("activity", "milestone"):
                made = self.activities(cell.text, KINDS[role], row)
                carriers = made or carriers
            else:
                text = flat(cell.text.replace("•", " "))
                if text and not is_placeholder(text):
                    ref, text = numbered_cell(text) if not carriers else (None, text)
                    deliverable = self.new(ItemKind.DELIVERABLE, text, row, ref=ref,
                                           parent=carriers[-1] if carriers else self.top)
                    if not carriers:  # the row's own item: its timeline, lead and funding are the deliverable's
                        own.append(deliverable)
        for index, item in enumerate(carriers or own):
            self.fill(item, values, shared=index > 0)

    def top_item(self, role: str, text: str, row: Row) -> Candidate | None:
        text = text.strip()
        if is_placeholder(text):
            return None
        dotted = DOTTED_REF.match(text)
        if dotted:  # "1.1 Mapping ..." in a top column is an activity of the current output
            return self.new(ItemKind.ACTIVITY, text[dotted.end():], row, ref=dotted.group(1), parent=self.top)
        ref = None
        match = _TOP_REF.match(text)
        if match and len(match.group(1).split()) <= 3:
            ref, text = match.group(1).strip(), text[match.end():]
        item = self.new(KINDS[role], text, row, ref=ref, parent=self.area if role == "output" else None)
        # over the activities of its rows, though their cells may still read "TBC"
        item.has_children = any(r in ("activity", "milestone") for r in (self.roles or {}).values())
        self.top = item
        if role == "priority_area":
            self.area = item
        return item

    def activities(self, text: str, kind: ItemKind, row: Row) -> list[Candidate]:
        """One cell may hold several activities as paragraphs of their own ("5.1 ...", "5.2 ...")."""
        parts = activity_parts(text)
        made: list[Candidate] = []
        owned = [] if any(part_ref(p)[0] for p in parts) else owned_actions(text)
        if len(owned) > 1:  # minutes: "Hwang to raise this request. Group to reach out ...": one item each
            for owner, action in owned:
                made.append(self.new(kind, action, row, parent=self.top))
                made[-1].leads = [LeadText(owner, Role.LEAD)]
            return made
        for part in parts:
            part = part.strip()
            if not part or is_placeholder(part) or in_list(part, "nothing_words"):
                continue
            ref, body = part_ref(part)
            made.append(self.new(kind, body, row, ref=ref, parent=self.top))
            if owned:
                made[-1].leads = [LeadText(owned[0][0], Role.LEAD)]
        return made

    def fill(self, item: Candidate, values: dict[str, str | None], shared: bool) -> None:
        previous = None
        if item.kind in (ItemKind.ACTIVITY, ItemKind.MILESTONE):
            mine = self.out.index(item)
            previous = next((c for c in reversed(self.out[:mine]) if c.parent is item.parent
                             and c.kind is item.kind), None)
        for key in ("timeline", "lead", "funding"):
            value, inherited = values[key], shared and values[key] is not None
            if value is None and previous is not None:
                value = previous.timeline if key == "timeline" else previous.funding if key == "funding" else (
                    previous.leads[0].text if previous.leads else None)
                inherited = True
            if value is None:
                continue
            if key == "timeline":
                item.timeline, item.timeline_inherited = value, inherited
            elif key == "funding":
                item.funding, item.funding_inherited = value, inherited
            elif not item.leads:  # an owner the action names itself stays
                item.leads = [LeadText(value, Role.LEAD, inherited=inherited)]
