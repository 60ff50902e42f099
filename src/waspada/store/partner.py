"""The exchange's statements: what a selection of the store yields for an export, the partner
tables an import writes (one transaction per file), and the local side of ``matches``.

Values are bound parameters or registered Arrow tables; the names formatted into SQL come from
``tables`` and from the constant conditions below, never from a caller's value.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from waspada.errors import StoreError
from waspada.store.db import Store
from waspada.store.tables import DOCUMENTS, PARTNER_IDENTIFIERS, PARTNER_IMPORTS


@dataclass(frozen=True, slots=True)
class Selection:
    """Which local documents an export reads: those at or below the export's level (``levels``,
    the names ``waspada.tlp.at_or_below`` gives) and, when set, in one campaign or network,
    posted on or after ``since``, or at least ``min_risk``."""

    levels: tuple[str, ...]
    campaign: str | None = None
    network: str | None = None
    since: datetime | None = None
    min_risk: int | None = None


def _selected(sel: Selection) -> tuple[str, list[Any]]:
    # the conditions joined here are constant strings; every value is bound
    where = [f"d.tlp IN ({', '.join('?' for _ in sel.levels)})"]
    params: list[Any] = list(sel.levels)
    if sel.campaign:
        where.append("d.doc_key IN (SELECT doc_key FROM campaign_members WHERE campaign_id = ?)")
        params.append(sel.campaign)
    if sel.network:
        where.append("d.doc_key IN (SELECT doc_key FROM network_members WHERE network_id = ?)")
        params.append(sel.network)
    if sel.since:
        where.append("d.posted_at >= ?")
        params.append(sel.since)
    if sel.min_risk is not None:
        where.append("a.risk >= ?")
        params.append(sel.min_risk)
    sql = ("SELECT d.doc_key, d.tlp, a.category, d.posted_at FROM documents d "
           f"JOIN assessments a USING (doc_key) WHERE {' AND '.join(where)}")
    return sql, params


_IDENTIFIERS = (
    "WITH sel AS ({sel}), "
    "flags AS (SELECT h.doc_key, list(DISTINCT h.indicator_id) AS f FROM indicator_hits h "
    "SEMI JOIN sel USING (doc_key) WHERE h.category <> 'counter' GROUP BY h.doc_key), "
    "ment AS (SELECT DISTINCT de.doc_key, de.entity_id, "
    "json_extract_string(de.attrs, '$.bank') AS bank FROM doc_entities de SEMI JOIN sel "
    "USING (doc_key)) "
    "SELECT x.kind, x.value, list(DISTINCT s.tlp), list(DISTINCT s.category), "
    "count(DISTINCT s.doc_key), min(s.posted_at), max(s.posted_at), max(m.bank), "
    "list(DISTINCT cm.campaign_id) FILTER (WHERE cm.campaign_id IS NOT NULL), "
    "list(DISTINCT nm.network_id) FILTER (WHERE nm.network_id IS NOT NULL), "
    "list_distinct(flatten(list(fl.f) FILTER (WHERE fl.f IS NOT NULL))) "
    "FROM ment m JOIN sel s USING (doc_key) JOIN entities x USING (entity_id) "
    "LEFT JOIN flags fl USING (doc_key) "
    "LEFT JOIN campaign_members cm USING (doc_key) LEFT JOIN network_members nm USING (doc_key) "
    "WHERE x.kind NOT IN ('money', 'place') GROUP BY x.kind, x.value ORDER BY x.kind, x.value")
_ID_KEYS = ("kind", "value", "tlps", "categories", "documents", "first_seen", "last_seen", "bank",
            "campaigns", "networks", "flags")


def selected_identifiers(store: Store, sel: Selection) -> list[dict[str, Any]]:
    """Every identifier of the selected documents: kind, value, the TLP levels and categories
    of the documents it is in, how many, first and last posting, the bank named beside it,
    the campaigns and networks of those documents, and their red flags (counter-signals
    left out). Lists are sorted."""
    sql, params = _selected(sel)
    rows = store.query(_IDENTIFIERS.format(sel=sql), params)
    out = []
    for r in rows:
        rec = dict(zip(_ID_KEYS, r, strict=True))
        for k in ("tlps", "categories", "campaigns", "networks", "flags"):
            rec[k] = sorted(rec[k] or [])
        out.append(rec)
    return out


def groups(store: Store, kind: str, ids: list[str]) -> list[dict[str, Any]]:
    """Size, first and last seen and highest risk of the campaigns (``kind`` "campaign") or
    networks ("network") named in ``ids``."""
    if not ids:
        return []
    table, key = {"campaign": ("campaigns", "campaign_id"),
                  "network": ("networks", "network_id")}[kind]
    rows = store.query(
        f"SELECT {key}, size, first_seen, last_seen, max_risk FROM {table} "
        f"WHERE {key} IN ({', '.join('?' for _ in ids)}) ORDER BY {key}", list(ids))
    return [{"id": r[0], "size": r[1], "first_seen": r[2], "last_seen": r[3], "max_risk": r[4]}
            for r in rows]


def group_exists(store: Store, kind: str, gid: str) -> bool:
    table, key = {"campaign": ("campaigns", "campaign_id"),
                  "network": ("networks", "network_id")}[kind]
    return bool(store.query(f"SELECT count(*) FROM {table} WHERE {key} = ?", [gid])[0][0])


# ---- partner data ------------------------------------------------------------------------------

_PI_COLS = PARTNER_IDENTIFIERS.column_list()


def write_import(store: Store, record: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Store one imported file in ONE transaction: its ``partner_imports`` row (replacing an
    earlier import of the same ``import_id`` with its identifiers) and its identifier rows."""
    con = store.con
    table = pa.table({c.name: pa.array([_cell(r.get(c.name)) for r in rows],
                                       pa.int32() if c.sql == "INTEGER" else pa.string())
                      for c in PARTNER_IDENTIFIERS.columns})
    try:
        con.begin()
        con.register("_partner_rows", table)
        con.execute(f"DELETE FROM {PARTNER_IDENTIFIERS.name} WHERE import_id = ?",
                    [record["import_id"]])
        con.execute(f"DELETE FROM {PARTNER_IMPORTS.name} WHERE import_id = ?",
                    [record["import_id"]])
        con.execute(
            f"INSERT INTO {PARTNER_IMPORTS.name} ({PARTNER_IMPORTS.column_list()}) "
            f"VALUES ({', '.join('?' for _ in PARTNER_IMPORTS.columns)})",
            [_cell(record.get(c.name)) if c.sql == "JSON" else record.get(c.name)
             for c in PARTNER_IMPORTS.columns])
        con.execute(f"INSERT INTO {PARTNER_IDENTIFIERS.name} ({_PI_COLS}) "
                    f"SELECT {_PI_COLS} FROM _partner_rows")
        con.commit()
    except duckdb.Error as e:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise StoreError(f"cannot store the import of {record.get('source_file')} in "
                         f"{store.path}: {e}") from e
    finally:  # after the commit or the rollback: an aborted transaction refuses it
        with contextlib.suppress(duckdb.Error):
            con.unregister("_partner_rows")


def _cell(v: Any) -> Any:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v


_PARTNER_KEYS = ("import_id", "object_id", "kind", "value", "canonical", "key_id", "epoch",
                 "tlp", "categories", "flags", "groups", "producer", "source_file")


def partner_identifiers(store: Store, levels: tuple[str, ...] | None = None
                        ) -> list[dict[str, Any]]:
    """Every stored partner identifier (those marked at one of ``levels`` when given), with
    its import's producer and file; JSON columns decoded."""
    where, params = "TRUE", []
    if levels is not None:
        where = f"p.tlp IN ({', '.join('?' for _ in levels)})"
        params = list(levels)
    rows = store.query(
        f"SELECT {PARTNER_IDENTIFIERS.column_list('p')}, i.producer, i.source_file "
        f"FROM {PARTNER_IDENTIFIERS.name} p JOIN {PARTNER_IMPORTS.name} i USING (import_id) "
        f"WHERE {where} ORDER BY p.kind, p.value, p.import_id", params)
    out = []
    for r in rows:
        rec = dict(zip(_PARTNER_KEYS, r, strict=True))
        for k in ("categories", "flags", "groups"):
            rec[k] = json.loads(rec[k]) if rec[k] else []
        out.append(rec)
    return out


def imports(store: Store) -> list[dict[str, Any]]:
    rows = store.query(f"SELECT {PARTNER_IMPORTS.column_list()} FROM {PARTNER_IMPORTS.name} "
                       "ORDER BY received_at, import_id")
    return [{**dict(zip(PARTNER_IMPORTS.names, r, strict=True)),
             "unmapped": json.loads(r[-1]) if r[-1] else []} for r in rows]


def local_identifiers(store: Store) -> list[tuple[int, str, str, str | None]]:
    """(entity_id, kind, value, bank named beside it) of every stored identifier."""
    rows = store.query(
        "SELECT x.entity_id, x.kind, x.value, max(json_extract_string(de.attrs, '$.bank')) "
        "FROM entities x LEFT JOIN doc_entities de USING (entity_id) "
        "WHERE x.kind NOT IN ('money', 'place') GROUP BY ALL ORDER BY x.entity_id")
    return [(int(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows]


def documents_of(store: Store, entity_ids: list[int]) -> list[dict[str, Any]]:
    """The documents holding each of ``entity_ids``, with their risk, category, TLP level and
    campaign and network."""
    if not entity_ids:
        return []
    probe = pa.table({"entity_id": pa.array(entity_ids, pa.int64())})
    with store.reading():
        store.con.register("_probe_entities", probe)
        try:
            rows = store.con.execute(
                "SELECT DISTINCT de.entity_id, d.id, a.risk, a.category, d.tlp, cm.campaign_id, "
                "nm.network_id FROM doc_entities de SEMI JOIN _probe_entities USING (entity_id) "
                "JOIN documents d USING (doc_key) LEFT JOIN assessments a USING (doc_key) "
                "LEFT JOIN campaign_members cm USING (doc_key) "
                "LEFT JOIN network_members nm USING (doc_key) ORDER BY de.entity_id, d.id"
            ).fetchall()
        finally:
            store.con.unregister("_probe_entities")
    keys = ("entity_id", "id", "risk", "category", "tlp", "campaign", "network")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def set_document_tlp(store: Store, doc_ids: list[str], level: str) -> int:
    """Mark the documents ``doc_ids`` (full ids) with the TLP ``level`` (a name
    ``waspada.tlp.parse_tlp`` returned), in one statement; returns how many were marked."""
    with store.reading():
        rows = store.con.execute(
            f"UPDATE {DOCUMENTS.name} SET tlp = ? WHERE id IN "
            f"(SELECT unnest(?::VARCHAR[])) RETURNING doc_key", [level, doc_ids]).fetchall()
    return len(rows)
