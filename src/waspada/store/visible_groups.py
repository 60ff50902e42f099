"""Campaigns and networks as a reader with a TLP clearance sees them: made of their visible
members only.

A group is listed when at least one of its members is visible, and everything shown of it (its
size, first and last day, languages, risk, identifiers, graph) is computed from those members
here, never read from the stored summary (``campaigns``/``networks`` rows summarise ALL members,
so an AMBER member's phone number would leak into a GREEN reader's page through them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from waspada.errors import StoreError
from waspada.store import links
from waspada.store.db import Store
from waspada.store.visible import VISIBLE, _iso, _item

_ITEM = ("SELECT d.id, a.risk, a.level, a.category, d.language, d.source, d.posted_at, "
         "coalesce(d.tlp, 'amber'), d.text, "
         "(SELECT count(*) FROM doc_entities de WHERE de.doc_key = d.doc_key) ")


def _members_sql(kind: str) -> tuple[str, str]:
    """(members table, id column) of a kind (constants of ``links.KINDS``)."""
    _, members, col = links.KINDS[kind]
    return members, col


def groups(store: Store, levels: Sequence[str], kind: str, limit: int = 50,
           offset: int = 0) -> dict[str, Any]:
    """The groups of ``kind`` with at least one visible member, largest (visible) first."""
    members, col = _members_sql(kind)
    base = (f"FROM {members} m JOIN documents d USING (doc_key) LEFT JOIN assessments a "
            f"USING (doc_key) WHERE {VISIBLE}")
    total = store.query(f"SELECT count(DISTINCT m.{col}) {base}", [list(levels)])[0][0]
    rows = store.query(
        f"SELECT m.{col}, count(*) AS n, min(d.posted_at), max(d.posted_at), max(a.risk), "
        f"avg(a.risk), list(DISTINCT coalesce(d.language, 'und') ORDER BY "
        f"coalesce(d.language, 'und')) {base} GROUP BY m.{col} ORDER BY n DESC, m.{col} "
        "LIMIT ? OFFSET ?", [list(levels), limit, offset])
    nxt = offset + len(rows)
    return {"total": int(total), "limit": limit, "offset": offset,
            "next_offset": nxt if nxt < total else None,
            "items": [{"id": r[0], "kind": kind, "size": int(r[1]), "first_seen": _iso(r[2]),
                       "last_seen": _iso(r[3]), "max_risk": r[4],
                       "mean_risk": round(float(r[5] or 0), 2), "languages": list(r[6])}
                      for r in rows]}


def group(store: Store, levels: Sequence[str], kind: str, group_id: str
          ) -> dict[str, Any] | None:
    """One group (by id, merged id or unique prefix) with its visible members, the identifiers
    they carry, and its graph: documents and identifiers as nodes, "carries" as links. None
    when there is no such group or none of its members is visible."""
    try:
        gid = links.find_group(store, kind, group_id)
    except StoreError:
        return None
    members, col = _members_sql(kind)
    rows = store.query(
        f"{_ITEM} FROM {members} m JOIN documents d USING (doc_key) LEFT JOIN assessments a "
        f"USING (doc_key) WHERE m.{col} = ? AND {VISIBLE} ORDER BY d.posted_at, d.id",
        [gid, list(levels)])
    if not rows:
        return None
    docs = [_item(r) for r in rows]
    ids = [d["id"] for d in docs]
    carried = store.query(
        "SELECT DISTINCT d.id, x.kind, x.value FROM doc_entities de JOIN entities x "
        "USING (entity_id) JOIN documents d USING (doc_key) "
        "WHERE d.id IN (SELECT unnest(?::VARCHAR[])) ORDER BY 2, 3, 1", [ids])
    per: Counter[tuple[str, str]] = Counter((k, v) for _, k, v in carried)
    risks = [d["risk"] for d in docs if d["risk"] is not None]
    posted = sorted(d["posted_at"] for d in docs if d["posted_at"])
    nodes = [{"id": f"doc:{d['id']}", "type": "document", "label": d["id"][:8],
              "risk": d["risk"]} for d in docs]
    nodes += [{"id": f"ent:{k}:{v}", "type": "identifier", "kind": k, "label": v,
               "documents": n} for (k, v), n in sorted(per.items())]
    return {
        "id": gid, "kind": kind, "size": len(docs),
        "first_seen": posted[0] if posted else None, "last_seen": posted[-1] if posted else None,
        "max_risk": max(risks) if risks else None,
        "mean_risk": round(sum(risks) / len(risks), 2) if risks else None,
        "languages": dict(Counter(d["language"] or "und" for d in docs)),
        "members": docs,
        "identifiers": [{"kind": k, "value": v, "documents": n}
                        for (k, v), n in per.most_common()],
        "graph": {"nodes": nodes,
                  "links": [{"source": f"doc:{i}", "target": f"ent:{k}:{v}"}
                            for i, k, v in carried]},
    }
