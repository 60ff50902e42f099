"""Stable ids for clusters: the same campaign or network keeps its id from run to run.

A new cluster is named after its earliest member (``prefix`` + a hash of that document id). A
cluster holding members that already had ids keeps the id of the oldest of them; the others are
recorded as merged into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import xxhash


def new_id(prefix: str, doc_id: str) -> str:
    return f"{prefix}{xxhash.xxh64_hexdigest(doc_id.encode('utf-8'))[:12]}"


def assign_ids(
    labels: np.ndarray,
    rank: np.ndarray,
    doc_ids: Sequence[str],
    previous: Sequence[str | None],
    prefix: str,
    min_size: int = 2,
    name_after: np.ndarray | None = None,
) -> tuple[list[str | None], list[tuple[str, str]]]:
    """Name the clusters ``labels`` (one int per document).

    ``name_after``: per label, the document a new cluster is named after (campaigns: their
    seed); default the cluster's earliest member.

    ``rank``: each document's place in time order (earliest first). ``previous``: each document's
    id from the last run or None. Returns one id per document (None for clusters smaller than
    ``min_size``) and the merges as (absorbed id, kept id).
    """
    n = len(labels)
    out: list[str | None] = [None] * n
    if n == 0:
        return out, []
    sizes = np.bincount(labels)
    order = np.lexsort((rank, labels))
    lab_sorted = labels[order]
    first = order[np.r_[True, lab_sorted[1:] != lab_sorted[:-1]]]
    earliest = np.empty(len(sizes), dtype=np.int64)
    earliest[labels[first]] = first
    # earliest rank of every previous id, and the previous ids seen in each cluster
    prev_first: dict[str, int] = {}
    per_label: dict[int, set[str]] = {}
    for i, p in enumerate(previous):
        if p is None:
            continue
        r = int(rank[i])
        if r < prev_first.get(p, 1 << 62):
            prev_first[p] = r
        per_label.setdefault(int(labels[i]), set()).add(p)
    name: dict[int, str] = {}
    merges: list[tuple[str, str]] = []
    claimed: set[str] = set()
    # clusters holding the earliest member of a previous id claim it first
    for lab, ids in sorted(per_label.items(), key=lambda kv: int(rank[earliest[kv[0]]])):
        if sizes[lab] < min_size:
            continue
        free = sorted((i for i in ids if i not in claimed), key=lambda i: prev_first[i])
        if not free:
            continue
        kept = free[0]
        claimed.add(kept)
        name[lab] = kept
        merges.extend((other, kept) for other in free[1:])
    claimed.update(o for o, _ in merges)
    for i in range(n):
        lab = int(labels[i])
        if sizes[lab] < min_size:
            continue
        got = name.get(lab)
        if got is None:
            by = earliest[lab] if name_after is None else name_after[lab]
            got = new_id(prefix, doc_ids[int(by)])
            name[lab] = got
        out[i] = got
    return out, merges


def time_rank(posted: Sequence[datetime | None], doc_ids: Sequence[str]) -> np.ndarray:
    """Each document's place in time order: by posted_at (missing last), then by doc id."""
    n = len(doc_ids)
    by_id = np.asarray(sorted(range(n), key=doc_ids.__getitem__), dtype=np.int64)
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[by_id] = np.arange(n, dtype=np.int64)
    ts = np.fromiter((_seconds(p) for p in posted), dtype=np.float64, count=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((id_rank, ts))] = np.arange(n, dtype=np.int64)
    return rank


_EPOCH = datetime(1970, 1, 1)


def _seconds(p: datetime | None) -> float:
    if p is None:
        return float("inf")  # undated documents sort last
    if p.tzinfo is None:  # naive times (DuckDB TIMESTAMP) are compared as they are
        return (p - _EPOCH).total_seconds()
    return (p.replace(tzinfo=None) - _EPOCH).total_seconds() - (
        p.utcoffset() or timedelta(0)
    ).total_seconds()
