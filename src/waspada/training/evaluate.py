"""The evaluation behind benchmarks/quality.md: Waspada's model next to the TF-IDF baseline.

One run (``waspada evaluate`` or ``evaluate()``) computes, for both models:

- **within** each SMS data set: 5-fold stratified CV on its de-duplicated texts, each model
  trained on that set's training folds only;
- **pooled**: 5-fold CV over every training text together (the shipped recipe), folds grouped by
  source (a corpus publisher, a job-ad company, never in train and test at once) and stratified
  by data set and class; per set, per language, model only / indicators only / the **verdict**:
  what ``assess()`` would say with the fold's model, all shipped verdict rules applied (no high
  without a red flag, numbers and contacts not evidence, a warning or report never high);
- the **public-text corpus** (out of fold): medium-or-high share per language and label, the
  stance per label, and every warning, news or benign text rated medium or high;
- **leave-one-data-set-out** (LODO): train on all other sets, test on the one left out (both Thai
  sets are left out together; the Philippine set has no benign texts, so recall only);
- the Philippine ``work`` / ``job offer`` reports (never trained on): recall;
- the Indonesian job ads of the held-out companies (never trained on, taken as benign):
  false-positive rate, and every one rated medium or high with its red flags.

With an ``encoder`` (``waspada evaluate`` passes the configured one), every table where it
applies also measures the semantic stage and the two-stage result (``twostage``: semantic only,
two-stage with escalation "auto" and "all", each fitted on the fold's training texts only), the
corpus shares per stage, the corpus leave-one-language-out and the choices made inside the
training data (``stage_tables``, ``choices``).

``evaluate`` is the recipe: ``load_split``, ``prepare`` (``prepared``: every text featurised and
assessed once), ``measure`` (the cross-validation of ``cv``, the counted tables of ``tables``,
``held_out``), ``run_meta``, ``check_targets``, ``write_report``.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from waspada.datafiles import repo_path
from waspada.scoring.features import FeatureConfig
from waspada.scoring.risk import MEDIUM_AT, RiskResult
from waspada.training.baseline import baseline_scores, fit_baseline
from waspada.training.cv import fit_rows, leave_one_out, pooled_cv, within_sets
from waspada.training.datasets import DEFAULT_CORPUS, Example, load_all
from waspada.training.prepared import Prepared, listing, prepare, verdicts
from waspada.training.recipe import DEFAULT_RECIPE, Recipe
from waspada.training.tables import JOB_ADS, check_targets, corpus_tables, split_table
from waspada.training.train import DEFAULT_CONFIG, SEED, take_slice

if TYPE_CHECKING:
    from waspada.analyzer import Analyzer
    from waspada.semantic.encoder import Encoder
    from waspada.training.cv import Stages

#: where ``evaluate`` writes quality.md and quality.json by default
REPORT_DIR = repo_path("benchmarks")
#: the roles of ``Split``, in its order
ROLES = ("train", "recall_test", "fpr_test")


@dataclass(frozen=True, slots=True)
class Split:
    """The texts of one evaluation by role: trained on (and cross-validated), the Philippine
    recall test, the Indonesian job-ad false-positive test (``datasets``' module docstring)."""

    train: list[Example]
    recall_test: list[Example]
    fpr_test: list[Example]

    @property
    def examples(self) -> list[Example]:
        """All of them, in the order ``Prepared`` holds them (row ``i`` < ``len(train)``: train)."""
        return self.train + self.recall_test + self.fpr_test


def evaluate(
    data_dir: Path | None = None,
    cfg: FeatureConfig = DEFAULT_CONFIG,
    out_dir: Path | None = REPORT_DIR,
    limit_per_dataset: int | None = None,
    progress: Callable[[str], None] | None = None,
    recipe: Recipe = DEFAULT_RECIPE,
    corpus: Path | None = None,
    analyzer: Analyzer | None = None,
    encoder: Encoder | None = None,
    embeddings: Path | None = None,
    semantic_c: float | None = None,
    transfer_inner: int = 5,
) -> dict[str, Any]:
    """Run the whole evaluation; write quality.json and quality.md to ``out_dir`` (if given).

    ``encoder``: also measure the semantic stage and the two-stage result with it (None: the
    fast stage alone); ``embeddings``: a vector cache file (``training.semantic.open_cache``)
    read when it exists and written back when texts were embedded; ``semantic_c``: the semantic
    model's C (default ``training.semantic.SEMANTIC_C``); ``transfer_inner``: the inner folds of
    the fast model in a leave-one-out fold (LODO, corpus by language).

    ``corpus``: the public-text corpus (default: the repository's ``data/public_texts.jsonl``).
    ``analyzer``: whose recognisers, indicators and stance cues the texts go through (default:
    the packaged analyzer; its model is not used: every model here is trained by the
    evaluation).
    """
    t0 = time.perf_counter()
    say = progress or (lambda msg: None)
    split = load_split(data_dir, corpus or DEFAULT_CORPUS, limit_per_dataset)
    say(f"featurising {len(split.examples)} texts")
    P = prepare(split.examples, cfg, analyzer)
    stages = None
    if encoder is not None:
        stages = make_stages(P, split, recipe, encoder, embeddings, semantic_c, transfer_inner,
                             say)
    report, platt = measure(P, split, recipe, say, stages)
    report["meta"] = run_meta(cfg, recipe, platt, time.perf_counter() - t0, limit_per_dataset)
    if stages is not None:
        report["meta"]["semantic"] = {"encoder": stages.encoder, "c": stages.c,
                                      "transfer_inner_folds": stages.transfer_inner}
    report["targets"] = check_targets(report)
    if out_dir is not None:
        write_report(report, Path(out_dir))
    return report


def load_split(data_dir: Path | None, corpus: Path, limit_per_dataset: int | None) -> Split:
    """Every data set and the corpus, by role; with ``limit_per_dataset``, a quick run on a
    fixed slice of every set (tests)."""
    everything = load_all(data_dir, corpus=corpus)
    parts = [[e for e in everything if e.role == role] for role in ROLES]
    if limit_per_dataset is not None:
        parts = [take_slice(part, limit_per_dataset) for part in parts]
    return Split(*parts)


def make_stages(
    P: Prepared, split: Split, recipe: Recipe, encoder: Encoder, embeddings: Path | None,
    c: float | None, transfer_inner: int, say: Callable[[str], None],
) -> Stages:
    """Every text's sentence vector (through the cache file ``embeddings``) and the shared fits."""
    from waspada.training.cv import Stages
    from waspada.training.semantic import SEMANTIC_C, embed_texts, open_cache
    from waspada.training.twostage import FastFits

    cache = open_cache(encoder, embeddings)
    say(f"sentence vectors of {len(split.examples)} texts ({len(cache)} cached)")
    E = embed_texts([e.text for e in split.examples], cache, say)
    if embeddings is not None and cache.misses:
        cache.save(embeddings)
    return Stages(E, encoder.name, FastFits(P, recipe), SEMANTIC_C if c is None else c,
                  transfer_inner)  # fmt: skip


def measure(
    P: Prepared, split: Split, recipe: Recipe, say: Callable[[str], None],
    stages: Stages | None = None,
) -> tuple[dict[str, Any], tuple[float, float]]:
    """Every table of the report, and the Platt fit of the pooled out-of-fold scores."""
    n_tr = len(split.train)
    report: dict[str, Any] = {"split": split_table(split.train, split.recall_test, split.fpr_test)}
    report["within"] = within_sets(P, n_tr, recipe, say, stages)
    report["pooled"], oof = pooled_cv(P, n_tr, recipe, say, stages)
    report["corpus"] = corpus_tables(P, n_tr, oof["verdicts"], oof["baseline"])
    report["lodo"] = leave_one_out(P, n_tr, recipe, say, stages)
    say("final fit; held-out tests")
    report["held_out"], report["job_ads_flagged"] = held_out(
        P, n_tr, len(split.recall_test), recipe, oof["platt"], stages
    )
    report["job_ads_flagged_in_training"] = flagged_job_ads(P, oof["verdicts"])
    if stages is not None:
        measure_stages(P, split, report, oof, stages, say)
    return report, oof["platt"]


def measure_stages(
    P: Prepared, split: Split, report: dict[str, Any], oof: dict[str, Any], stages: Stages,
    say: Callable[[str], None],
) -> None:
    """The two-stage tables that are not part of a CV table (``stage_tables``, ``choices``)."""
    from waspada.training.choices import choose
    from waspada.training.stage_tables import corpus_lolo, corpus_stage_shares, held_out_stages

    n_tr, n_rec = len(split.train), len(split.recall_test)
    report["corpus_stages"] = corpus_stage_shares(P, n_tr, oof["verdicts"],
                                                  oof["stage_verdicts"])
    tests = {"ph_job_recall": np.arange(n_tr, n_tr + n_rec),
             "id_job_ads_fpr": np.arange(n_tr + n_rec, len(P.examples))}
    held, report["job_ads_flagged_two_stage"], _ = held_out_stages(
        P, n_tr, tests, stages, oof["oof"], oof["platt"])
    for label, cell in held.items():
        report["held_out"].setdefault(label, {}).update(cell)
    report["corpus_lolo"] = corpus_lolo(P, n_tr, stages, say)
    say("choices inside the training data: semantic C, escalation threshold")
    report["choices"] = choose(P, n_tr, stages, oof)


def flagged_job_ads(P: Prepared, results: Sequence[RiskResult]) -> list[dict[str, Any]]:
    """The trained-on Indonesian job ads rated medium or high (``results``: out of fold)."""
    return [
        listing(P, i, r)
        for i, r in enumerate(results)
        if P.examples[i].dataset == JOB_ADS and r.risk >= MEDIUM_AT
    ]


def run_meta(
    cfg: FeatureConfig,
    recipe: Recipe,
    platt: tuple[float, float],
    seconds: float,
    limit_per_dataset: int | None,
) -> dict[str, Any]:
    """How the run was made: features, recipe, seed, Platt fit, time, Python, slice."""
    return {
        "features": cfg.to_dict(),
        "recipe": recipe.to_dict(),
        "seed": SEED,
        "platt": list(platt),
        "seconds": round(seconds, 1),
        "python": platform.python_version(),
        "limit_per_dataset": limit_per_dataset,
    }


def write_report(report: dict[str, Any], out_dir: Path) -> None:
    """quality.json (sorted keys) and quality.md (``report.render_markdown``) in ``out_dir``."""
    from waspada.training.report import render_markdown

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "quality.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    (out_dir / "quality.md").write_text(render_markdown(report))


def held_out(
    P: Prepared, n_tr: int, n_recall: int, recipe: Recipe, platt: tuple[float, float],
    stages: Stages | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The model trained on every training text, on the two held-out tests."""
    train = P.examples[:n_tr]
    y = np.array([e.y for e in train])
    if stages is None:
        coef, b = fit_rows(P, np.arange(n_tr), recipe)
    else:
        coef, b = stages.fits.get("all", np.arange(n_tr))
    base = fit_baseline([e.text for e in train], y, SEED)
    out: dict[str, Any] = {}
    flagged: list[dict[str, Any]] = []
    a, b0 = platt
    for label, start, stop in (
        ("ph_job_recall", n_tr, n_tr + n_recall),
        ("id_job_ads_fpr", n_tr + n_recall, len(P.examples)),
    ):
        rows = np.arange(start, stop)
        if not len(rows):
            continue
        d, dc = P.X[rows] @ coef + b, P.X_content[rows] @ coef + b
        results = verdicts(P, rows, d, dc, platt)
        risk = np.array([r.risk for r in results])
        p = 1 / (1 + np.exp(-(a * d + b0)))
        pb = baseline_scores(base, [P.examples[i].text for i in rows])
        cats = [P.indicators[i].category for i in rows]
        out[label] = {
            "ours (model only)": float(np.mean(p >= 0.5)),
            "indicators only": float(np.mean(P.ind_risk[rows] >= MEDIUM_AT / 100)),
            "verdict: medium or high (shipped rules)": float(np.mean(risk >= MEDIUM_AT)),
            "verdict: high": float(np.mean([r.level == "high" for r in results])),
            "baseline": float(np.mean(pb >= 0.5)),
            "indicators: recruitment_lure share": cats.count("recruitment_lure") / len(rows),
        }
        if label == "id_job_ads_fpr":
            flagged = [
                listing(P, int(i), r)
                for i, r in zip(rows, results, strict=True)
                if r.risk >= MEDIUM_AT
            ]
    return out, flagged
