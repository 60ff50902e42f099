"""Every export parses with a real parser for any id or text, and nothing is dropped: GraphML
through expat (xml.etree), JSON through json.loads with strict control-character checks."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.link import graph_files

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}
# every code point, lone surrogates included, with the troublesome ones drawn often
NASTY = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\r", "\x1f", "\x7f", "\ud800",
                         "\udfff", "\ud83d", "\ude00", "\ufffe", "\uffff", "\\", "\\u0000", "&",
                         "<", "]]>", '"', "\t", "\n", "\U0001f600", "\u2028"])  # fmt: skip
TEXT = st.lists(st.one_of(NASTY, st.characters(codec=None)), max_size=12).map("".join)


def _xml_char_ok(c: str) -> bool:  # the Char production of XML 1.0, written out independently
    o = ord(c)
    return o in (0x9, 0xA) or 0x20 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000


def _expected_xml_text(s: str) -> str:
    return "".join("\\\\" if c == "\\" else c if _xml_char_ok(c) else f"\\u{ord(c):04x}"
                   for c in s)  # fmt: skip


def _utf16(s: str) -> bytes:  # JSON and JavaScript strings are UTF-16 code unit sequences
    return s.encode("utf-16-le", "surrogatepass")


def _group(gid: str, doc: str, ext: str, kind: str, value: str) -> dict[str, Any]:
    return {
        "id": gid,
        "members": [{"doc_id": doc, "external_id": ext, "risk": 5, "posted_at": "2024-01-01"},
                    {"doc_id": doc + "2", "external_id": None, "risk": 1, "posted_at": None}],
        "identifiers": [{"kind": kind, "value": value, "links": True,
                         "doc_ids": [doc, doc + "2"]}],
    }  # fmt: skip


@settings(deadline=None, max_examples=300)
@given(gid=TEXT, doc=TEXT, ext=TEXT, kind=TEXT, value=TEXT)
def test_graphml_and_json_exports_parse_and_keep_every_character(
    gid: str, doc: str, ext: str, kind: str, value: str
) -> None:
    g = graph_files.graph([_group(gid, doc, ext, kind, value)])
    with TemporaryDirectory() as tmp:
        gml, js = Path(tmp) / "g.graphml", Path(tmp) / "g.json"
        graph_files.write_graphml(g, gml)
        graph_files.write_json(g, js)
        root = ET.parse(gml).getroot()  # expat: rejects anything that is not well-formed XML
        raw = js.read_bytes().decode("utf-8")  # strict UTF-8
    parsed = json.loads(raw, strict=True)
    assert [_utf16(n["id"]) for n in parsed["nodes"]] == [_utf16(n["id"]) for n in g["nodes"]]
    assert [_utf16(str(n.get("label"))) for n in parsed["nodes"]] == [
        _utf16(str(n.get("label"))) for n in g["nodes"]
    ]
    assert len(parsed["links"]) == len(g["links"]) == 2
    nodes = root.findall(".//g:node", NS)
    assert [n.get("id") for n in nodes] == [_expected_xml_text(n["id"]) for n in g["nodes"]]
    unescape = graph_files.xml_unescape
    assert [unescape(n.get("id") or "") for n in nodes] == [n["id"] for n in g["nodes"]]
    for el, n in zip(nodes, g["nodes"], strict=True):
        data = {d.get("key"): d.text or "" for d in el.findall("g:data", NS)}
        assert data == {k: _expected_xml_text(str(v)) for k, v in n.items() if k != "id"}
        assert {k: graph_files.xml_unescape(v) for k, v in data.items()} == {
            k: str(v) for k, v in n.items() if k != "id"
        }
    edges = root.findall(".//g:edge", NS)
    assert [(unescape(e.get("source") or ""), unescape(e.get("target") or ""))
            for e in edges] == [(e["source"], e["target"]) for e in g["links"]]  # fmt: skip


@settings(deadline=None, max_examples=300)
@given(st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(TEXT, kids,
                                                                                max_size=4),
                    max_leaves=12))  # fmt: skip
def test_json_output_is_strict_utf8_json_for_any_value(obj: Any) -> None:
    text = graph_files.dumps(obj)
    text.encode("utf-8")  # no surrogate left raw: this would raise
    back = json.loads(text, strict=True)
    assert json.dumps(back, ensure_ascii=True) == json.dumps(
        json.loads(json.dumps(obj, ensure_ascii=True)), ensure_ascii=True
    )


def test_cli_exports_of_a_store_with_control_characters_parse(tmp_path: Path) -> None:
    """End to end: ids and values with characters XML 1.0 cannot hold, from a real DuckDB
    store through the real CLI, come out as GraphML expat parses and strict JSON."""
    from typer.testing import CliRunner

    from waspada.cli import _register, app

    from ._util import write_docs

    text = "Lowongan kerja di Kamboja gaji besar, tiket dan visa ditanggung, hubungi {} segera."
    odd = "hrd\x07kh\x0b\ufffe\\u0007"
    rows = [(f"post\x01{i}\uffff", text.format(odd), i, [("telegram", odd)]) for i in range(2)]
    db = write_docs(tmp_path / "t.duckdb", rows, [f"doc\x1b{i}\x00x" for i in range(2)])
    _register()
    run = CliRunner()
    assert run.invoke(app, ["link", "--db", str(db)]).exit_code == 0
    for kind in ("network", "campaign"):
        res = run.invoke(app, [f"{kind}s", "--db", str(db), "--json"])
        assert res.exit_code == 0, res.output
        gid = json.loads(res.stdout, strict=True)[0]["id"]
        gml, js = tmp_path / f"{kind}.graphml", tmp_path / f"{kind}.json"
        res = run.invoke(app, [kind, gid, "--db", str(db), "--json", "--graphml", str(gml),
                               "--export-json", str(js)])  # fmt: skip
        assert res.exit_code == 0, res.output
        detail = json.loads(res.stdout, strict=True)
        assert {m["external_id"] for m in detail["members"]} == {"post\x010\uffff",
                                                                 "post\x011\uffff"}
        graph = json.loads(js.read_bytes().decode("utf-8"), strict=True)
        root = ET.parse(gml).getroot()
        ids = [graph_files.xml_unescape(n.get("id") or "") for n in root.findall(".//g:node", NS)]
        assert ids == [n["id"] for n in graph["nodes"]]
        assert "doc:doc\x1b0\x00x" in ids
        labels = {graph_files.xml_unescape(d.text or "") for d in root.iter(f"{{{NS['g']}}}data")}
        assert "post\x010\uffff" in labels
        if kind == "network":
            assert f"id:telegram:{odd}" in ids and odd in labels
