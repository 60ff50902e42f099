"""`waspada scan` with the batched fast stage against the per-record one, same input, same run.

    .venv/bin/python benchmarks/bench_scan_batch.py [--records 10000] [--rounds 2]

The input is ``bench_scan.py``'s (records drawn with replacement from the real texts, each with a
trailer line of its own, seeded). Each round scans it twice into fresh databases, in this order
and each in a fresh child process: ``per-record`` (the worker's fast stage one record at a time,
``Analyzer.first_stage`` in a loop as before issue 17) and ``batched`` (the worker as shipped:
``Analyzer.first_stage_many`` over each chunk). ``workers=0`` (the assessing runs in the scan's
own process, where the child can choose the variant), the semantic stage off (the fast stage is
what changed; the semantic stage's cost does not depend on it), the default per-record CPU
budget on. Reported per variant: CPU seconds of the child (best round), docs per CPU second,
the ratio batched/per-record, peak RSS of the child, and a digest of what the scan stored (the
documents, assessments, entities, mentions and red flags, ordered), which must be the same for
both. Writes ``benchmarks/results/bench_scan_batch.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from results_io import Lines, write_results

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
VARIANTS = ("per-record", "batched")

#: what the scan stored, without the times of the run: one query per table, ordered
_STORED = [
    "SELECT id, text, external_id, source, url, posted_at, language, script FROM documents "
    "ORDER BY id",
    "SELECT d.id, a.* EXCLUDE (doc_key) FROM assessments a JOIN documents d USING (doc_key) "
    "ORDER BY d.id",
    "SELECT kind, value FROM entities ORDER BY ALL",
    "SELECT d.id, e.kind, e.value, m.* EXCLUDE (doc_key, entity_id) FROM doc_entities m "
    "JOIN documents d USING (doc_key) JOIN entities e USING (entity_id) ORDER BY ALL",
    "SELECT d.id, h.* EXCLUDE (doc_key) FROM indicator_hits h JOIN documents d USING (doc_key) "
    "ORDER BY ALL",
]


def _per_record_first_stage(analyzer, texts, budget):  # type: ignore[no-untyped-def]
    """The worker's fast stage before the batch path: ``first_stage`` per record, each within
    the budget (what ``ingest.worker._first_stage`` did)."""
    from waspada.errors import RecordTimeout
    from waspada.ingest import worker

    drafts, failed = [], []
    with budget.running() if budget is not None else worker._no_budget() as current:
        for i, text in enumerate(texts):
            try:
                try:
                    current[0] = i
                    d = analyzer.first_stage(text)
                    current[0] = -1
                except Exception as e:
                    current[0] = -1
                    why = f"assess failed: {type(e).__name__}: {e}"
                else:
                    drafts.append((i, d))
                    continue
            except RecordTimeout:
                current[0] = -1
                why = (f"took too long: over {budget.seconds if budget else 0:g} s of CPU in "
                       "assess()")
            failed.append((i, why))
    return drafts, failed


def child(variant: str, src: Path, db: Path) -> None:
    """Scan ``src`` into ``db`` with ``variant``; print one JSON line of figures."""
    from waspada import default_analyzer
    from waspada.ingest import worker
    from waspada.ingest.scan import scan
    from waspada.store.db import Store

    if variant == "per-record":
        worker._first_stage = _per_record_first_stage  # type: ignore[assignment]
    default_analyzer().assess_many(["warm up", "Lowongan kerja di Kamboja"], semantic="off")
    c0, t0 = time.process_time(), time.perf_counter()
    with Store.open(db) as st:
        rep = scan([str(src)], st, workers=0, semantic="off")
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    digest = hashlib.sha256()
    with Store.open(db, read_only=True) as st:
        for q in _STORED:
            digest.update(repr(st.query(q)).encode("utf-8"))
    print(json.dumps({"variant": variant, "cpu_s": cpu, "wall_s": wall, "read": rep.read,
                      "new": rep.new, "quarantined": rep.quarantined,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "stored_digest": digest.hexdigest()[:16]}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    ap.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.src, args.db)
        return
    from bench_scan import load_texts, write_records
    from waspada.datafiles import data_dir

    args.out.mkdir(parents=True, exist_ok=True)
    src = args.out / f"scan-batch-{args.records}.jsonl"
    write_records(src, args.records, load_texts(data_dir()))
    mb = src.stat().st_size / 1e6
    out = Lines()
    load_before = os.getloadavg()
    out(f"{args.records} records, {mb:.1f} MB (bench_scan.py's input, seeded); workers=0, "
        f"semantic off; {args.rounds} rounds; load average {load_before[0]:.1f} at the start")
    runs: dict[str, list[dict[str, float | str]]] = {v: [] for v in VARIANTS}
    for _ in range(args.rounds):
        for v in VARIANTS:
            db = args.out / f"scan-batch-{v}.duckdb"
            db.unlink(missing_ok=True)
            cmd = [sys.executable, __file__, "--child", v, "--src", str(src), "--db", str(db)]
            r = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if r.returncode != 0:
                sys.exit(f"{v} scan failed: {r.stderr[-2000:]}")
            runs[v].append(json.loads(r.stdout.strip().splitlines()[-1]))
            db.unlink(missing_ok=True)
    best = {v: min(runs[v], key=lambda x: float(x["cpu_s"])) for v in VARIANTS}
    figures: dict[str, object] = {"records": args.records, "input_mb": round(mb, 2),
                                  "workers": 0, "semantic": "off", "runs": runs,
                                  "load_avg_before": [round(x, 2) for x in load_before]}
    for v in VARIANTS:
        b = best[v]
        cpu = float(b["cpu_s"])
        out(f"  {v:<11} {cpu:7.1f} s CPU  {float(b['read']) / cpu:8,.0f} docs/CPU-s  "
            f"{mb / cpu:5.2f} MB/CPU-s  peak RSS {float(b['peak_rss_mb']):5.0f} MB  "
            f"stored {b['stored_digest']}")
    ratio = float(best["per-record"]["cpu_s"]) / float(best["batched"]["cpu_s"])
    same = len({str(r["stored_digest"]) for rs in runs.values() for r in rs}) == 1
    figures |= {"batched_vs_per_record": round(ratio, 3), "same_stored_results": same,
                "load_avg_after": [round(x, 2) for x in os.getloadavg()]}
    out(f"  batched/per-record scan speed ratio {ratio:.2f}; stored results "
        f"{'identical' if same else 'DIFFER'} across all runs; load average at the end "
        f"{os.getloadavg()[0]:.1f}")
    src.unlink()
    write_results("bench_scan_batch", figures, out.markdown(),
                  title="waspada scan: batched fast stage vs per record")


if __name__ == "__main__":
    main()
