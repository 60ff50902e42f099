"""``spark scan`` with the semantic stage on (``auto``): the executors load the packaged
encoder once per Python worker and give the embedded scan's semantic P and assessments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lab import spark_corpus
from waspada.ingest.readers import Fields
from waspada.ingest.scan import scan as embedded_scan
from waspada.spark.executor import ScanParams
from waspada.spark.scan import scan
from waspada.store.db import Store

from ._util import spark_rows, store_rows


def test_semantic_stage_gives_the_embedded_answers(spark: Any, shared_data: Path,
                                                   tmp_path: Path) -> None:
    recs = spark_corpus.build(40, seed=5)
    inputs = [str(p) for p in spark_corpus.write(recs, tmp_path / "in", n_files=1)]
    with Store.open(tmp_path / "e.duckdb") as st:
        er = embedded_scan(inputs, st, workers=0, semantic="auto")
    r = scan(spark, inputs, str(tmp_path / "out"), ScanParams(Fields(), semantic="auto"))
    assert (r.new, r.escalated) == (er.new, er.escalated)
    assert r.escalated > 0  # the stage read some texts
    emb = {d["id"]: (d["semantic"], d["risk"], d["level"], d["category"]) for d in store_rows(
        tmp_path / "e.duckdb", "SELECT * FROM documents JOIN assessments USING (doc_key)")}
    ass = {a["doc_key"]: a for a in spark_rows(str(tmp_path / "out"), "assessments")}
    spk = {d["id"]: (d["semantic"], ass[d["doc_key"]]["risk"], ass[d["doc_key"]]["level"],
                     ass[d["doc_key"]]["category"])
           for d in spark_rows(str(tmp_path / "out"), "documents")}
    assert spk == emb
