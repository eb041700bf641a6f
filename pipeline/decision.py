"""The fitted decision: whether a candidate is a work item, from named layout-generic features.

``candidate_features`` turns a candidate and its place in the outline into numbers that every document has
(form, numbering, depth, section role, fields found, length, punctuation, position, what its siblings hold);
the hand rules of the recogniser are among them (``rule_score``), as features, not verdicts. ``Model`` is a
logistic regression fitted by ``python -m pipeline.learn fit`` on the annotated documents in ``annotated/``
and the seeds; it ships as plain JSON (weights, feature names, scaling), read with no pickle and applied here
without scikit-learn.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.enums import BlockKind
from pipeline.labels import in_list, labels, norm
from pipeline.vocabulary import commits, section_role

if TYPE_CHECKING:
    from pipeline.candidates import Candidate
    from pipeline.outline import Node

MODEL_PATH = Path(__file__).resolve().parent / "data" / "decision_model.json"
METHODS = ("table_row", "list_item", "heading", "label_block", "prose_sentence")
_DOT_LEADERS = re.compile(r"(?:\.{4,}|…{2,}|(?:\. ){3,})\s*\d*\s*$")
_PAGE_NUMBER_END = re.compile(r"\s\d{1,3}$")
_URL = re.compile(r"https?://|www\.")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DIGITS = re.compile(r"\d")
_CODE_REF = re.compile(r"^[A-Z]{2,5}-?\d{1,3}\b")
_PERSON_LIST = re.compile(r"^[A-ZÀ-Ö][a-zà-ö]+(?:\s[A-ZÀ-Ö][a-zà-ö]+){1,2}$")


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def anaphoric(text: str) -> bool:
    """A sentence that opens by pointing back ("They will also serve ...", "Ces ateliers ...", "这些活动"): a remark
    on what came before."""
    if _UNSPACED.match(text):  # no spaces between CJK words: the opening characters tell
        return text.startswith(_anaphora())
    first = text.split(maxsplit=1)[0] if text.split() else ""
    return not (len(first) > 1 and first.isupper()) and in_list(text, "anaphora", prefix=True)  # not "IT systems"


@functools.cache
def _anaphora() -> tuple[str, ...]:
    return tuple(sorted(labels()["anaphora"], key=len, reverse=True))


_ALEF = str.maketrans("أإآ", "ااا")


@functools.cache
def _work_verbs() -> tuple[frozenset[str], tuple[str, ...]]:
    words = [norm(w).translate(_ALEF) for w in labels()["work_verbs"]]
    return frozenset(words), tuple(sorted((w for w in words if " " in w or _UNSPACED.match(w)), key=len,
                                          reverse=True))


def opens_with_work_verb(text: str) -> bool:
    """A line that opens with a verb or action noun of work ("Add a cache layer", "Élaboration d'un guide",
    "اضافة طبقة", "完善文档"): English gerunds ("Developing") count as their verb."""
    value = norm(text).translate(_ALEF)
    single, phrases = _work_verbs()
    if _UNSPACED.match(value):
        return value.startswith(phrases)
    first = value.split(maxsplit=1)[0].strip(".,:;") if value.split() else ""
    stems = {first, first.removesuffix("ing"), first.removesuffix("ing") + "e"} if first.endswith("ing") else {first}
    return bool(stems & single) or value.startswith(tuple(p + " " for p in phrases if " " in p))


def word_count(text: str) -> int:
    """Words of a text in any script: spaced words, and about one word per two characters of a script written
    without spaces (Chinese, Japanese). ``word_count("Publish the report")`` -> 3; ``word_count("发布报告")`` -> 2."""
    unspaced = len(_UNSPACED.findall(text))
    spaced = sum(1 for w in text.split() if not _UNSPACED.search(w))
    return spaced + (unspaced + 1) // 2


@dataclass(frozen=True)
class Context:
    """What the features of one document's candidates share: the outline, each place's role, sibling runs."""

    nodes: list[Node]
    doc_has_roles: bool
    runs: dict[int, list[int]]  # candidate index -> indices of its run (same form under the same parent/heading)
    total: int


def sibling_key(cand: Candidate, nodes: list[Node]) -> tuple:
    """Candidates of one run: same form, same list parent or heading, same level."""
    n = nodes[cand.node]
    return (cand.method, n.parent, tuple(n.headings[-1:]), n.level, n.index if cand.method == "table_row" else None)


def build_context(cands: list[Candidate], nodes: list[Node], doc_has_roles: bool) -> Context:
    groups: dict[tuple, list[int]] = {}
    for i, cand in enumerate(cands):
        groups.setdefault(sibling_key(cand, nodes), []).append(i)
    runs = {i: run for run in groups.values() for i in run}
    return Context(nodes, doc_has_roles, runs, len(cands))


@functools.cache
def _status_pattern() -> re.Pattern[str]:
    words = sorted({norm(w) for w in labels()["status_words"]}, key=len, reverse=True)
    return re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words))


def candidate_features(cand: Candidate, index: int, cands: list[Candidate], ctx: Context,
                       rule_score: float) -> dict[str, float]:
    """Named features of one candidate (all numbers; booleans as 0/1)."""
    text = cand.text.strip()
    words = range(word_count(text))
    n = ctx.nodes[cand.node]
    run = ctx.runs.get(index, [index])
    siblings = [cands[j] for j in run]
    f: dict[str, float] = {f"method_{m}": float(cand.method == m) for m in METHODS}
    f.update({
        "rule_score": rule_score,
        "role_work": float(cand.role > 0),
        "role_other": float(cand.role < 0),
        "role_unknown_doc_without_roles": float(cand.role == 0 and not ctx.doc_has_roles),
        "numbered": float(cand.numbered),
        "has_children": float(cand.has_children),
        "has_timeline": float(bool(cand.timeline)),
        "has_leads": float(bool(cand.leads)),
        "has_funding": float(bool(cand.funding)),
        "definition": float(cand.definition),
        "action": float(cand.action),
        "card": float(cand.card),
        "question": float(text.endswith(("?", "？"))),
        "ends_colon": float(text.endswith((":", "："))),
        "ends_period": float(text.endswith((".", "。"))),
        # the first letter past "[", "(", "«"; a script without case (Chinese, Arabic) starts as a capital would
        "starts_upper": float(next((not ch.islower() for ch in text if ch.isalpha()), False)),
        "starts_lower": float(next((ch.islower() for ch in text if ch.isalpha()), False)),
        "log_words": math.log1p(len(words)),
        "short_3": float(len(words) <= 3),
        "long_60": float(len(words) > 60),
        "dot_leaders": float(bool(_DOT_LEADERS.search(text))),
        "ends_page_number": float(bool(_PAGE_NUMBER_END.search(text)) and not _YEAR.search(text[-5:])),
        "url": float(bool(_URL.search(text))),
        "year": float(bool(_YEAR.search(text))),
        "digit_share": len(_DIGITS.findall(text)) / max(len(text), 1),
        "status_word": float(bool(_status_pattern().search(norm(text)))),
        "status_only": float(in_list(text, "status_words")),
        "commits": float(commits(text)),
        "anaphoric_start": float(anaphoric(text)),
        "work_verb_start": float(opens_with_work_verb(text)),
        "code_ref": float(bool(_CODE_REF.match(text)) or bool(cand.ref and _CODE_REF.match(cand.ref))),
        "person_name": float(bool(_PERSON_LIST.match(text))),
        "depth": float(min(n.level, 4)) if cand.method == "list_item" else 0.0,
        "heading_level": float(min(n.level, 7)) / 7 if cand.method == "heading" else 0.0,
        "own_heading_role": float(section_role(text)) if cand.method == "heading" else 0.0,
        "in_list_under_parent": float(n.parent is not None),
        "log_run": math.log1p(len(run)),
        "run_single": float(len(run) == 1),
        "run_fields_share": sum(bool(c.timeline or c.leads) for c in siblings) / len(siblings),
        "run_numbered_share": sum(c.numbered for c in siblings) / len(siblings),
        "run_children_share": sum(c.has_children for c in siblings) / len(siblings),
        "run_question_share": sum(c.text.rstrip().endswith("?") for c in siblings) / len(siblings),
        "run_long_share": sum(word_count(c.text) > 40 for c in siblings) / len(siblings),
        "position": index / max(ctx.total - 1, 1),
        "log_doc_candidates": math.log1p(ctx.total),
        "under_table_node": float(n.kind is BlockKind.TABLE),
        "parent_is_candidate": float(cand.parent is not None),
    })
    return f


@dataclass(frozen=True)
class Model:
    """A fitted logistic regression over named features (standardised), as stored in JSON."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    trained_on: tuple[str, ...] = ()
    accept: float = 2.0  # a fitted probability this high keeps a candidate the hand score would drop
    veto: float = -1.0  # a fitted probability this low drops a candidate the hand score would keep

    def fitted(self, feats: dict[str, float]) -> float:
        """The fitted probability that a candidate is an item (a feature the model does not know counts 0)."""
        z = self.intercept
        for name, mu, sd, w in zip(self.features, self.mean, self.scale, self.coef, strict=True):
            z += w * ((feats.get(name, 0.0) - mu) / sd)
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def probability(self, feats: dict[str, float]) -> float:
        """The item score of one candidate: the fitted probability where it is sure (at least ``accept``, unless
        the hand score is 0: a place the words rule out, such as a list under "Objectives:"; or under ``veto``),
        else the hand score (``rule_score``, itself a feature), judged against ``threshold``. With the defaults
        the fitted probability alone decides."""
        p = self.fitted(feats)
        rule = feats.get("rule_score", 0.0)
        if self.accept > 1.0 or p < self.veto:
            return p
        if p >= self.accept and rule > 0.0:  # never what the hand score rules out outright (an "Objectives:" list)
            return p
        return rule

    def to_json(self) -> str:
        data = {"kind": "logistic_regression", "features": list(self.features), "mean": list(self.mean),
                "scale": list(self.scale), "coef": list(self.coef), "intercept": self.intercept,
                "threshold": self.threshold, "accept": self.accept, "veto": self.veto,
                "trained_on": list(self.trained_on)}
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Model:
        data = json.loads(text)
        if data.get("kind") != "logistic_regression":
            raise ValueError("not a decision model file")
        n = len(data["features"])
        if not all(len(data[k]) == n for k in ("mean", "scale", "coef")):
            raise ValueError("decision model: feature, mean, scale and coef lengths differ")
        return cls(tuple(data["features"]), tuple(map(float, data["mean"])), tuple(map(float, data["scale"])),
                   tuple(map(float, data["coef"])), float(data["intercept"]), float(data["threshold"]),
                   tuple(data.get("trained_on", ())), float(data.get("accept", 2.0)), float(data.get("veto", -1.0)))


@functools.cache
def shipped_model() -> Model | None:
    """The model shipped with the pipeline (None before the first fit: the hand score decides)."""
    if not MODEL_PATH.exists():
        return None
    return Model.from_json(MODEL_PATH.read_text(encoding="utf-8"))


_OVERRIDE: contextvars.ContextVar[Model | None] = contextvars.ContextVar("decision_model", default=None)


def active_model() -> Model | None:
    """The model in force: one set by ``using_model`` (fitting, leave-one-document-out), else the shipped one."""
    return _OVERRIDE.get() or shipped_model()


@contextlib.contextmanager
def using_model(model: Model | None) -> Iterator[None]:
    """Decide with ``model`` inside the block (None: the shipped model)."""
    token = _OVERRIDE.set(model)
    try:
        yield
    finally:
        _OVERRIDE.reset(token)
