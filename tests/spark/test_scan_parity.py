"""``spark scan`` against the embedded ``waspada scan`` on the same fixed corpus of real texts
(``lab.spark_corpus``; the semantic stage off in both, as its encoder is slow on CPU: the
semantic stage has its own test): the same documents, the same assessment per document, the
same entities and indicator hits, the same quarantine, and counts that add up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from lab import spark_corpus
from waspada.spark.layout import LocalLayout
from waspada.spark.schemas import SCAN_TABLES
from waspada.store.db import Store

from ._util import by_doc_id, spark_rows, store_rows

DOC_COLS = ("external_id", "source", "url", "posted_at", "posted_raw", "language", "script",
            "text", "semantic")
ASSESS_COLS = ("model_version", "risk", "level", "category", "explanation", "probabilities")


def test_counts_add_up_and_match_the_embedded_scan(both: Any) -> None:
    e, s = both.embedded_scan, both.spark_scan
    assert s.read == s.new + s.already_stored + s.duplicates + s.quarantined
    # the broken records planted in the corpus, each quarantined once
    assert s.quarantined == len(spark_corpus.BROKEN)
    assert s.duplicates > 0 and s.unparsed_times > 0
    for k in ("read", "new", "already_stored", "duplicates", "quarantined", "unparsed_times"):
        assert getattr(s, k) == getattr(e, k), k
    assert dict(s.reasons) == dict(e.reasons)


def test_same_documents_and_assessments(both: Any) -> None:
    sql = ("SELECT * FROM documents JOIN assessments USING (doc_key)")
    emb = {r["id"]: r for r in store_rows(both.store, sql)}
    docs = spark_rows(both.out, "documents")
    ass = {r["doc_key"]: r for r in spark_rows(both.out, "assessments")}
    spk = {d["id"]: {**d, **ass[d["doc_key"]]} for d in docs}
    assert len(spk) == len(docs) == both.spark_scan.new  # one row per content id
    assert spk.keys() == emb.keys()
    for doc_id, e in emb.items():
        s = spk[doc_id]
        for c in DOC_COLS + ASSESS_COLS:
            assert s[c] == e[c], (doc_id, c)
    # the first occurrence in input order is kept: doc_keys follow the input order, as the
    # embedded writer numbers them
    assert [d["id"] for d in sorted(docs, key=lambda d: d["doc_key"])] == [
        r["id"] for r in store_rows(both.store, "SELECT id FROM documents ORDER BY doc_key")]


def test_same_entities_and_indicator_hits(both: Any) -> None:
    edocs = store_rows(both.store, "SELECT doc_key, id FROM documents")
    sdocs = spark_rows(both.out, "documents")
    ent_cols = ("kind", "value", "start_pos", "end_pos", "recognizer", "score", "attrs")
    emb = by_doc_id(store_rows(both.store, "SELECT * FROM doc_entities JOIN entities "
                                           "USING (entity_id)"), edocs, ent_cols)
    ents = {r["entity_id"]: r for r in spark_rows(both.out, "entities")}
    assert len({(r["kind"], r["value"]) for r in ents.values()}) == len(ents)  # unique
    mentions = [{**m, **ents[m["entity_id"]]} for m in spark_rows(both.out, "doc_entities")]
    assert mentions and by_doc_id(mentions, sdocs, ent_cols) == emb
    hit_cols = ("indicator_id", "category", "weight", "evidence")
    emb_h = by_doc_id(store_rows(both.store, "SELECT * FROM indicator_hits"), edocs, hit_cols)
    spk_h = by_doc_id(spark_rows(both.out, "indicator_hits"), sdocs, hit_cols)
    assert spk_h and spk_h == emb_h


def test_same_quarantine(both: Any) -> None:
    cols = ("qid", "input", "unit", "line", "reason", "excerpt")
    emb = sorted(tuple(r[c] for c in cols) for r in store_rows(both.store,
                                                               "SELECT * FROM quarantine"))
    spk = sorted(tuple(r[c] for c in cols) for r in spark_rows(both.out, "quarantine"))
    assert spk == emb
    assert {r[4].split(":")[0] for r in spk} == {"broken JSON", "JSON value is not an object",
                                                 "empty text", "missing text field 'text'"}


def test_tables_have_the_store_columns(both: Any, tmp_path: Any) -> None:
    lay = LocalLayout(Path(both.out))
    run = lay.runs()[0]
    with Store.open(tmp_path / "empty.duckdb") as st:
        for t in SCAN_TABLES:
            want = st.arrow(f"SELECT * FROM {t.name} LIMIT 0").schema.names
            got = pq.read_schema(lay.files(t.name, run)[0])
            assert got.names == want, t.name
            # the store's Arrow types (nullability aside: a filled-in column is never null)
            assert [(f.name, f.type) for f in got] == [
                (f.name, f.type) for f in t.arrow_schema()], t.name
