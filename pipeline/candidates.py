"""Candidate work items of an outline: every list item, heading, label block and committing sentence, with
the fields (timeline, leads, funding) that label lines, prose and context give them."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from pipeline.core.enums import BlockKind, ItemKind, Role
from pipeline.core.model import Provenance
from pipeline.core.records import LeadText
from pipeline.labels import in_list, labels
from pipeline.outline import RUN_IN_LEVEL, Node
from pipeline.vocabulary import (
    commits,
    committed_subject,
    conditional_timing,
    labelled_date,
    lead_in_prose,
    names_section,
    owner_prefix,
    section_role,
    split_action_label,
    split_duration,
    split_field_line,
    subject_lead,
)

# the language of the document being read (set by ``recognise.propose``): dates in context and in cells are
# read with its words ("avril 2026 à juin 2026")
READING_LANGUAGE: ContextVar[str] = ContextVar("reading_language", default="en")


@contextmanager
def reading_language(lang: str) -> Iterator[None]:
    """Read dates in ``lang`` inside the block (``READING_LANGUAGE``)."""
    token = READING_LANGUAGE.set(lang)
    try:
        yield
    finally:
        READING_LANGUAGE.reset(token)

SENTENCE = re.compile(r"(?<=[.!?。！？])\s+(?=[A-ZÀ-ÖØ-ÞА-ЯЁ¿¡\"“(\u0600-\u06ff\u4e00-\u9fff])")

_REF = re.compile(
    r"^\s*((?:[A-Z]{1,4}\d{1,2}(?:\.\d{1,2})*)|(?:[A-Z]{2,4}-\d{1,3}(?=[.:)]\s))|(?:\d{1,2}(?:\.\d{1,2})+)"
    r"|(?:#\s?\d{1,3})|(?:\(?[ivx]{1,5}\)))(?=[\s:.)\-–])[\s:.)\-–]*",
)

_NUMBERED_HEADING = re.compile(
    r"^\s*\w[\w ]{0,24}?\s*((?:#|[nN][°º]|[nN]o\.|№)\s?\d{1,3}|\d{1,3}(?:\.\d{1,2})*)\s*[-–:.]\s+(.{3,})$")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")

_URL_ONLY = re.compile(r"^\W*(?:https?://|www\.)\S+\W*(?:[&,]\s*(?:https?://|www\.)\S+\W*)*$")

_HANDLE = re.compile(r"^@[\w-]+$")

_CHECKBOX = re.compile(r"^\[[ xX✓✔]?\]\s+")

ROLE_KEYS = {"lead": Role.LEAD, "co-lead": Role.CO_LEAD, "partner": Role.PARTNER, "contact": Role.CONTACT}

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
    action: bool = False  # marked as an agreed action ("ACTION: ...") or listed under an action-items heading
    marked: bool = False  # the line itself carries the mark ("ACTION: ...")
    description: str | None = None  # the words after a bold name and a colon ("**Dataviz**: integration of ...")
    card: bool = False  # a label/value card (two-column table of fields) describes it
    score: float = 0.0
    kind: ItemKind = ItemKind.ACTIVITY
    block: str | None = None  # the period its table's year row opened ("2017"), else the document's
    timeline_inherited: bool = False  # taken from the item above (a merged cell) or shared by a cell's items
    funding_inherited: bool = False

def fill_context_timelines(cands: list[Candidate], nodes: list[Node]) -> None:
    """Candidates without a timeline of their own take the date printed once for their list or section, or
    the period a labelled line gives the section or the whole plan ("Expected start/end date: July 6 -
    September 11, 2020" under the title)."""
    from pipeline.normalize import timing_in_text

    periods = labelled_periods(nodes)
    for cand in cands:
        if cand.timeline is None and timing_in_text(cand.text, READING_LANGUAGE.get()) is None:
            # an item that says when it happens ("In October 2017 we will open ...") keeps its own date
            n = nodes[cand.node]
            cand.timeline = _context_timeline(nodes, n) or next(
                (periods[h] for h in (*reversed(n.headings), None) if h in periods), None)


def labelled_periods(nodes: list[Node]) -> dict[int | None, str]:
    """Per heading (None: before any), the period a paragraph of its own gives it with a date label
    ("Timeline: Q1-Q3 2025", "Expected start/end date: ..."): a span of days, not one day (a meeting's date
    is when it met, not when its actions are due)."""
    from normalizers import normalize_timeline

    out: dict[int | None, str] = {}
    for n in nodes:
        if n.kind is not BlockKind.PARAGRAPH or len(n.text) > 160:
            continue
        labelled = labelled_date(n.text)
        if not labelled:
            continue
        value = split_duration(labelled)[0]
        t = normalize_timeline(value, READING_LANGUAGE.get())
        if t.start is not None and t.end is not None and t.start < t.end:
            out.setdefault(n.headings[-1] if n.headings else None, value)
    return out


def _context_timeline(nodes: list[Node], n: Node) -> str | None:
    """A date printed once for a whole list: in its intro ("2025 Goals such as:") or its heading ("Q3 2024
    milestones")."""
    from normalizers import find_timeline_phrase

    above = nodes[n.parent] if n.parent is not None else None
    # a lead-in ("2025 Goals such as:") or a bullet that is a period over its sub-list ("* March - May 2015")
    # ... or a short bullet naming a horizon and its date over its sub-list ("Corto plazo (2016)", "Short term: 2025")
    horizon = above is not None and above.kind is BlockKind.LIST_ITEM and (
        is_period_title(above.text)
        or len(above.text) <= _HORIZON_MAX and bool(find_timeline_phrase(above.text, READING_LANGUAGE.get())))
    lead_in = above if above is not None and (above.text.endswith((":", "：")) or horizon) else None
    before = nodes[n.index - 1] if n.index > 0 else None
    # a table under its lead-in ("Iteration planned from 12 March 2025 to 02 July 2025 covering the following:")
    table_lead = before if n.kind is BlockKind.TABLE and before is not None and before.kind is BlockKind.PARAGRAPH \
        and before.text.endswith((":", "：")) else None
    places = ([nodes[n.intro]] if n.intro is not None else []) + ([lead_in] if lead_in else []) \
        + ([table_lead] if table_lead else []) + [nodes[h] for h in reversed(n.headings[-1:])]
    for place in places:
        if place.index == n.index:
            continue
        lang = READING_LANGUAGE.get()
        if len(place.text) <= 160:
            phrase = find_timeline_phrase(place.text, lang)
        else:  # a long lead-in: the date of the sentence that introduces the list ("... 2021年度目标如下："), or
            # the one it opens with ("Hasta el final de 2015 el desarrollo se centrará en ... las siguientes:")
            sentences = [x for x in re.split(r"(?<=[.!?。！？])\s*", place.text.strip()) if x]
            phrase = find_timeline_phrase(sentences[-1], lang) if sentences else None
            if not phrase:
                phrase = find_timeline_phrase(place.text, lang)
                phrase = phrase if phrase and place.text.find(phrase) <= 12 else None
        if not phrase and place.text.endswith((":", "：")) and len(place.text) <= _RELATIVE_INTRO_MAX:
            phrase = _relative_period(place.text.rstrip(":： "))
        if phrase:
            return _period_core(phrase)
    return None


_RELATIVE_INTRO_MAX = 40
_HORIZON_MAX = 40


def _relative_period(text: str) -> str | None:
    """A lead-in that is a span counted from the plan's start ("Within 30 days", "Dans les 30 jours", "Month 6"):
    the timeline of the list it introduces, though it has no calendar date."""
    from normalizers import normalize_timeline

    t = normalize_timeline(text, READING_LANGUAGE.get())
    return text if t.duration is not None or t.relative_to is not None else None

def _period_core(phrase: str) -> str:
    """A date labelling a list ("success through 2025 Goals such as:") names the list's period: a word
    the phrase finder took in front of it ("through") is not a deadline here."""
    from normalizers import normalize_timeline

    t = normalize_timeline(phrase, READING_LANGUAGE.get())
    words = phrase.split()
    if (t.start is None or t.end is None) and len(words) > 1:
        core = " ".join(words[1:])
        c = normalize_timeline(core, READING_LANGUAGE.get())
        if c.start is not None and c.end is not None:
            return core
    return phrase

def owner_of(n: Node, by_node: dict[int, Candidate], heading_owner: dict[int, Candidate]) -> Candidate | None:
    """The candidate a label line or prose lead under ``n``'s place belongs to: its list parent, else the
    innermost heading that is a candidate."""
    if n.parent is not None and n.parent in by_node:
        return by_node[n.parent]
    return next((heading_owner[h] for h in reversed(n.headings) if h in heading_owner), None)

def give_field(owner: Candidate | None, key: str, label: str, value: str, n: Node) -> None:
    if owner is None or not value:
        return
    if key in ("note", "other"):
        lead = lead_in_prose(value)  # "Note: This work is a joint deliverable with the X Working Group."
        if lead and not owner.leads:
            owner.leads.append(LeadText(lead, Role.LEAD))
        return
    if key == "timeline" and owner.timeline is None:
        owner.timeline = value
    elif key in ROLE_KEYS:
        owner.leads.append(LeadText(" ".join(value.split()), ROLE_KEYS[key]))
    elif key == "funding" and owner.funding is None:
        owner.funding = value

def heading_candidate(n: Node, role: int, section: str | None, repeated_top: bool = False) -> Candidate | None:
    """A heading is a candidate unless it names a kind of section itself ("Deliverables", "Background").
    ``repeated_top``: the document has several top-level headings of the same form ("# Milestone 1", "# Milestone
    2"), so a top-level heading is one of them, not the document's title."""
    if n.level <= 1 and not n.headings and not repeated_top:
        return None  # the document's title
    if n.level == RUN_IN_LEVEL and n.block is not None and n.block.kind is not BlockKind.HEADING:
        return None  # a bold run-in label ("Software Functionality") groups items; it is none itself
    text, ref = n.text.rstrip(":："), None
    numbered = _NUMBERED_HEADING.match(text)
    if numbered:  # "Milestone #2 - v2 Cadastre UI", "Action 3: ..."
        if numbered_work(text):
            role = max(role, 1)  # "Engagement n°3 : ...", "Deliverable 2: ...": numbered as one of a kind of work
        ref, text = numbered.group(1).replace(" ", ""), numbered.group(2)
    else:
        alone = _KIND_NUMBER.match(text)  # "Milestone 3": one of a kind of work, by its number alone
        if alone and numbered_work(text):
            ref, role = alone.group(1), max(role, 1)
        elif names_section(text):
            return None  # "Deliverables", "Background": it names a kind of section
        else:
            ref, text = split_ref(text)
    if len(text) < 2 or text.endswith("?") or is_period_title(text):
        return None
    return Candidate(n.index, "heading", text, n.provenance, ref=ref, section=section, role=role,
                     numbered=ref is not None, kind=ItemKind.DELIVERABLE)

_KIND_NUMBER = re.compile(r"^\s*[^\W\d_][^\W\d]*(?:\s+[^\W\d]+){0,3}\s*(?:#|[nN][°º]|[nN]o\.|№)?\s?(\d{1,3})\s*$")


def numbered_work(text: str) -> bool:
    """A heading numbered as one of a kind of work: ``numbered_work("Engagement n°3 : Réduire ...")`` -> True
    (the label's plural is a work word), ``numbered_work("Chapter 3: Context")`` -> False."""
    numbered = _NUMBERED_HEADING.match(text) or _KIND_NUMBER.match(text)  # "Milestone 3", by its number alone
    label = text[:numbered.start(1)].strip(" #№") if numbered else ""
    label = re.sub(r"\s+[nN][°º]$|\s+[nN]o\.$", "", label)
    if not label or re.search(r"\d", label):
        return False  # "Roadmap 2025": a year, not a number among items
    plural = re.sub(r"(?<=[^aeiou])y$", "ie", label) + "s"  # "Priority" -> "Priorities"
    return section_role(label) > 0 or section_role(plural) > 0 or in_list(label, "section_prefixes") \
        or in_list(label, "period_units")  # "Iteration 2", "Phase 1": a period of the work, its items below


def is_period_title(text: str) -> bool:
    """A heading that is a period, its items below ("Q3 2024", "1er trimestre : avril 2026 à juin 2026"): its
    date phrase makes up most of it."""
    from normalizers import find_timeline_phrase

    phrase = find_timeline_phrase(text, READING_LANGUAGE.get())
    if not phrase:
        return False
    alnum = sum(ch.isalnum() for ch in text)
    return sum(ch.isalnum() for ch in phrase) >= 0.6 * alnum


_STRUCK = re.compile(r"^\s*~~[^~].*~~\s*$", re.S)


def struck(text: str) -> bool:
    """A line struck through as a whole (``~~2.4 Annex C~~``): cancelled, no item."""
    return bool(_STRUCK.match(text))


def split_ref(text: str) -> tuple[str | None, str]:
    match = _REF.match(text)
    if match and len(text) > match.end() + 2:
        return match.group(1).strip(), text[match.end():].strip()
    return None, text

# a tracker's code of three or more hyphenated parts, after at most one word (the month it was raised), then ":"
_CODED_LINE = re.compile(r"^(?:[^\W\d_]{2,9}\.?\s+)?([A-Z][A-Z0-9]*(?:-[A-Z0-9]+){2,})\s*[:：]\s*(\S.*)$", re.S)


def list_candidate(n: Node, role: int, section: str | None) -> Candidate | None:
    lines = n.text.split("\n")
    body = [lines[0]] + [ln for ln in lines[1:] if split_field_line(ln.strip()) is None]
    text = _CHECKBOX.sub("", " ".join(" ".join(body).split()))  # "[ ] task", "[x] task": a task list's box
    if not text or struck(text) or _URL_ONLY.match(text) or _HANDLE.match(text) \
            or _EMAIL.search(text) and len(_EMAIL.sub("", text).split()) <= 4:
        return None  # a link, a handle or a contact person, not a work item (an action may give an address)
    if in_list(text, "status_words"):
        return None  # "Ongoing", "Completed": a status (or a status form's choices), never an item
    marked, text = split_action_label(text)
    coded = _CODED_LINE.match(text)  # "Sep ACT-OWIS-DC-2016-01: LM - Creation ...": a tracker code, then the action
    code = coded.group(1) if coded else None
    if coded:
        text = coded.group(2)
    leads = []
    owned = owner_prefix(text)
    if owned is not None and (owned[1] == text or (section is not None and in_list(section, "action_labels",
                                                                                      prefix=True))):
        leads.append(LeadText(owned[0], Role.LEAD))  # "Silona - to reach out ...", "Ken Museth: Feedback ..."
        text = owned[1]
    timeline = None
    head, sep, tail = text.rpartition(":")
    if sep and head and tail.strip():
        tail = tail.strip()
        if in_list(tail, "status_words") or _status_note(tail):
            text = head.strip()  # "Complete transition to Conan: DONE": a status, not part of the item
        elif is_timeline(tail) or in_list(tail, "placeholders"):  # "Guide published: TBC": date to come
            timeline = tail  # the line stays as printed ("First meeting: 8 February 2010"), its date read
    if timeline is None:
        first, sep, rest = text.partition(":")
        if sep and rest.strip() and is_timeline(first) and len(first) < 30:
            timeline, text = first.strip(), rest.strip()
    ref = code
    if ref is None and n.marker and n.marker[0].isalnum():
        ref = n.marker.rstrip(".")
    elif ref is None:
        ref, text = split_ref(text)
    text = _answer_of_question(text.rstrip(" ;；,:"))
    if timeline is None:
        timeline = split_duration(text)[1]  # "(2 weeks)" stays in the text as printed, and is its timeline
    if timeline is None:
        timeline = conditional_timing(text)
    text, description = named_term(text) if n.bold else (text, None)
    if len(text) < 2:
        return None
    return Candidate(n.index, "list_item", text, n.provenance, ref=ref, section=section, role=role,
                     timeline=timeline, numbered=ref is not None, leads=leads, marked=marked,
                     description=description,
                     action=marked or (section is not None and in_list(section, "action_labels", prefix=True)))

def named_term(text: str) -> tuple[str, str | None]:
    """A line that opens with a name in bold and then says what it is: the name is the item, the rest its
    description. ``named_term("Dataviz: integration of the data module")`` -> ("Dataviz", "integration of the
    data module"); a short or sentence-like head, or a tail of a word or two, stays whole."""
    name, sep, rest = text.partition(":")
    name, rest = name.strip(" *_"), rest.strip(" *_")
    if not sep or not name or len(name) > 100 or len(name.split()) > 12 or any(ch in name for ch in ".;?!") \
            or len(rest.split()) < 3 or split_ref(text)[0] is not None or re.search(r"\d", name) and len(name) <= 8:
        return text, None  # "**M1a**: Create ...": a code, the ref of what follows
    return name, rest


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

def is_timeline(text: str) -> bool:
    """A short phrase that is a date, period or placeholder date ("Apr 2025", "Q1 2025", "Date TBD")."""
    from normalizers import normalize_timeline

    text = text.strip()
    if not text or len(text) > 40:
        return False
    t = normalize_timeline(text, READING_LANGUAGE.get())
    if t.tbc:
        return True
    if not t.parsed:
        return False
    words = re.findall(r"[^\W\d_]{3,}", text)
    return len(words) <= 3

def prose_candidates(n: Node, role: int, section: str | None, owner: Candidate | None) -> list[Candidate]:
    """Sentences of a paragraph: a lead named in prose goes to the owner; a committing sentence in a
    work section is a candidate ("Goal: ..." lines are label blocks)."""
    text = " ".join(n.text.split())
    first, sep, rest = text.partition(":")
    if sep and rest.strip() and len(first) < 30 and section_role(first) > 0:
        cand = Candidate(n.index, "label_block", rest.strip(), n.provenance, section=section, role=max(role, 1))
        subject = committed_subject(cand.text)
        if subject:  # "Action 04: Cabinet Office will support ...": the body the line commits
            cand.leads.append(LeadText(subject, Role.LEAD))
        return [cand]
    out = []
    named: str | None = None  # the last body named in full in this paragraph
    for sentence in SENTENCE.split(text):
        lead = lead_in_prose(sentence)
        if lead and owner is not None and not owner.leads:
            owner.leads.append(LeadText(lead, Role.LEAD))
            continue
        subject = subject_lead(sentence) if len(sentence) > 25 else None
        if subject and len(subject.split()) > 1:
            named = subject
        elif subject and named and named.lower().startswith(subject.lower() + " "):
            subject = named  # "Le ministère s'engage également ...": the ministry just named
        stated = item_statement(sentence) if role >= 0 else None
        if stated is not None:  # "The deliverable will be two official releases per year": the thing named
            # read as a label line is ("Deliverable: ..."): the words before the thing name its kind
            out.append(Candidate(n.index, "label_block", stated[1], n.provenance, section=section,
                                 role=max(role, 1), parent=owner, kind=stated[0]))
            continue
        if (role > 0 and commits(sentence) or role == 0 and subject) and len(sentence) > 25 \
                and not sentence.endswith(("?", ":")):
            cand = Candidate(n.index, "prose_sentence", sentence, n.provenance, section=section, role=role,
                             parent=owner)
            if subject:
                cand.leads.append(LeadText(subject, Role.LEAD))  # the body the sentence commits
            out.append(cand)
    return _dated_paragraph(text, out)


@functools.cache
def _statement_patterns() -> tuple[tuple[ItemKind, re.Pattern[str]], ...]:
    out = []
    for kind, words in labels()["item_statements"].items():  # the six languages' phrases, merged by labels()
        phrases = sorted(set(words), key=len, reverse=True)
        alt = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
        out.append((ItemKind(kind), re.compile(rf"^\s*(?:{alt})\s*:?\s+(\S.{{5,}}?)\s*[.;]?$", re.I | re.S)))
    return tuple(out)


def item_statement(sentence: str) -> tuple[ItemKind, str] | None:
    """The kind and text of what a sentence says the work will deliver: ``item_statement("The deliverable will be
    two releases per year.")`` -> ``(ItemKind.DELIVERABLE, "two releases per year")``; None for any other."""
    for kind, pattern in _statement_patterns():
        m = pattern.match(sentence)
        if m:
            return kind, m.group(1)
    return None


def _dated_paragraph(text: str, cands: list[Candidate]) -> list[Candidate]:
    """A paragraph that opens with when its work happens ("En la primera mitad de 2016 se desarrollará el espacio de
    Presupuestos participativos. Este espacio permitirá ...", "By March 2015, the CDO will ..."): one commitment,
    its first sentence the item and the rest its description."""
    from normalizers import find_timeline_phrase

    if len(cands) < 2:
        return cands
    first = cands[0]
    phrase = find_timeline_phrase(first.text, READING_LANGUAGE.get())
    if not phrase or first.text.find(phrase) > 12 or not text.startswith(first.text):
        return cands
    # a later sentence naming a body of its own ("IOM will publish ...") is a commitment of its own
    own = [c for c in cands[1:] if c.leads]
    rest = text[text.find(first.text) + len(first.text):]
    for c in own:
        rest = rest.replace(c.text, " ")
    first.description = " ".join(rest.split()) or None
    return [first, *own]

def key_of(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
