"""One STIX bundle of ours (the amber golden file) converted into MISP by misp-stix, the
converter partners run: what survives and what is lost, as docs/exchange.md lists it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import misp_stix_converter
import stix2

from waspada.exchange.misp_import import parse_event
from waspada.exchange.stix_import import parse_bundle

GOLDEN = Path(__file__).parent / "golden" / "fixed.amber.stix.json"


def _convert(bundle: dict[str, Any]) -> tuple[list[dict[str, Any]], Any]:
    parser = misp_stix_converter.ExternalSTIX2toMISPParser()
    parser.load_stix_bundle(stix2.parse(bundle, allow_custom=True))
    parser.parse_stix_bundle()
    return [{"Event": json.loads(e.to_json())} for e in parser.misp_events], parser


def test_what_misp_stix_keeps_and_loses() -> None:
    bundle = json.loads(GOLDEN.read_text(encoding="utf-8"))
    events, parser = _convert(bundle)
    ours = {(r.kind, r.value): r for r in parse_bundle(bundle, "ours").rows.values()}
    theirs = {}
    for ev in events:
        theirs.update({(r.kind, r.value): r for r in parse_event(ev, "theirs").rows.values()})
    # one event per Grouping; what is in no grouping is not converted at all
    assert sorted(ev["Event"]["info"] for ev in events) == sorted(
        o["name"] for o in bundle["objects"] if o["type"] == "grouping")
    # only the Telegram account (a standard user-account in a grouping) survives
    assert set(theirs) == {("telegram", "rekrut_kerja")}
    lost = set(ours) - set(theirs)
    assert {k for k, _v in lost} == {"phone", "crypto_wallet", "bank_account", "email", "url"}
    # the Note's categories and red flags become a MISP analyst note, not tags
    tg = theirs[("telegram", "rekrut_kerja")]
    assert ours[("telegram", "rekrut_kerja")].flags and not tg.flags and not tg.categories
    # the event carries the TLP tag, the attributes inside it carry none
    attrs = [a for ev in events for o in ev["Event"].get("Object", []) for a in o["Attribute"]]
    assert attrs and not any(t["name"].startswith("tlp:") for a in attrs
                             for t in a.get("Tag", []))
    assert all({t["name"] for t in ev["Event"]["Tag"]} >= {"tlp:green"} for ev in events)
    # and it says why for the custom observables (no warning reaches the user by default)
    errors = [e for errs in parser.errors.values() for e in errs]
    assert any("phone-number" in e for e in errors)
