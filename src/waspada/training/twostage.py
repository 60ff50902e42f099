"""The two-stage ablation of the evaluation: each fold's fast model, semantic model and stack,
fitted on that fold's training texts only, and what each stage decides on its test texts.

For one fold (training rows ``tr``, test rows ``te``), ``fit_fold``:

- fits the fast model as ``recipe.fit_recipe`` does (the recipe on ``tr``; Platt on the inner
  out-of-fold scores of ``tr``; ``Fitted.oof_p``), with the inner folds given by the caller, so
  that a fold of the pooled or within-set CV reuses the other outer folds as its inner folds and
  the fits are shared (``FastFits``: fit ``tr`` minus inner fold ``j`` once, keyed by name);
- fits the semantic model, its Platt scaling and the stack on ``tr`` (``semantic.fit_semantic``
  with the fast model's inner out-of-fold P);
- scores ``te``: the fast P (all features and content only), the semantic P, and the escalation
  of ``semantic.stage.escalate`` under "auto".

``Scored.p(variant)`` is the model-level P(risky) of a variant and ``Scored.verdicts(variant)``
what ``assess()`` decides with it (``prepared.verdicts``, the rules of ``scoring/combine.py``):

- ``fast``: the fast stage alone (the semantic stage off);
- ``semantic``: the semantic model's P in place of the fast model's;
- ``auto``: the run-time rule: the stacked P for the escalated texts, the fast P for the others;
- ``all``: the stacked P for every text the model reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from waspada.scoring.risk import RiskResult
from waspada.semantic.classifier import SemanticModel
from waspada.semantic.stage import auto_rule
from waspada.training.prepared import Array, Prepared, SecondStage, verdicts
from waspada.training.recipe import Fitted, Recipe, fit_platt, fit_raw
from waspada.training.semantic import SEMANTIC_C, fit_semantic, logits

VARIANTS = ("fast", "semantic", "auto", "all")
#: how the tables name each variant
NAMES = {
    "fast": "fast only",
    "semantic": "semantic only",
    "auto": "two-stage auto",
    "all": "two-stage all",
}


def sigmoid(z: Array) -> Array:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -500, 500))), dtype=np.float64)


class FastFits:
    """The fast recipe fitted on sets of rows, each set once (memoised by its content, so that
    two tables fitting the same rows share the fit; ``key`` only names it); ``prefetch`` fits
    several at once on ``workers`` threads (liblinear releases the GIL)."""

    def __init__(self, P: Prepared, recipe: Recipe, workers: int = 2) -> None:
        self.P = P
        self.recipe = recipe
        self.workers = workers
        self._memo: dict[bytes, tuple[Array, float]] = {}
        self.fitted_rows: dict[Hashable, Array] = {}
        #: the rows of every fit made, in order (what a fold was fitted on)
        self.log: list[Array] = []

    @staticmethod
    def _digest(rows: Array) -> bytes:
        return hashlib.sha1(np.asarray(rows, dtype=np.int64).tobytes()).digest()

    def _fit(self, rows: Array) -> tuple[Array, float]:
        self.log.append(np.asarray(rows))
        ex = [self.P.examples[i] for i in rows]
        y = np.array([e.y for e in ex])
        return fit_raw(self.P.X[rows], y, np.array([e.dataset for e in ex]), self.recipe)

    def get(self, key: Hashable, rows: Array) -> tuple[Array, float]:
        d = self._digest(rows)
        if d not in self._memo:
            self._memo[d] = self._fit(rows)
        self.fitted_rows[key] = np.asarray(rows)
        return self._memo[d]

    def prefetch(self, jobs: Sequence[tuple[Hashable, Array]]) -> None:
        todo = {self._digest(r): r for _, r in jobs}
        todo = {d: r for d, r in todo.items() if d not in self._memo}
        if self.workers <= 1 or len(todo) < 2:
            for d, r in todo.items():
                self._memo[d] = self._fit(r)
            return
        with ThreadPoolExecutor(self.workers) as pool:
            for d, fit in zip(todo, pool.map(self._fit, todo.values()), strict=True):
                self._memo[d] = fit


@dataclass(frozen=True, slots=True)
class Inner:
    """The inner folds of one outer fold: the rows of each, and the key of the fit without it."""

    parts: list[Array]
    keys: list[Hashable]

    def jobs(self, tr: Array) -> list[tuple[Hashable, Array]]:
        return [(k, np.setdiff1d(tr, part)) for part, k in zip(self.parts, self.keys, strict=True)]


def fitted_fast(P: Prepared, fits: FastFits, key: Hashable, tr: Array, inner: Inner) -> Fitted:
    """``fit_recipe`` on rows ``tr`` with the inner folds ``inner`` (fits shared via ``fits``)."""
    coef, b = fits.get(key, tr)
    y = np.array([P.examples[i].y for i in tr])
    pos = {int(r): j for j, r in enumerate(tr)}
    oof = np.zeros(len(tr))
    for part, (k, rows) in zip(inner.parts, inner.jobs(tr), strict=True):
        c2, b2 = fits.get(k, rows)
        oof[[pos[int(i)] for i in part]] = np.asarray(P.X[part] @ c2, dtype=np.float64) + b2
    platt = fit_platt(oof, y)
    thr = -platt[1] / platt[0] if platt[0] > 0 else 0.0
    return Fitted(coef, b, platt, thr, sigmoid(platt[0] * oof + platt[1]))


@dataclass(slots=True)
class Scored:
    """What each stage says on the test rows of one fold (module docstring)."""

    P: Prepared
    rows: Array
    decision: Array  # fast raw decision, all features
    decision_content: Array  # the same, content only
    platt: tuple[float, float]  # the fold's fast Platt scaling
    p_sem: Array  # the semantic model's calibrated P
    escalated: Array  # bool: escalated under "auto"
    model: SemanticModel

    @property
    def p_fast(self) -> Array:
        return sigmoid(self.platt[0] * self.decision + self.platt[1])

    def p_stacked(self) -> Array:
        """The two-stage P: the stack on min(fast P, content-only fast P) and the semantic P,
        as ``combine`` applies it."""
        pc = sigmoid(self.platt[0] * self.decision_content + self.platt[1])
        a, b, c = self.model.stack_weights
        return sigmoid(a * logits(np.minimum(self.p_fast, pc)) + b * logits(self.p_sem) + c)

    def p(self, variant: str) -> Array:
        """Model-level P(risky) of ``variant`` (texts not escalated keep the fast P)."""
        if variant == "fast":
            return self.p_fast
        if variant == "semantic":
            return self.p_sem
        stacked = self.p_stacked()
        read = self.P.readable[self.rows] if variant == "all" else self.escalated
        return np.where(read, stacked, self.p_fast)

    def second(self, variant: str) -> list[SecondStage | None] | None:
        """The per-row second stage ``prepared.verdicts`` passes to ``combine``."""
        if variant == "fast":
            return None
        if variant == "semantic":
            return [partial(_const, float(p)) for p in self.p_sem]
        out: list[SecondStage | None] = []
        legible = self.P.readable[self.rows].tolist()
        cols = (self.p_sem.tolist(), self.escalated.tolist(), legible)
        for p, esc, can in zip(*cols, strict=True):
            read = can if variant == "all" else esc
            out.append(partial(_stack, self.model, p) if read else None)
        return out

    def verdicts(self, variant: str) -> list[RiskResult]:
        return verdicts(self.P, self.rows, self.decision, self.decision_content, self.platt,
                        self.second(variant))  # fmt: skip


def _const(p: float, _p_fast: float) -> float:
    return p


def _stack(model: SemanticModel, p_semantic: float, p_fast: float) -> float:
    return model.stack(p_fast, p_semantic)


def escalated_auto(P: Prepared, rows: Array, p_fast: Array) -> Array:
    """``semantic.stage.escalate`` under "auto" for ``rows`` (texts without content: never,
    as the analyzer gives them no model output; texts too short to judge by their meaning:
    never, ``semantic.stage.readable``)."""
    hits = np.array([bool(P.hits[i]) for i in rows], dtype=bool)
    out = auto_rule(p_fast, hits, P.actionable[rows])
    return np.asarray(out & P.has_content[rows] & P.readable[rows], dtype=bool)


def fit_fold(
    P: Prepared,
    E: Array,
    fits: FastFits,
    key: Hashable,
    tr: Array,
    te: Array,
    inner: Inner,
    encoder: str,
    c: float = SEMANTIC_C,
) -> Scored:
    """Fit the three parts on ``tr`` (module docstring) and score ``te``."""
    fitted = fitted_fast(P, fits, key, tr, inner)
    assert fitted.oof_p is not None
    y = np.array([P.examples[i].y for i in tr])
    ds = np.array([P.examples[i].dataset for i in tr])
    model = fit_semantic(E[tr], y, ds, fitted.oof_p, encoder, c)
    return score(P, E, te, fitted, model)


def score(P: Prepared, E: Array, te: Array, fitted: Fitted, model: SemanticModel) -> Scored:
    d = np.asarray(P.X[te] @ fitted.coef, dtype=np.float64) + fitted.intercept
    dc = np.asarray(P.X_content[te] @ fitted.coef, dtype=np.float64) + fitted.intercept
    p_fast = sigmoid(fitted.platt[0] * d + fitted.platt[1])
    return Scored(P, np.asarray(te), d, dc, fitted.platt, model.probabilities(E[te]),
                  escalated_auto(P, np.asarray(te), p_fast), model)  # fmt: skip


def pair_inner(folds: Sequence[Array], k: int, prefix: Hashable) -> Inner:
    """Inner folds of outer fold ``k`` = the other outer folds; the fit without outer folds
    ``j`` and ``k`` is shared by outer folds ``j`` and ``k`` (key ``(prefix, {j, k})``)."""
    others = [j for j in range(len(folds)) if j != k]
    return Inner([np.asarray(folds[j]) for j in others],
                 [(prefix, frozenset((j, k))) for j in others])  # fmt: skip


def split_inner(P: Prepared, tr: Array, n: int, prefix: Hashable) -> Inner:
    """``n`` inner folds of ``tr``, stratified by data set and class (as ``fit_recipe``)."""
    from sklearn.model_selection import StratifiedKFold

    from waspada.training.recipe import SEED

    keys = [f"{P.examples[i].dataset}:{P.examples[i].y}" for i in tr]
    skf = StratifiedKFold(n_splits=n, shuffle=True, random_state=SEED)
    parts = [np.asarray(tr)[te] for _, te in skf.split(np.zeros(len(tr)), keys)]
    return Inner(parts, [(prefix, j) for j in range(n)])


def rates(results: Sequence[RiskResult]) -> dict[str, Any]:
    """Shares of a list of verdicts rated medium or high, and high."""
    from waspada.scoring.risk import MEDIUM_AT

    n = len(results)
    return {
        "medium or high": sum(r.risk >= MEDIUM_AT for r in results) / n if n else 0.0,
        "high": sum(r.level == "high" for r in results) / n if n else 0.0,
    }
