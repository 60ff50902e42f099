"""``spark link``: campaigns and networks of every document a Spark scan wrote, with the
embedded linker's own functions for the per-document and per-group work, and Spark for the
distributed parts. The answer is that of ``waspada link`` run once over the same documents.

Campaigns: signatures and band keys per document (``link.campaigns.signatures``: masking,
5-character shingles, the same 64 MinHash permutations; ``link.minhash.band_keys``) in
``mapInPandas``; banding with ``explode`` and windows over each (band, key) bucket, pairing each
member with the bucket's first member and its predecessor in doc_key order, as
``minhash.bucket_pairs`` does; each candidate pair verified by its estimated Jaccard similarity
(equal slots / 64, compared in float32 as numpy does); connected components of the verified
pairs (``components``: large-star / small-star); inside each component the documents are placed
on seeds (``link.campaigns.place_component``, in ``applyInPandas``), and a campaign of at least
two documents is named after its seed (``link.ids.new_id``).

Networks: each (kind, value) of a linking kind, not on the allow-list (``link.allowlist``) and
in at most ``hub_cap`` documents (``LinkConfig.hub_cap``: the hub rule) joins its documents; the
components are the networks, named after their earliest member by posting time, then id.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from waspada.link.allowlist import load_allowlist
from waspada.link.campaigns import place_component, signatures
from waspada.link.ids import new_id, time_rank
from waspada.link.linker import CAMPAIGN_PREFIX, NETWORK_PREFIX, LinkConfig
from waspada.link.minhash import MinHasher, band_keys, is_empty
from waspada.link.types import LINKING_KINDS, LinkDoc
from waspada.spark import layout
from waspada.spark.components import components
from waspada.spark.fs import RunFS
from waspada.spark.scan import read_table
from waspada.store.tables import (
    CAMPAIGN_MEMBERS,
    DOC_ENTITIES,
    DOCUMENTS,
    ENTITIES,
    NETWORK_MEMBERS,
)


@dataclass(slots=True)
class SparkLinkReport:
    run_id: str = ""
    documents: int = 0
    campaigns: int = 0
    networks: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "documents": self.documents,
                "campaigns": self.campaigns, "networks": self.networks,
                "seconds": round(self.seconds, 3)}


def _signature_rows(cfg: LinkConfig) -> Any:
    """The ``mapInArrow`` function: (doc_key, text, idents) in, (doc_key, sig, keys) out;
    ``sig`` the signature's bytes, ``keys`` the band keys (null for a document without
    shingles: it is nobody's near-duplicate)."""
    hasher = MinHasher(cfg.num_perm, cfg.seed)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for b in batches:
            docs = [LinkDoc(doc_id="", text=t or "",
                            identifiers=sorted((str(k), str(v)) for k, v in (ids or [])))
                    for t, ids in zip(b.column("text").to_pylist(),
                                      b.column("idents").to_pylist(), strict=True)]
            sig = signatures(docs, hasher, workers=1)
            keys = band_keys(sig, cfg.bands).view(np.int64)
            empty = is_empty(sig)
            yield pa.RecordBatch.from_pydict({
                "doc_key": b.column("doc_key"),
                "sig": pa.array([r.tobytes() for r in sig.astype("<u4")], pa.binary()),
                "keys": pa.array([None if e else k.tolist() for e, k in zip(empty, keys,
                                                                            strict=True)],
                                 pa.list_(pa.int64())),
            })

    return run


def _verified(sigs: DataFrame, cfg: LinkConfig) -> DataFrame:
    """Candidate pairs (a, b) of the banding index whose estimated Jaccard >= threshold."""
    banded = sigs.where(F.col("keys").isNotNull()).select(
        "doc_key", F.posexplode("keys").alias("band", "key"))
    w = Window.partitionBy("band", "key").orderBy("doc_key")
    b = banded.select("doc_key", F.lag("doc_key").over(w).alias("prev"),
                      F.first("doc_key").over(w).alias("head"))
    pairs = (b.where(F.col("prev").isNotNull())
             .select(F.explode(F.array(F.array("prev", "doc_key"), F.array("head", "doc_key")))
                     .alias("p"))
             .select(F.least(F.col("p")[0], F.col("p")[1]).alias("a"),
                     F.greatest(F.col("p")[0], F.col("p")[1]).alias("b"))
             .where("a != b").distinct())
    s = sigs.select("doc_key", "sig")
    joined = (pairs.join(s.withColumnRenamed("doc_key", "a").withColumnRenamed("sig", "sa"), "a")
              .join(s.withColumnRenamed("doc_key", "b").withColumnRenamed("sig", "sb"), "b"))
    # numpy compares the float32 estimate with the threshold as float32
    cut = float(np.float32(cfg.threshold))
    return joined.where(_equal_slots("sa", "sb", cfg.num_perm) / cfg.num_perm >= cut).select(
        "a", "b")


def _equal_slots(x: str, y: str, n: int) -> Any:
    """How many of the n 4-byte slots of two signatures are equal."""
    return sum((F.substring(x, 4 * i + 1, 4) == F.substring(y, 4 * i + 1, 4)).cast("int")
               for i in range(n))


def _place(cfg: LinkConfig) -> Any:
    """The ``applyInArrow`` function over one component: each document's campaign id."""
    cut = cfg.threshold

    def run(t: pa.Table) -> pa.Table:
        sig = np.frombuffer(b"".join(t.column("sig").to_pylist()), dtype="<u4").reshape(
            t.num_rows, cfg.num_perm)
        ids = t.column("id").to_pylist()
        label, seeds = place_component(sig, time_rank(t.column("posted_at").to_pylist(), ids),
                                       cut)
        sizes = np.bincount(label)
        names = [new_id(CAMPAIGN_PREFIX, ids[s]) for s in seeds]
        return pa.table({"doc_key": t.column("doc_key"),
                         "campaign_id": pa.array([names[lab] if sizes[lab] >= cfg.min_size
                                                  else None for lab in label], pa.string())})

    return run


def _not_allowed(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function: the (kind, value) rows not on the allow-list."""
    allow = load_allowlist()
    for b in batches:
        keep = [not allow.allows(k, v) for k, v in zip(b.column("kind").to_pylist(),
                                                       b.column("value").to_pylist(),
                                                       strict=True)]
        yield b.filter(pa.array(keep, pa.bool_()))


def campaigns(docs: DataFrame, idents: DataFrame, cfg: LinkConfig) -> DataFrame:
    """(doc_key, campaign_id) of every document in a campaign."""
    per_doc = idents.groupBy("doc_key").agg(
        F.collect_set(F.array("kind", "value")).alias("idents"))
    rows = docs.join(per_doc, "doc_key", "left").select("doc_key", "text", "idents")
    sigs = rows.mapInArrow(_signature_rows(cfg),
                            "doc_key long, sig binary, keys array<long>").localCheckpoint()
    comp = components(_verified(sigs, cfg).select("a", "b"))
    members = (comp.withColumnRenamed("node", "doc_key")
               .join(sigs.select("doc_key", "sig"), "doc_key")
               .join(docs.select("doc_key", "id", "posted_at"), "doc_key"))
    placed = members.groupBy("label").applyInArrow(_place(cfg),
                                                    "doc_key long, campaign_id string")
    return placed.where(F.col("campaign_id").isNotNull())


def networks(docs: DataFrame, idents: DataFrame, cfg: LinkConfig, n_docs: int) -> DataFrame:
    """(doc_key, network_id) of every document in a network."""
    linking = idents.where(F.col("kind").isin(sorted(LINKING_KINDS))).select(
        "doc_key", "kind", "value").distinct()
    vocab = linking.select("kind", "value").distinct()
    vocab = vocab.mapInArrow(_not_allowed, vocab.schema)
    df = linking.join(vocab, ["kind", "value"]).groupBy("kind", "value").agg(
        F.count("*").alias("df"), F.min("doc_key").alias("hub"))
    keep = df.where(F.col("df") <= cfg.hub_cap(n_docs))
    edges = (linking.join(keep, ["kind", "value"])
             .select(F.col("hub").alias("a"), F.col("doc_key").alias("b")))
    comp = components(edges).withColumnRenamed("node", "doc_key")
    comp = comp.join(docs.select("doc_key", "id", "posted_at"), "doc_key")
    # the earliest member: posting time (undated last), then id (``ids.time_rank``)
    first = comp.groupBy("label").agg(
        F.min(F.struct(F.col("posted_at").isNull().alias("undated"), "posted_at", "id"))
        .alias("f"), F.count("*").alias("size"))
    named = first.where(F.col("size") >= cfg.min_size).select(
        "label", F.col("f.id").alias("first_id"))
    prefix_udf = F.udf(lambda d: new_id(NETWORK_PREFIX, d), "string")
    return comp.join(named, "label").select(
        "doc_key", prefix_udf("first_id").alias("network_id"))


def link(spark: SparkSession, out: str, cfg: LinkConfig | None = None) -> SparkLinkReport:
    """Link every document of the output folder ``out`` (one committed link run)."""
    cfg = cfg or LinkConfig()
    t0 = time.perf_counter()
    report = SparkLinkReport(run_id=layout.new_run_id())
    fs = RunFS(spark, out)
    fs.clean()
    stage = layout.staging_dir(fs.root, report.run_id)
    docs = read_table(spark, fs, DOCUMENTS).select("doc_key", "id", "text", "posted_at")
    idents = read_table(spark, fs, DOC_ENTITIES).join(read_table(spark, fs, ENTITIES),
                                                      "entity_id").select(
        "doc_key", "kind", "value")
    report.documents = docs.count()
    tables = {CAMPAIGN_MEMBERS.name: campaigns(docs, idents, cfg),
              NETWORK_MEMBERS.name: networks(docs, idents, cfg, report.documents)}
    for name, t in tables.items():
        t.write.mode("overwrite").parquet(f"{stage}/{name}")
    counts = {name: spark.read.parquet(f"{stage}/{name}").select(t.columns[1]).distinct().count()
              for name, t in tables.items()}
    report.campaigns = counts[CAMPAIGN_MEMBERS.name]
    report.networks = counts[NETWORK_MEMBERS.name]
    report.seconds = time.perf_counter() - t0
    for name in tables:
        fs.move(f"{stage}/{name}", layout.table_dir(fs.root, name, report.run_id))
    fs.commit(report.run_id, {"kind": "link", **report.to_dict()})
    fs.delete(stage)
    return report
