"""``Analyzer.assess_many`` (the batched fast stage, ``first_stage_many``) gives what ``assess``
gives, text by text: on every text of every data set, on random batches, with the semantic
stage on, and when one text of the batch fails."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada import default_analyzer
from waspada.analyzer import Draft
from waspada.errors import InvalidTextError, TextTooLongError
from waspada.scoring import kernels
from waspada.scoring.features import _MIX, _PRIME, _SALTS_ARRAY, FeatureConfig, _ngram_hashes
from waspada.types import Assessment

PUBLIC_TEXTS = Path(__file__).resolve().parents[1] / "data" / "public_texts.jsonl"


def _every_text(data: Path) -> list[str]:
    """Every row of every CSV with a ``text`` column under ``data`` (as
    ``benchmarks/assess_snapshot.py`` reads them), and the repository's public texts."""
    csv.field_size_limit(sys.maxsize)
    texts: list[str] = []
    for path in sorted(data.glob("*/*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames and "text" in reader.fieldnames:
                texts += [row["text"] or "" for row in reader]
    lines = PUBLIC_TEXTS.read_text("utf-8").splitlines()
    return texts + [json.loads(line)["text"] for line in lines]


def _same(batch: list[Assessment], alone: list[Assessment]) -> list[int]:
    """Positions where the two differ in any field (the dict form too: floats as given)."""
    assert len(batch) == len(alone)
    return [
        i for i, (b, a) in enumerate(zip(batch, alone, strict=True))
        if b != a or json.dumps(b.to_dict(), sort_keys=True) != json.dumps(a.to_dict(),
                                                                            sort_keys=True)
    ]  # fmt: skip


@pytest.mark.slow
def test_assess_many_equals_assess_on_every_text_of_every_data_set(shared_data: Path) -> None:
    texts = _every_text(shared_data)
    assert len(texts) > 14_000
    an = default_analyzer()
    alone = [an.assess(t, semantic="off") for t in texts]
    batch = an.assess_many(texts, semantic="off")
    assert _same(batch, alone) == []
    # the data exercise what the batch path shares: entities, red flags, the model, cut-short
    assert sum(bool(a.entities) for a in alone) > 3_000
    assert sum(bool(a.indicators) for a in alone) > 2_000
    assert sum(a.stance != "other" for a in alone) > 1_000


def test_assess_many_equals_assess_with_the_semantic_stage(shared_data: Path) -> None:
    from waspada.training.datasets import load_all

    an = default_analyzer()
    assert an.semantic is not None  # the packaged encoder is installed on this platform
    texts = [e.text for e in load_all()][::1300][:11]
    texts.insert(3, "")
    alone = [an.assess(t, semantic="all") for t in texts]
    assert sum(a.semantic is not None for a in alone) >= 8
    assert _same(an.assess_many(texts, semantic="all"), alone) == []


_FRAGMENTS = [
    "Lowongan kerja di Kamboja, gaji Rp 15 jt/bulan, tiket pesawat ditanggung.",
    "Hubungi WA 0812-3456-7890 atau +62 812 3456 7891", "t.me/kerja_cepat", "@admin_hr",
    "https://bit.ly/3abcXYZ", "www.contoh-kerja.com/daftar", "hr@perusahaan.co.id",
    "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    "rek BCA 1234567890 a.n. Budi", "USD 1,500 per month", "20 triệu/tháng",
    "฿30,000 ต่อเดือน งานแอดมิน", "ការងារនៅភ្នំពេញ", "招聘客服 月薪8000", "0 8 1 2 3 4 5 6 7 8",
    "t.e.l.e.g.r.a.m", "Waspada modus penipuan lowongan kerja!", "Your OTP is 123456",
    "ＷＡ ０８１２３４５６７８９", "\u200b\u200d", "\ud800", "Sihanoukville KK Park Myawaddy",
    "Congratulations! You won a prize, click now", "kode A1234567, ",
]
_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(_FRAGMENTS), max_size=8).flatmap(
        lambda parts: st.sampled_from([" ", "\n", "", " - "]).map(lambda sep: sep.join(parts))
    ),
    st.tuples(st.sampled_from(_FRAGMENTS), st.integers(50, 400)).map(lambda p: (p[0] + " ") * p[1]),
    st.just(""),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_text, max_size=10), st.sampled_from([None, "id", "en"]),
       st.sampled_from([None, "TH", "ph"]), st.integers(1, 4))
def test_assess_many_equals_assess_on_random_batches(
    texts: list[str], lang: str | None, country: str | None, batch_size: int
) -> None:
    an = default_analyzer()
    alone = [an.assess(t, lang=lang, country=country, semantic="off") for t in texts]
    batch = an.assess_many(texts, lang=lang, country=country, semantic="off",
                           batch_size=batch_size)
    assert _same(batch, alone) == []


def test_a_text_the_batch_cannot_take_fails_alone_and_assess_many_raises_the_first() -> None:
    an = default_analyzer()
    texts: list[object] = ["Lowongan kerja di Kamboja", 42, "x" * 10_000_001, "Hubungi WA 0812"]
    out = an.first_stage_many(texts)  # type: ignore[arg-type]
    assert isinstance(out[1], InvalidTextError) and isinstance(out[2], TextTooLongError)
    for i in (0, 3):
        draft = out[i]
        assert isinstance(draft, Draft)
        assert an.finish(draft) == an.assess(texts[i], semantic="off")  # type: ignore[arg-type]
    with pytest.raises(InvalidTextError):
        an.assess_many(texts)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=6), st.lists(st.integers(0, 4), min_size=6,
                                                              max_size=6))
def test_the_batched_hashing_kernel_equals_the_one_text_kernel(
    texts: list[str], extras: list[int]
) -> None:
    cfg = FeatureConfig()
    cps = [np.array([ord(c) for c in " " + t + " "], dtype=np.uint32) for t in texts]
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(c) for c in cps], out=starts[1:])
    joined = np.concatenate(cps) if cps else np.empty(0, dtype=np.uint32)
    ex = np.array(extras[: len(texts)], dtype=np.int64)
    out, bounds = kernels.ngram_hashes_many(joined, starts, ex, cfg.ngram_min, cfg.ngram_max,
                                            cfg.bits, _SALTS_ARRAY, _MIX, _PRIME)
    for t, c in enumerate(cps):
        one = _ngram_hashes(c, cfg, int(ex[t]))
        part = out[bounds[t] : bounds[t + 1]]
        n = len(one) - int(ex[t])  # the extra slots are unset in both
        assert len(part) == len(one) and np.array_equal(part[:n], one[:n])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=1200))
def test_the_batch_content_check_of_an_ascii_text_with_few_digits_is_has_content(
    text: str,
) -> None:
    from waspada.scoring import model as model_mod
    from waspada.scoring.model_batch import _ascii_letters

    if sum(map(text.count, "0123456789")) < 5:
        assert _ascii_letters(text) == model_mod.has_content(text)
        # and no run of five digits for the identifier mask to find
        assert model_mod._IDENTIFIER_DIGITS.search(text) is None
