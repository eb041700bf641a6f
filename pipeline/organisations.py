"""Organisations of a run: one id per body across all documents, from the agency list or minted from the
documents' own evidence (an acronym defined in the text, the same name written with small differences)."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.core.records import FundingAgencyRow, LeadRow

_DEFINED = re.compile(r"^(?P<name>.{4,}?)\s*[(（]\s*(?P<acr>[A-ZÀ-ÞА-ЯЁ][A-Za-zÀ-ÿА-Яа-яЁё0-9&.\-]{1,14})\s*[)）]$")
_ACRONYM = re.compile(r"^[A-ZА-ЯЁ][A-ZА-ЯЁ0-9&.\-]{1,14}$")
_FOOTNOTE = re.compile(r"[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰]+$|(?<=[A-Za-z])\d{1,2}$")
_ARTICLE = re.compile(r"^(?:the|la|le|les|el|los|las|l['’])\s+", re.I)


def clean_name(text: str) -> str:
    """A mention as a name: footnote marks, a closing full stop and a leading article dropped.

    ``clean_name("the XYZ Council*.")`` -> ``"XYZ Council"``.

    >>> clean_name("the XYZ Council*.")
    'XYZ Council'
    """
    name = " ".join(text.split()).strip(" .,;:")
    name = _FOOTNOTE.sub("", name).strip(" .,;:")
    return _ARTICLE.sub("", name)


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+", " ", folded).strip()


def _slug(key: str) -> str:
    return re.sub(r"\s+", "-", key)[:60].strip("-")


@functools.cache
def _group_pattern() -> re.Pattern[str]:
    from pipeline.labels import labels

    words = sorted({w.casefold() for w in labels()["group_words"]}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"^(?:{alternatives})\b|\b(?:{alternatives})$")


def _kind(name: str, is_group: bool) -> str:
    if name.startswith("@"):
        return "person"
    return "group" if is_group or _group_pattern().search(name.casefold()) else "organisation"


@dataclass
class _Body:
    org_id: str
    kind: str
    first_document: str
    names: set[str] = field(default_factory=set)
    acronym: str | None = None
    mentions: int = 0


MentionIds = dict[tuple[str, str], str]


def _placeholder(mention: LeadRow | FundingAgencyRow) -> bool:
    return isinstance(mention, LeadRow) and mention.placeholder  # "TBC" names no body


def mint_organisations(mentions: list[LeadRow | FundingAgencyRow],
                       agencies: dict[str, dict]) -> tuple[MentionIds, list[dict]]:
    """Give every mention (lead or funding agency rows; placeholder leads left out) an ``org_id``.

    Known agencies keep their list id. Any other body gets ``org:<name>`` (``group:<name>`` for a group):
    the same name written with other case, accents or a footnote mark is the same body in every document; an
    acronym defined in a document ("Departamento Nacional de Planeación (DNP)") and that acronym alone later
    in the same document are one body; a bare acronym no document defines stays local to its document
    (``org:<acronym>@<document hash>``), since two bodies may share it. Returns the id of each
    ``(document_id, agency_text)`` and the ``organisations`` rows.
    """
    defined: dict[tuple[str, str], str] = {}  # (document, acronym) -> long-name key
    for m in mentions:
        if m.agency_id or _placeholder(m):
            continue
        found = _DEFINED.match(clean_name(m.agency_text))
        if found and _ACRONYM.match(found.group("acr")):
            defined[(m.document_id, found.group("acr"))] = _key(clean_name(found.group("name")))
    bodies: dict[str, _Body] = {}
    ids: dict[tuple[str, str], str] = {}
    for m in mentions:
        if _placeholder(m):
            continue
        doc, text = m.document_id, m.agency_text
        if m.agency_id:
            org_id, kind, name, acronym = m.agency_id, "organisation", text, None
            agency = agencies.get(org_id)
            if agency:
                name, acronym = agency.get("name_en") or text, agency.get("acronym")
            body = bodies.setdefault(org_id, _Body(org_id, kind, doc, acronym=acronym))
            body.names.add(name)
            body.mentions += 1
            ids[(doc, text)] = org_id
            continue
        name = clean_name(text)
        found = _DEFINED.match(name)
        acronym = found.group("acr") if found and _ACRONYM.match(found.group("acr")) else None
        if found and acronym:
            key = _key(clean_name(found.group("name")))
        elif _ACRONYM.match(name) and (doc, name) in defined:
            key, acronym = defined[(doc, name)], name
        elif _ACRONYM.match(name):
            key = f"{_key(name)} {hashlib.sha1(doc.encode()).hexdigest()[:6]}"
            acronym = name
        else:
            key = _key(name)
        if not key:
            continue
        kind = _kind(name, m.is_group)
        org_id = f"{'group' if kind == 'group' else 'org'}:{_slug(key)}"
        body = bodies.setdefault(org_id, _Body(org_id, kind, doc))
        body.names.add(clean_name(found.group("name")) if found and acronym else name)
        body.acronym = body.acronym or acronym
        body.mentions += 1
        ids[(doc, text)] = org_id
    rows = [{
        "org_id": b.org_id, "name": max(sorted(b.names), key=len), "acronym": b.acronym, "kind": b.kind,
        "source": "list" if b.org_id in agencies else "document", "first_document_id": b.first_document,
        "names": " | ".join(sorted(b.names)), "mentions": b.mentions,
    } for b in sorted(bodies.values(), key=lambda b: b.org_id)]
    return ids, rows
