"""Issue 10, with real processes: a killed scan leaves no workers behind, a read error (a real
EIO) and a full disk are reported and cost nothing committed, a pathological record is cut off
by the per-record CPU budget."""

from __future__ import annotations

import json
import os
import pty
import resource
import signal
import subprocess
import time
import tty
from pathlib import Path

import pytest

from waspada.ingest.scan import scan
from waspada.store.db import Store

from ._util import cli_cmd, distinct_texts, run_cli, write_jsonl

ENV = {**os.environ, "COLUMNS": "200"}


def group_members(pgid: int) -> list[tuple[int, int]]:
    """(pid, ppid) of every live (not zombie) process in process group ``pgid``, from /proc."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        state, ppid, pgrp = fields[0], int(fields[1]), int(fields[2])
        if pgrp == pgid and state != b"Z":
            out.append((int(d), ppid))
    return out


def test_workers_and_fork_server_exit_when_the_scan_is_killed(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 20_000)
    proc = subprocess.Popen(cli_cmd("scan", str(src), "--db", "w.duckdb", "--workers", "2",
                                    "--no-progress", "--semantic", "off"), cwd=tmp_path, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # its own process group: pgid == pid
    pgid = proc.pid
    try:
        deadline = time.monotonic() + 240
        while True:  # until the fork server has forked both workers
            members = group_members(pgid)
            parents = {pid for pid, _ in members}
            workers = [pid for pid, ppid in members if ppid in parents and ppid != pgid]
            if len(workers) >= 2:
                break
            assert proc.poll() is None, "the scan ended before its workers started"
            assert time.monotonic() < deadline, f"no workers after 240 s: {members}"
            time.sleep(0.2)
        os.kill(proc.pid, signal.SIGKILL)  # the parent only
        proc.wait()
        deadline = time.monotonic() + 30
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert group_members(pgid) == []
    finally:  # never leave anything of ours running
        for pid, _ in group_members(pgid):
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_read_error_on_stdin_keeps_what_was_read(tmp_path: Path) -> None:
    # a real EIO: reading the master side of a pseudo-terminal after its other side is closed
    # gives the data written to it, then EIO
    master, slave = pty.openpty()
    tty.setraw(slave)  # no newline translation
    texts = [f"{t}\nref {i}" for i, t in enumerate(distinct_texts()[:10])]
    data = "".join(json.dumps({"text": t}) + "\n" for t in texts).encode()
    assert len(data) < 4000  # fits the terminal's buffer: written before anyone reads
    os.write(slave, data)
    os.close(slave)
    try:
        r = subprocess.run(cli_cmd("scan", "-", "--db", "w.duckdb", "--workers", "0",
                                   "--no-progress"), cwd=tmp_path, env=ENV, stdin=master,
                           capture_output=True, text=True, timeout=300)
    finally:
        os.close(master)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    with Store.open(tmp_path / "w.duckdb", read_only=True) as st:
        assert sorted(x[0] for x in st.query("SELECT text FROM documents")) == sorted(texts)
        assert st.query("SELECT input, unit, line, reason FROM quarantine") == [
            ("-", "file", 11, "read error: Input/output error (at line 11; the rest of the "
             "file is not read)")]
    assert "quarantined 1: read error (first: - file 11)" in r.stdout


def test_a_full_disk_is_a_clear_error_and_the_database_stays_whole(tmp_path: Path) -> None:
    # a file size limit (RLIMIT_FSIZE) makes writing past it fail with EFBIG, as a full disk
    # fails with ENOSPC, without needing root to mount a small file system
    db = tmp_path / "w.duckdb"
    first = tmp_path / "first.jsonl"
    write_jsonl(first, 20)
    assert run_cli("scan", str(first), "--db", str(db), "--workers", "0",
                   cwd=tmp_path).returncode == 0
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 3000)

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))

    r = subprocess.run(cli_cmd("scan", str(src), "--db", str(db), "--workers", "0",
                               "--no-progress", "--semantic", "off"), cwd=tmp_path, env=ENV,
                       capture_output=True,
                       text=True, timeout=300, preexec_fn=small_files)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert "cannot write to the database" in r.stderr and "File too large" in r.stderr
    assert "run the same command again" in r.stderr
    with Store.open(db) as st:  # opens, and holds whole batches only
        docs, distinct, assessed = st.query(
            "SELECT count(*), count(DISTINCT id), (SELECT count(*) FROM assessments) "
            "FROM documents")[0]
    assert docs == distinct == assessed >= 20
    again = run_cli("scan", str(src), "--db", str(db), "--workers", "0", "--semantic", "off",
                    cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    with Store.open(db, read_only=True) as st:
        assert st.query("SELECT count(*), count(DISTINCT id) FROM documents") == [(3000, 3000)]


def _slow_text() -> str:
    base = " ".join(distinct_texts())
    text = (base + " ") * (900_000 // len(base) + 1)
    return text[:900_000]  # under the 1,000,000-byte cap; about a second of assess() CPU


@pytest.mark.parametrize("workers", [0, 2])
def test_a_record_over_the_cpu_budget_is_quarantined_and_the_rest_goes_on(
        tmp_path: Path, workers: int) -> None:
    # the budget is what is tested: 0.2 s of CPU, against ~1 ms for a normal record and about
    # a second for this 900 kB one (CPU time, so a loaded machine does not change the verdict)
    good = [f"{t}\nref {i}" for i, t in enumerate(distinct_texts()[:6])]
    lines = [*good[:3], _slow_text(), *good[3:]]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in lines), encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as st:
        r = scan([str(src)], st, workers=workers, record_budget=0.2)
        texts = sorted(x[0] for x in st.query("SELECT text FROM documents"))
        rows = st.query("SELECT line, reason FROM quarantine")
    assert texts == sorted(good)
    assert rows == [(4, "took too long: over 0.2 s of CPU in assess()")]
    assert (r.read, r.new, r.quarantined) == (7, 6, 1)


def test_cli_record_budget_option(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": "Lowongan kerja di Batam"}) + "\n"
                   + json.dumps({"text": _slow_text()}) + "\n", encoding="utf-8")
    r = run_cli("scan", str(src), "--db", "w.duckdb", "--workers", "0", "--record-budget",
                "0.2", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert f"quarantined 1: took too long (first: {src} line 2)" in r.stdout
