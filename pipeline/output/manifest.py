"""What a run read: each document's cache key, kept in the run's snapshot, so that a re-run of an unchanged
folder can tell it has nothing to do before it starts Prefect."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.catalog import check_link, list_documents, source_fingerprint
from pipeline.core.errors import PipelineError
from pipeline.output.snapshots import RUNS, current_snapshot, switched
from pipeline.run import PIPELINE_VERSION, document_id_of, sha256_of

MANIFEST = "manifest.json"


def document_key(path: Path, raw_dir: Path, document_id: str) -> str:
    """A document's cache key: its bytes, its place in the raw folder, the pipeline's version and a fingerprint of
    its code and data files (a change to any of them parses every document again)."""
    try:
        check_link(path, raw_dir)
        content = sha256_of(path)
    except (PipelineError, OSError):
        content = "unreadable"  # run_document reports why; nothing outside the folder is read for a key
    parts = [document_id, content, PIPELINE_VERSION, source_fingerprint()]
    return hashlib.sha256("|".join(parts).encode("utf-8", "backslashreplace")).hexdigest()  # ids are printable()


def folder_keys(raw_dir: Path, out_dir: Path) -> dict[str, str]:
    """``{document_id: key}`` of every document the run would read."""
    return {document_id_of(p, raw_dir): document_key(p, raw_dir, document_id_of(p, raw_dir))
            for p in list_documents(raw_dir, exclude=(out_dir,))}


def write_manifest(folder: Path, raw_dir: Path, keys: dict[str, str]) -> str:
    """The manifest of a run into its snapshot ``folder``; returns its file name."""
    body = {"raw_dir": str(raw_dir.resolve()), "pipeline_version": PIPELINE_VERSION, "documents": keys}
    (folder / MANIFEST).write_text(json.dumps(body, indent=1, sort_keys=True), encoding="utf-8")
    return MANIFEST


def unchanged_since(raw_dir: Path, out_dir: Path) -> dict | None:
    """The current run's report when ``raw_dir`` holds exactly the documents that run read, unchanged (same keys),
    else None: then there is nothing to parse and nothing to write."""
    snapshot = current_snapshot(out_dir)
    if snapshot is None or not (snapshot / MANIFEST).is_file() or not (snapshot / "run_report.json").is_file():
        return None
    try:
        manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
        report = json.loads((snapshot / "run_report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("raw_dir") != str(raw_dir.resolve()) or manifest.get("documents") != folder_keys(raw_dir, out_dir):
        return None
    if not _tidy(out_dir):
        return None  # a run was killed after its switch: the next run finishes its work (pointer, leftovers)
    return {**report, "run_id": snapshot.name}


def _tidy(out_dir: Path) -> bool:
    """Whether the output folder is as a finished run leaves it: every file of the current snapshot in place and
    no half-written snapshot or temporary file left."""
    if not switched(out_dir):
        return False
    leftovers = [p for p in (out_dir / RUNS).iterdir() if p.name.endswith(".tmp")]
    leftovers += [p for p in out_dir.glob(".*") if p.name.endswith(".tmp") or p.name == ".current"]
    return not leftovers
