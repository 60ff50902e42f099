"""Readers: line splitting with a size cap, excerpts, discovery, CSV and Parquet chunks."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.ingest import readers
from waspada.ingest.readers import Fields, excerpt, iter_chunks, iter_lines

from ._util import SAFE


@settings(SAFE)
@given(st.lists(st.binary(max_size=40).filter(lambda b: b"\n" not in b), max_size=30))
def test_iter_lines_gives_back_every_line_in_order(lines: list[bytes]) -> None:
    data = b"".join(x + b"\n" for x in lines)
    got = [(n, b) for n, b, big in iter_lines(io.BytesIO(data), cap=1000)]
    assert got == [(i + 1, x + b"\n") for i, x in enumerate(lines)]


@settings(SAFE)
@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=20))
def test_iter_lines_flags_exactly_the_lines_over_the_cap(lengths: list[int]) -> None:
    cap = 30
    data = b"".join(b"a" * n + b"\n" for n in lengths)
    out = list(iter_lines(io.BytesIO(data), cap=cap))
    assert [n for n, _, _ in out] == list(range(1, len(lengths) + 1))
    # a line of n bytes + "\n" fits when n + 1 <= cap + 1
    assert [big for _, _, big in out] == [n > cap for n in lengths]
    assert all(len(b) <= max(cap + 1, readers.EXCERPT_BYTES) for _, b, _ in out)


@settings(SAFE)
@given(st.text(max_size=3000))
def test_excerpt_is_valid_utf8_of_at_most_1_kb(s: str) -> None:
    e = excerpt(s.encode("utf-8", "surrogatepass"))
    assert len(e.encode("utf-8")) <= 1024


def test_excerpt_keeps_short_text_unchanged() -> None:
    assert excerpt(b"Lowongan kerja") == "Lowongan kerja"
    assert excerpt("gaji ฿30,000 ต่อเดือน") == "gaji ฿30,000 ต่อเดือน"


def test_discover_walks_folders_by_extension_and_keeps_stdin(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    for name in ("a/x.jsonl", "a/y.CSV", "b.txt", "notes.md", "a/z.parquet", "img.png"):
        (tmp_path / name).write_bytes(b"x")
    got = [n for n, _ in readers.discover([str(tmp_path), "-"])]
    rel = [Path(n).relative_to(tmp_path).as_posix() if n != "-" else n for n in got]
    assert rel == ["a/x.jsonl", "a/y.CSV", "a/z.parquet", "b.txt", "-"]


def test_txt_file_is_one_document_per_non_empty_line(tmp_path: Path) -> None:
    p = tmp_path / "ads.txt"
    p.write_text("first ad\n\n   \nsecond ad\r\nthird", encoding="utf-8")
    chunks = list(iter_chunks([str(p)], Fields()))
    assert [c.lines for c in chunks] == [[1, 4, 5]]
    assert chunks[0].items == [b"first ad\n", b"second ad\r\n", b"third"]


def test_csv_rows_carry_the_named_fields(tmp_path: Path) -> None:
    p = tmp_path / "posts.csv"
    p.write_text('msg,ref,when,src\n"Hi, gaji 20 jt",A1,2026-01-02,fb\nhello,,,\n',
                 encoding="utf-8")
    (chunk,) = iter_chunks([str(p)], Fields(text="msg", id="ref", time="when", source="src"))
    assert chunk.items == [("Hi, gaji 20 jt", "A1", "2026-01-02", "fb", None),
                           ("hello", None, None, None, None)]
    assert chunk.lines == [1, 2]


def test_csv_without_the_text_column_is_quarantined_as_a_file(tmp_path: Path) -> None:
    p = tmp_path / "posts.csv"
    p.write_text("body,id\nhello,1\n", encoding="utf-8")
    (chunk,) = iter_chunks([str(p)], Fields())
    assert [(q.unit, q.reason) for q in chunk.quarantine] == [
        ("file", "missing text field 'text' in CSV header")]


def test_parquet_is_read_in_batches_with_row_numbers(tmp_path: Path) -> None:
    p = tmp_path / "posts.parquet"
    n = readers.CHUNK_RECORDS + 5
    pq.write_table(pa.table({"text": [f"t{i}" for i in range(n)], "other": list(range(n))}), p)
    chunks = list(iter_chunks([str(p)], Fields()))
    assert [len(c.items) for c in chunks] == [readers.CHUNK_RECORDS, 5]
    assert chunks[1].lines == list(range(readers.CHUNK_RECORDS + 1, n + 1))
    assert chunks[1].items[0] == (f"t{readers.CHUNK_RECORDS}", None, None, None, None)
