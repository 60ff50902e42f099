"""The training recipe: how the feature matrix becomes weights, a calibration and a threshold.

The run-time feature vector is fixed (``scoring/features.py``); the recipe only decides how the
linear model is fitted on it, so any recipe exports weights in the run-time layout:

- ``ngram_scale``: the n-gram block is multiplied by this while fitting (under L2 this is a
  per-block regularisation: < 1 makes n-gram weights costlier, so the language-independent
  shape / indicator / entity features carry more). The factor is folded into the exported
  weights, so the run-time vector is unchanged.
- ``domain_scale``: one extra column per training data set (value ``domain_scale``), present
  while fitting only. Each set gets its own intercept, so n-gram weights need not encode a set's
  base rate or its one-sidedness (the all-positive Philippine sets). The columns are dropped on
  export: at run time the shared intercept alone is used.
- ``one_class_weight``: weight factor of the data sets with one class only (the Philippine
  reports); 0 leaves them out of training.
- ``threshold``: ``"platt"`` fits Platt scaling on inner out-of-fold decision scores of the
  training data and decides at calibrated P >= 0.5 (the shipped run-time rule); ``"zero"`` decides
  at a raw score of 0. Either way the threshold comes from the training data only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from waspada.errors import ConfigError
from waspada.scoring.features import NAMED_SLOTS

Array = npt.NDArray[Any]
SEED = 0


@dataclass(frozen=True, slots=True)
class Recipe:
    c: float = 16.0
    ngram_scale: float = 1.0
    domain_scale: float = 0.0
    one_class_weight: float = 1.0
    threshold: str = "platt"  # platt | zero
    inner_folds: int = 5

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: the recipe ``waspada train`` uses, chosen on benchmarks/transfer_experiments.py (docs/model.md)
DEFAULT_RECIPE = Recipe()


@dataclass(slots=True)
class Fitted:
    coef: npt.NDArray[np.float32]  # run-time layout (n-gram buckets + named slots)
    intercept: float
    platt: tuple[float, float]
    threshold: float  # raw decision score at which a text is called risky
    #: calibrated out-of-fold P(risky) of each training text (None without calibration): what
    #: the semantic stage's stacking rule is fitted on
    oof_p: npt.NDArray[np.float64] | None = None

    def decision(self, X: Any) -> npt.NDArray[np.float64]:
        return np.asarray(X @ self.coef, dtype=np.float64) + self.intercept


def balanced_weights(datasets: Sequence[str] | Array, y: Array) -> npt.NDArray[np.float64]:
    """Each data set weighs the same in total, split equally between its classes; mean 1."""
    keys = list(zip([str(d) for d in datasets], [int(v) for v in y], strict=True))
    per = Counter(keys)
    w = np.array([0.5 / per[k] for k in keys], dtype=np.float64)
    return w * (len(w) / w.sum()) if len(w) else w


def _design(X: Any, datasets: Array, r: Recipe) -> tuple[Any, list[str]]:
    """Training matrix: n-gram block scaled, plus one intercept column per data set."""
    from scipy.sparse import csr_matrix, hstack

    Xs = csr_matrix(X, dtype=np.float64, copy=True)
    n_buckets = Xs.shape[1] - NAMED_SLOTS
    if r.ngram_scale != 1.0:
        Xs.data[Xs.indices < n_buckets] *= r.ngram_scale
        Xs.eliminate_zeros()
    if r.domain_scale <= 0:
        return Xs, []
    names = sorted({str(d) for d in datasets})
    col = {n: i for i, n in enumerate(names)}
    D = csr_matrix(
        (
            np.full(len(datasets), r.domain_scale),
            np.array([col[str(d)] for d in datasets]),
            np.arange(len(datasets) + 1),
        ),
        shape=(len(datasets), len(names)),
    )
    return hstack([Xs, D], format="csr"), names


def fit_raw(X: Any, y: Array, datasets: Array, r: Recipe) -> tuple[npt.NDArray[np.float32], float]:
    """Fit the L2 logistic regression of recipe ``r``; weights in the run-time layout."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y)
    datasets = np.asarray(datasets)
    w = balanced_weights(datasets, y)
    one_class = [d for d in set(datasets.tolist()) if len(set(y[datasets == d].tolist())) == 1]
    if one_class and r.one_class_weight != 1.0:
        m = np.isin(datasets, one_class)
        w[m] *= r.one_class_weight
    keep = w > 0
    Xd, _ = _design(X[keep], datasets[keep], r)
    clf = LogisticRegression(C=r.c, solver="liblinear", random_state=SEED, max_iter=1000, tol=1e-5)
    clf.fit(Xd, y[keep], sample_weight=w[keep])
    full = clf.coef_.ravel()[: X.shape[1]].copy()
    n_buckets = X.shape[1] - NAMED_SLOTS
    full[:n_buckets] *= r.ngram_scale
    return full.astype(np.float32), float(clf.intercept_[0])


def oof_scores_recipe(X: Any, y: Array, datasets: Array, r: Recipe) -> npt.NDArray[np.float64]:
    """Out-of-fold run-time decision scores (stratified by data set and class)."""
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y)
    datasets = np.asarray(datasets)
    keys = [f"{d}:{v}" for d, v in zip(datasets.tolist(), y.tolist(), strict=True)]
    out = np.zeros(len(y), dtype=np.float64)
    skf = StratifiedKFold(n_splits=r.inner_folds, shuffle=True, random_state=SEED)
    for tr, te in skf.split(np.zeros(len(y)), keys):
        coef, b = fit_raw(X[tr], y[tr], datasets[tr], r)
        out[te] = X[te] @ coef + b
    return out


def fit_platt(scores: Array, y: Array) -> tuple[float, float]:
    """Platt scaling: P(risky) = sigmoid(a * score + b), fitted on out-of-fold scores."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    lr.fit(np.asarray(scores, dtype=np.float64).reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def fit_recipe(X: Any, y: Array, datasets: Array, r: Recipe, calibrate: bool = True) -> Fitted:
    """Weights + Platt calibration (on inner out-of-fold scores) + the decision threshold."""

    y = np.asarray(y)
    datasets = np.asarray(datasets)
    coef, b = fit_raw(X, y, datasets, r)
    platt = (1.0, 0.0)
    oof_p = None
    if calibrate and len(y) >= 2 * r.inner_folds:
        oof = oof_scores_recipe(X, y, datasets, r)
        platt = fit_platt(oof, y)
        oof_p = 1.0 / (1.0 + np.exp(-(platt[0] * oof + platt[1])))
    thr = 0.0
    if r.threshold == "platt" and calibrate:
        a, pb = platt
        thr = -pb / a if a > 0 else 0.0
    elif r.threshold not in ("platt", "zero"):
        raise ConfigError(f"unknown threshold rule {r.threshold!r}")
    return Fitted(coef, b, platt, thr, oof_p)
