"""The evaluation (training/evaluate.py): it measures what assess() decides, on honest splits."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from waspada import assess
from waspada.analyzer import default_analyzer
from waspada.errors import ConfigError
from waspada.scoring.features import NAMED_SLOTS
from waspada.training.cv import cv_splits, fold_groups
from waspada.training.dataset_specs import job_ad_role
from waspada.training.datasets import (
    DEFAULT_CORPUS,
    PUBLIC_TEXTS,
    Example,
    load_all,
    load_corpus,
)
from waspada.training.evaluate import evaluate
from waspada.training.prepared import prepare, verdicts
from waspada.training.train import DEFAULT_CONFIG

#: the labelled data sets: skipped without them, failed under CI (tests/conftest.py)
needs_data = pytest.mark.usefixtures("shared_data")

#: written test texts (not from any data set): every kind the verdict rules treat differently
TEXTS = [
    "Dicari admin di Kamboja gaji 20 juta, tiket pesawat ditanggung, chat telegram @rekrut_kh",
    "PT Sumber Makmur membuka lowongan staf akuntansi. Syarat: S1 Akuntansi, pengalaman 1 tahun. "
    "Kirim CV ke hrd@sumbermakmur.co.id atau WA 0812-3456-7890. Tidak dipungut biaya.",
    "Waspada lowongan kerja palsu ke Kamboja dengan gaji tinggi dan tiket gratis. Jangan "
    "tergiur, laporkan ke hotline 1500-211.",
    "Your OTP code is 482913. Do not share it with anyone.",
    "call 081-234-5678",
    "Pesanan #88231931 telah dikirim dan akan tiba dalam 2 hari.",
    "Kamusta ka na? Kita tayo bukas sa mall, libre kita ng kape.",
    "Hello, is this Mr. Tan? Sorry, wrong number. You seem nice, can we be friends? My uncle "
    "teaches crypto trading on a platform with 30% daily returns.",
    "Your parcel is held at customs. Pay the clearance fee of $150 to release it.",
    "",  # no content: the model gives no opinion
    "!!!",
]


def test_verdicts_are_what_assess_decides_with_the_shipped_model() -> None:
    model = default_analyzer().model
    assert model is not None
    exs = [Example(t or " ", "benign", "t", "und", "t") for t in TEXTS[:-2]]
    P = prepare(exs, model.config)
    rows = np.arange(len(exs))
    d = np.asarray(P.X @ model.weights.astype(np.float64)) + model.intercept
    dc = np.asarray(P.X_content @ model.weights.astype(np.float64)) + model.intercept
    platt = (model.platt_a, model.platt_b)
    an = default_analyzer()
    assert an.semantic is not None
    drafts = [an.first_stage(ex.text) for ex in exs]
    read = [an.escalates(dr, "auto") for dr in drafts]
    p_sem = an.semantic.probabilities([dr.ctx.text for dr in drafts]).tolist()
    stack = an.semantic.model.stack
    second = [
        (lambda p_fast, ps=ps: stack(p_fast, ps)) if r else None
        for r, ps in zip(read, p_sem, strict=True)
    ]
    fast_only = verdicts(P, rows, d, dc, platt)
    two_stage = verdicts(P, rows, d, dc, platt, second)
    for ex, r_fast, r_two in zip(exs, fast_only, two_stage, strict=True):
        for r, a in ((r_fast, assess(ex.text, semantic="off")), (r_two, assess(ex.text))):
            # float64 here, float32 in assess: the risk may differ by a rounding step, never more
            assert abs(r.risk - a.risk) <= 1, ex.text
            assert r.category == a.category or abs(r.risk - a.risk) == 1, ex.text
    # the texts cover each branch the rules take: high with flags, capped warning, no flag, and
    # texts the semantic stage reads and does not
    levels = [assess(ex.text).level for ex in exs]
    assert "high" in levels and "low" in levels
    assert any(read) and not all(read)


def test_content_matrix_drops_numbers_and_contacts_only() -> None:
    texts = ("call 081-234-5678", "hello there, 20 juta a month", "order 88231931 shipped")
    exs = [Example(t, "benign", "t", "und", "t") for t in texts]
    P = prepare(exs, replace(DEFAULT_CONFIG, content_only=False))
    n_buckets = DEFAULT_CONFIG.dim - NAMED_SLOTS
    # the n-grams of the phone number and the order number go, and so does the phone feature
    assert P.X_content[0].nnz < P.X[0].nnz and P.X_content[2].nnz < P.X[2].nnz
    # a short amount is content: every n-gram stays (only the digit-share shape feature goes)
    assert (P.X_content[1, :n_buckets] != P.X[1, :n_buckets]).nnz == 0
    assert P.X_content[1, :n_buckets].nnz > 20
    # the shipped configuration trains on the content only
    Q = prepare(exs, DEFAULT_CONFIG)
    assert DEFAULT_CONFIG.content_only
    assert (P.X_content != Q.X).nnz == 0 and (Q.X_content != P.X_content).nnz == 0


def test_grouped_folds_never_split_a_source() -> None:
    rng = np.random.default_rng(0)
    exs = []
    for i in range(400):
        src = f"pub{rng.integers(0, 40)}" if i % 2 else ""
        exs.append(Example(f"t{i}", "scam" if i % 3 == 0 else "benign", "d", "en", "g",
                           source=src))
    keys = [f"{e.dataset}:{e.y}" for e in exs]
    groups = fold_groups(exs)
    seen_test: set[int] = set()
    for tr, te in cv_splits(keys, groups):
        tr_src = {exs[i].source for i in tr if exs[i].source}
        assert not tr_src & {exs[i].source for i in te if exs[i].source}
        seen_test.update(te.tolist())
    assert seen_test == set(range(len(exs)))  # every text is tested exactly once overall


def test_job_ads_split_by_company_is_stable_and_case_blind() -> None:
    a = job_ad_role({"Company": "PT Contoh Jaya"})
    assert job_ad_role({"Company": "  pt contoh   JAYA "}) == a
    roles = {job_ad_role({"Company": f"PT Nomor {i}"}) for i in range(50)}
    assert roles == {"train", "fpr_test"}


@needs_data
def test_no_company_has_job_ads_in_training_and_in_the_fpr_test() -> None:
    exs = [e for e in load_all() if e.dataset == "indonesian_job_postings_lokerid"]
    by_company: dict[str, set[str]] = defaultdict(set)
    for e in exs:
        by_company[e.source].add(e.role)
    assert all(len(r) == 1 for r in by_company.values())
    test = sum(e.role == "fpr_test" for e in exs)
    assert 0.35 < test / len(exs) < 0.65  # about half the ads are held out
    assert all(e.label == "benign" for e in exs)


def test_corpus_loads_with_publishers_and_own_labels() -> None:
    exs = load_corpus(DEFAULT_CORPUS)
    tags = {e.tag for e in exs}
    assert tags == {"recruitment_lure", "scam", "warning", "news", "benign"}
    assert all(e.source for e in exs) and all(e.dataset == PUBLIC_TEXTS for e in exs)
    assert {e.label for e in exs if e.tag in ("warning", "news")} == {"benign"}


def test_corpus_errors_name_the_line(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl"
    good = {"id": "x", "text": "hi", "lang": "en", "label": "news", "publisher": "P"}
    p.write_text(json.dumps(good) + "\n" + json.dumps({**good, "label": "lure"}) + "\n")
    with pytest.raises(ConfigError, match=r"line 2.*'lure'"):
        load_corpus(p)


@pytest.mark.slow
@needs_data
def test_small_evaluation_reports_corpus_stance_and_flagged_job_ads(tmp_path: Path) -> None:
    # 2**14 n-gram buckets instead of 2**20: liblinear's cost per fit grows with the width
    small = replace(DEFAULT_CONFIG, bits=14)
    report = evaluate(out_dir=tmp_path, limit_per_dataset=40, cfg=small)
    share = report["corpus"]["share"]["all"]
    assert share["warnings+news"]["n"] == sum(
        report["corpus"]["stance"].get(t, {}).get(s, 0)
        for t in ("warning", "news")
        for s in ("offer", "warning", "report", "other")
    )
    names = [t["target"] for t in report["targets"]]
    assert any(n.startswith("corpus lures+scams") for n in names)
    assert any(n.startswith("Indonesian job ads (held-out companies)") for n in names)
    held = report["held_out"]["id_job_ads_fpr"]
    listed = report["job_ads_flagged"]
    n_test = report["split"]["indonesian_job_postings (FPR test, held-out companies)"]["texts"]
    assert len(listed) == round(held["verdict: medium or high (shipped rules)"] * n_test)
    md = (tmp_path / "quality.md").read_text()
    assert "## Public-text corpus" in md and "Stance confusion" in md
    assert "By corpus half" in md
    trained = report["job_ads_flagged_in_training"]
    assert all(x["risk"] >= 40 for x in trained)
    assert f"trained-on Indonesian job ad rated medium or high out of fold ({len(trained)})" in md
    assert "Every held-out Indonesian job ad rated medium or high" in md


def test_corpus_halves_follow_the_publisher_hash() -> None:
    import hashlib

    from waspada.training.datasets import corpus_half

    for pub in ("Kompas", "Bộ Công an", "กระทรวงการต่างประเทศ", ""):
        even = int(hashlib.sha1(pub.encode("utf-8")).hexdigest(), 16) % 2 == 0
        assert corpus_half(pub) == ("dev" if even else "test")
    halves = {corpus_half(e.source) for e in load_corpus(DEFAULT_CORPUS)}
    assert halves == {"dev", "test"}


# --- the two-stage ablation (training/twostage.py; issue 13) -------------------------------


@cache
def _two_stage_fixture() -> tuple[Any, Any, list[Example]]:
    """A small labelled slice (written texts are too few for the folds), prepared and embedded
    with the plug-in test encoder (a real hashed-trigram encoder)."""
    from semantic.plugin_encoder import TrigramEncoder
    from waspada.training.train import take_slice

    exs = take_slice([e for e in load_all() if e.role == "train"], 8)
    small = replace(DEFAULT_CONFIG, bits=12)
    P = prepare(exs, small)
    E = TrigramEncoder().embed([e.text for e in exs])
    return P, E, exs


@needs_data
def test_two_stage_fold_never_fits_on_its_test_texts() -> None:
    from waspada.training.recipe import DEFAULT_RECIPE
    from waspada.training.twostage import FastFits, fit_fold, pair_inner, split_inner

    P, E, exs = _two_stage_fixture()
    keys = [f"{e.dataset}:{e.y}" for e in exs]
    splits = cv_splits(keys, fold_groups(exs))
    folds = [te for _, te in splits]
    for k, (tr, te) in enumerate(splits[:2]):
        for inner in (pair_inner(folds, k, "p"), split_inner(P, tr, 2, "s")):
            fits = FastFits(P, DEFAULT_RECIPE, workers=1)
            sc = fit_fold(P, E, fits, ("t", k), tr, te, inner, "test-trigram-64")
            assert len(fits.log) == 1 + len(inner.parts)  # the outer fit, one per inner fold
            for rows in fits.log:
                assert not set(rows.tolist()) & set(te.tolist())
                assert set(rows.tolist()) <= set(tr.tolist())
            # the inner folds cover the training rows exactly once: every OOF P is honest
            covered = np.concatenate(inner.parts)
            assert sorted(covered.tolist()) == sorted(tr.tolist())
            assert sc.rows.tolist() == te.tolist()
            # the semantic model is the one fitted on the training rows' vectors only
            assert sc.model.meta["c"] == 1.0
            for v in ("fast", "semantic", "auto", "all"):
                p = sc.p(v)
                assert p.shape == te.shape and np.all((p >= 0) & (p <= 1))


@needs_data
def test_two_stage_verdicts_keep_the_rules() -> None:
    from waspada.scoring.combine import has_red_flag
    from waspada.training.recipe import DEFAULT_RECIPE
    from waspada.training.twostage import FastFits, fit_fold, split_inner

    P, E, exs = _two_stage_fixture()
    rows = np.arange(len(exs))
    tr, te = rows[rows % 3 != 0], rows[rows % 3 == 0]
    fits = FastFits(P, DEFAULT_RECIPE, workers=1)
    sc = fit_fold(P, E, fits, "t", tr, te, split_inner(P, tr, 2, "s"), "test-trigram-64")
    for v in ("semantic", "auto", "all"):
        for i, r in zip(te, sc.verdicts(v), strict=True):
            if not has_red_flag(P.indicators[i]):
                assert r.level != "high", (v, exs[i].dataset)
            if P.stance[i] in ("warning", "report"):
                assert r.level != "high"
    # not escalated under "auto": the fast stage's verdict, unchanged
    fast, auto = sc.verdicts("fast"), sc.verdicts("auto")
    for j, esc in enumerate(sc.escalated.tolist()):
        if not esc:
            assert auto[j].risk == fast[j].risk


def test_escalation_matches_the_run_time_rule() -> None:
    from waspada.semantic.stage import escalate, readable
    from waspada.training.twostage import escalated_auto

    exs = [Example(t or " ", "benign", "t", "und", "t") for t in TEXTS]
    P = prepare(exs, DEFAULT_CONFIG)
    an = default_analyzer()
    rows = np.arange(len(exs))
    for p in (0.0, 0.1, 0.2, 0.9):
        got = escalated_auto(P, rows, np.full(len(exs), p))
        for i, ex in enumerate(exs):
            ctx, entities, hits = an.analyse(ex.text)
            want = (escalate("auto", p, hits, entities) and bool(P.has_content[i])
                    and readable(ctx.text, entities))
            assert got[i] == want, (ex.text, p)


def test_two_stage_targets_and_markdown() -> None:
    from waspada.training.report_stages import summary_section
    from waspada.training.tables import check_targets

    m = {"n": 10, "positives": 4, "precision": 0.8, "recall": 0.75, "f1": 0.77,
         "confusion": {"tn": 5, "fp": 1, "fn": 1, "tp": 3}}
    ph = {**m, "positives": 10, "recall": 0.85}
    stage = {"ours": m, "baseline": {**m, "f1": 0.7}, "semantic only": m,
             "two-stage auto": m, "two-stage all": m}
    report = {
        "within": {"uci_sms_spam_collection": dict(stage)},
        "lodo": {"en": dict(stage), "ph": {k: ph for k in stage}},
        "held_out": {"id_job_ads_fpr": {"verdict: medium or high (shipped rules)": 0.0,
                                        "verdict two-stage auto: medium or high": 0.04}},
        "corpus_lolo": {},
    }
    got = {t["target"]: t["met"] for t in check_targets(report)}
    assert got["LODO en two-stage auto F1 >= 0.7"] is True
    assert got["LODO ph two-stage auto recall >= 0.8"] is True
    assert got["within uci_sms_spam_collection two-stage auto F1 >= baseline (0.700)"] is True
    assert got["Indonesian job ads (held-out companies) two-stage auto medium or high <= 0.03"] \
        is False
    md = "\n".join(summary_section(report))
    assert "| LODO en f1 | 0.700 | 0.770 | 0.770 | 0.770 | 0.770 |" in md
