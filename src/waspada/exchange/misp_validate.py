"""Checks every MISP event we send passes, offline: PyMISP's bundled JSON schema of the MISP
event format, PyMISP's bundled object templates (each object's relations, their attribute
types, its required relations), and our TLP rule (the event and every attribute carry exactly
one ``tlp:`` tag, none above the export's level)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from waspada.exchange.markings import read_level
from waspada.tlp import Tlp, allows


@cache
def _pymisp_data(*parts: str) -> Any:
    return json.loads(resources.files("pymisp").joinpath("data", *parts).read_text(
        encoding="utf-8"))


def template(name: str) -> dict[str, Any] | None:
    """PyMISP's bundled template of object ``name``; None when it has none."""
    try:
        return dict(_pymisp_data("misp-objects", "objects", name, "definition.json"))
    except (FileNotFoundError, OSError):
        return None


def schema_errors(event: dict[str, Any]) -> list[str]:
    """What PyMISP's bundled MISP-format schema finds wrong with ``{"Event": ...}``: the "lax"
    one PyMISP itself loads events with (its strict ``schema.json`` predates MISP objects and
    refuses any ``Object``)."""
    v = jsonschema.Draft4Validator(_pymisp_data("schema-lax.json"))
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in v.iter_errors(event)]


def template_errors(event: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for obj in event.get("Event", {}).get("Object", []):
        name, oid = obj.get("name"), obj.get("uuid")
        tpl = template(str(name))
        if tpl is None:
            out.append(f"object {oid}: no bundled template {name!r}")
            continue
        attrs = tpl["attributes"]
        rels = [a.get("object_relation") for a in obj.get("Attribute", [])]
        for a in obj.get("Attribute", []):
            rel = a.get("object_relation")
            if rel not in attrs:
                out.append(f"object {oid} ({name}): relation {rel!r} not in the template")
            elif a.get("type") != attrs[rel]["misp-attribute"]:
                out.append(f"object {oid} ({name}): {rel} has type {a.get('type')!r}, the "
                           f"template says {attrs[rel]['misp-attribute']!r}")
        missing = [r for r in tpl.get("required", []) if r not in rels]
        one_of = tpl.get("requiredOneOf", [])
        if missing or (one_of and not set(one_of) & set(rels)):
            out.append(f"object {oid} ({name}): lacks required relations "
                       f"{missing or one_of}")
    return out


def _attributes(event: dict[str, Any]) -> list[dict[str, Any]]:
    ev = event.get("Event", {})
    return list(ev.get("Attribute", [])) + [a for o in ev.get("Object", [])
                                            for a in o.get("Attribute", [])]


def tlp_errors(event: dict[str, Any], ceiling: Tlp | None = None) -> list[str]:
    out: list[str] = []
    ev = event.get("Event", {})
    for what, tags in [("event", ev.get("Tag", []))] + [
            (f"attribute {a.get('uuid')}", a.get("Tag", [])) for a in _attributes(event)]:
        levels = [read_level(t.get("name")) for t in tags
                  if str(t.get("name", "")).lower().startswith("tlp:")]
        if len(levels) != 1 or levels[0] is None:
            out.append(f"{what}: needs exactly one readable tlp: tag, has {len(levels)}")
        elif ceiling is not None and not allows(ceiling, levels[0]):
            out.append(f"{what}: tlp:{levels[0]} is above the export's {ceiling}")
    return out


def misp_problems(event: dict[str, Any], ceiling: Tlp | None = None) -> list[str]:
    """Every problem the three checks find (an empty list for a sound event)."""
    return schema_errors(event) + template_errors(event) + tlp_errors(event, ceiling)
