"""Store.write on real DuckDB files: one transaction per batch, uniqueness, bulk reads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from waspada.store.db import Store, WriteBatch


def batch(docs: list[tuple[str, list[tuple[str, str]]]], evidence: str = "[[0, 4, \"gaji\"]]"
          ) -> WriteBatch:
    """A batch of (id, [(kind, value), ...]) documents, each with one indicator hit."""
    b = WriteBatch()
    for i, (doc_id, ents) in enumerate(docs):
        b.ids.append(doc_id)
        b.external_ids.append(f"x{i}")
        b.sources.append("test")
        b.urls.append(None)
        b.posted.append(datetime(2026, 1, i + 1))
        b.languages.append("id")
        b.scripts.append("Latin")
        b.texts.append(f"text of {doc_id}")
        b.model_versions.append("test-1")
        b.risks.append(10 * i)
        b.levels.append("low")
        b.categories.append("benign")
        b.explanations.append("")
        b.probabilities.append(None)
        for kind, value in ents:
            b.ent_doc.append(i)
            b.ent_kind.append(kind)
            b.ent_value.append(value)
            b.ent_start.append(0)
            b.ent_end.append(4)
            b.ent_recognizer.append("test")
            b.ent_score.append(1.0)
            b.ent_attrs.append('{"country": "KH"}')
        b.hit_doc.append(i)
        b.hit_id.append("recruit.test")
        b.hit_category.append("recruitment_lure")
        b.hit_weight.append(0.5)
        b.hit_evidence.append(evidence)
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
