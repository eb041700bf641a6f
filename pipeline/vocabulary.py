"""Structure vocabulary in six languages (labels.yaml): section roles, field labels, commitment and lead cues."""

from __future__ import annotations

import functools
import re

from pipeline.labels import in_list, labels, norm


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


def names_aims(text: str) -> bool:
    """Whether a heading names the plan's aims: ``names_aims("Los objetivos de la actual Junta")`` -> True."""
    value = f" {norm(text)} "
    return any(f" {norm(w)} " in value for w in labels()["aim_words"])


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
    key = next((key for word, key in _field_lookup() if value == word), None)
    if key is None and 1 < len(value.split()) <= 3:
        # a qualified lead label ("Item Champion", "Action owner") reads as its last word
        last = value.split()[-1]
        key = next((k for word, k in _field_lookup() if last == word and k in ("lead", "co-lead")), None)
    return key


_LABEL = re.compile(r"^\s*(?:¿\s*([^?]{2,40})\?|([^:=：]{2,40}?)\s*(?:[:：]|\s=\s|\s[-–]\s(?=\S)))\s*(.*)$", re.S)


def labelled_date(text: str) -> str | None:
    """The value of a line that labels a date, the label qualified or not: ``labelled_date("Expected
    start/end date: July 6 - September 11, 2020")`` -> "July 6 - September 11, 2020"."""
    labelled = _label_and_value(text)
    if labelled is None:
        return None
    label, value = labelled
    words = norm(label).split()
    if words and (field_of(label) == "timeline" or len(words) <= 4 and field_of(words[-1]) == "timeline"):
        return value
    return None


def _label_and_value(text: str) -> tuple[str, str] | None:
    """``"Lead = Vishal"`` -> ("Lead", "Vishal"): a line's label and its value, whatever the label names."""
    match = _LABEL.match(text)
    if not match:
        return None
    return (match.group(1) or match.group(2) or "").strip(), match.group(3).strip()


def split_field_line(text: str) -> tuple[str, str, str] | None:
    """``"Lead = Vishal"`` -> ("lead", "Lead", "Vishal"); ``"¿Quién ejecuta? DNP"`` -> ("lead", ...);
    a ``Label = value`` line with a label that is no known field -> ("other", label, value); else None."""
    labelled = _label_and_value(text)
    if labelled is None:
        return None
    label, value = labelled
    key = field_of(label)
    if key:
        return key, label, value
    if " = " in text[: len(label) + 4] and len(label.split()) <= 4:
        return "other", label, value  # "Design/PM = Graven": a role line, not an item
    return None


@functools.cache
def commit_pattern() -> re.Pattern[str]:
    return _phrase_pattern(labels()["commit_cues"])


@functools.cache
def _commit_endings() -> re.Pattern[str]:
    ends = "|".join(re.escape(e) for e in sorted(labels()["commit_endings"], key=len, reverse=True))
    return re.compile(rf"\b[^\W\d_]{{3,}}(?:{ends})\b")


def commits(sentence: str) -> bool:
    """Whether a sentence commits someone to act: ``commits("We will publish a guide.")`` -> True; a verb in
    the future tense commits too (``commits("En 2016 se desarrollará el módulo.")`` -> True)."""
    lowered = sentence.lower()
    return bool(commit_pattern().search(lowered) or _commit_endings().search(lowered))


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


_ACTION = re.compile(r"^\s*([^\W\d][\w\s-]{0,24}?)\s*[:：]\s*(\S.*)$", re.S)


def split_action_label(text: str) -> tuple[bool, str]:
    """``"ACTION: LFE Staff to send specs"`` -> (True, "LFE Staff to send specs"): a line of minutes marked as an
    agreed action (labels.yaml ``action_labels``); (False, text) for any other line."""
    match = _ACTION.match(text.replace("\u200b", ""))
    if match and in_list(match.group(1), "action_labels"):
        return True, match.group(2).strip()
    return False, text


_WORD = r"[A-ZÀ-ÖØ-ÞА-ЯЁ@][\w@&.'’\-]*"
_LINK = r"(?:of|de|del|la|las|los|the|and|y|et|du|des|d['’]|l['’]|для|и|&|for|pour|para)"
_INNER = r"(?:of|de|del|la|las|los|the|du|des|для|for|pour|para)"  # links inside one name; "and", "&" join names
_NAMES = rf"{_WORD}(?:\s+(?:{_INNER}\s+|[dl]['’])*{_WORD})*"
_DETERMINERS = frozenset({"the", "le", "la", "les", "el", "los", "las"})
_JOINS = frozenset({",", "/", "&", "and", "et", "y", "и"})
_TOKEN = re.compile(r"\([^()]{0,80}\)|[^\s(]+")
_CAPITAL = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯЁ@]")
_ELIDED = re.compile(r"^[dlDL]['’](?=\w)")


@functools.cache
def _subject_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cues = "|".join(r"\s+".join(re.escape(x) for x in c.split())
                    for c in sorted(labels()["subject_cues"], key=len, reverse=True))
    cue = re.compile(rf"(?i:{cues})(?!\w)")
    # minutes: "Silona - to reach out", "Leonard & Hwang to tabulate", "Hwang - set up a mailing list"
    det = r"(?:(?i:the|le|la|les|el|los|las)\s+|[lL]['’])?"
    # a name and the group noun after it in lower case ("UNICEF team", "LFE staff", "Docs working group")
    heads = sorted({w for w in labels()["group_words"] if w.isalpha() and w.islower() and len(w) > 2} | {"staff"},
                   key=len, reverse=True)
    named = rf"{_NAMES}(?:\s+(?:{'|'.join(re.escape(h) for h in heads)})s?\b)?"
    strict = rf"(?P<name>{named}(?:\s*(?:,|/|&|\band\b)\s*{named}){{0,5}})"
    not_verb = r"(?:a|an|the|be|next|this|that|these|those|all|each|every|our|its|their)\b"  # "Prior to next ..."
    minutes = re.compile(rf"^{det}{strict}(?:(?:\s+[-–]\s*|[-–]\s+)(?:to\s+)?(?=[a-z])|\s+to\s+(?!{not_verb})(?=\w))")
    owner = re.compile(rf"^{strict}\s*[:：]\s+(?=\S)")  # "Ken Museth: Feedback from OpenVDB ..."
    return cue, minutes, owner


def _scan_subject(text: str, cue: re.Pattern[str]) -> str | None:
    """The name that opens ``text`` and runs up to a commitment cue, read token by token (linear: no regular
    expression over the name, whose links and joins could be read many ways)."""
    tokens = list(_TOKEN.finditer(text))
    if tokens and tokens[0].group().lower() in _DETERMINERS:
        tokens = tokens[1:]
    name: list[str] = []
    body = False
    bracketed = False
    for tok in tokens:
        word = tok.group()
        if name and cue.match(text, tok.start()):
            return " ".join(name).strip(" ,")
        if word.startswith("("):
            if not name:
                return None
            bracketed = True
            continue  # "(cf. la feuille de route MCTRCT)" between the name and its verb
        if bracketed and body and word[:1].islower() and not _LINK_WORDS.match(word.rstrip(",")):
            # "Le ministère de la Culture (cf. ...) poursuit ...": a body's name closed by its reference, then
            # its verb, whatever the verb
            return " ".join(name).strip(" ,")
        core = _ELIDED.sub("", word.rstrip(","))
        if not name:
            body = in_list(core, "body_words")
            if not (body or _CAPITAL.match(core)):
                return None
            name.append(core)
            continue
        if _CAPITAL.match(core) or _LINK_WORDS.match(word.rstrip(",")) or word.rstrip(",").lower() in _JOINS \
                or body and core[:1].islower():
            name.append(word)
        else:
            return None
        if len(name) > 20:
            return None
    return None


_LINK_WORDS = re.compile(rf"^{_LINK}$", re.I)


def _plausible(name: str, sentence: bool = False) -> str | None:
    """A name that can be a body: no pronoun, label or section word; in a sentence (``sentence``), words in lower
    case only after a body noun ("ministère de la Culture", "Ministère ... Affaires étrangères"), and one capitalised
    word only when it is an acronym or a body noun ("UNDP", "Secretariat"; not "Simulation will ...")."""
    name = name.strip(" ,;")
    words = name.split()
    if not words or len(words) > 16 or in_list(words[0], "pronouns") or in_list(name, "pronouns"):
        return None
    if words[0].lower() in ("the", "a", "an", "le", "la", "les", "un", "une", "el", "los", "las", "una") \
            and not words[0].isupper():
        return None  # an article, not "UN Women" or "UN DESA"
    if field_of(name) or in_list(name, "action_labels") or section_role(name) != 0:
        return None
    if len(words) == 1 and words[0].lower().endswith("ing"):
        return None  # "Contributing to an increased visibility": a gerund opens the line, not an owner
    if sentence:
        body = in_list(words[0].strip("'’"), "body_words")
        lower = [w for w in words[1:] if w[:1].islower() and not _LINK_WORDS.match(w) and not re.match(r"^[ld]['’]", w)]
        if lower and not body:
            return None
        if len(words) == 1 and not body and not re.search(r"[A-Z].*[A-Z]|\d", words[0][1:] + " " * 0) \
                and not words[0].isupper():
            return None
    return name


_SUBJECT_SPAN = 300  # the subject opens the sentence: the rest is never searched (bounded work on long text)


def subject_lead(sentence: str) -> str | None:
    """The body a committing sentence makes its grammatical subject: ``subject_lead("The Secretariat will
    publish the report.")`` -> "Secretariat"; ``subject_lead("We will publish it.")`` -> None."""
    cue = _subject_patterns()[0]
    text = sentence.strip()[:_SUBJECT_SPAN]
    starts = [0]
    depth = 0
    for at, ch in enumerate(text[:120]):  # "By June 2025, the Working Group will ...", "Within 180 days (or by
        depth += (ch == "(") - (ch == ")")  # July 1, 2015), the CDO shall ...": a comma outside brackets
        if ch in ".;:" and depth == 0 and at > 0 and not text[at - 1].isdigit():
            break
        if ch == "," and depth == 0 and text[at + 1:at + 2] == " " and at > 0:
            starts.append(at + 2)
            if len(starts) > 2:
                break
    for start in starts:
        name = _scan_subject(text[start:], cue)
        if name:
            # "Enfin la DINUM s'engage", "Also the Secretariat will": an adverb before the subject's article
            name = _ARTICLE_INSIDE.sub("", name)
            return _plausible(name, sentence=True)
    return None


def committed_subject(text: str) -> str | None:
    """The body a committing sentence names as its subject, or None when the sentence commits no one:
    ``committed_subject("Action 04: Cabinet Office will support ...")`` -> "Cabinet Office"."""
    return subject_lead(text) if commits(text) else None


@functools.cache
def _present_cue() -> re.Pattern[str]:
    """English verbs of work in the present tense, third person ("selects", "identifies"): a schedule line's
    "<owner> <verb> ..." names its owner as a committing sentence does with "will"."""
    forms: set[str] = set()
    for verb in labels()["work_verbs"]:
        if not re.fullmatch(r"[a-z]+", verb):
            continue  # one word of English: the other languages' present tenses are not made this way
        # the third person only: a bare "report", "update", "review" after a name is as often a noun ("GMG report")
        forms.add(verb[:-1] + "ies" if verb.endswith("y") and verb[-2:-1] not in "aeiou" else
                  verb + "es" if verb.endswith(("s", "sh", "ch", "x", "z")) else verb + "s")
    return re.compile(rf"(?:{'|'.join(sorted(forms, key=len, reverse=True))})(?!\w)")


def present_subject(line: str) -> str | None:
    """The owner that opens a schedule line in the present tense: ``present_subject("ETS Director identifies the
    Chief Data Officer")`` -> "ETS Director"; ``present_subject("Documentation updates")`` -> None."""
    name = _scan_subject(line.strip()[:_SUBJECT_SPAN], _present_cue())
    if not name:
        return None
    return _plausible(_ARTICLE_INSIDE.sub("", name), sentence=True)


_ARTICLE_INSIDE = re.compile(r"^[^\W\d_]+,?\s+(?:the|la|le|les|el|los|las)\s+(?=\S)|^[^\W\d_]+,?\s+l['’](?=\S)", re.I)


def owner_label(text: str) -> str | None:
    """A list line that only names an owner, over the owner's tasks: ``owner_label("Steve:")`` -> "Steve";
    ``owner_label("Deliverables:")`` -> None (a section word), ``owner_label("Steve will send it")`` -> None."""
    text = text.strip().strip("*_").strip()
    if not text.endswith((":", "：")):
        return None
    name = text[:-1].strip().strip("*_").strip()
    words = name.replace(",", " ").split()
    if not words or len(words) > 5 or any(ch in name for ch in ".;!?") \
            or not all(w[:1].isupper() or w.lower() in _JOINS or w in ("&", "/") for w in words):
        return None  # names only: "Brett & Nick", not "Steve will send it"
    if any(in_list(w, "status_words") for w in words):
        return None  # "Ongoing Work:", "Completed:" group tasks by state, not by owner
    return _plausible(name)


_INITIALS = re.compile(r"^([A-Z]{2,4}[a-z]?(?:\s*[/&,]\s*[A-Z]{2,4}[a-z]?)*)\s+[-–]\s+(?=\S)")


def _idiom(name: str, after: str) -> bool:
    """"Face to Face", "Peer to peer", "Back to back": a word repeated around "to" is one expression, no owner."""
    words, rest = name.split(), after.split()
    return bool(words and rest) and words[-1].lower() == rest[0].strip(",.:;").lower()


def owner_prefix(text: str) -> tuple[str, str] | None:
    """A line of minutes naming its owner first: ``owner_prefix("Silona - to reach out to Karen")`` ->
    ("Silona", "Silona - to reach out to Karen"); ``owner_prefix("Ken Museth: Feedback from OpenVDB")`` ->
    ("Ken Museth", "Feedback from OpenVDB"). None when the line opens with no name."""
    found = _owner_prefix(text.strip())
    if found is None or in_list(found[0], "placeholders"):
        return None  # "TBD - decide later": the owner is still to be named
    return found


def _owner_prefix(text: str) -> tuple[str, str] | None:
    _, minutes, owner = _subject_patterns()
    head = text[:_SUBJECT_SPAN]
    initials = _INITIALS.match(head)
    if initials:  # "LM - Creation of video ...", "JT/PR – Review ...": a tracker's owners as initials
        return initials.group(1), text
    match = minutes.match(head)
    if match and _plausible(match.group("name")) \
            and not in_list(match.group("name").strip() + " to", "commit_cues") \
            and not _idiom(match.group("name"), head[match.end():]):  # "Plan to test ...": a verb
        return match.group("name").strip(), text
    match = owner.match(head)
    if match and _plausible(match.group("name")) and len(match.group("name").split()) <= 5:
        return match.group("name").strip(), text[match.end():].strip()
    return None
