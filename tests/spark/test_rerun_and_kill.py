"""A rerun over the same output adds nothing; a ``spark scan`` killed part-way (a real SIGKILL
of the driver process) leaves nothing that counts, and running it again gives the same tables
as a run that was never killed; ``import-parquet`` loads them into a store as the embedded scan
stores them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from waspada.ingest.readers import Fields
from waspada.spark.executor import ScanParams
from waspada.spark.importer import import_parquet
from waspada.spark.layout import STAGING, LocalLayout
from waspada.spark.scan import scan
from waspada.spark.schemas import SCAN_TABLES
from waspada.store.db import Store

from ._util import spark_rows, store_rows

_CLI = [sys.executable, "-c", "from waspada.cli import main; main()"]
#: columns the run fills with its own clock
_CLOCK = {"ingested_at", "quarantined_at"}


def _snapshot(out: str) -> dict[str, list[tuple[Any, ...]]]:
    snap = {}
    for t in SCAN_TABLES:
        rows = spark_rows(out, t.name)
        snap[t.name] = sorted(tuple(v for k, v in r.items() if k not in _CLOCK) for r in rows)
    return snap


def test_rerun_adds_nothing(spark: Any, both: Any, tmp_path: Path) -> None:
    before = _snapshot(both.out)
    r = scan(spark, both.inputs, both.out, ScanParams(Fields(), semantic="off"))
    # as in ``waspada scan``: every record whose id was stored before is "already stored"
    # (repeats included), nothing is new
    assert (r.new, r.duplicates, r.already_stored) == (0, 0, both.spark_scan.ok)
    assert r.read == both.spark_scan.read and r.quarantined == both.spark_scan.quarantined
    assert _snapshot(both.out) == before
    assert len(LocalLayout(Path(both.out)).runs()) >= 2  # the rerun committed an empty run


def test_killed_job_rerun_gives_the_same_tables(spark: Any, both: Any, tmp_path: Path) -> None:
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [*_CLI, "spark", "scan", *both.inputs, "--out",
           str(out), "--master", "local[2]", "--semantic", "off", "--conf",
           "spark.sql.shuffle.partitions=2", "--conf", "spark.driver.memory=1g"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 400
        # kill once the job has staged output (records assessed, nothing committed yet)
        while time.monotonic() < deadline and proc.poll() is None:
            staged = list((out / STAGING).glob("*/_assessed/*.parquet"))
            if staged:
                break
            time.sleep(0.5)
        assert proc.poll() is None, "the job ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and the JVM it started
        proc.wait(30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert LocalLayout(out).runs() == []  # killed before its commit: nothing counts
    r = scan(spark, both.inputs, str(out), ScanParams(Fields(), semantic="off"))
    assert r.new == both.spark_scan.new
    assert not any((out / STAGING).iterdir()) if (out / STAGING).exists() else True
    # doc_keys and entity_ids included: they follow the input order, not the run
    assert _snapshot(str(out)) == _snapshot(both.out)


def test_import_parquet_gives_the_embedded_store(both: Any, tmp_path: Path) -> None:
    db = tmp_path / "imported.duckdb"
    with Store.open(db) as st:
        r = import_parquet(both.out, st)
        again = import_parquet(both.out, st)
    assert r.new == both.spark_scan.new and again.new == 0  # idempotent
    sql = ("SELECT d.id, d.text, d.posted_at, a.risk, a.level, a.category, "
           "list(x.kind || ':' || x.value ORDER BY x.kind, x.value, de.start_pos) AS ents "
           "FROM documents d JOIN assessments a USING (doc_key) "
           "LEFT JOIN doc_entities de USING (doc_key) LEFT JOIN entities x USING (entity_id) "
           "GROUP BY ALL ORDER BY d.id")
    assert store_rows(db, sql) == store_rows(both.store, sql)
    q = "SELECT qid, input, unit, line, reason, excerpt FROM quarantine ORDER BY qid"
    assert store_rows(db, q) == store_rows(both.store, q)
    # the store's query commands read it: the CLI's stats over the imported store
    res = subprocess.run([*_CLI, "stats", "--json", "--db", str(db)], capture_output=True,
                         text=True, timeout=120, check=True)
    assert f'"documents": {both.spark_scan.new}' in res.stdout
