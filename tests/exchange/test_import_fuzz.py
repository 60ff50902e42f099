"""Hypothesis: any bundle or event, however broken, is read without an exception; every
object is counted, and every object that yields no identifier and is not a marking, identity
or extension definition is listed as unmapped (nothing dropped quietly)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.exchange.misp_import import parse_event
from waspada.exchange.stix_import import parse_bundle

TYPES = ["phone-number", "url", "user-account", "indicator", "note", "grouping",
         "relationship", "malware", "marking-definition", "identity", "waspada-pseudonym",
         "email-addr", "bank-account"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12))
values = st.recursive(scalars, lambda c: st.lists(c, max_size=3)
                      | st.dictionaries(st.text(max_size=6), c, max_size=3), max_leaves=6)
props = st.dictionaries(st.sampled_from(["value", "pattern", "pattern_type", "labels",
                                         "object_refs", "object_marking_refs", "account_type",
                                         "name", "key_id", "identifier_kind",
                                         "relationship_type", "source_ref", "target_ref"]),
                        values, max_size=5)
stix_obj = st.one_of(values, st.builds(
    lambda t, i, p: {**p, "type": t, "id": f"{t}--{i}"}, st.sampled_from(TYPES),
    st.integers(0, 5), props))


@settings(max_examples=80, deadline=None)
@given(st.lists(stix_obj, max_size=8))
def test_any_bundle_is_read_and_accounted_for(objs: list[Any]) -> None:
    got = parse_bundle({"type": "bundle", "id": "bundle--x", "objects": objs}, "f")
    assert got.objects == len(objs)
    listed = {u["id"] for u in got.unmapped}
    for o in objs:
        if isinstance(o, dict) and o.get("type") in ("phone-number", "url", "email-addr",
                                                       "bank-account", "malware", "indicator",
                                                       "user-account", "waspada-pseudonym"):
            assert o["id"] in got.sources or o["id"] in listed, o


misp_attr = st.one_of(values, st.builds(
    lambda t, v, tags: {"type": t, "value": v, "uuid": "u", "Tag": [{"name": n} for n in tags]},
    st.sampled_from(["phone-number", "url", "text", "btc", "ip-dst", "email-src"]), values,
    st.lists(st.sampled_from(["tlp:amber", "tlp:purple", "waspada:category=\"scam\"",
                              "waspada:pseudonym-kind=\"phone\"", "x"]), max_size=3)))


@settings(max_examples=80, deadline=None)
@given(st.lists(misp_attr, max_size=6), st.lists(st.builds(
    lambda n, a: {"name": n, "uuid": "o", "Attribute": a},
    st.sampled_from(["phone-number", "user-account", "coin-address", "file", "url"]),
    st.lists(misp_attr, max_size=3)), max_size=3))
def test_any_event_is_read_and_accounted_for(attrs: list[Any], objs: list[Any]) -> None:
    got = parse_event({"Event": {"info": "x", "Attribute": attrs, "Object": objs}}, "f")
    assert got.objects == len(attrs) + len(objs)
    for r in got.rows.values():
        assert r.tlp in ("clear", "green", "amber", "amber+strict", "red")
