"""The writer's own reads: the resume pre-filter and the bulk document pages.

Values are bound parameters or registered Arrow tables; names come from ``tables`` only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from waspada.store.tables import DOCUMENTS

_STORED_KEYS = (f"SELECT ('0x' || left(id, 16))::UBIGINT AS k FROM {DOCUMENTS.name} "
                "ORDER BY k")
_UNSTORED = f"SELECT p.id FROM _probe_ids p ANTI JOIN {DOCUMENTS.name} d USING (id)"
_PAGE = (
    "SELECT d.doc_key, d.id, d.source, d.posted_at, d.language, a.risk, a.category, "
    "d.text, list(DISTINCT [x.kind, x.value]) FILTER (WHERE x.kind IS NOT NULL) "
    f"FROM (SELECT * FROM {DOCUMENTS.name} WHERE doc_key > ? ORDER BY doc_key LIMIT ?) d "
    "LEFT JOIN assessments a USING (doc_key) "
    "LEFT JOIN doc_entities de USING (doc_key) "
    "LEFT JOIN entities x USING (entity_id) "
    "GROUP BY ALL ORDER BY d.doc_key")
_PAGE_KEYS = ("doc_key", "id", "source", "posted_at", "language", "risk", "category", "text")


def stored_id_keys(con: duckdb.DuckDBPyConnection) -> np.ndarray:
    """The first 64 bits of every stored document id, sorted (see ``Store.stored_id_keys``)."""
    t = con.sql(_STORED_KEYS).fetchnumpy()
    return np.ascontiguousarray(t["k"], dtype=np.uint64)


def unstored_ids(con: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
    """Those of ``ids`` that are NOT stored (one anti-join)."""
    if not ids:
        return set()
    con.register("_probe_ids", pa.table({"id": pa.array(ids, pa.string())}))
    try:
        rows = con.execute(_UNSTORED).fetchall()
    finally:
        con.unregister("_probe_ids")
    return {r[0] for r in rows}


def iter_documents_with_entities(con: duckdb.DuckDBPyConnection, since_key: int,
                                 batch_size: int) -> Iterator[list[dict[str, Any]]]:
    """Pages of documents after ``since_key`` (see ``Store.iter_documents_with_entities``)."""
    last = since_key
    while True:
        rows = con.execute(_PAGE, [last, batch_size]).fetchall()
        if not rows:
            return
        yield [{**dict(zip(_PAGE_KEYS, r, strict=False)),
                "entities": [tuple(p) for p in (r[8] or [])]} for r in rows]
        last = rows[-1][0]
