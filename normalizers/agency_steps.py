"""Agency resolution steps on known names: the cell, the spaCy matches, merges, parentheses and cue words."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from normalizers.agency_lexicon import Folded, Lexicon, fold, fold_phrase, lexicon
from pipeline.core.enums import Role

if TYPE_CHECKING:
    from spacy.tokens import Span

_CHAIR_ROLES = (Role.CHAIR, Role.CO_CHAIR)
_APPOSITION_WORDS = 3  # "Development Centre, Organisation for Economic Co-operation ...": a comma joins long names


@dataclass(frozen=True)
class Hit:
    """A span of the original text naming an organisation, a group, or an unknown organisation."""

    start: int
    end: int
    agency_id: str | None = None
    is_group: bool = False
    role: Role | None = None  # set when the words say so; otherwise the cell's role applies
    silent: bool = False  # words already accounted for ("GMG Chair" of "GMG Chair (UNU)"): not a mention


@dataclass(frozen=True)
class CellText:
    """A cell being resolved: its text, folded form, language lexicon and where the names start."""

    text: str
    folded: Folded
    lex: Lexicon
    body_start: int
    role: Role | None


def make_cell(text: str, lang: str, default_role: Role | None) -> CellText:
    """Fold the text and strip a leading label ("Members:", "Codirection :"), whose role wins.

    >>> cell = make_cell("Codirection : OIM, PNUD", "fr", Role.LEAD)
    >>> cell.text[cell.body_start:], cell.role.value
    ('OIM, PNUD', 'co-lead')
    """
    lex = lexicon((lang or "en").lower().split("-")[0].split("_")[0])
    folded = fold(text)
    m = lex.label_re.match(folded.text)
    if m:
        after = folded.offsets[m.end("label")]
        sep = re.match(r"[ \u00a0]*(?:[:：]|\t|\r?\n)\s*", text[after:])
        if sep:
            return CellText(text, folded, lex, after + sep.end(), lex.labels[m["label"]])
    return CellText(text, folded, lex, 0, default_role)


MAX_WORD = 64  # no organisation's name has a word this long; a longer run of non-blanks is split for spaCy


def bounded_words(text: str) -> str:
    """``text`` with a blank in place of every ``MAX_WORD``-th character of a run without blanks (same length, so
    offsets hold). spaCy's tokenizer strips a long word's prefixes and suffixes one at a time, each search a scan of
    the rest: "<" * 5,000 took 5 s, quadratic in the run's length.

    >>> len(bounded_words("=" * 200).split())
    4
    """
    return text if len(text) < MAX_WORD else _LONG_WORD.sub(_split_word, text)


_LONG_WORD = re.compile(r"\S{" + str(MAX_WORD) + ",}")


def _split_word(match: re.Match[str]) -> str:
    chars = list(match[0])
    chars[MAX_WORD - 1::MAX_WORD] = " " * len(chars[MAX_WORD - 1::MAX_WORD])
    return "".join(chars)


def match_known(cell: CellText) -> list[Hit]:
    """Agencies and groups found by the spaCy matchers; overlaps resolved longest-first.

    >>> cell = make_cell("GMG agencies and ILO-ITC", "en", None)
    >>> [(cell.text[h.start:h.end], h.agency_id, h.is_group) for h in match_known(cell)]
    [('GMG agencies', None, True), ('ILO-ITC', 'ITC-ILO', False)]
    """
    from spacy.tokens import Span
    from spacy.util import filter_spans

    doc = cell.lex.nlp.make_doc(bounded_words(cell.folded.text))
    strings = cell.lex.nlp.vocab.strings
    spans = []
    for key, s, e in cell.lex.agencies(doc):
        span = Span(doc, s, e, label=key)
        if strings[key].endswith("#a") and not _capitals_ok(cell.text[slice(*_original(cell, span))]):
            continue  # "who" in prose is not WHO
        spans.append(span)
    groups = [Span(doc, s, e, label="group") for _, s, e in cell.lex.groups(doc)]
    if len(cell.lex.group_codes):  # the code as printed must be capitals: "CDTF", not "cdtf" in a sentence
        codes = [Span(doc, s, e, label="group") for _, s, e in cell.lex.group_codes(doc)]
        groups += [sp for sp in codes if re.fullmatch(cell.lex.group_code,
                                                       cell.text[slice(*_original(cell, sp[:1]))].strip())]
    starts = {sp.start for sp in spans + groups}
    named_matches = cell.lex.named_groups(doc) if len(cell.lex.named_groups) else []
    named = [_trim_named(doc[s:e], starts, cell.lex.conjunctions) for _, s, e in named_matches]
    hits = []
    for span in filter_spans(spans + groups + named):
        start, end = _original(cell, span)
        if start < cell.body_start:
            continue
        if span.label_ == "group":
            hits.append(Hit(start, end, is_group=True, role=_group_role(cell, span.text)))
            continue
        agency_id, _, flag = span.label_.partition("#")
        hits.append(Hit(start + (1 if flag == "w" else 0), end, agency_id=agency_id))
    return hits


def merge_same_agency(hits: list[Hit], cell: CellText) -> list[Hit]:
    """Name and acronym of one organisation are one mention.

    >>> cell = make_cell("International Organization of Employers (IOE)", "en", None)
    >>> [cell.text[h.start:h.end] for h in merge_same_agency(match_known(cell), cell)]
    ['International Organization of Employers (IOE)']
    """
    out: list[Hit] = []
    for h in hits:
        prev = out[-1] if out else None
        gap = fold_phrase(cell.text[prev.end:h.start]) if prev else ""
        long_name = len(cell.text[h.start:h.end].split()) >= _APPOSITION_WORDS
        joined = (gap and _only_name_connectors(cell, gap)) or (gap == "," and long_name)
        same_agency = prev and not prev.is_group and prev.agency_id == h.agency_id and joined
        same_group = prev and prev.is_group and h.is_group and gap == "("
        if prev and (same_agency or same_group):
            out[-1] = replace(prev, end=h.end, role=prev.role or h.role)
        else:
            out.append(h)
    return [close_parenthesis(h, cell.text) for h in out]


def merge_unit_into_owner(hits: list[Hit], cell: CellText) -> list[Hit]:
    """An unknown name in apposition to a known organisation's full name is a unit of it: one mention
    with the organisation's id ("Development Centre, Organisation for Economic Co-operation and Development");
    an unknown name directly before a group word names that group ("Web Applications Working Group").

    A short acronym after the comma ("National Development Centre, UNDP") is a list, not an apposition.
    """
    out: list[Hit] = []
    for h in hits:
        prev = out[-1] if out else None
        if prev is None or prev.agency_id is not None or prev.is_group or prev.silent:  # only an unknown name
            out.append(h)
            continue
        gap = cell.text[prev.end:h.start]
        if (h.agency_id and gap.strip() == ","
                and len(cell.text[h.start:h.end].split()) >= _APPOSITION_WORDS):
            out[-1] = replace(h, start=prev.start)
            continue
        if h.is_group and not h.agency_id and not gap.strip() and "\n" not in gap:
            out[-1] = replace(h, start=prev.start)  # "Web Applications Working Group": a named group, one mention
            continue
        out.append(h)
    return out


def absorb_owner_into_group(hits: list[Hit], cell: CellText) -> list[Hit]:
    """An organisation directly before a group owns it: one group mention.

    >>> cell = make_cell("KNOMAD Thematic Working Group on remittances", "en", None)
    >>> [(cell.text[h.start:h.end], h.is_group) for h in absorb_owner_into_group(match_known(cell), cell)]
    [('KNOMAD Thematic Working Group on remittances', True)]
    """
    out: list[Hit] = []
    for h in hits:
        prev = out[-1] if out else None
        between = cell.text[prev.end:h.start] if prev else ""
        if prev and h.is_group and prev.agency_id and not between.strip() and "\n" not in between:
            out[-1] = replace(h, start=prev.start)
        else:
            out.append(h)
    return out


def attach_parentheses(hits: list[Hit], cell: CellText) -> list[Hit]:
    """Read "(...)" after a name: a role word, the members of a chair group, or the name's acronym.

    >>> cell = make_cell("UN-Habitat (proposed)", "en", None)
    >>> [(cell.text[h.start:h.end], h.role.value) for h in attach_parentheses(match_known(cell), cell)]
    [('UN-Habitat (proposed)', 'proposed')]
    """
    out = list(hits)
    for i, h in enumerate(hits):
        m = re.match(r"\s*[(（]([^()（）]*)[)）]", cell.text[h.end:])
        if not m:
            continue
        inner = fold_phrase(m.group(1))
        inner_start, inner_end = h.end + m.start(1), h.end + m.end(1)
        inside = [j for j, g in enumerate(hits) if inner_start <= g.start and g.end <= inner_end]
        if inner in cell.lex.parenthesised:
            out[i] = replace(h, end=h.end + m.end(), role=cell.lex.parenthesised[inner])
        elif h.is_group and h.role in _CHAIR_ROLES and inside and _only_list_words(cell, inside, hits,
                                                                                   inner_start, inner_end):
            out[i] = replace(h, silent=True)  # "GMG Chair (UN Women)": UN Women is the chair
            for j in inside:
                out[j] = replace(hits[j], role=hits[j].role or h.role)
        elif h.agency_id and not inside and re.fullmatch(r"\s*[A-ZА-ЯЁ][\w&.\-]*\s*", m.group(1)):
            out[i] = replace(h, end=h.end + m.end())  # name followed by an acronym we do not list
    return out


def drop_represented(hits: list[Hit], cell: CellText) -> list[Hit]:
    """"Action Committee represented by Migrant Forum in Asia": the body that represents is the one named;
    the one represented is left out (silent), so a cell gives one mention per body taking part."""
    from normalizers.agency_lexicon import agency_terms

    cues = {fold_phrase(c) for c in agency_terms()["common"].get("representation_cues", [])}
    out = list(hits)
    for k in range(len(out) - 1):
        between = fold_phrase(cell.text[out[k].end:out[k + 1].start]).strip(" ,")
        between = re.sub(r"\s+(?:le|la|les|l['’]|the|el|los|las)$", "", between)  # "représenté par le MFA"
        if between in cues:
            out[k] = replace(out[k], silent=True)
    return out


def apply_cues(hits: list[Hit], cell: CellText) -> list[Hit]:
    """Names after a cue ("co-chaired by") take its role, up to the end of the clause.

    >>> cell = make_cell("a group co-chaired by UNDP and IOM; UNFPA", "en", None)
    >>> [(h.agency_id, h.role and h.role.value) for h in apply_cues(match_known(cell), cell)]
    [('UNDP', 'co-chair'), ('IOM', 'co-chair'), ('UNFPA', None)]
    """
    if cell.lex.cue_re is None:
        return hits
    out = list(hits)
    for m in cell.lex.cue_re.finditer(cell.folded.text):
        begin = cell.folded.offsets[m.end()]
        stop = re.search(r"[;\n]|\.(?=\s|$)", cell.text[begin:])
        end = begin + stop.start() if stop else len(cell.text)
        role = cell.lex.cues[m.group(0)]
        out = [replace(h, role=h.role or role) if begin <= h.start < end and not h.is_group else h for h in out]
    return out


def _original(cell: CellText, span: Span) -> tuple[int, int]:
    return cell.folded.original_span(span.start_char, span.end_char)


def _capitals_ok(printed: str) -> bool:
    letters = [c for c in printed if c.isalpha()]
    cased = [c for c in letters if c.isupper() or c.islower()]
    if not cased:
        return True
    if all(c.islower() for c in cased):
        return False
    return len(letters) > 4 or all(c.isupper() for c in cased)


def _trim_named(span: Span, starts: set[int], conjunctions: frozenset[str]) -> Span:
    """Cut "GMG WG on Migration Mainstreaming and GMG staff costs" before "and <another name>"."""
    from spacy.tokens import Span

    end = span.end
    for tok in span[1:]:
        if tok.text in conjunctions and tok.i + 1 in starts:
            end = tok.i
            break
    if end - span.start > 1 and span.doc[end - 1].text == "co":
        end -= 1
    return Span(span.doc, span.start, end, label="group")


def _group_role(cell: CellText, folded_group: str) -> Role | None:
    if cell.lex.co_chair_re.search(folded_group):
        return Role.CO_CHAIR
    if cell.lex.chair_re.search(folded_group):
        return Role.CHAIR
    return None


def close_parenthesis(h: Hit, text: str) -> Hit:
    """Take in the ")" or "»" that closes one opened inside the mention.

    >>> text = "Структура «ООН-женщины»"
    >>> close_parenthesis(Hit(0, len(text) - 1, "UN-Women"), text).end == len(text)
    True
    """
    span = text[h.start:h.end]
    for opening, closing in (("(", ")"), ("«", "»"), ("“", "”")):
        m = re.match(rf"\s*{re.escape(closing)}", text[h.end:])
        if m and span.count(opening) > span.count(closing):
            return replace(h, end=h.end + m.end())
    return h


def _only_name_connectors(cell: CellText, folded_gap: str) -> bool:
    """ "(", "of the", "de l'": what may stand between two names of one organisation."""
    words = folded_gap.replace("(", " ").split()
    return all(w in cell.lex.name_connectors - cell.lex.conjunctions for w in words)


def _only_list_words(cell: CellText, inside: list[int], hits: list[Hit], start: int, end: int) -> bool:
    if any(hits[j].is_group for j in inside):
        return False
    residue, pos = [], start
    for j in inside:
        residue.append(cell.text[pos:hits[j].start])
        pos = hits[j].end
    residue.append(cell.text[pos:end])
    words = fold_phrase(" ".join(residue)).replace(",", " ").replace(";", " ").replace("/", " ").split()
    return all(w in cell.lex.conjunctions or w == "、" for w in words)
