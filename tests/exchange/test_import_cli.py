"""Import's failure modes (too large, not JSON, neither format, a write that fails: nothing
half-written) and the ``waspada exchange`` commands end to end through the real CLI."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from waspada.cli import _register, app
from waspada.errors import ExchangeError, StoreError
from waspada.exchange.importer import import_file
from waspada.store import partner
from waspada.store.db import Store

from .conftest import clock

runner = CliRunner()


def test_refusals_name_the_file(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"type": "bundle", "id": "bundle--x", "objects": []}) + " " * 200)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"type": "report"}))
    with Store.open(tmp_path / "s.duckdb") as s:
        with pytest.raises(ExchangeError, match=r"big\.json is 2\d\d bytes, over the limit"):
            import_file(s, big, max_bytes=100)
        with pytest.raises(ExchangeError, match=r"notes\.txt is not JSON"):
            import_file(s, text)
        with pytest.raises(ExchangeError, match=r"other\.json is neither"):
            import_file(s, other)
        assert partner.imports(s) == []


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    record = {"import_id": "i1", "source_file": "f.json", "format": "stix", "producer": "p",
              "producer_ref": None, "received_at": datetime(2026, 1, 1), "objects": 2,
              "identifiers": 2, "unmapped": []}
    good = {"import_id": "i1", "kind": "phone", "value": "+6281234567890", "tlp": "green"}
    bad = {"import_id": "i1", "kind": None, "value": "x", "tlp": "green"}  # kind: NOT NULL
    with Store.open(tmp_path / "s.duckdb") as s:
        with pytest.raises(StoreError, match=r"f\.json"):
            partner.write_import(s, record, [good, bad])
        assert partner.imports(s) == [] and partner.partner_identifiers(s) == []
        partner.write_import(s, record, [good])
        partner.write_import(s, record, [good])  # the same file again replaces it
        assert len(partner.imports(s)) == 1 and len(partner.partner_identifiers(s)) == 1


def test_the_commands(fixed_db: Path, tmp_path: Path) -> None:
    _register()
    key = tmp_path / "pair.key"
    r = runner.invoke(app, ["exchange", "keygen", "--out", str(key), "--json"])
    assert r.exit_code == 0, r.output
    assert oct(os.stat(key).st_mode & 0o777) == "0o600"
    out = tmp_path / "x.json"
    r = runner.invoke(app, ["exchange", "export", "--db", str(fixed_db), "--format", "stix",
                            "--tlp", "green", "--out", str(out), "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["tlp"] == "green" and summary["identifiers"] == 6
    assert summary["bytes"] == out.stat().st_size
    r = runner.invoke(app, ["exchange", "export", "--db", str(fixed_db), "--format", "misp",
                            "--tlp", "red", "--out", str(tmp_path / "r.json")])
    assert r.exit_code == 2 and "refused" in r.stderr and not (tmp_path / "r.json").exists()
    pseud = tmp_path / "p.json"
    r = runner.invoke(app, ["exchange", "export", "--db", str(fixed_db), "--format", "misp",
                            "--tlp", "amber", "--pseudonymise", str(key), "--out", str(pseud)])
    assert r.exit_code == 0, r.output
    db2 = tmp_path / "partner.duckdb"
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    r = runner.invoke(app, ["exchange", "import", "--db", str(db2), str(out), str(pseud),
                            str(broken), "--json"])
    assert r.exit_code == 1  # a partial result: one file failed, the others are imported
    res = json.loads(r.stdout)
    assert res["failed"] == 1 and "broken.json is not JSON" in res["imports"][2]["error"]
    assert [x["identifiers"] for x in res["imports"][:2]] == [6, 9]
    r = runner.invoke(app, ["exchange", "matches", "--db", str(fixed_db), "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["partner_identifiers"] == 0
    r = runner.invoke(app, ["exchange", "matches", "--db", str(db2), "--key", str(key),
                            "--json"])
    assert r.exit_code == 0, r.output
    found = json.loads(r.stdout)
    assert found["matched_identifiers"] == 0  # the partner store has no documents of its own
    assert found["partner_identifiers"] == 15 and found["without_key"] == {}


def test_matches_lists_documents_campaigns_networks(fixed_db: Path, tmp_path: Path) -> None:
    _register()
    out = tmp_path / "x.json"
    runner.invoke(app, ["exchange", "export", "--db", str(fixed_db), "--format", "stix",
                        "--tlp", "amber", "--out", str(out)])
    local = tmp_path / "copy.duckdb"
    local.write_bytes(fixed_db.read_bytes())
    with Store.open(local) as s:
        import_file(s, out, now=clock)
    r = runner.invoke(app, ["exchange", "matches", "--db", str(local), "--json"])
    found = json.loads(r.stdout)
    with Store.open(local, read_only=True) as s:
        campaigns = [c for (c,) in s.query("SELECT campaign_id FROM campaigns")]
    assert found["matched_identifiers"] == 9 and found["campaigns"] == campaigns
    assert len(found["documents"]) == 4 and len(found["networks"]) == 1
