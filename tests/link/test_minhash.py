"""MinHash estimates, LSH candidates and the union-find closure."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.link.campaigns import components
from waspada.link.minhash import (
    MinHasher,
    band_keys,
    candidate_pairs,
    estimate_jaccard,
    is_empty,
)


def _pair_sig(a: np.ndarray, b: np.ndarray, hasher: MinHasher) -> np.ndarray:
    h = np.concatenate([a, b]).astype(np.uint64)
    return hasher.signatures(h, np.array([0, len(a), len(a) + len(b)]))


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(10, 400),
    shared=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**31),
)
def test_estimate_is_close_to_true_jaccard(n: int, shared: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    items = rng.choice(2**62, size=2 * n, replace=False).astype(np.uint64)
    common = round(shared * n)
    a = items[:n]
    b = np.concatenate([items[:common], items[n : 2 * n - common]])
    true = common / (2 * n - common)
    sig = _pair_sig(a, b, MinHasher(num_perm=256, seed=seed % 1000))
    est = float(estimate_jaccard(sig, np.array([0]), np.array([1]))[0])
    # std of the estimate is sqrt(J(1-J)/256) <= 0.031; 0.13 is over four standard deviations
    assert abs(est - true) <= 0.13


def test_identical_and_disjoint_sets() -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 2**62, size=50, dtype=np.uint64)
    b = rng.integers(0, 2**62, size=50, dtype=np.uint64)
    hasher = MinHasher()
    same = _pair_sig(a, a[::-1].copy(), hasher)
    assert estimate_jaccard(same, np.array([0]), np.array([1]))[0] == 1.0
    apart = _pair_sig(a, b, hasher)
    assert estimate_jaccard(apart, np.array([0]), np.array([1]))[0] < 0.1


def test_empty_documents_are_flagged() -> None:
    sig = MinHasher().signatures(np.array([5, 6], dtype=np.uint64), np.array([0, 0, 2, 2]))
    assert is_empty(sig).tolist() == [True, False, True]


def test_band_keys_need_a_divisible_signature() -> None:
    with pytest.raises(ValueError):
        band_keys(np.zeros((2, 10), dtype=np.uint32), bands=3)


def test_lsh_finds_planted_near_duplicates() -> None:
    """200 base sets of 100 shingles, each with a copy sharing 85% of them (J ~ 0.74), plus 400
    unrelated sets: at least 95% of the planted pairs must come out as candidates."""
    rng = np.random.default_rng(11)
    sets = []
    for _ in range(200):
        base = rng.integers(0, 2**62, size=100, dtype=np.uint64)
        near = base.copy()
        near[:15] = rng.integers(0, 2**62, size=15, dtype=np.uint64)
        sets += [base, near]
    sets += [rng.integers(0, 2**62, size=100, dtype=np.uint64) for _ in range(400)]
    offsets = np.r_[0, np.cumsum([len(s) for s in sets])]
    sig = MinHasher().signatures(np.concatenate(sets), offsets)
    pairs = {tuple(p) for p in candidate_pairs(band_keys(sig)).tolist()}
    found = sum((2 * i, 2 * i + 1) in pairs for i in range(200))
    assert found >= 190
    # unrelated sets (index >= 400) are almost never candidates of anything
    stray = [p for p in pairs if p[0] >= 400 or p[1] >= 400]
    assert len(stray) <= 5


def test_incremental_candidates_touch_new_documents_only() -> None:
    keys = np.array([[1], [1], [1], [2], [2]], dtype=np.uint64)
    is_new = np.array([False, False, True, False, True])
    pairs = candidate_pairs(keys, is_new).tolist()
    assert pairs and all(is_new[a] or is_new[b] for a, b in pairs)
    assert {2, 4} <= {x for p in pairs for x in p}
    # a bucket of n documents yields O(n) pairs (head + predecessor), not n(n-1)/2
    many = np.zeros((1000, 1), dtype=np.uint64)
    assert len(candidate_pairs(many)) <= 2 * 1000


@pytest.mark.parametrize(
    ("n", "edges", "groups"),
    [
        (5, [], [[0], [1], [2], [3], [4]]),
        (5, [(0, 1), (1, 2)], [[0, 1, 2], [3], [4]]),
        (6, [(0, 5), (5, 3), (1, 2)], [[0, 3, 5], [1, 2], [4]]),
        (4, [(0, 1), (2, 3), (1, 2)], [[0, 1, 2, 3]]),
        (3, [(1, 1)], [[0], [1], [2]]),
    ],
)
def test_components(n: int, edges: list[tuple[int, int]], groups: list[list[int]]) -> None:
    labels = components(n, np.asarray(edges, dtype=np.int64).reshape(-1, 2))
    got: dict[int, list[int]] = {}
    for i, lab in enumerate(labels.tolist()):
        got.setdefault(lab, []).append(i)
    assert sorted(got.values()) == groups
