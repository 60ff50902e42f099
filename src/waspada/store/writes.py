"""The writer's statements, each run inside the transaction ``Store`` opens around it.

A batch's documents go in through an anti-join on ``id`` (the first row of each id not stored
yet wins), then their assessments, entities, mentions and indicator hits, keyed by the
``doc_key`` the insert returned. Values travel as registered Arrow tables or bound parameters;
the table and column names formatted into the SQL come only from ``tables`` (constants).
"""

from __future__ import annotations

import hashlib
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from waspada.store.batch import ArrowBatch
from waspada.store.tables import (
    ASSESSMENTS,
    DOC_ENTITIES,
    DOCUMENTS,
    ENTITIES,
    INDICATOR_HITS,
    LINK_TABLES,
    QUARANTINE,
    SCANS,
)

QRowTuple = tuple[str, str, int, str, str]

# names below come from the constant column specification (tables.py), never from input
_DOC_COLS = DOCUMENTS.column_list(cols=DOCUMENTS.written)
_INSERT_DOCS = (
    f"INSERT INTO {DOCUMENTS.name} ({_DOC_COLS}, ingested_at) SELECT {_DOC_COLS}, "
    "now()::TIMESTAMP FROM _batch_docs b SEMI JOIN "
    # the first row of each id not stored yet, chosen on (id, idx) alone: the anti-join and
    # grouping then carry no text
    f"(SELECT min(idx) AS idx FROM _batch_docs k WHERE NOT EXISTS "
    f"(SELECT 1 FROM {DOCUMENTS.name} d WHERE d.id = k.id) GROUP BY id) f USING (idx) "
    "ORDER BY idx RETURNING doc_key, id, semantic IS NOT NULL AS read")
_NEW_KEYS = ("SELECT r.doc_key, min(b.idx) AS idx FROM _returned r JOIN _batch_docs b "
             "USING (id) GROUP BY r.doc_key")
_INSERT_ASSESSMENTS = (
    f"INSERT INTO {ASSESSMENTS.name} (doc_key, {ASSESSMENTS.column_list(cols=ASSESSMENTS.written)})"
    f" SELECT n.doc_key, {ASSESSMENTS.column_list('b', ASSESSMENTS.written)} "
    "FROM _batch_docs b JOIN _new_docs n USING (idx)")
_INSERT_ENTITIES = (
    f"INSERT INTO {ENTITIES.name} (kind, value) SELECT DISTINCT e.kind, e.value "
    "FROM _batch_ents e JOIN _new_docs n USING (idx) WHERE NOT EXISTS "
    f"(SELECT 1 FROM {ENTITIES.name} x WHERE x.kind = e.kind AND x.value = e.value)")
_INSERT_MENTIONS = (
    f"INSERT INTO {DOC_ENTITIES.name} (doc_key, entity_id, "
    f"{DOC_ENTITIES.column_list(cols=DOC_ENTITIES.written)}) SELECT n.doc_key, x.entity_id, "
    f"{DOC_ENTITIES.column_list('e', DOC_ENTITIES.written)} FROM _batch_ents e "
    f"JOIN _new_docs n USING (idx) JOIN {ENTITIES.name} x ON x.kind = e.kind AND x.value = e.value")
_INSERT_HITS = (
    f"INSERT INTO {INDICATOR_HITS.name} (doc_key, "
    f"{INDICATOR_HITS.column_list(cols=INDICATOR_HITS.written)}) SELECT n.doc_key, "
    f"{INDICATOR_HITS.column_list('h', INDICATOR_HITS.written)} FROM _batch_hits h "
    "JOIN _new_docs n USING (idx)")
_Q_COLS = QUARANTINE.column_list(cols=QUARANTINE.written)
_INSERT_QUARANTINE = (
    f"INSERT INTO {QUARANTINE.name} ({_Q_COLS}, quarantined_at) SELECT {_Q_COLS}, "
    f"now()::TIMESTAMP FROM _batch_q b WHERE NOT EXISTS "
    f"(SELECT 1 FROM {QUARANTINE.name} q WHERE q.qid = b.qid)")
_LOG_SCAN = (
    f"INSERT OR REPLACE INTO {SCANS.name} ({SCANS.column_list()}) "
    "VALUES (?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?)")
_LINK_TABLE_NAMES = {t.name for t in LINK_TABLES}


def write_docs(con: duckdb.DuckDBPyConnection, b: ArrowBatch) -> tuple[int, int]:
    """Insert the batch's new documents with everything keyed to them; return how many, and
    how many of them the semantic stage read."""
    con.register("_batch_docs", b.docs)
    try:
        ret = con.sql(_INSERT_DOCS).to_arrow_table()
        if not ret.num_rows:
            return 0, 0
        read = int(pc.sum(ret.column("read")).as_py() or 0)
        ret = ret.select(["doc_key", "id"])
        con.register("_returned", ret)
        new_docs = con.sql(_NEW_KEYS).to_arrow_table()
        con.unregister("_returned")
        con.register("_new_docs", new_docs)
        con.execute(_INSERT_ASSESSMENTS)
        if b.ents.num_rows:
            con.register("_batch_ents", b.ents)
            con.execute(_INSERT_ENTITIES)
            con.execute(_INSERT_MENTIONS)
            con.unregister("_batch_ents")
        if b.hits.num_rows:
            con.register("_batch_hits", b.hits)
            con.execute(_INSERT_HITS)
            con.unregister("_batch_hits")
        con.unregister("_new_docs")
        return int(ret.num_rows), read
    finally:
        con.unregister("_batch_docs")


def quarantine_id(row: QRowTuple) -> str:
    """The key of a quarantine row: a hash of (input, unit, line, reason, excerpt), so the same
    bad record is stored once however often it is read (the Spark scan keys its rows alike)."""
    return hashlib.sha256("\x1f".join(map(str, row)).encode("utf-8", "replace")).hexdigest()


def write_quarantine(con: duckdb.DuckDBPyConnection, rows: list[QRowTuple]) -> None:
    """Store (input, unit, line, reason, excerpt) rows, each once (keyed by their hash)."""
    qids = [quarantine_id(r) for r in rows]
    seen: set[str] = set()
    keep = [i for i, q in enumerate(qids) if not (q in seen or seen.add(q))]  # type: ignore[func-returns-value]
    values = [[qids[i] for i in keep], *([rows[i][k] for i in keep] for k in range(5))]
    cols = QUARANTINE.written
    t = pa.Table.from_arrays([pa.array(v, c.arrow) for v, c in zip(values, cols, strict=True)],
                             names=[c.name for c in cols])
    con.register("_batch_q", t)
    con.execute(_INSERT_QUARANTINE)
    con.unregister("_batch_q")


def log_scan(con: duckdb.DuckDBPyConnection, scan_id: str, inputs: str, status: str,
             counts: dict[str, int], started: Any, semantic: str | None = None) -> None:
    con.execute(_LOG_SCAN, [
        scan_id, started, inputs, status, counts.get("read", 0), counts.get("new", 0),
        counts.get("already_stored", 0), counts.get("quarantined", 0),
        counts.get("duplicates", 0), semantic])


def write_link(con: duckdb.DuckDBPyConnection, replace: dict[str, pa.Table],
               append: dict[str, pa.Table]) -> None:
    """In ONE transaction, replace all rows of the ``replace`` link tables and append the
    ``append`` rows (columns in table order)."""
    for name in [*replace, *append]:
        if name not in _LINK_TABLE_NAMES:
            raise ValueError(f"{name!r} is not a link table")
    con.begin()
    try:
        for name, t in [*replace.items(), *append.items()]:
            # ``name`` is one of the constant LINK_TABLES names (checked above)
            if name in replace:
                con.execute(f"DELETE FROM {name}")
            con.register("_link_rows", t)
            con.execute(f"INSERT INTO {name} SELECT * FROM _link_rows")
            con.unregister("_link_rows")
        con.commit()
    except BaseException:
        con.rollback()
        raise
