"""Markings of every family a partner may send map to a TLP 2.0 level, and fail closed."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import stix2

from waspada.exchange.markings import (
    TLP2_EXTENSION,
    TLP2_IDS,
    definition_level,
    misp_tag_level,
    object_level,
    tlp2_definition,
)
from waspada.exchange.validate import _validator

#: the five ids as published by OASIS (cti-stix-common-objects, objects/marking-definition/ and
#: extension-definition-specifications/tlp-2.0/), typed here from that source
OASIS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def test_the_five_ids_are_oasis_ids() -> None:
    assert TLP2_IDS == OASIS


@pytest.mark.parametrize("level", list(OASIS))
def test_vendored_definitions_pass_the_vendored_oasis_schema(level: str) -> None:
    d = tlp2_definition(level)  # type: ignore[arg-type]
    assert d["id"] == OASIS[level] and d["name"] == "TLP:" + level.upper()
    assert d["extensions"][TLP2_EXTENSION] == {"extension_type": "property-extension",
                                               "tlp_2_0": level}
    assert list(_validator().iter_errors(d)) == []


def test_the_schema_refuses_purple_and_a_wrong_id() -> None:
    d = tlp2_definition("amber")
    d["extensions"][TLP2_EXTENSION]["tlp_2_0"] = "purple"
    assert list(_validator().iter_errors(d))
    d = tlp2_definition("amber")
    d["id"] = OASIS["green"]
    assert list(_validator().iter_errors(d))


def _opencti(defn: dict[str, Any]) -> dict[str, Any]:
    return {"type": "marking-definition", "id": "marking-definition--1d9a4b41-3a1a-4f32-"
            "9d0a-7c5d0f0b2a11", "created": "2024-01-01T00:00:00.000Z", **defn}


@pytest.mark.parametrize(("obj", "level"), [
    # TLP 1.0 as stix2 predefines it (an independent source of the four ids)
    (dict(stix2.TLP_WHITE), "clear"), (dict(stix2.TLP_GREEN), "green"),
    (dict(stix2.TLP_AMBER), "amber"), (dict(stix2.TLP_RED), "red"),
    # OASIS TLP 2.0
    ({"id": OASIS["amber+strict"]}, "amber+strict"),
    ({"id": "marking-definition--00000000-0000-4000-8000-000000000001",
      "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension",
                                      "tlp_2_0": "green"}}}, "green"),
    # the OASIS id with a definition saying another level: the stricter one
    ({"id": OASIS["clear"], "extensions": {TLP2_EXTENSION: {"tlp_2_0": "amber"}}}, "amber"),
    # OpenCTI's styles
    (_opencti({"definition_type": "statement", "definition": {"statement": "TLP:CLEAR"}}),
     "clear"),
    (_opencti({"definition_type": "TLP", "definition": {"tlp": "AMBER+STRICT"}}),
     "amber+strict"),
    (_opencti({"x_opencti_definition_type": "TLP", "x_opencti_definition": "TLP:GREEN"}),
     "green"),
    # unreadable: RED
    (_opencti({"definition_type": "statement", "definition": {"statement": "Copyright X"}}),
     "red"),
    ({"id": "marking-definition--00000000-0000-4000-8000-000000000002",
      "extensions": {TLP2_EXTENSION: {"tlp_2_0": "purple"}}}, "red"),
    ({"id": "marking-definition--00000000-0000-4000-8000-000000000003", "name": "PAP:RED"},
     "red"),
])
def test_definition_levels(obj: dict[str, Any], level: str) -> None:
    assert definition_level(obj) == level


def test_object_level_fails_closed() -> None:
    known = {"marking-definition--x": "green"}
    assert object_level({"object_marking_refs": [OASIS["green"]]}, {}) == "green"
    assert object_level({"object_marking_refs": ["marking-definition--x"]}, known) == "green"
    assert object_level({}, known) == "red"  # no marking at all
    assert object_level({"object_marking_refs": ["marking-definition--nowhere"]}, known) == "red"
    both = {"object_marking_refs": [OASIS["clear"], OASIS["amber"]]}
    assert object_level(both, {}) == "amber"
    granular = {"object_marking_refs": [OASIS["clear"]],
                "granular_markings": [{"marking_ref": OASIS["red"], "selectors": ["value"]}]}
    assert object_level(granular, {}) == "red"


@pytest.mark.parametrize(("tags", "level"), [
    (["tlp:clear"], "clear"), (["tlp:white"], "clear"), (["TLP:AMBER+STRICT"], "amber+strict"),
    (["tlp:amber", "tlp:green"], "amber"), (["tlp:ex:chr"], "red"), (["tlp:purple"], "red"),
    (["osint:source-type=\"blog-post\""], None), ([], None),
])
def test_misp_tag_levels(tags: list[str], level: str | None) -> None:
    assert misp_tag_level(tags) == level


def test_definitions_are_copies() -> None:
    d = tlp2_definition("red")
    before = copy.deepcopy(d)
    d["name"] = "changed"
    assert tlp2_definition("red") == before
