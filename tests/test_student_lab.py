"""The pure pieces of the static-student experiment (benchmarks/lab/student.py)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from lab.student import gain_share, gram, half_of, ridge_dual, unit_rows


def test_half_of_is_fixed_and_splits_about_evenly() -> None:
    texts = [f"pesan nomor {i}" for i in range(2000)]
    halves = [half_of(t) for t in texts]
    assert halves == [half_of(t) for t in texts]
    assert set(halves) == {"A", "B"}
    assert 0.45 < halves.count("A") / len(halves) < 0.55
    # SHA-1 of the text: "a" has an even digest (...b8), "abc" an odd one (...9d)
    assert half_of("a") == "A"
    assert half_of("abc") == "B"


def test_gain_share() -> None:
    share = gain_share(0.3, 0.7, 0.62)
    assert share is not None and abs(share - 0.8) < 1e-9
    assert gain_share(0.5, 0.5, 0.6) is None  # the teacher gains nothing
    assert gain_share(0.5, 0.4, 0.6) is None
    worse = gain_share(0.3, 0.5, 0.2)
    assert worse is not None and worse < 0


def test_gram_in_blocks_equals_dense_product() -> None:
    rng = np.random.default_rng(0)
    dense = rng.random((7, 50)) * (rng.random((7, 50)) < 0.2)
    X = csr_matrix(dense)
    np.testing.assert_allclose(gram(X, block=3), dense @ dense.T)
    np.testing.assert_allclose(gram(X, cols=np.array([1, 4]), block=1), dense @ dense[[1, 4]].T)


def test_ridge_dual_matches_primal_ridge() -> None:
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20, 5))
    Y = rng.standard_normal((20, 3))
    lam = 0.5
    alpha = ridge_dual(X @ X.T, Y, lam)
    w = np.linalg.solve(X.T @ X + lam * np.eye(5), X.T @ Y)
    np.testing.assert_allclose(X.T @ alpha, w, atol=1e-9)


def test_unit_rows() -> None:
    V = unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(V[0], [0.6, 0.8])
    assert np.all(V[1] == 0)
