"""Helpers shared by the scan tests: build inputs from the bundled sample, run the real CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

#: the settings of every Hypothesis test here. The first ``st.text()`` draw in a fresh clone
#: builds Hypothesis's Unicode table (seconds on a loaded 2-core machine), which its health check
#: counts as slow input generation: a one-time cost, not the strategy's; and no deadline, as
#: timings vary with the machine's load.
SAFE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CSV = ROOT / "samples" / "uci_sms_sample.csv"


#: the write-ahead log's size once the first batch is committed: the schema alone is ~6 kB, one
#: batch of 500 documents ~100 kB
FIRST_COMMIT_WAL_BYTES = 50_000


def signal_after_first_commit(
    proc: subprocess.Popen[Any], wal: Path, sig: int, timeout: float = 120.0,
    min_bytes: int = FIRST_COMMIT_WAL_BYTES,
) -> None:
    """Send ``sig`` to the process group of the scan ``proc`` (started with
    ``start_new_session=True``) once its first batch is committed (``wal`` has grown past
    FIRST_COMMIT_WAL_BYTES). Fails, rather than letting the test pass without interrupting
    anything, when the scan ends first or commits nothing within ``timeout`` seconds. The caller
    checks the exit status too: it tells a scan the signal stopped from one that ended between
    the last look and the signal."""
    deadline = time.monotonic() + timeout
    while not (wal.exists() and wal.stat().st_size > min_bytes):
        assert proc.poll() is None, f"the scan ended (exit {proc.returncode}) before a commit"
        assert time.monotonic() < deadline, f"the scan committed nothing in {timeout:.0f} s"
        time.sleep(0.05)
    assert proc.poll() is None, f"the scan ended (exit {proc.returncode}) before the signal"
    os.killpg(proc.pid, sig)


def sample_texts() -> list[str]:
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as f:
        return [r["text"] for r in csv.DictReader(f)]


def distinct_texts() -> list[str]:
    """The sample's texts, each once (the UCI set repeats a few)."""
    return list(dict.fromkeys(" ".join(t.split()) for t in sample_texts()))


def write_jsonl(path: Path, n: int) -> int:
    """``n`` records with distinct texts (sample text + a reference line); returns n."""
    base = distinct_texts()
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            text = f"{base[i % len(base)]}\nref {i:07d}"
            f.write(json.dumps({"id": f"r{i}", "text": text,
                                "timestamp": f"2026-03-{i % 28 + 1:02d}T08:00:00Z"}) + "\n")
    return n


def cli_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", "from waspada.cli import main; main()", *args]


def run_cli(*args: str, cwd: Path, stdin: bytes | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(cli_cmd(*args), cwd=cwd, input=stdin.decode() if stdin else None,
                          capture_output=True, text=True, timeout=timeout, env=env)
