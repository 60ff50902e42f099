"""The scan service on real DuckDB files: idempotency, bad input, counts, SIGKILL resume."""

from __future__ import annotations

import json
import signal
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waspada import Analyzer, Assessment
from waspada.analyzer import Draft
from waspada.ingest import worker as worker_mod
from waspada.ingest.readers import MAX_RECORD_BYTES, Fields, iter_chunks
from waspada.ingest.scan import content_id, parse_time, scan
from waspada.store.db import ArrowBatch, Store, WriteBatch

from ._util import SAFE, cli_cmd, distinct_texts, run_cli, signal_after_first_commit, write_jsonl


def counts(db: Path) -> dict[str, int]:
    with Store.open(db) as st:  # a writer: finishes a migration a killed run left undone
        r = st.query(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(DISTINCT id) FROM documents),"
            " (SELECT count(*) FROM assessments), (SELECT count(*) FROM quarantine)")[0]
    return {"documents": r[0], "distinct": r[1], "assessments": r[2], "quarantined": r[3]}


# ---- content id and timestamps -------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ("Gaji 20 jt  per bulan", "Gaji 20 jt per bulan"),
    ("  Gaji 20 jt\nper bulan\t", "Gaji 20 jt per bulan"),
    ("ทำงาน\u3000ที่ปอยเปต", "ทำงาน ที่ปอยเปต"),
])
def test_content_id_ignores_whitespace_layout(a: str, b: str) -> None:
    assert content_id(a) == content_id(b)


def test_content_id_is_sha256_hex_of_the_collapsed_text() -> None:
    # sha256("abc") is the FIPS 180-2 test vector
    assert content_id(" abc ") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert content_id("Gaji 20 jt") != content_id("gaji 20 jt")


@settings(SAFE)
@given(st.text(max_size=200))
def test_content_id_is_stable_under_whitespace_padding(s: str) -> None:
    assert content_id(s) == content_id(f"  {s}\n")


@pytest.mark.parametrize(("raw", "want"), [
    ("2026-10-01T08:15:00+07:00", datetime(2026, 10, 1, 1, 15)),
    ("2026-10-01T08:15:00Z", datetime(2026, 10, 1, 8, 15)),
    ("2026-10-01", datetime(2026, 10, 1)),
    (1_767_225_600, datetime(2026, 1, 1)),
    (1_767_225_600_000, datetime(2026, 1, 1)),
    ("not a date", None),
    ("", None),
    (None, None),
    (True, None),
])
def test_parse_time(raw: object, want: datetime | None) -> None:
    assert parse_time(raw) == want


# ---- scanning in process and with workers --------------------------------------------------

def test_second_scan_of_the_same_input_adds_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 500)
    db = tmp_path / "w.duckdb"
    with Store.open(db) as st:
        r1 = scan([str(src)], st, workers=2, semantic="off")
    with Store.open(db) as st:
        r2 = scan([str(src)], st, workers=0, semantic="off")
    assert (r1.read, r1.new, r1.already_stored, r1.quarantined) == (500, 500, 0, 0)
    assert (r2.read, r2.new, r2.already_stored, r2.quarantined) == (500, 0, 500, 0)
    assert counts(db) == {"documents": 500, "distinct": 500, "assessments": 500,
                          "quarantined": 0}


def test_duplicate_texts_in_one_input_are_counted_as_duplicates(tmp_path: Path) -> None:
    src = tmp_path / "dups.jsonl"
    texts = ["Lowongan admin di Kamboja gaji 1500 USD", "Lowongan  admin di Kamboja gaji 1500 USD",
             "Selamat pagi", "Selamat pagi"]
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as st:
        r = scan([str(src)], st, workers=0)
    # issue 10: a repeat within the input is a duplicate, not "already stored"
    assert (r.read, r.new, r.already_stored, r.duplicates, r.quarantined) == (4, 2, 0, 2, 0)


def test_fields_are_stored_as_named(tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_text(json.dumps({"body": "Hubungi WA +62 812 5550 1987 untuk info kerja",
                               "pid": 77, "at": "2026-02-03T04:05:06Z", "site": "fb",
                               "link": "https://example.org/p/77"}) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as st:
        scan([str(src)], st, workers=0,
             fields=Fields(text="body", id="pid", time="at", source="site", url="link"))
        row = st.query("SELECT external_id, source, url, posted_at FROM documents")
    assert row == [("77", "fb", "https://example.org/p/77", datetime(2026, 2, 3, 4, 5, 6))]


def test_default_source_is_the_file_name(tmp_path: Path) -> None:
    src = tmp_path / "ads.txt"
    src.write_text("iklan satu\niklan dua\n", encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as st:
        scan([str(src)], st, workers=0)
        assert st.query("SELECT DISTINCT source FROM documents") == [("ads.txt",)]


def test_entities_are_unique_per_kind_and_value_and_linked_per_document(tmp_path: Path) -> None:
    # assess() finds whatever it finds; the store must keep (kind, value) unique and link each
    # document to each of its entities
    src = tmp_path / "in.jsonl"
    texts = [f"Kerja di Kamboja, WA +855 96 555 0142 atau telegram @hrd_kerja_{i % 2}"
             for i in range(6)]
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as st:
        scan([str(src)], st, workers=0)
        dup = st.query("SELECT kind, value, count(*) FROM entities GROUP BY ALL "
                       "HAVING count(*) > 1")
        orphans = st.query("SELECT count(*) FROM doc_entities de LEFT JOIN entities e "
                           "USING (entity_id) WHERE e.entity_id IS NULL")
        docs = st.query("SELECT count(*) FROM documents")
    assert dup == [] and orphans == [(0,)] and docs == [(2,)]


# ---- bad input -----------------------------------------------------------------------------

def test_each_kind_of_bad_input_is_quarantined_with_its_reason(tmp_path: Path) -> None:
    good = [json.dumps({"id": i, "text": t}) for i, t in enumerate(distinct_texts()[:5])]
    lines = [
        good[0].encode(),                                      # line 1 ok
        b'{"id": 9, "text": "gaji \xff\xfe besar"}',           # line 2 invalid UTF-8
        good[1].encode(),                                      # line 3 ok
        b'{"id": 10, "text": "unterminated',                   # line 4 broken JSON
        b'{"id": 11, "body": "no text field"}',                # line 5 missing text
        good[2].encode(),                                      # line 6 ok
        b'{"id": 12, "text": "' + b"x" * (50 * 1024 * 1024) + b'"}',  # line 7: 50 MB record
        good[3].encode(),                                      # line 8 ok
        b'{"id": 13, "text": 42}',                             # line 9 text not a string
        b'{"id": 14, "text": "   "}',                          # line 10 empty text
        b"[1, 2, 3]",                                          # line 11 not an object
        good[4].encode(),                                      # line 12 ok
    ]
    src = tmp_path / "mixed.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    db = tmp_path / "w.duckdb"
    with Store.open(db) as st:
        r = scan([str(src), str(tmp_path / "empty.jsonl"), str(tmp_path / "image.txt")], st,
                 workers=2)
        rows = st.query("SELECT input, unit, line, reason, octet_length(encode(excerpt)) "
                        "FROM quarantine ORDER BY input, line")
    got = {(Path(i).name, u, n): why for i, u, n, why, _ in rows}
    assert got == {
        ("empty.jsonl", "file", 0): "empty file",
        ("image.txt", "file", 0): "binary file (NUL bytes), not text",
        ("mixed.jsonl", "line", 2): "invalid UTF-8 at byte 24",
        ("mixed.jsonl", "line", 4): "broken JSON: Unterminated string starting at (column 20)",
        ("mixed.jsonl", "line", 5): "missing text field 'text'",
        ("mixed.jsonl", "line", 7): f"record over {MAX_RECORD_BYTES:,} bytes",
        ("mixed.jsonl", "line", 9): "text field 'text' is not a string",
        ("mixed.jsonl", "line", 10): "empty text",
        ("mixed.jsonl", "line", 11): "JSON value is not an object",
    }
    assert all(size <= 1024 for *_, size in rows)
    assert (r.read, r.ok, r.quarantined) == (14, 5, 9)
    assert r.ok + r.quarantined == r.read


def test_csv_with_invalid_utf8_and_oversized_field(tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    big = b"y" * (MAX_RECORD_BYTES + 10)
    src.write_bytes(b"id,text\n1,hello there\n2,caf\xe9 latte\n3," + big + b"\n4,last one\n")
    with Store.open(tmp_path / "w.duckdb") as st:
        r = scan([str(src)], st, workers=0)
        rows = st.query("SELECT line, reason FROM quarantine ORDER BY line")
    assert (r.read, r.new, r.quarantined) == (4, 2, 2)
    assert rows[0] == (2, "invalid UTF-8 in row (at character 3)")
    assert rows[1][0] == 3 and rows[1][1].startswith("bad CSV row: field larger than field limit")


def test_not_a_parquet_file_is_quarantined(tmp_path: Path) -> None:
    src = tmp_path / "fake.parquet"
    src.write_text("just text\n", encoding="utf-8")
    with Store.open(tmp_path / "w.duckdb") as st:
        r = scan([str(src)], st, workers=0)
        assert st.query("SELECT unit, reason FROM quarantine") == [
            ("file", "not a Parquet file (no PAR1 magic)")]
    assert (r.read, r.quarantined) == (1, 1)


def test_rescanning_bad_input_does_not_duplicate_quarantine_rows(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text('{"text": "ok then"}\n{oops\n', encoding="utf-8")
    db = tmp_path / "w.duckdb"
    for _ in range(2):
        with Store.open(db) as st:
            r = scan([str(src)], st, workers=0)
        assert (r.read, r.ok, r.quarantined) == (2, 1, 1)
    assert counts(db)["quarantined"] == 1


# ---- a real process killed with SIGKILL, then resumed ---------------------------------------

@pytest.mark.slow
def test_scan_killed_with_sigkill_resumes_with_nothing_lost_or_duplicated(tmp_path: Path) -> None:
    n = write_jsonl(tmp_path / "in.jsonl", 8_000)
    db = tmp_path / "w.duckdb"
    proc = subprocess.Popen(cli_cmd("scan", "in.jsonl", "--db", str(db), "--workers", "2",
                                    "--batch-rows", "500", "--semantic", "off"),
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    committed = signal_after_first_commit(proc, db, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the scan ended by itself, not by the signal"
    after_kill = counts(db)
    assert after_kill["documents"] >= committed, "a batch committed before the kill was lost"
    assert after_kill["documents"] == after_kill["assessments"] == after_kill["distinct"]
    assert 0 < after_kill["documents"] < n, "killed mid-way: some batches stored, not all"
    done = run_cli("scan", "in.jsonl", "--db", str(db), "--json", "--semantic", "off",
                   cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["read"] == n
    assert report["new"] == n - after_kill["documents"]
    assert report["already_stored"] == after_kill["documents"]
    assert counts(db) == {"documents": n, "distinct": n, "assessments": n, "quarantined": 0}


def test_parquet_input_with_named_columns_and_an_oversized_row(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "posts.parquet"
    pq.write_table(pa.table({
        "msg": ["Lowongan admin di Kamboja", None, "z" * (MAX_RECORD_BYTES + 1), "Halo"],
        "post_id": ["p1", "p2", "p3", "p4"],
        "ts": [datetime(2026, 5, 1, 9), None, None, datetime(2026, 5, 2)],
    }), src)
    with Store.open(tmp_path / "w.duckdb") as st:
        r = scan([str(src)], st, workers=0, fields=Fields(text="msg", id="post_id", time="ts"))
        docs = st.query("SELECT external_id, posted_at, source FROM documents ORDER BY 1")
        q = st.query("SELECT unit, line, reason FROM quarantine ORDER BY line")
    assert (r.read, r.new, r.quarantined) == (4, 2, 2)
    assert docs == [("p1", datetime(2026, 5, 1, 9), "posts.parquet"),
                    ("p4", datetime(2026, 5, 2), "posts.parquet")]
    assert q == [("row", 2, "missing text field 'msg'"),
                 ("row", 3, f"record over {MAX_RECORD_BYTES:,} bytes")]


# ---- the resume pre-filter: stored records are not assessed again ------------------------

def scan_log(db: Path) -> list[tuple[str, int, int, int, int]]:
    with Store.open(db) as st:
        return [tuple(r) for r in st.query(
            "SELECT status, records_read, new_documents, already_stored, quarantined "
            "FROM scans ORDER BY started_at")]


@pytest.mark.parametrize("workers", [0, 2])
def test_rescan_of_the_same_input_assesses_nothing(tmp_path: Path, workers: int) -> None:
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 600)
    with src.open("a", encoding="utf-8") as f:  # and two bad lines, quarantined both times
        f.write('{"text": 5}\n{broken\n')
    db = tmp_path / "w.duckdb"
    with Store.open(db) as st:
        r1 = scan([str(src)], st, workers=workers, semantic="off")
    with Store.open(db) as st:
        r2 = scan([str(src)], st, workers=workers, semantic="off")
    assert (r1.read, r1.new, r1.already_stored, r1.quarantined, r1.assessed) == (
        602, 600, 0, 2, 600)
    assert (r2.read, r2.new, r2.already_stored, r2.quarantined, r2.assessed) == (
        602, 0, 600, 2, 0)
    assert r2.ok + r2.quarantined == r2.read
    assert r2.to_dict()["assessed"] == 0
    assert scan_log(db) == [("complete", 602, 600, 0, 2), ("complete", 602, 0, 600, 2)]
    assert counts(db) == {"documents": 600, "distinct": 600, "assessments": 600,
                          "quarantined": 2}


def test_resume_assesses_only_the_records_not_yet_stored(tmp_path: Path) -> None:
    full = tmp_path / "all.jsonl"
    write_jsonl(full, 900)
    head = tmp_path / "head.jsonl"
    head.write_text("".join(full.read_text(encoding="utf-8").splitlines(True)[:350]),
                    encoding="utf-8")
    db = tmp_path / "w.duckdb"
    with Store.open(db) as st:
        scan([str(head)], st, workers=2, semantic="off")
    with Store.open(db) as st:
        r = scan([str(full)], st, workers=2, semantic="off")
    assert (r.read, r.new, r.already_stored, r.assessed) == (900, 550, 350, 550)
    assert counts(db)["documents"] == counts(db)["distinct"] == 900


def test_a_prefilter_false_hit_is_still_assessed_and_stored(tmp_path: Path) -> None:
    # a stored id sharing the first 64 bits with a new text's id (as two different texts could):
    # the pre-filter says "stored", the parent's anti-join says no, the record is assessed
    text = "Lowongan kerja admin di Kamboja, gaji 1500 USD, hubungi WA"
    real = content_id(text)
    twin = real[:16] + ("0" * 48 if real[16:] != "0" * 48 else "1" * 48)
    b = WriteBatch()
    for col, v in [("ids", twin), ("external_ids", None), ("sources", "seed"), ("urls", None),
                   ("posted", None), ("languages", "id"), ("scripts", "Latin"),
                   ("texts", "another text"), ("model_versions", "test"), ("risks", 0),
                   ("levels", "low"), ("categories", "benign"), ("explanations", ""),
                   ("probabilities", None)]:
        getattr(b, col).append(v)
    db = tmp_path / "w.duckdb"
    with Store.open(db) as st:
        assert st.write(b, []) == 1
        assert list(st.stored_id_keys()) == [int(real[:16], 16)]
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": text}) + "\n" + json.dumps({"text": "Selamat pagi"})
                   + "\n", encoding="utf-8")
    for workers in (0, 2):
        with Store.open(db) as st:
            r = scan([str(src)], st, workers=workers)
        if workers == 0:
            assert (r.read, r.new, r.already_stored, r.assessed) == (2, 2, 0, 2)
        else:  # second run: both stored now, nothing assessed
            assert (r.read, r.new, r.already_stored, r.assessed) == (2, 0, 2, 0)
    with Store.open(db) as st:
        assert sorted(r[0] for r in st.query("SELECT id FROM documents")) == sorted(
            [twin, real, content_id("Selamat pagi")])


def test_scan_bounds_the_writers_memory_and_threads(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 20)
    with Store.open(tmp_path / "w.duckdb") as st:
        scan([str(src)], st, workers=0, memory_limit="300MB")
        got = st.query("SELECT current_setting('memory_limit'), current_setting('threads')")
    # DuckDB reports the limit in binary units: 300 MB = 286.1 MiB
    assert got == [("286.1 MiB", 1)]


class _Flaky(Analyzer):
    """The packaged analyzer, except that its fast stage fails on texts holding "BOOM"."""

    def first_stage(self, text: str, *, lang: str | None = None,
                    country: str | None = None) -> Draft:
        if "BOOM" in text:
            raise RuntimeError("boom")
        return super().first_stage(text, lang=lang, country=country)


class _FlakyFinish(Analyzer):
    """The packaged analyzer, except that finishing a draft (the semantic stage's step, run on
    a chunk's drafts together) fails on texts holding "BOOM"."""

    def finish(self, draft: Draft, p_semantic: float | None = None) -> Assessment:
        if "BOOM" in draft.ctx.text:
            raise RuntimeError("boom")
        return super().finish(draft, p_semantic)


@pytest.mark.parametrize("flaky", [_Flaky, _FlakyFinish])
def test_an_assess_failure_quarantines_that_record_alone_in_input_order(
        tmp_path: Path, flaky: type[Analyzer]) -> None:
    # the worker assesses a chunk's records after parsing them all: a record assess() fails on
    # is quarantined at its own line, between the parse failures around it
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"".join([
        json.dumps({"text": "Lowongan kerja di Kamboja"}).encode() + b"\n",
        json.dumps({"text": "BOOM one"}).encode() + b"\n",
        b'{"text": broken\n',
        json.dumps({"text": "Selamat pagi", "id": 3}).encode() + b"\n",
        json.dumps({"text": "BOOM two"}).encode() + b"\n",
        b'{"id": 1}\n',
        json.dumps({"text": "Gaji 20 jt per bulan", "timestamp": "2026-01-02T03:04:05Z"})
        .encode() + b"\n",
    ]))
    (chunk,) = list(iter_chunks([str(src)], Fields()))
    res = worker_mod.process_chunk(chunk, Fields(), worker=worker_mod.WorkerState(
        analyzer=flaky()))
    assert [(r[2], r[3].split(":")[0]) for r in res.quarantine] == [
        (2, "assess failed"), (3, "broken JSON"), (5, "assess failed"),
        (6, "missing text field 'text'")]
    assert (res.ndocs, res.assessed) == (3, 5)
    docs = ArrowBatch.from_ipc(res.batch).docs
    assert docs.column("text").to_pylist() == [
        "Lowongan kerja di Kamboja", "Selamat pagi", "Gaji 20 jt per bulan"]
    assert docs.column("external_id").to_pylist() == [None, "3", None]
    assert docs.column("posted_at").to_pylist() == [None, None, datetime(2026, 1, 2, 3, 4, 5)]
    assert docs.column("id").to_pylist() == [content_id(t) for t in docs.column("text")
                                             .to_pylist()]


@pytest.mark.parametrize("workers", [0, 2])
def test_a_broken_pipeline_stops_the_scan_before_any_work(tmp_path: Path,
                                                          workers: int) -> None:
    # with workers, the parent does not warm up assess() itself: a worker's failure to is
    # reported as the same error the parent would raise
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 5)
    r = subprocess.run(cli_cmd("scan", str(src), "--db", str(tmp_path / "w.duckdb"),
                               "--workers", str(workers), "--no-progress",
                               "--model", str(tmp_path / "no-such-model.json")),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2
    assert "model file not found" in r.stderr and "no-such-model.json" in r.stderr
    assert counts(tmp_path / "w.duckdb")["documents"] == 0


@pytest.mark.parametrize("workers", [0, 2])
def test_every_record_goes_through_the_configured_analyzer(tmp_path: Path, workers: int) -> None:
    # --config names an indicator file of its own and no model: the stored verdicts are that
    # analyzer's, in the scan's own process and in every worker
    (tmp_path / "ours.yaml").write_text(
        "- id: local.kamboja\n  category: recruitment_lure\n  weight: 0.5\n"
        "  description: {en: Names Cambodia, id: Menyebut Kamboja}\n"
        "  keywords: {id: [kamboja]}\n", encoding="utf-8")
    (tmp_path / "waspada.toml").write_text('model = "none"\nindicators = ["ours.yaml"]\n',
                                           encoding="utf-8")
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 40)
    with src.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "Kerja di Kamboja gaji besar, chat telegram @kerja88"}) + "\n")
    db = tmp_path / "w.duckdb"
    r = subprocess.run(cli_cmd("scan", str(src), "--db", str(db), "--workers", str(workers),
                               "--no-progress", "--config", str(tmp_path / "waspada.toml")),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    with Store.open(db) as st:
        versions = st.query("SELECT DISTINCT model_version FROM assessments")
        ids = st.query("SELECT DISTINCT indicator_id FROM indicator_hits")
    assert versions == [("indicators-1",)]
    assert ids == [("local.kamboja",)]
