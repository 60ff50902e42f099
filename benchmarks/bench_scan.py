"""Benchmark `waspada scan`: docs/s, MB/s, peak RSS, database size, and the speed-up over
single-process assess() on the same records in the same run.

Records are drawn WITH replacement from the real texts of ../shared/data/*/data.csv (seeded).
The content-hash id would fold identical texts into one document, so each record's text gets a
realistic trailer line of its own ("ref 0001234 · 2026-03-05", like a post's reference and date);
every record is therefore one new document.

    .venv/bin/python benchmarks/bench_scan.py                      # 200,000 and 1,000,000
    .venv/bin/python benchmarks/bench_scan.py --sizes 20000        # a quick run

The single-process rate is measured on the first 20,000 records before and after the scan; the
speed-up uses their mean (``speedup_range``: against each of the two).

Writes ``benchmarks/results/bench_scan.json`` and ``.md`` (``--out`` holds only the temporary
input and database files).

Peak RSS is sampled from /proc every 0.1 s over the scan process and all its descendants
(parent + forkserver + workers), summed; ``max_single_rss_mb`` is getrusage(RUSAGE_CHILDREN).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

from results_io import Lines, write_results
from waspada.datafiles import data_dir

ROOT = Path(__file__).resolve().parents[1]
#: the labelled data sets ($WASPADA_DATA or ../shared/data)
DATA = data_dir()
OUT = ROOT / "benchmarks" / "out"
SINGLE_SAMPLE = 20_000


def load_texts(data: Path) -> list[tuple[str, str]]:
    csv.field_size_limit(10_000_000)
    out: list[tuple[str, str]] = []
    for f in sorted(data.glob("*/data.csv")):
        with f.open(encoding="utf-8", newline="") as fh:
            out.extend((f.parent.name, r["text"]) for r in csv.DictReader(fh) if r.get("text"))
    if not out:
        sys.exit(f"no texts under {data}/*/data.csv")
    return out


def write_records(path: Path, n: int, texts: list[tuple[str, str]], seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            src, text = texts[rng.randrange(len(texts))]
            day = f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
            rec = {"id": f"b{i}", "text": f"{text}\nref {i:07d} · {day}",
                   "timestamp": f"{day}T08:00:00Z", "source": src}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")


def single_process_rate(path: Path, limit: int) -> tuple[float, float, int]:
    from waspada import assess

    texts = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= limit:
                break
    assess("warm up")
    t0, c0 = time.perf_counter(), time.process_time()
    for t in texts:
        assess(t)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return len(texts) / wall, len(texts) / cpu, len(texts)


def _tree_sample(root: int, cpu: dict[int, int]) -> int:
    """Total RSS (kB) of ``root`` and its descendants; records each one's CPU ticks in ``cpu``."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status") as f:
                st = f.read()
        except OSError:
            continue
        fields = dict(ln.split(":", 1) for ln in st.splitlines() if ":" in ln)
        pid, ppid = int(d), int(fields.get("PPid", "0").strip() or 0)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
        try:
            with open(f"/proc/{d}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            ticks[pid] = int(parts[11]) + int(parts[12])  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        cpu[p] = max(cpu.get(p, 0), ticks.get(p, 0))
        todo.extend(children.get(p, []))
    return total


def run_scan(path: Path, db: Path, workers: int, batch_rows: int | None = None
             ) -> dict[str, float]:
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    cmd = [sys.executable, "-c", "from waspada.cli import main; main()", "scan", str(path),
           "--db", str(db), "--workers", str(workers), "--json", "--no-progress"]
    if batch_rows:
        cmd += ["--batch-rows", str(batch_rows)]
    peak = [0]
    cpu: dict[int, int] = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_sample(proc.pid, cpu))
            time.sleep(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    th.join()
    if proc.returncode not in (0, 1):
        sys.exit(f"scan failed ({proc.returncode}): {err[-2000:]}")
    start = out.find("{\n")
    try:
        rep = json.loads(out[start:] if start >= 0 else out)
    except ValueError:
        sys.exit(f"scan printed something else than its JSON report: {out[:500]!r}")
    size = db.stat().st_size + (Path(str(db) + ".wal").stat().st_size
                                if Path(str(db) + ".wal").exists() else 0)
    return {"wall_s": wall, "scan_s": rep["seconds"], "read": rep["read"], "new": rep["new"],
            "quarantined": rep["quarantined"], "peak_tree_rss_mb": peak[0] / 1024,
            "cpu_s": sum(cpu.values()) / os.sysconf("SC_CLK_TCK"),
            "parent_cpu_s": cpu.get(proc.pid, 0) / os.sysconf("SC_CLK_TCK"),
            "db_bytes": size}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="200000,1000000", help="comma-separated record counts")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-rows", type=int, default=None,
                    help="documents per committed transaction (default: the scan's own)")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=OUT, help="folder for the temporary files")
    ap.add_argument("--keep", action="store_true", help="keep the input and database files")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    texts = load_texts(args.data)
    results = []
    out = Lines()
    for n in (int(s) for s in args.sizes.split(",")):
        src = args.out / f"records-{n}.jsonl"
        db = args.out / f"bench-{n}.duckdb"
        write_records(src, n, texts)
        in_bytes = src.stat().st_size
        # the single-process rate is sampled before AND after the scan (the machine's speed
        # drifts by up to ~10 % over minutes); the ratio uses their mean and shows both
        before, before_cpu, m = single_process_rate(src, min(n, SINGLE_SAMPLE))
        r = run_scan(src, db, args.workers, args.batch_rows)
        after, after_cpu, _ = single_process_rate(src, min(n, SINGLE_SAMPLE))
        single, single_cpu = (before + after) / 2, (before_cpu + after_cpu) / 2
        docs_s = r["read"] / r["scan_s"]
        row = {
            "records": n, "input_mb": round(in_bytes / 1e6, 1), "workers": args.workers,
            "scan_s": round(r["scan_s"], 1), "wall_s": round(r["wall_s"], 1),
            "docs_per_s": round(docs_s), "mb_per_s": round(in_bytes / 1e6 / r["scan_s"], 2),
            "single_process_docs_per_s": round(single), "single_sample": m,
            "single_before_after": [round(before), round(after)],
            "speedup": round(docs_s / single, 2),
            "speedup_range": [round(docs_s / max(before, after), 2),
                              round(docs_s / min(before, after), 2)],
            # CPU-time view (robust to other load on the machine): docs per CPU-second of the
            # whole scan tree vs of single-process assess; efficiency 1.0 = no overhead
            "single_docs_per_cpu_s": round(single_cpu),
            "scan_docs_per_cpu_s": round(r["read"] / r["cpu_s"]) if r["cpu_s"] else None,
            "cpu_efficiency": round(r["read"] / r["cpu_s"] / single_cpu, 2) if r["cpu_s"]
            else None,
            # where the CPU went: the scan's own process (reading, writing DuckDB, startup) and
            # its children (fork server + workers: startup, assess and the work around it), in
            # us per record over single-process assess (fixed startup costs included)
            "parent_cpu_s": round(r["parent_cpu_s"], 2),
            "children_cpu_s": round(r["cpu_s"] - r["parent_cpu_s"], 2),
            "overhead_us_per_doc": round((r["cpu_s"] / r["read"] - 1 / single_cpu) * 1e6)
            if r["read"] else None,
            "load_avg_1m": round(os.getloadavg()[0], 1),
            "peak_tree_rss_mb": round(r["peak_tree_rss_mb"]),
            "max_single_rss_mb": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
            "db_mb": round(r["db_bytes"] / 1e6, 1),
            "db_to_input": round(r["db_bytes"] / in_bytes, 2),
            "new": r["new"], "quarantined": r["quarantined"],
        }
        results.append(row)
        out(json.dumps(row))
        if not args.keep:
            src.unlink()
            db.unlink(missing_ok=True)
    write_results("bench_scan", results, out.markdown(),
                  title="waspada scan: throughput, memory, database size")


if __name__ == "__main__":
    main()
