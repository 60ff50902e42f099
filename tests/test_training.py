"""Training: data-set loaders, --extra files, sample weights, deterministic retraining."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from waspada.errors import ConfigError
from waspada.training.dataset_specs import DATASETS
from waspada.training.datasets import (
    PUBLIC_TEXTS,
    Example,
    dedupe,
    load_all,
    load_extra,
)
from waspada.training.train import sample_weights, take_slice, train_model

#: the labelled data sets: skipped without them, failed under CI (tests/conftest.py)
needs_data = pytest.mark.usefixtures("shared_data")


def _write(tmp_path: Path, name: str, body: str) -> Path:
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("ham", "benign"),
        ("Legit", "benign"),
        ("benign", "benign"),
        ("not scam", "benign"),
        ("spam", "scam"),
        ("FRAUD", "scam"),
        ("smishing", "scam"),
        ("penipuan", "scam"),
        ("recruitment_lure", "recruitment_lure"),
        ("job-scam", "recruitment_lure"),
    ],
)
def test_extra_csv_label_synonyms(tmp_path: Path, label: str, category: str) -> None:
    p = _write(tmp_path, "x.csv", f'text,label\n"Kerja di Kamboja, gaji 15 juta",{label}\n')
    (ex,) = load_extra(p)
    assert ex.label == category
    assert ex.dataset == "extra"


def test_extra_csv_bad_label_names_the_line(tmp_path: Path) -> None:
    p = _write(tmp_path, "x.csv", "text,label\nhello,ham\nwin a prize,spam\nsomething,maybe\n")
    with pytest.raises(ConfigError, match=r"x\.csv: line 4: field 'label': unknown label 'maybe'"):
        load_extra(p)


def test_extra_csv_multiline_text_counts_physical_lines(tmp_path: Path) -> None:
    p = _write(tmp_path, "x.csv", 'text,label\n"two\nlines",ham\n,spam\n')
    with pytest.raises(ConfigError, match="line 4: field 'text'"):
        load_extra(p)


def test_extra_csv_needs_header(tmp_path: Path) -> None:
    p = _write(tmp_path, "x.csv", "message,class\nhello,ham\n")
    with pytest.raises(ConfigError, match="line 1"):
        load_extra(p)


def test_extra_jsonl(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        "x.jsonl",
        '{"text": "gaji 30 juta kerja di Kamboja", "label": "recruitment_lure"}\n\n'
        '{"text": "rapat jam 3", "label": "legit"}\n',
    )
    assert [e.label for e in load_extra(p)] == ["recruitment_lure", "benign"]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ('{"text": "a", "label": "ham"}\n{"text": "b", "label": \n', "line 2: not valid JSON"),
        ('{"text": "a", "label": "ham"}\n["b", "spam"]\n', "line 2: expected an object"),
        ('{"text": "", "label": "ham"}\n', "line 1: field 'text'"),
        ('{"text": "a", "label": "unknown"}\n', "line 1: field 'label'"),
    ],
)
def test_extra_jsonl_errors_name_the_line(tmp_path: Path, body: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        load_extra(_write(tmp_path, "x.jsonl", body))


def test_cli_train_extra_bad_row(tmp_path: Path) -> None:
    from waspada.cli import _register, app

    _register()
    p = _write(tmp_path, "mine.csv", "text,label\nhello,ham\nbad one,whatever\n")
    res = CliRunner().invoke(app, ["train", "--extra", str(p), "--out", str(tmp_path / "m.npz")])
    assert res.exit_code == 2
    assert "line 3" in res.output and "whatever" in res.output
    assert not (tmp_path / "m.npz").exists()


def test_dedupe_drops_conflicts_keeps_first() -> None:
    def ex(t: str, label: str) -> Example:
        return Example(t, label, "d", "en", "en")

    out = dedupe([ex("a", "scam"), ex("b", "benign"), ex("a", "scam"), ex("b", "scam")])
    assert [(e.text, e.label) for e in out] == [("a", "scam")]


def test_sample_weights_balance_sets_and_classes() -> None:
    # set A: 3 benign, 1 scam; set B: 2 scam only. Raw weights 0.5/count:
    # A benign 1/6 each, A scam 1/2, B scam 1/4 each; total 1.5; mean-1 scaling x 6/1.5 = 4.
    exs = [Example(str(i), "benign", "A", "en", "en") for i in range(3)]
    exs += [Example("s", "scam", "A", "en", "en")]
    exs += [Example(f"b{i}", "scam", "B", "id", "id") for i in range(2)]
    w = sample_weights(exs)
    assert w == pytest.approx([4 / 6, 4 / 6, 4 / 6, 2.0, 1.0, 1.0])
    assert w.mean() == pytest.approx(1.0)


@needs_data
def test_every_dataset_loads_and_maps_its_labels() -> None:
    exs = load_all()
    assert {e.dataset for e in exs} == {s.name for s in DATASETS} | {PUBLIC_TEXTS}
    assert {e.label for e in exs} <= {"benign", "scam", "recruitment_lure"}
    train_texts = {e.text for e in exs if e.role == "train"}
    tests = [e for e in exs if e.role != "train"]
    assert not train_texts & {e.text for e in tests}, "a test text leaked into training"
    recall = [e for e in exs if e.role == "recall_test"]
    assert recall and all(e.dataset == "philippines_scam_sms_reports" for e in recall)
    assert all(e.label == "recruitment_lure" for e in recall)
    assert all(e.label == "benign" for e in exs if e.role == "fpr_test")
    vi = [e.text for e in exs if e.dataset == "vietnamese_sms_smishing_ie403"]
    assert not any("[NAME]" in t or "[BANK]" in t for t in vi)


@needs_data
def test_small_slice_trains_and_retrains_identically(tmp_path: Path) -> None:
    kw = {"limit_per_dataset": 25, "calibrate": True}
    a = train_model(out=tmp_path / "a.npz", **kw)  # type: ignore[arg-type]
    b = train_model(out=tmp_path / "b.npz", **kw)  # type: ignore[arg-type]
    assert a.n_examples == b.n_examples
    assert np.array_equal(a.model.weights, b.model.weights)
    assert (a.model.platt_a, a.model.platt_b) == (b.model.platt_a, b.model.platt_b)
    assert a.model.version == b.model.version
    # the slice model has learnt something: on the NEXT 25 texts per set and class (not trained
    # on), it ranks risky texts above benign ones most of the time.
    from waspada.analyzer import default_analyzer
    from waspada.scoring.model import predict_with

    pool = [e for e in load_all() if e.role == "train"]
    seen = {e.text for e in take_slice(pool, 25)}
    nxt = take_slice([e for e in pool if e.text not in seen], 25)
    scores, ys = [], []
    for e in nxt:
        ctx, entities, hits = default_analyzer().analyse(e.text)
        scores.append(predict_with(a.model, ctx.text, ctx.lower, hits, entities).p_risky)
        ys.append(e.y)
    s, y = np.array(scores), np.array(ys)
    pos, neg = s[y == 1], s[y == 0]
    auc = float(np.mean(pos[:, None] > neg[None, :]))
    assert auc > 0.8


# --- the training recipe (recipe.py): tiny matrices in the run-time layout -------------------

from scipy.sparse import csr_matrix  # noqa: E402

from waspada.scoring.features import NAMED_SLOTS  # noqa: E402
from waspada.training.recipe import (  # noqa: E402
    Recipe,
    _design,
    balanced_weights,
    fit_raw,
    fit_recipe,
)

_NB = 16  # n-gram buckets of the toy layout


def _toy() -> tuple[csr_matrix, np.ndarray, np.ndarray]:
    """Set A: benign rows use bucket 0, risky rows bucket 1 (+ named slot 0); set P: risky only,
    bucket 2. 40 rows, deterministic."""
    rows, cols, vals, y, ds = [], [], [], [], []
    for i in range(40):
        if i < 15:
            c, lab, d = [0, 3], 0, "A"
        elif i < 30:
            c, lab, d = [1, 3, _NB], 1, "A"
        else:
            c, lab, d = [2, 3], 1, "P"
        for j in c:
            rows.append(i)
            cols.append(j)
            vals.append(0.5 if j < _NB else 1.0)
        y.append(lab)
        ds.append(d)
    X = csr_matrix((vals, (rows, cols)), shape=(40, _NB + NAMED_SLOTS))
    return X, np.array(y), np.array(ds)


def test_balanced_weights_match_sample_weights() -> None:
    exs = [Example(str(i), "benign", "A", "en", "en") for i in range(3)]
    exs += [Example("s", "scam", "A", "en", "en")]
    exs += [Example(f"b{i}", "scam", "B", "id", "id") for i in range(2)]
    w = balanced_weights([e.dataset for e in exs], np.array([e.y for e in exs]))
    assert w == pytest.approx([4 / 6, 4 / 6, 4 / 6, 2.0, 1.0, 1.0])  # by hand, as above


def test_design_scales_ngrams_only_and_appends_one_column_per_set() -> None:
    X, _, ds = _toy()
    Xd, names = _design(X, ds, Recipe(ngram_scale=0.25, domain_scale=3.0))
    assert names == ["A", "P"]
    assert Xd.shape == (40, _NB + NAMED_SLOTS + 2)
    assert Xd[20, 1] == pytest.approx(0.125)  # n-gram 0.5 x 0.25
    assert Xd[20, _NB] == pytest.approx(1.0)  # named feature unscaled
    assert Xd[20, _NB + NAMED_SLOTS] == pytest.approx(3.0)  # set A's column
    assert Xd[35, _NB + NAMED_SLOTS + 1] == pytest.approx(3.0)  # set P's column
    assert Xd[35, _NB + NAMED_SLOTS] == 0


@pytest.mark.parametrize(
    "recipe",
    [Recipe(), Recipe(ngram_scale=0.5), Recipe(domain_scale=2.0), Recipe(one_class_weight=0.0)],
)
def test_exported_weights_keep_the_runtime_layout(recipe: Recipe) -> None:
    X, y, ds = _toy()
    coef, b = fit_raw(X, y, ds, recipe)
    assert coef.shape == (_NB + NAMED_SLOTS,)
    s = X @ coef + b
    # the exported model separates set A's classes with the run-time vectors
    assert s[15:30].min() > s[:15].max()


def test_ngram_scale_is_folded_into_the_exported_weights() -> None:
    """Fitting with the n-gram block scaled by g: the exported decision on the UNscaled run-time
    vector equals the fitted model's decision on the scaled one."""
    from sklearn.linear_model import LogisticRegression

    X, y, ds = _toy()
    coef, b = fit_raw(X, y, ds, Recipe(ngram_scale=0.5))
    Xs, _ = _design(X, ds, Recipe(ngram_scale=0.5))
    clf = LogisticRegression(C=16.0, solver="liblinear", random_state=0, max_iter=1000, tol=1e-5)
    clf.fit(Xs, y, sample_weight=balanced_weights(ds, y))
    assert np.allclose(X @ coef + b, clf.decision_function(Xs), atol=1e-5)


def test_one_class_weight_zero_ignores_the_one_class_set() -> None:
    X, y, ds = _toy()
    coef_out, _ = fit_raw(X, y, ds, Recipe(one_class_weight=0.0))
    coef_in, _ = fit_raw(X, y, ds, Recipe())
    assert coef_out[2] == 0.0  # bucket 2 occurs only in set P: never seen without it
    assert coef_in[2] > 0.5  # with it, "looks like set P" is learnt as risky


def test_domain_column_absorbs_a_one_class_sets_base_rate() -> None:
    X, y, ds = _toy()
    plain, _ = fit_raw(X, y, ds, Recipe())
    dom, _ = fit_raw(X, y, ds, Recipe(domain_scale=10.0))
    assert 0 < dom[2] < plain[2]  # set P's own n-gram carries less of "set P is all risky"


def test_platt_threshold_is_the_p50_point() -> None:
    X, y, ds = _toy()
    f = fit_recipe(X, y, ds, Recipe())
    a, b = f.platt
    assert a > 0
    assert 1 / (1 + np.exp(-(a * f.threshold + b))) == pytest.approx(0.5)
    assert fit_recipe(X, y, ds, Recipe(threshold="zero")).threshold == 0.0


def test_features_come_from_the_analyzer_given(tmp_path: Path) -> None:
    """Training on another configuration computes its indicator features from that analyzer's
    taxonomy, as the analyzer will at run time (a feature set with the indicator block: the
    shipped one is content only)."""
    from dataclasses import replace

    from waspada import Analyzer, AnalyzerConfig
    from waspada.training.train import DEFAULT_CONFIG, featurize

    own = tmp_path / "ours.yaml"
    own.write_text("- id: local.kamboja\n  category: scam\n  weight: 0.5\n"
                   "  description: {en: x, id: y}\n  keywords: {id: [kamboja]}\n",
                   encoding="utf-8")
    ours = Analyzer(AnalyzerConfig(indicators=(own,), model=None))
    texts = ["Kerja di Kamboja", "Selamat pagi semua"]
    cfg = replace(DEFAULT_CONFIG, content_only=False)
    mine, packaged = featurize(texts, cfg, ours), featurize(texts, cfg)
    assert (mine[1] != packaged[1]).nnz == 0  # no indicator fires on either: same features
    assert (mine[0] != packaged[0]).nnz > 0
