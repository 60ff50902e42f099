"""Campaigns: near-duplicate clusters of masked text (MinHash + LSH, verified against a seed).

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
from waspada.link.types import LinkDoc
from waspada.procs import pool_initializer

#: default Jaccard threshold for two documents to be one campaign
THRESHOLD = 0.7
#: masked texts shorter than this (characters) join no campaign
MIN_MASKED_CHARS = 20
#: from this many documents, signatures are computed in worker processes
PARALLEL_MIN = 50_000
#: components of up to this many new documents that no single seed covers are split by a greedy
#: cover (m x m similarities); larger ones by first-fit leader clustering (m x seeds)
COVER_MAX = 1000
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
        with ProcessPoolExecutor(
            n_workers, mp_context=ctx, initializer=pool_initializer, initargs=(os.getpid(),)
        ) as pool:
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
    out: np.ndarray = np.asarray(labels, dtype=np.int64)
    return out


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
    rank: np.ndarray | None = None,
    seed_of: dict[str, int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Campaign label per document and the seed (document index) of each label; rows
    [0, n_old) of ``sig`` were linked in earlier runs and keep their campaigns.

    A campaign holds its seed and documents whose estimated Jaccard similarity to the seed is at
    least ``threshold``, so a chain of near-duplicates (A~B, B~C) does not join templates that
    are not near-duplicates of each other. Candidates come from the LSH components (``scope``);
    inside one, documents are taken in time order (``rank``): each joins the first seed (old
    campaigns' seeds first, then new seeds in time order) it is similar enough to, or becomes a
    new seed. ``seed_of``: the seed of each previous campaign id (default: its first
    member); documents linked before without a campaign are seeds of their own.
    """
    n = len(sig)
    rank = np.arange(n, dtype=np.int64) if rank is None else rank
    comp = scope(sig, previous, n_old, threshold, bands)
    label = np.full(n, -1, dtype=np.int64)
    seeds: list[int] = []
    unit_of: dict[str, int] = {}
    for i in range(n_old):
        p = previous[i]
        if p is None:
            label[i] = len(seeds)
            seeds.append(i)
            continue
        u = unit_of.get(p)
        if u is None:
            u = unit_of[p] = len(seeds)
            seeds.append(seed_of.get(p, i) if seed_of else i)
        label[i] = u
    if n > n_old:
        _place_new(sig, comp, rank, label, seeds, n_old, threshold)
    return label, np.asarray(seeds, dtype=np.int64)


def place_component(sig: np.ndarray, rank: np.ndarray, threshold: float = THRESHOLD
                    ) -> tuple[np.ndarray, list[int]]:
    """The campaign label of each document of ONE scope component (``scope``) with no earlier
    campaigns, and the seed of each label: what ``cluster`` gives those documents in a first
    run (``spark link`` places each component with this, on its own)."""
    n = len(sig)
    label = np.full(n, -1, dtype=np.int64)
    seeds: list[int] = []
    if n:
        _place_new(sig, np.zeros(n, dtype=np.int64), rank, label, seeds, 0, threshold)
    return label, seeds


def _place_new(sig: np.ndarray, comp: np.ndarray, rank: np.ndarray, label: np.ndarray,
               seeds: list[int], n_old: int, threshold: float) -> None:  # fmt: skip
    """Label the documents [n_old, n) in place (see ``cluster``); ``seeds`` grows."""
    new = np.arange(n_old, len(comp), dtype=np.int64)
    new = new[np.lexsort((rank[new], comp[new]))]  # by component, then time
    c_new = comp[new]
    starts = np.flatnonzero(np.r_[True, c_new[1:] != c_new[:-1]])
    ends = np.r_[starts[1:], len(new)]
    n_comp = int(comp.max()) + 1
    old_units = np.asarray(seeds, dtype=np.int64)
    units_in = np.bincount(comp[old_units], minlength=n_comp) if len(old_units) else None
    unit_in = np.full(n_comp, -1, dtype=np.int64)
    if len(old_units):
        unit_in[comp[old_units]] = np.arange(len(old_units), dtype=np.int64)
    n_units = units_in[c_new[starts]] if units_in is not None else np.zeros(len(starts), np.int64)
    # fast path (most components): at most one old campaign, and every new document is
    # similar enough to the one seed (the old campaign's, or the earliest new document)
    simple = n_units <= 1
    seed = new[starts]  # the earliest new document ...
    if len(old_units):  # ... or the one old campaign's seed
        one = n_units == 1
        seed[one] = old_units[unit_in[c_new[starts[one]]]]
    seed_of_doc = np.repeat(seed, ends - starts)
    ok = estimate_jaccard(sig, new, seed_of_doc) >= threshold
    ok |= new == seed_of_doc
    fails = np.add.reduceat(~ok, starts) if len(new) else np.zeros(0, np.int64)
    simple &= fails == 0
    for k in np.flatnonzero(simple).tolist():
        members = new[starts[k] : ends[k]]
        if n_units[k] == 1:
            label[members] = unit_in[c_new[starts[k]]]
        else:
            label[members] = len(seeds)
            seeds.append(int(members[0]))
    hard = np.flatnonzero(~simple)
    old_by_comp: dict[int, list[int]] = {}
    if len(hard) and len(old_units):
        in_hard = np.flatnonzero(np.isin(comp[old_units], c_new[starts[hard]]))
        for u in in_hard[np.lexsort((in_hard, rank[old_units[in_hard]]))].tolist():
            old_by_comp.setdefault(int(comp[old_units[u]]), []).append(u)
    for k in hard.tolist():
        members = new[starts[k] : ends[k]]
        units = old_by_comp.get(int(c_new[starts[k]]), [])
        _leader(sig, members, units, label, seeds, threshold)


def _leader(sig: np.ndarray, members: np.ndarray, units: list[int], label: np.ndarray,
            seeds: list[int], threshold: float) -> None:  # fmt: skip
    """Place ``members`` (in time order) of a component the fast path could not take: each joins
    the first seed of ``units`` (old campaigns) it is similar enough to; the rest are covered by
    new seeds (``_cover``), or, in components above COVER_MAX, by first-fit leader clustering
    (the earliest unplaced document becomes the next seed)."""
    left = members
    for u in units:
        if len(left) == 0:
            return
        hit = estimate_jaccard(sig, left, np.full(len(left), seeds[u])) >= threshold
        label[left[hit]] = u
        left = left[~hit]
    if 0 < len(left) <= COVER_MAX:
        _cover(sig, left, label, seeds, threshold)
        return
    while len(left):
        s = int(left[0])
        u = len(seeds)
        seeds.append(s)
        hit = estimate_jaccard(sig, left, np.full(len(left), s)) >= threshold
        hit[0] = True
        label[left[hit]] = u
        left = left[~hit]


def _cover(sig: np.ndarray, left: np.ndarray, label: np.ndarray, seeds: list[int],
           threshold: float) -> None:  # fmt: skip
    """Greedy cover of ``left`` (in time order): the next seed is the unplaced document that is
    a near-duplicate of the most unplaced documents (ties: the earliest); it takes them all.
    Edited copies of one template are then grouped around a central copy, not around whichever
    copy came first (which may be the most edited)."""
    s = sig[left]
    m = len(left)
    near = np.empty((m, m), dtype=bool)
    for i in range(0, m, 64):
        near[i : i + 64] = (s[i : i + 64, None, :] == s[None, :, :]).mean(axis=2) >= threshold
    np.fill_diagonal(near, True)
    alive = np.ones(m, dtype=bool)
    while alive.any():
        counts = np.where(alive, near[:, alive].sum(axis=1), -1)
        pick = int(np.argmax(counts))  # the first maximum: the earliest document
        take = alive & near[pick]
        label[left[take]] = len(seeds)
        seeds.append(int(left[pick]))
        alive &= ~take


def previous_seeds(
    previous: Sequence[str | None], doc_ids: Sequence[str], prefix: str
) -> dict[str, int]:
    """The seed of each previous campaign: the member its id was derived from (a campaign is
    named after its seed, see ``ids.assign_ids``), else its first member."""
    from waspada.link.ids import new_id

    out: dict[str, int] = {}
    for i, p in enumerate(previous):
        if p is None:
            continue
        if new_id(prefix, doc_ids[i]) == p:
            out[p] = i
        else:
            out.setdefault(p, i)
    return out


def scope(
    sig: np.ndarray,
    previous: Sequence[str | None],
    n_old: int,
    threshold: float = THRESHOLD,
    bands: int = BANDS,
) -> np.ndarray:
    """Connected components of the verified candidate pairs plus the previous campaigns: the
    scope inside which ``cluster`` assigns documents to seeds.

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
