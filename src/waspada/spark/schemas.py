"""Arrow and Spark schemas, all derived from the store's one column specification
(``waspada.store.tables``): the Parquet tables a Spark scan writes, and the wide staging rows
its executors return (one row per document, mention, indicator hit or quarantined record)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from waspada.store.batch import DOC_SCHEMA, ENT_SCHEMA, HIT_SCHEMA
from waspada.store.tables import (
    ASSESSMENTS,
    DOC_ENTITIES,
    DOCUMENTS,
    ENTITIES,
    INDICATOR_HITS,
    QUARANTINE,
    Table,
)

#: the tables ``spark scan`` writes, in commit order
SCAN_TABLES: tuple[Table, ...] = (DOCUMENTS, ASSESSMENTS, ENTITIES, DOC_ENTITIES, INDICATOR_HITS,
                                  QUARANTINE)

#: a quarantine row as the executors return it (the store fills ``quarantined_at``)
Q_SCHEMA = pa.schema([(c.name, c.arrow) for c in QUARANTINE.written])

#: prefix of each part's columns in the staging rows (names repeat across parts: ``category``)
PARTS: dict[str, pa.Schema] = {"d_": DOC_SCHEMA, "e_": ENT_SCHEMA, "h_": HIT_SCHEMA,
                               "q_": Q_SCHEMA}
#: row kinds of the staging rows
DOC, ENT, HIT, QUAR = "doc", "ent", "hit", "q"
_KIND_PREFIX = {DOC: "d_", ENT: "e_", HIT: "h_", QUAR: "q_"}


def _staging_schema() -> pa.Schema:
    fields = [pa.field("rec", pa.string()), pa.field("file_no", pa.int64()),
              pa.field("idx", pa.int64())]
    for prefix, schema in PARTS.items():
        fields += [pa.field(prefix + f.name, f.type) for f in schema if f.name != "idx"]
    return pa.schema(fields)


#: what ``assess_files`` yields: ``rec`` (doc, ent, hit, q), the input's position ``file_no``
#: (inputs in the order ``waspada scan`` reads them), ``idx`` (the document's key within its
#: file: chunk number << 24 | position, so (file_no, idx) is the input order), then each part's
#: columns under its prefix (null where the row is of another kind)
STAGING = _staging_schema()


def staging_batch(rec: str, file_no: int, part: pa.Table) -> pa.RecordBatch:
    """``part`` (a table of ``PARTS[prefix]``) as staging rows of kind ``rec``."""
    n = part.num_rows
    prefix = _KIND_PREFIX[rec]
    cols: list[Any] = []
    for f in STAGING:
        if f.name == "rec":
            cols.append(pa.array([rec] * n, pa.string()))
        elif f.name == "file_no":
            cols.append(pa.array([file_no] * n, pa.int64()))
        elif f.name == "idx":
            cols.append(part.column("idx").combine_chunks() if "idx" in part.column_names
                        else pa.nulls(n, pa.int64()))
        elif f.name.startswith(prefix):
            cols.append(part.column(f.name[len(prefix):]).combine_chunks().cast(f.type))
        else:
            cols.append(pa.nulls(n, f.type))
    return pa.RecordBatch.from_arrays(cols, schema=STAGING)


def spark_schema(schema: pa.Schema) -> Any:
    """The Spark ``StructType`` of an Arrow schema (naive timestamps as TIMESTAMP_NTZ, as the
    store holds them)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema, prefer_timestamp_ntz=True)


def table_schema(table: Table) -> Any:
    """The Spark schema of a whole store table (every column, in table order)."""
    return spark_schema(table.arrow_schema())
