"""Assembly: a Document's blocks to WorkItems with hierarchy, section, block and raw lead/timeline/funding."""

from __future__ import annotations

import hashlib
import re

from pipeline.core.enums import BlockKind, ItemKind, Role
from pipeline.core.model import Block, Document, Provenance
from pipeline.core.records import ErrorItem, LeadText, WorkItem
from pipeline.drafts import Draft, combine_readers
from pipeline.fragments import join_fragments, remove_running_headers
from pipeline.labels import classify, in_list, split_label
from pipeline.table_candidates import YEAR, flat
from pipeline.table_items import TableAssembly

_PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*(?:[-–/]|\s)\s*((?:19|20)\d{2})\b")
_NUMBERED_TITLE = re.compile(r"^\(?(\d{1,2})[.)]\s+(.{3,200})$", re.S)
_MARGIN_NUMBER = re.compile(r"^\d{1,3}\s+(?=[A-Z][a-z])")
_PRONOUN_START = re.compile(r"^(They|This|These|It|Each|Such|Those)\b")
_METHODS = {BlockKind.TABLE: "table_row", BlockKind.LIST_ITEM: "list_item", BlockKind.HEADING: "heading",
            BlockKind.PARAGRAPH: "label_block"}
_LEAD_ROLES = {
    "co-lead": Role.CO_LEAD,
    "lead": Role.LEAD,
    "member": Role.MEMBER,
    "chair": Role.CHAIR,
    "co-chair": Role.CO_CHAIR,
}


def document_period(blocks: list[Block]) -> str | None:
    """The plan period printed near the top: "2016-2018", "2010", or None."""
    head = " ".join(b.text for b in blocks[:8] if b.kind is not BlockKind.TABLE)
    match = _PERIOD.search(head)
    if match and match.group(1) < match.group(2):
        return f"{match.group(1)}-{match.group(2)}"
    single = re.search(r"\b(?:work\s*plan|workplan|plan de travail|plan de trabajo)\s+((?:19|20)\d{2})\b", head, re.I)
    return single.group(1) if single else None


class Assembler(TableAssembly):
    """Walks blocks in reading order, keeping the context (block, section, parents, mode) items need."""

    def __init__(self, doc: Document, document_id: str, lang: str = "en") -> None:
        self.doc = doc
        self.lang = lang
        self.document_id = document_id
        self.drafts: list[Draft] = []
        self.outputs_of: dict[int, list[Draft]] = {}  # id(priority area) -> its outputs, for match_output
        self.warnings: list[ErrorItem] = []
        blocks = join_fragments(remove_running_headers(list(doc.blocks)))
        self.blocks = blocks
        self.period = document_period(blocks)
        self.block: str | None = self.period
        self.section: str | None = None
        self.section_key = 0
        self.priority: Draft | None = None
        self.output: Draft | None = None
        self.list_parent: Draft | None = None
        self.mode: str | None = None
        self.pending_label: str | None = None
        self.document_leads: list[LeadText] = []
        self.group_leads: dict[int, list[LeadText]] = {}
        self.subtitle: str | None = None
        self.title_seen = False
        self.last_roles: dict[int, str] | None = None
        self.header_texts: dict[int, str] = {}
        self.in_run = False
        self.run_intro = False
        self.run_first_type: str | None = None
        self.last_prose = ""
        self.method = "list_item"

    # -- items -------------------------------------------------------------------------------
    def new(
        self,
        kind: ItemKind,
        text: str,
        prov: Provenance,
        ref: str | None = None,
        parent: Draft | None = None,
        section: str | None = None,
    ) -> Draft:
        draft = Draft(
            kind,
            flat(text),
            prov,
            ref=ref,
            parent=parent,
            section=section or self.section,
            block=self.block,
            section_key=self.section_key,
            method=self.method,
        )
        self.drafts.append(draft)
        if kind is ItemKind.OUTPUT:
            self.outputs_of.setdefault(id(parent), []).append(draft)
        return draft

    def open_section(self, title: str) -> None:
        self.section = flat(title)
        self.section_key += 1
        self.priority = self.output = self.list_parent = None

    def add_lead(self, role_key: str, text: str) -> None:
        lead = LeadText(flat(text), _LEAD_ROLES[role_key])
        if self.section is None and not self.drafts:
            self.document_leads.append(LeadText(lead.text, lead.role, scope="document"))
        else:
            self.group_leads.setdefault(self.section_key, []).append(LeadText(lead.text, lead.role, scope="group"))

    # -- text blocks -------------------------------------------------------------------------
    def on_line(self, kind: BlockKind, text: str, marker: str | None, level: int, bold: bool, prov: Provenance) -> None:
        text = text.strip()
        first = text.split("\n")[0].strip()
        if not first:
            return
        self.track_list(kind, first, marker)
        if kind is BlockKind.HEADING or (bold and marker is None):
            self.mode = None  # a heading ends any list the previous label opened
        if self.pending_label:
            role, self.pending_label = self.pending_label, None
            self.add_lead(role, text)
            return
        label = split_label(first, "lead_labels")
        if label and label[1]:
            self.add_lead(label[0], " ".join([label[1], *text.split("\n")[1:]]))
            return
        if classify(first, "lead_labels") and marker is None and len(first) < 30:
            self.pending_label = classify(first, "lead_labels")
            return
        if split_label(first, "ignored_labels", suffix=True) or (
                marker is None and in_list(first, "ignored_labels", suffix=True)):
            return
        year = YEAR.match(first) if marker is None else None
        if year and (bold or kind is BlockKind.HEADING):
            self.block = first.replace(" ", "").replace("–", "-")
            self.mode = None
            return
        period = self.period_heading(first)
        if period:
            self.block = period
            self.mode = None
            return
        mode = self.mode_label(first, kind)
        if mode:
            self.mode = mode
            if mode == "deliverables":
                self.open_section(first.rstrip(":"))
            self.list_parent = None
            return
        if marker is None and classify(first, "section_prefixes", prefix=True) and ":" in first:
            self.open_section(first)
            ref, _, title = first.partition(":")
            self.priority = self.new(ItemKind.PRIORITY_AREA, title, prov, ref=ref.strip())
            self.mode = "items"
            return
        numbered = self.numbered_title(first, marker, level)
        if numbered:
            ref, title = numbered
            self.open_section(title.rstrip(":"))
            self.priority = self.new(ItemKind.PRIORITY_AREA, title.rstrip(":"), prov, ref=ref)
            self.mode = "milestones" if title.endswith(":") else None
            return
        if self.mode == "skip" and marker is None:
            self.mode = None  # prose after a skipped list ("Objectives:") ends it
        handler = getattr(self, f"in_{self.mode}", None) if self.mode else None
        if handler:
            handler(text, marker, prov)
        elif (
            self.subtitle is None
            and not self.drafts
            and marker is None
            and len(first) < 150
            and ":" not in first
            and not YEAR.match(first)
        ):
            if self.title_seen:
                self.subtitle = first
            self.title_seen = True

    def track_list(self, kind: BlockKind, text: str, marker: str | None) -> None:
        """Remember how the current run of list items began (its first marker type, a "...:" intro)."""
        if kind is not BlockKind.LIST_ITEM or marker is None:
            self.in_run = False
            self.last_prose = text
            return
        if not self.in_run:
            self.in_run = True
            self.run_intro = self.last_prose.endswith(":")
            self.run_first_type = marker_type(marker)

    def period_heading(self, text: str) -> str | None:
        if not classify(text, "period_prefixes", prefix=True):
            return None
        match = _PERIOD.search(text)
        if match and len(text) < 40:
            return f"{match.group(1)}-{match.group(2)}"
        return None

    def mode_label(self, text: str, kind: BlockKind) -> str | None:
        if text.endswith(":") or kind is BlockKind.HEADING:
            return classify(text, "mode_labels", suffix=True)
        return "skip" if classify(text, "mode_labels", suffix=True) == "skip" and len(text) < 40 else None

    def numbered_title(self, text: str, marker: str | None, level: int) -> tuple[str, str] | None:
        if self.mode in ("outputs", "deliverables", "skip") or (marker is not None and level > 0):
            return None
        if marker is not None:
            if not re.fullmatch(r"\(?\d{1,2}[.)]", marker):
                return None
            if self.run_intro and self.run_first_type == "number":
                return None  # an item of a numbered list that a "...:" line introduced
            ref, title = marker.strip("().").rstrip(")"), text
        else:
            match = _NUMBERED_TITLE.match(text)
            if not match:
                return None
            ref, title = match.group(1), match.group(2)
        if title.endswith(".") or len(title) > 200 or "\n" in title.strip():
            return None
        return ref, title

    # modes: a list item or paragraph inside a known kind of list
    def in_items(self, text: str, marker: str | None, prov: Provenance) -> None:
        """Bullets under a working group / thematic priority heading; status check-boxes skipped."""
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        if marker is None or in_list(lines[0], "status_words"):
            return
        timeline = None
        body = []
        for line in lines:
            label = line.partition(":")
            if label[1] and in_list(label[0], "inline_timeline_labels"):
                timeline = label[2].strip() or None
            else:
                body.append(line)
        if not body:
            return
        item = self.new(ItemKind.ACTIVITY, body[0], prov, parent=self.priority)
        item.timeline_text = timeline

    def in_outputs(self, text: str, marker: str | None, prov: Provenance) -> None:
        """Outputs under "Key outputs:" or "First semester outputs:" ("1. ...", "a) ..."); prose is description."""
        if marker is None or not re.fullmatch(r"\(?(\d{1,2}|[a-z])[.)]", marker):
            return
        ref = marker if marker.endswith(")") else marker.rstrip(".")
        self.output = self.new(ItemKind.OUTPUT, text, prov, ref=ref, parent=self.priority)

    def in_deliverables(self, text: str, marker: str | None, prov: Provenance) -> None:
        if marker is None:
            return
        self.new(ItemKind.DELIVERABLE, text, prov, ref=marker.strip("().").rstrip(")"))

    def in_milestones(self, text: str, marker: str | None, prov: Provenance) -> None:
        """Under a timeline heading: "a) Handbook:" picks the output, bullets are its milestones."""
        if marker is not None and re.fullmatch(r"[a-z][.)]", marker):
            self.list_parent = self.match_output(marker, text)
            return
        if marker is None:
            return
        parent = self.list_parent or self.priority
        item = self.new(ItemKind.MILESTONE, text, prov, parent=parent)
        item.timeline_text = milestone_phrase(item.text)

    def in_activities(self, text: str, marker: str | None, prov: Provenance) -> None:
        """Under "Activities:": sentences and lettered lines are activities; bullets under a ":" line are children."""
        text = flat(text)
        if marker is None:
            self.list_parent = None
            if _PRONOUN_START.match(text) or in_list(text, "inline_timeline_labels") or classify(text, "mode_labels"):
                return  # prose about the activities, or a bare "Timeline" caption
            item = self.new(ItemKind.ACTIVITY, text, prov, parent=self.priority)
            heading = len(text) < 120 and not text.endswith((".", ";"))  # a short unpunctuated line heads a group
            self.list_parent = item if text.endswith(":") or heading else None
            return
        if re.fullmatch(r"\d{1,2}", text):
            return
        if not marker[:1].isalnum():
            # a bulleted line has no number of its own: one printed before its first capitalised word is a page
            # or margin number of the PDF the text was copied from ("- 6 Explore connections with ...")
            text = _MARGIN_NUMBER.sub("", text)
        ref = marker.rstrip(".") if re.fullmatch(r"[a-z][.)]", marker) else None
        self.new(ItemKind.ACTIVITY, text, prov, ref=ref, parent=self.list_parent or self.priority)

    def match_output(self, marker: str, heading: str) -> Draft | None:
        """The output a timeline sub-heading is about: best word overlap among this area's outputs."""
        outputs = self.outputs_of.get(id(self.priority), [])  # indexed: no scan of every draft per sub-heading
        if not outputs:
            return None
        words = set(re.findall(r"\w{3,}", heading.lower()))

        def score(d: Draft) -> tuple[float, bool]:
            own = set(re.findall(r"\w{3,}", d.text.lower()))
            return (len(words & own) / (len(words | own) or 1), d.ref == marker)

        best = max(outputs, key=score)
        return best if score(best)[0] > 0 else next((d for d in outputs if d.ref == marker), None)

    def warn(self, stage: str, category: str, message: str, prov: Provenance) -> None:
        self.warnings.append(ErrorItem(self.doc.source, stage, category, message, prov.page, prov.line_start))

    # -- driver ------------------------------------------------------------------------------
    def run(self) -> list[WorkItem]:
        for block in self.blocks:
            self.method = _METHODS[block.kind] if block.marker is None else "list_item"
            if block.kind is BlockKind.TABLE:
                self.on_table(block)
            else:
                if block.kind is BlockKind.HEADING:
                    self.last_roles = None  # a table after a heading is its own, not the one before continued
                self.on_line(block.kind, block.text, block.marker, block.level, block.bold, block.provenance)
        self.add_recognised()
        return self.finish()

    def add_recognised(self) -> None:
        """Items the general recogniser finds where the layout rules found none (see ``combine_readers``)."""
        block = self.block if self.block == self.period else None
        self.drafts = combine_readers(self.drafts, self.blocks, self.group_leads, block, self.lang)

    def finish(self) -> list[WorkItem]:
        ids: dict[int, str] = {}
        seen: dict[str, int] = {}
        items = []
        for draft in self.drafts:
            if draft.section is None and self.subtitle:
                draft.section = self.subtitle
            key = "|".join(
                [
                    self.document_id,
                    draft.block or "",
                    draft.section or "",
                    draft.kind.value,
                    draft.ref or "",
                    draft.text,
                ]
            )
            n = seen.get(key, 0)
            seen[key] = n + 1
            item_id = hashlib.sha1(f"{key}|{n}".encode()).hexdigest()[:16]
            ids[id(draft)] = item_id
            leads = [*draft.leads, *self.group_leads.get(draft.section_key, []),
                     *(self.document_leads if draft.section_key >= 0 else [])]
            items.append(
                WorkItem(
                    item_id=item_id,
                    document_id=self.document_id,
                    kind=draft.kind,
                    text=draft.text,
                    description=draft.description,
                    parent_id=ids.get(id(draft.parent)) if draft.parent else None,
                    section=draft.section,
                    block=draft.block,
                    ref=draft.ref,
                    page=draft.provenance.page,
                    locator=draft.provenance.locator,
                    timeline_text=draft.timeline_text,
                    timeline_inherited=draft.timeline_inherited,
                    funding_text=draft.funding_text,
                    funding_inherited=draft.funding_inherited,
                    leads=tuple(leads),
                    method=draft.method,
                    confidence=draft.confidence,
                )
            )
        return items


def marker_type(marker: str) -> str:
    """``"2."`` -> "number", ``"b)"`` -> "letter", ``"•"`` -> "bullet"."""
    core = marker.strip("().")
    if core.isdigit():
        return "number"
    return "letter" if core.isalpha() else "bullet"


def milestone_phrase(text: str) -> str | None:
    """The timeline phrase of a dated bullet, via the timeline normaliser's phrase finder."""
    from normalizers import find_timeline_phrase

    return find_timeline_phrase(text)


def assemble(doc: Document, document_id: str) -> tuple[list[WorkItem], list[ErrorItem]]:
    """Work items and item-level warnings of a document.

    ``assemble(text.extract(Path("raw/wg6.txt")), "wg6.txt")[0][0].kind`` -> ``ItemKind.PRIORITY_AREA``.
    """
    assembler = Assembler(doc, document_id)
    items = assembler.run()
    return items, assembler.warnings
