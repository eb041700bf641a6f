"""Match extracted work items against the hand-annotated records in tests/expected/."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

EXPECTED = Path(__file__).parent / "expected"
FIELDS = ("parent_ref", "timeline_text", "timeline_inherited", "leads", "funding_text", "funding_inherited")


def squash(text: str | None) -> str | None:
    return " ".join(text.split()) if text is not None else None


def load_expected(source: str) -> list[dict]:
    with (EXPECTED / f"{source}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def key(record: dict) -> tuple:
    return (record["kind"], record["block"], squash(record["section"]), record["ref"], squash(record["text"]))


@dataclass
class Comparison:
    missing: list[dict] = field(default_factory=list)
    wrong: list[tuple[dict, str, object, object]] = field(default_factory=list)
    matched: int = 0

    @property
    def recall(self) -> float:
        total = self.matched + len(self.missing)
        return self.matched / total if total else 1.0

    def describe(self) -> str:
        lines = [f"matched {self.matched}, missing {len(self.missing)}, wrong fields {len(self.wrong)}"]
        lines += [f"MISSING {key(r)}" for r in self.missing]
        lines += [f"WRONG {key(r)[3]} {key(r)[4][:50]!r}: {name} expected {exp!r} got {got!r}"
                  for r, name, exp, got in self.wrong]
        return "\n".join(lines)


def compare(expected: Iterable[dict], extracted: Iterable[dict]) -> Comparison:
    """Each expected record must appear among the extracted ones (same kind, block, section, ref, text)
    with the same parent, raw timeline/funding text, leads and inherited flags."""
    pool: dict[tuple, list[dict]] = {}
    for record in extracted:
        pool.setdefault(key(record), []).append(record)
    result = Comparison()
    for record in expected:
        candidates = pool.get(key(record))
        if not candidates:
            result.missing.append(record)
            continue
        got = candidates.pop(0)
        result.matched += 1
        for name in FIELDS:
            exp, have = record[name], got[name]
            if name == "leads":
                exp = sorted((squash(t), r, i) for t, r, i in exp)
                have = sorted((squash(t), r, i) for t, r, i in have)
            elif isinstance(exp, str):
                exp, have = squash(exp), squash(have)
            if exp != have:
                result.wrong.append((record, name, exp, have))
    return result


def items_to_records(items: list[dict]) -> list[dict]:
    """Rows of work_items (plus raw lead/timeline/funding) to the annotation's shape, parent as ref."""
    by_id = {i["item_id"]: i for i in items}
    out = []
    for item in items:
        parent = by_id.get(item["parent_id"]) if item["parent_id"] else None
        parent_ref = None
        if parent is not None:
            parent_ref = parent["ref"] if parent["ref"] else "~" + parent["text"][:40]
        out.append({**item, "parent_ref": parent_ref})
    return out
