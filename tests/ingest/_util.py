"""Helpers shared by the scan tests: build inputs from the bundled sample, run the real CLI."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

from waspada.errors import StoreError
from waspada.store.db import Store

#: the settings of every Hypothesis test here. The first ``st.text()`` draw in a fresh clone
#: builds Hypothesis's Unicode table (seconds on a loaded 2-core machine), which its health check
#: counts as slow input generation: a one-time cost, not the strategy's; and no deadline, as
#: timings vary with the machine's load.
SAFE = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CSV = ROOT / "samples" / "uci_sms_sample.csv"


#: below this write-ahead log size nothing but the schema (~7.5 kB) can be committed: the helper
#: below only starts looking for a committed batch past it. Past it is no proof of a commit:
#: DuckDB writes a transaction's log entries in several writes (a batch of 2,000 documents is
#: about 1 MB, in steps of ~0.5 MB), so the file passes this size well before the commit is
#: complete, and a scan killed then keeps nothing of that batch
FIRST_COMMIT_WAL_BYTES = 50_000


def committed_documents(db: Path, scratch: Path) -> int:
    """How many documents of the store ``db`` a crash right now would keep: ``db`` and its
    write-ahead log are copied to ``scratch`` and the copy opened read-only, which replays the
    log's complete transactions only, as recovery after a SIGKILL does. The log is append-only
    (the scan never checkpoints before it ends), so what a copy holds committed stays committed.
    Raises ``StoreError`` when the copy cannot be read (e.g. taken before the schema was)."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    copy = scratch / db.name
    shutil.copyfile(db, copy)
    shutil.copyfile(f"{db}.wal", f"{copy}.wal")
    with Store.open(copy, read_only=True) as st:
        return int(st.query("SELECT count(*) FROM documents")[0][0])


def signal_after_first_commit(
    proc: subprocess.Popen[Any], db: Path, sig: int, timeout: float = 120.0,
    min_bytes: int = FIRST_COMMIT_WAL_BYTES,
) -> int:
    """Send ``sig`` to the process group of the scan ``proc`` (started with
    ``start_new_session=True``) writing the store ``db``, once a batch of documents is committed
    there (``committed_documents``, looked at whenever the write-ahead log has grown past
    FIRST_COMMIT_WAL_BYTES); returns how many documents were committed then, all of which the
    store must still hold after the signal. Fails, rather than letting the test pass without
    interrupting anything, when the scan ends first or commits nothing within ``timeout``
    seconds. The caller checks the exit status and that the scan was not done: they tell a scan
    the signal stopped from one that ended between the last look and the signal."""
    wal = Path(f"{db}.wal")
    scratch = db.parent / f"{db.name}.probe"
    deadline = time.monotonic() + timeout
    looked_at = 0  # the log size last copied: a log that has not grown holds no new commit
    why = "the write-ahead log never grew past the schema"
    while True:
        assert proc.poll() is None, (
            f"the scan ended (exit {proc.returncode}) before a commit was seen ({why})")
        assert time.monotonic() < deadline, f"the scan committed nothing in {timeout:.0f} s ({why})"
        size = wal.stat().st_size if wal.exists() else 0
        if size > min_bytes and size != looked_at:
            looked_at = size
            try:
                docs = committed_documents(db, scratch)
            except (OSError, StoreError) as e:  # e.g. the log went between the look and the copy
                why = f"a copy of the store could not be read: {e}"
            else:
                if docs:
                    break
                why = f"a {size:,}-byte log held no complete transaction of documents"
        time.sleep(0.05)
    assert proc.poll() is None, f"the scan ended (exit {proc.returncode}) before the signal"
    os.killpg(proc.pid, sig)
    shutil.rmtree(scratch, ignore_errors=True)
    return docs


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
