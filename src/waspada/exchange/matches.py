"""``waspada exchange matches``: the local documents, campaigns and networks that share an
identifier with partner data, compared on canonical texts (``canonical.py``) or, for
pseudonymised partner data, on HMACs of the local canonical texts under the same key.

``store_identifiers(store)`` is the set of canonical texts the store holds (what a private set
intersection, or any other comparison, should be run on).
"""

from __future__ import annotations

from typing import Any

from waspada.exchange.canonical import bank_account, implied
from waspada.exchange.pseudonym import PseudonymKey
from waspada.store import partner
from waspada.store.db import Store


def local_index(store: Store) -> dict[str, list[int]]:
    """canonical text -> the ids of the local entities that answer to it."""
    out: dict[str, list[int]] = {}
    for eid, kind, value, bank in partner.local_identifiers(store):
        texts = implied(kind, value)
        with_bank = bank_account(value, bank) if kind == "bank_account" and bank else None
        for c in dict.fromkeys([*texts, with_bank] if with_bank else texts):
            out.setdefault(c, []).append(eid)
    return out


def store_identifiers(store: Store) -> set[str]:
    """The canonical text of every identifier in the store (a URL also gives its domain)."""
    return set(local_index(store))


def matches(store: Store, keys: list[PseudonymKey] | tuple[PseudonymKey, ...] = ()
            ) -> dict[str, Any]:
    """Partner identifiers found locally, each with the local documents, campaigns and
    networks that hold it; partner pseudonyms under a key not given are counted apart."""
    index = local_index(store)
    hashed = {k.key_id: {k.pseudonym(c): c for c in index} for k in keys}
    found: dict[str, list[dict[str, Any]]] = {}
    without_key: dict[str, int] = {}
    unmatchable = 0
    rows = partner.partner_identifiers(store)
    for r in rows:
        if r["key_id"] is not None:
            table = hashed.get(r["key_id"])
            if table is None:
                without_key[r["key_id"]] = without_key.get(r["key_id"], 0) + 1
                continue
            canon = table.get(r["value"])
        else:
            canon = r["canonical"]
            unmatchable += canon is None
            if canon and canon not in index and canon.count(":") == 2 \
                    and canon.startswith("bank:"):
                canon = "bank:" + canon.rsplit(":", 1)[1]  # the number alone, bank unknown here
        if canon is not None and canon in index:
            found.setdefault(canon, []).append(r)
    entity_ids = sorted({e for c in found for e in index[c]})
    docs = partner.documents_of(store, entity_ids)
    by_entity: dict[int, list[dict[str, Any]]] = {}
    for d in docs:
        by_entity.setdefault(d["entity_id"], []).append(d)
    out: list[dict[str, Any]] = []
    for canon in sorted(found):
        local = [d for e in index[canon] for d in by_entity.get(e, [])]
        out.append({
            "identifier": canon,
            "pseudonymised": any(r["key_id"] is not None for r in found[canon]),
            "partner": [{"producer": r["producer"], "source_file": r["source_file"],
                         "tlp": r["tlp"], "categories": r["categories"], "flags": r["flags"],
                         "groups": r["groups"]} for r in found[canon]],
            "documents": sorted({d["id"] for d in local}),
            "campaigns": sorted({d["campaign"] for d in local if d["campaign"]}),
            "networks": sorted({d["network"] for d in local if d["network"]}),
        })
    return {
        "partner_identifiers": len(rows), "matched_identifiers": len(out),
        "documents": sorted({d for m in out for d in m["documents"]}),
        "campaigns": sorted({c for m in out for c in m["campaigns"]}),
        "networks": sorted({n for m in out for n in m["networks"]}),
        "without_key": without_key, "unmatchable": unmatchable, "matches": out,
    }
