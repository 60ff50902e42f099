"""MISP export of the fixed store: golden events that pass PyMISP's bundled schema and
templates and our tag checks; the MISP round trip; partner events of other shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from waspada.exchange.importer import import_file
from waspada.exchange.misp_export import to_event
from waspada.exchange.misp_import import parse_event
from waspada.exchange.misp_validate import misp_problems, template_errors, tlp_errors
from waspada.exchange.select import collect
from waspada.store import partner
from waspada.store.db import Store

from .conftest import clock
from .test_stix import RANK, _golden


@pytest.mark.parametrize("level", ["green", "amber"])
def test_golden_event(fixed_store: Store, level: str) -> None:
    event = to_event(collect(fixed_store, level), "Waspada test unit", clock)
    golden = _golden(f"fixed.{level}.misp.json", event)
    assert event == golden, "the export changed: check it, then WASPADA_REGEN_GOLDEN=1"
    assert misp_problems(golden, level) == []  # type: ignore[arg-type]
    attrs = [a for o in golden["Event"]["Object"] for a in o["Attribute"]]
    assert attrs and all(any(t["name"].startswith("tlp:") for t in a["Tag"]) for a in attrs)
    levels = {t["name"][4:] for a in attrs for t in a["Tag"] if t["name"].startswith("tlp:")}
    assert all(RANK.index(x) <= RANK.index(level) for x in levels)
    assert {t["name"] for t in golden["Event"]["Tag"]} == {f"tlp:{level}"}
    names = {o["name"] for o in golden["Event"]["Object"]}
    assert "coin-address" in names and "phone-number" in names and "telegram-account" in names


def test_a_non_bitcoin_wallet_is_address_crypto(fixed_store: Store) -> None:
    event = to_event(collect(fixed_store, "green"), now=clock)
    coins = [o for o in event["Event"]["Object"] if o["name"] == "coin-address"]
    rels = {(a["object_relation"], a["value"]) for o in coins for a in o["Attribute"]}
    assert ("address-crypto", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7") in rels
    assert ("symbol", "TRON") in rels


def test_our_checks_catch_broken_events(fixed_store: Store) -> None:
    event = to_event(collect(fixed_store, "amber"), now=clock)
    broken = json.loads(json.dumps(event))
    obj = broken["Event"]["Object"][0]
    obj["Attribute"][0]["type"] = "text"
    obj["Attribute"][0]["Tag"] = [t for t in obj["Attribute"][0]["Tag"]
                                  if not t["name"].startswith("tlp:")]
    broken["Event"]["Object"].append({"name": "no-such-template", "uuid": "u", "Attribute": []})
    assert any("template says" in p for p in template_errors(broken))
    assert any("no bundled template" in p for p in template_errors(broken))
    assert any("exactly one" in p for p in tlp_errors(broken))
    assert any("above" in p for p in tlp_errors(event, "green"))


def _view(event: dict[str, Any]) -> set[tuple[Any, ...]]:
    got = parse_event(event, "x")
    return {(r.kind, r.value, r.tlp, tuple(sorted(r.categories)), tuple(sorted(r.flags)),
             tuple(sorted(r.groups))) for r in got.rows.values()}


def test_misp_round_trip_loses_nothing(fixed_store: Store, tmp_path: Path) -> None:
    first = to_event(collect(fixed_store, "amber"), now=clock)
    f = tmp_path / "event.json"
    f.write_text(json.dumps(first))
    with Store.open(tmp_path / "p.duckdb") as other:
        summary = import_file(other, f, now=clock)
        again = to_event(collect(other, "amber", include_partner=True), now=clock)
    assert summary["unmapped"] == [] and summary["format"] == "misp"
    assert _view(again) == _view(first)
    assert len(_view(first)) == len(collect(fixed_store, "amber").items)
    assert misp_problems(again, "amber") == []


def test_partner_event_tags_and_fail_closed(tmp_path: Path) -> None:
    """An attribute's own tlp tag wins, else the event's; an event without any is RED; other
    tags are kept as labels; objects and types we do not map are listed."""
    def attr(type_: str, value: str, *tags: str) -> dict[str, Any]:
        return {"uuid": f"u-{value}", "type": type_, "value": value,
                "Tag": [{"name": t} for t in tags]}

    event = {"Event": {"info": "partner", "Orgc": {"name": "Vientiane unit", "uuid": "o1"},
                       "Tag": [{"name": "tlp:green"}],
                       "Attribute": [attr("phone-number", "+8562055551234"),
                                     attr("btc", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
                                          "tlp:amber+strict", "misp-galaxy:x=\"y\""),
                                     attr("ip-dst", "10.0.0.1")],
                       "Object": [{"name": "user-account", "uuid": "ua",
                                   "Attribute": [attr("text", "somebody", "tlp:clear")
                                                 | {"object_relation": "username"},
                                                 attr("text", "line")
                                                 | {"object_relation": "account-type"}]},
                                  {"name": "file", "uuid": "f1", "Attribute": []}]}}
    no_tlp = {"Event": {"info": "x", "Attribute": [attr("email-src", "a@b-kerja.com")]}}
    (tmp_path / "a.json").write_text(json.dumps(event))
    (tmp_path / "b.json").write_text(json.dumps(no_tlp))
    with Store.open(tmp_path / "p.duckdb") as s:
        first = import_file(s, tmp_path / "a.json", now=clock)
        import_file(s, tmp_path / "b.json", now=clock)
        rows = {(r["kind"], r["value"]): r for r in partner.partner_identifiers(s)}
    assert {k: r["tlp"] for k, r in rows.items()} == {
        ("phone", "+8562055551234"): "green",
        ("crypto_wallet", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"): "amber+strict",
        ("line", "somebody"): "clear", ("email", "a@b-kerja.com"): "red"}
    assert rows[("crypto_wallet", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")]["flags"] == [
        'label:misp-galaxy:x="y"']
    assert rows[("phone", "+8562055551234")]["producer"] == "Vientiane unit"
    assert {u["type"] for u in first["unmapped"]} == {"attribute ip-dst", "object file"}


def test_the_local_taxonomy_lists_every_red_flag_and_every_tag_we_write(
        fixed_store: Store) -> None:
    from importlib import resources

    from waspada.indicators.loader import load_taxonomy

    tax = json.loads(resources.files("waspada.exchange").joinpath(
        "data", "misp_taxonomy_waspada.json").read_text(encoding="utf-8"))
    assert tax["namespace"] == "waspada"
    values = {v["predicate"]: {e["value"] for e in v["entry"]} for v in tax["values"]}
    assert values["red-flag"] == {i.id for i in load_taxonomy().indicators
                                  if i.category != "counter"}
    predicates = {p["value"] for p in tax["predicates"]}
    event = to_event(collect(fixed_store, "amber"), now=clock)
    for o in event["Event"]["Object"]:
        for a in o["Attribute"]:
            for t in a["Tag"]:
                if t["name"].startswith("waspada:"):
                    pred, _, val = t["name"][len("waspada:"):].partition("=")
                    assert pred in predicates
                    assert pred not in values or val.strip('"') in values[pred]
