"""STIX 2.1 export of the fixed store: golden files that pass the OASIS validator and our TLP
checks; the checks catch what the validator lets through; round trips lose nothing unlisted."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from waspada.errors import ConfigError
from waspada.exchange.importer import import_file
from waspada.exchange.markings import TLP2_IDS
from waspada.exchange.select import collect
from waspada.exchange.stix_export import to_bundle
from waspada.exchange.stix_import import parse_bundle
from waspada.exchange.validate import check_bundle, shape_sample, stix_errors, tlp_problems
from waspada.store.db import Store

from .conftest import clock

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("WASPADA_REGEN_GOLDEN") == "1"
LEVEL_OF = {v: k for k, v in TLP2_IDS.items()}
RANK = ["clear", "green", "amber", "amber+strict", "red"]


def _golden(name: str, doc: dict[str, Any]) -> dict[str, Any]:
    path = GOLDEN / name
    if REGEN:
        path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return dict(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("level", ["clear", "green", "amber"])
def test_golden_bundle(fixed_store: Store, level: str) -> None:
    bundle = to_bundle(collect(fixed_store, level), "Waspada test unit", clock)
    golden = _golden(f"fixed.{level}.stix.json", bundle)
    assert bundle == golden, "the export changed: check it, then WASPADA_REGEN_GOLDEN=1"
    assert stix_errors(golden) == []
    assert tlp_problems(golden, level) == []  # type: ignore[arg-type]
    for o in golden["objects"]:
        if o["type"] != "marking-definition":
            (mark,) = o["object_marking_refs"]
            assert RANK.index(LEVEL_OF[mark]) <= RANK.index(level)


def test_the_amber_golden_file_carries_what_the_fixed_store_holds_at_amber() -> None:
    """Checked against the fixture's own rows, not the exporter: the RED and AMBER+STRICT
    documents' identifiers are absent, every other identifier is there, marked at its
    document's level."""
    from ._store import DOCS

    got = parse_bundle(json.loads((GOLDEN / "fixed.amber.stix.json").read_text()), "g")
    have = {(r.kind, r.value): r.tlp for r in got.rows.values()}
    want: dict[tuple[str, str], str] = {}
    for _id, lvl, _cat, _risk, _day, _text, ents, _flags in DOCS:
        for kind, value, _bank in ents:
            if RANK.index(lvl) <= RANK.index("amber"):
                want[(kind, value)] = max(want.get((kind, value), "clear"), lvl, key=RANK.index)
    assert have == want
    assert ("phone", "+85512345678") not in have  # RED document
    assert ("crypto_wallet", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2") not in have  # AMBER+STRICT
    assert got.unmapped == []


@pytest.mark.parametrize("level", ["red", "amber+strict"])
def test_restricted_exports_are_refused_unless_allowed(fixed_store: Store, level: str) -> None:
    with pytest.raises(ConfigError, match="refused"):
        collect(fixed_store, level)
    data = collect(fixed_store, level, allow_restricted=True)
    bundle = to_bundle(data, now=clock)
    assert tlp_problems(bundle, level) == []  # type: ignore[arg-type]
    assert {it.tlp for it in data.items} >= {"amber+strict"}


def _bundle(fixed_store: Store) -> dict[str, Any]:
    return to_bundle(collect(fixed_store, "amber"), now=clock)


def test_the_validator_misses_what_our_checks_catch(fixed_store: Store) -> None:
    """The anchors' gap: stix2-validator accepts a purple TLP 2.0 marking and a reference to
    a marking not in the bundle; our checks refuse both, and an unmarked object."""
    bundle = _bundle(fixed_store)
    purple = json.loads(json.dumps(bundle))
    md = next(o for o in purple["objects"] if o["type"] == "marking-definition")
    md["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"][
        "tlp_2_0"] = "purple"
    dangling = json.loads(json.dumps(bundle))
    dangling["objects"][-1]["object_marking_refs"] = [
        "marking-definition--11111111-1111-4111-8111-111111111111"]
    unmarked = json.loads(json.dumps(bundle))
    del unmarked["objects"][-1]["object_marking_refs"]
    assert stix_errors(purple) == [] and stix_errors(dangling) == []
    assert any("purple" in p or "OASIS" in p for p in tlp_problems(purple))
    assert any("exactly one" in p for p in tlp_problems(dangling))
    assert any("exactly one" in p for p in tlp_problems(unmarked))
    gone = json.loads(json.dumps(bundle))
    gone["objects"] = [o for o in gone["objects"] if o["type"] != "identity"]
    assert any("not in the bundle" in p for p in tlp_problems(gone))


def test_a_large_bundle_is_validated_by_shape(fixed_store: Store) -> None:
    bundle = _bundle(fixed_store)
    problems, how = check_bundle(bundle, "amber", full_limit=0)
    assert problems == [] and " of " in how
    sample = shape_sample(bundle, per_shape=1)
    assert tlp_problems(sample) == []  # the objects referred to came along
    assert len(sample["objects"]) < len(bundle["objects"])
    bad = json.loads(json.dumps(bundle))
    ind = next(o for o in bad["objects"] if o["type"] == "indicator")
    ind["pattern"] = "[url:value = unquoted]"
    ind["indicator_types"] = "not a list"
    problems, _how = check_bundle(bad, "amber", full_limit=0)
    assert any("mismatched input" in p for p in problems)  # every pattern is checked
    assert any("indicator_types" in p for p in problems)  # a new shape is validated


def _view(bundle: dict[str, Any]) -> set[tuple[Any, ...]]:
    got = parse_bundle(bundle, "x")
    return {(r.kind, r.value, r.tlp, tuple(sorted(r.categories)), tuple(sorted(r.flags)),
             tuple(sorted(r.groups))) for r in got.rows.values()}


def test_stix_round_trip_loses_nothing(fixed_store: Store, tmp_path: Path) -> None:
    first = _bundle(fixed_store)
    f = tmp_path / "first.json"
    f.write_text(json.dumps(first))
    with Store.open(tmp_path / "partner.duckdb") as other:
        summary = import_file(other, f, now=clock)
        again = to_bundle(collect(other, "amber", include_partner=True), now=clock)
    assert summary["unmapped"] == [] and summary["identifiers"] == len(_view(first))
    assert _view(again) == _view(first)
    assert stix_errors(again) == [] and tlp_problems(again, "amber") == []
    # and the group names, categories and red flags are really there (not two empty sets)
    assert any(v[5] for v in _view(again)) and any(v[4] for v in _view(again))


def test_imported_data_never_leaves_above_its_marking(fixed_store: Store,
                                                     tmp_path: Path) -> None:
    f = tmp_path / "amber.json"
    f.write_text(json.dumps(_bundle(fixed_store)))
    with Store.open(tmp_path / "p.duckdb") as other:
        import_file(other, f, now=clock)
        green = collect(other, "green", include_partner=True)
    assert green.items and {it.tlp for it in green.items} <= {"clear", "green"}
    assert ("email", "hr@kerja-luar.com") not in {(i.kind, i.value) for i in green.items}


def _marked(obj: dict[str, Any], refs: list[str] | None) -> dict[str, Any]:
    o = dict(obj)
    if refs is None:
        o.pop("object_marking_refs", None)
    else:
        o["object_marking_refs"] = refs
    return o


def test_foreign_markings_and_objects(tmp_path: Path) -> None:
    """TLP 1.0 and OpenCTI markings are read; a missing or unknown marking is RED; unknown
    objects and malformed ones are listed, and the rest imported."""
    opencti = {"type": "marking-definition", "spec_version": "2.1",
               "id": "marking-definition--4cdff7eb-acb8-543f-8573-829eb9fe8b34",
               "created": "2024-01-01T00:00:00.000Z", "definition_type": "statement",
               "definition": {"statement": "TLP:AMBER+STRICT"}, "name": "TLP:AMBER+STRICT"}
    tlp1_green = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
    url = {"type": "url", "spec_version": "2.1", "value": "http://a-kerja.com/x"}
    objs: list[Any] = [
        opencti,
        _marked({**url, "id": "url--1b3e1c1a-0f0e-5f55-9a2b-000000000001"}, [tlp1_green]),
        _marked({"type": "phone-number", "id": "phone-number--00000000-0000-5000-8000-000000000002",
                 "value": "+6281200000001"}, [opencti["id"]]),
        _marked({"type": "email-addr", "id": "email-addr--00000000-0000-5000-8000-000000000003",
                 "value": "x@a-kerja.com"}, None),
        _marked({"type": "domain-name", "id": "domain-name--00000000-0000-5000-8000-00000000004",
                 "value": "a-kerja.com"}, ["marking-definition--unknown"]),
        {"type": "malware", "id": "malware--00000000-0000-4000-8000-000000000005",
         "name": "x", "is_family": False},
        {"type": "ipv4-addr", "value": "10.0.0.1"},  # no id: malformed
        "not an object",
    ]
    f = tmp_path / "partner.json"
    f.write_text(json.dumps({"type": "bundle", "id": "bundle--1", "objects": objs}))
    with Store.open(tmp_path / "p.duckdb") as s:
        summary = import_file(s, f, now=clock)
        from waspada.store import partner

        rows = {(r["kind"], r["value"]): r["tlp"] for r in partner.partner_identifiers(s)}
    assert rows == {("url", "http://a-kerja.com/x"): "green",
                    ("phone", "+6281200000001"): "amber+strict",
                    ("email", "x@a-kerja.com"): "red", ("domain", "a-kerja.com"): "red"}
    reasons = {u["type"]: u["reason"] for u in summary["unmapped"]}
    assert set(reasons) == {"malware", "ipv4-addr", "str"}
    assert "no mapping" in reasons["malware"] and "malformed" in reasons["ipv4-addr"]
