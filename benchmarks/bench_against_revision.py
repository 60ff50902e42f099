"""assess() speed of this tree against an earlier git revision, in ONE process.

    .venv/bin/python benchmarks/bench_against_revision.py REV [--limit N] [--repeat R]

The package of revision REV is extracted with ``git archive`` into a temporary folder and renamed
``waspada_rev`` (every ``waspada`` import inside it rewritten), so both versions load side by side
in this process; they then assess the same texts (the SMS data sets and the Indonesian job ads
under /work/shared/data, or ``WASPADA_DATA``; a fixed random sample of ``--limit`` each), one
text at a time, in ``--repeat`` paired rounds of CPU time (the order alternating); the ratio is
the median of the pair ratios, with their spread. Prints and writes
``benchmarks/results/bench_against_revision.json`` and ``.md``: texts per second of each and the
ratio (this tree / REV; above 1 = faster now). Texts are never
printed. Both versions must give the same verdicts: the script counts the texts whose risk,
level or indicators differ and reports that number too.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import random
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from results_io import write_results

ROOT = Path(__file__).resolve().parents[1]


def load_revision(rev: str, into: Path) -> Any:
    """Import the ``waspada`` package of ``rev`` as ``waspada_rev``; return its module."""
    blob = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src/waspada"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    pkg = into / "waspada_rev"
    (into / "src" / "waspada").rename(pkg)
    word = re.compile(r"\bwaspada(?=[.\s])")
    for py in pkg.rglob("*.py"):
        py.write_text(word.sub("waspada_rev", py.read_text(encoding="utf-8")), encoding="utf-8")
    sys.path.insert(0, str(into))
    return importlib.import_module("waspada_rev")


def _cpu(assess: Callable[[str], object], texts: list[str]) -> float:
    t0 = time.process_time()
    for t in texts:
        assess(t)
    return time.process_time() - t0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev")
    ap.add_argument("--limit", type=int, default=1000, help="texts per corpus (default 1000)")
    ap.add_argument("--repeat", type=int, default=12)
    args = ap.parse_args(argv)

    import waspada
    from waspada.training.datasets import load_all

    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.rev],
                         capture_output=True, text=True, check=True).stdout.strip()
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()
    exs = load_all()
    rng = random.Random(0)  # a fixed sample drawn from every data set, not the first N of one
    corpora = {
        name: rng.sample(texts, min(args.limit, len(texts)))
        for name, texts in (
            ("SMS", [e.text for e in exs if e.role != "fpr_test"]),
            ("job ads", [e.text for e in exs if e.role == "fpr_test"]),
        )
    }
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        old = load_revision(args.rev, Path(tmp))
        new_assess, old_assess = waspada.assess, old.assess
        for name, texts in corpora.items():
            differ = 0
            for t in texts:  # warm-up, and the verdicts must agree
                a, b = new_assess(t), old_assess(t)
                if (a.risk, a.level, [h.id for h in a.indicators]) != (
                    b.risk, b.level, [h.id for h in b.indicators]
                ):
                    differ += 1
            # paired rounds, the order alternating, CPU time of this process: a busy machine
            # slows both sides of a pair alike; the median pair ratio is the figure
            ratios, t_old, t_new = [], float("inf"), float("inf")
            for r in range(args.repeat):
                runs = [("old", old_assess), ("new", new_assess)]
                got = {k: _cpu(fn, texts) for k, fn in (runs if r % 2 == 0 else runs[::-1])}
                ratios.append(got["old"] / got["new"])
                t_old, t_new = min(t_old, got["old"]), min(t_new, got["new"])
            row = {
                "corpus": name, "texts": len(texts), "verdicts_differ": differ,
                f"{sha} texts/s": round(len(texts) / t_old, 1),
                f"{head} texts/s": round(len(texts) / t_new, 1),
                "ratio (this / rev)": round(statistics.median(ratios), 3),
                "pair ratios min-max": f"{min(ratios):.3f}-{max(ratios):.3f}",
            }
            rows.append(row)
            print(json.dumps(row))
    table = ["| corpus | texts | verdicts differ | " + f"{sha} texts/s | {head} texts/s | "
             "ratio (this / rev), median | pair ratios |", "|---|---|---|---|---|---|---|"]
    table += ["| " + " | ".join(str(v) for v in row.values()) + " |" for row in rows]
    write_results(
        "bench_against_revision",
        {"revision": sha, "this": head, "repeat": args.repeat, "rows": rows},
        f"`assess()` of {head} against {sha}, both loaded in this process: {args.repeat} paired "
        "rounds (order alternating) of CPU time; the ratio is the median of the pair ratios "
        "(above 1 = faster now), texts/s the best round of each.\n\n" + "\n".join(table),
        title="assess() speed against an earlier revision",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
