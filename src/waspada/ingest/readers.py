"""Readers: turn input files, folders and stdin into bounded chunks of raw records.

Formats (by extension, or ``fmt`` to force one):
- ``.jsonl`` / ``.ndjson``: one JSON object per line; blank lines are skipped.
- ``.csv`` / ``.tsv``: a header row, then one record per row.
- ``.parquet``: read in record batches (pyarrow), only the named columns.
- ``.txt`` (and any other text file named explicitly): one document per non-empty line.
- ``-``: stdin, JSON Lines when its first byte is ``{``, else plain text (or ``fmt``).

Line formats ship raw bytes to the workers, which decode and parse them (so the parent stays
light); CSV and Parquet are parsed here and ship extracted fields. Problems found while reading
(a file that is empty, binary, unreadable; a record over ``MAX_RECORD_BYTES``) travel in the chunk
as quarantine rows so that they are counted in input order. Memory is bounded by the chunk size:
a line longer than the cap is never held whole.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from waspada.ingest.inputs import (
    EXTENSIONS,
    check_inputs,
    discover,
    input_size,
    kind_of,
    walk,
)

#: a record (a line, or a row's text) longer than this many bytes is quarantined, not assessed
MAX_RECORD_BYTES = 1_000_000
#: at most this many bytes of a bad record are kept in the quarantine table
EXCERPT_BYTES = 1024
#: records per chunk sent to a worker
CHUNK_RECORDS = 2000
#: raw bytes per chunk sent to a worker (whichever limit comes first)
CHUNK_BYTES = 4_000_000

FORMATS = ("auto", "jsonl", "csv", "parquet", "txt")
#: the UTF-8 byte-order mark some tools put at the start of a text file: not part of the data
BOM = b"\xef\xbb\xbf"
#: the csv module's own field limit. A field over MAX_RECORD_BYTES but under this is parsed
#: whole and quarantined; past this the csv module would resume inside the field and make up
#: rows, so the rest of the file is quarantined instead
CSV_FIELD_HARD_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Fields:
    """Names of the input fields (JSON keys, CSV header names, Parquet columns)."""

    text: str = "text"
    id: str = "id"
    time: str = "timestamp"
    source: str = "source"
    url: str = "url"


@dataclass(frozen=True, slots=True)
class QRow:
    """One quarantined record: where it was, why, and at most 1 kB of it."""

    input: str
    unit: str  # "line" | "row" | "file"
    line: int
    reason: str
    excerpt: str


@dataclass(slots=True)
class Chunk:
    """Raw records for one worker call. ``fmt``: "jsonl" or "txt" (items are bytes lines) or
    "rows" (items are (text, external_id, posted, source, url) tuples from CSV/Parquet)."""

    input: str
    source: str
    fmt: str
    unit: str
    lines: list[int] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)
    quarantine: list[QRow] = field(default_factory=list)
    nbytes: int = 0

    def __len__(self) -> int:
        return len(self.items) + len(self.quarantine)


def excerpt(raw: bytes | str) -> str:
    """At most EXCERPT_BYTES of ``raw`` as UTF-8 text (bad bytes replaced)."""
    b = raw.encode("utf-8", "replace") if isinstance(raw, str) else raw
    s = b[:EXCERPT_BYTES].decode("utf-8", "replace")
    return s.encode("utf-8")[:EXCERPT_BYTES].decode("utf-8", "ignore")


def iter_chunks(inputs: list[str], fields: Fields, fmt: str = "auto") -> Iterator[Chunk]:
    """Every chunk of every input, in input order."""
    for name, path, problem in walk(inputs):
        if problem is not None:
            yield Chunk(name, name, "txt", "file",
                        quarantine=[QRow(name, "file", 0, problem, "")])
        elif path is None:
            yield from _stdin_chunks(fields, fmt)
        else:
            yield from _file_chunks(name, path, fields, fmt)


def _file_chunks(name: str, path: Path, fields: Fields, fmt: str) -> Iterator[Chunk]:
    kind = fmt if fmt != "auto" else EXTENSIONS.get(path.suffix.lower(), "txt")
    source = path.name

    def bad(reason: str, raw: bytes = b"") -> Iterator[Chunk]:
        yield Chunk(name, source, kind, "file", quarantine=[QRow(name, "file", 0, reason,
                                                                  excerpt(raw))])

    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # opening a FIFO would block
            yield from bad(f"{kind_of(st.st_mode)}, not a regular file: not read")
            return
        size = st.st_size
        f = path.open("rb")
    except OSError as e:
        yield from bad(f"cannot open: {e.strerror or e}")
        return
    with f:
        try:
            head = f.read(8192)
        except OSError as e:
            yield from bad(f"read error: {e.strerror or e} (at the start; nothing read)")
            return
        if size == 0 or not head:
            yield from bad("empty file")
            return
        if kind == "parquet":
            if not head.startswith(b"PAR1"):
                yield from bad("not a Parquet file (no PAR1 magic)", head[:64])
                return
        elif b"\x00" in head:
            yield from bad("binary file (NUL bytes), not text", head[:64])
            return
        f.seek(0)
        if kind != "parquet" and head.startswith(BOM):
            f.read(len(BOM))  # a byte-order mark is not part of the first record
        if kind == "parquet":
            yield from _parquet_chunks(name, path, source, fields)
        elif kind == "csv":
            delim = "\t" if path.suffix.lower() == ".tsv" else ","
            yield from _csv_chunks(name, f, source, fields, delim)
        else:
            yield from _line_chunks(name, f, source, kind)


def _stdin_chunks(fields: Fields, fmt: str) -> Iterator[Chunk]:
    import sys

    raw: Any = sys.stdin.buffer
    stream: io.BufferedReader = (raw if isinstance(raw, io.BufferedReader)
                                 else io.BufferedReader(raw))
    kind = fmt
    if kind == "parquet":
        yield Chunk("-", "stdin", kind, "file",
                    quarantine=[QRow("-", "file", 0, "Parquet cannot be read from stdin", "")])
    elif kind == "csv":
        yield from _csv_chunks("-", stream, "stdin", fields, ",")
    else:
        head = _Prefixed(stream)
        first = head.first_record()  # past a byte-order mark, whatever the format
        if kind == "auto":
            kind = "jsonl" if first.lstrip().startswith(b"{") else "txt"
        yield from _line_chunks("-", head, "stdin", kind)  # type: ignore[arg-type]


class _Prefixed:
    """stdin with its leading lines read ahead (to tell JSON Lines from text by the first
    non-blank line, past a byte-order mark and blank lines) and served again by ``readline``."""

    def __init__(self, f: io.BufferedReader) -> None:
        self._f = f
        self._pre: list[bytes] = []

    def first_record(self) -> bytes:
        """The first non-blank line (its first MAX_RECORD_BYTES + 1 bytes; b"" if none)."""
        while True:
            line = self._f.readline(MAX_RECORD_BYTES + 1)
            if not self._pre and line.startswith(BOM):
                line = line[len(BOM):]
            self._pre.append(line)
            if not line or line.strip():
                return line

    def readline(self, size: int = -1) -> bytes:
        if not self._pre:
            return self._f.readline(size)
        line = self._pre[0]
        if 0 <= size < len(line):
            self._pre[0] = line[size:]
            return line[:size]
        del self._pre[0]
        return line


def iter_lines(f: BinaryIO, cap: int = MAX_RECORD_BYTES) -> Iterator[tuple[int, bytes, bool]]:
    """(line number, bytes, oversized) for each line; an oversized line yields only its head."""
    lineno = 0
    while True:
        line = f.readline(cap + 1)
        if not line:
            return
        lineno += 1
        if len(line) > cap and not line.endswith(b"\n"):
            head = line[:EXCERPT_BYTES]
            del line
            while True:  # skip the rest of the line in bounded reads
                more = f.readline(1 << 20)
                if not more or more.endswith(b"\n"):
                    break
            yield lineno, head, True
        else:
            yield lineno, line, False


def _read_error(name: str, unit: str, at: int, e: BaseException) -> QRow:
    """The quarantine row of a file whose reading failed at record ``at``: what was read before
    is kept, the rest of the file is not read."""
    msg = (e.strerror or str(e)) if isinstance(e, OSError) else str(e)
    return QRow(name, "file", at, f"read error: {msg} (at {unit} {at:,}; the rest of the "
                "file is not read)", "")


def _line_chunks(name: str, f: BinaryIO, source: str, kind: str) -> Iterator[Chunk]:
    chunk = Chunk(name, source, kind, "line")
    lineno = 0
    try:
        for lineno, line, oversized in iter_lines(f):
            chunk.nbytes += len(line)
            if oversized:
                chunk.quarantine.append(QRow(name, "line", lineno,
                                             f"record over {MAX_RECORD_BYTES:,} bytes",
                                             excerpt(line)))
            elif line.strip():
                chunk.lines.append(lineno)
                chunk.items.append(line)
            if len(chunk) >= CHUNK_RECORDS or chunk.nbytes >= CHUNK_BYTES:
                yield chunk
                chunk = Chunk(name, source, kind, "line")
    except OSError as e:  # e.g. EIO: keep what was read, quarantine the rest
        chunk.quarantine.append(_read_error(name, "line", lineno + 1, e))
    if len(chunk) or chunk.nbytes:
        yield chunk


def _field(row: dict[str, Any], key: str) -> Any:
    v = row.get(key)
    return None if v == "" else v


def _csv_chunks(name: str, f: BinaryIO, source: str, fields: Fields,
                delim: str) -> Iterator[Chunk]:
    csv.field_size_limit(CSV_FIELD_HARD_LIMIT)
    # utf-8-sig: a byte-order mark at the start is not part of the header
    text = io.TextIOWrapper(f, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text, delimiter=delim)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as e:
        yield Chunk(name, source, "rows", "file",
                    quarantine=[QRow(name, "file", 0, f"no CSV header: {e}", "")])
        return
    col = {h.strip(): i for i, h in enumerate(header)}
    if fields.text not in col:
        yield Chunk(name, source, "rows", "file", quarantine=[
            QRow(name, "file", 0, f"missing text field {fields.text!r} in CSV header",
                 excerpt(",".join(header)))])
        return
    idx = [col.get(k) for k in (fields.text, fields.id, fields.time, fields.source, fields.url)]
    chunk = Chunk(name, source, "rows", "row")
    rowno = 0
    while True:
        rowno += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            if "field limit" in str(e):
                # the csv module would go on inside the field and make up rows from its lines
                chunk.quarantine.append(QRow(
                    name, "file", rowno, f"bad CSV row: a field over {CSV_FIELD_HARD_LIMIT:,} "
                    f"bytes (at row {rowno:,}; the rest of the file is not read)", ""))
                break
            chunk.quarantine.append(QRow(name, "row", rowno, f"bad CSV row: {e}", ""))
            continue
        except OSError as e:  # e.g. EIO: keep what was read, quarantine the rest
            chunk.quarantine.append(_read_error(name, "row", rowno, e))
            break
        size = sum(len(c) for c in row)
        chunk.nbytes += size + len(row)
        if size > MAX_RECORD_BYTES:
            big = max(row, key=len)
            why = (f"bad CSV row: field larger than field limit ({MAX_RECORD_BYTES:,})"
                   if len(big) > MAX_RECORD_BYTES else f"record over {MAX_RECORD_BYTES:,} bytes")
            chunk.quarantine.append(QRow(name, "row", rowno, why,
                                         excerpt(big[:EXCERPT_BYTES].encode("utf-8", "replace"))))
            continue
        vals = tuple((row[i] if i is not None and i < len(row) and row[i] != "" else None)
                     for i in idx)
        try:
            for v in vals:
                if v is not None:
                    v.encode("utf-8")
        except UnicodeEncodeError as e:
            chunk.quarantine.append(QRow(name, "row", rowno,
                                         f"invalid UTF-8 in row (at character {e.start})",
                                         excerpt(delim.join(row).encode("utf-8", "replace"))))
            continue
        chunk.lines.append(rowno)
        chunk.items.append(vals)
        if len(chunk) >= CHUNK_RECORDS or chunk.nbytes >= CHUNK_BYTES:
            yield chunk
            chunk = Chunk(name, source, "rows", "row")
    if len(chunk):
        yield chunk


def _parquet_chunks(name: str, path: Path, source: str, fields: Fields) -> Iterator[Chunk]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as e:  # pyarrow raises several types for a corrupt file
        yield Chunk(name, source, "rows", "file",
                    quarantine=[QRow(name, "file", 0, f"unreadable Parquet file: {e}", "")])
        return
    names = set(pf.schema_arrow.names)
    if fields.text not in names:
        yield Chunk(name, source, "rows", "file", quarantine=[
            QRow(name, "file", 0, f"missing text field {fields.text!r} in Parquet columns",
                 excerpt(",".join(sorted(names))))])
        return
    wanted = [fields.text, fields.id, fields.time, fields.source, fields.url]
    cols = [c for c in dict.fromkeys(wanted) if c in names]
    chunk = Chunk(name, source, "rows", "row")
    first = 0  # rows before this row group
    # row group by row group: a corrupt page or a read error costs its row group, not the file
    for rg in range(pf.metadata.num_row_groups):
        rowno = first
        try:
            for batch in pf.iter_batches(batch_size=CHUNK_RECORDS, row_groups=[rg],
                                         columns=cols):
                data = {c: batch.column(c).to_pylist() for c in cols}
                n = batch.num_rows
                none = [None] * n
                series = [data.get(k, none) for k in wanted]
                for i in range(n):
                    rowno += 1
                    text = series[0][i]
                    if isinstance(text, str) and len(text) > MAX_RECORD_BYTES:
                        chunk.quarantine.append(QRow(name, "row", rowno,
                                                     f"record over {MAX_RECORD_BYTES:,} bytes",
                                                     excerpt(text[:EXCERPT_BYTES])))
                        continue
                    chunk.lines.append(rowno)
                    chunk.items.append(tuple(s[i] for s in series))
                    chunk.nbytes += len(text) if isinstance(text, str) else 0
                if len(chunk) >= CHUNK_RECORDS:
                    yield chunk
                    chunk = Chunk(name, source, "rows", "row")
        except Exception as e:  # a corrupt page, or a read error: pyarrow raises several types
            last = first + pf.metadata.row_group(rg).num_rows
            msg = (e.strerror or str(e)) if isinstance(e, OSError) else str(e)
            chunk.quarantine.append(QRow(
                name, "file", rowno + 1, f"unreadable Parquet data: {msg} (rows {rowno + 1:,} "
                f"to {last:,}, in row group {rg + 1}, are not read)", ""))
        first += pf.metadata.row_group(rg).num_rows
    if len(chunk):
        yield chunk


def file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


__all__ = ["BOM", "CHUNK_BYTES", "CHUNK_RECORDS", "EXTENSIONS", "FORMATS", "MAX_RECORD_BYTES",
           "Chunk", "Fields", "QRow", "check_inputs", "discover", "excerpt",
           "input_size", "iter_chunks", "iter_lines", "walk"]
