"""Train the semantic stage's model on sentence vectors, and the rule that stacks it on the fast
stage (``semantic.classifier`` reads what this writes).

``fit_semantic(E, y, datasets, p_fast)``:

- an L2 logistic regression on the encoder's vectors, with the same per-data-set class-balanced
  weights as the fast model (``recipe.balanced_weights``);
- Platt scaling on its 5-fold out-of-fold decision scores (stratified by data set and class);
- the stacking rule: a logistic regression on the two stages' out-of-fold logits
  (``logit(p_fast)``, ``logit(p_semantic)``), unweighted like the Platt scaling of both stages,
  so that the stacked P is calibrated as the fast P it replaces (the verdict thresholds in
  ``scoring/combine.py`` read it as such; the class-balanced weights would lift every P towards
  a 50 % prior). ``p_fast`` must itself be out of fold (``recipe.Fitted.oof_p``), so the stack
  learns how far to trust each stage on texts neither stage was fitted on.

``embed_texts`` embeds what the analyzer embeds at run time (``Context.text``: the normalised
text), through an ``EmbeddingCache`` that can be saved between runs (``--embeddings``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from waspada.semantic.classifier import EPS, SemanticModel
from waspada.semantic.encoder import EmbeddingCache, Encoder, Matrix
from waspada.training.recipe import SEED, balanced_weights, fit_platt
from waspada.types import Context

Array = npt.NDArray[Any]
#: L2 regularisation (inverse strength) of the semantic logistic regression
SEMANTIC_C = 1.0
FOLDS = 5
#: texts embedded per call while training (progress is reported between batches)
BATCH = 256


def semantic_text(text: str) -> str:
    """The text the semantic stage embeds: the analyzer's normalised ``Context.text``."""
    return Context.of(text).text


def embed_texts(
    texts: Sequence[str], cache: EmbeddingCache, say: Any = None
) -> Matrix:
    """Vectors of ``texts`` (raw texts: normalised here as at run time), through ``cache``."""
    norm = [semantic_text(t) for t in texts]
    out = np.empty((len(norm), cache.encoder.dim), dtype=np.float32)
    for start in range(0, len(norm), BATCH):
        out[start : start + BATCH] = cache.embed(norm[start : start + BATCH])
        if say is not None and len(norm) > BATCH:
            say(f"embedded {min(start + BATCH, len(norm))}/{len(norm)} texts")
    return out


def open_cache(encoder: Encoder, path: Path | None) -> EmbeddingCache:
    """An unbounded cache, filled from ``path`` when it exists."""
    cache = EmbeddingCache(encoder, maxsize=None)
    if path is not None and path.is_file():
        cache.load(path)
    return cache


def fit_lr(E: Array, y: Array, w: Array, c: float = SEMANTIC_C) -> tuple[Array, float]:
    """The logistic regression (lbfgs, deterministic); returns (weights float32, intercept)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, solver="lbfgs", max_iter=2000, tol=1e-6)
    clf.fit(np.asarray(E, dtype=np.float64), y, sample_weight=w)
    return clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0])


def oof_decision(E: Array, y: Array, datasets: Array, c: float = SEMANTIC_C) -> Array:
    """Out-of-fold decision scores (stratified by data set and class)."""
    from sklearn.model_selection import StratifiedKFold

    keys = [f"{d}:{v}" for d, v in zip(datasets.tolist(), y.tolist(), strict=True)]
    out = np.zeros(len(y), dtype=np.float64)
    skf = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    w = balanced_weights(datasets, y)
    for tr, te in skf.split(np.zeros(len(y)), keys):
        coef, b = fit_lr(E[tr], y[tr], w[tr], c)
        out[te] = E[te] @ coef + b
    return out


def logits(p: Array) -> Array:
    q = np.clip(np.asarray(p, dtype=np.float64), EPS, 1.0 - EPS)
    return np.asarray(np.log(q / (1.0 - q)), dtype=np.float64)


def fit_stack(p_fast: Array, p_sem: Array, y: Array) -> tuple[float, float, float]:
    """(weight of logit(p_fast), weight of logit(p_sem), intercept), fitted unweighted."""
    from sklearn.linear_model import LogisticRegression

    Z = np.column_stack([logits(p_fast), logits(p_sem)])
    lr = LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000)
    lr.fit(Z, y)
    a, b = (float(v) for v in lr.coef_.ravel())
    return a, b, float(lr.intercept_[0])


def model_digest(coef: Array, numbers: Sequence[float]) -> str:
    """The version of a semantic model: a hash of its weights and every other number in it."""
    extra = np.asarray(numbers, dtype=np.float64).tobytes()
    return hashlib.sha256(np.asarray(coef, dtype=np.float32).tobytes() + extra).hexdigest()[:12]


def fit_semantic(
    E: Array,
    y: Array,
    datasets: Array,
    p_fast_oof: Array,
    encoder_name: str,
    c: float = SEMANTIC_C,
    meta: dict[str, Any] | None = None,
) -> SemanticModel:
    """The semantic model and its stacking rule (module docstring)."""
    y = np.asarray(y)
    datasets = np.asarray(datasets)
    w = balanced_weights(datasets, y)
    coef, b = fit_lr(E, y, w, c)
    oof = oof_decision(E, y, datasets, c)
    pa, pb = fit_platt(oof, y)
    p_sem = 1.0 / (1.0 + np.exp(-(pa * oof + pb)))
    stack = fit_stack(p_fast_oof, p_sem, y)
    digest = model_digest(coef, (b, pa, pb, *stack))
    info = dict(meta or {})
    info.update(c=c, seed=SEED, folds=FOLDS)
    return SemanticModel(
        weights=coef, intercept=b, platt_a=pa, platt_b=pb, encoder=encoder_name,
        version=f"semantic-{digest}", stack_weights=stack, meta=info,
    )  # fmt: skip
