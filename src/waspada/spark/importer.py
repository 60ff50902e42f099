"""``waspada import-parquet DIR --db FILE``: a Spark scan's tables into an intel store, through
the store's own writer (``Store.write_counted``), so that every ``waspada`` query and the
dashboard work on Spark results. No PySpark needed: pyarrow reads the committed runs.

Run by run, in doc_key order, in batches of ``batch_rows`` documents: each batch (documents
with their assessments, mentions with their entity's kind and value, indicator hits) is one
write transaction; the writer skips ids it holds already, so importing twice (or a folder that
overlaps the store) adds nothing, and a killed import resumes by running it again. The store
gives the documents its own doc_keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from waspada.errors import InputError
from waspada.spark.layout import LocalLayout
from waspada.store.batch import DOC_SCHEMA, ENT_SCHEMA, HIT_SCHEMA, ArrowBatch
from waspada.store.db import Store
from waspada.store.tables import (
    ASSESSMENTS,
    DOC_ENTITIES,
    DOCUMENTS,
    ENTITIES,
    INDICATOR_HITS,
    QUARANTINE,
    Table,
)

BATCH_ROWS = 10_000


@dataclass(slots=True)
class ImportReport:
    runs: int = 0
    documents: int = 0
    new: int = 0
    quarantine: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"runs": self.runs, "documents": self.documents, "new": self.new,
                "already_stored": self.documents - self.new, "quarantine": self.quarantine}


def _read(lay: LocalLayout, table: Table, run_id: str) -> pa.Table:
    files = lay.files(table.name, run_id)
    schema = table.arrow_schema()
    if not files:
        return schema.empty_table()
    return pa.concat_tables([pq.read_table(f, schema=schema) for f in files])


def import_parquet(folder: str | Path, store: Store, batch_rows: int = BATCH_ROWS
                   ) -> ImportReport:
    """Load every committed run of ``folder`` into ``store`` (see the module doc)."""
    lay = LocalLayout(Path(folder))
    if not (lay.root / "_runs").is_dir():
        raise InputError(f"{folder}: not the output folder of a Spark scan (no _runs folder)")
    report = ImportReport()
    entities = pa.concat_tables([_read(lay, ENTITIES, r) for r in lay.runs()]
                                or [ENTITIES.arrow_schema().empty_table()])
    for run_id in lay.runs():
        if not lay.files(DOCUMENTS.name, run_id):
            continue  # a link run
        report.runs += 1
        docs = _read(lay, DOCUMENTS, run_id).join(_read(lay, ASSESSMENTS, run_id), "doc_key")
        docs = docs.sort_by("doc_key")
        ents = _read(lay, DOC_ENTITIES, run_id).join(entities, "entity_id").sort_by("doc_key")
        hits = _read(lay, INDICATOR_HITS, run_id).sort_by("doc_key")
        q = _read(lay, QUARANTINE, run_id)
        qrows = list(zip(*(q.column(c).to_pylist() for c in ("input", "unit", "line", "reason",
                                                            "excerpt")), strict=True))
        report.quarantine += len(qrows)
        for start in range(0, max(docs.num_rows, 1), batch_rows):
            part = docs.slice(start, batch_rows)
            new, _ = store.write_counted(_batch(part, ents, hits), qrows if start == 0 else [])
            report.documents += part.num_rows
            report.new += new
    return report


def _slice_keys(t: pa.Table, lo: int, hi: int) -> pa.Table:
    """Rows of ``t`` (sorted by doc_key) with lo <= doc_key <= hi."""
    keys = t.column("doc_key").to_numpy()
    a, b = np.searchsorted(keys, lo, "left"), np.searchsorted(keys, hi, "right")
    return t.slice(int(a), int(b - a))


def _as(schema: pa.Schema, t: pa.Table) -> pa.Table:
    """``t`` with ``doc_key`` as the batch's ``idx``, in ``schema``'s columns."""
    t = t.rename_columns(["idx" if c == "doc_key" else c for c in t.column_names])
    return pa.Table.from_arrays([t.column(f.name).cast(f.type) for f in schema], schema=schema)


def _batch(docs: pa.Table, ents: pa.Table, hits: pa.Table) -> ArrowBatch:
    if not docs.num_rows:
        return ArrowBatch(DOC_SCHEMA.empty_table(), ENT_SCHEMA.empty_table(),
                          HIT_SCHEMA.empty_table())
    lo = int(pc.min(docs.column("doc_key")).as_py())
    hi = int(pc.max(docs.column("doc_key")).as_py())
    return ArrowBatch(_as(DOC_SCHEMA, docs), _as(ENT_SCHEMA, _slice_keys(ents, lo, hi)),
                      _as(HIT_SCHEMA, _slice_keys(hits, lo, hi)))
