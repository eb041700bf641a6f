"""Scoring extracted work items against hand-annotated records: item recall and precision, timeline and lead
accuracy per document, as the team's shared scorer (``tools/score.py``) counts them: its matching rules are
reimplemented here, so the fitting and leave-one-document-out commands need nothing outside the repository.

Two annotation formats are read: the dev-corpus format (``timeline_raw``, ``start``, ``end``, ``leads`` as agency
ids or ``group:<name>``) and the seeds' format (``timeline_text``, ``leads`` as ``[text, role, inherited]``), for
which only items are matched.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

_REF_PREFIX = re.compile(r"^\s*(output\s+\d+\s*:?|\d+(\.\d+)*\.?\)?|[a-z]\)|[ivx]+\))\s+", re.I)
LEAD_ROLES = {"lead", "co-lead", "chair", "co-chair", "proposed"}


def norm_text(s: str | None) -> str:
    """``norm_text("1.2 Draft the <b>report</b>;")`` -> ``"draft the report"``."""
    s = re.sub(r"<[^>]+>", " ", s or "")
    s = s.replace("**", " ").replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"\s+", " ", s).strip().lower()
    s = _REF_PREFIX.sub("", s)
    return s.strip(" .;:")


def _norm_ref(s: str | None) -> str:
    return re.sub(r"[\s.:)]+$", "", (s or "").strip().lower())


def _norm_block(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "").replace("\u2013", "-").lower()


def _blocks_compatible(a: str, b: str) -> bool:
    if not a or not b or a == b:
        return True
    ya, yb = set(re.findall(r"(?:19|20)\d\d", a)), set(re.findall(r"(?:19|20)\d\d", b))
    return not ya or not yb or bool(ya & yb)


def ratio(a: str, b: str) -> float:
    """Similarity 0-100 of two strings (difflib's ratio)."""
    return 100 * difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def token_set_ratio(a: str, b: str) -> float:
    x, y = set(a.split()), set(b.split())
    common = " ".join(sorted(x & y))
    p = (common + " " + " ".join(sorted(x - y))).strip()
    q = (common + " " + " ".join(sorted(y - x))).strip()
    return max(ratio(common, p), ratio(common, q), ratio(p, q)) if common else ratio(p, q)


def text_similarity(gold: str, got: str) -> float:
    """How well an extracted text matches a gold text (both normalised): a candidate much shorter than the gold
    text is compared whole, so a heading whose words all occur in a long item is no match."""
    if not gold or not got:
        return 0.0
    short = len(gold) < 40 or len(got) < 0.5 * len(gold)
    return ratio(gold, got) if short else max(ratio(gold, got), token_set_ratio(gold, got) - 5)


@dataclass(frozen=True)
class Probe:
    """What matching needs of an extracted item (or a candidate)."""

    key: object
    text: str
    ref: str | None = None
    block: str | None = None
    section: str | None = None


def match(gold: list[dict], items: list[Probe], threshold: float = 80.0) -> dict[int, object]:
    """Greedy one-to-one matching, gold index -> probe key (score.py's rule: text >= 80, then ref and section)."""
    pairs: list[tuple[float, int, int, object]] = []
    probes = [(p.key, norm_text(p.text), _norm_ref(p.ref), _norm_block(p.block), norm_text(p.section)) for p in items]
    for gi, g in enumerate(gold):
        gt, gr = norm_text(g.get("text")), _norm_ref(g.get("ref"))
        gb, gs = _norm_block(g.get("block")), norm_text(g.get("section"))
        for key, ct, cr, cb, cs in probes:
            if not _blocks_compatible(gb, cb) or not ct or abs(len(ct) - len(gt)) > max(len(ct), len(gt)) * 0.9:
                continue
            t = text_similarity(gt, ct)
            if t < threshold:
                continue
            s = 0.7 * t + 15 * (gr == cr and gr != "") + 0.15 * (ratio(gs, cs) if gs and cs else 50)
            pairs.append((-s, gi, len(pairs), key))
    pairs.sort(key=lambda p: (p[0], p[1], p[2]))
    used_g: set[int] = set()
    used_c: set[object] = set()
    out: dict[int, object] = {}
    for _, gi, _, key in pairs:
        if gi in used_g or key in used_c:
            continue
        used_g.add(gi)
        used_c.add(key)
        out[gi] = key
    return out


def load_gold(path: Path) -> list[dict]:
    """The annotated records of one document (JSON Lines)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class DocScore:
    """One document's figures, as score.py prints them."""

    name: str
    gold: int
    extracted: int
    matched: int
    timeline: tuple[int, int] = (0, 0)
    lead: tuple[int, int] = (0, 0)
    missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return round(self.matched / self.gold, 3) if self.gold else 0.0

    @property
    def precision(self) -> float:
        return round(self.matched / self.extracted, 3) if self.extracted else 0.0

    @property
    def timeline_acc(self) -> float | None:
        return round(self.timeline[0] / self.timeline[1], 3) if self.timeline[1] else None

    @property
    def lead_acc(self) -> float | None:
        return round(self.lead[0] / self.lead[1], 3) if self.lead[1] else None

    def line(self) -> str:
        figures = {"gold": self.gold, "extracted": self.extracted, "matched": self.matched, "recall": self.recall,
                   "precision": self.precision, "timeline_acc": self.timeline_acc, "lead_acc": self.lead_acc}
        return f"{self.name} {figures}"


def _same_body(gold: str, aid: str, txt: str) -> bool:
    if gold.startswith("group:"):
        name = gold[6:].strip().lower()
        return bool(txt) and (ratio(name, txt.lower()) >= 85 or name == aid)
    g = gold.lower()
    return g == aid or (not aid and g == txt.lower())


def leads_match(got: list[tuple[str, str]], g: dict) -> bool:
    """Every gold lead found once; every other extracted lead is printed inside the gold lead text."""
    raw = (g.get("lead_raw") or "").lower()
    free = list(got)
    for want in g.get("leads", []):
        if not isinstance(want, str):
            return False
        hit = next((t for t in free if _same_body(want, *t)), None)
        if hit is None:
            return False
        free.remove(hit)
    return all(t[1] and t[1].lower() in raw and not t[0] for t in free)


def score_result(name: str, result, gold: list[dict]) -> DocScore:
    """Score one ``DocumentResult`` against its annotated records."""
    items = result.items
    probes = [Probe(i.item_id, i.text, i.ref, i.block, i.section) for i in items]
    m = match(gold, probes)
    timelines: dict[str, object] = {}
    for t in result.timelines:
        timelines.setdefault(t.item_id, t)
    leads: dict[str, list[tuple[str, str]]] = {}
    for lead in result.leads:
        role = getattr(lead.role, "value", lead.role)
        if role and str(role).lower() not in LEAD_ROLES:
            continue
        aid = (lead.agency_id or "").lower()
        txt = (lead.agency_text or "").strip()
        if not aid and (not txt or txt.lower() == "tbc"):
            continue
        got = leads.setdefault(lead.item_id, [])
        if not any(aid and aid == o[0] or not aid and not o[0] and txt.lower() == o[1].lower() for o in got):
            got.append((aid, txt))
    tl_ok = tl_n = ld_ok = ld_n = 0
    missed = []
    for gi, g in enumerate(gold):
        cid = m.get(gi)
        if cid is None:
            missed.append(str(g.get("text"))[:80])
            continue
        if g.get("timeline_raw"):
            tl_n += 1
            row = timelines.get(str(cid))
            start = getattr(row, "start_date", None) or getattr(row, "start", None)
            end = getattr(row, "end_date", None) or getattr(row, "end", None)
            got_t = (str(start) if start else None, str(end) if end else None)
            tl_ok += got_t == (g.get("start"), g.get("end"))
        if g.get("leads") and all(isinstance(x, str) for x in g["leads"]):
            ld_n += 1
            ld_ok += leads_match(leads.get(str(cid), []), g)
    return DocScore(name, len(gold), len(items), len(m), (tl_ok, tl_n), (ld_ok, ld_n), missed)


def summary(scores: list[DocScore]) -> list[str]:
    """The three closing lines of score.py: mean over documents, all documents, minimum over documents."""
    def avg(values: list[float | None]) -> str:
        vals = [v for v in values if v is not None]
        return f"{sum(vals) / len(vals):.3f}" if vals else "n/a"

    def low(values: list[float | None]) -> float:
        vals = [v for v in values if v is not None]
        return min(vals) if vals else 0.0

    gold = sum(s.gold for s in scores)
    matched = sum(s.matched for s in scores)
    tl = [sum(s.timeline[i] for s in scores) for i in range(2)]
    ld = [sum(s.lead[i] for s in scores) for i in range(2)]
    return [
        f"mean over docs: recall={avg([s.recall for s in scores])} precision={avg([s.precision for s in scores])} "
        f"timeline_acc={avg([s.timeline_acc for s in scores])} lead_acc={avg([s.lead_acc for s in scores])} "
        f"({len(scores)} docs)",
        f"all docs: items {matched}/{gold} recall={matched / max(gold, 1):.3f} "
        f"timeline_acc={tl[0] / max(tl[1], 1):.3f} ({tl[0]}/{tl[1]}) lead_acc={ld[0] / max(ld[1], 1):.3f} "
        f"({ld[0]}/{ld[1]})",
        f"min over docs: recall={low([s.recall for s in scores])} timeline_acc={low([s.timeline_acc for s in scores])} "
        f"lead_acc={low([s.lead_acc for s in scores])}",
    ]
