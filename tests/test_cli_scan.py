"""The scan and query commands through the real CLI in subprocesses, on real DuckDB files."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from ingest._util import ROOT, cli_cmd, run_cli, signal_after_first_commit, write_jsonl

SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cli")
    r = run_cli("scan", str(SAMPLES), "--db", "w.duckdb", "--semantic", "off", cwd=d)
    assert r.returncode == 0, r.stderr
    return d / "w.duckdb"


def test_scan_summary_adds_up_and_exit_code_says_nothing_was_quarantined(tmp_path: Path) -> None:
    r = run_cli("scan", str(SAMPLES), "--db", "w.duckdb", "--semantic", "off", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    m = re.search(r"([\d,]+) ok \(([\d,]+) new \+ ([\d,]+) already stored \+ ([\d,]+) "
                  r"duplicates within the input\) \+ ([\d,]+) "
                  r"quarantined = ([\d,]+) records read", r.stdout)
    assert m, r.stdout
    ok, new, already, dups, quarantined, read = (int(g.replace(",", "")) for g in m.groups())
    # 300 UCI rows (3 of them repeat an earlier text) + 14 synthetic records
    assert (read, quarantined, ok) == (314, 0, 314)
    assert (already, dups) == (0, 3)  # issue 10: the 3 repeats are duplicates, not stored ones
    assert new + already + dups == ok and ok + quarantined == read


def test_scan_exits_1_when_something_was_quarantined(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"text": "fine"}\n{"txt": "no"}\n', encoding="utf-8")
    r = run_cli("scan", "in.jsonl", "--db", "w.duckdb", "--json", cwd=tmp_path)
    assert r.returncode == 1
    rep = json.loads(r.stdout)
    assert (rep["read"], rep["ok"], rep["quarantined"]) == (2, 1, 1)
    assert rep["quarantine_reasons"] == {"missing text field 'text'": 1}


def test_scan_reads_jsonl_from_stdin(tmp_path: Path) -> None:
    data = b'{"text": "Dicari admin di Kamboja"}\n{"text": "Selamat pagi"}\n'
    r = run_cli("scan", "-", "--db", "w.duckdb", "--json", cwd=tmp_path, stdin=data)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["new"] == 2
    src = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True).execute(
        "SELECT DISTINCT source FROM documents").fetchall()
    assert src == [("stdin",)]


def test_stats_json_has_the_documented_keys_and_counts(sample_db: Path) -> None:
    r = run_cli("stats", "--db", str(sample_db), "--json", cwd=sample_db.parent)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert {"documents", "quarantined", "by_category", "by_language", "by_source",
            "by_day"} <= set(s)
    assert s["documents"] == 311 and s["quarantined"] == 0
    assert s["by_source"]["uci_sms_sample.csv"] == 297
    assert sum(s["by_category"].values()) == 311
    assert sum(s["by_day"].values()) == 311
    assert s["by_day"]["2026-10-01"] == 1  # demo-01, 08:15 +07:00 is 01:15 UTC


def test_top_json_is_sorted_by_risk_and_filters(sample_db: Path) -> None:
    r = run_cli("top", "-n", "5", "--db", str(sample_db), "--json", cwd=sample_db.parent)
    rows = json.loads(r.stdout)
    assert len(rows) == 5
    assert set(rows[0]) >= {"id", "risk", "level", "category", "language", "source", "preview"}
    risks = [x["risk"] for x in rows]
    assert risks == sorted(risks, reverse=True)
    r = run_cli("top", "--since", "2026-10-10", "-n", "50", "--db", str(sample_db), "--json",
                cwd=sample_db.parent)
    rows = json.loads(r.stdout)
    assert rows and all(x["posted_at"] is None or x["posted_at"] >= "2026-10-10" for x in rows)


def test_entities_shared_by_the_synthetic_ads(sample_db: Path) -> None:
    r = run_cli("entities", "--kind", "phone", "--min-docs", "2", "-n", "100", "--db",
                str(sample_db), "--json", cwd=sample_db.parent)
    rows = json.loads(r.stdout)
    assert rows and all(x["kind"] == "phone" and x["documents"] >= 2 for x in rows)
    assert set(rows[0]) >= {"kind", "value", "documents", "first_seen", "last_seen"}
    counts = [x["documents"] for x in rows]
    assert counts == sorted(counts, reverse=True)


def test_show_returns_the_full_record(sample_db: Path) -> None:
    top = json.loads(run_cli("top", "-n", "1", "--db", str(sample_db), "--json",
                             cwd=sample_db.parent).stdout)
    r = run_cli("show", top[0]["id"][:10], "--db", str(sample_db), "--json",
                cwd=sample_db.parent)
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)
    assert rec["id"] == top[0]["id"]
    assert set(rec) >= {"text", "risk", "category", "model_version", "entities", "indicators",
                        "explanation", "source", "posted_at"}
    r = run_cli("show", "ffffffffffff", "--db", str(sample_db), cwd=sample_db.parent)
    assert r.returncode == 2 and "no document" in r.stderr


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_export_round_trip(sample_db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"x.{fmt}"
    r = run_cli("export", "--format", fmt, "--out", str(out), "--db", str(sample_db),
                cwd=sample_db.parent)
    assert r.returncode == 0, r.stderr
    if fmt == "parquet":
        rows = pq.read_table(out).to_pylist()
    elif fmt == "csv":
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    else:
        rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    con = duckdb.connect(str(sample_db), read_only=True)
    want = dict(con.execute("SELECT id, text FROM documents").fetchall())
    risk = dict(con.execute("SELECT d.id, a.risk FROM documents d JOIN assessments a "
                            "USING (doc_key)").fetchall())
    assert len(rows) == len(want) == 311
    assert {x["id"]: x["text"] for x in rows} == want
    assert {x["id"]: int(x["risk"]) for x in rows} == risk


def test_export_without_text(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    r = run_cli("export", "--no-text", "--out", str(out), "--db", str(sample_db),
                cwd=sample_db.parent)
    assert r.returncode == 0, r.stderr
    names = pq.read_table(out).column_names
    assert "text" not in names and {"id", "risk", "category"} <= set(names)


def test_queries_on_a_missing_database_fail_clearly(tmp_path: Path) -> None:
    r = run_cli("stats", "--db", "nope.duckdb", cwd=tmp_path)
    assert r.returncode == 2 and "no database" in r.stderr


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_with_everything_done_committed(tmp_path: Path) -> None:
    n = write_jsonl(tmp_path / "in.jsonl", 8_000)
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen(cli_cmd("scan", "in.jsonl", "--db", str(db), "--json",
                                    "--batch-rows", "500", "--semantic", "off"),
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    # as a terminal does: to the whole process group; fails if the scan ended first
    committed = signal_after_first_commit(proc, db, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    con = duckdb.connect(str(db))
    docs, assessed = con.execute("SELECT (SELECT count(*) FROM documents), "
                                 "(SELECT count(*) FROM assessments)").fetchone() or (0, 0)
    con.close()
    assert docs >= committed, "a batch committed before Ctrl-C was lost"
    assert docs == assessed
    assert proc.returncode == 130, err  # stopped by Ctrl-C, not finished
    rep = json.loads(out)
    assert rep["interrupted"] is True
    assert 0 < rep["new"] == docs  # what was read before the signal may all be committed
    assert rep["read"] == rep["ok"] + rep["quarantined"]
    again = run_cli("scan", "in.jsonl", "--db", str(db), "--json", "--semantic", "off",
                    cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    rep2 = json.loads(again.stdout)
    assert (rep2["read"], rep2["new"], rep2["already_stored"]) == (n, n - docs, docs)


def test_cli_rescan_reports_nothing_assessed(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 120)
    first = run_cli("scan", "in.jsonl", "--db", "w.duckdb", "--json", "--semantic", "off",
                    cwd=tmp_path)
    again = run_cli("scan", "in.jsonl", "--db", "w.duckdb", "--semantic", "off", cwd=tmp_path)
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    rep = json.loads(first.stdout)
    assert (rep["new"], rep["assessed"]) == (120, 120)
    assert "120 ok (0 new + 120 already stored) + 0 quarantined = 120 records read" in again.stdout
    assert "; 0 assessed)" in again.stdout


def test_scan_of_a_missing_path_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("Lowongan kerja di Batam\n", encoding="utf-8")
    r = run_cli("scan", "ok.txt", "missing.jsonl", "--db", "w.duckdb", cwd=tmp_path)
    assert r.returncode == 2, r.stdout
    assert "missing.jsonl: no such file or folder" in r.stderr
    assert not (tmp_path / "w.duckdb").exists()  # nothing done, not even the database


def test_scan_refuses_a_fifo_named_on_the_command_line_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.jsonl")
    r = run_cli("scan", "p.jsonl", "--db", "w.duckdb", cwd=tmp_path, timeout=120)
    assert r.returncode == 2
    assert "p.jsonl: a FIFO, not a regular file (read a pipe through - for stdin)" in r.stderr


def test_quarantine_command_lists_where_and_why(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text('{"text": "Lowongan kerja"}\n{oops\n{"id": 3}\n',
                                       encoding="utf-8")
    r = run_cli("scan", "in.jsonl", "--db", "w.duckdb", "--workers", "0", cwd=tmp_path)
    assert r.returncode == 1
    # the summary names the file and line of each reason's first record
    assert "quarantined 1: broken JSON (first: in.jsonl line 2)" in r.stdout
    assert "quarantined 1: missing text field 'text' (first: in.jsonl line 3)" in r.stdout
    j = run_cli("quarantine", "--db", "w.duckdb", "--json", cwd=tmp_path)
    assert j.returncode == 0, j.stderr
    rows = sorted(json.loads(j.stdout), key=lambda x: x["line"])
    assert [(x["input"], x["unit"], x["line"], x["reason"], x["excerpt"]) for x in rows] == [
        ("in.jsonl", "line", 2, "broken JSON: Expecting property name enclosed in double "
         "quotes (column 2)", "{oops\n"),
        ("in.jsonl", "line", 3, "missing text field 'text'", '{"id": 3}\n')]
    t = run_cli("quarantine", "--db", "w.duckdb", "-n", "1", cwd=tmp_path)
    assert t.returncode == 0, t.stderr
    assert t.stdout.count("in.jsonl") == 1 and "oops" not in t.stdout  # no excerpt in tables


@pytest.mark.parametrize("head", [b"\xef\xbb\xbf", b"\n", b"\xef\xbb\xbf\n  \n"],
                         ids=["bom", "blank-line", "bom-and-blank-lines"])
def test_jsonl_on_stdin_after_a_bom_or_blank_lines_is_read_as_json(tmp_path: Path,
                                                                   head: bytes) -> None:
    body = b'{"text": "Lowongan kerja di Batam", "id": "a1"}\n{"text": "Kerja di Dubai"}\n'
    r = run_cli("scan", "-", "--db", "w.duckdb", "--workers", "0", "--json", cwd=tmp_path,
                stdin=head + body)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["new"] == 2
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT text, external_id FROM documents ORDER BY doc_key").fetchall()
    assert rows == [("Lowongan kerja di Batam", "a1"), ("Kerja di Dubai", None)]


def test_jsonl_on_stdin_with_a_forced_format_drops_the_bom_too(tmp_path: Path) -> None:
    body = b'\xef\xbb\xbf{"text": "Lowongan kerja di Batam"}\n'
    r = run_cli("scan", "-", "--format", "jsonl", "--db", "w.duckdb", "--workers", "0",
                "--json", cwd=tmp_path, stdin=body)
    assert r.returncode == 0, r.stdout
    assert (json.loads(r.stdout)["new"], json.loads(r.stdout)["quarantined"]) == (1, 0)


def test_top_since_never_dates_an_undated_document_on_the_scan_day(tmp_path: Path) -> None:
    recs = [{"id": "old", "text": "Dicari admin di Kamboja, gaji USD 1500, chat Telegram @hr1",
             "timestamp": "2020-01-05T08:00:00Z"},
            {"id": "undated", "text": "Dicari typist di Myawaddy, gaji USD 2000, WA 0812345678"},
            {"id": "new", "text": "Lowongan CS di Sihanoukville, tiket gratis, Telegram @hr2",
             "timestamp": "2099-01-01T08:00:00Z"}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs))
    db = str(tmp_path / "t.duckdb")
    assert run_cli("scan", "in.jsonl", "--db", db, "--workers", "0", cwd=tmp_path).returncode == 0
    r = run_cli("top", "--since", "2021-01-01", "--db", db, "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    # posted 2099 only: the undated one was scanned today, but that is not its posting day
    assert [x["posted_at"][:4] for x in json.loads(r.stdout)] == ["2099"]
    # and an identifier seen only in the undated document has an unknown first day, not "None"
    r = run_cli("entities", "--min-docs", "1", "--db", db, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "unknown" in r.stdout and "None" not in r.stdout
