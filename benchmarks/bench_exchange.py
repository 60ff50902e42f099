"""Exchange speed: STIX and MISP export and import of a store of N documents (default 100,000).

The store is SYNTHETIC, built fast for a SPEED measure only: N documents with fixed short
texts, each with 2-3 identifiers (phones, Telegram handles, ETH wallets, e-mails, URLs) drawn so
that about half of them repeat across documents, written through the Store API (``WriteBatch``)
with levels spread over CLEAR..RED; no scan, no linking. It says nothing about quality.

Measured, each in this process: the store's own JSON Lines export of the same store (the
baseline: ``waspada export``), the exchange export at AMBER (select, build, check with
stix2-validator / PyMISP's schema and templates, write), and the import of that file into an
empty store. Speeds are also given as ratios to the baseline, the only figure that compares
across runs on this shared machine.

    .venv/bin/python benchmarks/bench_exchange.py            # 100,000 documents
    .venv/bin/python benchmarks/bench_exchange.py --docs 5000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from results_io import Lines, write_results  # type: ignore[import-not-found]
from waspada.exchange import exporter
from waspada.exchange.importer import import_file
from waspada.recognizers import checksums
from waspada.store import partner, queries
from waspada.store.db import Store, WriteBatch

LEVELS = ("clear", "green", "amber", "amber+strict", "red")


def _eth(rng: random.Random) -> str:
    return "0x" + checksums.eip55_checksum("".join(rng.choice("0123456789abcdef")
                                                   for _ in range(40)))


def build(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    pool_size = max(10, n // 2)
    pool = {
        "phone": [f"+62812{rng.randrange(10**7, 10**8)}" for _ in range(pool_size)],
        "telegram": [f"rekrut{rng.randrange(10**6)}" for _ in range(pool_size)],
        "crypto_wallet": [_eth(rng) for _ in range(pool_size // 10)],
        "email": [f"hr{i}@kerja{i % 997}.com" for i in range(pool_size // 5)],
        "url": [f"http://kerja{i % 997}.com/daftar/{i}" for i in range(pool_size // 5)],
    }
    kinds = list(pool)
    with Store.open(path) as s:
        s.tune_for_bulk_writes()
        for start in range(0, n, 20_000):
            b = WriteBatch()
            for i in range(start, min(n, start + 20_000)):
                d = b.add_document(f"{i:064x}", external_id=str(i), source="bench", url=None,
                                   posted=None, language="id", script="Latn",
                                   text=f"lowongan kerja {i}", model_version="bench", risk=80,
                                   level="high", category="recruitment_lure", explanation="",
                                   probabilities=None)
                for kind in rng.sample(kinds, rng.choice((2, 3))):
                    b.add_entity(d, kind, rng.choice(pool[kind]), 0, 1, "bench", 1.0, None)
                b.add_hit(d, "recruit.high_pay", "recruitment_lure", 1.0, "[]")
            s.write(b, [])
        ids = [f"{i:064x}" for i in range(n)]
        for k, lvl in enumerate(LEVELS):
            partner.set_document_tlp(s, ids[k::len(LEVELS)], lvl)


def _timed(fn: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    got = fn()
    return time.perf_counter() - t, got


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    out = Lines()
    figures: dict[str, Any] = {"documents": args.docs}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        secs, _ = _timed(lambda: build(db, args.docs))
        out(f"synthetic store: {args.docs:,} documents built in {secs:.1f} s (Store API)")
        with Store.open(db, read_only=True) as s:
            base, rows = _timed(lambda: queries.export(s, Path(tmp) / "b.jsonl", "jsonl",
                                                       text=False))
        figures["baseline_jsonl_export_s"] = round(base, 2)
        out(f"baseline `waspada export --format jsonl --no-text`: {rows:,} documents in "
            f"{base:.2f} s ({rows / base:,.0f} docs/s)")
        out("")
        out(f"{'':6} {'identifiers':>11} {'objects':>8} {'MB':>7} {'export s':>9} "
            f"{'x base':>7} {'import s':>9} {'x base':>7} {'ids/s in':>9}")
        for fmt in ("stix", "misp"):
            f = Path(tmp) / f"x.{fmt}.json"
            with Store.open(db, read_only=True) as s:
                ex, summary = _timed(lambda s=s, f=f, fmt=fmt: exporter.export_file(
                    s, exporter.ExportRequest(fmt, "amber"), f))
            with Store.open(Path(tmp) / f"in.{fmt}.duckdb") as s2:
                im, got = _timed(lambda s2=s2, f=f: import_file(s2, f))
            fig = {"identifiers": summary["identifiers"], "objects": summary["objects"],
                   "bytes": summary["bytes"], "export_s": round(ex, 2),
                   "export_vs_baseline": round(ex / base, 1), "import_s": round(im, 2),
                   "import_vs_baseline": round(im / base, 1),
                   "imported_identifiers": got["identifiers"],
                   "unmapped": got["unmapped_count"]}
            figures[fmt] = fig
            out(f"{fmt:6} {fig['identifiers']:>11,} {fig['objects']:>8,} "
                f"{fig['bytes'] / 1e6:>7.1f} {ex:>9.1f} {ex / base:>7.1f} {im:>9.1f} "
                f"{im / base:>7.1f} {got['identifiers'] / im:>9,.0f}")
    out("")
    out("Export = select at AMBER (3/5 of the documents) + build + check + write. STIX over "
        "5,000 objects: stix2-validator on every shape, TLP checks and patterns on every "
        "object (--validate-all runs the validator on all, ~80 objects/s).")
    if not args.no_write:
        write_results("bench_exchange", figures, out.markdown(),
                      title="Exchange export and import speed (synthetic store)")


if __name__ == "__main__":
    main()
