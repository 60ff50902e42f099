"""The cross-validation of the evaluation: folds (stratified, grouped by source), the metrics of
one split, and the three ways the model is measured on texts it was not trained on:

- ``within_sets``: 5-fold stratified CV inside each SMS data set;
- ``pooled_cv``: 5-fold CV over every training text together, folds grouped by source, with the
  model alone, the indicators alone, the verdict (``prepared.verdicts``) and the baseline;
- ``leave_one_out``: train on every other language group, test on the one left out.

Every model is fitted as the shipped recipe fits it (``recipe.fit_raw``), next to the TF-IDF
baseline fitted on the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from waspada.scoring.risk import MEDIUM_AT
from waspada.training.baseline import baseline_scores, fit_baseline
from waspada.training.datasets import PUBLIC_TEXTS, Example
from waspada.training.prepared import Array, Prepared, verdicts
from waspada.training.recipe import Recipe, fit_platt, fit_raw
from waspada.training.train import SEED, stratify_keys


def metrics(y: Array, score: Array, pred: Array) -> dict[str, Any]:
    from sklearn.metrics import average_precision_score

    y = np.asarray(y, dtype=int)
    pred = np.asarray(pred, dtype=bool)
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    out: dict[str, Any] = {
        "n": len(y),
        "positives": int(y.sum()),
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(f1, 4),
        "confusion": {"tn": tn, "fp": fp, "fn": fn, "tp": tp},
    }
    if 0 < y.sum() < len(y):
        out["pr_auc"] = round(float(average_precision_score(y, score)), 4)
        out["fpr"] = round(fp / (fp + tn), 4)
    return out


def fit_rows(P: Prepared, rows: Array, recipe: Recipe) -> tuple[Array, float]:
    """The recipe fitted on the texts ``rows``: (coefficients, intercept)."""
    ex = [P.examples[i] for i in rows]
    y = np.array([e.y for e in ex])
    return fit_raw(P.X[rows], y, np.array([e.dataset for e in ex]), recipe)


def cv_splits(
    keys: Sequence[str], groups: Sequence[str] | None = None, folds: int = 5
) -> list[tuple[Array, Array]]:
    """Stratified folds (by ``keys``); with ``groups``, one group is never in train and test."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    dummy = np.zeros(len(keys))
    if groups is None:
        skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
        return list(skf.split(dummy, list(keys)))
    sgkf = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    return list(sgkf.split(dummy, list(keys), list(groups)))


def fold_groups(examples: Sequence[Example]) -> list[str]:
    """The fold group of each text: its data set and source, or the text itself when unsourced."""
    return [f"{e.dataset}|{e.source}" if e.source else f"#{i}" for i, e in enumerate(examples)]


def within_sets(
    P: Prepared, n_tr: int, recipe: Recipe, say: Callable[[str], None]
) -> dict[str, Any]:
    """5-fold CV inside each SMS set that has both classes (the corpus has its own section)."""
    train = P.examples[:n_tr]
    y = np.array([e.y for e in train])
    ds = np.array([e.dataset for e in train])
    out: dict[str, Any] = {}
    for name in sorted(set(ds.tolist()) - {PUBLIC_TEXTS}):
        rows = np.flatnonzero(ds == name)
        if len(set(y[rows].tolist())) < 2:
            continue
        say(f"within {name}")
        texts = [train[i].text for i in rows]
        s_ours, s_base = np.zeros(len(rows)), np.zeros(len(rows))
        for tr, te in cv_splits([str(v) for v in y[rows]]):
            coef, b = fit_rows(P, rows[tr], recipe)
            s_ours[te] = P.X[rows[te]] @ coef + b
            base = fit_baseline([texts[i] for i in tr], y[rows[tr]], SEED)
            s_base[te] = baseline_scores(base, [texts[i] for i in te])
        out[name] = {
            "ours": metrics(y[rows], s_ours, s_ours > 0),
            "baseline": metrics(y[rows], s_base, s_base >= 0.5),
        }
    return out


def pooled_cv(
    P: Prepared, n_tr: int, recipe: Recipe, say: Callable[[str], None]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Pooled CV grouped by source: per set and language, model / indicators / verdict / baseline.

    Returns the table and the out-of-fold results (verdicts, baseline scores, Platt fit).
    """
    say("pooled 5-fold CV, grouped by source")
    train = P.examples[:n_tr]
    y = np.array([e.y for e in train])
    texts = [e.text for e in train]
    oof, oof_c, oof_base = np.zeros(n_tr), np.zeros(n_tr), np.zeros(n_tr)
    for tr, te in cv_splits(stratify_keys(train), fold_groups(train)):
        coef, b = fit_rows(P, tr, recipe)
        oof[te] = P.X[te] @ coef + b
        oof_c[te] = P.X_content[te] @ coef + b
        base = fit_baseline([texts[i] for i in tr], y[tr], SEED)
        oof_base[te] = baseline_scores(base, [texts[i] for i in te])
    platt = fit_platt(oof, y)
    p_model = 1 / (1 + np.exp(-(platt[0] * oof + platt[1])))
    results = verdicts(P, np.arange(n_tr), oof, oof_c, platt)
    risk = np.array([r.risk / 100.0 for r in results])
    ind = P.ind_risk[:n_tr]
    table: dict[str, Any] = {}
    ds = np.array([e.dataset for e in train])
    langs = np.array([e.language for e in train])
    for label, key in (("dataset", ds), ("language", langs)):
        for v in sorted(set(key.tolist())):
            m = key == v
            table[f"{label}:{v}"] = {
                "ours (model only)": metrics(y[m], p_model[m], p_model[m] >= 0.5),
                "indicators only": metrics(y[m], ind[m], ind[m] >= MEDIUM_AT / 100),
                "verdict (shipped rules)": metrics(y[m], risk[m], risk[m] >= MEDIUM_AT / 100),
                "baseline": metrics(y[m], oof_base[m], oof_base[m] >= 0.5),
            }
    return table, {"verdicts": results, "baseline": oof_base, "platt": platt}


def leave_one_out(
    P: Prepared, n_tr: int, recipe: Recipe, say: Callable[[str], None]
) -> dict[str, Any]:
    """Train on every other language group, test on one (SMS groups; the rest always trained on)."""
    train = P.examples[:n_tr]
    y = np.array([e.y for e in train])
    texts = [e.text for e in train]
    groups = np.array([e.group for e in train])
    sms = sorted({e.group for e in train if e.dataset != PUBLIC_TEXTS and e.role == "train"})
    out: dict[str, Any] = {}
    for g in sms:
        te = np.flatnonzero(groups == g)
        if len(set(y[te].tolist())) < 2 and not y[te].all():
            continue  # a benign-only group (the job ads) has no recall to measure
        say(f"leave out {g}")
        tr = np.flatnonzero(groups != g)
        coef, b = fit_rows(P, tr, recipe)
        s = P.X[te] @ coef + b
        base = fit_baseline([texts[i] for i in tr], y[tr], SEED)
        sb = baseline_scores(base, [texts[i] for i in te])
        out[g] = {"ours": metrics(y[te], s, s > 0), "baseline": metrics(y[te], sb, sb >= 0.5)}
    return out
