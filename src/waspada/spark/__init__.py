"""Scale-out on Apache Spark: ``waspada spark scan`` and ``waspada spark link``.

The same per-record work as the embedded path (``waspada.ingest`` reads, validates and assesses
records; ``waspada.link`` masks, shingles and hashes texts, applies the allow-list and names
groups), run inside Spark's ``mapInArrow``/``applyInPandas``; Spark does the distributed parts
(dedup by content id, banding, pair verification, connected components). Output: Parquet tables
with the store's columns (``waspada.store.tables``), which ``waspada import-parquet`` loads into
a store. Importing ``waspada`` never needs PySpark: only this package imports it.
"""
