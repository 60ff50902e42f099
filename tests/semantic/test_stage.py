"""The semantic stage inside the analyzer: which texts it reads, how its score is used, how it is
configured. A plug-in encoder (hashed trigrams) and semantic models with hand-set weights keep
the expected values computable by hand."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from waspada.analyzer import Analyzer
from waspada.config import AnalyzerConfig
from waspada.errors import ConfigError, ModelError
from waspada.scoring.risk import HIGH_AT
from waspada.semantic.classifier import (
    SemanticModel,
    load_semantic_model,
    save_semantic_model,
)

from .plugin_encoder import DIM

PLUGIN = "semantic.plugin_encoder:make"
GREETING = "Selamat pagi, apa kabar? Sampai jumpa nanti sore."
CONTACT = "Halo kak, ini nomor saya 0812-3456-7890, nanti kabari ya."
LURE = (
    "Lowongan kerja di Kamboja! Gaji 15 juta, tanpa pengalaman, tiket pesawat gratis. "
    "Hubungi Telegram @kerja_kamboja"
)


def constant_model(
    p: float, encoder: str = "test-trigram-64", stack=(0.0, 1.0, 0.0)
) -> SemanticModel:
    """P(risky) = p for every text; the stack passes the semantic P through unchanged."""
    return SemanticModel(
        weights=np.zeros(DIM, dtype=np.float32), intercept=math.log(p / (1 - p)), platt_a=1.0,
        platt_b=0.0, encoder=encoder, version="semantic-test", stack_weights=stack, meta={},
    )  # fmt: skip


def analyzer_with(tmp_path: Path, p: float, **kw: object) -> Analyzer:
    path = tmp_path / f"semantic-{p}.npz"
    save_semantic_model(constant_model(p), path)
    return Analyzer(AnalyzerConfig(semantic_model=path, encoder=PLUGIN, **kw))  # type: ignore[arg-type]


def test_the_model_file_round_trips(tmp_path: Path) -> None:
    m = constant_model(0.8, stack=(0.5, 1.5, -0.25))
    path = tmp_path / "m.npz"
    save_semantic_model(m, path)
    back = load_semantic_model(path)
    assert back.stack_weights == (0.5, 1.5, -0.25) and back.encoder == "test-trigram-64"
    assert np.allclose(back.probabilities(np.ones((2, DIM), np.float32)), [0.8, 0.8])
    # stack: sigmoid(0.5 * logit(0.3) + 1.5 * logit(0.8) - 0.25)
    z = 0.5 * math.log(0.3 / 0.7) + 1.5 * math.log(4.0) - 0.25
    assert back.stack(0.3, 0.8) == pytest.approx(1 / (1 + math.exp(-z)))


def test_a_file_that_is_not_a_semantic_model_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    np.savez(bad, weights=np.zeros(3))
    with pytest.raises(ModelError, match=r"bad\.npz"):
        load_semantic_model(bad)
    text = tmp_path / "text.npz"
    text.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ModelError, match=r"text\.npz"):
        load_semantic_model(text)


def test_a_pickled_object_in_the_file_is_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "pickled.npz"
    np.savez(
        path,
        weights=np.array([object()], dtype=object),
        intercept=np.zeros(1),
        platt=np.zeros(2),
        meta=np.zeros(1, np.uint8),
    )
    with pytest.raises(ModelError, match=r"pickled\.npz"):
        load_semantic_model(path)


def test_auto_reads_texts_the_fast_stage_did_not_clear(tmp_path: Path) -> None:
    an = analyzer_with(tmp_path, 0.5)
    greeting, contact, lure = an.assess_many([GREETING, CONTACT, LURE], semantic="auto")
    assert greeting.semantic is None  # no red flag, no contact, no money, fast model sure
    assert contact.semantic == pytest.approx(0.5)  # a phone number: actionable
    assert lure.semantic == pytest.approx(0.5)
    assert all(a.semantic == pytest.approx(0.5) for a in an.assess_many([GREETING], semantic="all"))
    assert all(a.semantic is None for a in an.assess_many([CONTACT, LURE], semantic="off"))


def test_the_configured_mode_is_the_default(tmp_path: Path) -> None:
    an = analyzer_with(tmp_path, 0.5, semantic="all")
    assert an.assess(GREETING).semantic == pytest.approx(0.5)
    assert an.assess(GREETING, semantic="off").semantic is None


def test_the_semantic_stage_alone_never_makes_a_text_high(tmp_path: Path) -> None:
    an = analyzer_with(tmp_path, 0.99)
    a = an.assess(CONTACT, semantic="all", lang="en")
    assert a.indicators == [] or all(h.category == "counter" for h in a.indicators)
    # no red flag: risk = round((HIGH_AT - 1) * p), p = the stacked P = 0.99 here
    assert a.risk == round((HIGH_AT - 1) * 0.99) and a.level == "medium"
    assert "Its meaning is close to the scam messages" in a.explanation


def test_the_semantic_score_moves_the_risk_both_ways(tmp_path: Path) -> None:
    high = analyzer_with(tmp_path, 0.99).assess(LURE, semantic="all", lang="en")
    low = analyzer_with(tmp_path, 0.01).assess(LURE, semantic="all", lang="en")
    off = analyzer_with(tmp_path, 0.01).assess(LURE, semantic="off", lang="en")
    assert high.risk > low.risk
    assert off.semantic is None and low.semantic == pytest.approx(0.01)
    assert "Its meaning" in high.explanation and "Its meaning" not in low.explanation


def test_a_model_made_with_another_encoder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.npz"
    save_semantic_model(constant_model(0.5, encoder="some-other-encoder"), path)
    with pytest.raises(ModelError, match="some-other-encoder"):
        Analyzer(AnalyzerConfig(semantic_model=path, encoder=PLUGIN))


def test_no_semantic_stage_when_switched_off(tmp_path: Path) -> None:
    path = tmp_path / "s.npz"
    save_semantic_model(constant_model(0.5), path)
    assert Analyzer(AnalyzerConfig(semantic_model=path, encoder=None)).semantic is None
    assert Analyzer(AnalyzerConfig(semantic_model=None, encoder=PLUGIN)).semantic is None
    assert (
        Analyzer(AnalyzerConfig(model=None, semantic_model=path, encoder=PLUGIN)).semantic is None
    )


def test_the_configuration_file_names_encoder_model_and_mode(tmp_path: Path) -> None:
    save_semantic_model(constant_model(0.5), tmp_path / "sem.npz")
    conf = tmp_path / "waspada.toml"
    conf.write_text(
        f'semantic_model = "sem.npz"\nencoder = "{PLUGIN}"\nsemantic = "all"\n', encoding="utf-8"
    )
    cfg = AnalyzerConfig.from_file(conf)
    assert cfg.semantic_model == tmp_path / "sem.npz" and cfg.semantic == "all"
    assert Analyzer(cfg).assess(GREETING).semantic == pytest.approx(0.5)
    conf.write_text('semantic = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="sometimes"):
        AnalyzerConfig.from_file(conf)
    conf.write_text('encoder = "none"\n', encoding="utf-8")
    assert AnalyzerConfig.from_file(conf).encoder is None


def test_a_text_too_short_to_judge_by_meaning_is_never_read(tmp_path: Path) -> None:
    an = analyzer_with(tmp_path, 0.99)
    for text in ("call 081-234-5678", "Ok lar...", "WA 0812-3456-7890 gaji 10jt"):
        assert an.assess(text, semantic="all").semantic is None, text
    # the same call with a sentence around it has content enough
    longer = "Please call me back tomorrow about the rent, 081-234-5678"
    assert an.assess(longer, semantic="all").semantic == pytest.approx(0.99)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abcdefghijk", False),  # 11 letters
        ("abcdefghijkl", True),  # 12
        ("招聘客服高薪", True),  # 6 ideographs count 12
        ("招聘客服高", False),
        ("call 081-234-5678 now", False),
        ("1234567890 1234567890 1234567890", False),
    ],
)
def test_readable_counts_letters_outside_identifiers(text: str, expected: bool) -> None:
    from waspada.analyzer import default_analyzer
    from waspada.semantic.stage import readable
    from waspada.types import Context

    ctx = Context.of(text)
    assert readable(ctx.text, default_analyzer().recognize(ctx)) is expected
