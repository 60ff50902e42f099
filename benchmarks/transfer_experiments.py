"""Cross-language transfer experiments for the learned model (issue 3).

Featurises every text ONCE (the training code's ``prepare``: run-time features + indicator risk),
caches the matrix in memory (and in ``--cache``, a scipy ``.npz``, experiment-only), then runs
recipe variants in seconds to minutes each. Per variant:

- LODO: train on all other data sets, test on the left-out one (both Thai sets together); F1 at
  the variant's decision rule (``ph``: recall; it has no benign texts) and PR-AUC;
- the Philippine job-scam reports (recall) and the Indonesian job ads (false-positive rate) with
  the model trained on all training texts, calibrated P >= 0.5 combined with the indicators
  (the shipped ``combine`` rule), as ``waspada evaluate`` reports them;
- optionally (``--within``) the within-set 5-fold CV F1.

Nothing is tuned on held-out data: a decision threshold is always chosen on the training part only
(Platt scaling on inner out-of-fold scores of the training part). No message text is printed.

Usage:  python benchmarks/transfer_experiments.py [--cache FILE] [--only NAME|...] [--within]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from waspada.training.cv import metrics
from waspada.training.datasets import load_all
from waspada.training.prepared import Prepared, prepare, verdicts
from waspada.training.recipe import (
    DEFAULT_RECIPE,
    Recipe,
    fit_raw,
    fit_recipe,
    oof_scores_recipe,
)
from waspada.training.train import DEFAULT_CONFIG

#: variants tried (name -> recipe); DEFAULT_RECIPE is the one shipped
VARIANTS: dict[str, Recipe] = {
    "old (C16 thr0)": Recipe(c=16.0, threshold="zero"),
    "old + platt thr": Recipe(c=16.0),
    "ph out": Recipe(c=16.0, one_class_weight=0.0),
    "ph x0.25": Recipe(c=16.0, one_class_weight=0.25),
    "dom 1": Recipe(c=16.0, domain_scale=1.0),
    "dom 3": Recipe(c=16.0, domain_scale=3.0),
    "dom 10": Recipe(c=16.0, domain_scale=10.0),
    "ngram x0.5": Recipe(c=16.0, ngram_scale=0.5),
    "ngram x0.25": Recipe(c=16.0, ngram_scale=0.25),
    "C4": Recipe(c=4.0),
    "C1": Recipe(c=1.0),
    "C1 (3-fold platt)": Recipe(c=1.0, inner_folds=3),
    "C16 (3-fold platt)": Recipe(c=16.0, inner_folds=3),
    "dom 3 (3-fold platt)": Recipe(c=16.0, domain_scale=3.0, inner_folds=3),
    "ngram x0.1": Recipe(c=16.0, ngram_scale=0.1),
    "named only": Recipe(c=16.0, ngram_scale=0.0),
    "ph out + ngram x0.5": Recipe(c=16.0, one_class_weight=0.0, ngram_scale=0.5),
    "dom 3 + ngram x0.5": Recipe(c=16.0, domain_scale=3.0, ngram_scale=0.5),
    "default": DEFAULT_RECIPE,
}


def _examples() -> list[Any]:
    everything = load_all()
    ex = [e for e in everything if e.role == "train"]
    ex += [e for e in everything if e.role == "recall_test"]
    ex += [e for e in everything if e.role == "fpr_test"]
    return ex


def _prepare(ex: list[Any]) -> Prepared:
    t0 = time.perf_counter()
    P = prepare(ex, DEFAULT_CONFIG)
    print(f"featurised {len(ex)} texts in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return P


def load_cache(path: Path | None) -> dict[str, Any]:
    """The feature matrix and labels (from ``path`` when cached). The held-out rates also need
    every text's indicators and stance: ``prepared(d)`` computes them once, on first use."""
    from scipy.sparse import csr_matrix, load_npz, save_npz

    if path is not None and path.is_file() and path.with_suffix(".meta.npz").is_file():
        X = load_npz(path).tocsr()
        with np.load(path.with_suffix(".meta.npz"), allow_pickle=False) as z:
            d = {k: z[k] for k in z.files}
        d["X"] = X
        return d
    ex = _examples()
    P = _prepare(ex)
    d = {
        "X": csr_matrix(P.X),
        "y": np.array([e.y for e in ex]),
        "dataset": np.array([e.dataset for e in ex]),
        "group": np.array([e.group for e in ex]),
        "role": np.array([e.role for e in ex]),
    }
    if path is not None:
        save_npz(path, d["X"])
        np.savez(path.with_suffix(".meta.npz"), **{k: v for k, v in d.items() if k != "X"})
    d["prepared"] = P
    return d


def prepared(d: dict[str, Any]) -> Prepared:
    if "prepared" not in d:
        d["prepared"] = _prepare(_examples())
    P: Prepared = d["prepared"]
    return P


def _lodo(d: dict[str, Any], score: Any) -> dict[str, Any]:
    """Leave one data-set group out: ``score(train_rows, test_rows) -> (scores, predictions)``
    for each group; F1 per group (recall for the one-class Philippine set) and PR-AUC."""
    y, grp, role = d["y"], d["group"], d["role"]
    tr_all = np.flatnonzero(role == "train")
    out: dict[str, Any] = {"lodo": {}, "lodo_auc": {}}
    for g in sorted(set(grp[tr_all])):
        te = tr_all[grp[tr_all] == g]
        tr = tr_all[grp[tr_all] != g]
        s, pred = score(tr, te)
        m = metrics(y[te], s, pred)
        out["lodo"][g] = m["recall"] if g == "ph" else m["f1"]
        out["lodo_auc"][g] = m.get("pr_auc")
    return out


def run_lodo_fast(d: dict[str, Any], r: Recipe) -> dict[str, Any]:
    """LODO only, raw decision threshold 0 and PR-AUC (one fit per group): for ranking recipes."""
    X, y, ds = d["X"], d["y"], d["dataset"]

    def score(tr: Any, te: Any) -> tuple[Any, Any]:
        coef, b = fit_raw(X[tr], y[tr], ds[tr], r)
        s = X[te] @ coef + b
        return s, s >= 0

    return _lodo(d, score)


def _heldout_rates(d: dict[str, Any], fit: Any) -> dict[str, Any]:
    """Job-scam recall and job-ads false-positive rate of ``fit``: the share rated medium or
    high by every verdict rule ``assess()`` applies (``prepared.verdicts``: the evidence rules and
    the stance cap; fast stage only), and by the Platt-calibrated model alone at P >= 0.5."""
    P = prepared(d)
    a, b = fit.platt
    out: dict[str, Any] = {}
    for label, rl in [("ph_job_recall", "recall_test"), ("id_job_ads_fpr", "fpr_test")]:
        rows = np.flatnonzero(d["role"] == rl)
        decision = fit.decision(P.X[rows])
        rated = verdicts(P, rows, decision, fit.decision(P.X_content[rows]), fit.platt)
        out[label] = round(float(np.mean([r.level != "low" for r in rated])), 4)
        p = 1 / (1 + np.exp(-(a * decision + b)))
        out[label + " (model)"] = round(float(np.mean(p >= 0.5)), 4)
    return out


def _fit_all(d: dict[str, Any], r: Recipe) -> Any:
    """The recipe fitted on every training text."""
    tr_all = np.flatnonzero(d["role"] == "train")
    return fit_recipe(d["X"][tr_all], d["y"][tr_all], d["dataset"][tr_all], r)


def run_heldout(d: dict[str, Any], r: Recipe) -> dict[str, Any]:
    """Model trained on all training texts, Platt on its inner out-of-fold scores: job-scam recall
    and job-ads false-positive rate (model alone and combined with the indicators)."""
    fit = _fit_all(d, r)
    a, b = fit.platt
    return {"platt": [round(a, 3), round(b, 3)], **_heldout_rates(d, fit)}


def run_variant(d: dict[str, Any], r: Recipe, within: bool = False) -> dict[str, Any]:
    X, y, ds, role = d["X"], d["y"], d["dataset"], d["role"]
    tr_all = np.flatnonzero(role == "train")

    def score(tr: Any, te: Any) -> tuple[Any, Any]:
        fit = fit_recipe(X[tr], y[tr], ds[tr], r)
        s = fit.decision(X[te])
        return s, s >= fit.threshold

    out = _lodo(d, score)
    out.update(_heldout_rates(d, _fit_all(d, r)))
    if within:
        from sklearn.model_selection import StratifiedKFold

        out["within"] = {}
        for name in sorted(set(ds[tr_all])):
            rows = tr_all[ds[tr_all] == name]
            if len(set(y[rows])) < 2:
                continue
            s = np.zeros(len(rows))
            pred = np.zeros(len(rows), dtype=bool)
            skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
            for a_, b_ in skf.split(np.zeros(len(rows)), y[rows]):
                f = fit_recipe(X[rows[a_]], y[rows[a_]], ds[rows[a_]], r)
                s[b_] = f.decision(X[rows[b_]])
                pred[b_] = s[b_] >= f.threshold
            out["within"][name] = metrics(y[rows], s, pred)["f1"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=Path("/tmp/waspada_transfer_X.npz"))
    ap.add_argument("--only", default="")
    ap.add_argument("--within", action="store_true")
    ap.add_argument("--fast", action="store_true", help="LODO at threshold 0 only")
    ap.add_argument("--heldout", action="store_true", help="job-ads FPR / job-scam recall only")
    args = ap.parse_args()
    d = load_cache(args.cache)
    names = [n for n in args.only.split("|") if n] or list(VARIANTS)
    for n in names:
        t0 = time.perf_counter()
        r = VARIANTS[n]
        if args.fast:
            res = run_lodo_fast(d, r)
        elif args.heldout:
            res = run_heldout(d, r)
        else:
            res = run_variant(d, r, args.within)
        res["seconds"] = round(time.perf_counter() - t0, 1)
        print(json.dumps({"variant": n, **res}), flush=True)


if __name__ == "__main__":
    _ = oof_scores_recipe  # re-exported for interactive use
    main()
