"""The link tables (schema migration 3): what ``waspada.link`` reads and writes, as SQL.

Linking itself lives in ``waspada.link``; this module only loads its input (documents, their
assessments, entities and stored signatures), writes one run's result in one transaction, and
reads campaigns and networks back for the CLI and exports. Values are bound parameters or
registered Arrow tables; every table and column name formatted into SQL comes from ``tables``
(constants), chosen by a kind of ``KINDS``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from waspada.errors import StoreError
from waspada.store.db import Store
from waspada.store.tables import (
    CAMPAIGN_MEMBERS,
    CAMPAIGNS,
    LINK_MERGES,
    LINK_RUNS,
    LINK_SIGNATURES,
    NETWORK_MEMBERS,
    NETWORKS,
    Table,
)

#: a group id prefix needs at least this many characters (as ``waspada show`` asks of doc ids)
MIN_PREFIX = 6

#: each kind of group: its table, its members table and its id column
KINDS = {"campaign": (CAMPAIGNS.name, CAMPAIGN_MEMBERS.name, CAMPAIGNS.columns[0].name),
         "network": (NETWORKS.name, NETWORK_MEMBERS.name, NETWORKS.columns[0].name)}  # fmt: skip

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


# ---- the linker's input ------------------------------------------------------------------------


def documents(store: Store) -> list[tuple[Any, ...]]:
    """Every document in key order: (doc_key, id, external_id, source, posted_at, language,
    risk, signature, num_perm, campaign_id, network_id); no text."""
    return store.query(_DOCS_SQL)


def entities(store: Store) -> list[tuple[Any, ...]]:
    """Every mention: (doc_key, kind, value, the ``country`` attribute or None)."""
    return store.query(_ENTS_SQL)


def texts(store: Store, keys: list[int]) -> dict[int, str]:
    """The texts of the documents with these keys."""
    return dict(store.query(
        "SELECT doc_key, text FROM documents WHERE doc_key IN (SELECT unnest(?::BIGINT[]))",
        [keys]))


# ---- one run's result --------------------------------------------------------------------------


class GroupRow(Protocol):
    """What a stored campaign or network row is made of (``waspada.link.model.Group``)."""

    id: str
    size: int
    first_seen: datetime | None
    last_seen: datetime | None
    languages: dict[str, int]
    countries: dict[str, int]
    sources: dict[str, int]
    max_risk: int
    mean_risk: float
    top_identifiers: list[tuple[str, str, int]]


@dataclass(frozen=True, slots=True)
class LinkRun:
    """One linking run: every linked document's key and groups (stored ones first), the new
    documents' signatures, the groups, the merges and the run's settings."""

    keys: Sequence[int]
    campaign_ids: Sequence[str | None]
    network_ids: Sequence[str | None]
    campaigns: Sequence[GroupRow]
    networks: Sequence[GroupRow]
    new_keys: Sequence[int]
    signatures: np.ndarray
    num_perm: int
    seed: int
    merges: Sequence[tuple[str, str, str]]
    new_documents: int
    threshold: float
    max_df: int


def save_run(store: Store, run: LinkRun, now: datetime) -> None:
    """Replace the groups and memberships, append signatures, merges and the run log, in ONE
    transaction."""
    n = len(run.new_keys)
    replace = {
        CAMPAIGNS.name: _groups(CAMPAIGNS, run.campaigns, now),
        CAMPAIGN_MEMBERS.name: _members(CAMPAIGN_MEMBERS, run.keys, run.campaign_ids),
        NETWORKS.name: _groups(NETWORKS, run.networks, now),
        NETWORK_MEMBERS.name: _members(NETWORK_MEMBERS, run.keys, run.network_ids),
    }
    append = {
        LINK_SIGNATURES.name: _rows(LINK_SIGNATURES, [
            run.new_keys, [run.num_perm] * n, [run.seed] * n,
            [r.astype("<u4").tobytes() for r in run.signatures]]),
        LINK_MERGES.name: _rows(LINK_MERGES, [
            *([m[i] for m in run.merges] for i in range(3)), [now] * len(run.merges)]),
        LINK_RUNS.name: _rows(LINK_RUNS, [
            [now], [run.new_documents], [len(run.keys)], [run.threshold], [run.max_df],
            [len(run.campaigns)], [len(run.networks)]]),
    }
    store.write_link(replace, append)


def _rows(table: Table, columns: list[Any]) -> pa.Table:
    """Rows of ``table`` from its columns' values, in table order."""
    schema = table.arrow_schema()
    return pa.Table.from_arrays(
        [pa.array(v, f.type) for v, f in zip(columns, schema, strict=True)], schema=schema)


def _members(table: Table, keys: Sequence[int], ids: Sequence[str | None]) -> pa.Table:
    pick = [i for i, g in enumerate(ids) if g is not None]
    return _rows(table, [[keys[i] for i in pick], [ids[i] for i in pick]])


def _groups(table: Table, groups: Sequence[GroupRow], now: datetime) -> pa.Table:
    def js(x: Any) -> str:
        return json.dumps(x, ensure_ascii=False)

    return _rows(table, [
        [g.id for g in groups], [g.size for g in groups], [g.first_seen for g in groups],
        [g.last_seen for g in groups], [js(g.languages) for g in groups],
        [js(g.countries) for g in groups], [js(g.sources) for g in groups],
        [g.max_risk for g in groups], [g.mean_risk for g in groups],
        [js([{"kind": k, "value": v, "documents": n} for k, v, n in g.top_identifiers])
         for g in groups],
        [now] * len(groups)])


# ---- reading groups back -----------------------------------------------------------------------


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
    return [
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
        for r in rows
    ]


def last_max_df(store: Store) -> int | None:
    """The hub cap of the latest linking run (None before the first)."""
    row = store.query("SELECT max_df FROM link_runs ORDER BY run_at DESC LIMIT 1")
    return int(row[0][0]) if row else None


def group_identifiers(store: Store, kind: str, gid: str) -> list[tuple[str, str, int, int,
                                                                         list[str]]]:
    """The identifiers of a group's documents, most shared in it first: (kind, value, documents
    in the group, documents in the store, the group's doc ids that name it)."""
    _, members, col = KINDS[kind]
    rows = store.query(
        "WITH mem AS (SELECT doc_key FROM " + members + " WHERE " + col + " = ?), "
        "df AS (SELECT entity_id, count(DISTINCT doc_key) AS df FROM doc_entities GROUP BY ALL) "
        "SELECT x.kind, x.value, count(DISTINCT de.doc_key), df.df, "
        "list(DISTINCT d.id ORDER BY d.id) "
        "FROM doc_entities de JOIN mem USING (doc_key) JOIN entities x USING (entity_id) "
        "JOIN df USING (entity_id) JOIN documents d USING (doc_key) GROUP BY ALL "
        "ORDER BY 3 DESC, 1, 2",
        [gid],
    )
    return [(k, v, n, df, list(docs)) for k, v, n, df, docs in rows]


def timeline(store: Store, kind: str, gid: str) -> list[dict[str, Any]]:
    """A group's documents per posting day."""
    _, members, col = KINDS[kind]
    return [
        {"day": _iso(day), "documents": n}
        for day, n in store.query(
            f"SELECT d.posted_at::DATE AS day, count(*) FROM {members} m "
            f"JOIN documents d USING (doc_key) WHERE m.{col} = ? GROUP BY 1 ORDER BY 1",
            [gid],
        )
    ]


def merged_from(store: Store, kind: str, gid: str) -> list[str]:
    """The ids of the groups merged into ``gid``."""
    return [
        r[0]
        for r in store.query(
            "SELECT absorbed_id FROM link_merges WHERE kind = ? AND kept_id = ? ORDER BY 1",
            [kind, gid],
        )
    ]
