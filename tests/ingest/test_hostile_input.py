"""Issue 10: hostile input and broken files end in quarantine with a reason; the rest is stored.

Real files on disk, real DuckDB files, the real scan (in process and with worker processes).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.errors import InputError
from waspada.ingest import readers
from waspada.ingest.readers import Fields, iter_chunks
from waspada.ingest.scan import content_id, parse_time, parse_time_plain, scan
from waspada.store.db import Store

from ._util import SAFE, distinct_texts


def quarantine_rows(st: Store) -> list[tuple[str, str, int, str]]:
    rows = st.query("SELECT input, unit, line, reason FROM quarantine ORDER BY input, line")
    return [(Path(i).name, u, n, r) for i, u, n, r in rows]


def stored_texts(st: Store) -> list[str]:
    return [r[0] for r in st.query("SELECT text FROM documents ORDER BY doc_key")]


# ---- item 2: one bad record or file never costs the others ----------------------------------

@pytest.mark.parametrize("workers", [0, 2])
def test_lone_surrogates_in_any_field_quarantine_that_record_only(tmp_path: Path,
                                                                   workers: int) -> None:
    good = distinct_texts()[:3]
    lines = [
        json.dumps({"id": 1, "text": good[0]}),
        '{"id": "\\ud800", "text": "surrogate in the id"}',
        '{"source": "grp\\udfff", "text": "surrogate in the source"}',
        '{"url": "https://x.example/\\ud83d", "text": "surrogate in the url"}',
        '{"timestamp": "2026-01-01\\ud800", "text": "surrogate in the time"}',
        '{"text": "surrogate \\ud800 in the text"}',
        json.dumps({"id": 2, "text": good[1]}),
    ]
    src = tmp_path / "s.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="ascii")
    later = tmp_path / "t.jsonl"  # a later input is stored too
    later.write_text(json.dumps({"text": good[2]}) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as st:
        r = scan([str(src), str(later)], st, workers=workers)
        assert sorted(stored_texts(st)) == sorted(good)
        got = quarantine_rows(st)
    assert got == [
        ("s.jsonl", "line", 2, "invalid Unicode in field 'id' (lone surrogate at character 0)"),
        ("s.jsonl", "line", 3,
         "invalid Unicode in field 'source' (lone surrogate at character 3)"),
        ("s.jsonl", "line", 4,
         "invalid Unicode in field 'url' (lone surrogate at character 18)"),
        ("s.jsonl", "line", 5,
         "invalid Unicode in field 'timestamp' (lone surrogate at character 10)"),
        ("s.jsonl", "line", 6, "invalid Unicode (lone surrogate at character 10)"),
    ]
    assert (r.read, r.new, r.quarantined) == (8, 3, 5)


def _corrupt_parquet(path: Path, texts: list[str], group: int, bad_group: int) -> None:
    """A Parquet file of row groups of ``group`` rows whose row group ``bad_group`` (0-based)
    has a corrupt data page (its footer and the other groups are intact)."""
    pq.write_table(pa.table({"text": texts}), path, row_group_size=group,
                   compression="snappy", use_dictionary=False)
    col = pq.ParquetFile(path).metadata.row_group(bad_group).column(0)
    data = bytearray(path.read_bytes())
    mid = col.data_page_offset + col.total_compressed_size // 2
    for i in range(mid, mid + 64):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_corrupt_parquet_page_costs_its_row_group_only(tmp_path: Path) -> None:
    texts = [f"{t}\nref {i}" for i, t in enumerate(distinct_texts()[:90])]
    first = tmp_path / "a.jsonl"
    first.write_text(json.dumps({"text": "Lowongan kerja di Batam, gaji 5 jt"}) + "\n",
                     encoding="utf-8")
    bad = tmp_path / "b.parquet"
    _corrupt_parquet(bad, texts, group=30, bad_group=1)
    with pytest.raises(OSError):  # the file really is corrupt where we say
        pq.ParquetFile(bad).read_row_group(1)
    with Store.open(tmp_path / "w.duckdb") as st:
        r = scan([str(first), str(bad)], st, workers=0)
        stored = set(stored_texts(st))
        got = quarantine_rows(st)
    assert stored == {"Lowongan kerja di Batam, gaji 5 jt", *texts[:30], *texts[60:]}
    assert len(got) == 1
    name, unit, line, reason = got[0]
    assert (name, unit, line) == ("b.parquet", "file", 31)
    assert reason.startswith("unreadable Parquet data: ")
    assert reason.endswith("(rows 31 to 60, in row group 2, are not read)")
    assert (r.read, r.new, r.quarantined) == (62, 61, 1)


# ---- item 4: readers --------------------------------------------------------------------------

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(("name", "body"), [
    ("p.csv", b"text,id\nLowongan admin gaji 9 jt,a1\nKerja di Dubai,a2\n"),
    ("p.jsonl", b'{"text": "Lowongan admin gaji 9 jt"}\n{"text": "Kerja di Dubai"}\n'),
    ("p.txt", b"Lowongan admin gaji 9 jt\nKerja di Dubai\n"),
])
def test_a_byte_order_mark_is_not_part_of_the_data(tmp_path: Path, name: str,
                                                   body: bytes) -> None:
    (tmp_path / "bom").mkdir()
    (tmp_path / "plain").mkdir()
    (tmp_path / "bom" / name).write_bytes(BOM + body)
    (tmp_path / "plain" / name).write_bytes(body)
    got = {}
    for kind in ("bom", "plain"):
        with Store.open(tmp_path / f"{kind}.duckdb") as st:
            r = scan([str(tmp_path / kind / name)], st, workers=0)
            got[kind] = (r.read, r.new, r.quarantined,
                         st.query("SELECT id, text FROM documents ORDER BY doc_key"))
    assert got["bom"] == got["plain"]
    assert got["plain"][:3] == (2, 2, 0)
    assert got["plain"][3][0] == (content_id("Lowongan admin gaji 9 jt"),
                                  "Lowongan admin gaji 9 jt")


def test_a_csv_field_over_the_cap_does_not_make_up_rows(tmp_path: Path) -> None:
    # a quoted field of 1.2 MB over many lines; the csv module used to resume inside it
    field = "\n".join(["kata " * 20] * 12_000)
    assert len(field) > readers.MAX_RECORD_BYTES
    rows = ["id,text", "1,first ad here", "2,second ad", f'3,"{field}"', "4,fourth ad",
            "5,fifth ad"]
    src = tmp_path / "big.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as st:
        r = scan([str(src)], st, workers=0)
        texts = stored_texts(st)
        got = quarantine_rows(st)
    assert texts == ["first ad here", "second ad", "fourth ad", "fifth ad"]
    assert got == [("big.csv", "row", 3,
                    f"bad CSV row: field larger than field limit "
                    f"({readers.MAX_RECORD_BYTES:,})")]
    assert (r.read, r.new, r.quarantined) == (5, 4, 1)


def test_a_folder_scan_does_not_follow_links_out_of_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ads.txt").write_text("Lowongan kerja di Batam\n", encoding="utf-8")
    (folder / "leak.txt").symlink_to(outside)
    (folder / "gone.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    (folder / "inside.txt").symlink_to(folder / "ads.txt")  # stays in the folder: read
    with Store.open(tmp_path / "w.duckdb") as st:
        r = scan([str(folder)], st, workers=0)
        texts = stored_texts(st)
        got = quarantine_rows(st)
    assert texts == ["Lowongan kerja di Batam"]
    assert got == [
        ("gone.jsonl", "file", 0,
         f"dangling symbolic link: not read (to {tmp_path / 'nowhere.jsonl'})"),
        ("leak.txt", "file", 0,
         f"symbolic link out of the folder: not followed (to {outside.resolve()})"),
    ]
    # ads.txt and the link to it: one document, the second a duplicate within the input
    assert (r.read, r.new, r.duplicates, r.quarantined) == (4, 1, 1, 2)


def test_a_fifo_is_refused_by_name_and_quarantined_in_a_folder(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe\.jsonl: a FIFO, not a regular file"):
        readers.check_inputs([str(fifo)])
    with Store.open(tmp_path / "w.duckdb") as st:
        with pytest.raises(InputError):
            scan([str(fifo)], st, workers=0)
        r = scan([str(tmp_path)], st, workers=0)  # a folder holding it: nothing blocks
        assert quarantine_rows(st) == [
            ("pipe.jsonl", "file", 0, "a FIFO, not a regular file: not read")]
    assert (r.read, r.quarantined) == (1, 1)


def test_a_missing_input_is_an_error_naming_it_before_anything_is_done(tmp_path: Path) -> None:
    ok = tmp_path / "ok.txt"
    ok.write_text("Lowongan kerja\n", encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as st:
        with pytest.raises(InputError, match=r"nope\.jsonl: no such file or folder"):
            scan([str(ok), str(tmp_path / "nope.jsonl")], st, workers=0)
        assert st.query("SELECT count(*) FROM documents") == [(0,)]


def test_txt_reader_drops_the_bom_of_the_first_line_only(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(BOM + b"one\n" + BOM + b"two\n")
    (chunk,) = iter_chunks([str(p)], Fields())
    assert chunk.items == [b"one\n", BOM + b"two\n"]  # a BOM inside the file is data


# ---- item 9: times --------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "want"), [
    ("1764000000", datetime(2025, 11, 24, 16, 0)),
    (" 1764000000 ", datetime(2025, 11, 24, 16, 0)),
    ("1764000000000", datetime(2025, 11, 24, 16, 0)),
    ("1764000000.5", datetime(2025, 11, 24, 16, 0, 0, 500000)),
    ("20260101", datetime(2026, 1, 1)),  # ISO 8601 basic form, not an epoch
    ("2026", None),  # too short to be an epoch: not read (kept raw by the scan)
    ("1764000000x", None),
])
def test_parse_time_reads_epoch_strings(raw: str, want: datetime | None) -> None:
    assert parse_time(raw) == want


@settings(SAFE, max_examples=200)
@given(st.integers(min_value=100_000_000, max_value=4_000_000_000))
def test_an_epoch_as_a_string_is_the_same_time_as_the_number(n: int) -> None:
    assert parse_time(str(n)) == parse_time(n) == parse_time_plain(str(n))


def test_an_unreadable_time_is_kept_raw_counted_and_never_dated_today(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text("text,timestamp\nLowongan satu,1764000000\nLowongan dua,kemarin sore\n"
                   "Lowongan tiga,\n", encoding="utf-8")
    from waspada.store import queries

    with Store.open(tmp_path / "w.duckdb") as st:
        r = scan([str(src)], st, workers=0)
        rows = st.query("SELECT text, posted_at, posted_raw FROM documents ORDER BY doc_key")
        by_day = queries.stats(st)["by_day"]
    assert rows == [("Lowongan satu", datetime(2025, 11, 24, 16, 0), None),
                    ("Lowongan dua", None, "kemarin sore"),
                    ("Lowongan tiga", None, None)]
    assert r.unparsed_times == 1
    assert by_day == {"2025-11-24": 1, "unknown": 2}


def test_first_seen_of_an_identifier_is_unknown_without_a_posting_time(tmp_path: Path) -> None:
    from waspada.store import queries

    src = tmp_path / "t.jsonl"
    phone = "+62 812 5550 1987"
    src.write_text(json.dumps({"text": f"Kerja di Kamboja, WA {phone}", "timestamp": "bad"})
                   + "\n" + json.dumps({"text": f"Lowongan Batam hubungi {phone}"}) + "\n",
                   encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as st:
        scan([str(src)], st, workers=0)
        rows = queries.shared_entities(st, "phone", 2, 5)
    assert [(r["documents"], r["first_seen"], r["last_seen"]) for r in rows] == [(2, None, None)]


# ---- duplicates within the input vs stored before -----------------------------------------

def test_repeats_are_told_apart_from_records_stored_by_an_earlier_scan(tmp_path: Path) -> None:
    texts = [f"{t}\nref {i}" for i, t in enumerate(distinct_texts()[:40])]
    a = tmp_path / "a.jsonl"
    a.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts[:20]), encoding="utf-8")
    b = tmp_path / "b.jsonl"  # 20 stored before, 20 new
    b.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    c = tmp_path / "c.jsonl"  # each new one twice more, in a later chunk and transaction
    c.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts[20:] * 2),
                 encoding="utf-8")
    db = tmp_path / "w.duckdb"
    with Store.open(db) as st:
        scan([str(a)], st, workers=0)
    with Store.open(db) as st:
        r = scan([str(b), str(c)], st, workers=2, write_rows=7)
    assert (r.read, r.new, r.already_stored, r.duplicates) == (80, 20, 20, 40)
    assert r.to_dict()["duplicates"] == 40 and r.ok == r.read
