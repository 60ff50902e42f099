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
from dataclasses import dataclass
from typing import Any

import numpy as np

from waspada.scoring.risk import MEDIUM_AT
from waspada.training.baseline import baseline_scores, fit_baseline
from waspada.training.datasets import PUBLIC_TEXTS, Example
from waspada.training.prepared import Array, Prepared, verdicts
from waspada.training.recipe import Recipe, fit_platt, fit_raw
from waspada.training.train import SEED, stratify_keys
from waspada.training.twostage import (
    NAMES,
    VARIANTS,
    FastFits,
    Scored,
    fit_fold,
    pair_inner,
    split_inner,
)


@dataclass(slots=True)
class Stages:
    """What the two-stage rows need: every text's sentence vector (row ``i`` of ``E`` is text
    ``i`` of ``Prepared``), the encoder's name, the semantic C, the shared fast fits, and the
    number of inner folds of a leave-one-out fold (``twostage.split_inner``)."""

    E: Any
    encoder: str
    fits: FastFits
    c: float
    transfer_inner: int = 5


def stage_rows(y: Array, scored: Sequence[Scored], order: Array) -> dict[str, Any]:
    """Model-level metrics (P >= 0.5) of the semantic and two-stage variants over test folds
    ``scored`` whose rows, concatenated, are ``order`` (an index into ``y``)."""
    out: dict[str, Any] = {}
    for v in VARIANTS[1:]:
        p = np.concatenate([s.p(v) for s in scored])
        out[NAMES[v]] = metrics(y[order], p, p >= 0.5)
    return out


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
    P: Prepared, n_tr: int, recipe: Recipe, say: Callable[[str], None],
    stages: Stages | None = None,
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
        splits = cv_splits([str(v) for v in y[rows]])
        folds = [rows[te] for _, te in splits]
        scored: list[Scored] = []
        if stages is not None:
            inners = [pair_inner(folds, k, ("within", name)) for k in range(len(folds))]
            stages.fits.prefetch([(("within", name, k), rows[tr]) for k, (tr, _) in
                                  enumerate(splits)] + [j for k, (tr, _) in enumerate(splits)
                                                        for j in inners[k].jobs(rows[tr])])
        for k, (tr, te) in enumerate(splits):
            if stages is None:
                coef, b = fit_rows(P, rows[tr], recipe)
            else:
                coef, b = stages.fits.get(("within", name, k), rows[tr])
                scored.append(fit_fold(P, stages.E, stages.fits, ("within", name, k), rows[tr],
                                       rows[te], inners[k], stages.encoder, stages.c))
            s_ours[te] = P.X[rows[te]] @ coef + b
            base = fit_baseline([texts[i] for i in tr], y[rows[tr]], SEED)
            s_base[te] = baseline_scores(base, [texts[i] for i in te])
        out[name] = {
            "ours": metrics(y[rows], s_ours, s_ours > 0),
            "baseline": metrics(y[rows], s_base, s_base >= 0.5),
        }
        if scored:
            out[name].update(stage_rows(y, scored, np.concatenate(folds)))
    return out


def pooled_cv(
    P: Prepared, n_tr: int, recipe: Recipe, say: Callable[[str], None],
    stages: Stages | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Pooled CV grouped by source: per set and language, model / indicators / verdict / baseline.

    Returns the table and the out-of-fold results (verdicts, baseline scores, Platt fit).
    """
    say("pooled 5-fold CV, grouped by source")
    train = P.examples[:n_tr]
    y = np.array([e.y for e in train])
    texts = [e.text for e in train]
    oof, oof_c, oof_base = np.zeros(n_tr), np.zeros(n_tr), np.zeros(n_tr)
    splits = cv_splits(stratify_keys(train), fold_groups(train))
    folds = [te for _, te in splits]
    scored: list[Scored] = []
    if stages is not None:
        inners = [pair_inner(folds, k, "pooled") for k in range(len(folds))]
        stages.fits.prefetch([(("pooled", k), tr) for k, (tr, _) in enumerate(splits)]
                             + [j for k, (tr, _) in enumerate(splits)
                                for j in inners[k].jobs(tr)])
    for k, (tr, te) in enumerate(splits):
        if stages is None:
            coef, b = fit_rows(P, tr, recipe)
        else:
            coef, b = stages.fits.get(("pooled", k), tr)
            scored.append(fit_fold(P, stages.E, stages.fits, ("pooled", k), tr, te, inners[k],
                                   stages.encoder, stages.c))
        oof[te] = P.X[te] @ coef + b
        oof_c[te] = P.X_content[te] @ coef + b
        base = fit_baseline([texts[i] for i in tr], y[tr], SEED)
        oof_base[te] = baseline_scores(base, [texts[i] for i in te])
    platt = fit_platt(oof, y)
    p_model = 1 / (1 + np.exp(-(platt[0] * oof + platt[1])))
    results = verdicts(P, np.arange(n_tr), oof, oof_c, platt)
    risk = np.array([r.risk / 100.0 for r in results])
    ind = P.ind_risk[:n_tr]
    extra: dict[str, tuple[Array, Array]] = {}  # name -> (score, flagged), in row order
    stage_verdicts: dict[str, list[Any]] = {}
    if scored:
        order = np.concatenate(folds)
        for v in VARIANTS[1:]:
            p = np.zeros(n_tr)
            p[order] = np.concatenate([s.p(v) for s in scored])
            extra[f"{NAMES[v]} (model only)"] = (p, p >= 0.5)
        for v in VARIANTS[1:]:
            res: list[Any] = [None] * n_tr
            for s in scored:
                for i, r in zip(s.rows, s.verdicts(v), strict=True):
                    res[int(i)] = r
            stage_verdicts[v] = res
            rk = np.array([r.risk / 100.0 for r in res])
            extra[f"verdict: {NAMES[v]}"] = (rk, rk >= MEDIUM_AT / 100)
        esc = np.zeros(n_tr, dtype=bool)
        esc[order] = np.concatenate([s.escalated for s in scored])
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
            for name, (score, flagged) in extra.items():
                table[f"{label}:{v}"][name] = metrics(y[m], score[m], flagged[m])
            if extra:
                table[f"{label}:{v}"]["escalated (auto)"] = round(float(esc[m].mean()), 4)
    return table, {"verdicts": results, "baseline": oof_base, "platt": platt, "oof": oof,
                   "oof_c": oof_c,
                   "stage_verdicts": stage_verdicts}


#: corpus language of a labelled set's language (the Philippine sets: Filipino / Taglish)
SAME_LANGUAGE = {"fil": "tl"}


def leave_one_out(
    P: Prepared, n_tr: int, recipe: Recipe, say: Callable[[str], None],
    stages: Stages | None = None,
) -> dict[str, Any]:
    """Train on every other language group, test on one (SMS groups). The corpus texts in the
    left-out group's language are left out of training too (the language is unseen); the other
    corpus texts and the job ads are always trained on."""
    train = P.examples[:n_tr]
    y = np.array([e.y for e in train])
    texts = [e.text for e in train]
    groups = np.array([e.group for e in train])
    sms = sorted({e.group for e in train if e.dataset != PUBLIC_TEXTS and e.role == "train"})
    # the left-out group's language is unseen: its corpus texts are left out too
    lang = np.array([SAME_LANGUAGE.get(e.language, e.language) for e in train])
    corpus = np.array([e.dataset == PUBLIC_TEXTS for e in train])
    out: dict[str, Any] = {}
    for g in sms:
        te = np.flatnonzero(groups == g)
        if len(set(y[te].tolist())) < 2 and not y[te].all():
            continue  # a benign-only group (the job ads) has no recall to measure
        say(f"leave out {g}")
        langs = set(lang[te].tolist())
        tr = np.flatnonzero((groups != g) & ~(corpus & np.isin(lang, list(langs))))
        if stages is None:
            coef, b = fit_rows(P, tr, recipe)
        else:
            inner = split_inner(P, tr, stages.transfer_inner, ("lodo", g))
            stages.fits.prefetch([(("lodo", g), tr), *inner.jobs(tr)])
            coef, b = stages.fits.get(("lodo", g), tr)
        s = P.X[te] @ coef + b
        base = fit_baseline([texts[i] for i in tr], y[tr], SEED)
        sb = baseline_scores(base, [texts[i] for i in te])
        out[g] = {"ours": metrics(y[te], s, s > 0), "baseline": metrics(y[te], sb, sb >= 0.5)}
        if stages is not None:
            sc = fit_fold(P, stages.E, stages.fits, ("lodo", g), tr, te, inner, stages.encoder,
                          stages.c)
            out[g].update(stage_rows(y, [sc], te))
            for v in VARIANTS:
                rk = np.array([r.risk for r in sc.verdicts(v)])
                out[g][f"verdict: {NAMES[v]}"] = metrics(y[te], rk / 100, rk >= MEDIUM_AT)
            out[g]["escalated (auto)"] = round(float(sc.escalated.mean()), 4)
    return out
