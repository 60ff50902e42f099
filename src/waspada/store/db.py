"""The one owner of DuckDB connections: the single writer and the readers.

``Store.open(path)`` opens (creating and migrating) the database for writing; ``Store.open(path,
read_only=True)`` opens an existing one for queries. Everything else in Waspada goes through a
``Store``; nothing else imports duckdb.

Writes come in ``WriteBatch``es (columnar, from the scan workers) and each batch is ONE
transaction: documents, assessments, entities, entity links and indicator hits commit together or
not at all, so a scan killed at any moment leaves only whole batches behind. A document whose
content-hash id is already stored is skipped (an anti-join; the UNIQUE key backs it), so re-scans
and resumed scans are idempotent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from waspada.errors import WaspadaError
from waspada.store import schema

DEFAULT_DB = "waspada.duckdb"


class StoreError(WaspadaError):
    """The database cannot be opened or is of a newer schema than this release knows."""


@dataclass(slots=True)
class WriteBatch:
    """Columnar rows for one transaction. ``ent_doc`` / ``hit_doc`` index into the doc columns."""

    ids: list[str] = field(default_factory=list)
    external_ids: list[str | None] = field(default_factory=list)
    sources: list[str | None] = field(default_factory=list)
    urls: list[str | None] = field(default_factory=list)
    posted: list[Any] = field(default_factory=list)
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

    def extend(self, other: WriteBatch) -> None:
        off = len(self.ids)
        for name in self.__slots__:
            mine, theirs = getattr(self, name), getattr(other, name)
            if name in ("ent_doc", "hit_doc"):
                mine.extend(i + off for i in theirs)
            else:
                mine.extend(theirs)


_DOC_SCHEMA = pa.schema([
    ("idx", pa.int32()), ("id", pa.string()), ("external_id", pa.string()),
    ("source", pa.string()), ("url", pa.string()), ("posted_at", pa.timestamp("us")),
    ("language", pa.string()), ("script", pa.string()), ("text", pa.string()),
    ("model_version", pa.string()), ("risk", pa.int16()), ("level", pa.string()),
    ("category", pa.string()), ("explanation", pa.string()), ("probabilities", pa.string()),
])


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
        try:
            con = duckdb.connect(p, read_only=read_only)
        except duckdb.Error as e:
            raise StoreError(f"cannot open database {p}: {e}") from e
        # DuckDB draws a progress bar on stdout for long statements: it would corrupt --json
        con.execute("SET enable_progress_bar = false")
        have = schema.current_version(con)
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
        self.con.close()

    def version(self) -> int:
        return schema.current_version(self.con)

    # ---- writing ---------------------------------------------------------------------------

    def write(self, b: WriteBatch, quarantine: list[tuple[str, str, int, str, str]]) -> int:
        """Store one batch in ONE transaction; return how many documents were new.

        ``quarantine``: (input, unit, line, reason, excerpt) rows, stored idempotently.
        """
        # keep the first occurrence of each id within the batch
        first: dict[str, int] = {}
        for i, d in enumerate(b.ids):
            first.setdefault(d, i)
        keep = sorted(first.values())
        con = self.con
        con.begin()
        try:
            new = 0
            if keep:
                new = self._write_docs(b, keep)
            if quarantine:
                self._write_quarantine(quarantine)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        return new

    def _write_docs(self, b: WriteBatch, keep: list[int]) -> int:
        con = self.con
        cols = [keep, [b.ids[i] for i in keep], [b.external_ids[i] for i in keep],
                [b.sources[i] for i in keep], [b.urls[i] for i in keep],
                [b.posted[i] for i in keep], [b.languages[i] for i in keep],
                [b.scripts[i] for i in keep], [b.texts[i] for i in keep],
                [b.model_versions[i] for i in keep], [b.risks[i] for i in keep],
                [b.levels[i] for i in keep], [b.categories[i] for i in keep],
                [b.explanations[i] for i in keep], [b.probabilities[i] for i in keep]]
        arrays = [pa.array(c, type=f.type) for c, f in zip(cols, _DOC_SCHEMA, strict=True)]
        docs = pa.Table.from_arrays(arrays, schema=_DOC_SCHEMA)
        con.register("_batch_docs", docs)
        rows = con.execute(
            "INSERT INTO documents (id, external_id, source, url, posted_at, ingested_at, "
            "language, script, text) SELECT id, external_id, source, url, posted_at, "
            "now()::TIMESTAMP, language, script, text FROM _batch_docs b WHERE NOT EXISTS "
            "(SELECT 1 FROM documents d WHERE d.id = b.id) ORDER BY idx RETURNING doc_key, id"
        ).fetchall()
        if not rows:
            con.unregister("_batch_docs")
            return 0
        keys = {d: k for k, d in rows}
        idx_of = {b.ids[i]: i for i in keep}
        new_idx = [idx_of[d] for d in keys]
        con.register("_new_docs", pa.table({
            "idx": pa.array(new_idx, pa.int32()),
            "doc_key": pa.array([keys[d] for d in keys], pa.int64())}))
        con.execute(
            "INSERT INTO assessments SELECT n.doc_key, b.model_version, b.risk, b.level, "
            "b.category, b.explanation, b.probabilities FROM _batch_docs b JOIN _new_docs n "
            "USING (idx)")
        if b.ent_doc:
            con.register("_batch_ents", pa.table({
                "idx": pa.array(b.ent_doc, pa.int32()), "kind": b.ent_kind,
                "value": b.ent_value, "start_pos": pa.array(b.ent_start, pa.int32()),
                "end_pos": pa.array(b.ent_end, pa.int32()), "recognizer": b.ent_recognizer,
                "score": pa.array(b.ent_score, pa.float32()),
                "attrs": pa.array(b.ent_attrs, pa.string())}))
            con.execute(
                "INSERT INTO entities (kind, value) SELECT DISTINCT e.kind, e.value "
                "FROM _batch_ents e JOIN _new_docs n USING (idx) WHERE NOT EXISTS "
                "(SELECT 1 FROM entities x WHERE x.kind = e.kind AND x.value = e.value)")
            con.execute(
                "INSERT INTO doc_entities SELECT n.doc_key, x.entity_id, e.start_pos, e.end_pos, "
                "e.recognizer, e.score, e.attrs FROM _batch_ents e JOIN _new_docs n USING (idx) "
                "JOIN entities x ON x.kind = e.kind AND x.value = e.value")
            con.unregister("_batch_ents")
        if b.hit_doc:
            con.register("_batch_hits", pa.table({
                "idx": pa.array(b.hit_doc, pa.int32()), "indicator_id": b.hit_id,
                "category": b.hit_category, "weight": pa.array(b.hit_weight, pa.float32()),
                "evidence": pa.array(b.hit_evidence, pa.string())}))
            con.execute(
                "INSERT INTO indicator_hits SELECT n.doc_key, h.indicator_id, h.category, "
                "h.weight, h.evidence FROM _batch_hits h JOIN _new_docs n USING (idx)")
            con.unregister("_batch_hits")
        con.unregister("_new_docs")
        con.unregister("_batch_docs")
        return len(rows)

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

    def log_scan(self, scan_id: str, inputs: str, status: str, counts: dict[str, int],
                 started: Any) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO scans VALUES (?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?)",
            [scan_id, started, inputs, status, counts.get("read", 0), counts.get("new", 0),
             counts.get("already_stored", 0), counts.get("quarantined", 0)])

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
        return self.con.sql(sql, params=params or None).to_arrow_table()

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()
