"""One campaign or network in detail, with which of its identifiers link (for the CLI, exports).

The rows come from the store (``waspada.store.links``); this module adds the linking judgement:
an identifier links when its kind joins networks, it is in no more documents than the last run's
hub cap, and the allow-list does not exempt it.
"""

from __future__ import annotations

from typing import Any

from waspada.link.allowlist import load_allowlist
from waspada.link.model import LINKING_KINDS
from waspada.store import links
from waspada.store.db import Store


def group_detail(store: Store, kind: str, group_id: str) -> dict[str, Any] | None:
    """One campaign or network: summary, members, identifiers (with whether they link) and a
    timeline (documents per day)."""
    gid = links.resolve(store, kind, group_id)
    if gid is None:
        return None
    found = links.list_groups(store, kind, min_size=0, only=gid)
    if not found:
        return None
    group = found[0]
    group["requested_id"] = group_id
    max_df = links.last_max_df(store)
    cap = max_df if max_df is not None else 1 << 62
    allow = load_allowlist()
    group["identifiers"] = [
        {
            "kind": k,
            "value": v,
            "documents": n,
            "documents_in_store": df,
            "links": k in LINKING_KINDS and df <= cap and not allow.allows(k, v),
            "doc_ids": docs,
        }
        for k, v, n, df, docs in links.group_identifiers(store, kind, gid)
    ]
    group["timeline"] = links.timeline(store, kind, gid)
    group["merged_from"] = links.merged_from(store, kind, gid)
    return group
