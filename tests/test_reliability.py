"""The output folder under attack and under crashes: a cache that is data, runs killed at every step of the
write, two runs into one folder, a reader polling while runs publish. Real CLI runs, real Parquet, DuckDB."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest

from pipeline.cache import CacheEntryRejected, check_entry, decode, encode
from pipeline.output.snapshots import RUNS, output_lock, publish, remove_leftovers, switched
from pipeline.output.store import SCHEMAS
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SMALL, OTHER = "wg6_services_access_draft_2019.txt", "gmg_workplan_2010.txt"
TABLES = sorted(SCHEMAS)


class Payload:
    """What an attacker plants: unpickling it runs a shell command (here: creating a marker file)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


# --- the cache is data ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name for p in RAW.iterdir()))
def test_every_seed_result_survives_the_json_cache_unchanged(name):
    result = run_document(RAW / name, RAW)
    assert decode(encode(result)) == result


@pytest.mark.parametrize("tamper", [
    lambda s: s.replace('"pipeline.core.records:WorkItem"', '"os:system"'),  # a class outside our record modules
    lambda s: s.replace('"pipeline.core.records:WorkItem"', '"pipeline.core.records:dataclass"'),  # imported there
    lambda s: s.replace('"version":1', '"version":0'),  # an older encoding
    lambda s: s.replace('"format":"workplans-cache"', '"format":"other"'),
    lambda s: s.replace('"text":', '"no_such_field":', 1),  # a field the record does not have
    lambda s: s[: len(s) // 2],  # cut short
])
def test_a_tampered_cache_value_is_rejected(tamper):
    blob = encode(run_document(RAW / SMALL, RAW)).decode()
    with pytest.raises(CacheEntryRejected):
        decode(tamper(blob).encode())


def test_planted_pickle_in_the_cache_is_never_executed_and_the_document_is_parsed_again(prefect_harness, tmp_path):
    from prefect._internal.result_records import ResultRecord, ResultRecordMetadata
    from prefect.serializers import PickleSerializer

    from flows import extract_workplans

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for name in (SMALL, OTHER):
        shutil.copy(RAW / name, raw)
    assert extract_workplans(raw_dir=str(raw), out_dir=str(out)).parsed == [OTHER, SMALL]
    entries = sorted((out / ".cache").iterdir())
    assert len(entries) == 2

    marker, control = tmp_path / "pwned", tmp_path / "control"
    for entry in entries:
        record = ResultRecord(metadata=ResultRecordMetadata(serializer=PickleSerializer(), storage_key=entry.name),
                              result=Payload(marker))
        entry.write_bytes(record.serialize())
    # the planted file is live: Prefect's own reader runs it (on another marker)
    live = ResultRecord(metadata=ResultRecordMetadata(serializer=PickleSerializer()), result=Payload(control))
    ResultRecord.deserialize(live.serialize())
    assert control.exists()
    with pytest.raises(CacheEntryRejected):
        check_entry(entries[0].read_bytes())

    again = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    assert not marker.exists()
    assert again.parsed == [OTHER, SMALL] and again.unchanged == []
    for entry in sorted((out / ".cache").iterdir()):
        assert json.loads(entry.read_bytes())["metadata"]["serializer"]["type"] == "workplans-json"
        check_entry(entry.read_bytes())


def _entry(name: str) -> bytes:
    """A cache entry of the seed file ``name``, as Prefect would store it."""
    from prefect._internal.result_records import ResultRecord, ResultRecordMetadata

    from pipeline.cache import RecordSerializer

    record = ResultRecord(metadata=ResultRecordMetadata(serializer=RecordSerializer(), storage_key="k"),
                          result=run_document(RAW / name, RAW))
    return record.serialize()


def _forge(content: bytes, change) -> bytes:
    """The entry with its value (the JSON text of a DocumentResult) changed by ``change``."""
    record = json.loads(content)
    value = json.loads(record["result"])
    change(value["value"]["f"])
    record["result"] = json.dumps(value)
    return json.dumps(record).encode()


def _set_item_field(name, value):
    def change(fields):
        fields["items"][0]["f"][name] = value
    return change


@pytest.mark.parametrize(("change", "reason"), [
    (lambda f: f.update(pages="many"), "DocumentResult.pages: str 'many' where int | None belongs"),
    (lambda f: f.update(pages=True), "DocumentResult.pages: bool True where int | None belongs"),
    (_set_item_field("confidence", "high"), "WorkItem.confidence: str 'high' where <class 'float'> belongs"),
    (_set_item_field("leads", {"$t": [{"$t": ["UNDP"]}]}), "WorkItem.leads[0]: tuple ('UNDP',) where "
                                                          "<class 'pipeline.core.records.LeadText'> belongs"),
    (lambda f: f.update(unresolved=[1]), "DocumentResult.unresolved[0]: int 1 where <class 'str'> belongs"),
    (lambda f: f.update(period_start={"$dt": "2019-01-01T00:00:00"}),
     "DocumentResult.period_start: datetime datetime.datetime(2019, 1, 1, 0, 0) where datetime.date | None belongs"),
    (lambda f: f.update(status={"$e": "pipeline.core.enums:ItemKind", "v": "activity"}),
     "DocumentResult.status: ItemKind <ItemKind.ACTIVITY: 'activity'> where <enum 'Status'> belongs"),
    (lambda f: f.update(seconds={"extract": "0.1"}), "DocumentResult.seconds['extract']: str '0.1' where "
                                                     "<class 'float'> belongs"),
])
def test_a_cache_record_with_a_field_of_the_wrong_type_is_rejected(change, reason):
    with pytest.raises(CacheEntryRejected, match=re.escape(reason)):
        check_entry(_forge(_entry(SMALL), change))


def test_cache_json_nested_too_deep_is_rejected_not_dropped_silently():
    deep = '{"format":"workplans-cache","version":1,"value":' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(CacheEntryRejected, match="JSON nested too deep"):
        decode(deep.encode())
    shallow_but_deeper_than_records = '{"format":"workplans-cache","version":1,"value":' + "[" * 60 + "]" * 60 + "}"
    with pytest.raises(CacheEntryRejected, match="nested more than 40 deep"):
        decode(shallow_but_deeper_than_records.encode())
    record = json.loads(_entry(SMALL))
    record["result"] = deep
    with pytest.raises(CacheEntryRejected, match="JSON nested too deep"):
        check_entry(json.dumps(record).encode())


def test_a_cached_result_is_checked_against_the_document_and_bytes_it_claims():
    from pipeline.cache import result_problem
    from pipeline.run import sha256_of

    result = run_document(RAW / SMALL, RAW)
    sha = sha256_of(RAW / SMALL)
    assert result_problem(result, SMALL, sha) is None
    assert result_problem(result, OTHER, sha) == f"made for document '{SMALL}', not '{OTHER}'"
    assert result_problem(result, SMALL, "0" * 64) == f"made from other bytes (sha256 '{sha[:36]}..., the file's " \
                                                      f"is {'0' * 64})"
    forged = dataclasses.replace(result, document_id="../../etc/passwd", source_file="../../etc/passwd")
    assert result_problem(forged, SMALL, sha) == f"made for document '../../etc/passwd', not '{SMALL}'"
    smuggled = dataclasses.replace(result, items=[dataclasses.replace(result.items[0], document_id="../../etc/passwd")])
    assert result_problem(smuggled, SMALL, sha) == "holds rows of document '../../etc/passwd'"
    assert result_problem(None, SMALL, sha) == "a NoneType, not a document's result"


def test_forged_cache_records_are_never_published_and_the_documents_are_parsed_again(prefect_harness, tmp_path):
    from flows import extract_workplans

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for name in (SMALL, OTHER):
        shutil.copy(RAW / name, raw)
    assert extract_workplans(raw_dir=str(raw), out_dir=str(out)).parsed == [OTHER, SMALL]
    entries = {decode(json.loads(p.read_bytes())["result"].encode()).document_id: p
               for p in (out / ".cache").iterdir()}

    def rename(fields):  # right classes and types, another document's id: would be published as data
        for key in ("document_id", "source_file"):
            fields[key] = "../../etc/passwd"
        for item in fields["items"]:
            item["f"]["document_id"] = "../../etc/passwd"

    entries[SMALL].write_bytes(_forge(entries[SMALL].read_bytes(), rename))
    entries[OTHER].write_bytes(_forge(entries[OTHER].read_bytes(), _set_item_field("page", "1")))
    again = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    assert again.parsed == [OTHER, SMALL] and again.unchanged == []
    ids = {name: ids for name, ids in _read_all(out).items() if ids}
    assert {i for table in ids.values() for i in table} == {OTHER, SMALL}
    third = extract_workplans(raw_dir=str(raw), out_dir=str(out))  # the forged entries were replaced, not kept
    assert third.parsed == [] and third.unchanged == [OTHER, SMALL]
    assert sorted(p.name for p in (out / ".cache").iterdir()) == sorted(p.name for p in entries.values())


def test_the_cache_keeps_only_documents_still_in_the_folder(prefect_harness, tmp_path):
    from flows import extract_workplans

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for name in (SMALL, OTHER):
        shutil.copy(RAW / name, raw)
    extract_workplans(raw_dir=str(raw), out_dir=str(out))
    assert len(list((out / ".cache").iterdir())) == 2
    (raw / OTHER).unlink()
    report = extract_workplans(raw_dir=str(raw), out_dir=str(out))
    assert report.unchanged == [SMALL]
    assert len(list((out / ".cache").iterdir())) == 1


# --- crashes ----------------------------------------------------------------------------------------------

def _cli(raw: Path, out: Path, api_url: str, fault: str | None = None) -> subprocess.CompletedProcess:
    args, env = _command(raw, out, api_url, fault)
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)


def _read_all(out: Path, pinned: bool = False) -> dict[str, set[str]]:
    """Every table through DuckDB's glob, as the README documents (``pinned``: the current run's snapshot, as a
    reader needing one run's tables reads them); the document ids each one holds."""
    ids = {}
    with duckdb.connect() as con:  # a connection of its own: a reader thread polls beside the test
        for name in TABLES:
            column = "document_id" if "document_id" in SCHEMAS[name].names else None
            files = f"{_pinned(out)}/{name}.parquet" if pinned else f"{out}/{name}/*.parquet"
            ids[name] = {row[0] for row in con.sql(f"select {column or 'null'} from read_parquet('{files}')")
                         .fetchall() if row[0] is not None}
    return ids


def _recursive(out: Path, name: str) -> int:
    """Rows of a table read as a Power BI or Tableau folder source reads it: every file below the folder."""
    return duckdb.sql(f"select count(*) from read_parquet('{out}/**/{name}/*.parquet')").fetchall()[0][0]


def _links(out: Path) -> list[str]:
    return [str(p) for p in out.rglob("*") if p.is_symlink()]


@pytest.fixture(scope="module")
def api_url(prefect_harness) -> str:
    from prefect.settings import get_current_settings

    return str(get_current_settings().api.url)


@pytest.fixture(scope="module")
def first_output(api_url, tmp_path_factory) -> Path:
    """A good run of one document: the version a crashed run must leave readable."""
    base = tmp_path_factory.mktemp("first")
    raw, out = base / "raw", base / "out"
    raw.mkdir()
    shutil.copy(RAW / SMALL, raw)
    assert _cli(raw, out, api_url).returncode == 0
    return out


# the first and the last table file cut short stand for every table (each is a kill inside an unfinished snapshot)
POINTS = ["before-complete", f"table:{TABLES[0]}", f"table:{TABLES[-1]}", "before-switch", "mid-switch",
          "after-switch"]


def _in_parallel(commands: list[tuple[list[str], dict]], at_once: int = 4) -> list[subprocess.CompletedProcess]:
    """Run the commands, ``at_once`` at a time (each is a whole run: the crash points need not wait in line)."""
    from concurrent.futures import ThreadPoolExecutor

    def run(command: tuple[list[str], dict]) -> subprocess.CompletedProcess:
        args, env = command
        return subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)

    with ThreadPoolExecutor(at_once) as pool:
        return list(pool.map(run, commands))


def _command(raw: Path, out: Path, api_url: str, fault: str | None = None) -> tuple[list[str], dict]:
    env = {**os.environ, "PREFECT_API_URL": api_url, "PYTHONPATH": str(ROOT)}
    env.pop("WORKPLANS_FAULT_POINT", None)
    if fault:
        env["WORKPLANS_FAULT_POINT"] = fault
    return [sys.executable, str(ROOT / "flows.py"), "extract", str(raw), "--out", str(out), "--no-progress"], env


def test_a_run_killed_at_any_point_leaves_one_complete_version_and_the_next_run_cleans_up(
        api_url, first_output, tmp_path):
    """SIGKILL at every step of the write (inside each table's file, before the snapshot is complete, before and
    after the switch): each time the output is one whole version, read through DuckDB's glob, and the next run
    succeeds and removes what the killed one left."""
    folders = {}
    for point in POINTS:
        raw, out = tmp_path / point.replace(":", "-") / "raw", tmp_path / point.replace(":", "-") / "out"
        raw.mkdir(parents=True)
        shutil.copy(RAW / SMALL, raw)
        shutil.copy(RAW / OTHER, raw)
        shutil.copytree(first_output, out, symlinks=True)
        folders[point] = (raw, out)

    killed = _in_parallel([_command(raw, out, api_url, fault=point) for point, (raw, out) in folders.items()])
    for point, run in zip(POINTS, killed, strict=True):
        assert run.returncode == -9, (point, run.stderr[-2000:])
        out = folders[point][1]
        seen = _read_all(out)
        new = point in ("mid-switch", "after-switch")  # the new version once current_run.txt names it
        expected = {SMALL, OTHER} if new else {SMALL}
        pinned = _read_all(out, pinned=True)  # the snapshot current_run.txt names: one run, whole
        assert pinned["documents"] == pinned["work_items"] == expected, point
        if point == "mid-switch":  # each table whole, of the old run or the new one, until the switch is finished
            assert all(seen[name] <= expected for name in TABLES), seen
            assert seen["documents"] in ({SMALL}, expected) and seen["work_items"] in ({SMALL}, expected)
            assert not switched(out)
            with output_lock(out):
                remove_leftovers(out)  # what the next run does first
            seen = _read_all(out)
        assert seen == pinned, point
        assert seen["documents"] == expected, point
        assert seen["work_items"] == expected, point
        for name in ("leads", "timelines", "errors"):
            assert seen[name] <= expected, (point, name)
        assert _links(out) == [], point

    again = _in_parallel([_command(raw, out, api_url) for raw, out in folders.values()])
    for point, run in zip(POINTS, again, strict=True):
        assert run.returncode == 0, (point, run.stderr[-2000:])
        out = folders[point][1]
        assert _read_all(out)["documents"] == {SMALL, OTHER}, point
        runs = sorted((out / RUNS).iterdir())
        assert runs and all((run / ".complete").exists() for run in runs), point  # the half-written one is gone
        assert not [p.name for p in out.glob(".*") if p.name.endswith((".tmp", ".old"))], point
        assert switched(out) and _links(out) == [], point
        assert _recursive(out, "documents") == 2, point


# --- two writers, one reader ------------------------------------------------------------------------------

def _pinned(out: Path) -> Path:
    """The current run's own folder, as a reader polling during runs reads it (README: reading during a run)."""
    return out / RUNS / (out / "current_run.txt").read_text().strip()


def test_two_runs_into_one_folder_never_mix_and_a_polling_reader_never_fails(api_url, tmp_path):
    raws = {}
    for name in (SMALL, OTHER):
        raws[name] = tmp_path / f"raw-{name}"
        raws[name].mkdir()
        shutil.copy(RAW / name, raws[name])
    out = tmp_path / "out"
    assert _cli(raws[SMALL], out, api_url).returncode == 0

    failures: list[str] = []
    stop = threading.Event()
    reads = [0]

    def poll() -> None:
        while not stop.is_set():
            try:
                _read_all(out, pinned=True)
                reads[0] += 1
            except Exception as e:  # noqa: BLE001 - every failed read is the finding
                failures.append(f"{type(e).__name__}: {e}")

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        for _ in range(1):
            env = {**os.environ, "PREFECT_API_URL": api_url, "PYTHONPATH": str(ROOT)}
            # --force: the run of the unchanged folder would otherwise say so and stop at once, before the other
            runs = [subprocess.Popen([sys.executable, str(ROOT / "flows.py"), "extract", str(raws[name]), "--out",
                                      str(out), "--no-progress", "--force"], env=env, cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                    for name in (SMALL, OTHER)]
            codes = [run.wait(timeout=300) for run in runs]
            errors = [run.stderr.read() for run in runs]
            assert sorted(codes) == [0, 2], errors  # the lock is taken before any work: the second run stops
            for code, error in zip(codes, errors, strict=True):
                if code == 2:
                    assert "another run is writing" in error and len(error.strip().splitlines()) == 1
            seen = _read_all(out)
            assert seen == _read_all(out, pinned=True)
            assert _recursive(out, "documents") == 1 and _links(out) == []
            assert seen["documents"] in ({SMALL}, {OTHER})
            assert seen["work_items"] == seen["documents"] and seen["leads"] <= seen["documents"]
    finally:
        stop.set()
        reader.join()
    assert failures == [] and reads[0] > 0


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    import pyarrow as pa
    from pipeline.output.snapshots import output_lock, publish
    from pipeline.output.store import write_tables
    out, tag = Path(sys.argv[1]), sys.argv[2]
    for round in range(int(sys.argv[3])):
        rows = [{"document_id": f"{tag}-{round}", "n": i} for i in range(200)]
        tables = {name: pa.Table.from_pylist(rows) for name in ("a", "b", "c")}
        def write(folder):
            return write_tables(tables, folder)
        with output_lock(out):
            publish(out, write)
""")


def test_writers_that_wait_for_the_lock_publish_whole_versions_while_a_reader_polls(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.run([sys.executable, "-c", WRITER, str(out), "seed", "1"], env=env, cwd=ROOT)
    assert first.returncode == 0
    failures: list[str] = []
    versions: list[tuple[str, ...]] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                with duckdb.connect() as con:
                    snapshot = _pinned(out)
                    versions.append(tuple(sorted({row[0] for name in ("a", "b", "c") for row in con.sql(
                        f"select distinct document_id from read_parquet('{snapshot}/{name}.parquet')").fetchall()})))
            except Exception as e:  # noqa: BLE001 - every failed read is the finding
                failures.append(f"{type(e).__name__}: {e}")

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(out), tag, "15"], env=env, cwd=ROOT)
                   for tag in ("x", "y")]
        assert [w.wait(timeout=300) for w in writers] == [0, 0]
    finally:
        stop.set()
        reader.join()
    assert failures == []
    assert versions and all(len(v) == 1 for v in versions)  # the three tables of one run, always
    assert len(list((out / RUNS).iterdir())) == 31  # within the grace period every snapshot stays readable
    assert _recursive(out, "a") == 200 and _links(out) == []  # one version under a recursive glob, no link


def test_snapshots_past_the_grace_period_are_removed_but_the_one_before_the_current(tmp_path, monkeypatch):
    import pyarrow as pa

    from pipeline.output.store import write_tables

    monkeypatch.setenv("WORKPLANS_SNAPSHOT_GRACE_SECONDS", "0")
    out = tmp_path / "out"
    tags = []
    for round in range(4):
        table = {"a": pa.table({"document_id": [f"run-{round}"]})}

        def write(folder: Path, table=table) -> list[str]:
            return write_tables(table, folder)

        tags.append(publish(out, write).name)
    assert sorted(p.name for p in (out / RUNS).iterdir()) == sorted(tags[-2:])
    assert (out / "current_run.txt").read_text().strip() == tags[-1]
    assert duckdb.sql(f"select document_id from read_parquet('{out}/a/*.parquet')").fetchall() == [("run-3",)]


def test_publish_converts_the_linked_layout_and_deletes_only_its_own_files(tmp_path, monkeypatch):
    """An output of the earlier layout (``.current`` and a link per table into ``.runs/<id>/<table>/``) becomes
    real folders with no link; a file of the user's in a snapshot folder, and the user's own hidden files, stay."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.output.store import write_tables

    monkeypatch.setenv("WORKPLANS_SNAPSHOT_GRACE_SECONDS", "0")
    out = tmp_path / "out"
    old = out / RUNS / "20260101T000000-0123abcd"
    (old / "a").mkdir(parents=True)
    pq.write_table(pa.table({"document_id": ["old"]}), old / "a" / "part-0.parquet")
    (old / "run_report.md").write_text("old report")
    (old / ".complete").write_text(old.name)
    (out / ".current").symlink_to(f"{RUNS}/{old.name}")
    (out / "a").symlink_to(".current/a")
    (out / "run_report.md").symlink_to(".current/run_report.md")
    (out / "current_run.txt").write_text(old.name + "\n")
    (out / ".notes.tmp").write_text("the user's")
    (old / "mine.csv").write_text("the user's")  # an old snapshot is deleted file by file, never with its folder
    assert snapshots_foreign(out) == [".notes.tmp"]

    def write(folder: Path, tag: str = "x") -> list[str]:
        (folder / "run_report.md").write_text(f"report {tag}")
        return [*write_tables({"a": pa.table({"document_id": [tag]})}, folder), "run_report.md"]

    first = publish(out, write)
    assert _links(out) == [] and (out / "a").is_dir()
    assert (out / "run_report.md").read_text() == "report x"
    assert duckdb.sql(f"select document_id from read_parquet('{out}/**/a/*.parquet')").fetchall() == [("x",)]
    assert sorted(p.name for p in old.iterdir()) == ["mine.csv"]
    second = publish(out, lambda folder: write(folder, "y"))
    assert sorted(p.name for p in (out / RUNS).iterdir()) == sorted([old.name, first.name, second.name])
    assert (out / ".notes.tmp").read_text() == "the user's"
    assert snapshots_foreign(out) == [".notes.tmp"]
    assert duckdb.sql(f"select document_id from read_parquet('{out}/**/a/*.parquet')").fetchall() == [("y",)]


def snapshots_foreign(out: Path) -> list[str]:
    from pipeline.output.snapshots import foreign_entries

    return foreign_entries(out)


# --- exit codes -------------------------------------------------------------------------------------------

def test_a_run_that_fails_as_a_whole_says_one_line_naming_its_log(api_url, tmp_path):
    """An output folder that cannot be written (here: below a file): exit 1, one line on the console, the
    traceback in the run log it names. Before: 22-143 lines of Prefect traceback ahead of the line."""
    raw, home = tmp_path / "raw", tmp_path / "home"
    raw.mkdir()
    shutil.copy(RAW / SMALL, raw)
    (tmp_path / "disk").write_text("not a folder", encoding="utf-8")
    args, env = _command(raw, tmp_path / "disk" / "out", api_url)
    env["PREFECT_HOME"] = str(home)
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 1, done.stdout + done.stderr
    (line,) = done.stderr.strip().splitlines()
    match = re.fullmatch(r"workplans: the run failed: (\w+): (.*) \(details: (\S+\.log)\)", line)
    assert match and match[1] == "NotADirectoryError" and "Not a directory" in match[2], line
    log = Path(match[3])
    assert log.parent == home / "logs"
    text = log.read_text(encoding="utf-8")
    assert "the run failed" in text and "Traceback (most recent call last)" in text
    assert text.count("NotADirectoryError") >= 1


def test_exit_code_3_when_one_of_three_documents_is_corrupt_and_the_others_are_written(api_url, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(RAW / SMALL, raw)
    shutil.copy(RAW / OTHER, raw)
    (raw / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%garbage, no xref, no trailer")
    run = _cli(raw, out, api_url)
    assert run.returncode == 3, run.stderr[-2000:]
    assert "broken.pdf" in run.stdout
    assert _read_all(out)["work_items"] == {SMALL, OTHER}
    assert _read_all(out)["errors"] >= {"broken.pdf"}


@pytest.mark.parametrize("args, message", [
    (["--workers", "0"], "--workers must be 1 or more"),
    (["--no-such-option"], "unrecognized arguments: --no-such-option"),
    (["--runner", "spark"], "invalid choice: 'spark'"),
])
def test_a_user_error_is_one_line_and_exit_code_2(args, message, tmp_path):
    (tmp_path / "raw").mkdir()
    run = subprocess.run([sys.executable, str(ROOT / "flows.py"), "extract", str(tmp_path / "raw"), "--out",
                          str(tmp_path / "out"), *args], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and message in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_a_second_run_into_a_locked_output_folder_exits_2_at_once(tmp_path):
    from pipeline.output.snapshots import output_lock

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    with output_lock(out):
        run = subprocess.run([sys.executable, str(ROOT / "flows.py"), "extract", str(raw), "--out", str(out)],
                             capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip() == f"workplans: another run is writing {str(out)!r}; wait for it to finish"


def test_an_unchanged_folder_is_not_run_again_but_a_changed_one_is(api_url, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    shutil.copy(RAW / SMALL, raw)
    (raw / "broken.pdf").write_bytes(b"%PDF-1.7\nno objects")
    assert _cli(raw, out, api_url).returncode == 3
    run_id = (out / "current_run.txt").read_text().strip()

    again = _cli(raw, out, api_url)  # nothing changed: no flow run, the exit code of the run that made the output
    assert again.returncode == 3
    assert again.stdout.splitlines()[0] == (f"2 documents, none changed since run {run_id}: {out}/ is current "
                                            f"(--force runs the flow anyway)")
    assert (out / "current_run.txt").read_text().strip() == run_id

    shutil.copy(RAW / OTHER, raw)  # a new document: the flow runs and parses only it
    added = _cli(raw, out, api_url)
    assert added.returncode == 3 and "3 documents (1 parsed, 2 unchanged, 1 with errors)" in added.stdout
    assert (out / "current_run.txt").read_text().strip() != run_id


# --- the user's files ---------------------------------------------------------------------------------------

def _extract(raw: Path, out: Path, *options: str) -> subprocess.CompletedProcess:
    """The command up to its folder checks (an empty raw folder: nothing to parse, no Prefect run needed)."""
    return subprocess.run([sys.executable, str(ROOT / "flows.py"), "extract", str(raw), "--out", str(out),
                           "--no-progress", *options], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("plant, shown", [
    (lambda out: (out / "notes.txt").write_text("mine"), "'notes.txt'"),
    (lambda out: ((out / "documents").mkdir(), (out / "documents" / "mine.parquet").write_bytes(b"x")),
     "'documents'"),
    (lambda out: (out / ".lock").symlink_to(out.parent / "elsewhere"), "'.lock'"),
])
def test_an_output_folder_holding_foreign_files_is_refused_in_one_line_and_nothing_is_touched(plant, shown,
                                                                                              tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    out.mkdir()
    plant(out)
    before = sorted((str(p), p.is_symlink()) for p in out.rglob("*"))
    run = _extract(raw, out)
    assert run.returncode == 2
    assert run.stderr == (f"workplans: output folder {str(out)!r} holds 1 file(s) workplans did not write ({shown}); "
                          f"give a new or empty folder, or --force to write beside them (they are never deleted)\n")
    assert sorted((str(p), p.is_symlink()) for p in out.rglob("*")) == before
    assert not (tmp_path / "elsewhere").exists()


def test_force_writes_beside_foreign_files_never_over_them(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (out / "documents").mkdir(parents=True)
    (out / "documents" / "part-0.parquet").write_bytes(b"the user's")
    run = _extract(raw, out, "--force")
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "'documents'" in run.stderr and "move them away" in run.stderr
    assert (out / "documents" / "part-0.parquet").read_bytes() == b"the user's"
    from pipeline.output.snapshots import OutputRefused

    def write(folder: Path) -> list[str]:
        import pyarrow as pa

        from pipeline.output.store import write_tables
        return write_tables({"documents": pa.table({"document_id": ["x"]})}, folder)

    with output_lock(out), pytest.raises(OutputRefused, match="was not written by workplans"):
        publish(out, write)  # the same refusal inside the flow
    assert (out / "documents" / "part-0.parquet").read_bytes() == b"the user's"


def test_a_planted_lock_link_is_never_followed(tmp_path):
    from pipeline.output.snapshots import OutputRefused

    out, target = tmp_path / "out", tmp_path / "target"
    out.mkdir()
    target.write_text("not yours")
    (out / ".lock").symlink_to(target)
    with pytest.raises(OutputRefused, match="is a symbolic link"), output_lock(out):
        pass
    assert target.read_text() == "not yours"


def test_export_into_the_output_folder_is_refused(tmp_path, capsys):
    from flows import main

    out = tmp_path / "out"
    (out / "work_items").mkdir(parents=True)
    assert main(["export", str(out), "--format", "csv", "--out", str(out / "work_items")]) == 2
    err = capsys.readouterr().err
    assert err == (f"workplans: {out / 'work_items'} is inside the output folder {out}; give a folder outside it "
                   f"(the next run replaces what is in there)\n")
    assert [p.name for p in (out / "work_items").iterdir()] == []


def test_names_from_the_input_are_escaped_in_the_run_report(prefect_harness, tmp_path):
    from flows import extract_workplans

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for name in ("[x](javascript:alert(1)).txt", "<img src=x onerror=alert(1)>.txt"):
        shutil.copy(RAW / OTHER, raw / name)
    extract_workplans(raw_dir=str(raw), out_dir=str(out))
    markdown = (out / "run_report.md").read_text(encoding="utf-8")
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "txt" in line]
    assert rows == ["| &lt;img src=x onerror=alert(1)&gt;.txt | success | en | 51 | 0 |  |",
                    r"| \[x\](javascript:alert(1)).txt | success | en | 51 | 0 |  |"]
    assert "<img" not in markdown and "[x](" not in markdown  # no tag, no link: every name escaped
