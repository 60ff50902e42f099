"""The one owner of DuckDB connections: the single writer and the readers.

``Store.open(path)`` opens (creating and migrating) the database for writing; ``Store.open(path,
read_only=True)`` opens an existing one for queries. Everything else in Waspada goes through a
``Store``; nothing else imports duckdb, and every SQL statement lives in this package
(``writes`` and ``reads`` for the writer, ``queries`` and ``links`` for the CLI and linking), with
its columns from ``tables``.

Writes come as ``ArrowBatch``es (ready-to-insert Arrow tables the scan workers build and ship as
Arrow IPC bytes) or ``WriteBatch``es (plain column lists; both in ``batch``), and each batch is
ONE transaction:
documents, assessments, entities, entity links and indicator hits commit together or not at all,
so a scan killed at any moment leaves only whole batches behind. A document whose
content-hash id is already stored is skipped (an anti-join in the same transaction; this single
writer is what keeps ids unique, no index repeats the check: see schema migration 4), so re-scans
and resumed scans are idempotent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from waspada.errors import StoreError
from waspada.store import reads, schema, writes
from waspada.store.batch import ArrowBatch, WriteBatch

DEFAULT_DB = "waspada.duckdb"
#: what DuckDB raises when it cannot write the file (disk full, a file size limit, an I/O error,
#: the database invalidated by one): the user's to fix, reported as a ``StoreError``
_WRITE_ERRORS = (duckdb.IOException, duckdb.FatalException, duckdb.OutOfMemoryException)


def utf8_path(path: str) -> bool:
    """Whether DuckDB can take ``path``: a file name with bytes that are not UTF-8 (a lone
    surrogate in Python) makes it fail with an internal error."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Store:
    """A DuckDB intel store. Use as a context manager, or call ``close()``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: str | Path = DEFAULT_DB, *, read_only: bool = False,
             migrate: bool = True) -> Store:
        p = str(path)
        if read_only and p != ":memory:" and not Path(p).exists():
            raise StoreError(f"no database at {p}: run `waspada scan INPUT --db {p}` first")
        if not utf8_path(p):
            raise StoreError(f"cannot open database {p}: DuckDB takes only UTF-8 file names")
        try:
            con = duckdb.connect(p, read_only=read_only)
        except duckdb.Error as e:
            raise StoreError(f"cannot open database {p}: {e}") from e
        try:
            # DuckDB draws a progress bar on stdout for long statements: it would corrupt --json
            con.execute("SET enable_progress_bar = false")
            have = schema.current_version(con)
        except duckdb.Error as e:  # e.g. a damaged block
            con.close()
            raise StoreError(f"cannot read database {p}: {e}") from e
        if have > schema.latest_version():
            con.close()
            raise StoreError(f"{p} has schema version {have}; this release knows up to "
                             f"{schema.latest_version()}: upgrade waspada")
        if not read_only and migrate:
            schema.migrate(con)
        elif read_only and have < schema.latest_version():
            con.close()
            raise StoreError(f"{p} has schema version {have}; open it once for writing (e.g. "
                             "`waspada scan`) to migrate it")
        return cls(con, p, read_only)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.con.close()  # a writer checkpoints here
        except _WRITE_ERRORS as e:
            raise self._write_error(e) from e

    def cursor(self) -> Store:
        """A ``Store`` on a new cursor of this connection, for one thread (a DuckDB connection
        is not for concurrent use; its cursors are). Closing it leaves this one open."""
        return Store(self.con.cursor(), self.path, self.read_only)

    def version(self) -> int:
        return schema.current_version(self.con)

    # ---- writing ---------------------------------------------------------------------------

    def tune_for_bulk_writes(self, memory_limit: str = "256MB", threads: int = 1,
                             checkpoint_threshold: str = "128MB") -> None:
        """Bound this writer's memory (buffer cache, indexes, join state) and threads: the
        scan's parent shares the machine with the worker processes."""
        self.con.execute("SET memory_limit = ?", [memory_limit])
        self.con.execute("SET threads = ?", [int(threads)])
        self.con.execute("SET preserve_insertion_order = false")
        # a checkpoint rewrites the table's last, partly filled row group (122,880 rows) and the
        # indexes: at DuckDB's default (a 16 MB WAL, about 15,000 documents) a long scan paid
        # for that several times over per row group; 128 MB is about one per row group
        self.con.execute("SET checkpoint_threshold = ?", [checkpoint_threshold])

    def write(self, b: WriteBatch | ArrowBatch,
              quarantine: list[tuple[str, str, int, str, str]]) -> int:
        """Store one batch in ONE transaction; return how many documents were new.

        A document whose id is already stored, or repeats an earlier (lower ``idx``) one of the
        batch, is skipped. ``quarantine``: (input, unit, line, reason, excerpt) rows, stored
        idempotently.
        """
        return self.write_counted(b, quarantine)[0]

    def write_counted(self, b: WriteBatch | ArrowBatch,
                      quarantine: list[tuple[str, str, int, str, str]]) -> tuple[int, int]:
        """``write``, returning how many documents were new and how many of those the semantic
        stage read (``semantic`` not NULL)."""
        ab = b.to_arrow() if isinstance(b, WriteBatch) else b
        con = self.con
        try:
            con.begin()
            new = writes.write_docs(con, ab) if len(ab) else (0, 0)
            if quarantine:
                writes.write_quarantine(con, quarantine)
        except BaseException as e:
            with contextlib.suppress(duckdb.Error):  # a failed write may end the transaction
                con.rollback()
            if isinstance(e, _WRITE_ERRORS):
                raise self._write_error(e) from e
            raise
        try:
            con.commit()
        except duckdb.Error as e:  # every statement ran: writing the file failed
            with contextlib.suppress(duckdb.Error):
                con.rollback()
            raise self._write_error(e) from e
        return new

    def _write_error(self, e: duckdb.Error) -> StoreError:
        """A clear error for a write DuckDB refused (a full disk, a file size limit, ...): the
        transaction is rolled back, committed batches stay."""
        return StoreError(f"cannot write to the database {self.path}: {e}")

    # ---- the resume pre-filter ---------------------------------------------------------------

    def stored_id_keys(self) -> np.ndarray:
        """The first 64 bits of every stored document id, as a sorted ``uint64`` array (8 bytes
        a document): a compact, shippable "probably stored" set for the scan workers. A hit must
        be confirmed with ``unstored_ids`` (two texts may share a 64-bit prefix)."""
        return reads.stored_id_keys(self.con)

    def unstored_ids(self, ids: list[str]) -> set[str]:
        """Those of ``ids`` that are NOT stored (one anti-join)."""
        return reads.unstored_ids(self.con, ids)

    def log_scan(self, scan_id: str, inputs: str, status: str, counts: dict[str, int],
                 started: Any, semantic: str | None = None) -> None:
        """Record one scan run (``semantic``: the mode it ran with)."""
        try:
            writes.log_scan(self.con, scan_id, inputs, status, counts, started, semantic)
        except _WRITE_ERRORS as e:
            raise self._write_error(e) from e

    # ---- bulk reads (for linking and exports) -----------------------------------------------

    def iter_documents_with_entities(self, since_key: int = 0, batch_size: int = 10_000
                                     ) -> Iterator[list[dict[str, Any]]]:
        """Documents with ``doc_key > since_key`` in key order, in lists of ``batch_size``; each
        a dict with doc_key, id, source, posted_at, language, risk, category, text and
        ``entities``: [(kind, value), ...]."""
        return reads.iter_documents_with_entities(self.con, since_key, batch_size)

    # ---- link tables (rows built by waspada.store.links) --------------------------------------

    def write_link(self, replace: dict[str, pa.Table], append: dict[str, pa.Table]) -> None:
        """In ONE transaction, replace all rows of the ``replace`` link tables and append the
        ``append`` rows (columns in table order)."""
        writes.write_link(self.con, replace, append)

    def arrow(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run a read-only SQL query and return an Arrow table (e.g. for linking in bulk)."""
        with self.reading():
            return self.con.sql(sql, params=params or None).to_arrow_table()

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run SQL and return its rows. A database error (a damaged block, a full disk) is a
        ``StoreError`` naming the file."""
        with self.reading():
            return self.con.execute(sql, params or []).fetchall()

    def copy_to(self, select: str, path: str, options: str) -> None:
        """``COPY (select) TO path (options)``: ``path`` is a bound parameter; ``select`` and
        ``options`` are SQL the caller builds from constants only."""
        with self.reading():
            self.con.execute(f"COPY ({select}) TO ? ({options})", [path])

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Turn DuckDB's errors inside the block into a ``StoreError`` naming the database."""
        try:
            yield
        except duckdb.Error as e:
            raise StoreError(f"database {self.path}: {e}") from e


__all__ = ["DEFAULT_DB", "ArrowBatch", "Store", "WriteBatch", "utf8_path"]
