"""Where assess() spends its time, step by step, measured inside the real pipeline.

    .venv/bin/python benchmarks/profile_assess_steps.py [--repeat 2]

Each step function that ``waspada.assess`` calls (normalise, language, each recogniser,
indicators, indicator risk, model, combine, explanation) is wrapped with a timer in place, and the
real ``assess()`` runs over the SMS data sets and the Indonesian job ads. Steps measured this way
include the cache misses they suffer from their neighbours, which a loop over one step alone
hides (the model's 4 MB weight table evicts the recognisers' tables and the other way round).
Prints microseconds per text (wall clock, best of ``--repeat``); texts are never printed.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any


def _timed(name: str, fn: Callable[..., Any], acc: dict[str, float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[name] += time.perf_counter() - t0

    return wrapper


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)

    import importlib

    # the package exports the function assess(), which hides the module of the same name
    pipeline = importlib.import_module("waspada.assess")
    from waspada.recognizers.registry import default_recognizers
    from waspada.training.datasets import load_all

    acc: dict[str, float] = defaultdict(float)
    for attr, name in [("normalize", "normalise"), ("recognize", "recognisers (all)")]:
        setattr(pipeline, attr, _timed(name, getattr(pipeline, attr), acc))
    for mod, attr, name in [
        (pipeline.language, "detect", "language"),
        (pipeline.engine, "evaluate", "indicators"),
        (pipeline.risk_mod, "score", "indicator risk"),
        (pipeline.model_mod, "predict", "model"),
        (pipeline.combine_mod, "combine", "combine"),
        (pipeline.explain_mod, "explain", "explanation"),
    ]:
        setattr(mod, attr, _timed(name, getattr(mod, attr), acc))
    for rec in default_recognizers():  # instances are shared: wrap their bound method
        rec.recognize = _timed(f"  {rec.name}", rec.recognize, acc)  # type: ignore[method-assign]

    exs = load_all()
    corpora = [
        ("SMS (all SMS data sets)", [e.text for e in exs if e.role != "fpr_test"]),
        ("Indonesian job ads", [e.text for e in exs if e.role == "fpr_test"]),
    ]
    for title, texts in corpora:
        for t in texts[:50]:
            pipeline.assess(t)
        best: dict[str, float] = {}
        total = float("inf")
        for _ in range(args.repeat):
            acc.clear()
            t0 = time.perf_counter()
            for t in texts:
                pipeline.assess(t)
            total = min(total, time.perf_counter() - t0)
            for k, v in acc.items():
                best[k] = min(best.get(k, float("inf")), v)
        n = len(texts)
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        print(f"\n{title}: {n} texts, {mb:.2f} MB; assess() {total / n * 1e6:.0f} us/text, "
              f"{mb / total:.2f} MB/s")
        for k, v in best.items():
            print(f"  {k:<22} {v / n * 1e6:8.1f} us")


if __name__ == "__main__":
    main()
