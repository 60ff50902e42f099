"""Graph exports of campaigns and networks: GraphML (Gephi, yEd, Cytoscape) and JSON
nodes/links (d3, Cytoscape.js).

Nodes are documents (``doc:<doc_id>``) and the identifiers that link them
(``id:<kind>:<value>``); an edge joins a document to each linking identifier it mentions, and
documents carry their campaign or network id as an attribute.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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


def write_json(g: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(json.dumps(g, ensure_ascii=False, indent=1), encoding="utf-8")


def write_graphml(g: dict[str, Any], path: str | Path) -> None:
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", xmlns=ns)
    for name, typ in _NODE_KEYS:
        ET.SubElement(
            root, "key", id=name, attrib={"for": "node", "attr.name": name, "attr.type": typ}
        )
    gr = ET.SubElement(root, "graph", id="waspada", edgedefault="undirected")
    for n in g["nodes"]:
        el = ET.SubElement(gr, "node", id=n["id"])
        for name, _ in _NODE_KEYS:
            if name in n:
                ET.SubElement(el, "data", key=name).text = str(n[name])
    for i, e in enumerate(g["links"]):
        ET.SubElement(gr, "edge", id=f"e{i}", source=e["source"], target=e["target"])
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
