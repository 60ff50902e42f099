"""Linking over the intel store: load the state, link the new documents, write the result.

The documents, their assessments and their entities come from the scan (``waspada.store``);
this module reads them through ``Store`` and writes the link tables of schema migration 3 in one
transaction. A document is "new" when it has no stored signature yet.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa

from waspada.link.engine import LinkConfig, LinkResult, LinkState, link_documents
from waspada.link.model import Group, LinkDoc
from waspada.store.db import Store

_DOCS_SQL = """
SELECT d.doc_key, d.id, d.external_id, d.source, d.posted_at, coalesce(d.language, 'und'),
       coalesce(a.risk, 0), s.signature, s.num_perm, cm.campaign_id, nm.network_id
FROM documents d
LEFT JOIN assessments a USING (doc_key)
LEFT JOIN link_signatures s USING (doc_key)
LEFT JOIN campaign_members cm USING (doc_key)
LEFT JOIN network_members nm USING (doc_key)
ORDER BY d.doc_key
"""

_ENTS_SQL = """
SELECT de.doc_key, x.kind, x.value, json_extract_string(de.attrs, '$.country')
FROM doc_entities de JOIN entities x USING (entity_id)
"""


def load(store: Store, num_perm: int) -> tuple[LinkState, list[LinkDoc], list[int], list[int]]:
    """The stored state, the new documents (with text), and the doc_keys of both."""
    rows = store.query(_DOCS_SQL)
    idents: dict[int, list[tuple[str, str]]] = {}
    countries: dict[int, set[str]] = {}
    for key, kind, value, country in store.query(_ENTS_SQL):
        idents.setdefault(key, []).append((kind, value))
        if kind == "place" and country:
            countries.setdefault(key, set()).add(country)
    state = LinkState(signatures=np.zeros((0, num_perm), np.uint32))
    sigs: list[bytes] = []
    old_keys: list[int] = []
    new_docs: list[LinkDoc] = []
    new_keys: list[int] = []
    for key, doc_id, ext, source, posted, lang, risk, sig, sig_perm, camp, net in rows:
        doc = LinkDoc(
            doc_id=doc_id,
            external_id=ext,
            posted_at=posted,
            language=lang,
            source=source or "",
            risk=int(risk),
            identifiers=sorted(set(idents.get(key, []))),
            countries=tuple(sorted(countries.get(key, ()))),
        )
        if sig is not None and sig_perm == num_perm:
            state.docs.append(doc)
            state.campaign.append(camp)
            state.network.append(net)
            sigs.append(bytes(sig))
            old_keys.append(key)
        else:
            new_docs.append(doc)
            new_keys.append(key)
    if sigs:
        state.signatures = np.frombuffer(b"".join(sigs), dtype="<u4").reshape(len(sigs), num_perm)
    if new_keys:  # only new documents need their text (to be masked and hashed)
        texts = dict(
            store.query(
                "SELECT doc_key, text FROM documents WHERE doc_key IN (SELECT unnest(?::BIGINT[]))",
                [new_keys],
            )
        )
        for d, k in zip(new_docs, new_keys, strict=True):
            d.text = texts.get(k, "")
    return state, new_docs, old_keys, new_keys


def link_store(store: Store, config: LinkConfig | None = None) -> LinkResult:
    """Link the store's new documents into its campaigns and networks; write the result."""
    cfg = config or LinkConfig()
    state, new_docs, old_keys, new_keys = load(store, cfg.num_perm)
    result = link_documents(new_docs, state, cfg)
    keys = old_keys + new_keys
    st = result.state
    now = datetime.now()
    n_old = len(old_keys)
    new_sig = st.signatures[n_old:]
    replace = {
        "campaigns": _groups_table(result.campaigns, now),
        "campaign_members": _members_table(keys, st.campaign, "campaign_id"),
        "networks": _groups_table(result.networks, now),
        "network_members": _members_table(keys, st.network, "network_id"),
    }
    append = {
        "link_signatures": pa.table(
            {
                "doc_key": pa.array(new_keys, pa.int64()),
                "num_perm": pa.array([cfg.num_perm] * len(new_keys), pa.int16()),
                "seed": pa.array([cfg.seed] * len(new_keys), pa.int32()),
                "signature": pa.array([r.astype("<u4").tobytes() for r in new_sig], pa.binary()),
            }
        ),
        "link_merges": pa.table(
            {
                "kind": [m[0] for m in result.merges],
                "absorbed_id": [m[1] for m in result.merges],
                "kept_id": [m[2] for m in result.merges],
                "merged_at": pa.array([now] * len(result.merges), pa.timestamp("us")),
            }
        ),
        "link_runs": pa.table(
            {
                "run_at": pa.array([now], pa.timestamp("us")),
                "new_documents": pa.array([result.new_docs], pa.int64()),
                "total_documents": pa.array([len(keys)], pa.int64()),
                "threshold": pa.array([cfg.threshold], pa.float32()),
                "max_df": pa.array([min(cfg.hub_cap(len(keys)), 2**31 - 1)], pa.int32()),
                "campaigns": pa.array([len(result.campaigns)], pa.int64()),
                "networks": pa.array([len(result.networks)], pa.int64()),
            }
        ),
    }
    store.write_link(replace, append)
    return result


def _members_table(keys: Sequence[int], ids: Sequence[str | None], col: str) -> pa.Table:
    pick = [i for i, g in enumerate(ids) if g is not None]
    return pa.table(
        {"doc_key": pa.array([keys[i] for i in pick], pa.int64()), col: [ids[i] for i in pick]}
    )


def _groups_table(groups: Sequence[Group], now: datetime) -> pa.Table:
    def js(x: Any) -> str:
        return json.dumps(x, ensure_ascii=False)

    return pa.table(
        {
            "id": [g.id for g in groups],
            "size": pa.array([g.size for g in groups], pa.int32()),
            "first_seen": pa.array([g.first_seen for g in groups], pa.timestamp("us")),
            "last_seen": pa.array([g.last_seen for g in groups], pa.timestamp("us")),
            "languages": [js(g.languages) for g in groups],
            "countries": [js(g.countries) for g in groups],
            "sources": [js(g.sources) for g in groups],
            "max_risk": pa.array([g.max_risk for g in groups], pa.int16()),
            "mean_risk": pa.array([g.mean_risk for g in groups], pa.float32()),
            "top_identifiers": [
                js([{"kind": k, "value": v, "documents": n} for k, v, n in g.top_identifiers])
                for g in groups
            ],
            "updated_at": pa.array([now] * len(groups), pa.timestamp("us")),
        }
    )
