"""Read queries over a ``Store``: top, show, shared entities, stats, export.

Each returns plain dicts / lists (JSON-ready); the CLI only formats them.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from waspada.errors import StoreError
from waspada.store.db import Store, utf8_path
from waspada.store.tables import ASSESSMENTS, DOCUMENTS

EXPORT_FORMATS = ("parquet", "csv", "jsonl")
#: characters of text shown per document in listings (never whole texts)
PREVIEW_CHARS = 80
_HEX = "0123456789abcdef"
#: a document's fields as shown and exported, in table order: every stored column but the key
#: and ``posted_raw`` (SQL ``d.x``, names from the column specification only)
_DOC_FIELDS = tuple(f"d.{c.name}" for c in DOCUMENTS.columns
                    if c.name not in ("doc_key", "posted_raw"))
_ASSESSMENT_FIELDS = tuple(f"a.{c.name}" for c in ASSESSMENTS.columns if c.name != "doc_key")


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, datetime | date) else v


def _preview(text: str | None) -> str:
    if not text:
        return ""
    t = " ".join(text.split())
    return t if len(t) <= PREVIEW_CHARS else t[: PREVIEW_CHARS - 1] + "…"


def top(store: Store, n: int = 10, category: str | None = None, since: date | None = None,
        lang: str | None = None) -> list[dict[str, Any]]:
    """The ``n`` riskiest documents (ties: most recently posted first, undated last), optionally
    filtered. ``since`` compares the posting time: a document without one is not "since" any
    day (the scan day is never put in for an unknown posting day)."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    # the conditions joined into the WHERE clause are these constant strings; values are bound
    if category:
        where.append("a.category = ?")
        params.append(category)
    if since:
        where.append("d.posted_at >= ?")
        params.append(datetime.combine(since, datetime.min.time()))
    if lang:
        where.append("d.language = ?")
        params.append(lang)
    rows = store.query(
        "SELECT d.id, a.risk, a.level, a.category, d.language, d.source, d.posted_at, d.text, "
        "(SELECT count(*) FROM doc_entities de WHERE de.doc_key = d.doc_key) "
        "FROM documents d JOIN assessments a USING (doc_key) "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY a.risk DESC, d.posted_at DESC NULLS LAST, d.doc_key LIMIT ?",
        [*params, n])
    return [{"id": r[0], "risk": r[1], "level": r[2], "category": r[3], "language": r[4],
             "source": r[5], "posted_at": _iso(r[6]), "preview": _preview(r[7]),
             "entities": r[8]} for r in rows]


def resolve_id(store: Store, doc_id: str) -> str:
    """A full document id from an id or a unique prefix of at least 6 hex characters."""
    doc_id = doc_id.strip().lower()
    if len(doc_id) < 6:
        raise StoreError("give at least 6 characters of the document id")
    if doc_id.strip(_HEX):
        raise StoreError(f"no document with id {doc_id}: ids are hexadecimal (0-9, a-f)")
    rows = store.query("SELECT id FROM documents WHERE starts_with(id, ?) LIMIT 2", [doc_id])
    if not rows:
        raise StoreError(f"no document with id {doc_id}")
    if len(rows) > 1:
        raise StoreError(f"id prefix {doc_id} is ambiguous: give more characters")
    return str(rows[0][0])


def show(store: Store, doc_id: str) -> dict[str, Any]:
    """The full record of one document: fields, assessment, entities, indicator evidence."""
    full = resolve_id(store, doc_id)
    fields = (*_DOC_FIELDS, *_ASSESSMENT_FIELDS)
    row = store.query(
        f"SELECT d.doc_key, {', '.join(fields)} FROM documents d LEFT JOIN assessments a "
        "USING (doc_key) WHERE d.id = ?", [full])[0]
    key = row[0]
    rec = {f[2:]: v for f, v in zip(fields, row[1:], strict=True)}
    ents = store.query(
        "SELECT x.kind, x.value, de.start_pos, de.end_pos, de.recognizer, de.score, de.attrs, "
        "(SELECT count(DISTINCT doc_key) FROM doc_entities o WHERE o.entity_id = x.entity_id) "
        "FROM doc_entities de JOIN entities x USING (entity_id) WHERE de.doc_key = ? "
        "ORDER BY de.start_pos", [key])
    hits = store.query(
        "SELECT indicator_id, category, weight, evidence FROM indicator_hits WHERE doc_key = ? "
        "ORDER BY weight DESC, indicator_id", [key])
    probabilities = rec["probabilities"]
    return {
        **{k: _iso(v) for k, v in rec.items()},
        "probabilities": json.loads(probabilities) if probabilities else {},
        "entities": [{"kind": e[0], "value": e[1], "start": e[2], "end": e[3],
                      "recognizer": e[4], "score": round(e[5], 4) if e[5] is not None else None,
                      "attrs": json.loads(e[6]) if e[6] else {}, "documents": e[7]}
                     for e in ents],
        "indicators": [{"id": h[0], "category": h[1], "weight": round(h[2], 4),
                        "evidence": [{"start": s, "end": t, "text": x}
                                     for s, t, x in json.loads(h[3] or "[]")]} for h in hits],
    }


def shared_entities(store: Store, kind: str | None = None, min_docs: int = 2,
                    n: int = 20) -> list[dict[str, Any]]:
    """Identifiers found in at least ``min_docs`` documents, most shared first."""
    where: list[str] = ["TRUE"]
    params: list[Any] = []
    # the condition joined into the WHERE clause is a constant string; the value is bound
    if kind:
        where.append("x.kind = ?")
        params.append(kind)
    rows = store.query(
        "SELECT x.kind, x.value, count(DISTINCT de.doc_key) AS docs, max(a.risk), "
        # an unknown posting time stays unknown (NULL), never the day it was scanned
        "min(d.posted_at), max(d.posted_at) "
        "FROM entities x JOIN doc_entities de USING (entity_id) "
        "JOIN documents d USING (doc_key) LEFT JOIN assessments a USING (doc_key) "
        f"WHERE {' AND '.join(where)} GROUP BY x.kind, x.value HAVING count(DISTINCT "
        "de.doc_key) >= ? ORDER BY docs DESC, x.kind, x.value LIMIT ?",
        [*params, min_docs, n])
    return [{"kind": r[0], "value": r[1], "documents": r[2], "max_risk": r[3],
             "first_seen": _iso(r[4]), "last_seen": _iso(r[5])} for r in rows]


def _counts(store: Store, sql: str) -> dict[str, int]:
    return {str(k): int(v) for k, v in store.query(sql)}


def stats(store: Store) -> dict[str, Any]:
    """Totals and counts per category, level, language, source, day, entity kind, reason."""
    one = store.query(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM quarantine), "
        "(SELECT count(*) FROM entities), (SELECT count(*) FROM doc_entities), "
        "(SELECT count(*) FROM indicator_hits), (SELECT count(*) FROM scans)")[0]
    return {
        "documents": one[0], "quarantined": one[1], "entities": one[2],
        "entity_mentions": one[3], "indicator_hits": one[4], "scans": one[5],
        "schema_version": store.version(),
        "by_category": _counts(store, "SELECT category, count(*) FROM assessments "
                                      "GROUP BY 1 ORDER BY 2 DESC, 1"),
        "by_level": _counts(store, "SELECT level, count(*) FROM assessments GROUP BY 1 "
                                   "ORDER BY 2 DESC, 1"),
        "by_language": _counts(store, "SELECT coalesce(language, 'und'), count(*) FROM "
                                      "documents GROUP BY 1 ORDER BY 2 DESC, 1"),
        "by_source": _counts(store, "SELECT coalesce(source, ''), count(*) FROM documents "
                                    "GROUP BY 1 ORDER BY 2 DESC, 1"),
        "by_day": _counts(store, "SELECT coalesce(strftime(posted_at, '%Y-%m-%d'), 'unknown'),"
                                 " count(*) FROM documents GROUP BY 1 ORDER BY 1"),
        "by_entity_kind": _counts(store, "SELECT kind, count(*) FROM entities GROUP BY 1 "
                                         "ORDER BY 2 DESC, 1"),
        "quarantine_by_reason": _counts(store, "SELECT split_part(reason, ':', 1), count(*) "
                                               "FROM quarantine GROUP BY 1 ORDER BY 2 DESC, 1"),
    }


#: columns of every export, and those that ``text=False`` leaves out: the text and everything
#: that quotes it (the explanation names the phones, e-mails and words it found). Identifiers
#: stay, as normalised values: they are what an intel export is for.
EXPORT_TEXT_COLUMNS = ("text", "explanation")
_EXPORT_COLUMNS = tuple(
    (f[2:], f) for f in (*_DOC_FIELDS, *_ASSESSMENT_FIELDS, "h.indicators", "e.identifiers")
    if f != "a.probabilities")
# grouped once and joined (a correlated subquery per document took minutes for 50,000)
_EXPORT_FROM = (
    "documents d LEFT JOIN assessments a USING (doc_key) "
    "LEFT JOIN (SELECT doc_key, list(DISTINCT indicator_id ORDER BY indicator_id) AS indicators "
    "FROM indicator_hits GROUP BY doc_key) h USING (doc_key) "
    "LEFT JOIN (SELECT doc_key, list({'kind': kind, 'value': value} ORDER BY kind, value) "
    "AS identifiers FROM (SELECT DISTINCT de.doc_key, x.kind, x.value FROM doc_entities de "
    "JOIN entities x USING (entity_id)) GROUP BY doc_key) e USING (doc_key)")
#: lists are JSON text in CSV (a CSV cell holds one string)
_CSV_AS_JSON = ("indicators", "identifiers")
# In JSON these may stand raw inside strings, but line splitters (Python's str.splitlines,
# older JavaScript) break a JSON Lines record on them: they are escaped, which means the same
_LINE_BREAKERS = ((b"\xc2\x85", b"\\u0085"), (b"\xe2\x80\xa8", b"\\u2028"),
                  (b"\xe2\x80\xa9", b"\\u2029"))


def export(store: Store, out: str | Path, fmt: str = "parquet", text: bool = True) -> int:
    """Write documents + assessments to ``out``; return the number of rows written.

    ``text=False`` leaves out ``EXPORT_TEXT_COLUMNS``. The file appears whole or not at all (it
    is written beside ``out`` and renamed). A folder that does not exist, a directory as
    ``out`` or a failed write is a ``StoreError``."""
    if fmt not in EXPORT_FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; choose one of {EXPORT_FORMATS}")
    target = Path(out)
    folder = target.parent
    if target.is_dir():
        raise StoreError(f"cannot export to {target}: it is a directory")
    if not folder.is_dir():
        raise StoreError(f"cannot export to {target}: there is no folder {folder}")
    cols = ", ".join(
        f"CAST(to_json({sql}) AS VARCHAR) AS {name}" if fmt == "csv" and name in _CSV_AS_JSON
        else f"{sql} AS {name}"
        for name, sql in _EXPORT_COLUMNS if text or name not in EXPORT_TEXT_COLUMNS)
    opts = {"parquet": "FORMAT parquet, COMPRESSION zstd", "csv": "FORMAT csv, HEADER true",
            "jsonl": "FORMAT json"}[fmt]
    if not utf8_path(str(folder.resolve())):
        raise StoreError(f"cannot export to {target}: DuckDB takes only UTF-8 folder names")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".waspada-export-", suffix=f".{fmt}", dir=folder)
        os.close(fd)
    except OSError as e:
        raise StoreError(f"cannot export to {target}: {e.strerror or e}") from e
    try:
        # the columns, tables and options are constants of this module; the path is bound
        store.copy_to(f"SELECT {cols} FROM {_EXPORT_FROM} ORDER BY d.doc_key", tmp, opts)
        if fmt == "jsonl":
            _escape_line_breakers(Path(tmp))
        os.replace(tmp, target)
    except OSError as e:
        raise StoreError(f"cannot export to {target}: {e.strerror or e}") from e
    finally:
        Path(tmp).unlink(missing_ok=True)
    return int(store.query("SELECT count(*) FROM documents")[0][0])


def quarantined(store: Store, n: int = 50) -> list[dict[str, Any]]:
    """The ``n`` most recently quarantined records and files: where, why, and the excerpt."""
    rows = store.query(
        "SELECT input, unit, line, reason, excerpt, quarantined_at FROM quarantine "
        "ORDER BY quarantined_at DESC, input, line LIMIT ?", [n])
    return [{"input": r[0], "unit": r[1], "line": r[2], "reason": r[3], "excerpt": r[4],
             "quarantined_at": _iso(r[5])} for r in rows]


def _escape_line_breakers(path: Path) -> None:
    """Escape U+0085, U+2028 and U+2029 in a JSON Lines file, in place (streaming by line)."""
    fixed = path.with_name(path.name + ".lines")
    try:
        with path.open("rb") as src, fixed.open("wb") as dst:
            for line in src:
                for raw, esc in _LINE_BREAKERS:
                    line = line.replace(raw, esc)
                dst.write(line)
        os.replace(fixed, path)
    finally:
        fixed.unlink(missing_ok=True)
