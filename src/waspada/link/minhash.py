"""MinHash signatures and an LSH banding index, vectorised with numpy over whole batches.

Permutation k maps a shingle hash x (uint64) to ``(a_k * x + b_k) mod 2**64 >> 32`` (multiply-
add-shift, a 2-universal family; the shingle hashes are already splitmix-mixed), and the
signature keeps the minimum per permutation. The fraction of equal signature slots estimates the
Jaccard similarity of two shingle sets. The banding index cuts a signature of ``bands * rows``
slots into bands and hashes each band to one uint64 key; documents that share a key in any band
are candidates, which are then verified against the threshold before they join.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: signature length (permutations); 16 bands x 4 rows puts the LSH S-curve's midpoint near 0.5,
#: so pairs at the default threshold 0.7 are candidates with probability 0.99
NUM_PERM = 64
BANDS = 16
SEED = 1

_EMPTY = np.uint32(0xFFFFFFFF)
_CHUNK = 1 << 14  # shingles per vectorised block (x NUM_PERM uint64 = 8 MiB)


@dataclass(frozen=True, slots=True)
class MinHasher:
    """A family of ``num_perm`` permutations fixed by ``seed`` (so signatures can be stored)."""

    num_perm: int = NUM_PERM
    seed: int = SEED

    def params(self) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        a = rng.integers(1, 2**63, size=self.num_perm, dtype=np.uint64) | np.uint64(1)
        b = rng.integers(0, 2**63, size=self.num_perm, dtype=np.uint64)
        return a, b

    def signatures(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures (n_docs x num_perm, uint32) of the shingle hash segments ``offsets``.

        A document without shingles gets the all-0xFFFFFFFF signature (see ``is_empty``).
        """
        a, b = self.params()
        n = len(offsets) - 1
        sig = np.full((n, self.num_perm), _EMPTY, dtype=np.uint32)
        nonempty = np.flatnonzero(np.diff(offsets) > 0)
        if len(nonempty) == 0:
            return sig
        starts = offsets[nonempty]  # segments of non-empty documents are contiguous in hashes
        ends = offsets[nonempty + 1]
        a2, b2 = a[:, None], b[:, None]
        shift = np.uint64(32)
        # one reused, cache-sized buffer: in-place ops avoid allocating and faulting in a large
        # temporary per block (5x faster than the naive outer product)
        buf = np.empty((self.num_perm, _CHUNK), dtype=np.uint64)
        i, m = 0, len(nonempty)
        while i < m:
            lo = starts[i]
            j = int(np.searchsorted(ends, lo + _CHUNK, side="right"))
            j = min(max(j, i + 1), m)
            hi = ends[j - 1]
            width = int(hi - lo)
            v = buf[:, :width] if width <= _CHUNK else np.empty((self.num_perm, width), np.uint64)
            with np.errstate(over="ignore"):
                np.multiply(a2, hashes[lo:hi][None, :], out=v)
                v += b2
            v >>= shift
            sig[nonempty[i:j]] = np.minimum.reduceat(v, starts[i:j] - lo, axis=1).T
            i = j
        return sig


def is_empty(sig: np.ndarray) -> np.ndarray:
    """True for rows of ``sig`` that come from documents without shingles."""
    return np.asarray((sig == _EMPTY).all(axis=1))


def estimate_jaccard(sig: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of the row pairs (left[i], right[i]) of ``sig``."""
    out = np.empty(len(left), dtype=np.float32)
    step = max(1, (1 << 22) // max(1, sig.shape[1]))
    for s in range(0, len(left), step):
        a = sig[left[s : s + step]]
        b = sig[right[s : s + step]]
        out[s : s + step] = (a == b).mean(axis=1)
    return out


def band_keys(sig: np.ndarray, bands: int = BANDS) -> np.ndarray:
    """One uint64 key per (document, band): shape n_docs x bands."""
    n, k = sig.shape
    if k % bands:
        raise ValueError(f"signature length {k} is not a multiple of {bands} bands")
    rows = k // bands
    s = sig.reshape(n, bands, rows).astype(np.uint64)
    key = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            key = (key ^ s[:, :, r]) * np.uint64(0x100000001B3)
        # the band index goes into the key so equal rows in different bands do not collide
        key = key ^ (np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    return key


def bucket_pairs(key: np.ndarray, is_new: np.ndarray | None = None) -> np.ndarray:
    """Candidate pairs (m x 2 int64) of documents sharing one band's ``key``.

    Inside one bucket every member is paired with the bucket's first member and with its
    predecessor, so a bucket of n documents costs O(n) pairs, not O(n^2); union-find closes the
    rest. With ``is_new`` only pairs that touch a new document are returned (incremental runs):
    old documents are ordered first in each bucket so each new one meets an old member.
    """
    n = len(key)
    idx = np.arange(n, dtype=np.int64)
    tie = np.zeros(n, dtype=np.int8) if is_new is None else is_new.astype(np.int8)
    order = np.lexsort((idx, tie, key))
    ks = key[order]
    same = np.flatnonzero(ks[1:] == ks[:-1]) + 1  # positions equal to their predecessor
    if len(same) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    head_pos = starts[np.searchsorted(starts, same, side="right") - 1]
    cur = order[same]
    pairs = np.concatenate(
        [np.stack([order[same - 1], cur], axis=1), np.stack([order[head_pos], cur], axis=1)]
    )
    if is_new is not None:
        pairs = pairs[is_new[pairs[:, 0]] | is_new[pairs[:, 1]]]
    return pairs


def candidate_pairs(keys: np.ndarray, is_new: np.ndarray | None = None) -> np.ndarray:
    """Unique candidate pairs (m x 2 int64, left < right) over all bands of ``keys``."""
    n = keys.shape[0]
    out = [bucket_pairs(keys[:, band], is_new) for band in range(keys.shape[1])]
    allp = np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)
    allp = np.sort(allp, axis=1)
    allp = allp[allp[:, 0] != allp[:, 1]]
    code = np.unique(allp[:, 0] * np.int64(n) + allp[:, 1])
    return np.stack([code // n, code % n], axis=1)
