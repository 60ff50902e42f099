"""Hypothesis: for any store content and any chosen TLP, no exported object is marked above
it, each identifier is marked at the strictest level of the documents it came from, and
RED / AMBER+STRICT data never leaves: an export at those levels is refused unless asked for,
and at any other level their identifiers are not in the file."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waspada.errors import ConfigError
from waspada.exchange.misp_export import to_event
from waspada.exchange.misp_validate import tlp_errors
from waspada.exchange.select import collect
from waspada.exchange.stix_export import to_bundle
from waspada.exchange.stix_import import parse_bundle
from waspada.exchange.validate import tlp_problems
from waspada.store.db import Store
from waspada.tlp import TLP_LEVELS, allows

from ._store import fill
from .conftest import clock

POOL = [("phone", "+6281234567890"), ("phone", "+85512345678"), ("telegram", "rekrut_kerja"),
        ("line", "kkpark.hr"), ("email", "hr@kerja-luar.com"), ("url", "http://a-kerja.com/x"),
        ("crypto_wallet", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"),
        ("bank_account", "9876501234")]
docs = st.lists(st.tuples(st.sampled_from(TLP_LEVELS), st.sampled_from(
    ["recruitment_lure", "scam", "benign"]), st.lists(st.sampled_from(POOL), min_size=1,
                                                      max_size=4, unique=True)),
    min_size=1, max_size=6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs, st.sampled_from(TLP_LEVELS), st.booleans())
def test_nothing_leaves_above_the_chosen_level(content: list, level: str, allow: bool) -> None:
    rows = [(f"{i:064x}", lvl, cat, 50, i, f"text {i}", [(k, v, None) for k, v in ents],
             ["recruit.high_pay"]) for i, (lvl, cat, ents) in enumerate(content)]
    with Store.open(":memory:") as s:
        fill(s, rows, link=False)
        if level in ("amber+strict", "red") and not allow:
            with pytest.raises(ConfigError):
                collect(s, level)
            return
        data = collect(s, level, allow_restricted=allow)
    bundle = to_bundle(data, now=clock)
    event = to_event(data, now=clock)
    assert tlp_problems(bundle, level) == []  # type: ignore[arg-type]
    assert tlp_errors(event, level) == []  # type: ignore[arg-type]
    # the expected level of each identifier, from the rows themselves
    want: dict[tuple[str, str], str] = {}
    for _id, lvl, _cat, _r, _d, _t, ents, _f in rows:
        if allows(level, lvl):  # type: ignore[arg-type]
            for k, v, _b in ents:
                prev = want.get((k, v), "clear")
                want[(k, v)] = max(prev, lvl, key=TLP_LEVELS.index)
    got = parse_bundle(bundle, "x")
    assert {(r.kind, r.value): r.tlp for r in got.rows.values()} == want
    text = json.dumps(bundle) + json.dumps(event)
    only_above = {v for _i, lvl, _c, _r, _d, _t, ents, _f in rows for _k, v, _b in ents
                  if not allows(level, lvl)} - {v for _k, v in want}  # type: ignore[arg-type]
    assert not any(v in text for v in only_above)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(POOL), st.sampled_from(
    [*TLP_LEVELS, "purple", None])), min_size=1, max_size=8), st.sampled_from(TLP_LEVELS[:3]))
def test_partner_data_never_leaves_above_its_own_marking(sent: list, level: str) -> None:
    """A partner bundle with any markings (some unreadable, some missing) imported, then
    exported with --include-partner: nothing above its own marking, nothing above the level,
    and what came unmarked or unreadably marked (RED) never leaves."""
    from waspada.exchange.importer import parse
    from waspada.exchange.markings import TLP2_EXTENSION, TLP2_IDS
    from waspada.store import partner as partner_rows

    objs: list[dict] = []
    for n, ((kind, value), lvl) in enumerate(sent):
        mid = f"marking-definition--00000000-0000-4000-8000-{n:012d}"
        if lvl is not None:
            objs.append({"type": "marking-definition", "id": mid, "spec_version": "2.1",
                         "extensions": {TLP2_EXTENSION: {"tlp_2_0": lvl}}})
        typ = {"phone": "phone-number", "email": "email-addr", "url": "url",
               "crypto_wallet": "cryptocurrency-wallet", "bank_account": "bank-account"}.get(kind)
        obj = ({"type": typ, "value": value} if typ else
               {"type": "user-account", "account_type": kind, "account_login": value})
        objs.append({**obj, "id": f"{obj['type']}--{n}",
                     **({"object_marking_refs": [mid]} if lvl is not None else {})})
    got = parse({"type": "bundle", "id": "bundle--p", "objects": objs}, "p.json")
    with Store.open(":memory:") as s:
        partner_rows.write_import(s, {"import_id": "p", "source_file": "p.json",
                                      "format": "stix", "received_at": clock().replace(
                                          tzinfo=None), "objects": len(objs),
                                      "identifiers": len(got.rows)},
                                  got.table_rows("p"))
        data = collect(s, level, include_partner=True)
    bundle = to_bundle(data, now=clock)
    assert tlp_problems(bundle, level) == []  # type: ignore[arg-type]
    marks = {o["object_marking_refs"][0] for o in bundle["objects"]
             if o["type"] != "marking-definition"}
    assert TLP2_IDS["red"] not in marks and TLP2_IDS["amber+strict"] not in marks
    own = {}
    for (kind, value), lvl in sent:  # the strictest marking each identifier came with
        read = lvl if lvl in TLP_LEVELS else "red"
        own[(kind, value)] = max(own.get((kind, value), "clear"), read, key=TLP_LEVELS.index)
    for it in data.items:
        assert it.tlp == own[(it.kind, it.value)] and allows(level, it.tlp)  # type: ignore[arg-type]
    assert {(i.kind, i.value) for i in data.items} == {
        k for k, v in own.items() if allows(level, v)}  # type: ignore[arg-type]
