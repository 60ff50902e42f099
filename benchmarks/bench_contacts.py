"""Per-text cost of the contact recognisers (phone, handles, web) on the real texts of
../shared/data, next to the cost of only lower-casing the same texts.

    .venv/bin/python benchmarks/bench_contacts.py [DATA_DIR]

Prints, per data set: texts, MB, microseconds per text and MB/s for each recogniser, and how
many entities of each kind it found. Never prints a message text. Writes
``benchmarks/results/bench_contacts.json`` and ``.md``.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from pathlib import Path

from results_io import Lines, write_results
from waspada.recognizers.base import Recognizer
from waspada.recognizers.handles import HandleRecognizer
from waspada.recognizers.phone import PhoneRecognizer
from waspada.recognizers.web import WebRecognizer
from waspada.types import Context

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load(path: Path) -> list[str]:
    csv.field_size_limit(10_000_000)
    with path.open(encoding="utf-8", newline="") as f:
        return list(dict.fromkeys(row["text"] for row in csv.DictReader(f) if row.get("text")))


def contexts(texts: list[str]) -> list[Context]:
    return [Context.of(t) for t in texts]


def bench(rec: Recognizer, ctxs: list[Context], reps: int = 3) -> tuple[float, Counter[str]]:
    kinds: Counter[str] = Counter()
    for c in ctxs:  # warm caches once, count entities
        kinds.update(e.kind for e in rec.recognize(c))
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        for c in ctxs:
            rec.recognize(c)
        best = min(best, time.perf_counter() - t0)
    return best, kinds


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA
    recs: list[Recognizer] = [PhoneRecognizer(), HandleRecognizer(), WebRecognizer()]
    out = Lines()
    figures: dict[str, dict[str, object]] = {}
    for csv_path in sorted(root.glob("*/*.csv")):
        texts = load(csv_path)
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        ctxs = contexts(texts)
        t0 = time.perf_counter()
        for t in texts:
            t.lower()
        base = time.perf_counter() - t0
        out(
            f"{csv_path.parent.name}: {len(texts)} texts, {mb:.2f} MB, "
            f"lower() {base / len(texts) * 1e6:.2f} us/text"
        )
        row: dict[str, object] = {"texts": len(texts), "mb": round(mb, 3),
                                  "lower_us_per_text": round(base / len(texts) * 1e6, 2)}
        for rec in recs:
            secs, kinds = bench(rec, ctxs)
            out(
                f"  {rec.name:8s} {secs / len(texts) * 1e6:7.1f} us/text "
                f"{mb / secs:7.1f} MB/s  {dict(kinds)}"
            )
            row[rec.name] = {"us_per_text": round(secs / len(texts) * 1e6, 1),
                             "mb_per_s": round(mb / secs, 2), "entities": dict(kinds)}
        figures[csv_path.parent.name] = row
    write_results("bench_contacts", figures, out.markdown(),
                  title="Contact recognisers: cost per text")


if __name__ == "__main__":
    main()
