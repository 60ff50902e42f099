"""Where the scan's PARENT process spends its CPU (cProfile over ``scan()`` with worker
processes; workers are not profiled). Records are built as in bench_scan.py.

    .venv/bin/python benchmarks/profile_scan_parent.py --records 20000 [--resume]

``--resume`` scans the same input a second time and profiles that run (the resume pre-filter).
Prints the parent's CPU seconds (process_time), the workers' (sampled from /proc: forkserver +
workers), the CPU that bare single-process assess() takes on the same texts
(measured here, afterwards), and the parent's top functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scan import DATA, _tree_sample, load_texts, write_records
from waspada.analyzer import assess
from waspada.ingest.scan import scan
from waspada.store.db import Store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src, db = Path(tmp) / "in.jsonl", Path(tmp) / "p.duckdb"
        write_records(src, args.records, load_texts(DATA))
        if args.resume:
            with Store.open(db) as st:
                scan([str(src)], st, workers=args.workers)
        prof = cProfile.Profile()
        ticks: dict[int, int] = {}
        done = threading.Event()

        def sample() -> None:  # CPU ticks of every descendant (forkserver + workers)
            while not done.is_set():
                _tree_sample(os.getpid(), ticks)
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        with Store.open(db) as st:
            c0, t0 = time.process_time(), time.perf_counter()
            prof.enable()
            rep = scan([str(src)], st, workers=args.workers)
            prof.disable()
            cpu, wall = time.process_time() - c0, time.perf_counter() - t0
        done.set()
        sampler.join()
        ticks.pop(os.getpid(), None)
        workers = sum(ticks.values()) / os.sysconf("SC_CLK_TCK")
        texts = [json.loads(line)["text"] for line in src.open(encoding="utf-8")]
        assess("warm up")
        c0 = time.process_time()
        for t in texts:
            assess(t)
        bare = time.process_time() - c0
        print(f"records {rep.read:,} new {rep.new:,} already stored {rep.already_stored:,} "
              f"assessed {rep.assessed:,} | wall {wall:.1f} s | CPU: parent {cpu:.2f} s "
              f"({cpu / max(rep.read, 1) * 1e6:.0f} us/record), workers {workers:.2f} s, "
              f"bare assess() of the same texts {bare:.2f} s -> efficiency "
              f"{bare / max(cpu + workers, 1e-9):.2f}")
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
