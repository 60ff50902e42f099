"""The semantic model: a linear classifier on sentence vectors, and how it meets the fast stage.

File (numpy ``.npz``, read with ``allow_pickle=False``, so loading cannot run code):
``weights`` (float32, one per vector dimension), ``intercept``, ``platt`` (a, b) and ``meta``
(UTF-8 JSON: format, version, the encoder's name, the stacking weights, training summary).
Trained by ``waspada train`` (``waspada.training.semantic``).

``probability(vec)`` is the calibrated P(risky) of one text. ``stack(p_fast, p_semantic)`` is
the two-stage result: a logistic regression on the two stages' logits, fitted on out-of-fold
scores when the model is trained (``meta["stack"]``: weight of the fast logit, weight of the
semantic logit, intercept). The report's ablation (fast only, semantic only, combined) is where
this rule was chosen.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from waspada.errors import ModelError

SEMANTIC_FORMAT = "waspada-semantic-1"
DEFAULT_SEMANTIC_PATH = Path(__file__).with_name("model") / "semantic.npz"
#: probabilities are clipped to [EPS, 1 - EPS] before a logit is taken
EPS = 1e-4


def logit(p: float) -> float:
    p = min(max(p, EPS), 1.0 - EPS)
    return math.log(p / (1.0 - p))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0


@dataclass(slots=True)
class SemanticModel:
    weights: npt.NDArray[np.float32]
    intercept: float
    platt_a: float
    platt_b: float
    encoder: str
    version: str
    #: (weight of the fast stage's logit, weight of the semantic logit, intercept)
    stack_weights: tuple[float, float, float]
    meta: dict[str, Any]

    def decision(self, vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """Raw decision scores of rows of sentence vectors."""
        return np.asarray(vectors @ self.weights, dtype=np.float64) + self.intercept

    def probabilities(self, vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """Calibrated P(risky) of rows of sentence vectors."""
        z = self.platt_a * self.decision(vectors) + self.platt_b
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -500, 500))), dtype=np.float64)

    def stack(self, p_fast: float, p_semantic: float) -> float:
        """The two-stage P(risky) from the fast stage's and the semantic stage's."""
        a, b, c = self.stack_weights
        return sigmoid(a * logit(p_fast) + b * logit(p_semantic) + c)


def save_semantic_model(model: SemanticModel, path: Path) -> None:
    meta = dict(model.meta)
    meta.update(
        format=SEMANTIC_FORMAT,
        version=model.version,
        encoder=model.encoder,
        stack=list(model.stack_weights),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        path,
        weights=model.weights.astype(np.float32),
        intercept=np.array([model.intercept], dtype=np.float64),
        platt=np.array([model.platt_a, model.platt_b], dtype=np.float64),
        meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
    )


def load_semantic_model(path: Path) -> SemanticModel:
    """Read a semantic model file; ModelError naming the file when it is not one."""
    try:
        with np.load(path, allow_pickle=False) as data:
            weights = np.asarray(data["weights"], dtype=np.float32)
            intercept = float(data["intercept"][0])
            platt = [float(v) for v in data["platt"]]
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
    except (OSError, KeyError, ValueError, IndexError) as exc:
        raise ModelError(f"{path}: not a semantic model file ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("format") != SEMANTIC_FORMAT:
        raise ModelError(f"{path}: not a {SEMANTIC_FORMAT} file")
    stack = meta.get("stack")
    if (
        weights.ndim != 1
        or len(platt) != 2
        or not isinstance(stack, list)
        or len(stack) != 3
        or not isinstance(meta.get("encoder"), str)
    ):
        raise ModelError(f"{path}: malformed {SEMANTIC_FORMAT} file")
    return SemanticModel(
        weights=weights,
        intercept=intercept,
        platt_a=platt[0],
        platt_b=platt[1],
        encoder=meta["encoder"],
        version=str(meta.get("version", "")),
        stack_weights=(float(stack[0]), float(stack[1]), float(stack[2])),
        meta=meta,
    )
