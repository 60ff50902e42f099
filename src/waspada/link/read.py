"""Reading campaigns and networks back from the store (for the CLI, API and exports)."""

from __future__ import annotations

import json
from typing import Any

from waspada.errors import StoreError
from waspada.link.allowlist import load_allowlist
from waspada.link.model import LINKING_KINDS
from waspada.store.db import Store

#: a group id prefix needs at least this many characters (as ``waspada show`` asks of doc ids)
MIN_PREFIX = 6

KINDS = {"campaign": ("campaigns", "campaign_members", "campaign_id"),
         "network": ("networks", "network_members", "network_id")}  # fmt: skip


def _iso(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v


def resolve(store: Store, kind: str, group_id: str) -> str | None:
    """The current id of ``group_id``: itself, or the id it was merged into."""
    table, _, col = KINDS[kind]
    seen: set[str] = set()
    gid = group_id
    while gid not in seen:
        seen.add(gid)
        if store.query(f"SELECT 1 FROM {table} WHERE {col} = ?", [gid]):
            return gid
        row = store.query(
            "SELECT kept_id FROM link_merges WHERE kind = ? AND absorbed_id = ? "
            "ORDER BY merged_at DESC LIMIT 1",
            [kind, gid],
        )
        if not row:
            return None
        gid = row[0][0]
    return None


def find_group(store: Store, kind: str, group_id: str) -> str:
    """The current id of a group given its id, an id merged into it, or a unique prefix of
    either. Raises StoreError when none or several groups match (naming the candidates)."""
    gid = group_id.strip().lower()
    found = resolve(store, kind, gid)
    if found is not None:
        return found
    if len(gid) < MIN_PREFIX:
        raise StoreError(f"give at least {MIN_PREFIX} characters of the {kind} id")
    table, _, col = KINDS[kind]
    rows = store.query(
        f"SELECT {col} FROM {table} WHERE starts_with({col}, ?) UNION "
        "SELECT absorbed_id FROM link_merges WHERE kind = ? AND starts_with(absorbed_id, ?)",
        [gid, kind, gid],
    )
    hits = sorted({r for r in (resolve(store, kind, row[0]) for row in rows) if r is not None})
    if not hits:
        raise StoreError(f"no {kind} with id {group_id.strip()}")
    if len(hits) > 1:
        more = f" and {len(hits) - 10} more" if len(hits) > 10 else ""
        raise StoreError(
            f"id prefix {gid} is ambiguous: give more characters (matches {', '.join(hits[:10])}"
            f"{more})"
        )
    return hits[0]


def list_groups(
    store: Store, kind: str, limit: int | None = None, min_size: int = 2, only: str | None = None
) -> list[dict[str, Any]]:
    """Campaigns or networks, largest first, each with its members (doc_id, external_id)."""
    table, members, col = KINDS[kind]
    params: list[Any] = [min_size]
    where = f"size >= ?{f' AND {col} = ?' if only else ''}"
    if only:
        params.append(only)
    rows = store.query(
        f"SELECT {col}, size, first_seen, last_seen, languages, countries, sources, max_risk, "
        f"mean_risk, top_identifiers FROM {table} WHERE {where} ORDER BY size DESC, {col} "
        + ("LIMIT ?" if limit else ""),
        [*params, limit] if limit else params,
    )
    ids = [r[0] for r in rows]
    mem: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        for gid, doc_id, ext, posted, risk in store.query(
            f"SELECT m.{col}, d.id, d.external_id, d.posted_at, a.risk FROM {members} m "
            "JOIN documents d USING (doc_key) LEFT JOIN assessments a USING (doc_key) "
            f"WHERE m.{col} IN (SELECT unnest(?::VARCHAR[])) ORDER BY d.posted_at, d.id",
            [ids],
        ):
            mem[gid].append(
                {"doc_id": doc_id, "external_id": ext, "posted_at": _iso(posted), "risk": risk}
            )
    out = []
    for r in rows:
        out.append(
            {
                "id": r[0],
                "kind": kind,
                "size": r[1],
                "first_seen": _iso(r[2]),
                "last_seen": _iso(r[3]),
                "languages": json.loads(r[4] or "{}"),
                "countries": json.loads(r[5] or "{}"),
                "sources": json.loads(r[6] or "{}"),
                "max_risk": r[7],
                "mean_risk": round(float(r[8] or 0), 2),
                "top_identifiers": json.loads(r[9] or "[]"),
                "members": mem[r[0]],
            }
        )
    return out


def group_detail(store: Store, kind: str, group_id: str) -> dict[str, Any] | None:
    """One campaign or network: summary, members, identifiers (with whether they link) and a
    timeline (documents per day)."""
    gid = resolve(store, kind, group_id)
    if gid is None:
        return None
    _, members, col = KINDS[kind]
    found = list_groups(store, kind, min_size=0, only=gid)
    if not found:
        return None
    group = found[0]
    group["requested_id"] = group_id
    max_df = store.query("SELECT max_df FROM link_runs ORDER BY run_at DESC LIMIT 1")
    cap = int(max_df[0][0]) if max_df else 1 << 62
    allow = load_allowlist()
    idents = store.query(
        "WITH mem AS (SELECT doc_key FROM " + members + " WHERE " + col + " = ?), "
        "df AS (SELECT entity_id, count(DISTINCT doc_key) AS df FROM doc_entities GROUP BY ALL) "
        "SELECT x.kind, x.value, count(DISTINCT de.doc_key), df.df, "
        "list(DISTINCT d.id ORDER BY d.id) "
        "FROM doc_entities de JOIN mem USING (doc_key) JOIN entities x USING (entity_id) "
        "JOIN df USING (entity_id) JOIN documents d USING (doc_key) GROUP BY ALL "
        "ORDER BY 3 DESC, 1, 2",
        [gid],
    )
    group["identifiers"] = [
        {
            "kind": k,
            "value": v,
            "documents": n,
            "documents_in_store": df,
            "links": k in LINKING_KINDS and df <= cap and not allow.allows(k, v),
            "doc_ids": list(docs),
        }
        for k, v, n, df, docs in idents
    ]
    group["timeline"] = [
        {"day": _iso(day), "documents": n}
        for day, n in store.query(
            f"SELECT d.posted_at::DATE AS day, count(*) FROM {members} m "
            f"JOIN documents d USING (doc_key) WHERE m.{col} = ? GROUP BY 1 ORDER BY 1",
            [gid],
        )
    ]
    group["merged_from"] = [
        r[0]
        for r in store.query(
            "SELECT absorbed_id FROM link_merges WHERE kind = ? AND kept_id = ? ORDER BY 1",
            [kind, gid],
        )
    ]
    return group
