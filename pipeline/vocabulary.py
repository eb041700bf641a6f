"""Structure vocabulary in six languages (labels.yaml): section roles, field labels, commitment and lead cues."""

from __future__ import annotations

import functools
import re

from pipeline.labels import labels, norm


def _phrase_pattern(words: list[str]) -> re.Pattern[str]:
    """One pattern for a word list: whole words for scripts with spaces, plain substrings for CJK.

    The word boundaries wrap the whole alternation, not each word, and a look at the first character comes before
    it: the words are tried only where one can start, not at every position (100,000 characters of punctuation:
    under 0.1 s instead of 6 s)."""
    spaced: list[str] = []
    cjk: list[str] = []
    for word in sorted({norm(w) for w in words} - {""}, key=len, reverse=True):
        (cjk if re.search(r"[\u3040-\u9fff]", word) else spaced).append(word)
    parts = []  # each tried only where one of its words can start
    if spaced:
        parts.append(rf"(?<!\w){_firsts(spaced)}(?:{'|'.join(map(re.escape, spaced))})(?!\w)")
    if cjk:
        parts.append(f"{_firsts(cjk)}(?:{'|'.join(map(re.escape, cjk))})")
    return re.compile("|".join(parts), re.I)


def _firsts(words: list[str]) -> str:
    return "(?=[" + "".join(sorted({re.escape(w[0]) for w in words})) + "])"


@functools.cache
def _roles() -> tuple[re.Pattern[str], re.Pattern[str]]:
    data = labels()["section_roles"]
    return _phrase_pattern(data["work"]), _phrase_pattern(data["other"])


def section_role(text: str) -> int:
    """+1 for a heading announcing planned work, -1 for one around it, 0 when the words do not tell.

    ``section_role("Deliverables")`` -> 1; ``section_role("Background")`` -> -1.

    >>> section_role("Deliverables"), section_role("Background"), section_role("Annex 2: Budget")
    (1, -1, -1)
    """
    value = norm(text)
    work, other = _roles()
    w, o = len(work.findall(value)), len(other.findall(value))
    return (w > o) - (o > w)


def names_section(text: str) -> bool:
    """Whether a heading is a section kind ("Deliverables", "Expected results", "Background and description")
    rather than a named thing that happens to contain such a word ("SPARQL 1.2 Service Description"): its
    role words make up at least half of its words."""
    if section_role(text) == 0:
        return False
    value = norm(text)
    work, other = _roles()
    covered = sum(len(m.group(0).split()) for p in (work, other) for m in p.finditer(value))
    words = len(re.findall(r"\w+", value)) or 1
    return covered * 2 >= words or bool(re.search(r"[\u3040-\u9fff]", value))


@functools.cache
def _field_lookup() -> tuple[tuple[str, str], ...]:
    pairs = [(norm(w), key) for key, words in labels()["field_labels"].items() for w in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def field_of(label: str) -> str | None:
    """The field a label names: ``field_of("Expected completion")`` -> "timeline"; None if not a field label."""
    value = norm(label.strip(" ¿?¡!=:：-–"))
    return next((key for word, key in _field_lookup() if value == word), None)


_LABEL = re.compile(r"^\s*(?:¿\s*([^?]{2,40})\?|([^:=：]{2,40}?)\s*(?:[:：]|\s=\s|\s[-–]\s(?=\S)))\s*(.*)$", re.S)


def split_field_line(text: str) -> tuple[str, str, str] | None:
    """``"Lead = Vishal"`` -> ("lead", "Lead", "Vishal"); ``"¿Quién ejecuta? DNP"`` -> ("lead", ...);
    a ``Label = value`` line with a label that is no known field -> ("other", label, value); else None."""
    match = _LABEL.match(text)
    if not match:
        return None
    label = (match.group(1) or match.group(2) or "").strip()
    value = match.group(3).strip()
    key = field_of(label)
    if key:
        return key, label, value
    if " = " in text[: len(label) + 4] and len(label.split()) <= 4:
        return "other", label, value  # "Design/PM = Graven": a role line, not an item
    return None


@functools.cache
def commit_pattern() -> re.Pattern[str]:
    return _phrase_pattern(labels()["commit_cues"])


def commits(sentence: str) -> bool:
    """Whether a sentence commits someone to act: ``commits("We will publish a guide.")`` -> True."""
    return bool(commit_pattern().search(sentence.lower()))


_NAME = r"((?:(?:the|la|le|les|el|los|las)\s+|l['’])?" \
        r"[A-ZÀ-ÖØ-ÞА-ЯЁ@\u0600-\u06ff\u4e00-\u9fff][\w@&.'’\-\u0600-\u06ff\u4e00-\u9fff]*" \
        r"(?:\s+(?:of|de|del|la|the|and|y|et|du|des|для|и|[A-ZÀ-ÖØ-ÞА-ЯЁ@][\w@&.'’\-]*))*)"


_WORD_START = r"(?<![\w@&.'’\-\u0600-\u06ff\u4e00-\u9fff])"


@functools.cache
def lead_cue_patterns() -> tuple[re.Pattern[str], ...]:
    """Each cue of labels.yaml as a pattern whose group 1 is the body named."""
    out = []
    for cue in labels()["lead_cues"]:
        before, _, after = cue.partition("{}")
        # a name first: it starts where a word starts, else a search tries it from every character of a long run
        # (each try running to the run's end: quadratic)
        pattern = (rf"(?i:{_cue(before)})\s*" if before.strip() else _WORD_START) + _NAME
        if after.strip():
            pattern += rf"\s*(?i:{_cue(after)})"
        out.append(re.compile(pattern))
    return tuple(out)


def _cue(words: str) -> str:
    return r"\s+".join(re.escape(w) for w in words.split())


def lead_in_prose(sentence: str) -> str | None:
    """The body a sentence puts in charge: ``lead_in_prose("The Packaging SIG is in charge of this project.")``
    -> "Packaging SIG"; None when the sentence names no one in charge."""
    for pattern in lead_cue_patterns():
        match = pattern.search(sentence)
        if match:
            name = re.sub(r"^(?:the|la|le|les|el|los|las)\s+|^l['’]", "", match.group(1).strip(" ,.;"), flags=re.I)
            words = name.split()
            while words and words[-1].islower():  # a connector the name ran into ("DINUM et ses partenaires")
                words.pop()
            if words:
                return " ".join(words)
    return None


@functools.cache
def _duration() -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in sorted(labels()["duration_units"], key=len, reverse=True))
    return re.compile(rf"\s*[(（]\s*(\d+(?:[.,]\d+)?\s*(?:[-–]\s*\d+\s*)?(?:{units}))\s*[)）]\s*$", re.I)


def split_duration(text: str) -> tuple[str, str | None]:
    """A trailing duration in brackets: ``split_duration("Port contracts (1 week)")`` ->
    ("Port contracts", "1 week")."""
    match = _duration().search(text)
    if not match:
        return text, None
    return text[: match.start()].rstrip(), match.group(1)


@functools.cache
def _condition() -> re.Pattern[str]:
    from normalizers.timeline_relative import condition_words

    cues = "|".join(_cue(c) for c in sorted(condition_words(), key=len, reverse=True))
    return re.compile(rf"(?<=\S)\s+((?i:{cues})\s+(?:[^,;.]|\.(?=\S)){{3,60}})\.?$")


def conditional_timing(text: str) -> str | None:
    """The closing condition of an item: ``conditional_timing("helm chart when the Operator becomes v1.0")``
    -> "when the Operator becomes v1.0"; None without one."""
    match = _condition().search(text.strip())
    return match.group(1) if match and len(match.group(1).split()) <= 10 else None
