"""The plain baseline the issue measures against: TF-IDF of character n-grams + logistic regression.

This is the approach most public scam detectors take. It is trained and evaluated in the same run
as Waspada's model (benchmarks/quality.md) and timed by benchmarks/bench_assess.py.
Needs scikit-learn (the ``train`` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt


def make_baseline(seed: int = 0) -> Any:
    """A fresh, unfitted baseline pipeline (char_wb 2-5 TF-IDF, sublinear tf, plain LR)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1),
        LogisticRegression(C=10.0, max_iter=2000, solver="liblinear", random_state=seed),
    )


def fit_baseline(texts: Sequence[str], y: npt.NDArray[np.int_], seed: int = 0) -> Any:
    model = make_baseline(seed)
    model.fit(list(texts), y)
    return model


def baseline_scores(model: Any, texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """P(risky) for each text (vectorise + classify)."""
    return np.asarray(model.predict_proba(list(texts))[:, 1], dtype=np.float64)
