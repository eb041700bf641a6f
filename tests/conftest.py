"""Shared fixtures: one real Prefect flow run over the seed workplans, read back from Parquet."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import settings

from pipeline.environment import prepare_prefect

prepare_prefect()

# Property tests draw the same examples on every run (a red CI must be reproducible, not a random draw);
# HYPOTHESIS_PROFILE=explore draws new ones to hunt for bugs, which then become fixed test cases.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server (own database) for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def seed_run(prefect_harness, tmp_path_factory) -> Path:
    """The flow run on a copy of raw/, returning the output folder."""
    from flows import extract_workplans

    base = tmp_path_factory.mktemp("seed_run")
    raw, out = base / "raw", base / "output"
    shutil.copytree(RAW, raw)
    extract_workplans(raw_dir=str(raw), out_dir=str(out))
    return out


@pytest.fixture(scope="session")
def tables(seed_run) -> dict[str, list[dict]]:
    """Every output table as a list of row dicts, read back with pyarrow."""
    names = ("documents", "work_items", "leads", "timelines", "funding", "funding_agencies", "agencies", "errors",
             "organisations")
    return {name: pq.read_table(seed_run / name).to_pylist() for name in names}


@pytest.fixture(scope="session")
def plans_run(prefect_harness, tmp_path_factory) -> Path:
    """One plan as text, PDF and four translated editions (six documents), and a plan alone."""
    from flows import extract_workplans

    wg6 = "wg6_services_access_draft_2019"
    base = tmp_path_factory.mktemp("plans")
    raw, out = base / "raw", base / "out"
    raw.mkdir()
    shutil.copy(RAW / f"{wg6}.txt", raw)
    shutil.copy(RAW / "gmg_workplan_2010.txt", raw)
    shutil.copy(FIXTURES / f"{wg6}.pdf", raw)
    for lang in ("ar", "es", "ru", "zh"):
        shutil.copy(FIXTURES / "editions" / f"{wg6}_{lang}.txt", raw)
    extract_workplans(raw_dir=str(raw), out_dir=str(out))
    return out
