"""The one owner of DuckDB connections: the single writer and the readers.

``Store.open(path)`` opens (creating and migrating) the database for writing; ``Store.open(path,
read_only=True)`` opens an existing one for queries. Everything else in Waspada goes through a
``Store``; nothing else imports duckdb.

Writes come as ``ArrowBatch``es (ready-to-insert Arrow tables the scan workers build and ship as
Arrow IPC bytes) or ``WriteBatch``es (plain column lists), and each batch is ONE transaction:
documents, assessments, entities, entity links and indicator hits commit together or not at all,
so a scan killed at any moment leaves only whole batches behind. A document whose
content-hash id is already stored is skipped (an anti-join in the same transaction; this single
writer is what keeps ids unique, no index repeats the check: see schema migration 4), so re-scans
and resumed scans are idempotent.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from waspada.errors import StoreError
from waspada.store import schema

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


@dataclass(slots=True)
class WriteBatch:
    """Columnar rows for one transaction. ``ent_doc`` / ``hit_doc`` index into the doc columns."""

    ids: list[str] = field(default_factory=list)
    external_ids: list[str | None] = field(default_factory=list)
    sources: list[str | None] = field(default_factory=list)
    urls: list[str | None] = field(default_factory=list)
    posted: list[Any] = field(default_factory=list)
    #: the time value as given when it could not be read (posted NULL); may be left empty
    posted_raw: list[str | None] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    model_versions: list[str] = field(default_factory=list)
    risks: list[int] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)
    probabilities: list[str | None] = field(default_factory=list)
    ent_doc: list[int] = field(default_factory=list)
    ent_kind: list[str] = field(default_factory=list)
    ent_value: list[str] = field(default_factory=list)
    ent_start: list[int] = field(default_factory=list)
    ent_end: list[int] = field(default_factory=list)
    ent_recognizer: list[str] = field(default_factory=list)
    ent_score: list[float] = field(default_factory=list)
    ent_attrs: list[str | None] = field(default_factory=list)
    hit_doc: list[int] = field(default_factory=list)
    hit_id: list[str] = field(default_factory=list)
    hit_category: list[str] = field(default_factory=list)
    hit_weight: list[float] = field(default_factory=list)
    hit_evidence: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def add_document(
        self,
        doc_id: str,
        *,
        external_id: str | None,
        source: str | None,
        url: str | None,
        posted: Any,
        language: str,
        script: str,
        text: str,
        model_version: str,
        risk: int,
        level: str,
        category: str,
        explanation: str,
        probabilities: str | None,
        posted_raw: str | None = None,
    ) -> int:
        """Append one document with its assessment; returns its index for entities and hits."""
        self.posted_raw.append(posted_raw)
        self.ids.append(doc_id)
        self.external_ids.append(external_id)
        self.sources.append(source)
        self.urls.append(url)
        self.posted.append(posted)
        self.languages.append(language)
        self.scripts.append(script)
        self.texts.append(text)
        self.model_versions.append(model_version)
        self.risks.append(risk)
        self.levels.append(level)
        self.categories.append(category)
        self.explanations.append(explanation)
        self.probabilities.append(probabilities)
        return len(self.ids) - 1

    def add_entity(
        self, doc: int, kind: str, value: str, start: int, end: int, recognizer: str,
        score: float, attrs: str | None,
    ) -> None:
        """Append one entity of the document at index ``doc`` (attrs: JSON text or None)."""
        self.ent_doc.append(doc)
        self.ent_kind.append(kind)
        self.ent_value.append(value)
        self.ent_start.append(start)
        self.ent_end.append(end)
        self.ent_recognizer.append(recognizer)
        self.ent_score.append(score)
        self.ent_attrs.append(attrs)

    def add_hit(self, doc: int, hit_id: str, category: str, weight: float, evidence: str) -> None:
        """Append one indicator hit of the document at index ``doc`` (evidence: JSON text)."""
        self.hit_doc.append(doc)
        self.hit_id.append(hit_id)
        self.hit_category.append(category)
        self.hit_weight.append(weight)
        self.hit_evidence.append(evidence)

    def extend(self, other: WriteBatch) -> None:
        off = len(self.ids)
        for name in self.__slots__:
            mine, theirs = getattr(self, name), getattr(other, name)
            if name in ("ent_doc", "hit_doc"):
                mine.extend(i + off for i in theirs)
            else:
                mine.extend(theirs)

    def to_arrow(self, base: int = 0) -> ArrowBatch:
        """The same rows as Arrow tables; document ``i`` gets the key ``base + i`` (``idx``)."""
        n = len(self.ids)
        docs = pa.Table.from_arrays([
            pa.array(range(base, base + n), pa.int64()), pa.array(self.ids, pa.string()),
            pa.array(self.external_ids, pa.string()), pa.array(self.sources, pa.string()),
            pa.array(self.urls, pa.string()), pa.array(self.posted, pa.timestamp("us")),
            pa.array(self.posted_raw or [None] * n, pa.string()),
            pa.array(self.languages, pa.string()), pa.array(self.scripts, pa.string()),
            pa.array(self.texts, pa.string()), pa.array(self.model_versions, pa.string()),
            pa.array(self.risks, pa.int16()), pa.array(self.levels, pa.string()),
            pa.array(self.categories, pa.string()), pa.array(self.explanations, pa.string()),
            pa.array(self.probabilities, pa.string())], schema=_DOC_SCHEMA)
        ents = pa.Table.from_arrays([
            pa.array([base + i for i in self.ent_doc], pa.int64()),
            pa.array(self.ent_kind, pa.string()), pa.array(self.ent_value, pa.string()),
            pa.array(self.ent_start, pa.int32()), pa.array(self.ent_end, pa.int32()),
            pa.array(self.ent_recognizer, pa.string()), pa.array(self.ent_score, pa.float32()),
            pa.array(self.ent_attrs or [None] * len(self.ent_doc), pa.string())],
            schema=_ENT_SCHEMA)
        hits = pa.Table.from_arrays([
            pa.array([base + i for i in self.hit_doc], pa.int64()),
            pa.array(self.hit_id, pa.string()), pa.array(self.hit_category, pa.string()),
            pa.array(self.hit_weight, pa.float32()), pa.array(self.hit_evidence, pa.string())],
            schema=_HIT_SCHEMA)
        return ArrowBatch(docs, ents, hits)


_DOC_SCHEMA = pa.schema([
    ("idx", pa.int64()), ("id", pa.string()), ("external_id", pa.string()),
    ("source", pa.string()), ("url", pa.string()), ("posted_at", pa.timestamp("us")),
    ("posted_raw", pa.string()), ("language", pa.string()), ("script", pa.string()),
    ("text", pa.string()),
    ("model_version", pa.string()), ("risk", pa.int16()), ("level", pa.string()),
    ("category", pa.string()), ("explanation", pa.string()), ("probabilities", pa.string()),
])
_ENT_SCHEMA = pa.schema([
    ("idx", pa.int64()), ("kind", pa.string()), ("value", pa.string()),
    ("start_pos", pa.int32()), ("end_pos", pa.int32()), ("recognizer", pa.string()),
    ("score", pa.float32()), ("attrs", pa.string()),
])
_HIT_SCHEMA = pa.schema([
    ("idx", pa.int64()), ("indicator_id", pa.string()), ("category", pa.string()),
    ("weight", pa.float32()), ("evidence", pa.string()),
])


@dataclass(slots=True)
class ArrowBatch:
    """Ready-to-insert Arrow tables (built by the scan workers). ``idx`` keys the documents
    (unique within a batch; the lowest ``idx`` of a repeated id wins) and links entity mentions
    and indicator hits to them. ``to_ipc``/``from_ipc``: one compact bytes object to ship
    between processes (Arrow IPC stream, no per-row pickling)."""

    docs: pa.Table
    ents: pa.Table
    hits: pa.Table

    def __len__(self) -> int:
        return self.docs.num_rows

    def to_ipc(self) -> bytes:
        sink = pa.BufferOutputStream()
        for t in (self.docs, self.ents, self.hits):
            with pa.ipc.new_stream(sink, t.schema) as w:
                w.write_table(t)
        return sink.getvalue().to_pybytes()

    @classmethod
    def from_ipc(cls, data: bytes) -> ArrowBatch:
        src = pa.BufferReader(data)
        docs, ents, hits = (pa.ipc.open_stream(src).read_all() for _ in range(3))
        return cls(docs, ents, hits)

    @classmethod
    def concat(cls, parts: list[ArrowBatch]) -> ArrowBatch:
        if len(parts) == 1:
            return parts[0]
        return cls(pa.concat_tables([p.docs for p in parts]),
                   pa.concat_tables([p.ents for p in parts]),
                   pa.concat_tables([p.hits for p in parts]))


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

    def version(self) -> int:
        return schema.current_version(self.con)

    # ---- writing ---------------------------------------------------------------------------

    def tune_for_bulk_writes(self, memory_limit: str = "256MB", threads: int = 1,
                             checkpoint_threshold: str = "128MB") -> None:
        """Bound this writer's memory (buffer cache, indexes, join state) and threads: the
        scan's parent shares the machine with the worker processes."""
        self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")
        # a checkpoint rewrites the table's last, partly filled row group (122,880 rows) and the
        # indexes: at DuckDB's default (a 16 MB WAL, about 15,000 documents) a long scan paid
        # for that several times over per row group; 128 MB is about one per row group
        self.con.execute(f"SET checkpoint_threshold = '{checkpoint_threshold}'")

    def write(self, b: WriteBatch | ArrowBatch,
              quarantine: list[tuple[str, str, int, str, str]]) -> int:
        """Store one batch in ONE transaction; return how many documents were new.

        A document whose id is already stored, or repeats an earlier (lower ``idx``) one of the
        batch, is skipped. ``quarantine``: (input, unit, line, reason, excerpt) rows, stored
        idempotently.
        """
        ab = b.to_arrow() if isinstance(b, WriteBatch) else b
        con = self.con
        try:
            con.begin()
            new = self._write_docs(ab) if len(ab) else 0
            if quarantine:
                self._write_quarantine(quarantine)
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

    def _write_docs(self, b: ArrowBatch) -> int:
        con = self.con
        con.register("_batch_docs", b.docs)
        try:
            ret = con.sql(
                "INSERT INTO documents (id, external_id, source, url, posted_at, posted_raw, "
                "ingested_at, language, script, text) SELECT id, external_id, source, url, "
                "posted_at, posted_raw, now()::TIMESTAMP, language, script, text "
                "FROM _batch_docs b SEMI JOIN "
                # the first row of each id not stored yet, chosen on (id, idx) alone: the
                # anti-join and grouping then carry no text
                "(SELECT min(idx) AS idx FROM _batch_docs k WHERE NOT EXISTS "
                "(SELECT 1 FROM documents d WHERE d.id = k.id) GROUP BY id) f USING (idx) "
                "ORDER BY idx RETURNING doc_key, id").to_arrow_table()
            if not ret.num_rows:
                return 0
            con.register("_returned", ret)
            new_docs = con.sql(
                "SELECT r.doc_key, min(b.idx) AS idx FROM _returned r JOIN _batch_docs b "
                "USING (id) GROUP BY r.doc_key").to_arrow_table()
            con.unregister("_returned")
            con.register("_new_docs", new_docs)
            con.execute(
                "INSERT INTO assessments SELECT n.doc_key, b.model_version, b.risk, b.level, "
                "b.category, b.explanation, b.probabilities FROM _batch_docs b JOIN _new_docs n "
                "USING (idx)")
            if b.ents.num_rows:
                con.register("_batch_ents", b.ents)
                con.execute(
                    "INSERT INTO entities (kind, value) SELECT DISTINCT e.kind, e.value "
                    "FROM _batch_ents e JOIN _new_docs n USING (idx) WHERE NOT EXISTS "
                    "(SELECT 1 FROM entities x WHERE x.kind = e.kind AND x.value = e.value)")
                con.execute(
                    "INSERT INTO doc_entities SELECT n.doc_key, x.entity_id, e.start_pos, "
                    "e.end_pos, e.recognizer, e.score, e.attrs FROM _batch_ents e "
                    "JOIN _new_docs n USING (idx) "
                    "JOIN entities x ON x.kind = e.kind AND x.value = e.value")
                con.unregister("_batch_ents")
            if b.hits.num_rows:
                con.register("_batch_hits", b.hits)
                con.execute(
                    "INSERT INTO indicator_hits SELECT n.doc_key, h.indicator_id, h.category, "
                    "h.weight, h.evidence FROM _batch_hits h JOIN _new_docs n USING (idx)")
                con.unregister("_batch_hits")
            con.unregister("_new_docs")
            return ret.num_rows
        finally:
            con.unregister("_batch_docs")

    def _write_quarantine(self, rows: list[tuple[str, str, int, str, str]]) -> None:
        qids = [hashlib.sha256("\x1f".join(map(str, r)).encode("utf-8", "replace")).hexdigest()
                for r in rows]
        seen: set[str] = set()
        keep = [i for i, q in enumerate(qids) if not (q in seen or seen.add(q))]  # type: ignore[func-returns-value]
        t = pa.table({
            "qid": [qids[i] for i in keep],
            "input": [rows[i][0] for i in keep], "unit": [rows[i][1] for i in keep],
            "line": pa.array([rows[i][2] for i in keep], pa.int64()),
            "reason": [rows[i][3] for i in keep], "excerpt": [rows[i][4] for i in keep]})
        self.con.register("_batch_q", t)
        self.con.execute(
            "INSERT INTO quarantine SELECT qid, input, unit, line, reason, excerpt, "
            "now()::TIMESTAMP FROM _batch_q b WHERE NOT EXISTS "
            "(SELECT 1 FROM quarantine q WHERE q.qid = b.qid)")
        self.con.unregister("_batch_q")

    # ---- the resume pre-filter ---------------------------------------------------------------

    def stored_id_keys(self) -> np.ndarray:
        """The first 64 bits of every stored document id, as a sorted ``uint64`` array (8 bytes
        a document): a compact, shippable "probably stored" set for the scan workers. A hit must
        be confirmed with ``unstored_ids`` (two texts may share a 64-bit prefix)."""
        t = self.con.sql("SELECT ('0x' || left(id, 16))::UBIGINT AS k FROM documents "
                         "ORDER BY k").fetchnumpy()
        return np.ascontiguousarray(t["k"], dtype=np.uint64)

    def unstored_ids(self, ids: list[str]) -> set[str]:
        """Those of ``ids`` that are NOT stored (one anti-join)."""
        if not ids:
            return set()
        self.con.register("_probe_ids", pa.table({"id": pa.array(ids, pa.string())}))
        try:
            rows = self.con.execute("SELECT p.id FROM _probe_ids p ANTI JOIN documents d "
                                    "USING (id)").fetchall()
        finally:
            self.con.unregister("_probe_ids")
        return {r[0] for r in rows}

    def log_scan(self, scan_id: str, inputs: str, status: str, counts: dict[str, int],
                 started: Any) -> None:
        try:
            self.con.execute(
                "INSERT OR REPLACE INTO scans (scan_id, started_at, finished_at, inputs, status, "
                "records_read, new_documents, already_stored, quarantined, duplicates) "
                "VALUES (?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)",
                [scan_id, started, inputs, status, counts.get("read", 0), counts.get("new", 0),
                 counts.get("already_stored", 0), counts.get("quarantined", 0),
                 counts.get("duplicates", 0)])
        except _WRITE_ERRORS as e:
            raise self._write_error(e) from e

    # ---- bulk reads (for linking and exports) -----------------------------------------------

    def iter_documents_with_entities(self, since_key: int = 0, batch_size: int = 10_000
                                     ) -> Iterator[list[dict[str, Any]]]:
        """Documents with ``doc_key > since_key`` in key order, in lists of ``batch_size``; each
        a dict with doc_key, id, source, posted_at, language, risk, category, text and
        ``entities``: [(kind, value), ...]."""
        last = since_key
        while True:
            rows = self.con.execute(
                "SELECT d.doc_key, d.id, d.source, d.posted_at, d.language, a.risk, a.category, "
                "d.text, list(DISTINCT [x.kind, x.value]) FILTER (WHERE x.kind IS NOT NULL) "
                "FROM (SELECT * FROM documents WHERE doc_key > ? ORDER BY doc_key LIMIT ?) d "
                "LEFT JOIN assessments a USING (doc_key) "
                "LEFT JOIN doc_entities de USING (doc_key) "
                "LEFT JOIN entities x USING (entity_id) "
                "GROUP BY ALL ORDER BY d.doc_key", [last, batch_size]).fetchall()
            if not rows:
                return
            yield [{"doc_key": r[0], "id": r[1], "source": r[2], "posted_at": r[3],
                    "language": r[4], "risk": r[5], "category": r[6], "text": r[7],
                    "entities": [tuple(p) for p in (r[8] or [])]} for r in rows]
            last = rows[-1][0]

    # ---- link tables (written by waspada.link.store) -----------------------------------------

    LINK_TABLES = ("campaigns", "campaign_members", "networks", "network_members",
                   "link_merges", "link_signatures", "link_runs")

    def write_link(self, replace: dict[str, pa.Table], append: dict[str, pa.Table]) -> None:
        """In ONE transaction, replace all rows of the ``replace`` link tables and append the
        ``append`` rows (columns in table order)."""
        for name in [*replace, *append]:
            if name not in self.LINK_TABLES:
                raise ValueError(f"{name!r} is not a link table")
        con = self.con
        con.begin()
        try:
            for name, t in [*replace.items(), *append.items()]:
                if name in replace:
                    con.execute(f"DELETE FROM {name}")
                con.register("_link_rows", t)
                con.execute(f"INSERT INTO {name} SELECT * FROM _link_rows")
                con.unregister("_link_rows")
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def arrow(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run a read-only SQL query and return an Arrow table (e.g. for linking in bulk)."""
        with self.reading():
            return self.con.sql(sql, params=params or None).to_arrow_table()

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run SQL and return its rows. A database error (a damaged block, a full disk) is a
        ``StoreError`` naming the file."""
        with self.reading():
            return self.con.execute(sql, params or []).fetchall()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Turn DuckDB's errors inside the block into a ``StoreError`` naming the database."""
        try:
            yield
        except duckdb.Error as e:
            raise StoreError(f"database {self.path}: {e}") from e
