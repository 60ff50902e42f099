"""Throughput of assess() on the real texts, next to two baselines, in the same run.

    .venv/bin/python benchmarks/bench_assess.py [--repeat 3] [--limit N]

For the SMS texts (every SMS data set) and the Indonesian job ads separately it prints docs/s and
MB/s (UTF-8) of:

- ``read+lower``: a loop that only reads and lower-cases the texts (the floor);
- ``tfidf+lr predict``: the plain TF-IDF (char_wb 2-5) + logistic-regression baseline's
  ``predict_proba`` (vectorise + classify) on the same texts, batched, trained on the SMS data sets
  before timing (training time not counted);
- ``assess()``: the whole pipeline with the shipped learned model, one text at a time;
- ``assess() without model``: the same on an analyzer built with ``AnalyzerConfig(model=None)``
  (indicator-only risk);

and the ratios. Best of ``--repeat`` runs. Texts are never printed. Writes
``benchmarks/results/bench_assess.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np

from results_io import Lines, write_results


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _row(out: Lines, name: str, seconds: float, n: int, mb: float,
         ref: float | None) -> dict[str, float]:
    ratio = f"{ref / seconds:6.2f}x" if ref else "      "
    out(f"  {name:<26} {n / seconds:>10,.0f} docs/s {mb / seconds:>8.2f} MB/s  {ratio}")
    row = {"docs_per_s": round(n / seconds, 1), "mb_per_s": round(mb / seconds, 3)}
    return row | ({"vs_baseline": round(ref / seconds, 3)} if ref else {})


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None, help="at most N texts per corpus")
    args = ap.parse_args(argv)

    from waspada import Analyzer, AnalyzerConfig, default_analyzer
    from waspada.training.baseline import baseline_scores, fit_baseline
    from waspada.training.datasets import load_all

    exs = load_all()
    sms = [e.text for e in exs if e.role != "fpr_test"]
    jobs = [e.text for e in exs if e.role == "fpr_test"]
    train = [e for e in exs if e.role == "train"]
    base = fit_baseline([e.text for e in train], np.array([e.y for e in train]), 0)
    with_model, without_model = default_analyzer(), Analyzer(AnalyzerConfig(model=None))
    assess = with_model.assess
    model = with_model.model
    out = Lines()
    out(f"model: {model.version if model else 'none'}; repeat {args.repeat}, best run counted")
    figures: dict[str, object] = {"model": model.version if model else None,
                                  "repeat": args.repeat, "limit": args.limit}

    corpora = [("sms", "SMS (all SMS data sets)", sms), ("job_ads", "Indonesian job ads", jobs)]
    for key, name, texts in corpora:
        texts = texts[: args.limit] if args.limit else texts
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        out(f"\n{name}: {len(texts)} texts, {mb:.2f} MB")
        for t in texts[:50]:  # warm-up: loads, caches
            assess(t)

        def read_lower(ts: list[str] = texts) -> None:
            for t in ts:
                t.lower()

        def run_assess(ts: list[str] = texts) -> None:
            for t in ts:
                assess(t)

        def no_model(ts: list[str] = texts) -> None:
            for t in ts:
                without_model.assess(t)

        # interleaved, best of each: a busy machine slows all four alike
        t_floor = t_base = t_assess = t_plain = float("inf")
        for _ in range(args.repeat):
            t_floor = min(t_floor, _best(read_lower, 1))
            t_base = min(t_base, _best(lambda ts=texts: baseline_scores(base, ts), 1))
            t_assess = min(t_assess, _best(run_assess, 1))
            t_plain = min(t_plain, _best(no_model, 1))
        out(f"  {'':<26} {'':>17} {'':>13}  vs baseline")
        figures[key] = {
            "texts": len(texts), "mb": round(mb, 3),
            "read_lower": _row(out, "read+lower", t_floor, len(texts), mb, None),
            "tfidf_lr_predict": _row(out, "tfidf+lr predict", t_base, len(texts), mb, t_base),
            "assess": _row(out, "assess() with model", t_assess, len(texts), mb, t_base),
            "assess_no_model": _row(out, "assess() without model", t_plain, len(texts), mb,
                                    t_base),
            "model_us_per_text": round(1e6 * (t_assess - t_plain) / len(texts), 1),
        }
        out(
            f"  assess()/tfidf speed ratio {t_base / t_assess:.2f} "
            f"({'at least as fast' if t_assess <= t_base else 'SLOWER than'} the baseline); "
            f"model cost {1e6 * (t_assess - t_plain) / len(texts):.1f} us/text; "
            f"read+lower is {t_assess / t_floor:.0f}x faster than assess()"
        )
    write_results("bench_assess", figures, out.markdown(), title="assess() throughput")


if __name__ == "__main__":
    main()
