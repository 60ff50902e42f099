"""Graph exports of campaigns and networks: GraphML (Gephi, yEd, Cytoscape) and JSON
nodes/links (d3, Cytoscape.js).

Nodes are documents (``doc:<doc_id>``) and the identifiers that link them
(``id:<kind>:<value>``); an edge joins a document to each linking identifier it mentions, and
documents carry their campaign or network id as an attribute.

Every export is valid for any input text. JSON (``dumps``, files and ``--json`` output) holds
every character as it is, except surrogate code points (UTF-8 cannot hold them), which are
written as JSON ``\\uXXXX`` escapes. XML 1.0 cannot hold most control characters, U+FFFE,
U+FFFF or surrogates, and its parsers turn a carriage return into a line feed: in GraphML each
such character is written as the visible text ``\\uXXXX`` (4 lower-case hex digits) and a
backslash as ``\\\\``, so nothing is dropped and ``xml_unescape`` gives back the exact value.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from waspada.jsontext import dumps

_NODE_KEYS = (("type", "string"), ("label", "string"), ("group", "string"),
              ("kind", "string"), ("risk", "int"), ("posted_at", "string"))  # fmt: skip


def graph(groups: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Nodes and links of the given group details (from ``read.group_detail``)."""
    nodes: dict[str, dict[str, Any]] = {}
    links: list[dict[str, Any]] = []
    for g in groups:
        for m in g["members"]:
            nid = f"doc:{m['doc_id']}"
            nodes[nid] = {
                "id": nid,
                "type": "document",
                "label": m.get("external_id") or m["doc_id"][:12],
                "group": g["id"],
                "risk": m.get("risk") or 0,
                "posted_at": m.get("posted_at") or "",
            }
        for ident in g.get("identifiers", []):
            if not ident["links"]:
                continue
            iid = f"id:{ident['kind']}:{ident['value']}"
            nodes.setdefault(
                iid,
                {"id": iid, "type": "identifier", "label": ident["value"], "kind": ident["kind"]},
            )
            links.extend({"source": f"doc:{d}", "target": iid} for d in ident["doc_ids"])
    return {"directed": False, "nodes": list(nodes.values()), "links": links}


# what XML 1.0 cannot hold (its Char production), a carriage return (parsers read it as a line
# feed) and the backslash that starts our escapes
_XML_UNSAFE = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\\\\")
_XML_ESCAPE = re.compile(r"\\(?:(\\)|u([0-9a-f]{4}))")


def _hex_escape(m: re.Match[str]) -> str:
    c = m.group(0)
    return "\\\\" if c == "\\" else f"\\u{ord(c):04x}"


def xml_escape(value: str) -> str:
    """``value`` with every character XML 1.0 cannot hold (and CR) as the text ``\\uXXXX`` and
    every backslash as ``\\\\``; ``xml_unescape`` reverses it."""
    return _XML_UNSAFE.sub(_hex_escape, value)


def xml_unescape(text: str) -> str:
    return _XML_ESCAPE.sub(lambda m: "\\" if m.group(1) else chr(int(m.group(2), 16)), text)


def write_json(g: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(dumps(g, indent=1), encoding="utf-8")


def write_graphml(g: dict[str, Any], path: str | Path) -> None:
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", xmlns=ns)
    for name, typ in _NODE_KEYS:
        ET.SubElement(
            root, "key", id=name, attrib={"for": "node", "attr.name": name, "attr.type": typ}
        )
    gr = ET.SubElement(root, "graph", id="waspada", edgedefault="undirected")
    for n in g["nodes"]:
        el = ET.SubElement(gr, "node", id=xml_escape(n["id"]))
        for name, _ in _NODE_KEYS:
            if name in n:
                ET.SubElement(el, "data", key=name).text = xml_escape(str(n[name]))
    for i, e in enumerate(g["links"]):
        ET.SubElement(gr, "edge", id=f"e{i}", source=xml_escape(e["source"]),
                      target=xml_escape(e["target"]))  # fmt: skip
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
