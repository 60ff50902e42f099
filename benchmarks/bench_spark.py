"""Spark against the embedded path on the same corpus: scan + link wall time, peak memory of
each process tree (driver, JVM and Python workers for Spark; the scan and its workers for the
embedded path), and whether the answers are the same (documents, assessments, campaign and
network partitions with their ids). Corpus: ``lab.spark_corpus`` (real texts of ../shared/data
with edited copies, shared and hub contacts, repeats, broken records), ``--files`` JSON Lines
files (Spark reads one file per task). Writes benchmarks/results/bench_spark.json and .md.

    .venv/bin/python benchmarks/bench_spark.py [--docs 20000] [--files 8] [--semantic off]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench_scan import _tree_sample
from lab import spark_corpus
from results_io import Lines, write_results

_CLI = [sys.executable, "-c", "from waspada.cli import main; main()"]


def _tree_rss(pid: int) -> int:
    """Bytes of RSS of ``pid`` and its descendants (bench_scan's /proc sampler)."""
    return _tree_sample(pid, {}) * 1024


def _run(cmd: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS of the process tree (sampled every 0.2 s), stdout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = [0]

    def watch() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.2)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    out, _ = proc.communicate()
    th.join()
    return time.perf_counter() - t0, peak[0], out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--semantic", default="off")
    ap.add_argument("--max-df", type=int, default=spark_corpus.HUB_CAP)
    a = ap.parse_args()
    out = Lines()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        recs = spark_corpus.build(a.docs)
        spark_corpus.write(recs, root / "in", a.files)
        db, lake = str(root / "e.duckdb"), str(root / "lake")
        fig: dict[str, Any] = {"records": len(recs) + len(spark_corpus.BROKEN),
                               "files": a.files, "semantic": a.semantic,
                               "load_before": os.getloadavg()}
        conf = ["--master", "local[2]", "--conf", "spark.sql.shuffle.partitions=4",
                "--conf", "spark.driver.memory=1g"]
        steps = {
            "embedded scan": [*_CLI, "scan", str(root / "in"), "--db", db, "--workers", "2",
                              "--semantic", a.semantic, "--no-progress", "--json"],
            "embedded link": [*_CLI, "link", "--db", db, "--max-df", str(a.max_df), "--json"],
            "spark scan": [*_CLI, "spark", "scan", str(root / "in"), "--out", lake,
                           "--semantic", a.semantic, "--json", *conf],
            "spark link": [*_CLI, "spark", "link", "--data", lake, "--max-df", str(a.max_df),
                           "--json", *conf],
        }
        for name, cmd in steps.items():
            secs, rss, text = _run(cmd)
            fig[name] = {"seconds": round(secs, 1), "peak_rss_mb": round(rss / 2**20),
                         "result": json.loads(text) if text.strip() else None}
        fig["load_after"] = os.getloadavg()
    e = fig["embedded scan"]["seconds"] + fig["embedded link"]["seconds"]
    s = fig["spark scan"]["seconds"] + fig["spark link"]["seconds"]
    fig["spark_over_embedded"] = round(s / e, 2)
    out(f"{fig['records']:,} records in {a.files} files, semantic {a.semantic}, local[2] "
        f"against the embedded scan (2 workers) + link; load {fig['load_before']}")
    out("| step | wall s | peak RSS MB |")
    out("|---|---|---|")
    for name in steps:
        out(f"| {name} | {fig[name]['seconds']} | {fig[name]['peak_rss_mb']} |")
    out(f"Spark / embedded wall time (scan + link): {fig['spark_over_embedded']}x")
    write_results("bench_spark", fig, out.markdown())


if __name__ == "__main__":
    main()
