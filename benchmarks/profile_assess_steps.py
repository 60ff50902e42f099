"""Where assess() spends its time, step by step, measured inside the real pipeline.

    .venv/bin/python benchmarks/profile_assess_steps.py [--repeat 2] [--limit N] [--batch]

Each step function that ``Analyzer.assess`` calls (normalise, language, each recogniser,
indicators, stance, model with its vectoriser, indicator risk, combine, explanation) is wrapped
with a timer in place, and the real ``assess()`` of the default analyzer runs over the SMS data
sets and the Indonesian job ads (with ``--batch``: ``assess_many`` too, over the same texts).
Steps measured this way include the cache misses they suffer from their neighbours, which a loop
over one step alone hides (the model's 4 MB weight table evicts the recognisers' tables and the
other way round). Prints microseconds per text (wall clock, best of ``--repeat``); texts are
never printed. ``step_costs`` is what ``bench_assess.py`` calls to put the same table in its
result file.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def _timed(name: str, fn: Callable[..., Any], acc: dict[str, float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[name] += time.perf_counter() - t0

    return wrapper


@contextmanager
def timers(acc: dict[str, float]) -> Iterator[None]:
    """Wrap the default analyzer's steps with timers adding to ``acc`` (seconds by step), and
    unwrap them on exit."""
    from waspada import analyzer as analyzer_mod
    from waspada import types as types_mod
    from waspada.indicators import matcher, stance
    from waspada.scoring import combine, explain, features, model, model_batch, risk
    from waspada.text import language

    an = analyzer_mod.default_analyzer()
    patched: list[tuple[Any, str, Any]] = []

    def wrap(obj: Any, attr: str, name: str) -> None:
        old = getattr(obj, attr)
        patched.append((obj, attr, old))
        setattr(obj, attr, _timed(name, old, acc))

    wrap(types_mod, "normalize", "normalise")
    wrap(language, "detect", "language")
    wrap(matcher, "match", "indicators")
    wrap(stance, "detect", "stance")
    wrap(risk, "score", "indicator risk")
    wrap(model, "predict", "model (all)")
    wrap(model, "vectorize", "  model: vectorise")
    wrap(model_batch, "predict_many", "model (all)")
    wrap(combine, "combine", "combine")
    wrap(explain, "explain", "explanation")
    wrap(an, "recognize", "recognisers (all)")
    for rec in an.recognizers:  # the analyzer's own instances: wrap their bound method
        wrap(rec, "recognize", f"  {rec.name}")
    try:
        yield
    finally:
        for obj, attr, old in reversed(patched):
            if attr == "recognize":  # an instance attribute over the class's method
                delattr(obj, attr)
            else:
                setattr(obj, attr, old)
    _ = features  # imported so that the vectoriser's module is loaded before timing


def step_costs(texts: Sequence[str], repeat: int, batch: bool) -> tuple[float, dict[str, float]]:
    """(seconds per text of the whole pass, {step: seconds per text}), best of ``repeat``, of
    ``assess()`` on each text or (``batch``) of ``assess_many`` over them."""
    from waspada import default_analyzer

    an = default_analyzer()
    acc: dict[str, float] = defaultdict(float)
    best: dict[str, float] = {}
    total = float("inf")
    with timers(acc):
        for _ in range(repeat):
            acc.clear()
            t0 = time.perf_counter()
            if batch:
                an.assess_many(texts, semantic="off")
            else:
                for t in texts:
                    an.assess(t, semantic="off")
            total = min(total, time.perf_counter() - t0)
            for k, v in acc.items():
                best[k] = min(best.get(k, float("inf")), v)
    n = max(len(texts), 1)
    return total / n, {k: v / n for k, v in best.items()}


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None, help="at most N texts per corpus")
    ap.add_argument("--batch", action="store_true", help="assess_many as well")
    args = ap.parse_args(argv)

    from waspada import default_analyzer
    from waspada.training.datasets import load_all

    exs = load_all()
    corpora = [
        ("SMS (all SMS data sets)", [e.text for e in exs if e.role != "fpr_test"]),
        ("Indonesian job ads", [e.text for e in exs if e.role == "fpr_test"]),
    ]
    an = default_analyzer()
    for title, texts in corpora:
        texts = texts[: args.limit] if args.limit else texts
        an.assess_many(texts[:200], semantic="off")  # warm-up: loads, caches, compiled kernels
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        for batch in (False, True) if args.batch else (False,):
            per_text, steps = step_costs(texts, args.repeat, batch)
            what = "assess_many()" if batch else "assess()"
            print(f"\n{title}: {len(texts)} texts, {mb:.2f} MB; {what} {per_text * 1e6:.0f} "
                  f"us/text, {mb / len(texts) / per_text:.2f} MB/s")
            for k, v in steps.items():
                print(f"  {k:<22} {v * 1e6:8.1f} us")


if __name__ == "__main__":
    main()
