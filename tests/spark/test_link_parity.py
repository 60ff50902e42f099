"""``spark link`` against the embedded ``waspada link`` on the same documents: the same
campaign partition, the same network partition (allow-list and hub rule included), the same
stable ids."""

from __future__ import annotations

from typing import Any

from ._util import spark_rows, store_rows


def _groups(rows: list[dict[str, Any]], key: str) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r[key], set()).add(r["id"])
    return {g: frozenset(m) for g, m in out.items()}


def _spark(both: Any, table: str, key: str) -> dict[str, frozenset[str]]:
    ids = {d["doc_key"]: d["id"] for d in spark_rows(both.out, "documents")}
    return _groups([{**r, "id": ids[r["doc_key"]]}
                    for r in spark_rows(both.out, table, last_run_only=True)], key)


def _embedded(both: Any, table: str, key: str) -> dict[str, frozenset[str]]:
    return _groups(store_rows(both.store, f"SELECT m.{key}, d.id FROM {table} m "
                                          "JOIN documents d USING (doc_key)"), key)


def test_same_campaigns_with_the_same_ids(both: Any) -> None:
    emb = _embedded(both, "campaign_members", "campaign_id")
    spk = _spark(both, "campaign_members", "campaign_id")
    assert len(emb) >= 20  # the corpus's edited copies make campaigns
    assert spk == emb


def test_same_networks_with_the_same_ids(both: Any) -> None:
    emb = _embedded(both, "network_members", "network_id")
    spk = _spark(both, "network_members", "network_id")
    assert len(emb) >= 10
    # the hub contact (in more documents than the cap) glued nothing: no giant network
    assert max(len(m) for m in emb.values()) < 60
    assert spk == emb
