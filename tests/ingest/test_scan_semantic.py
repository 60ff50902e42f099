"""The semantic stage in a scan: which documents it read is stored per document
(``documents.semantic``: its P, NULL when it did not read the text), the summary counts them, the
pool and the scan's own process agree, and a scan killed half-way resumes with the column right.

A small input of real texts (later rows of the bundled UCI SMS sample and the synthetic demo
lures, ~30 records), the packaged encoder run for real, and a small real semantic model fitted
in the session fixture (tests/semantic/small_model.py)."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from waspada.config import AnalyzerConfig
from waspada.ingest.scan import scan
from waspada.store import schema
from waspada.store.db import Store

from ._util import cli_cmd, run_cli, signal_after_first_commit

#: WAL size past the first commit of a small batch (the schema alone: about 8 kB)
FIRST_SMALL_COMMIT_WAL_BYTES = 9_500


@pytest.fixture(scope="module")
def small_input(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    from semantic.small_model import write_scan_input

    path = tmp_path_factory.mktemp("in") / "in.jsonl"
    return path, write_scan_input(path)


@pytest.fixture(scope="module")
def config_file(small_semantic_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cfg") / "waspada.toml"
    path.write_text(f'semantic_model = "{small_semantic_model}"\n', encoding="utf-8")
    return path


def stored(db: Path) -> list[tuple[Any, ...]]:
    """(id, semantic, risk, level, category, explanation, probabilities) of every document."""
    with Store.open(db, read_only=True) as st:
        return st.query(
            "SELECT d.id, d.semantic, a.risk, a.level, a.category, a.explanation, "
            "a.probabilities FROM documents d JOIN assessments a USING (doc_key) ORDER BY d.id")


def scan_json(src: Path, db: Path, config: Path, *extra: str) -> dict[str, Any]:
    r = run_cli("scan", str(src), "--db", str(db), "--config", str(config), "--json",
                "--no-progress", *extra, cwd=db.parent)
    assert r.returncode == 0, r.stderr
    out: dict[str, Any] = json.loads(r.stdout)
    return out


@pytest.mark.parametrize("mode", ["auto", "all", "off"])
def test_the_summary_counts_what_the_semantic_stage_read_as_stored(
        tmp_path: Path, small_input: tuple[Path, int], config_file: Path, mode: str) -> None:
    src, n = small_input
    db = tmp_path / "w.duckdb"
    rep = scan_json(src, db, config_file, "--workers", "0", "--semantic", mode)
    rows = stored(db)
    read = [r for r in rows if r[1] is not None]
    assert rep["new"] == len(rows) == n
    assert rep["semantic"] == mode
    assert rep["escalated"] == len(read)
    assert rep["escalated_share"] == pytest.approx(len(read) / n, abs=1e-4)
    assert all(0.0 <= r[1] <= 1.0 for r in read)
    if mode == "all":
        assert len(read) == n
    elif mode == "off":
        assert read == []
    else:  # the stage reads the texts the fast stage did not clear, and only those
        assert 0 < len(read) < n
    with Store.open(db, read_only=True) as st:
        assert st.query("SELECT semantic FROM scans") == [(mode,)]
    human = run_cli("scan", str(src), "--db", str(tmp_path / "h.duckdb"), "--config",
                    str(config_file), "--workers", "0", "--no-progress", "--semantic", mode,
                    cwd=tmp_path)
    assert (f"semantic stage ({mode}): read {len(read)} of the {n} new documents "
            f"({len(read) / n:.1%})") in human.stdout


def test_the_pool_and_the_scans_own_process_store_the_same(
        tmp_path: Path, small_input: tuple[Path, int], small_semantic_model: Path) -> None:
    src, n = small_input
    cfg = AnalyzerConfig(semantic_model=small_semantic_model)
    reports, rows = [], []
    for workers in (0, 2):
        db = tmp_path / f"w{workers}.duckdb"
        with Store.open(db) as st:
            reports.append(scan([str(src)], st, workers=workers, config=cfg, semantic="auto"))
        rows.append(stored(db))
    assert rows[0] == rows[1]
    assert len(rows[0]) == n
    assert reports[0].escalated == reports[1].escalated == sum(r[1] is not None for r in rows[0])
    # the semantic stage changed verdicts: its P is stacked into the risk
    off = tmp_path / "off.duckdb"
    with Store.open(off) as st:
        scan([str(src)], st, workers=0, config=cfg, semantic="off")
    assert [r[2] for r in stored(off)] != [r[2] for r in rows[0]]


def test_a_scan_killed_half_way_resumes_with_the_semantic_column_right(
        tmp_path: Path, small_input: tuple[Path, int], config_file: Path) -> None:
    src, n = small_input
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    parts = tmp_path / "parts"  # one chunk per file: several commits
    parts.mkdir()
    for k in range(0, n, 5):
        (parts / f"p{k:03d}.jsonl").write_text("".join(lines[k:k + 5]), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    args = ("scan", str(parts), "--db", str(db), "--config", str(config_file), "--workers", "0",
            "--no-progress", "--semantic", "all", "--batch-rows", "1")
    proc = subprocess.Popen(cli_cmd(*args), cwd=tmp_path, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    committed = signal_after_first_commit(proc, db, signal.SIGKILL,
                                          min_bytes=FIRST_SMALL_COMMIT_WAL_BYTES)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    before = stored(db)
    assert committed <= len(before) < n and all(r[1] is not None for r in before)
    rep = scan_json(parts, db, config_file, "--workers", "0", "--semantic", "all")
    assert rep["already_stored"] == len(before)
    assert rep["new"] == rep["escalated"] == n - len(before)
    after = stored(db)
    assert len(after) == n and all(r[1] is not None for r in after)
    assert set(before) <= set(after)  # the first run's documents are kept as they were
    # the same as one scan that was never killed
    whole = tmp_path / "whole.duckdb"
    scan_json(parts, whole, config_file, "--workers", "0", "--semantic", "all")
    assert stored(whole) == after


def test_a_rerun_in_another_mode_keeps_what_is_stored_and_logs_each_mode(
        tmp_path: Path, small_input: tuple[Path, int], config_file: Path) -> None:
    # like the model version: a stored document is never assessed again, so it keeps the
    # semantic P (or NULL) of the scan that stored it; each scan's mode is in the log
    src, n = small_input
    db = tmp_path / "w.duckdb"
    scan_json(src, db, config_file, "--workers", "0", "--semantic", "off")
    rep = scan_json(src, db, config_file, "--workers", "0", "--semantic", "all")
    assert (rep["already_stored"], rep["assessed"], rep["escalated"]) == (n, 0, 0)
    assert all(r[1] is None for r in stored(db))
    with Store.open(db, read_only=True) as st:
        assert sorted(m for (m,) in st.query("SELECT semantic FROM scans")) == ["all", "off"]


def test_a_store_made_before_the_semantic_column_is_migrated_by_the_scan(
        tmp_path: Path, small_input: tuple[Path, int], config_file: Path) -> None:
    src, n = small_input
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    assert schema.migrate(con, target=5) == 5
    con.execute("INSERT INTO documents (id, ingested_at, text) VALUES ('0' || repeat('a', 63), "
                "now(), 'stored before the semantic stage')")
    con.close()
    rep = scan_json(src, db, config_file, "--workers", "0", "--semantic", "all")
    assert rep["new"] == rep["escalated"] == n
    with Store.open(db, read_only=True) as st:
        assert st.version() == schema.latest_version()
        assert st.query("SELECT count(*), count(semantic) FROM documents") == [(n + 1, n)]
