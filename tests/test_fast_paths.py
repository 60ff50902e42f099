"""The speed-ups of assess() compute exactly what the plain versions computed.

The references below are the straightforward implementations the fast paths replaced (one array
per n-gram order, concatenated; the explanation re-gathering the weights; the regex time limit
on every call). The fast paths must give identical results, bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.analyzer import default_analyzer
from waspada.recognizers.money_parse import find_amounts
from waspada.scoring import features as F
from waspada.scoring.features import FeatureConfig
from waspada.scoring.model import TOP_FEATURES, predict_with
from waspada.text import patterns
from waspada.types import Context

_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _reference_buckets(cps: npt.NDArray[np.uint32], cfg: FeatureConfig) -> npt.NDArray[np.int64]:
    parts = []
    m = cps.astype(np.uint64) * _MIX
    h = m
    for n in range(1, cfg.ngram_max + 1):
        if n > 1:
            if len(h) <= 1:
                break
            h = h[:-1] * _PRIME + m[n - 1 :]
        if n >= cfg.ngram_min:
            parts.append(h ^ F._SALTS[n])
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return (np.concatenate(parts) * _MIX >> np.uint64(64 - cfg.bits)).astype(np.int64)


CONFIGS = [FeatureConfig(), FeatureConfig(ngram_min=2, ngram_max=4, bits=18), FeatureConfig(3, 3)]
TEXTS = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)  # no lone surrogates


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, which=st.integers(0, len(CONFIGS) - 1))
def test_ngram_buckets_equal_the_per_order_reference(text: str, which: int) -> None:
    cfg = CONFIGS[which]
    cps = F.prepare(text.lower())
    got = F.ngram_buckets(cps, cfg)
    assert got.dtype == np.int64
    assert np.array_equal(got, _reference_buckets(cps, cfg))


@settings(max_examples=200, deadline=None)
@given(text=TEXTS)
def test_vectorize_layout_is_the_reference_layout(text: str) -> None:
    cfg = FeatureConfig()
    lower = text.lower()
    vec = F.vectorize(text, lower, cfg)
    ref = _reference_buckets(F.prepare(lower), cfg)
    m = len(ref)
    assert vec.n_ngrams == m
    assert np.array_equal(vec.idx[:m], ref)
    names = F.shape_names(text, lower)
    assert vec.names == names
    assert vec.idx[m:].tolist() == [F.named_index(s, cfg.n_buckets) for s in names]
    expected = np.full(m, 1.0 / math.sqrt(m) if m else 0.0, dtype=np.float32)
    assert np.array_equal(vec.val[:m], expected)
    assert np.all(vec.val[m:] == np.float32(cfg.named_scale))


@pytest.mark.parametrize(
    ("text", "expect_digits_feature"),
    [
        ("Call 0812-3456-7890 now", True),  # 12 digits in one run
        ("code 1234 567", False),  # only 7 digits
        ("no digits at all, just words", False),
        ("", False),
    ],
)
def test_long_digit_feature(text: str, expect_digits_feature: bool) -> None:
    names = F.shape_names(text, text.lower())
    assert ("shape:longdigits" in names) is expect_digits_feature
    assert F.digits_run(text.lower()) is expect_digits_feature


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("win $500 today", True),
        ("gaji Rp 5 juta", True),
        ("hadiah 10 usd", True),
        ("รับเงิน ๑๐ บาท", True),  # Thai digit: the sign-free non-ASCII path still runs the regex
        ("hello friend, no money here", False),
    ],
)
def test_currency_feature(text: str, currency: bool) -> None:
    assert ("shape:currency" in F.shape_names(text, text.lower())) is currency


SMS = [
    "URGENT! You have won a 1 week FREE membership in our £100,000 Prize Jackpot! Txt CLAIM",
    "Mama minta pulsa 50rb ke nomor ini ya nak, ini nomor baru mama. Penting",
    "Chúc mừng bạn nhận được 5.000.000đ, truy cập http://vn-qua.top để nhận",
    "Lowongan kerja di Kamboja gaji 15 juta per bulan, tanpa pengalaman, wa.me/6281234567890",
    "ok see you at 7 then",
]


@pytest.mark.parametrize("text", SMS)
def test_predict_with_matches_decision_and_explain(text: str) -> None:
    model = default_analyzer().model
    if model is None:
        pytest.skip("no model shipped")
    lower = text.lower()
    out = predict_with(model, text, lower, [], [])
    vec = F.vectorize(text, lower, model.config)
    assert out.p_risky == model.probability(model.decision(vec, lower))
    assert out.top_features == model.explain(vec, lower, TOP_FEATURES)
    assert 0 < len(out.top_features) <= TOP_FEATURES


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="0123456789 .,-/:$Rpjutarb kmusd", max_size=60))
def test_finditer_linear_equals_time_limited_finditer(text: str) -> None:
    from waspada.recognizers.money_data import load_lexicon

    rx = load_lexicon().pattern
    fast = [(m.span(), m.groupdict()) for m in patterns.finditer_linear(rx, text)]
    slow = [(m.span(), m.groupdict()) for m in patterns.finditer(rx, text)]
    assert fast == slow


def test_finditer_linear_keeps_the_time_limit_on_long_texts() -> None:
    text = "gaji Rp 5.000.000 per bulan " * 1000  # 28,000 characters
    assert len(text) >= patterns.LINEAR_TIMEOUT_FROM_CHARS
    amounts = find_amounts(text.lower(), language="id")
    assert len(amounts) == 1000
    assert {a.amount for a in amounts} == {5_000_000}


# -- compiled kernels and split searches (scoring/kernels.py, features.has_url/has_currency) ----

@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_prepare_equals_translate_reference(text: str) -> None:
    # the compiled fold and the string table that names n-grams in explanations must agree
    ref = (" " + text + " ").translate(F._FOLD)  # padded with one space each side
    expected = np.frombuffer(ref.encode("utf-32-le"), dtype=np.uint32)
    assert np.array_equal(F.prepare(text), expected)


# "\u0e35\u0e48²": word characters to re (its \b) but not to regex, or the other way
URLISH = st.text(alphabet="ab-0.:/wthpcomnetvnid xé_\u0e35\u0e48²", max_size=40)


#: texts made of the pieces of a URL, dense enough to hit "h.cc", "-th.co", "²ab.com"
URL_PIECES = st.lists(
    st.sampled_from(["a", "h", "t", "-", ".", "cc", "th", "co", "com", "http", "://", "www.", " ",
                     "_", "é", "\u0e48", "²"]),
    max_size=12,
).map("".join)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(text=st.one_of(TEXTS, URLISH, URL_PIECES))
def test_has_url_equals_the_url_regex(text: str) -> None:
    assert F.has_url(text) is (F._URL.search(text) is not None)


MONEYISH = st.text(alphabet="rp.$ 0159kusdbathđvné_\u0e1a\u0e32\u0e17\n", max_size=40)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(TEXTS, MONEYISH))
def test_has_currency_equals_the_currency_regex(text: str) -> None:
    assert F.has_currency(text) is (F._CURRENCY.search(text) is not None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("gaji rp 5 juta", True), ("xrp 5", False), ("_rp5", False), ("érp5", False),
     ("(rp.5)", True), ("10k", True), ("10 kg", False), ("ok", False)],
)
def test_has_currency_word_boundary_cases(text: str, expected: bool) -> None:
    assert F.has_currency(text) is expected
    assert (F._CURRENCY.search(text) is not None) is expected


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.sampled_from([0.0, 0.5, -0.5, 1.0, -2.0, 0.25, 3.0]), max_size=60),
    m=st.integers(1, 20),
)
def test_top_contributions_is_a_stable_sort_by_magnitude(values: list[float], m: int) -> None:
    from waspada.scoring import kernels

    contrib = np.array(values, dtype=np.float32)
    got = kernels.top_contributions(contrib, m).tolist()
    expected = sorted(range(len(values)), key=lambda j: (-abs(values[j]), j))[:m]
    assert got == expected


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(0, 10_000), max_size=200),
    targets=st.lists(st.integers(0, 10_000), max_size=15),
)
def test_count_equal_counts_each_target(values: list[int], targets: list[int]) -> None:
    from waspada.scoring import kernels

    got = kernels.count_equal(np.array(values, dtype=np.int64), np.array(targets, dtype=np.int64))
    assert got.tolist() == [values.count(t) for t in targets]


_BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
WALLETISH = st.tuples(
    st.text(alphabet="ab .:-_é", max_size=5),
    st.one_of(
        st.builds("bc1".__add__, st.text(alphabet=_BECH, min_size=8, max_size=20)).map(
            lambda s: s.upper() if len(s) % 2 else s
        ),
        st.builds("0x".__add__, st.text(alphabet="0123456789abcdefABCDEF", min_size=40,
                                         max_size=40)),
        st.builds("1".__add__, st.text(alphabet=_B58, min_size=25, max_size=33)),
        st.builds("T".__add__, st.text(alphabet=_B58, min_size=33, max_size=33)),
    ),
    st.text(alphabet="ab .:-_é", max_size=5),
).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(TEXTS, WALLETISH))
def test_wallet_prefilter_never_hides_a_candidate(text: str) -> None:
    from waspada.recognizers.crypto import _CANDIDATES, may_hold_wallet

    if _CANDIDATES.search(text) is not None:
        assert may_hold_wallet(text, text.lower())


def test_wallet_prefilter_strategy_reaches_candidates() -> None:
    from waspada.recognizers.crypto import _CANDIDATES

    assert _CANDIDATES.search("pay bc1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4 now")
    assert _CANDIDATES.search("to 0x" + "ab" * 20 + ".")


# -- normalisation rules run only when their cheap conditions hold (normalize_rules.Rule) -------

OBFUSCATED = st.lists(
    st.sampled_from(
        ["a", "t", " at ", "\tat\t", "gmail", " dot ", " . ", ". ", "com", "com/", "/", "id/",
         "x", "0", "1 2 3 4 5 6", "[at]", "(dot)", "tele gram", "w.a.", "é", "\n", ".", "co",
         "gmail.com", " at gmail", "1\u20e3"]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(text=st.one_of(TEXTS, OBFUSCATED))
def test_rule_conditions_hold_wherever_the_rule_matches(text: str) -> None:
    from waspada.text import normalize_rules

    low = text.lower()
    for rule in normalize_rules.rules().rules:
        if rule.rx.search(low) is None:
            continue
        assert not rule.needs or any(n in low for n in rule.needs), rule.kind
        assert rule.gate is None or rule.gate(low), rule.kind


def test_kernels_compile_without_a_cache_location() -> None:
    """A function numba cannot cache (here: no source file) is still compiled and runs."""
    from numba import njit

    from waspada.scoring.kernels import compiled

    ns: dict[str, object] = {}
    exec(compile("def add1(x):\n    return x + 1\n", "<no file>", "exec"), ns)
    with pytest.raises(RuntimeError, match="cannot cache"):
        njit(cache=True)(ns["add1"])
    assert compiled(ns["add1"])(41) == 42  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_tokens_equal_unicode_tokens_on_ascii_text(text: str) -> None:
    from waspada.text import language

    low = text.lower()
    assert language._ASCII_TOKEN.findall(low) == language._TOKEN.findall(low)


LINKISH = st.lists(
    st.sampled_from(["wa.me/", "WA.ME/", "zalo.me/", "t.me/", "+", "6281234567890", "0912345678",
                     "whatsapp.com/send?phone=", "WhatsApp.com/send/?text=hi&phone=",
                     "viber://chat?number=", "%2B", " ", "x", "/", "me", "."]),
    max_size=6,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(TEXTS, LINKISH))
def test_chat_link_precheck_never_hides_a_link(text: str) -> None:
    from waspada.recognizers.phone import LINK_RX, _may_hold_link

    ctx = Context.of(text)
    if LINK_RX.search(ctx.text) is not None:
        assert _may_hold_link(ctx)
