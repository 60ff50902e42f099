"""The linking service over in-memory documents: one call links new documents into the
campaigns and networks of earlier runs. The store layer (``link/store.py``) only loads the state
and writes the result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from waspada.errors import ConfigError
from waspada.link import campaigns as camp
from waspada.link.allowlist import Allowlist, load_allowlist
from waspada.link.ids import assign_ids, time_rank
from waspada.link.minhash import BANDS, NUM_PERM, SEED, MinHasher
from waspada.link.networks import MAX_DF, NetworkGraph, link_networks
from waspada.link.summary import group_members, summarise
from waspada.link.types import Group, LinkDoc

CAMPAIGN_PREFIX = "c-"
NETWORK_PREFIX = "n-"


@dataclass(frozen=True, slots=True)
class LinkConfig:
    threshold: float = camp.THRESHOLD  # Jaccard of masked shingles for one campaign
    num_perm: int = NUM_PERM
    bands: int = BANDS
    seed: int = SEED
    # identifiers in more documents than this are hubs and do not link: a count (a whole
    # number >= 1) or, below 1, a share of all documents (0.01 = 1%); see ``hub_cap``
    max_df: float = MAX_DF
    min_size: int = 2  # smaller clusters are not reported (and get no id)
    allowlist: Allowlist | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ConfigError(f"threshold must be in (0, 1], not {self.threshold}")
        m = self.max_df
        if isinstance(m, bool) or not isinstance(m, int | float) or not 0 < m < float("inf"):
            raise ConfigError(f"max_df must be a count >= 1 or a share in (0, 1), not {m!r}")
        if m >= 1 and m != int(m):
            raise ConfigError(f"max_df {m} is neither a whole count (>= 1) nor a share below 1")
        if self.num_perm % self.bands:
            raise ConfigError(f"num_perm {self.num_perm} is not a multiple of bands {self.bands}")


    def hub_cap(self, n_docs: int) -> int:
        """The most documents a linking identifier may be in, over ``n_docs`` documents."""
        if self.max_df >= 1:
            return int(self.max_df)
        # df > share * n  <=>  df > floor(share * n); rounded first so 0.29 * 100 is 29
        return math.floor(round(self.max_df * n_docs, 6))


@dataclass(slots=True)
class LinkState:
    """What one run leaves for the next: documents, signatures, ids (index-aligned)."""

    docs: list[LinkDoc] = field(default_factory=list)
    signatures: np.ndarray = field(default_factory=lambda: np.zeros((0, NUM_PERM), np.uint32))
    campaign: list[str | None] = field(default_factory=list)
    network: list[str | None] = field(default_factory=list)


@dataclass(slots=True)
class LinkResult:
    state: LinkState
    campaigns: list[Group]
    networks: list[Group]
    merges: list[tuple[str, str, str]]  # (kind, absorbed id, kept id) in this run
    new_docs: int
    graph: NetworkGraph | None = None


def link_documents(
    new_docs: Sequence[LinkDoc],
    state: LinkState | None = None,
    config: LinkConfig | None = None,
    *,
    summaries: bool = True,
) -> LinkResult:
    """Link ``new_docs`` into the campaigns and networks of ``state`` (None: a first run).

    Documents whose doc_id is already in the state are skipped. Only the new documents are
    masked and hashed, and only candidate pairs touching a new document are verified.
    """
    cfg = config or LinkConfig()
    st = state or LinkState(signatures=np.zeros((0, cfg.num_perm), np.uint32))
    known = {d.doc_id for d in st.docs}
    fresh: list[LinkDoc] = []
    for d in new_docs:
        if d.doc_id not in known:
            known.add(d.doc_id)
            fresh.append(d)
    hasher = MinHasher(cfg.num_perm, cfg.seed)
    sig_new = camp.signatures(fresh, hasher)
    if st.signatures.shape[1] != cfg.num_perm:
        raise ConfigError("stored signatures were made with another num_perm; relink from scratch")
    docs = [*st.docs, *fresh]
    sig = np.concatenate([st.signatures, sig_new]) if len(st.docs) else sig_new
    n_old = len(st.docs)
    doc_ids = [d.doc_id for d in docs]
    rank = time_rank([d.posted_at for d in docs], doc_ids)

    prev_c = [*st.campaign, *([None] * len(fresh))]
    seed_of = camp.previous_seeds(prev_c[:n_old], doc_ids, CAMPAIGN_PREFIX)
    labels, seeds = camp.cluster(sig, prev_c, n_old, cfg.threshold, cfg.bands, rank, seed_of)
    c_ids, c_merges = assign_ids(
        labels, rank, doc_ids, prev_c, CAMPAIGN_PREFIX, cfg.min_size, name_after=seeds
    )

    prev_n = [*st.network, *([None] * len(fresh))]
    graph = link_networks(
        [d.identifiers for d in docs], cfg.allowlist or load_allowlist(), cfg.hub_cap(len(docs))
    )
    n_ids, n_merges = assign_ids(graph.labels, rank, doc_ids, prev_n, NETWORK_PREFIX, cfg.min_size)

    new_state = LinkState(docs=docs, signatures=sig, campaign=c_ids, network=n_ids)
    merges = [("campaign", a, b) for a, b in c_merges] + [("network", a, b) for a, b in n_merges]
    result = LinkResult(new_state, [], [], merges, len(fresh), graph)
    if summaries:
        result.campaigns = summarise_all("campaign", c_ids, docs)
        result.networks = summarise_all(
            "network", n_ids, docs, linking_identifiers(graph, len(docs))
        )
    return result


def linking_identifiers(graph: NetworkGraph, n_docs: int) -> list[list[tuple[str, str]]]:
    """Per document, the identifiers that actually link it (not allow-listed, not hubs)."""
    out: list[list[tuple[str, str]]] = [[] for _ in range(n_docs)]
    for d, j in zip(graph.doc_idx.tolist(), graph.ident_idx.tolist(), strict=True):
        out[d].append(graph.vocab[j])
    return out


def summarise_all(
    kind: str,
    ids: Sequence[str | None],
    docs: Sequence[LinkDoc],
    identifiers: Sequence[Sequence[tuple[str, str]]] | None = None,
) -> list[Group]:
    """Summaries of every group, largest first."""
    groups = [
        summarise(kind, gid, members, docs, identifiers)
        for gid, members in group_members(ids).items()
    ]
    groups.sort(key=lambda g: (-g.size, g.id))
    return groups
