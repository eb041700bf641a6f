"""Organisation-looking words of a cell that no known name covers: kept as mentions without an id."""

from __future__ import annotations

import bisect
import heapq
import re
from dataclasses import replace

from normalizers.agency_lexicon import fold_phrase
from normalizers.agency_steps import CellText, Hit, close_parenthesis

# Hard separators between list items or sentences.
_SEPARATORS = re.compile(r"[,;/\n\t()\[\]:،؛、，；（）]|(?<=\w)\.(?=\s|$)|\s[–—-]\s")
_ACRONYM = re.compile(r"(?<![\w-])[A-ZА-ЯЁ][A-ZА-ЯЁ0-9&]*[A-ZА-ЯЁ](?:-[A-ZА-ЯЁ0-9]+)*s?(?![\w-])")
_ROMAN = re.compile(r"^[IVXLC]+$")
_WORD = re.compile(r"\S+")
_TRIM = ".,:;'’\"-–*"  # stray punctuation around a word
_MAX_NAME_WORDS = 8


class _Found:
    """The hits of one cell while its leftovers are read left to right, indexed so that no chunk costs a scan
    of every hit (a cell of thousands of names stays linear): whether a chunk is covered, and the known
    organisations ending before and starting after it (by place in ``hits``: a grown hit keeps its place)."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = list(hits)
        known = [k for k, h in enumerate(self.hits) if h.agency_id]  # only these grow; unknown names are added
        self.by_end = sorted(known, key=lambda k: self.hits[k].end)
        self.ends = [self.hits[k].end for k in self.by_end]
        self.by_start = sorted(known, key=lambda k: self.hits[k].start)
        self.starts = [self.hits[k].start for k in self.by_start]
        self.waiting = [(h.start, h.end) for h in self.hits]  # by start: hits not yet at the reading position
        heapq.heapify(self.waiting)
        self.reach = -1  # the farthest end of the hits starting at or before the reading position

    def covers(self, c0: int, c1: int) -> bool:
        while self.waiting and self.waiting[0][0] <= c0:
            self.reach = max(self.reach, heapq.heappop(self.waiting)[1])
        return c1 <= self.reach

    def before(self, s0: int) -> int | None:
        k = bisect.bisect_right(self.ends, s0) - 1
        return self.by_end[k] if k >= 0 else None

    def after(self, s1: int) -> int | None:
        k = bisect.bisect_left(self.starts, s1)
        return self.by_start[k] if k < len(self.by_start) else None

    def grow(self, place: int, hit: Hit) -> None:
        self.hits[place] = hit
        heapq.heappush(self.waiting, (hit.start, hit.end))

    def add(self, hits: list[Hit]) -> None:
        self.hits += hits
        for h in hits:
            heapq.heappush(self.waiting, (h.start, h.end))


def add_unknown(hits: list[Hit], cell: CellText) -> list[Hit]:
    """Organisation-looking leftovers (capitalised list items, "... Foundation", acronyms) as unknown.

    >>> from normalizers.agency_steps import make_cell, match_known
    >>> cell = make_cell("IOM, Acme Foundation and XYZO", "en", None)
    >>> [(cell.text[h.start:h.end], h.agency_id) for h in add_unknown(match_known(cell), cell)]
    [('IOM', 'IOM'), ('Acme Foundation', None), ('XYZO', None)]
    """
    found = _Found(hits)
    edges = [cell.body_start] + [x for h in hits for x in (h.start, h.end)] + [len(cell.text)]
    for g0, g1 in zip(edges[::2], edges[1::2], strict=True):
        if g1 <= g0:
            continue
        chunks = _chunks(cell.text, g0, g1)
        filled = [k for k, (c0, c1) in enumerate(chunks) if cell.text[c0:c1].strip()]
        for k, (c0, c1) in enumerate(chunks):
            if not found.covers(c0, c1):
                # "A, B, C y D": after two commas, the last "y"/"and" separates list members too
                _resolve_chunk(found, cell, c0, c1, last_of_list=len(filled) >= 3 and k == filled[-1])
    return found.hits


def _chunks(text: str, g0: int, g1: int) -> list[tuple[int, int]]:
    out, pos = [], g0
    for m in _SEPARATORS.finditer(text, g0, g1):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, g1))
    return out


def _strip_chunk(cell: CellText, c0: int, c1: int) -> tuple[int, int]:
    """Drop blanks, stray punctuation, a leading "and"/"e.g." and trailing lower-case connectors from a chunk.

    A chunk still opening with a lower-case word ("the Peer Review Process") is prose, not a list item.
    """
    words = [(m.start() + c0, m.end() + c0) for m in _WORD.finditer(cell.text[c0:c1])]
    leading = cell.lex.conjunctions | cell.lex.edge_words
    trailing = cell.lex.conjunctions | cell.lex.edge_words | cell.lex.name_connectors

    def bare(w: tuple[int, int]) -> str:
        return cell.text[w[0]:w[1]].strip(_TRIM)

    def drops(w: tuple[int, int], words_: frozenset[str]) -> bool:
        word = bare(w)
        return not word or (word.islower() and fold_phrase(word) in words_)

    while words and drops(words[0], leading):
        words.pop(0)
    while words and drops(words[-1], trailing):
        words.pop()
    if not words:
        return c0, c0
    return words[0][0], words[-1][1]


def _is_name(cell: CellText, words: list[str]) -> bool:
    """A short run of capitalised words (with lower-case connectors inside) that is not a known non-name."""
    # "Secretaría de Transparencia de la Presidencia de la República": connectors do not count toward the length
    named = [w for w in words if fold_phrase(w) not in cell.lex.name_connectors]
    if not words or len(named) > _MAX_NAME_WORDS or not words[0][:1].isupper():
        return False
    if any(ch.isdigit() for w in words for ch in w):
        return False
    if fold_phrase(" ".join(words)).rstrip(".") in cell.lex.not_organisations:
        return False
    if all(fold_phrase(w) in cell.lex.name_connectors for w in words):  # "Les", "The" before a group name
        return False
    return all(w[:1].isupper() or fold_phrase(w) in cell.lex.name_connectors for w in words)


def _resolve_chunk(found: _Found, cell: CellText, c0: int, c1: int, last_of_list: bool = False) -> None:
    s0, s1 = _strip_chunk(cell, c0, c1)
    if s1 <= s0:
        return
    printed = cell.text[s0:s1]
    # "Funded by UNDP", "Financé par le PNUD": a chunk that ran into a preposition before a name is prose
    into_name = any(fold_phrase(w.strip(_TRIM)) in cell.lex.edge_words - cell.lex.conjunctions
                    for w in cell.text[s1:c1].split())
    pieces = _pieces(cell, s0, s1, last_of_list)  # "Acme Foundation and Bar Institute": two names
    whole = _is_name(cell, printed.split())
    if not into_name and (whole or len(pieces) > 1 and all(_is_name(cell, cell.text[a:b].split())
                                                           for a, b in pieces)):
        before = found.before(s0) if whole else None
        if before is not None and _continues(cell, cell.text[found.hits[before].end:s0]):
            found.grow(before, replace(found.hits[before], end=s1))  # "ITC-ILO Learning Centre"
            return
        after = found.after(s1) if whole else None
        if after is not None and re.fullmatch(r"\s*[(（]\s*", cell.text[s1:found.hits[after].start]):
            grown = close_parenthesis(replace(found.hits[after], start=s0), cell.text)  # "Acme Employers (IOE)"
            found.grow(after, grown)
            return
        names = [Hit(a, b) for a, b in pieces if _is_name(cell, cell.text[a:b].split())]
        names += [parent for name in names for parent in _parent_body(cell, name)]
        acronym = re.match(r"\s*[(（]\s*[A-ZА-ЯЁ][\w&.\-]*\s*[)）]", cell.text[s1:])
        if names and acronym:  # "Acme Foundation (AF)": the acronym belongs to the name
            names[-1] = replace(names[-1], end=s1 + acronym.end())
        found.add(names)
        return
    found.add(_names_in_prose(cell, s0, s1))


def _pieces(cell: CellText, s0: int, s1: int, last_of_list: bool = False) -> list[tuple[int, int]]:
    """The chunk cut at conjunctions, each piece without surrounding blanks (a long list of unknown names
    joined by "and" is several names even when the whole is too long to be one).

    A piece after a conjunction that names no body of its own (no organisation word such as "Ministry",
    "Institute", "Secretaría", no acronym) goes on with the name before it: "Ministerio de Hacienda y Crédito
    Público" is one ministry, "Acme Foundation and Bar Institute" two bodies.
    """
    cuts, pos = [], s0
    for m in _WORD.finditer(cell.text, s0, s1):
        if m.group(0) in cell.lex.conjunctions:
            cuts.append((pos, m.start()))
            pos = m.end()
    for m in re.finditer(r"\s&\s", cell.text[pos:s1]):  # "Leonard & Hwang"
        cuts.append((pos, pos + m.start()))
        pos += m.end()
    cuts.append((pos, s1))
    pieces: list[tuple[int, int]] = []
    for k, (a, b) in enumerate(cuts):
        final = last_of_list and k == len(cuts) - 1 and cell.text[a:b].strip()[:1].isupper()
        # "Hwang and Leonard": one capitalised word on each side is two names, not one name of two words
        single = bool(pieces) and all(_one_name(cell.text[x:y]) for x, y in (pieces[-1], (a, b)))
        if pieces and not final and not single and not _names_a_body(cell, cell.text[a:b]):
            merged = (pieces[-1][0], b)
            if _is_name(cell, cell.text[merged[0]:merged[1]].split()):
                pieces[-1] = merged
                continue
        pieces.append((a, b))
    out = []
    for a, b in pieces:
        a += len(cell.text[a:b]) - len(cell.text[a:b].lstrip())
        b = a + len(cell.text[a:b].rstrip())
        article = re.match(r"(?:la|el|los|las|the|le|les|l['’])\s*(?=[A-ZÀ-Þ])", cell.text[a:b])
        out.append((a + article.end() if article else a, b))  # "y la Secretaría de ...": the article is no name
    return out


_OF = re.compile(r"\s(?:de la|de l'|del|de los|de las|of the|du|de|des)\s", re.I)


def _parent_body(cell: CellText, hit: Hit) -> list[Hit]:
    """A unit named "of" its organisation ("Secretaría de Planeación de la Gobernación de Boyacá"): the
    organisation is a body of its own, named as well, "Gobernación de Boyacá"."""
    text = cell.text[hit.start:hit.end]
    for m in _OF.finditer(text):
        rest = text[m.end():]
        words = rest.split()
        if m.start() > 0 and words and fold_phrase(words[0].strip(_TRIM)) in cell.lex.organisation_heads:
            start = hit.start + m.end()
            return [Hit(start, hit.end)]
    return []


def _one_name(piece: str) -> bool:
    """A piece that is one capitalised word: a person's or a team's one-word name ("Leonard", "Legal")."""
    words = piece.split()
    return len(words) == 1 and words[0][:1].isupper() and words[0].strip(_TRIM).isalpha()


def _names_a_body(cell: CellText, piece: str) -> bool:
    words = [w.strip(_TRIM) for w in piece.split()]
    return any(fold_phrase(w) in cell.lex.organisation_heads or _ACRONYM.fullmatch(w) for w in words if w)


def _continues(cell: CellText, between: str) -> bool:
    """Only blanks and "of"/"for"-like words (not "and") between a name and capitalised words after it."""
    if "\n" in between:
        return False
    words = between.split()
    return all(w.islower() and fold_phrase(w) in cell.lex.name_connectors - cell.lex.conjunctions for w in words)


def _names_in_prose(cell: CellText, s0: int, s1: int) -> list[Hit]:
    """In a sentence, only "Acme Foundation"-like names and unknown acronyms count as organisations."""
    found: list[Hit] = []
    words = [(m.start() + s0, m.end() + s0, m.group(0).strip(_TRIM)) for m in _WORD.finditer(cell.text[s0:s1])]
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and (words[j][2][:1].isupper() or (j > i and fold_phrase(words[j][2])
                                                               in cell.lex.name_connectors)):
            j += 1
        while j > i and not words[j - 1][2][:1].isupper():
            j -= 1
        run = words[i:j]
        heads = cell.lex.organisation_heads
        if len(run) >= 2 and (fold_phrase(run[0][2]) in heads or fold_phrase(run[-1][2]) in heads):
            last_start, last_end, last = run[-1]
            found.append(Hit(run[0][0], last_start + cell.text.index(last, last_start, last_end) - last_start
                             + len(last)))
        i = max(j, i + 1)
    for m in _ACRONYM.finditer(cell.text, s0, s1):
        word = fold_phrase(m.group(0))
        if word in cell.lex.not_organisations or word.rstrip("s") in cell.lex.not_organisations:
            continue
        if _ROMAN.match(m.group(0)) or any(f.start <= m.start() < f.end for f in found):
            continue
        found.append(Hit(m.start(), m.end()))
    return found
