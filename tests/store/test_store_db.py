"""Store.write on real DuckDB files: one transaction per batch, uniqueness, bulk reads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from waspada.store.db import ArrowBatch, Store, WriteBatch


def batch(docs: list[tuple[str, list[tuple[str, str]]]], evidence: str = "[[0, 4, \"gaji\"]]"
          ) -> WriteBatch:
    """A batch of (id, [(kind, value), ...]) documents, each with one indicator hit."""
    b = WriteBatch()
    for i, (doc_id, ents) in enumerate(docs):
        b.add_document(
            doc_id, external_id=f"x{i}", source="test", url=None, posted=datetime(2026, 1, i + 1),
            language="id", script="Latin", text=f"text of {doc_id}", model_version="test-1",
            risk=10 * i, level="low", category="benign", explanation="", probabilities=None,
        )
        for kind, value in ents:
            b.add_entity(i, kind, value, 0, 4, "test", 1.0, '{"country": "KH"}')
        b.add_hit(i, "recruit.test", "recruitment_lure", 0.5, evidence)
    return b


PHONE = ("phone", "+855965550142")
TG = ("telegram", "hrd_kerja")


def table_counts(st: Store) -> tuple[int, ...]:
    row = st.query("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM assessments),"
                   " (SELECT count(*) FROM entities), (SELECT count(*) FROM doc_entities),"
                   " (SELECT count(*) FROM indicator_hits)")[0]
    return tuple(row)


def test_write_stores_every_table_and_skips_known_ids(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.duckdb") as st:
        assert st.write(batch([("a", [PHONE, TG]), ("b", [PHONE])]), []) == 2
        assert table_counts(st) == (2, 2, 2, 3, 2)
        # "a" again plus a new "c" that shares the phone: only c and its links are added
        assert st.write(batch([("a", [PHONE, TG]), ("c", [PHONE])]), []) == 1
        assert table_counts(st) == (3, 3, 2, 4, 3)
        shared = st.query("SELECT count(DISTINCT doc_key) FROM doc_entities JOIN entities "
                          "USING (entity_id) WHERE kind = 'phone'")
        assert shared == [(3,)]


def test_duplicate_ids_within_one_batch_keep_the_first(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.duckdb") as st:
        assert st.write(batch([("a", [PHONE]), ("a", [TG])]), []) == 1
        assert st.query("SELECT external_id FROM documents") == [("x0",)]
        assert st.query("SELECT kind FROM entities") == [("phone",)]


def test_a_failing_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.duckdb") as st:
        st.write(batch([("a", [PHONE])]), [])
        # the indicator hits go in last; invalid JSON evidence fails there
        with pytest.raises(duckdb.Error):
            st.write(batch([("b", [TG]), ("c", [])], evidence="{not json"), [])
        assert table_counts(st) == (1, 1, 1, 1, 1)
        assert st.query("SELECT id FROM documents") == [("a",)]


def test_quarantine_rows_are_stored_once(tmp_path: Path) -> None:
    q = [("in.jsonl", "line", 3, "broken JSON: x (column 1)", "{x"),
         ("in.jsonl", "line", 3, "broken JSON: x (column 1)", "{x"),
         ("in.jsonl", "line", 4, "empty text", "")]
    with Store.open(tmp_path / "w.duckdb") as st:
        st.write(WriteBatch(), q)
        st.write(WriteBatch(), q[:1])
        assert st.query("SELECT line, reason FROM quarantine ORDER BY line") == [
            (3, "broken JSON: x (column 1)"), (4, "empty text")]


def test_iter_documents_with_entities_pages_in_key_order(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.duckdb") as st:
        st.write(batch([("a", [PHONE, TG]), ("b", []), ("c", [PHONE])]), [])
        pages = list(st.iter_documents_with_entities(batch_size=2))
        assert [[d["id"] for d in p] for p in pages] == [["a", "b"], ["c"]]
        first = pages[0][0]
        assert sorted(first["entities"]) == sorted([PHONE, TG])
        assert pages[0][1]["entities"] == []
        later = list(st.iter_documents_with_entities(since_key=first["doc_key"]))
        assert [d["id"] for p in later for d in p] == ["b", "c"]
        t = st.arrow("SELECT id, risk FROM documents JOIN assessments USING (doc_key) "
                     "ORDER BY id")
        assert t.to_pydict() == {"id": ["a", "b", "c"], "risk": [0, 10, 20]}


def test_arrow_batch_survives_ipc_and_writes_like_the_write_batch(tmp_path: Path) -> None:
    wb = batch([("a", [PHONE, TG]), ("b", []), ("a", [TG])])
    ab = wb.to_arrow(base=7 << 24)
    back = ArrowBatch.from_ipc(ab.to_ipc())
    assert back.docs.equals(ab.docs) and back.ents.equals(ab.ents) and back.hits.equals(ab.hits)
    assert back.docs.column("idx").to_pylist() == [7 << 24, (7 << 24) + 1, (7 << 24) + 2]
    assert back.ents.column("idx").to_pylist() == [7 << 24, 7 << 24, (7 << 24) + 2]
    with Store.open(tmp_path / "w.duckdb") as st:
        assert st.write(back, []) == 2  # the second "a" (higher idx) is skipped
        assert table_counts(st) == (2, 2, 2, 2, 2)
        assert st.query("SELECT external_id FROM documents ORDER BY doc_key") == [("x0",),
                                                                                  ("x1",)]


def test_concatenated_arrow_batches_keep_links_per_chunk(tmp_path: Path) -> None:
    one = batch([("a", [PHONE])]).to_arrow(base=1 << 24)
    two = batch([("b", [TG]), ("c", [PHONE])]).to_arrow(base=2 << 24)
    with Store.open(tmp_path / "w.duckdb") as st:
        assert st.write(ArrowBatch.concat([one, two]), []) == 3
        links = st.query("SELECT d.id, e.kind FROM doc_entities JOIN documents d "
                         "USING (doc_key) JOIN entities e USING (entity_id) ORDER BY d.id")
    assert links == [("a", "phone"), ("b", "telegram"), ("c", "phone")]


def test_stored_id_keys_and_unstored_ids(tmp_path: Path) -> None:
    # sha256 hex ids: the first 16 hex digits are the 64-bit key
    ids = ["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
           "0000000000000001" + "f" * 48, "ffffffffffffffff" + "0" * 48]
    with Store.open(tmp_path / "w.duckdb") as st:
        assert len(st.stored_id_keys()) == 0
        st.write(batch([(i, []) for i in ids]), [])
        keys = st.stored_id_keys()
        assert keys.dtype.name == "uint64"
        assert keys.tolist() == [1, 0xba7816bf8f01cfea, 0xffffffffffffffff]
        assert st.unstored_ids([ids[0], "0" * 64, ids[2], "1" * 64]) == {"0" * 64, "1" * 64}
        assert st.unstored_ids([]) == set()
