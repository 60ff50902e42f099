"""Markings: what TLP level a partner's marking means, and the TLP 2.0 marking definitions we send.

TLP 2.0 in STIX 2.1 is the OASIS extension ``extension-definition--60a3c5c5-...`` with five
fixed marking-definition ids (``data/tlp2_marking_definitions.json``, vendored from
oasis-open/cti-stix-common-objects, ``objects/marking-definition/`` and
``extension-definition-specifications/tlp-2.0/``). A partner may send any of these families:

- TLP 2.0 (the five OASIS ids, or a definition carrying the extension's ``tlp_2_0`` value);
- TLP 1.0 (the four ids STIX 2.1 predefines; WHITE is CLEAR);
- OpenCTI's style: ``definition_type`` ``TLP`` or ``statement`` with a definition, or
  ``x_opencti_definition`` such as ``TLP:AMBER+STRICT``;
- MISP tags ``tlp:clear``, ``tlp:white``, ``tlp:amber+strict``...

Every reader here FAILS CLOSED: a marking it cannot read, a reference to a definition the file
does not hold, or no marking at all is TLP:RED. Where several markings apply, the most
restrictive wins.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from waspada.tlp import TLP_LEVELS, Tlp, parse_tlp, rank

#: the OASIS TLP 2.0 marking extension
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
#: the five fixed TLP 2.0 marking-definition ids (OASIS common objects)
TLP2_IDS: dict[Tlp, str] = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
#: the TLP 1.0 marking-definition ids STIX 2.1 predefines (section 7.2.1.4 of the standard)
TLP1_IDS: dict[str, Tlp] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",  # TLP:WHITE
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}
FIXED_IDS: dict[str, Tlp] = {**{v: k for k, v in TLP2_IDS.items()}, **TLP1_IDS}
SCHEMA_FILE = f"{TLP2_EXTENSION}.json"
RED: Tlp = "red"


def strictest(levels: Iterable[Tlp]) -> Tlp:
    """The most restricted of ``levels``; RED for none (fail closed)."""
    got = list(levels)
    return max(got, key=rank) if got else RED


def read_level(name: object) -> Tlp | None:
    """The level a name means, or None when it names none."""
    if not isinstance(name, str):
        return None
    try:
        return parse_tlp(name)
    except ValueError:
        return None


@cache
def _data(name: str) -> Any:
    return json.loads(resources.files("waspada.exchange").joinpath("data", name).read_text(
        encoding="utf-8"))


def tlp2_definition(level: Tlp) -> dict[str, Any]:
    """The OASIS TLP 2.0 marking-definition object of ``level`` (a fresh copy)."""
    by_id = {obj["id"]: obj for obj in _data("tlp2_marking_definitions.json")}
    return json.loads(json.dumps(by_id[TLP2_IDS[level]]))  # type: ignore[no-any-return]


def tlp2_schema() -> dict[str, Any]:
    """The OASIS JSON schema of the TLP 2.0 marking extension (vendored)."""
    return dict(_data(SCHEMA_FILE))


def definition_level(obj: Mapping[str, Any]) -> Tlp:
    """The level a STIX marking-definition object means; RED when it says none we can read.

    A fixed id and the definition's own words must agree: when they do not, the stricter one
    applies."""
    found: list[Tlp] = []
    oid = obj.get("id")
    if isinstance(oid, str) and oid in FIXED_IDS:
        found.append(FIXED_IDS[oid])
    ext = obj.get("extensions")
    if isinstance(ext, Mapping) and isinstance(ext.get(TLP2_EXTENSION), Mapping):
        found.append(read_level(ext[TLP2_EXTENSION].get("tlp_2_0")) or RED)
    definition = obj.get("definition")
    dtype = str(obj.get("definition_type") or "").lower()
    if isinstance(definition, Mapping) and dtype in ("tlp", "statement"):
        said = definition.get("tlp") or definition.get("TLP") or definition.get("statement")
        found.append(read_level(said) or RED)
    if str(obj.get("x_opencti_definition_type") or "").lower() == "tlp":
        found.append(read_level(obj.get("x_opencti_definition")) or RED)
    if not found and isinstance(obj.get("name"), str) and obj["name"].lower().startswith("tlp:"):
        found.append(read_level(obj["name"]) or RED)
    return strictest(found)


def object_level(obj: Mapping[str, Any], definitions: Mapping[str, Tlp]) -> Tlp:
    """The level of a STIX object from its ``object_marking_refs`` and granular markings:
    ``definitions`` maps the marking-definition ids of the file to their levels (fixed ids are
    known without it). No marking, or a reference to a definition not known: RED."""
    refs = list(obj.get("object_marking_refs") or [])
    for g in obj.get("granular_markings") or []:
        if isinstance(g, Mapping) and g.get("marking_ref"):
            refs.append(g["marking_ref"])
    levels = [definitions.get(r) or FIXED_IDS.get(r) or RED if isinstance(r, str) else RED
              for r in refs]
    return strictest(levels)


def misp_tag_level(tags: Iterable[str]) -> Tlp | None:
    """The level of a MISP object's ``tlp:`` tags (the stricter of several); an unreadable
    ``tlp:`` tag is RED; None when there is no ``tlp:`` tag at all."""
    found = [read_level(t) or RED for t in tags if t.strip().lower().startswith("tlp:")]
    return strictest(found) if found else None


def misp_tag(level: Tlp) -> str:
    """The MISP ``tlp`` taxonomy tag of ``level`` (``tlp:amber+strict``...)."""
    return f"tlp:{level}"


__all__ = ["FIXED_IDS", "RED", "TLP1_IDS", "TLP2_EXTENSION", "TLP2_IDS", "TLP_LEVELS",
           "definition_level", "misp_tag", "misp_tag_level", "object_level", "read_level",
           "strictest", "tlp2_definition", "tlp2_schema"]
