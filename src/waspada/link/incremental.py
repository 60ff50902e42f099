"""Linking over the intel store: load the state, link the new documents, write the result.

The documents, their assessments and their entities come from the scan; this module reads them
and writes the link tables of schema migration 3 (in one transaction) through
``waspada.store.links``. A document is "new" when it has no stored signature yet.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from waspada.link.engine import LinkConfig, LinkResult, LinkState, link_documents
from waspada.link.model import LinkDoc
from waspada.store import links
from waspada.store.db import Store


def load(store: Store, num_perm: int) -> tuple[LinkState, list[LinkDoc], list[int], list[int]]:
    """The stored state, the new documents (with text), and the doc_keys of both."""
    rows = links.documents(store)
    idents: dict[int, list[tuple[str, str]]] = {}
    countries: dict[int, set[str]] = {}
    for key, kind, value, country in links.entities(store):
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
        texts = links.texts(store, new_keys)
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
    run = links.LinkRun(
        keys=keys,
        campaign_ids=st.campaign,
        network_ids=st.network,
        campaigns=result.campaigns,
        networks=result.networks,
        new_keys=new_keys,
        signatures=st.signatures[len(old_keys):],
        num_perm=cfg.num_perm,
        seed=cfg.seed,
        merges=result.merges,
        new_documents=result.new_docs,
        threshold=cfg.threshold,
        max_df=min(cfg.hub_cap(len(keys)), 2**31 - 1),
    )
    links.save_run(store, run, datetime.now())
    return result
