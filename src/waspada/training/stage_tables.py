"""The two-stage tables that are not a cross-validation of their own: the held-out tests with
each stage, the corpus shares per stage, the corpus leave-one-language-out, and the choices
made inside the training data (the semantic C, the escalation threshold).

``corpus_lolo``: for each language of the public-text corpus, every stage is trained on all the
training texts except those in that language (its corpus texts and the labelled sets in it; the
Philippine sets, Filipino / Taglish, count as ``tl``) and tested on that language's corpus texts.
The languages with no labelled set (corpus texts only) are left out together, in one fold: each
is then tested with none of them trained on, which is stricter than one fold each and costs one
fit instead of five.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from waspada.scoring.risk import MEDIUM_AT, RiskResult
from waspada.training.cv import SAME_LANGUAGE, Stages
from waspada.training.datasets import PUBLIC_TEXTS
from waspada.training.prepared import Array, Prepared, listing
from waspada.training.recipe import Fitted
from waspada.training.semantic import fit_semantic
from waspada.training.tables import LURE_TAGS, WARNING_TAGS
from waspada.training.twostage import NAMES, VARIANTS, Scored, fit_fold, score, sigmoid, split_inner


def corpus_group(tag: str) -> str:
    if tag in LURE_TAGS:
        return "lures+scams"
    return "warnings+news" if tag in WARNING_TAGS else "benign"


def flagged_shares(P: Prepared, rows: Array, results: Sequence[RiskResult]) -> dict[str, Any]:
    """n and n rated medium or high, per corpus group (lures+scams, warnings+news, benign)."""
    out: dict[str, dict[str, int]] = {}
    for i, r in zip(rows, results, strict=True):
        cell = out.setdefault(corpus_group(P.examples[int(i)].tag), {"n": 0, "medium_or_high": 0})
        cell["n"] += 1
        cell["medium_or_high"] += r.risk >= MEDIUM_AT
    return out


def held_out_stages(
    P: Prepared, n_tr: int, tests: dict[str, Array], stages: Stages, oof: Array,
    platt: tuple[float, float],
) -> tuple[dict[str, dict[str, float]], list[dict[str, Any]], Scored | None]:
    """Every stage trained on all training texts (the fast model's inner out-of-fold scores:
    the pooled CV's, ``oof``, with its Platt ``platt``), on each held-out test: the share the
    model calls risky (P >= 0.5) and the share rated medium or high / high. Also the held-out
    job ads the two-stage result (auto) rates medium or high."""
    tr = np.arange(n_tr)
    coef, b = stages.fits.get("all", tr)
    fitted = Fitted(coef, b, platt, 0.0, sigmoid(platt[0] * oof + platt[1]))
    y = np.array([P.examples[i].y for i in tr])
    ds = np.array([P.examples[i].dataset for i in tr])
    assert fitted.oof_p is not None
    model = fit_semantic(stages.E[tr], y, ds, fitted.oof_p, stages.encoder, stages.c)
    out: dict[str, dict[str, float]] = {}
    flagged: list[dict[str, Any]] = []
    scored_ads = None
    for label, rows in tests.items():
        if not len(rows):
            continue
        sc = score(P, stages.E, rows, fitted, model)
        cell: dict[str, float] = {}
        for v in VARIANTS:
            res = sc.verdicts(v)
            cell[f"{NAMES[v]} (model only)"] = float(np.mean(sc.p(v) >= 0.5))
            cell[f"verdict {NAMES[v]}: medium or high"] = float(
                np.mean([r.risk >= MEDIUM_AT for r in res]))
            cell[f"verdict {NAMES[v]}: high"] = float(np.mean([r.level == "high" for r in res]))
        cell["escalated (auto)"] = float(np.mean(sc.escalated))
        out[label] = cell
        if label == "id_job_ads_fpr":
            scored_ads = sc
            flagged = [listing(P, int(i), r) for i, r in zip(rows, sc.verdicts("auto"),
                                                             strict=True) if r.risk >= MEDIUM_AT]
    return out, flagged, scored_ads


def corpus_stage_shares(
    P: Prepared, n_tr: int, fast: Sequence[RiskResult], stage: dict[str, list[RiskResult]]
) -> dict[str, dict[str, Any]]:
    """Per language (and "all"): each stage's corpus shares, pooled CV out of fold."""
    rows = np.array([i for i in range(n_tr) if P.examples[i].dataset == PUBLIC_TEXTS])
    out: dict[str, dict[str, Any]] = {}
    if not len(rows):
        return out
    langs = np.array([P.examples[i].language for i in rows])
    per = {"fast": fast, **stage}
    for lang in [*sorted(set(langs.tolist())), "all"]:
        sel = rows if lang == "all" else rows[langs == lang]
        out[lang] = {NAMES[v]: flagged_shares(P, sel, [per[v][i] for i in sel])
                     for v in VARIANTS if v in per}
    return out


def corpus_lolo(
    P: Prepared, n_tr: int, stages: Stages, say: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    """The corpus leave-one-language-out (module docstring): per language and stage, the
    corpus groups' n and n rated medium or high."""
    train = P.examples[:n_tr]
    lang = np.array([SAME_LANGUAGE.get(e.language, e.language) for e in train])
    corpus = np.array([e.dataset == PUBLIC_TEXTS for e in train])
    labelled = set(lang[~corpus].tolist())
    corpus_only = sorted(set(lang[corpus].tolist()) - labelled)
    folds = [[L] for L in sorted(set(lang[corpus].tolist()) & labelled)]
    if corpus_only:
        folds.append(corpus_only)  # left out together: one fit instead of one per language
    out: dict[str, dict[str, Any]] = {}
    for left in folds:
        say(f"corpus: leave out {'+'.join(left)}")
        tr = np.flatnonzero(~np.isin(lang, left))
        inner = split_inner(P, tr, stages.transfer_inner, ("lolo", *left))
        stages.fits.prefetch([(("lolo", *left), tr), *inner.jobs(tr)])
        te_all = np.flatnonzero(corpus & np.isin(lang, left))
        sc = fit_fold(P, stages.E, stages.fits, ("lolo", *left), tr, te_all, inner,
                      stages.encoder, stages.c)
        results = {v: sc.verdicts(v) for v in VARIANTS}
        for L in left:
            m = lang[te_all] == L
            te = te_all[m]
            cell: dict[str, Any] = {
                NAMES[v]: flagged_shares(P, te, [r for r, k in zip(results[v], m, strict=True)
                                                 if k])
                for v in VARIANTS
            }
            cell["trained on"] = len(tr)
            cell["left out"] = "+".join(left)
            cell["escalated (auto)"] = round(float(sc.escalated[m].mean()), 4)
            out[L] = cell
    return out
