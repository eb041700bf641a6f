"""The run report: what was processed, skipped, failed, and how much of it normalised cleanly."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.alignments import align_editions, alignments_to_differences
from pipeline.core.enums import LEAD_ROLES, ErrorType, Status
from pipeline.core.records import DocumentResult, TimelineRow
from pipeline.output.store import SCHEMA_VERSION
from pipeline.run import PIPELINE_VERSION
from pipeline.twins import find_twins

LOW_CONFIDENCE = 0.7  # items below this were kept on weaker signals; the report counts them per document

@dataclass
class RunReport:
    started: str
    finished: str
    seconds: float
    documents: int
    parsed: list[str]
    unchanged: list[str]
    failed: dict[str, str]
    items: int  # rows of work_items
    timelines: int  # rows of timelines (with the copies of an enclosing item's timeline)
    leads: int  # rows of leads whose role is a lead's: lead, co-lead, chair, co-chair (as the dictionary counts)
    items_with_parsed_timeline: float
    items_with_resolved_lead: float
    timelines_parsed: float
    leads_resolved: float
    timelines_undated: dict[str, int] = field(default_factory=dict)  # phrases without dates: tbc/ongoing/unparsed
    lead_mentions: dict[str, int] = field(default_factory=dict)  # list / not_in_list / groups / placeholders
    timelines_revised: int = 0  # timelines whose printed date replaced an earlier one (revised_from)
    timelines_printed: int = 0  # timeline phrases as printed: rows not copied from a parent (inherited_from)
    lead_rows: int = 0  # rows of leads: leads and also members, partners and contacts
    raw_dir: str = ""
    out_dir: str = ""
    pipeline_version: str = ""
    schema_version: str = ""
    stage_seconds: dict[str, float] = field(default_factory=dict)  # parse time per stage, summed over documents
    twins: dict[str, str] = field(default_factory=dict)  # document -> the primary copy of the same plan
    unresolved_organisations: list[str] = field(default_factory=list)
    unparsed_timelines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    edition_differences: list[dict] = field(default_factory=list)  # aligned items whose dates or leads differ
    editions: list[dict] = field(default_factory=list)  # per linked edition: its original, score, items of both
    per_document: list[dict] = field(default_factory=list)

    @classmethod
    def from_results(
        cls, results: list[DocumentResult], parsed: list[str], started: dt.datetime, finished: dt.datetime,
        raw_dir: str = "", out_dir: str = "",
    ) -> RunReport:
        items = [i for r in results for i in r.items]
        timeline_rows = [t for r in results for t in r.timelines]
        timelines = [t for t in timeline_rows if t.inherited_from != "parent"]
        leads = [lead for r in results for lead in r.leads]
        resolved_items = {lead.item_id for lead in leads if lead.agency_id}
        parsed_items = {t.item_id for t in timelines if t.parsed}
        named = [lead for lead in leads if not lead.is_group and not lead.placeholder]
        placeholders = sum(1 for lead in leads if lead.placeholder)
        alignments = align_editions(results)
        failed = {
            r.document_id: "; ".join(f"{e.stage}: {e.message}" for e in (r.errors or [
                w for w in r.warnings if w.error_type == ErrorType.NO_ITEMS]))
            for r in results
            if r.status in (Status.FAILURE, Status.PARTIAL)
        }
        return cls(
            started=started.isoformat(timespec="seconds"),
            finished=finished.isoformat(timespec="seconds"),
            seconds=round((finished - started).total_seconds(), 2),
            documents=len(results),
            parsed=sorted(parsed),
            unchanged=sorted(r.document_id for r in results if r.document_id not in parsed),
            failed=failed,
            items=len(items),
            timelines=len(timeline_rows),
            leads=sum(1 for lead in leads if lead.role in LEAD_ROLES),
            timelines_printed=len(timelines),
            lead_rows=len(leads),
            items_with_parsed_timeline=round(len(parsed_items) / len(items), 4) if items else 0.0,
            items_with_resolved_lead=round(len(resolved_items) / len(items), 4) if items else 0.0,
            timelines_parsed=round(sum(1 for t in timelines if t.parsed) / len(timelines), 4) if timelines else 0.0,
            leads_resolved=round(sum(1 for lead in named if lead.agency_id) / len(named), 4) if named else 0.0,
            lead_mentions={"list": sum(1 for lead in named if lead.agency_id),
                           "not_in_list": sum(1 for lead in named if not lead.agency_id),
                           "groups": sum(1 for lead in leads if lead.is_group), "placeholders": placeholders},
            timelines_undated=_undated(timelines),
            timelines_revised=sum(1 for t in timelines if t.revised_from),
            raw_dir=str(Path(raw_dir).resolve()) if raw_dir else "",
            out_dir=str(Path(out_dir).resolve()) if out_dir else "",
            pipeline_version=PIPELINE_VERSION, schema_version=SCHEMA_VERSION,
            stage_seconds={stage: round(sum(r.seconds.get(stage, 0.0) for r in results
                                            if r.document_id in parsed), 3)
                           for stage in ("extract", "assemble", "normalize")},
            twins=find_twins(results),
            unresolved_organisations=sorted({o for r in results for o in r.unresolved}),
            unparsed_timelines=sorted({t for r in results for t in r.unparsed}),
            warnings=[
                f"{w.source_file}: {w.error_type}: {w.message}"
                for r in results
                for w in r.warnings
                if w.error_type not in ("unresolved_organisation", "unparsed_timeline")
            ],
            edition_differences=alignments_to_differences(results, alignments),
            editions=_editions(results, alignments),
            per_document=[
                {
                    "document_id": r.document_id,
                    "status": r.status.value,
                    "language": r.language,
                    "items": len(r.items),
                    "low_confidence": sum(1 for i in r.items if i.confidence < LOW_CONFIDENCE),
                    "edition_of": r.edition_of,
                }
                for r in sorted(results, key=lambda r: r.document_id)
            ],
        )

    def summary_line(self) -> str:
        return (
            f"{self.documents} documents ({len(self.parsed)} parsed, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} with errors): {self.items} items, {self.timelines} timelines, {self.leads} leads"
        )

    def to_markdown(self) -> str:
        pct = lambda x: f"{100 * x:.1f}%"  # noqa: E731
        lines = [
            "# Run report",
            "",
            f"- Run: {self.started} to {self.finished} ({self.seconds} s); workplans {self.pipeline_version}, "
            f"schema {self.schema_version}",
            f"- Input folder: {_md(self.raw_dir)}; output folder: {_md(self.out_dir)}",
            "- Parse time of the documents parsed, per stage: "
            + ", ".join(f"{k} {v} s" for k, v in self.stage_seconds.items()),
            f"- Documents: {self.documents} ({len(self.parsed)} parsed, {len(self.unchanged)} skipped as unchanged,"
            f" {len(self.failed)} with errors)",
            f"- Rows: {self.items} work items; {self.timelines} timelines ({self.timelines_printed} as printed, "
            f"{self.timelines - self.timelines_printed} copied from the enclosing item); {self.lead_rows} in leads, "
            f"of which {self.leads} leads (lead, co-lead, chair, co-chair) and {self.lead_rows - self.leads} "
            f"members, partners and contacts",
            f"- Items with a parsed timeline: {pct(self.items_with_parsed_timeline)}; "
            f"with a resolved lead: {pct(self.items_with_resolved_lead)}",
            f"- Timeline phrases parsed to dates: {pct(self.timelines_parsed)} (without dates: "
            f"{self.timelines_undated.get('tbc', 0)} TBC, {self.timelines_undated.get('ongoing', 0)} ongoing, "
            f"{self.timelines_undated.get('relative', 0)} relative, {self.timelines_undated.get('recurring', 0)} "
            f"recurring, "
            f"{self.timelines_undated.get('unparsed', 0)} unparsed; {self.timelines_revised} revised dates); "
            f"organisation mentions (not groups) "
            f"resolved to an id: {pct(self.leads_resolved)} ({self.lead_mentions.get('list', 0)} from the agency "
            f"list, {self.lead_mentions.get('not_in_list', 0)} not in it, {self.lead_mentions.get('groups', 0)} "
            f"groups and {self.lead_mentions.get('placeholders', 0)} placeholders such as TBC counted apart)",
            "",
            "## Documents",
            "",
            f"| document | status | language | items | low confidence (< {LOW_CONFIDENCE}) | edition of |",
            "|---|---|---|---|---|---|",
            *[
                f"| {_md(d['document_id'])} | {d['status']} | {_md(d['language'] or '')} | {d['items']} "
                f"| {d['low_confidence']} | {_md(d['edition_of'] or '')} |"
                for d in self.per_document
            ],
            "",
            "## Same plan in two formats",
            "",
            "Counted once where `documents.is_primary` is true:",
            "",
            *([f"- {_md(k)} is {_md(v)} in another format" for k, v in sorted(self.twins.items())] or ["None."]),
            "",
            "## Editions",
            "",
            "Each translated edition linked to its original (`documents.edition_of`), how sure the link is and why, "
            "and the items read in both: an edition read as its original gives as many items, all aligned.",
            "",
            *([f"- {_md(d['document_id'])}: edition of {_md(d['edition_of'])} (score {d['score']}; {d['method']}): "
               f"{d['items']} items for the original's {d['original_items']}, {d['aligned']} aligned"
               for d in self.editions] or ["None."]),
            "",
            "## Differences between editions",
            "",
            "Items of a translated edition whose dated interval or lead agencies differ from the original item "
            "they are aligned with (`item_alignments`): a date changed in translation, or a misread.",
            "",
            *([f"- {_md(d['document_id'])}: {_md(d['item'])} ({_md(d['original_item'])}): {d['field']} "
               f"{_md(d['edition'])} in the edition, {_md(d['original'])} in the original"
               for d in self.edition_differences] or ["None."]),
            "",
            "## Failed documents",
            "",
            *([f"- {_md(k)}: {_md(v)}" for k, v in self.failed.items()] or ["None."]),
            "",
            "## Unresolved organisations",
            "",
            "Add them to `normalizers/data/agencies.csv` to give them an id.",
            "",
            *([f"- {_md(o)}" for o in self.unresolved_organisations] or ["None."]),
            "",
            "## Unparsed timeline phrases",
            "",
            *([f"- {_md(t)}" for t in self.unparsed_timelines] or ["None."]),
            "",
            "## Warnings",
            "",
            *([f"- {_md(w)}" for w in self.warnings] or ["None."]),
            "",
        ]
        return "\n".join(lines)


def _editions(results: list[DocumentResult], alignments: list[dict]) -> list[dict]:
    """Per linked edition: ``{"document_id": "es.txt", "edition_of": "en.txt", "score": 0.93, "method":
    "anchor_lcs: ...", "items": 22, "original_items": 23, "aligned": 21}``."""
    by_id = {r.document_id: r for r in results}
    aligned: dict[str, int] = {}
    for row in alignments:
        aligned[row["document_id"]] = aligned.get(row["document_id"], 0) + 1
    return [{"document_id": r.document_id, "edition_of": r.edition_of, "score": r.edition_score,
             "method": r.edition_method, "items": len(r.items), "original_items": len(by_id[r.edition_of].items),
             "aligned": aligned.get(r.document_id, 0)}
            for r in sorted(results, key=lambda r: r.document_id) if r.edition_of in by_id]


def write_report(report: RunReport, out_dir: Path) -> list[str]:
    """``out_dir/run_report.md`` and ``run_report.json`` (into a run's snapshot folder); returns their names."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in (
        ("run_report.json", json.dumps(asdict(report), indent=2, ensure_ascii=False)),
        ("run_report.md", report.to_markdown()),
    ):
        (out_dir / name).write_text(body, encoding="utf-8")
        written.append(name)
    return written


_MD_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", **{c: "\\" + c for c in "\\`*[]|~"}}


def _md(text: str) -> str:
    """A file name or any text from a document, shown as it is in markdown: no link, image, HTML or code span
    can be made of it (``[x](javascript:...)``, ``<img onerror=...>``), a ``|`` keeps a table row whole, line
    breaks are spaces: ``_md("[x](javascript:alert(1)) <img>")`` -> ``"\\[x\\](javascript:alert(1)) &lt;img&gt;"``."""
    return "".join(_MD_ESCAPES.get(c, c) for c in " ".join(str(text).split()))


def _undated(timelines: list[TimelineRow]) -> dict[str, int]:
    """Timeline phrases without dates by reason: ``tbc`` ("TBC"), ``ongoing`` ("Ongoing", "continuous"),
    ``relative`` ("within 90 days of ...", "Week 3 - 12"), ``recurring`` ("quarterly", "2 per year"),
    ``unparsed`` (nothing understood: listed under "Unparsed timeline phrases")."""
    counts = {"tbc": 0, "ongoing": 0, "relative": 0, "recurring": 0, "unparsed": 0}
    for t in timelines:
        if not t.parsed:
            relative = t.duration or t.relative_to
            reason = ("tbc" if t.tbc else "ongoing" if t.ongoing else "relative" if relative
                      else "recurring" if t.recurrence else "unparsed")
            counts[reason] += 1
    return counts
