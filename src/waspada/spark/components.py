"""Connected components of a graph held as a Spark DataFrame of edges, by the large-star /
small-star alternation (Kiveris et al., "Connected Components in MapReduce and Beyond", SoCC
2014): O(log^2 n) rounds of joins and group-bys, each keeping O(edges) rows, ending with every
component as a star around its smallest node. The same partition as the embedded path's
union-find over the same edges (``link.campaigns.components``)."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

#: rounds before giving up (a graph needs about log2(n)^2 at worst; 2^40 nodes fit in 64)
MAX_ROUNDS = 64


def _undirected(e: DataFrame) -> DataFrame:
    """Both directions of every edge, self-loops dropped: (u, v)."""
    e = e.where(F.col("a") != F.col("b"))
    return (e.select(F.col("a").alias("u"), F.col("b").alias("v"))
            .unionByName(e.select(F.col("b").alias("u"), F.col("a").alias("v"))))


def _large_star(e: DataFrame) -> DataFrame:
    """Each node u links its larger neighbours to the smallest of u and its neighbours."""
    adj = _undirected(e)
    m = adj.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (adj.where(F.col("v") > F.col("u")).join(m, "u")
            .select(F.col("v").alias("a"), F.col("m").alias("b")).distinct())


def _small_star(e: DataFrame) -> DataFrame:
    """Each node u links itself and its smaller neighbours to the smallest of them."""
    adj = _undirected(e).where(F.col("v") < F.col("u"))
    m = adj.groupBy("u").agg(F.min("v").alias("m"))
    out = (adj.join(m, "u").select(F.col("v").alias("a"), F.col("m").alias("b"))
           .unionByName(m.select(F.col("u").alias("a"), F.col("m").alias("b"))))
    return out.where(F.col("a") != F.col("b")).distinct()


def _same(x: DataFrame, y: DataFrame) -> bool:
    return bool(x.exceptAll(y).isEmpty() and y.exceptAll(x).isEmpty())


def components(edges: DataFrame) -> DataFrame:
    """(node, label) for every node of ``edges`` (columns a, b: longs): ``label`` is the
    smallest node of its component. Nodes without edges are not listed."""
    e = edges.select(F.least("a", "b").alias("a"), F.greatest("a", "b").alias("b")).where(
        F.col("a") != F.col("b")).distinct().localCheckpoint()
    for _ in range(MAX_ROUNDS):
        nxt = _small_star(_large_star(e)).select(
            F.least("a", "b").alias("a"), F.greatest("a", "b").alias("b")).distinct()
        nxt = nxt.localCheckpoint()
        if _same(e, nxt):
            break
        e = nxt
    else:  # pragma: no cover - the bound above is never reached
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    # a star around the smallest node: every edge is (label, node); the centre labels itself
    return (e.select(F.col("b").alias("node"), F.col("a").alias("label"))
            .unionByName(e.select(F.col("a").alias("node"), F.col("a").alias("label")))
            .groupBy("node").agg(F.min("label").alias("label")))
