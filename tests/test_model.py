"""The learned model at run time: features, the model file, predict()."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.errors import ModelError
from waspada.scoring.features import (
    NAMED_SLOTS,
    FeatureConfig,
    ngram_buckets,
    ngram_text,
    prepare,
    vectorize,
)
from waspada.scoring.model import (
    DEFAULT_MODEL_PATH,
    MODEL_FORMAT,
    category_split,
    load_model,
    predict_with,
    save_model,
)
from waspada.types import IndicatorHit

CFG = FeatureConfig(ngram_min=1, ngram_max=4, bits=12, shape=False, assess=False)


def _n_occurrences(n_chars: int, lo: int, hi: int) -> int:
    padded = n_chars + 2
    return sum(max(0, padded - n + 1) for n in range(lo, hi + 1))


# text, expected number of n-gram occurrences (1..4-grams of the text padded with two spaces)
@pytest.mark.parametrize(
    ("text", "expected"),
    [("abc", 5 + 4 + 3 + 2), ("", 2 + 1), ("x", 3 + 2 + 1), ("สวัสดีครับ", 12 + 11 + 10 + 9)],
)
def test_ngram_occurrence_counts(text: str, expected: int) -> None:
    assert len(ngram_buckets(prepare(text), CFG)) == expected


def test_digits_generalise_and_whitespace_collapses_to_space() -> None:
    a = vectorize("call 0812 345", "call 0812 345", CFG)
    b = vectorize("call 0999 777", "call 0999 777", CFG)
    c = vectorize("call\n0999\t777", "call\n0999\t777", CFG)
    assert np.array_equal(a.idx, b.idx)
    assert np.array_equal(b.idx, c.idx)
    assert not np.array_equal(a.idx, vectorize("ball 0812 345", "ball 0812 345", CFG).idx)


def test_case_is_the_callers_business_lower_is_hashed() -> None:
    assert not np.array_equal(vectorize("WIN", "WIN", CFG).idx, vectorize("win", "win", CFG).idx)


def test_named_features_live_after_the_ngram_buckets() -> None:
    cfg = FeatureConfig(ngram_min=1, ngram_max=3, bits=12, shape=True, assess=True)
    hit = IndicatorHit(id="prize", category="scam", weight=0.5, description="")
    text = "WIN $500 now! http://bit.ly/x"
    vec = vectorize(text, text.lower(), cfg, [hit], [])
    named = vec.idx[vec.n_ngrams :]
    assert all(cfg.n_buckets <= i < cfg.n_buckets + NAMED_SLOTS for i in named)
    assert {"ind:prize", "indcat:scam", "shape:url", "shape:currency", "shape:exclaim"} <= set(
        vec.names
    )
    assert all(i < cfg.n_buckets for i in vec.idx[: vec.n_ngrams])


def test_ngram_values_have_unit_squared_sum() -> None:
    vec = vectorize("hello there", "hello there", CFG)
    assert float(np.sum(vec.val[: vec.n_ngrams] ** 2) * vec.n_ngrams) == pytest.approx(
        vec.n_ngrams, rel=1e-5
    )


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_vectorize_any_text(text: str) -> None:
    low = text.lower()
    low = low if len(low) == len(text) else text
    vec = vectorize(text, low, CFG)
    assert len(vec.idx) == _n_occurrences(len(low), 1, 4)
    assert ((vec.idx >= 0) & (vec.idx < CFG.dim)).all()
    k = len(vec.idx) - 1
    gram = ngram_text(vec, low, k, CFG)
    assert 1 <= len(gram) <= 4


# ---- the model file -------------------------------------------------------------------------


def _tiny_model(path: Path, cfg: FeatureConfig = CFG) -> Path:
    w = np.zeros(cfg.dim, dtype=np.float32)
    for gram, weight in [("win", 3.0), ("lunch", -3.0)]:
        vec = vectorize(gram, gram, cfg)
        # weight the n-gram covering the whole word (its bucket is the last n-gram of length n)
        w[vec.idx] += weight / len(vec.idx)
    meta = {"version": "linear-tiny", "features": cfg.to_dict()}
    return save_model(path, w, 0.0, (1.0, 0.0), meta)


def test_shipped_model_loads_without_pickle_and_is_small() -> None:
    assert DEFAULT_MODEL_PATH.is_file(), "the default model must ship inside the package"
    assert DEFAULT_MODEL_PATH.stat().st_size < 25_000_000
    with np.load(DEFAULT_MODEL_PATH, allow_pickle=False) as z:
        assert {"weights", "intercept", "platt", "meta"} <= set(z.files)
        meta = json.loads(z["meta"].tobytes().decode("utf-8"))
    assert meta["format"] == MODEL_FORMAT
    m = load_model(DEFAULT_MODEL_PATH)
    assert m.weights.shape == (m.config.dim,)
    assert m.version.startswith("linear-")


def test_roundtrip(tmp_path: Path) -> None:
    m = load_model(_tiny_model(tmp_path / "m.npz"))
    assert m.version == "linear-tiny"
    assert m.config == CFG
    out = predict_with(m, "you win", "you win", [], [])
    assert out.p_risky > 0.5
    assert sum(out.probabilities.values()) == pytest.approx(1.0)
    assert out.top_features and all(isinstance(f["feature"], str) for f in out.top_features)


def test_missing_file_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "nope.npz")


def test_corrupt_file_is_a_model_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"PK\x03\x04 this is not a zip archive at all")
    with pytest.raises(ModelError, match="corrupt"):
        load_model(bad)


def test_truncated_file_is_a_model_error(tmp_path: Path) -> None:
    good = _tiny_model(tmp_path / "m.npz")
    cut = tmp_path / "cut.npz"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(ModelError):
        load_model(cut)


def test_pickled_object_array_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "pickled.npz"
    np.savez(p, weights=np.array([object()], dtype=object), intercept=[0.0], platt=[1, 0], meta=[])
    with pytest.raises(ModelError):
        load_model(p)


def test_wrong_format_and_shape_are_model_errors(tmp_path: Path) -> None:
    p = tmp_path / "other.npz"
    with zipfile.ZipFile(p, "w"):
        pass
    with pytest.raises(ModelError):
        load_model(p)
    q = save_model(
        tmp_path / "shape.npz", np.zeros(10), 0.0, (1.0, 0.0), {"features": CFG.to_dict()}
    )
    with pytest.raises(ModelError, match="shape"):
        load_model(q)
    blob = np.frombuffer(json.dumps({"format": "other-9"}).encode(), dtype=np.uint8)
    r = tmp_path / "fmt.npz"
    np.savez(r, weights=np.zeros(3, np.float32), intercept=[0.0], platt=[1.0, 0.0], meta=blob)
    with pytest.raises(ModelError, match="format"):
        load_model(r)


def test_the_configuration_selects_or_disables_the_model(tmp_path: Path) -> None:
    from waspada import Analyzer, AnalyzerConfig

    assert Analyzer(AnalyzerConfig(model=None)).model is None
    assert Analyzer().model is not None
    with pytest.raises(ModelError, match=r"missing\.npz"):
        Analyzer(AnalyzerConfig(model=tmp_path / "missing.npz"))


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ({}, {"recruitment_lure": 0.0, "scam": 0.8, "benign": 0.2}),
        (
            {"recruitment_lure": 0.6, "scam": 0.2},
            {"recruitment_lure": 0.6, "scam": 0.2, "benign": 0.2},
        ),
        ({"recruitment_lure": 0.5}, {"recruitment_lure": 0.8, "scam": 0.0, "benign": 0.2}),
    ],
)
def test_category_split(weights: dict[str, float], expected: dict[str, float]) -> None:
    hits = [IndicatorHit(id=c, category=c, weight=w, description="") for c, w in weights.items()]
    hits.append(IndicatorHit(id="adv", category="counter", weight=0.9, description=""))
    got = category_split(0.8, hits)
    assert got == pytest.approx(expected)


def test_assess_uses_the_shipped_model() -> None:
    from waspada import assess

    out = assess(
        "WINNER!! You have been selected to receive a £900 prize reward! To claim call "
        "09061701461. Claim code KL341. Valid 12 hours only."
    ).to_dict()
    assert out["model_version"].startswith("linear-")
    assert out["probabilities"]["benign"] < 0.5
    assert out["features"] and {"feature", "weight"} <= set(out["features"][0])
    calm = assess("ok see you at lunch tomorrow, I will bring the book").to_dict()
    assert calm["probabilities"]["benign"] > 0.5
    assert calm["level"] == "low"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", False),
        ("!!! ... ???", False),
        (" ".join(f"ORD{1000000 + i}" for i in range(20)), False),  # codes only: no words
        ("0812-3456-7890 / 0813 2222 3333", False),
        ("call 081-234-5678", True),
        ("您的验证码是482913请勿泄露", True),  # words glued to a code in a script without spaces
        ("รหัส OTP 482913", True),
        ("Rp 500", False),  # two letters: too few to judge
        ("gaji 20 juta", True),
    ],
)
def test_the_model_judges_only_texts_with_words(text: str, expected: bool) -> None:
    from waspada.scoring.model import has_content

    assert has_content(text) is expected
