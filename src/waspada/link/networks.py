"""Networks: connected components of the document-identifier graph.

Two documents are in one network when they share an identifier (phone, handle, wallet, bank
account, e-mail, URL or domain), directly or through other documents. Identifiers that would
glue unrelated documents together do not link: those on the allow-list (official hotlines,
agency and platform domains; ``link/data/allowlist.yaml``) and hubs found in more than
``max_df`` documents. Networks are re-derived from the stored document-identifier links on every
run (one vectorised pass), and ids stay stable through ``ids.assign_ids``.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from waspada.link.allowlist import Allowlist, load_allowlist
from waspada.link.campaigns import components
from waspada.link.types import LINKING_KINDS

#: an identifier found in more documents than this is a hub and does not link
MAX_DF = 100


@dataclass(slots=True)
class NetworkGraph:
    labels: np.ndarray  # component per document
    vocab: list[tuple[str, str]]  # identifier index -> (kind, value)
    doc_idx: np.ndarray  # linking edges: document index ...
    ident_idx: np.ndarray  # ... and identifier index
    df: np.ndarray  # documents per identifier (before filtering)
    hubs: set[int]  # identifier indexes dropped as too common


def link_networks(
    identifiers: Sequence[Sequence[tuple[str, str]]],
    allowlist: Allowlist | None = None,
    max_df: int = MAX_DF,
) -> NetworkGraph:
    """Components of documents joined by the identifiers they share."""
    allow = allowlist if allowlist is not None else load_allowlist()
    vocab: dict[tuple[str, str], int] = {}
    dropped: dict[tuple[str, str], bool] = {}
    docs = array("q")
    ids = array("q")
    for d, idents in enumerate(identifiers):
        for kv in idents:
            if kv[0] not in LINKING_KINDS:
                continue
            j = vocab.get(kv)
            if j is None:
                bad = dropped.get(kv)
                if bad is None:
                    bad = dropped[kv] = allow.allows(kv[0], kv[1])
                if bad:
                    continue
                j = vocab[kv] = len(vocab)
            docs.append(d)
            ids.append(j)
    n = len(identifiers)
    doc_idx = np.frombuffer(docs, dtype=np.int64).copy()
    ident_idx = np.frombuffer(ids, dtype=np.int64).copy()
    if len(doc_idx):  # one edge per (document, identifier)
        code = np.unique(doc_idx * np.int64(max(1, len(vocab))) + ident_idx)
        doc_idx, ident_idx = code // max(1, len(vocab)), code % max(1, len(vocab))
    df = np.bincount(ident_idx, minlength=len(vocab))
    hub_mask = df > max_df
    keep = ~hub_mask[ident_idx] if len(ident_idx) else np.zeros(0, dtype=bool)
    edges = np.stack([doc_idx[keep], ident_idx[keep] + n], axis=1)
    labels = components(n + len(vocab), edges)[:n]
    return NetworkGraph(
        labels=labels,
        vocab=list(vocab),
        doc_idx=doc_idx[keep],
        ident_idx=ident_idx[keep],
        df=df,
        hubs=set(np.flatnonzero(hub_mask).tolist()),
    )
