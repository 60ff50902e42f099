"""Migrations and the live schema, on real DuckDB files."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from waspada.errors import StoreError
from waspada.store import schema, tables
from waspada.store.db import Store

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "schema.txt"


def live_schema(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall()
    return [f"{t}.{c} {d}" for t, c, d in rows]


def test_live_schema_matches_the_golden_list(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.duckdb") as st:
        live = live_schema(st.con)
    golden = [ln for ln in GOLDEN.read_text().splitlines() if ln and not ln.startswith("#")]
    assert live == golden


def test_new_database_is_at_the_latest_version_with_every_step_recorded(tmp_path: Path) -> None:
    with Store.open(tmp_path / "w.duckdb") as st:
        assert st.version() == schema.latest_version() == len(schema.MIGRATIONS)
        rows = st.query("SELECT version, name FROM schema_version ORDER BY version")
    assert [r[0] for r in rows] == [m.version for m in schema.MIGRATIONS]
    assert all(r[1] for r in rows)


def test_database_at_version_1_migrates_to_latest_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert schema.migrate(con, target=1) == 1
    con.execute("INSERT INTO documents (id, ingested_at, text) VALUES ('abc', now(), 'hello')")
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
              .fetchall()}
    assert "scans" not in tables
    con.close()
    with Store.open(path) as st:
        assert st.version() == schema.latest_version()
        assert st.query("SELECT id, text FROM documents") == [("abc", "hello")]
        assert st.query("SELECT count(*) FROM scans") == [(0,)]
        # a document stored before TLP levels existed is AMBER (migration 7), not unmarked
        assert st.query("SELECT tlp FROM documents") == [("amber",)]


def test_an_appended_migration_is_applied_once(tmp_path: Path) -> None:
    path = str(tmp_path / "w.duckdb")
    extra = [*schema.MIGRATIONS,
             schema.Migration(99, "extra table (test)",
                              ("CREATE TABLE extra_test (x BIGINT, y INTEGER)",))]
    con = duckdb.connect(path)
    assert schema.migrate(con, migrations=extra) == 99
    assert schema.migrate(con, migrations=extra) == 99  # nothing left to do, no error
    assert con.execute("SELECT count(*) FROM schema_version WHERE version = 99").fetchone() == (1,)
    con.close()


def test_a_failing_migration_rolls_back_and_leaves_the_version(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    schema.migrate(con)
    bad = [*schema.MIGRATIONS, schema.Migration(
        50, "broken", ("CREATE TABLE half (x INT)", "SELECT * FROM no_such_table"))]
    with pytest.raises(duckdb.Error):
        schema.migrate(con, migrations=bad)
    assert schema.current_version(con) == schema.latest_version()
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
             .fetchall()}
    assert "half" not in names


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    with Store.open(path) as st:
        st.con.execute("INSERT INTO schema_version VALUES (999, 'future', now())")
    with pytest.raises(StoreError, match="schema version 999"):
        Store.open(path)


def test_read_only_open_of_a_missing_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="waspada scan"):
        Store.open(tmp_path / "none.duckdb", read_only=True)


def test_duplicate_migration_versions_are_rejected(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    dup = [schema.Migration(1, "a", ()), schema.Migration(1, "b", ())]
    with pytest.raises(ValueError, match="duplicate"):
        schema.migrate(con, migrations=dup)


def test_version_4_rebuilds_documents_keeping_rows_keys_and_the_sequence(tmp_path: Path) -> None:
    path = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(path))
    assert schema.migrate(con, target=3) == 3
    con.execute("INSERT INTO documents (id, ingested_at, text) VALUES ('a', now(), 'one'), "
                "('b', now(), 'two')")
    con.execute("DELETE FROM documents WHERE id = 'a'")  # a gap in doc_key stays a gap
    # version 3 still has the UNIQUE index on id
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO documents (id, ingested_at, text) VALUES ('b', now(), 'x')")
    con.close()
    with Store.open(path) as st:
        assert st.version() == schema.latest_version() >= 4
        assert st.query("SELECT doc_key, id, text FROM documents") == [(2, "b", "two")]
        st.con.execute("INSERT INTO documents (id, ingested_at, text) VALUES ('c', now(), 'z')")
        # the sequence goes on (the refused insert above used up 3): no key is handed out twice
        assert st.query("SELECT doc_key FROM documents WHERE id = 'c'") == [(4,)]
        # uniqueness of id is now the writer's job (an anti-join in Store.write), not an index's
        indexed = st.query("SELECT count(*) FROM duckdb_constraints() WHERE table_name = "
                           "'documents' AND constraint_type = 'UNIQUE'")
        assert indexed == [(0,)]


def test_version_5_adds_posted_raw_and_scan_duplicates_keeping_rows(tmp_path: Path) -> None:
    path = tmp_path / "v4.duckdb"
    con = duckdb.connect(str(path))
    assert schema.migrate(con, target=4) == 4
    con.execute("INSERT INTO documents (id, posted_at, ingested_at, text) VALUES "
                "('a', TIMESTAMP '2026-01-02 03:04:05', now(), 'one')")
    con.execute("INSERT INTO scans VALUES ('s1', now(), now(), 'in.jsonl', 'complete', 1, 1, 0, "
                "0)")
    con.close()
    with Store.open(path) as st:
        assert st.version() == schema.latest_version() >= 5
        assert st.query("SELECT doc_key, id, text, posted_raw FROM documents") == [
            (1, "a", "one", None)]
        assert st.query("SELECT scan_id, records_read, duplicates FROM scans") == [
            ("s1", 1, None)]
        # the writer fills the new column: a time that could not be read is kept as given
        from waspada.store.db import WriteBatch

        b = WriteBatch()
        b.add_document("b", external_id=None, source=None, url=None, posted=None,
                       language="id", script="latin", text="two", model_version="m", risk=1,
                       level="low", category="benign", explanation="", probabilities=None,
                       posted_raw="kemarin sore")
        assert st.write(b, []) == 1
        assert st.query("SELECT posted_at, posted_raw FROM documents WHERE id = 'b'") == [
            (None, "kemarin sore")]


def test_version_6_adds_the_semantic_columns_old_documents_read_as_not_read(
    tmp_path: Path,
) -> None:
    """A store made before the semantic stage opens for writing migrated (no copy): its
    documents have ``semantic`` NULL (the stage did not read them; there was none), its scans no
    mode; a new document carries its P."""
    path = tmp_path / "v5.duckdb"
    con = duckdb.connect(str(path))
    assert schema.migrate(con, target=5) == 5
    con.execute("INSERT INTO documents (id, ingested_at, text) VALUES ('a', now(), 'one')")
    con.execute("INSERT INTO scans VALUES ('s1', now(), now(), 'in.jsonl', 'complete', 1, 1, 0, "
                "0, 0)")
    con.close()
    with Store.open(path) as st:
        assert st.version() == schema.latest_version() >= 6
        assert st.query("SELECT doc_key, id, semantic FROM documents") == [(1, "a", None)]
        assert st.query("SELECT scan_id, semantic FROM scans") == [("s1", None)]
        from waspada.store.db import WriteBatch

        b = WriteBatch()
        for doc_id, p in (("b", 0.8125), ("c", None)):
            b.add_document(doc_id, external_id=None, source=None, url=None, posted=None,
                           language="id", script="latin", text=doc_id, model_version="m",
                           risk=1, level="low", category="benign", explanation="",
                           probabilities=None, semantic=p)
        assert st.write(b, []) == 2
        assert st.query("SELECT id, semantic FROM documents ORDER BY doc_key") == [
            ("a", None), ("b", 0.8125), ("c", None)]


def test_the_column_specification_is_the_migrated_schema(tmp_path: Path) -> None:
    """``tables`` (what the writer, the reads and the export derive their columns from) says
    exactly what the migrations build: every table, column, order and type."""
    with Store.open(tmp_path / "w.duckdb") as st:
        live = live_schema(st.con)
    spec = [f"{t.name}.{c.name} {c.sql}" for t in sorted(tables.TABLES, key=lambda t: t.name)
            for c in t.columns]
    assert spec == live
