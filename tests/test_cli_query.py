"""The query commands (top, show, entities, stats, export) on hostile stores, bad options and a
damaged database, through the real CLI (in this process: the store comes from a real scan in a
subprocess); and what ``export`` writes, parsed back with real parsers."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ingest._util import ROOT, run_cli
from waspada import assess
from waspada.cli import _register, app
from waspada.indicators.loader import load_taxonomy
from waspada.ingest.scan import batch_of, content_id
from waspada.store import queries
from waspada.store.db import Store, WriteBatch
from waspada.types import CATEGORIES

SAMPLES = ROOT / "samples"
_register()


def cli(*args: str) -> SimpleNamespace:
    """The real ``waspada`` command run in this process (no interpreter start per call)."""
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    # an exception other than the command's exit would be a traceback on a terminal
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exc_info
    return SimpleNamespace(returncode=r.exit_code, stdout=r.stdout, stderr=r.stderr)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("query")
    r = run_cli("scan", str(SAMPLES), "--db", "w.duckdb", "--workers", "0", "--no-progress",
                "--semantic", "off", cwd=d)
    assert r.returncode == 0, r.stderr
    return d / "w.duckdb"


def one_line_error(r: Any, *words: str) -> None:
    """Exit 2, stderr one line ``error: ...`` containing ``words`` (``cli`` checked that no
    exception escaped)."""
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


# ---- hostile values in the store ---------------------------------------------------------------

HOSTILE_SOURCE = "[/bad] [bold]src"
HOSTILE_TEXT = "hello \x1b[2J\x1b[31mRED [/x] world\x07"
HOSTILE_VALUE = "[/z]"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "h.duckdb"
    b = WriteBatch()
    i = b.add_document("ab" * 32, external_id="[/e]", source=HOSTILE_SOURCE, url=None,
                       posted=datetime(2026, 1, 2), language="id", script="Latin",
                       text=HOSTILE_TEXT, model_version="m", risk=50, level="medium",
                       category="scam", explanation="see [/y] \x1b]0;title\x07",
                       probabilities=None)
    b.add_entity(i, "phone", HOSTILE_VALUE, 0, 5, "test", 1.0, None)
    b.add_hit(i, "scam.test", "scam", 0.5, json.dumps([[6, 10, "\x1b[2J"]]))
    j = b.add_document("cd" * 32, external_id=None, source=HOSTILE_SOURCE, url=None, posted=None,
                       language="id", script="Latin", text="[/z] again", model_version="m",
                       risk=10, level="low", category="benign", explanation="",
                       probabilities=None)
    b.add_entity(j, "phone", HOSTILE_VALUE, 0, 4, "test", 1.0, None)
    with Store.open(path) as s:
        s.write(b, [])
    return path


@pytest.mark.parametrize("args", [["top"], ["show", "abababab"], ["entities"]])
def test_markup_and_escape_sequences_in_stored_values_are_shown_as_text(
        hostile_db: Path, args: list[str]) -> None:
    r = cli(*args, "--db", str(hostile_db))
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout  # nothing a terminal acts on
    shown = {"top": "[/bad]", "show": "[/x]", "entities": HOSTILE_VALUE}
    assert shown[args[0]] in r.stdout  # printed as the characters it is, not as markup
    if args[0] == "show":
        assert "hello \ufffd[2J\ufffd[31mRED [/x] world\ufffd" in r.stdout


# ---- options and paths -------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["top", "-n", "-1"], ["entities", "-n", "-1"],
                                  ["entities", "--min-docs", "0"]])
def test_negative_counts_are_usage_errors(sample_db: Path, args: list[str]) -> None:
    r = cli(*args, "--db", str(sample_db))
    assert r.returncode == 2, r.stderr
    assert "Invalid value for" in r.stderr and args[1] in r.stderr


def test_export_to_a_missing_folder_or_onto_a_directory_is_a_one_line_error(
        sample_db: Path, tmp_path: Path) -> None:
    r = cli("export", "--out", str(tmp_path / "no" / "such" / "x.csv"), "--format", "csv",
            "--db", str(sample_db))
    one_line_error(r, "no/such/x.csv", "there is no folder")
    (tmp_path / "adir").mkdir()
    r = cli("export", "--out", str(tmp_path / "adir"), "--db", str(sample_db))
    one_line_error(r, "adir", "it is a directory")
    assert list((tmp_path / "adir").iterdir()) == [] and not (tmp_path / "no").exists()


def test_show_of_an_id_that_is_not_hexadecimal_says_so(sample_db: Path) -> None:
    r = cli("show", "zzzzzzzz", "--db", str(sample_db))
    one_line_error(r, "no document with id zzzzzzzz", "hexadecimal")


def test_a_damaged_database_is_a_one_line_error_for_every_query(
        sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "damaged.duckdb"
    shutil.copy(sample_db, db)
    data = bytearray(db.read_bytes())
    # keep DuckDB's file headers (the first 12 kB), overwrite every block after them
    data[12288:] = b"\xde\xad\xbe\xef" * ((len(data) - 12288) // 4)
    db.write_bytes(bytes(data))
    commands = [["stats"], ["top"], ["entities", "--min-docs", "1"], ["show", "ab" * 32],
                ["export", "--format", "csv", "--out", str(tmp_path / "x.csv")]]
    for args in commands:
        one_line_error(cli(*args, "--db", str(db)), "damaged.duckdb")
    assert not (tmp_path / "x.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["damaged.duckdb"]  # no export leftovers


def test_file_names_that_are_not_utf8_are_one_line_errors(sample_db: Path, tmp_path: Path) -> None:
    # a name with the byte 0xff, as a shell passes it (Python sees a lone surrogate)
    db = tmp_path / os.fsdecode(b"\xff.duckdb")
    shutil.copy(sample_db, db)
    one_line_error(cli("stats", "--db", str(db)), "UTF-8 file names")
    folder = tmp_path / os.fsdecode(b"d\xfe")
    folder.mkdir()
    r = cli("export", "--out", str(folder / "x.csv"), "--db", str(sample_db))
    one_line_error(r, "UTF-8 folder names")
    assert list(folder.iterdir()) == []


# ---- exports of any value, parsed back -----------------------------------------------------------

def read_export(path: Path, fmt: str) -> list[dict[str, Any]]:
    """The rows of an export, through real parsers; CSV's JSON-text list cells parsed, and its
    empty cells read as None (a CSV cell cannot tell NULL from '')."""
    if fmt == "parquet":
        return pq.read_table(path).to_pylist()
    if fmt == "jsonl":
        # str.splitlines breaks on U+2028, U+0085, ... too: every record must still be one line
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("indicators", "identifiers"):
            r[k] = json.loads(r[k]) if r[k] else None
    return rows


# every character but lone surrogates (the store holds valid Unicode only), with the ones that
# break writers and parsers made frequent
HOSTILE_CHARS = st.sampled_from(list('\x00\x01\x08\x0b\x0c\x1b\x1c\x1e\x1f\x7f\x85\xa0'
                                     '\ufeff\ufffe\uffff\u2028\u2029\n\r\t",;\'\\[]{} '))
hostile_text = st.text(st.characters(exclude_categories=("Cs",)) | HOSTILE_CHARS, max_size=20)


@settings(max_examples=40, deadline=None,
          # each example writes a real DuckDB file and three exports: slow by design
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(hostile_text, hostile_text, st.none() | hostile_text, hostile_text),
                min_size=1, max_size=4, unique_by=lambda t: t[0]))
def test_every_export_gives_back_any_value(docs: list[tuple[str, str, str | None, str]]) -> None:
    b = WriteBatch()
    for i, (doc_id, text, source, value) in enumerate(docs):
        k = b.add_document(doc_id, external_id=source, source=source, url=source, posted=None,
                           language="id", script="Latin", text=text, model_version="m",
                           risk=i, level="low", category="benign", explanation=text,
                           probabilities=None)
        b.add_entity(k, "telegram", value, 0, 1, "test", 1.0, None)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        with Store.open(d / "w.duckdb") as s:
            s.write(b, [])
        with Store.open(d / "w.duckdb", read_only=True) as s:
            for fmt in queries.EXPORT_FORMATS:
                assert queries.export(s, d / f"x.{fmt}", fmt) == len(docs)
                rows = read_export(d / f"x.{fmt}", fmt)
                none = "" if fmt == "csv" else None
                got = [(r["id"], r["text"], r["source"], r["url"], r["explanation"],
                        r["identifiers"]) for r in rows]
                assert got == [(i, t, none if s is None else s, none if s is None else s, t,
                                [{"kind": "telegram", "value": v}]) for i, t, s, v in docs], fmt


# ---- --no-text ---------------------------------------------------------------------------------

#: columns of a --no-text export that may hold strings the texts also contain, because they are
#: not taken from the text: the record's own fields, and fixed vocabularies checked below
RECORD_FIELDS = ("external_id", "source", "url")
INDICATOR_IDS = {i.id for i in load_taxonomy().indicators}
FIXED_FORM = {"id": r"[0-9a-f]{64}", "risk": r"\d{1,3}", "language": r"[a-z]{2,3}",
              "script": r"[A-Z][a-z]+", "model_version": r"[a-z]+-[0-9a-f]+",
              "posted_at": r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?",
              "ingested_at": r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?"}


def assert_no_text(rows: list[dict[str, Any]], texts: list[str],
                   entity_values: set[str]) -> None:
    """No substring of 6+ characters of any text in any cell, except the kept identifier values
    (which must be stored entity values) and the columns listed above (checked for what they
    are). A column added later is checked like any other."""
    grams = {t[i:i + 6] for t in texts for i in range(len(t) - 5)}
    assert rows
    for r in rows:
        assert "text" not in r and "explanation" not in r
        for col, v in r.items():
            if col in RECORD_FIELDS or v is None or v == "" or isinstance(v, int | datetime):
                continue
            if col in FIXED_FORM:
                assert re.fullmatch(FIXED_FORM[col], str(v)), (col, v)
            elif col == "identifiers":
                assert {x["value"] for x in v} <= entity_values
            elif col == "indicators":
                assert set(v) <= INDICATOR_IDS
            elif col in ("level", "category"):
                assert v in {"low", "medium", "high", *CATEGORIES}, (col, v)
            else:
                cell = str(v)
                leak = [cell[i:i + 6] for i in range(len(cell) - 5) if cell[i:i + 6] in grams]
                assert not leak, (col, leak)


def test_export_no_text_of_a_real_scan_holds_no_part_of_any_text(
        sample_db: Path, tmp_path: Path) -> None:
    with Store.open(sample_db, read_only=True) as s:
        texts = [t for (t,) in s.query("SELECT text FROM documents")]
        values = {v for (v,) in s.query("SELECT value FROM entities")}
    for fmt in queries.EXPORT_FORMATS:
        out = tmp_path / f"x.{fmt}"
        r = cli("export", "--no-text", "--format", fmt, "--out", str(out), "--db",
                str(sample_db))
        assert r.returncode == 0, r.stderr
        rows = read_export(out, fmt)
        assert len(rows) == 311
        assert_no_text(rows, texts, values)


WORDS = st.sampled_from(["Lowongan", "kerja", "admin", "Kamboja", "gaji", "juta", "hubungi",
                         "segera", "tanpa", "pengalaman", "tiket", "gratis", "Bonus", "USD",
                         "hadiah", "klik", "transfer", "rekening", "OTP"])
CONTACTS = st.one_of(
    st.from_regex(r"WA 08[1-9][0-9]{2}-[0-9]{4}-[0-9]{3,4}", fullmatch=True),
    st.from_regex(r"\+855 9[0-9] [0-9]{3} [0-9]{4}", fullmatch=True),
    st.from_regex(r"[a-z]{4,9}\.[a-z]{3,8}@gmail\.com", fullmatch=True),
    st.from_regex(r"Telegram @[a-z]{3,8}_[a-z]{3,8}", fullmatch=True),
    st.from_regex(r"https://[a-z]{4,10}\.(com|net)/[a-z]{3,8}", fullmatch=True),
)
AD = st.lists(st.one_of(WORDS, CONTACTS), min_size=3, max_size=14).map(" ".join)


@settings(max_examples=15, deadline=None,
          # each example assesses texts and writes a real DuckDB file: slow by design
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(AD, min_size=1, max_size=4, unique_by=lambda t: " ".join(t.split())))
def test_export_no_text_holds_no_part_of_any_assessed_text(texts: list[str]) -> None:
    n = len(texts)
    b = batch_of([content_id(t) for t in texts], [None] * n, ["hyp"] * n, [None] * n,
                 [None] * n, [None] * n, list(texts), [assess(t) for t in texts])
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        with Store.open(d / "w.duckdb") as s:
            s.write(b, [])
        with Store.open(d / "w.duckdb", read_only=True) as s:
            values = {v for (v,) in s.query("SELECT value FROM entities")}
            queries.export(s, d / "x.parquet", "parquet", text=False)
        rows = read_export(d / "x.parquet", "parquet")
        assert [r["id"] for r in rows] == [hashlib.sha256(" ".join(t.split()).encode())
                                           .hexdigest() for t in texts]
        assert_no_text(rows, texts, values)
