"""A plan in two formats in one folder (text and PDF): recognised from content, counted once on is_primary."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent


def test_pdf_and_text_twins_count_each_lead_once(prefect_harness, tmp_path):
    from flows import extract_workplans

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(ROOT / "raw" / "wg6_services_access_draft_2019.txt", raw)
    shutil.copy(ROOT / "tests" / "fixtures" / "wg6_services_access_draft_2019.pdf", raw)
    shutil.copy(ROOT / "raw" / "gmg_workplan_2010.txt", raw)
    report = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    docs = {d["document_id"]: d for d in pq.read_table(out / "documents").to_pylist()}
    pdf = docs["wg6_services_access_draft_2019.pdf"]
    assert (pdf["same_as"], pdf["is_primary"]) == ("wg6_services_access_draft_2019.txt", False)
    assert docs["wg6_services_access_draft_2019.txt"]["is_primary"] and docs["gmg_workplan_2010.txt"]["is_primary"]
    assert report.twins == {"wg6_services_access_draft_2019.pdf": "wg6_services_access_draft_2019.txt"}
    con = duckdb.connect()
    both, once, text_only = con.sql(f"""
        select count(*), count(*) filter (where d.is_primary),
               count(*) filter (where d.document_id = 'wg6_services_access_draft_2019.txt')
        from '{out}/leads/*.parquet' l join '{out}/documents/*.parquet' d using (document_id)
        where l.agency_id = 'WHO' and d.document_id like 'wg6%'""").fetchall()[0]
    assert both == 2 * text_only and once == text_only > 0
    meta = pq.read_schema(out / "work_items" / "part-0.parquet").metadata
    assert meta[b"workplans.schema_version"] == docs["gmg_workplan_2010.txt"]["schema_version"].encode()
    markdown = (out / "run_report.md").read_text(encoding="utf-8")
    assert f"Input folder: {raw.resolve()}; output folder: {out.resolve()}" in markdown
    assert "- wg6_services_access_draft_2019.pdf is wg6_services_access_draft_2019.txt in another format" in markdown
