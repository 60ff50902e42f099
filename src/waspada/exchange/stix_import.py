"""A partner's STIX 2.1 bundle as ``Received`` identifiers.

Read: the observables of an identifier (``phone-number``, ``cryptocurrency-wallet``,
``bank-account`` as OpenCTI names them, ``user-account`` of a messaging platform,
``email-addr``, ``url``, ``domain-name``, ``waspada-pseudonym``), Indicators whose pattern is
one comparison of such an observable's value, the labels of Indicators and Notes (our
categories and red flags; other labels kept as ``label:<text>``), Groupings (group names), the
producer Identity, and ``based-on`` Relationships between an Indicator and its observable.
Markings of every family (``markings.py``); an object with none, or an unreadable one, is RED.

Anything else (another object type, another relationship, a pattern we cannot reduce to one
value, an object without ``type`` or ``id``) is listed in ``unmapped`` with the reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import regex

from waspada.exchange.markings import definition_level, object_level
from waspada.exchange.received import Received, Row
from waspada.tlp import Tlp

_HANDLES = ("telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram", "tiktok")
#: STIX observable type -> our kind (user-account and the pseudonym are read apart)
_SCO_KIND = {"phone-number": "phone", "cryptocurrency-wallet": "crypto_wallet",
             "bank-account": "bank_account", "email-addr": "email", "url": "url",
             "domain-name": "domain"}
_PATTERN = regex.compile(
    r"^\s*\[\s*(?P<type>[a-z0-9-]+):value\s*=\s*'(?P<value>(?:[^'\\]|\\.)*)'\s*\]\s*$")
_CONSUMED = ("marking-definition", "extension-definition", "identity")


def _value(obj: Mapping[str, Any]) -> str | None:
    for k in ("value", "account_login", "user_id", "account_number", "iban"):
        v = obj.get(k)
        if isinstance(v, str) and v.strip():
            return v.strip()
    return None


def parse_bundle(bundle: Mapping[str, Any], source_file: str) -> Received:
    """The identifiers, producer and unmapped objects of one bundle."""
    got = Received(source_file, "stix")
    objs = bundle.get("objects")
    if not isinstance(objs, list):
        got.skip(bundle.get("id"), "bundle", "malformed: 'objects' is not a list")
        return got
    good: list[Mapping[str, Any]] = []
    for n, o in enumerate(objs):
        got.objects += 1
        if not isinstance(o, Mapping) or not isinstance(o.get("type"), str) \
                or not isinstance(o.get("id"), str):
            got.skip(o.get("id", f"objects[{n}]") if isinstance(o, Mapping) else f"objects[{n}]",
                     o.get("type", "?") if isinstance(o, Mapping) else type(o).__name__,
                     "malformed: an object needs a string 'type' and 'id'")
            continue
        good.append(o)
    levels: dict[str, Tlp] = {o["id"]: definition_level(o) for o in good
                              if o["type"] == "marking-definition"}
    _producer(got, good)
    by_ref: dict[str, Row] = {}
    later: list[Mapping[str, Any]] = []
    for o in good:
        try:
            _first_pass(got, o, levels, by_ref, later)
        except (TypeError, ValueError, AttributeError) as e:
            got.skip(o["id"], o["type"], f"malformed: {e}")
    for o in later:
        try:
            _second_pass(got, o, levels, by_ref)
        except (TypeError, ValueError, AttributeError) as e:
            got.skip(o["id"], o["type"], f"malformed: {e}")
    return got


def _producer(got: Received, objs: list[Mapping[str, Any]]) -> None:
    idents = {o["id"]: o for o in objs if o["type"] == "identity"}
    refs = Counter(o.get("created_by_ref") for o in objs if o.get("created_by_ref") in idents)
    pick = refs.most_common(1)[0][0] if refs else next(iter(idents), None)
    if pick is not None:
        got.producer_ref = str(pick)
        got.producer = str(idents[pick].get("name") or pick)


def _first_pass(got: Received, o: Mapping[str, Any], levels: Mapping[str, Tlp],
                by_ref: dict[str, Row], later: list[Mapping[str, Any]]) -> None:
    t, oid = o["type"], o["id"]
    lvl = object_level(o, levels)
    if t in _CONSUMED:
        return
    if t in ("note", "grouping", "relationship"):
        later.append(o)
        return
    if t == "waspada-pseudonym":
        kind, value = o.get("identifier_kind"), o.get("value")
        if not isinstance(kind, str) or not isinstance(value, str) or not o.get("key_id"):
            got.skip(oid, t, "malformed: a pseudonym needs value, identifier_kind and key_id")
            return
        by_ref[oid] = got.add(kind, value, lvl, oid, key_id=str(o["key_id"]),
                              epoch=int(o.get("epoch") or 0))
        return
    if t == "indicator":
        m = _PATTERN.match(str(o.get("pattern") or "")) if o.get("pattern_type") == "stix" \
            else None
        kind = _SCO_KIND.get(m.group("type")) if m else None
        if m is None or kind is None:
            got.skip(oid, t, f"pattern {o.get('pattern')!r} is not one comparison of a "
                     "phone, wallet, bank account, e-mail, URL or domain value")
            return
        value = regex.sub(r"\\(.)", r"\1", m.group("value"))
        row = by_ref[oid] = got.add(kind, value, lvl, oid)
        got.describe(row, list(o.get("labels") or []), lvl)
        return
    kind = o.get("account_type") if t == "user-account" else _SCO_KIND.get(t)
    value = _value(o)
    if kind not in _HANDLES and t == "user-account":
        got.skip(oid, t, f"account_type {kind!r} is not a messaging or social platform")
    elif kind is None:
        got.skip(oid, t, "no mapping for this object type")
    elif value is None:
        got.skip(oid, t, "malformed: no value")
    else:
        bank = o.get("bank") if isinstance(o.get("bank"), str) else None
        by_ref[oid] = got.add(str(kind), value, lvl, oid, bank=bank)


def _second_pass(got: Received, o: Mapping[str, Any], levels: Mapping[str, Tlp],
                 by_ref: dict[str, Row]) -> None:
    t, oid = o["type"], o["id"]
    lvl = object_level(o, levels)
    if t == "relationship":
        if o.get("relationship_type") == "based-on" and o.get("source_ref") in by_ref \
                and o.get("target_ref") in by_ref:
            return  # the indicator and its observable: both read already
        got.skip(oid, t, f"relationship {o.get('relationship_type')!r} between "
                 f"{o.get('source_ref')} and {o.get('target_ref')} is not kept")
        return
    refs = [r for r in o.get("object_refs") or [] if isinstance(r, str)]
    rows = {id(by_ref[r]): by_ref[r] for r in refs if r in by_ref}
    missing = [r for r in refs if r not in by_ref]
    if not rows:
        got.skip(oid, t, "refers to no identifier read from this bundle")
        return
    if missing:
        got.skip(oid, t, f"partly kept: {len(missing)} of its object_refs are not identifiers "
                 f"({', '.join(missing[:3])}{'...' if len(missing) > 3 else ''})")
    for row in rows.values():
        if t == "note":
            got.describe(row, list(o.get("labels") or []), lvl)
        else:
            got.group(row, str(o.get("name") or oid), lvl)

