"""Store round trip and the CLI's JSON: link, add documents, link again; ids stay stable."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from waspada.cli import _register, app
from waspada.link.incremental import link_store
from waspada.store.db import Store, WriteBatch

T0 = datetime(2024, 5, 1, 8, 0)
LURE = (
    "Dibutuhkan operator komputer di Phnom Penh, gaji {salary} USD per bulan, tiket dan visa "
    "ditanggung, hubungi Telegram @{handle} atau WA {phone}."
)


def _batch(rows: list[tuple[str, str, int, list[tuple[str, str]]]]) -> WriteBatch:
    b = WriteBatch()
    for i, (ext, text, day, ents) in enumerate(rows):
        b.add_document(
            f"{ext}-hash", external_id=ext, source="test", url=None,
            posted=T0 + timedelta(days=day), language="id", script="Latn", text=text,
            model_version="test", risk=80 + day, level="high", category="recruitment_lure",
            explanation="", probabilities=None,
        )
        for kind, value in ents:
            attrs = json.dumps({"country": "KH"}) if kind == "place" else None
            b.add_entity(i, kind, value, 0, 1, "test", 1.0, attrs)
    return b


def _row(ext: str, day: int, phone: str, handle: str, salary: str = "1500"):  # type: ignore[no-untyped-def]
    text = LURE.format(phone=phone, handle=handle, salary=salary)
    e164 = "+62" + phone.lstrip("0")
    ents = [("phone", e164), ("telegram", handle), ("place", "phnom penh"), ("phone", "+62110")]
    return (ext, text, day, ents)


FIRST = [
    _row("p1", 2, "081200000001", "hrd_pp1"),
    _row("p2", 3, "081200000002", "hrd_pp1", "1800"),
    _row("p3", 4, "081200000002", "hrd_pp2", "2000"),
    ("p4", "Paket anda tertahan di bea cukai, bayar denda di bit.ly/xyz sekarang", 1, []),
]
LATER = [
    _row("p5", 0, "081200000009", "hrd_pp9"),  # older post of the template, new identifiers
    _row("p6", 9, "081200000003", "hrd_pp2"),  # joins the network through hrd_pp2
]


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.duckdb"
    with Store.open(path) as s:
        s.write(_batch(FIRST), [])
    return path


def test_store_round_trip_is_incremental_and_stable(db: Path) -> None:
    with Store.open(db) as s:
        r1 = link_store(s)
        assert r1.new_docs == 4
        camp = s.query("SELECT DISTINCT campaign_id FROM campaign_members")
        net = s.query("SELECT DISTINCT network_id FROM network_members")
        assert len(camp) == 1 and len(net) == 1
        s.write(_batch(LATER), [])
        r2 = link_store(s)
        assert r2.new_docs == 2  # only the new documents were hashed
        assert s.query("SELECT DISTINCT campaign_id FROM campaign_members") == camp
        assert s.query("SELECT DISTINCT network_id FROM network_members") == net
        sizes = s.query("SELECT size, countries FROM campaigns")
        assert sizes[0][0] == 5 and json.loads(sizes[0][1]) == {"KH": 5, "ID": 5}
        assert s.query("SELECT size FROM networks") == [(4,)]
        assert s.query("SELECT count(*) FROM link_signatures") == [(6,)]
        assert link_store(s).new_docs == 0


def test_cli_json_shape_and_exports(db: Path, tmp_path: Path) -> None:
    _register()
    run = CliRunner()
    res = run.invoke(app, ["link", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["campaigns"] == 1
    for cmd in ("campaigns", "networks"):
        res = run.invoke(app, [cmd, "--db", str(db), "--json"])
        assert res.exit_code == 0, res.output
        groups = json.loads(res.stdout)
        assert len(groups) == 1
        g = groups[0]
        assert {"id", "size", "members"} <= set(g)
        assert g["size"] == len(g["members"]) == 3
        assert all({"doc_id", "external_id"} <= set(m) for m in g["members"])
    nid = groups[0]["id"]
    gml, js = tmp_path / "n.graphml", tmp_path / "n.json"
    res = run.invoke(
        app, ["network", nid, "--db", str(db), "--json", "--graphml", str(gml),
              "--export-json", str(js)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    detail = json.loads(res.stdout)
    assert [m["external_id"] for m in detail["members"]] == ["p1", "p2", "p3"]
    links = {(i["kind"], i["value"]): i["links"] for i in detail["identifiers"]}
    assert links[("telegram", "hrd_pp1")] and not links[("phone", "+62110")]
    assert not links[("place", "phnom penh")]
    assert sum(d["documents"] for d in detail["timeline"]) == 3
    graph = json.loads(js.read_text())
    docs = [n for n in graph["nodes"] if n["type"] == "document"]
    idents = {n["label"] for n in graph["nodes"] if n["type"] == "identifier"}
    assert len(docs) == 3 and "+62110" not in idents and "hrd_pp1" in idents
    root = ET.parse(gml).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == len(graph["nodes"])
    assert len(root.findall(".//g:edge", ns)) == len(graph["links"])
    res = run.invoke(app, ["network", "n-nope", "--db", str(db)])
    assert res.exit_code == 2  # as `waspada show` with an unknown id
