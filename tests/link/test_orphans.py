"""``waspada link`` killed with SIGKILL leaves no worker behind: a real CLI subprocess on a real
DuckDB file big enough that linking hashes in worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from waspada.link.campaigns import PARALLEL_MIN

from ._util import write_docs

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _children(pid: int) -> dict[int, str]:
    """Live child processes of ``pid``: pid -> start time (to tell a reused pid apart)."""
    out: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        if int(fields[1]) == pid and fields[0] != "Z":
            out[int(entry.name)] = fields[19]
    return out


def _alive(pid: int, started: str) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0] != "Z" and fields[19] == started


def _is_worker(pid: int) -> bool:
    try:
        return b"multiprocessing" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def test_workers_exit_when_link_is_killed(tmp_path: Path) -> None:
    n = PARALLEL_MIN + 10_000
    rows = [(f"p{i}", f"Lowongan kerja nomor {i} di Kamboja gaji {i % 97} juta, tiket dan visa "
             f"ditanggung, hubungi WA 0812{i:08d}. " * 3, i % 300, [("phone", f"+62812{i:08d}")])
            for i in range(n)]  # fmt: skip
    db = write_docs(tmp_path / "big.duckdb", rows)
    proc = subprocess.Popen(
        [sys.executable, "-c", "from waspada.cli import main; main()", "link", "--db", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        seen: dict[int, str] = {}
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            kids = _children(proc.pid)
            seen.update(kids)
            if sum(map(_is_worker, kids)) >= 2:
                time.sleep(1.0)  # let them get into their batches
                seen.update(_children(proc.pid))
                break
            time.sleep(0.05)
        workers = {p: s for p, s in seen.items() if _alive(p, s)}
        assert proc.poll() is None and len(workers) >= 2, "link ended before its workers ran"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        gone_by = time.monotonic() + 20  # the fallback check polls every 0.5 s
        while time.monotonic() < gone_by and any(_alive(p, s) for p, s in seen.items()):
            time.sleep(0.1)
        left = [p for p, s in seen.items() if _alive(p, s)]
        assert left == [], f"orphaned workers still running: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for p, s in seen.items():  # never leave the old code's orphans running
            if _alive(p, s):
                os.kill(p, signal.SIGKILL)
