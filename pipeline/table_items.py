"""Assembly of table rows into work items: column roles from header words, merged cells inherited."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from extractors.lines import split_marker
from pipeline.core.enums import BlockKind, ItemKind, Role
from pipeline.core.model import Block, Cell, Provenance, Row
from pipeline.core.records import LeadText
from pipeline.fragments import REF, is_header_row, is_placeholder
from pipeline.labels import classify, in_list
from pipeline.table_candidates import (
    DOTTED_REF,
    KINDS,
    WORK_ROLES,
    YEAR,
    activity_parts,
    counted,
    counts_time,
    flat,
    numbered_cell,
    part_ref,
)

if TYPE_CHECKING:
    from pipeline.drafts import Draft

_OUTPUT_REF = re.compile(r"^\s*((?:output|outcome|produit|resultado|priority area)\s*\d+)\s*[:.]?\s*", re.I)
_PAREN_REF = re.compile(r"^\s*(\d{1,2}\)|[a-z]\))\s+")


def paragraphs(text: str) -> str:
    """Cell text with each paragraph on one line: funding prose keeps its paragraph breaks, which end a
    clause (``paragraphs("at their own cost\\nILO in collaboration")`` keeps the ``\\n``)."""
    return "\n".join(flat(line) for line in text.split("\n") if line.strip())


class TableAssembly:
    """Table handling of the Assembler (a mixin: it uses the Assembler's state and ``new``/``open_section``)."""

    # the Assembler's state and methods this mixin uses (declared for the type checker only)
    drafts: list[Draft]
    last_roles: dict[int, str] | None
    header_texts: dict[int, str]  # the last header row's cell texts, by column
    mode: str | None
    output: Draft | None
    priority: Draft | None
    if TYPE_CHECKING:
        def new(self, kind: ItemKind, text: str, prov: Provenance, ref: str | None = None,
                parent: Draft | None = None, section: str | None = None) -> Draft: ...
        def open_section(self, title: str) -> None: ...
        def add_lead(self, role_key: str, text: str) -> None: ...
        def on_line(self, kind: BlockKind, text: str, marker: str | None, level: int, bold: bool,
                    prov: Provenance) -> None: ...
        def warn(self, stage: str, category: str, message: str, prov: Provenance) -> None: ...

    # -- tables ------------------------------------------------------------------------------
    def on_table(self, block: Block) -> None:
        width = max(len(r.cells) for r in block.rows)
        filled = [r for r in block.rows if any(c.text for c in r.cells)]
        if width == 1 or all(sum(1 for c in r.cells if c.text) <= 1 for r in filled) and not any(
                is_header_row(r) for r in filled):
            for row in filled:
                cell = next(c for c in row.cells if c.text)
                self.cell_lines(cell.text, cell.bold, row.provenance)
            return
        roles = self.last_roles if self.last_roles and len(self.last_roles) == width else None
        warned = False
        for row in filled:
            if is_header_row(row):
                roles = {i: classify(c.text, "column_roles", prefix=True)
                         or ("duration:" + flat(c.text) if counts_time(c.text) else "other")
                         for i, c in enumerate(row.cells)}
                self.last_roles = roles
                self.header_texts = {i: flat(c.text) for i, c in enumerate(row.cells)}
                self.mode = None
                continue
            texts = [c.text for c in row.cells]
            nonempty = [i for i, t in enumerate(texts) if t]
            label = classify(texts[0], "lead_labels") if texts[0] else None
            if label and len(nonempty) >= 2 and len(texts[0]) < 40:
                self.add_lead(label, " ".join(texts[i] for i in nonempty[1:]))
                continue
            if texts[0] and len(nonempty) >= 2 and in_list(texts[0], "ignored_labels", suffix=True):
                continue
            if roles is None:
                if nonempty == [nonempty[0]]:
                    cell = row.cells[nonempty[0]]
                    self.cell_lines(cell.text, cell.bold, row.provenance)
                elif not warned:
                    warned = True
                    self.warn("assemble", "unknown_table_layout",
                              f"table with no recognisable header (columns cannot be told): "
                              f"{flat(' | '.join(texts))[:80]!r}", row.provenance)
                continue
            self.on_row(row, roles)

    def cell_lines(self, text: str, bold: bool, prov: Provenance) -> None:
        for line in text.split("\n"):
            marker, rest, _ = split_marker(line)
            kind = BlockKind.LIST_ITEM if marker else (BlockKind.HEADING if bold else BlockKind.PARAGRAPH)
            self.on_line(kind, rest, marker, 0, bold, prov)

    def on_row(self, row: Row, roles: dict[int, str]) -> None:
        cells: dict[str, list[Cell]] = {role: [] for role in (*WORK_ROLES, "timeline", "lead", "funding", "other")}
        spans: list[str] = []
        for i, cell in enumerate(row.cells):
            role = roles.get(i, "other")
            if role.startswith("duration:"):
                if cell.text.strip().isdigit():
                    spans.append(f"{role.partition(':')[2]}: {cell.text.strip()}")
            elif cell.text:
                cells[role].append(cell)
        work = [(r, c) for r in WORK_ROLES for c in cells[r]]
        values = {r: flat(" ".join(c.text for c in cells[r])) or None for r in ("timeline", "lead")}
        if len(cells["timeline"]) == 1 and values["timeline"]:  # "Month" | 6: month 6 of the work
            column = next(i for i, c in enumerate(row.cells) if c is cells["timeline"][0])
            values["timeline"] = counted(self.header_texts.get(column, ""), values["timeline"])
        if values["timeline"] and len(cells["timeline"]) == 1 and len(spans) == 1:
            values["timeline"] += " | " + spans[0]  # "2022-01-31 | Days: 7": the end is counted from the start
        values["funding"] = paragraphs("\n".join(c.text for c in cells["funding"])) or None
        if not work:
            return
        if len(work) == 1 and not any(values.values()):
            cell = work[0][1]
            lines = cell.text.split("\n")
            if YEAR.match(cell.text) or cell.text.endswith(":") or (
                    len(lines) > 1 and all(split_marker(line)[0] for line in lines)):
                self.cell_lines(cell.text, cell.bold, row.provenance)  # year row, label, list in a cell
                return
            if not REF.match(cell.text) and (cell.bold or len(cell.text) < 100) \
                    and work[0][0] in ("output", "priority_area"):
                self.open_section(cell.text)
                return
        carriers: list[Draft] = []
        own: list[Draft] = []
        top: Draft | None = None
        for role, cell in work:
            if role in ("output", "priority_area"):
                top = self.top_item(role, cell.text, row.provenance) or top
                if top is not None:
                    carriers = [top]
            elif role in ("activity", "milestone"):
                made = self.activities(cell.text, KINDS[role], row.provenance)
                if made:
                    carriers = made
            elif role == "deliverable":
                owner = carriers[-1] if carriers else self.output or self.priority
                text = flat(cell.text.replace("•", " "))
                if text and not is_placeholder(text):
                    ref, text = numbered_cell(text) if not carriers else (None, text)
                    made_one = self.new(ItemKind.DELIVERABLE, text, row.provenance, ref=ref, parent=owner)
                    if not carriers:  # the row's own item: its timeline, lead and funding are the deliverable's
                        own.append(made_one)
        for index, item in enumerate(carriers or own):
            self.fill(item, values, shared=index > 0)

    def top_item(self, role: str, text: str, prov: Provenance) -> Draft | None:
        text = text.strip()
        if is_placeholder(text):
            return None
        dotted = DOTTED_REF.match(text)
        if dotted:  # "1.1 Mapping ..." in a priority-area column is an activity of that area
            parent = self.output or self.priority
            return self.new(ItemKind.ACTIVITY, text[dotted.end():], prov, ref=dotted.group(1), parent=parent)
        ref = None
        match = _OUTPUT_REF.match(text) or _PAREN_REF.match(text)
        if match:
            ref, text = match.group(1).strip(), text[match.end():]
        kind = KINDS[role]
        item = self.new(kind, text, prov, ref=ref)
        if kind is ItemKind.OUTPUT:
            self.output = item
        else:
            self.priority = item
            self.output = None
        return item

    def activities(self, text: str, kind: ItemKind, prov: Provenance) -> list[Draft]:
        """One cell may hold several activities as separate paragraphs ("5.1 ...", "5.2 ...")."""
        made = []
        for part in activity_parts(text):
            part = part.strip()
            if not part or is_placeholder(part):
                continue
            ref, body = part_ref(part)
            made.append(self.new(kind, body, prov, ref=ref, parent=self.output or self.priority))
        return made

    def fill(self, item: Draft, values: dict[str, str | None], shared: bool = False) -> None:
        """Row values go to the item; an activity's empty cell inherits from the activity above (merged cell).

        ``shared``: the item is a later paragraph of a cell holding several activities, so it takes the
        row's values as inherited, as if each activity had its own merged row.
        """
        previous = None
        if item.kind in (ItemKind.ACTIVITY, ItemKind.MILESTONE):
            # the nearest earlier sibling: scan back from the item (just drafted, so near the end)
            seen = False
            for draft in reversed(self.drafts):
                if draft is item:
                    seen = True
                elif seen and draft.parent is item.parent and draft.kind is item.kind:
                    previous = draft
                    break
        for key in ("timeline", "lead", "funding"):
            value = values[key]
            inherited = False
            if value is None and previous is not None:
                value, inherited = self.value_of(previous, key), True
            elif value is not None and shared:
                inherited = True
            if value is None:
                continue
            if key == "timeline":
                item.timeline_text, item.timeline_inherited = value, inherited
            elif key == "funding":
                item.funding_text, item.funding_inherited = value, inherited
            else:
                item.leads = [LeadText(value, Role.LEAD, inherited=inherited)]

    @staticmethod
    def value_of(item: Draft, key: str) -> str | None:
        if key == "timeline":
            return item.timeline_text
        if key == "funding":
            return item.funding_text
        return item.leads[0].text if item.leads else None

