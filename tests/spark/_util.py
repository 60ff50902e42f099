"""Reading both paths' results the same way: Spark's committed Parquet runs (pyarrow, no Spark)
and the embedded store (its own SQL), keyed by document id so doc_keys never matter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from waspada.spark.layout import LocalLayout
from waspada.store.db import Store
from waspada.store.tables import TABLES

_BY_NAME = {t.name: t for t in TABLES}


def spark_table(out: str, name: str, last_run_only: bool = False) -> pa.Table:
    """Every committed run of table ``name`` (or only the last run that wrote it)."""
    lay = LocalLayout(Path(out))
    runs = [r for r in lay.runs() if lay.files(name, r)]
    if last_run_only:
        runs = runs[-1:]
    schema = _BY_NAME[name].arrow_schema()
    parts = [pq.read_table(f, schema=schema) for r in runs for f in lay.files(name, r)]
    return pa.concat_tables(parts) if parts else schema.empty_table()


def spark_rows(out: str, name: str, last_run_only: bool = False) -> list[dict[str, Any]]:
    return spark_table(out, name, last_run_only).to_pylist()


def store_rows(db: Path, sql: str) -> list[dict[str, Any]]:
    with Store.open(db, read_only=True) as st:
        # with DuckDB 2.0, Store.open leaves its version query's result open, and ``con.sql``
        # (Store.arrow) refuses to run until a statement through ``execute`` closes it
        st.query("SELECT 1")
        return st.arrow(sql).to_pylist()


def by_doc_id(rows: list[dict[str, Any]], docs: list[dict[str, Any]], cols: tuple[str, ...]
              ) -> dict[str, list[tuple[Any, ...]]]:
    """Rows keyed by their document's id (through doc_key), each as a sorted list of
    ``cols`` tuples."""
    ids = {d["doc_key"]: d["id"] for d in docs}
    out: dict[str, list[tuple[Any, ...]]] = {}
    for r in rows:
        out.setdefault(ids[r["doc_key"]], []).append(tuple(r[c] for c in cols))
    return {k: sorted(v, key=repr) for k, v in out.items()}
