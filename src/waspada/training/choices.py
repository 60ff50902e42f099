"""The semantic stage's settings, chosen inside the training data only (never on a test fold or
a held-out test): the semantic model's C and the fast-P threshold of the "auto" escalation.

Both are measured on every training text out of fold, the way ``waspada train`` fits the stage:
the fast model's out-of-fold P is the pooled CV's (folds grouped by source), the semantic
model's is ``training.semantic.oof_decision`` (5 folds, stratified by data set and class) with
its Platt scaling, and the stack is fitted on the two.

- **C**: for each candidate, the class-balanced log-loss of the semantic P (each data set and
  class weighing the same, as in training), its PR-AUC, and the F1 at P >= 0.5 of the semantic
  and the two-stage P ("all") per data set; chosen: the lowest log-loss.
- **escalation threshold**: for each candidate fast P from which "auto" escalates (a red flag,
  a counter-signal, a contact, a link or a sum still escalate), the share escalated and the F1
  of the two-stage P under "auto" per data set; chosen: the highest threshold whose mean F1
  over the data sets with both classes is within 0.002 of the best (fewer texts embedded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from waspada.semantic.stage import auto_rule
from waspada.training.prepared import Array, Prepared
from waspada.training.recipe import balanced_weights, fit_platt
from waspada.training.semantic import SEMANTIC_C, fit_stack, logits, oof_decision
from waspada.training.twostage import sigmoid

if TYPE_CHECKING:
    from waspada.training.cv import Stages

C_CANDIDATES = (0.25, 1.0, 4.0)
THRESHOLDS = (0.05, 0.10, 0.15, 0.25, 0.35, 0.50)
#: mean F1 within this of the best counts as as good
TOLERANCE = 0.002


def _f1(y: Array, pred: Array) -> float:
    tp = float(np.sum(pred & (y == 1)))
    fp = float(np.sum(pred & (y == 0)))
    fn = float(np.sum(~pred & (y == 1)))
    return round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0


def per_set(y: Array, ds: Array, p: Array) -> dict[str, float]:
    """F1 at P >= 0.5 per data set with both classes; recall for a one-class set."""
    out: dict[str, float] = {}
    for d in sorted(set(ds.tolist())):
        m = ds == d
        pred = p[m] >= 0.5
        if y[m].min() == y[m].max():
            out[f"{d} (recall)" if y[m][0] else f"{d} (flagged)"] = round(float(pred.mean()), 4)
        else:
            out[d] = _f1(y[m], pred)
    return out


def _mean_f1(cells: dict[str, float]) -> float:
    vals = [v for k, v in cells.items() if "(" not in k]
    return round(float(np.mean(vals)), 4) if vals else 0.0


def choose(P: Prepared, n_tr: int, stages: Stages, oof: dict[str, Any]) -> dict[str, Any]:
    """The two choices (module docstring), with every candidate's figures."""
    from sklearn.metrics import average_precision_score, log_loss

    rows = np.arange(n_tr)
    y = np.array([P.examples[i].y for i in rows])
    ds = np.array([P.examples[i].dataset for i in rows])
    w = balanced_weights(ds, y)
    a, b = oof["platt"]
    p_fast = sigmoid(a * oof["oof"] + b)
    p_min = np.minimum(p_fast, sigmoid(a * oof["oof_c"] + b))
    E = stages.E[rows]
    by_c: dict[str, Any] = {}
    p_sems: dict[float, Array] = {}
    for c in C_CANDIDATES:
        d = oof_decision(E, y, ds, c)
        pa, pb = fit_platt(d, y)
        p_sem = sigmoid(pa * d + pb)
        p_sems[c] = p_sem
        sa, sb, sc = fit_stack(p_fast, p_sem, y)
        p_all = sigmoid(sa * logits(p_min) + sb * logits(p_sem) + sc)
        by_c[str(c)] = {
            "log_loss (balanced)": round(float(log_loss(y, p_sem, sample_weight=w)), 4),
            "pr_auc": round(float(average_precision_score(y, p_sem)), 4),
            "semantic F1": per_set(y, ds, p_sem),
            "two-stage all F1": per_set(y, ds, p_all),
        }
    best_c = min(C_CANDIDATES, key=lambda c: by_c[str(c)]["log_loss (balanced)"])
    p_sem = p_sems[stages.c] if stages.c in p_sems else p_sems[SEMANTIC_C]
    sa, sb, sc = fit_stack(p_fast, p_sem, y)
    p_all = sigmoid(sa * logits(p_min) + sb * logits(p_sem) + sc)
    hits = np.array([bool(P.hits[i]) for i in rows])
    gate = P.has_content[rows] & P.readable[rows]
    without_p = auto_rule(-np.inf, hits, P.actionable[rows]) & gate  # flags and actions alone
    by_t: dict[str, Any] = {}
    for t in THRESHOLDS:
        esc = auto_rule(p_fast, hits, P.actionable[rows], at=t) & gate
        cells = per_set(y, ds, np.where(esc, p_all, p_fast))
        by_t[str(t)] = {"escalated": round(float(esc.mean()), 4), "mean F1": _mean_f1(cells),
                        "two-stage auto F1": cells}
    best = max(v["mean F1"] for v in by_t.values())
    best_t = max(t for t in THRESHOLDS if by_t[str(t)]["mean F1"] >= best - TOLERANCE)
    return {
        "c": {"candidates": by_c, "chosen": best_c, "used": stages.c},
        "threshold": {"candidates": by_t, "chosen": best_t, "escalated without P":
                      round(float(without_p.mean()), 4)},
    }
