"""Campaigns: near-duplicate clusters of masked text (MinHash + LSH, verified, union-find).

Incremental: the signatures of documents linked before are kept (see ``engine.LinkState``), so a
run hashes only the new documents, asks the banding index only for pairs that touch a new
document, and keeps old campaigns together through their recorded membership.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from waspada.link.mask import SHINGLE_CHARS, mask_text, shingle_hashes
from waspada.link.minhash import (
    BANDS,
    MinHasher,
    band_keys,
    bucket_pairs,
    candidate_pairs,
    estimate_jaccard,
    is_empty,
)
from waspada.link.model import LinkDoc

#: default Jaccard threshold for two documents to be one campaign
THRESHOLD = 0.7
#: masked texts shorter than this (characters) join no campaign
MIN_MASKED_CHARS = 20
#: from this many documents, signatures are computed in worker processes
PARALLEL_MIN = 50_000
_BATCH = 10_000


def signatures(
    docs: Sequence[LinkDoc],
    hasher: MinHasher | None = None,
    k: int = SHINGLE_CHARS,
    workers: int | None = None,
) -> np.ndarray:
    """MinHash signatures (len(docs) x num_perm, uint32) of the documents' masked texts.

    Masking (normalise + regexes) and hashing dominate linking, so large inputs are cut into
    batches hashed by ``workers`` processes (default: the CPU count, from PARALLEL_MIN documents).
    """
    hasher = hasher or MinHasher()
    jobs = [
        ([(d.text, d.identifiers) for d in docs[s : s + _BATCH]], hasher, k)
        for s in range(0, len(docs), _BATCH)
    ]
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers > 1 and len(docs) >= PARALLEL_MIN:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(n_workers, mp_context=ctx) as pool:
            parts = list(pool.map(_signature_batch, jobs))
    else:
        parts = [_signature_batch(j) for j in jobs]
    if not parts:
        return np.empty((0, hasher.num_perm), dtype=np.uint32)
    return np.concatenate(parts)


def _signature_batch(
    job: tuple[list[tuple[str, list[tuple[str, str]]]], MinHasher, int],
) -> np.ndarray:
    items, hasher, k = job
    masked = [mask_text(text, idents) for text, idents in items]
    # too little template text left (a bare link and a phone number) is nobody's campaign
    masked = [m if len(m) >= MIN_MASKED_CHARS else "" for m in masked]
    h, o = shingle_hashes(masked, k)
    return hasher.signatures(h, o)


def _band_keys_without_empty(sig: np.ndarray, bands: int) -> np.ndarray:
    keys = band_keys(sig, bands)
    empty = is_empty(sig)
    if empty.any():  # documents without text are nobody's near-duplicate
        keys[empty] = np.arange(int(empty.sum()), dtype=np.uint64)[:, None] ^ np.uint64(
            0xDEADBEEFCAFEF00D
        )
    return keys


def verified_pairs(
    sig: np.ndarray,
    is_new: np.ndarray | None = None,
    threshold: float = THRESHOLD,
    bands: int = BANDS,
) -> np.ndarray:
    """All candidate pairs whose estimated Jaccard similarity is at least ``threshold``."""
    pairs = candidate_pairs(_band_keys_without_empty(sig, bands), is_new)
    if len(pairs) == 0:
        return pairs
    return pairs[estimate_jaccard(sig, pairs[:, 0], pairs[:, 1]) >= threshold]


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Connected components (union-find closure) of ``n`` nodes joined by ``edges`` (m x 2)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    m = len(edges)
    g = coo_matrix(
        (np.ones(m, dtype=np.int8), (edges[:, 0], edges[:, 1]) if m else ([], [])), shape=(n, n)
    )
    _, labels = connected_components(g, directed=False)
    return labels.astype(np.int64)


def membership_edges(previous: Sequence[str | None]) -> np.ndarray:
    """Edges that keep each previous cluster together: every member to the cluster's first."""
    first: dict[str, int] = {}
    edges: list[tuple[int, int]] = []
    for i, p in enumerate(previous):
        if p is None:
            continue
        f = first.setdefault(p, i)
        if f != i:
            edges.append((f, i))
    return np.asarray(edges, dtype=np.int64).reshape(-1, 2)


def cluster(
    sig: np.ndarray,
    previous: Sequence[str | None],
    n_old: int,
    threshold: float = THRESHOLD,
    bands: int = BANDS,
) -> np.ndarray:
    """Component label per document; rows [0, n_old) of ``sig`` were linked in earlier runs.

    Band by band: candidate pairs already in one component are skipped, the rest verified, and
    the components recomputed from a star per component plus the new edges, so memory stays
    O(documents) however many candidate pairs the bands produce.
    """
    n = len(sig)
    is_new = None
    if n_old:
        is_new = np.zeros(n, dtype=bool)
        is_new[n_old:] = True
    labels = components(n, membership_edges(previous))
    keys = _band_keys_without_empty(sig, bands)
    for band in range(bands):
        pairs = bucket_pairs(keys[:, band], is_new)
        pairs = pairs[labels[pairs[:, 0]] != labels[pairs[:, 1]]]
        if len(pairs) == 0:
            continue
        pairs = pairs[estimate_jaccard(sig, pairs[:, 0], pairs[:, 1]) >= threshold]
        if len(pairs):
            labels = components(n, np.concatenate([_stars(labels), pairs]))
    return labels


def _stars(labels: np.ndarray) -> np.ndarray:
    """Edges joining every document to the first document of its component."""
    first = np.full(int(labels.max()) + 1 if len(labels) else 0, -1, dtype=np.int64)
    idx = np.arange(len(labels), dtype=np.int64)
    first[labels[::-1]] = idx[::-1]  # the last write wins: the lowest index per label
    return np.stack([idx, first[labels]], axis=1)
