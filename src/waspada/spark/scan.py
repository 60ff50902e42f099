"""``spark scan``: the embedded scan's answers, computed on a Spark cluster, written as Parquet
tables with the store's columns (``layout`` describes the folder and how a run commits).

Steps: the driver lists the inputs as ``waspada scan`` does (``ingest.inputs.walk``: folders
sorted, links out of a folder and FIFOs quarantined); one task per file reads and assesses its
records (``executor.assess_files`` in ``mapInArrow``); the staging rows are written once and
read back; then, in Spark: the first record of each content id in input order (a window over
(file_no, idx)), an anti-join with the documents of earlier committed runs (a rerun adds
nothing), doc_keys and entity_ids continuing those of earlier runs, the entities' mentions and
the indicator hits of the new documents, the quarantine rows not stored before (keyed as the
store keys them). Every table is written to staging and committed with the run.

Counts add up as in ``waspada scan``: read = new + already stored + duplicates within the input
+ quarantined.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from waspada.errors import InputError
from waspada.ingest.inputs import check_inputs, walk
from waspada.spark import layout
from waspada.spark.executor import ScanParams, assess_files, quarantine_table
from waspada.spark.fs import RunFS
from waspada.spark.schemas import (
    DOC,
    ENT,
    HIT,
    QUAR,
    SCAN_TABLES,
    STAGING,
    spark_schema,
    staging_batch,
    table_schema,
)
from waspada.store.tables import (
    ASSESSMENTS,
    DOC_ENTITIES,
    DOCUMENTS,
    ENTITIES,
    INDICATOR_HITS,
    QUARANTINE,
    Table,
)
from waspada.tlp import DEFAULT_TLP


@dataclass(slots=True)
class SparkScanReport:
    """Counts of one run: ``new + already_stored + duplicates + quarantined == read``."""

    run_id: str = ""
    read: int = 0
    new: int = 0
    already_stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    unparsed_times: int = 0
    #: new documents the semantic stage read
    escalated: int = 0
    semantic: str = "auto"
    files: int = 0
    seconds: float = 0.0
    reasons: Counter[str] = field(default_factory=Counter)
    first_at: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> int:
        return self.new + self.already_stored + self.duplicates

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "read": self.read, "ok": self.ok, "new": self.new,
                "already_stored": self.already_stored, "duplicates": self.duplicates,
                "quarantined": self.quarantined, "unparsed_times": self.unparsed_times,
                "semantic": self.semantic, "escalated": self.escalated, "files": self.files,
                "seconds": round(self.seconds, 3),
                "docs_per_s": round(self.read / self.seconds, 1) if self.seconds else None,
                "quarantine_reasons": dict(self.reasons.most_common()),
                "quarantine_first_at": self.first_at}


def read_table(spark: SparkSession, fs: RunFS, table: Table) -> DataFrame:
    """Every committed run of ``table`` (an empty frame when there is none)."""
    paths = [layout.table_dir(fs.root, table.name, r) for r in fs.runs()]
    paths = [p for p in paths if fs.exists(p)]
    schema = table_schema(table)
    if not paths:
        return spark.createDataFrame([], schema)
    return spark.read.schema(schema).parquet(*paths)


def _files(inputs: list[str]) -> tuple[list[tuple[int, str]], list[tuple[Any, ...]]]:
    """(file_no, name) of each file to read, and the quarantine rows of folder entries that are
    not read (with their file_no: their place in the input order)."""
    check_inputs(inputs)
    files: list[tuple[int, str]] = []
    bad: list[tuple[Any, ...]] = []
    for no, (name, path, problem) in enumerate(walk(inputs)):
        if path is None:
            raise InputError("spark scan reads files and folders, not stdin (-)")
        if problem is not None:
            bad.append((no, (name, "file", 0, problem, "")))
        else:
            files.append((no, name))
    return files, bad


def _assess(spark: SparkSession, files: list[tuple[int, str]], bad: list[tuple[Any, ...]],
            p: ScanParams, stage: str) -> DataFrame:
    """Every record read and assessed, as staging rows, written once under ``stage``."""
    rdd = spark.sparkContext.parallelize(files, max(1, len(files)))
    listing = spark.createDataFrame(rdd, "file_no long, name string")
    rows = listing.mapInArrow(assess_files(p), spark_schema(STAGING))
    if bad:
        local = [staging_batch(QUAR, no, quarantine_table([q])) for no, q in bad]
        import pyarrow as pa

        rows = rows.unionByName(spark.createDataFrame(pa.Table.from_batches(local),
                                                      spark_schema(STAGING)))
    rows.write.mode("overwrite").parquet(f"{stage}/_assessed")
    return spark.read.schema(spark_schema(STAGING)).parquet(f"{stage}/_assessed")


def _part(rows: DataFrame, rec: str, prefix: str) -> DataFrame:
    """The staging rows of kind ``rec`` with their own column names."""
    cols = [F.col("file_no"), F.col("idx")] + [
        F.col(c).alias(c[len(prefix):]) for c in rows.columns if c.startswith(prefix)]
    return rows.where(F.col("rec") == rec).select(*cols)


def _numbered(df: DataFrame, order: list[str], base: int, name: str) -> DataFrame:
    """``df``'s ``order`` columns with ``name`` = base + 1, base + 2, ... in that order
    (zipWithIndex: no single-partition window)."""
    sorted_keys = df.select(*order).orderBy(*order)
    rdd = sorted_keys.rdd.zipWithIndex().map(lambda r: (*r[0], base + 1 + r[1]))
    schema = sorted_keys.schema.add(name, "long")
    return df.sparkSession.createDataFrame(rdd, schema)


def _max(df: DataFrame, col: str) -> int:
    v = df.agg(F.max(col)).first()
    return int(v[0]) if v is not None and v[0] is not None else 0


def _select(df: DataFrame, table: Table, fill: dict[str, Column]) -> DataFrame:
    """``df`` as the rows of ``table``: every column in table order, cast to its type."""
    schema = table_schema(table)
    return df.select(*[(fill[f.name] if f.name in fill else F.col(f.name)).cast(f.dataType)
                       .alias(f.name) for f in schema.fields])


def scan(spark: SparkSession, inputs: list[str], out: str, p: ScanParams) -> SparkScanReport:
    """Scan ``inputs`` into the output folder ``out`` (one committed run)."""
    t0 = time.perf_counter()
    report = SparkScanReport(run_id=layout.new_run_id(), semantic=p.semantic)
    files, bad = _files(inputs)
    report.files = len(files)
    fs = RunFS(spark, out)
    fs.clean()
    stage = layout.staging_dir(fs.root, report.run_id)
    rows = _assess(spark, files, bad, p, stage)
    now = F.current_timestamp().cast("timestamp_ntz")

    docs = _part(rows, DOC, "d_")
    old_docs = read_table(spark, fs, DOCUMENTS).select("id", "doc_key")
    first = docs.withColumn("_n", F.row_number().over(
        Window.partitionBy("id").orderBy("file_no", "idx"))).where("_n = 1").drop("_n")
    new = first.join(old_docs.select("id"), "id", "left_anti")
    keys = _numbered(new, ["file_no", "idx"], _max(old_docs, "doc_key"), "doc_key")
    new = new.join(keys, ["file_no", "idx"]).cache()

    tables: dict[str, DataFrame] = {
        DOCUMENTS.name: _select(new, DOCUMENTS, {"ingested_at": now,
                                                 "tlp": F.lit(DEFAULT_TLP)}),
        ASSESSMENTS.name: _select(new, ASSESSMENTS, {}),
    }
    ents = _part(rows, ENT, "e_").join(keys, ["file_no", "idx"])
    old_ents = read_table(spark, fs, ENTITIES)
    fresh = ents.select("kind", "value").distinct().join(old_ents, ["kind", "value"],
                                                         "left_anti")
    fresh = _numbered(fresh, ["kind", "value"], _max(old_ents, "entity_id"), "entity_id")
    tables[ENTITIES.name] = _select(fresh, ENTITIES, {})
    all_ents = old_ents.unionByName(_select(fresh, ENTITIES, {}))
    tables[DOC_ENTITIES.name] = _select(ents.join(all_ents, ["kind", "value"]), DOC_ENTITIES, {})
    hits = _part(rows, HIT, "h_").join(keys, ["file_no", "idx"])
    tables[INDICATOR_HITS.name] = _select(hits, INDICATOR_HITS, {})
    quar = _part(rows, QUAR, "q_").cache()
    old_q = read_table(spark, fs, QUARANTINE).select("qid")
    tables[QUARANTINE.name] = _select(
        quar.dropDuplicates(["qid"]).join(old_q, "qid", "left_anti"), QUARANTINE,
        {"quarantined_at": now})

    for t in SCAN_TABLES:
        tables[t.name].write.mode("overwrite").parquet(f"{stage}/{t.name}")
    _count(report, docs, old_docs, new, quar)
    report.seconds = time.perf_counter() - t0
    for t in SCAN_TABLES:
        fs.move(f"{stage}/{t.name}", layout.table_dir(fs.root, t.name, report.run_id))
    fs.commit(report.run_id, {"kind": "scan", **report.to_dict()})
    fs.delete(stage)
    new.unpersist()
    quar.unpersist()
    return report


def _count(report: SparkScanReport, docs: DataFrame, old_docs: DataFrame, new: DataFrame,
           quar: DataFrame) -> None:
    ok = docs.count()
    report.already_stored = docs.join(old_docs.select("id"), "id", "left_semi").count()
    n = new.agg(F.count("*"), F.count("semantic")).first()
    report.new, report.escalated = (int(n[0]), int(n[1])) if n is not None else (0, 0)
    report.duplicates = ok - report.new - report.already_stored
    report.unparsed_times = docs.where(F.col("posted_raw").isNotNull()).count()
    why = F.split("reason", ":").getItem(0)
    for r in quar.groupBy(why.alias("why")).agg(
            F.count("*").alias("n"),
            F.min(F.struct("file_no", "line", "input", "unit")).alias("at")).collect():
        report.reasons[r["why"]] = int(r["n"])
        at = r["at"]
        report.first_at[r["why"]] = f"{at['input']} {at['unit']} {at['line']}"
    report.quarantined = sum(report.reasons.values())
    report.read = ok + report.quarantined
