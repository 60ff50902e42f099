"""Train Waspada's linear risk model and export it as a numpy .npz (no pickle).

``train_model()`` is what ``waspada train`` runs: load the data sets (training role only), add an
organisation's ``--extra`` texts, compute the run-time features (the same ``vectorize`` that
``model.predict`` uses, on the same recipe output), fit an L2 logistic regression with
per-data-set class-balanced weights as ``recipe.DEFAULT_RECIPE`` says (see recipe.py for the
levers tried for cross-language transfer), calibrate with Platt scaling fitted on 5-fold
out-of-fold scores, and save. Fixed seeds and deterministic solvers: the same data gives the
same file. Needs scikit-learn (the ``train`` extra); the exported model does not.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from waspada.scoring.features import FeatureConfig, vectorize
from waspada.scoring.model import LinearModel, save_model
from waspada.semantic.classifier import SemanticModel
from waspada.semantic.encoder import Encoder
from waspada.training.datasets import Example, load_all, load_extra
from waspada.training.recipe import DEFAULT_RECIPE, Recipe, fit_recipe

if TYPE_CHECKING:
    from waspada.analyzer import Analyzer

log = logging.getLogger(__name__)

SEED = 0
#: L2 regularisation (inverse strength) of ``fit_linear``; ``train_model`` uses the Recipe's ``c``
C = 16.0
#: the feature set of the shipped model, chosen on the evaluation (benchmarks/quality.md)
DEFAULT_CONFIG = FeatureConfig(
    ngram_min=1, ngram_max=5, bits=20, shape=True, assess=True, named_scale=1.0, content_only=True
)

Array = npt.NDArray[Any]


def featurize(
    examples: Sequence[Example] | Sequence[str],
    cfg: FeatureConfig,
    analyzer: Analyzer | None = None,
) -> Any:
    """CSR matrix of run-time features; with ``cfg.assess`` the texts go through
    ``analyzer.analyse`` (default: the packaged analyzer)."""
    from waspada.analyzer import default_analyzer
    from waspada.text.normalize import normalize

    an = analyzer or default_analyzer()

    idx_parts: list[Array] = []
    val_parts: list[Array] = []
    for ex in examples:
        text = ex if isinstance(ex, str) else ex.text
        if cfg.assess:
            ctx, entities, hits = an.analyse(text)
            norm, low = ctx.text, ctx.lower
        else:
            prepared = normalize(text)
            norm, low, hits, entities = prepared.text, prepared.lower, [], []
        idx, val, _, _ = model_entries(norm, low, cfg, hits, entities)
        idx_parts.append(idx)
        val_parts.append(val)
    return to_csr(idx_parts, val_parts, cfg.dim)


def model_entries(
    text: str, lower: str, cfg: FeatureConfig, hits: Sequence[Any], entities: Sequence[Any]
) -> tuple[Array, Array, Array, Array]:
    """(idx, val) of the features the model is trained on, and (idx, val) of the content only.

    Content = without numbers and contact identifiers (``model.identifier_mask``); a
    ``content_only`` configuration trains on the content only, as it is applied.
    """
    from waspada.scoring.model import identifier_mask

    vec = vectorize(text, lower, cfg, list(hits), list(entities))
    mask = identifier_mask(vec, lower, cfg)
    cidx, cval = (vec.idx, vec.val) if mask is None else (vec.idx[~mask], vec.val[~mask])
    if cfg.content_only:
        return cidx, cval, cidx, cval
    return vec.idx, vec.val, cidx, cval


def to_csr(idx_parts: Sequence[Array], val_parts: Sequence[Array], dim: int) -> Any:
    """One CSR row per (indices, values) pair; repeated indices summed."""
    from scipy.sparse import csr_matrix

    indptr = np.zeros(len(idx_parts) + 1, dtype=np.int64)
    np.cumsum([len(i) for i in idx_parts], out=indptr[1:])
    idx = np.concatenate(idx_parts) if len(idx_parts) else np.zeros(0, np.int64)
    val = np.concatenate(val_parts) if len(val_parts) else np.zeros(0, np.float32)
    m = csr_matrix((val.astype(np.float64), idx, indptr), shape=(len(idx_parts), dim))
    m.sum_duplicates()
    return m


def sample_weights(examples: Sequence[Example]) -> npt.NDArray[np.float64]:
    """Each data set weighs the same in total, split equally between its classes.

    So the 4,500 English hams do not drown the 300 Thai scams, and a set with one class only
    (the Philippine reports) weighs as half a set. Mean weight is 1.
    """
    per_cls = Counter((ex.dataset, ex.y) for ex in examples)
    w = np.array([0.5 / per_cls[(ex.dataset, ex.y)] for ex in examples], dtype=np.float64)
    out: npt.NDArray[np.float64] = w * (len(examples) / w.sum())
    return out


def fit_linear(
    X: Any, y: Array, w: Array, c: float = C, seed: int = SEED
) -> tuple[npt.NDArray[np.float32], float]:
    """L2 logistic regression (liblinear, deterministic); returns (weights, intercept)."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, solver="liblinear", random_state=seed, max_iter=1000, tol=1e-5)
    clf.fit(X, y, sample_weight=w)
    return clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0])


def stratify_keys(examples: Sequence[Example]) -> list[str]:
    return [f"{ex.dataset}:{ex.y}" for ex in examples]


def oof_scores(
    X: Any, y: Array, w: Array, keys: Sequence[str], folds: int = 5, seed: int = SEED
) -> npt.NDArray[np.float64]:
    """Out-of-fold decision scores of the pooled model (stratified by data set and class)."""
    from sklearn.model_selection import StratifiedKFold

    out = np.zeros(len(y), dtype=np.float64)
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for tr, te in skf.split(np.zeros(len(y)), list(keys)):
        coef, b = fit_linear(X[tr], y[tr], w[tr])
        out[te] = X[te] @ coef + b
    return out


@dataclass(slots=True)
class TrainResult:
    path: Path
    model: LinearModel
    n_examples: int
    per_dataset: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    #: the semantic model and where it was written (None: not trained)
    semantic: SemanticModel | None = None
    semantic_path: Path | None = None


@dataclass(frozen=True, slots=True)
class SemanticPlan:
    """How ``train_model`` trains the semantic stage: with ``encoder``, vectors cached in
    ``embeddings`` (read, then written back), the model saved to ``out`` (None: not saved)."""

    encoder: Encoder
    out: Path | None
    embeddings: Path | None = None


def train_model(
    data_dir: Path | None = None,
    extra: Sequence[Path] = (),
    *,
    out: Path | None,
    cfg: FeatureConfig = DEFAULT_CONFIG,
    datasets: Sequence[str] | None = None,
    limit_per_dataset: int | None = None,
    calibrate: bool = True,
    recipe: Recipe = DEFAULT_RECIPE,
    analyzer: Analyzer | None = None,
    semantic: SemanticPlan | None = None,
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    """Build the model from the shared data sets (+ ``extra`` files) and save it to ``out``.

    ``out`` has no default, so that nothing replaces the packaged model unless a caller names
    it (``scoring.model.DEFAULT_MODEL_PATH``); ``out=None`` does not save. ``analyzer``: whose
    recognisers and indicators make the features (default: the packaged analyzer); the model
    must later run on an analyzer of the same configuration.
    ``datasets``/``limit_per_dataset`` train on a slice (tests). ``semantic``: also train the
    semantic stage's model on the same texts (``training.semantic``; needs calibration).
    """
    from waspada.scoring.model import load_model

    t0 = time.perf_counter()
    examples = [ex for ex in load_all(data_dir, datasets) if ex.role == "train"]
    if limit_per_dataset is not None:
        examples = take_slice(examples, limit_per_dataset)
    for f in extra:
        examples.extend(load_extra(Path(f)))
    if len({ex.y for ex in examples}) < 2:
        from waspada.errors import ConfigError

        raise ConfigError("training needs both benign and risky texts")
    X = featurize(examples, cfg, analyzer)
    y = np.array([ex.y for ex in examples], dtype=np.int64)
    fitted = fit_recipe(X, y, np.array([ex.dataset for ex in examples]), recipe, calibrate)
    coef, intercept, platt = fitted.coef, fitted.intercept, fitted.platt
    counts: dict[str, dict[str, int]] = {}
    for ex in examples:
        counts.setdefault(ex.dataset, {}).setdefault(ex.label, 0)
        counts[ex.dataset][ex.label] += 1
    digest = hashlib.sha256(coef.tobytes()).hexdigest()[:12]
    meta = {
        "version": f"linear-{digest}",
        "features": cfg.to_dict(),
        "c": recipe.c,
        "recipe": recipe.to_dict(),
        "seed": SEED,
        "training": {"examples": len(examples), "per_dataset": counts},
    }
    path = Path(out) if out is not None else Path("(not saved)")
    if out is not None:
        save_model(path, coef, intercept, platt, meta)
        model = load_model(path)
    else:
        model = LinearModel(coef, intercept, platt[0], platt[1], cfg, f"linear-{digest}", meta)
    result = TrainResult(path, model, len(examples), counts)
    if semantic is not None:
        if fitted.oof_p is None:
            from waspada.errors import ConfigError

            raise ConfigError("the semantic stage needs a calibrated fast model")
        result.semantic = _train_semantic(semantic, examples, y, fitted.oof_p, meta, progress)
        result.semantic_path = semantic.out
    result.seconds = time.perf_counter() - t0
    return result


def _train_semantic(
    plan: SemanticPlan,
    examples: Sequence[Example],
    y: Array,
    p_fast_oof: Array,
    fast_meta: dict[str, Any],
    progress: Callable[[str], None] | None,
) -> SemanticModel:
    from waspada.semantic.classifier import save_semantic_model
    from waspada.training import semantic as sem

    cache = sem.open_cache(plan.encoder, plan.embeddings)
    E = sem.embed_texts([ex.text for ex in examples], cache, progress)
    if plan.embeddings is not None:
        cache.save(plan.embeddings)
    datasets = np.array([ex.dataset for ex in examples])
    info = {"fast_model": fast_meta["version"], "training": fast_meta["training"]}
    model = sem.fit_semantic(E, y, datasets, p_fast_oof, plan.encoder.name, meta=info)
    if plan.out is not None:
        save_semantic_model(model, plan.out)
    return model


def take_slice(examples: Sequence[Example], n: int) -> list[Example]:
    """The first ``n`` texts of each (data set, class): a fixed, deterministic slice."""
    taken: Counter[tuple[str, int]] = Counter()
    out: list[Example] = []
    for ex in examples:
        key = (ex.dataset, ex.y)
        if taken[key] < n:
            taken[key] += 1
            out.append(ex)
    return out
