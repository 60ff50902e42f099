"""A partner's MISP event (``{"Event": {...}}`` or the event itself) as ``Received``
identifiers.

Objects read: ``phone-number``, ``telegram-account``, ``facebook-account``,
``instagram-account``, ``user-account`` of a messaging platform, ``coin-address``,
``bank-account``, ``email``, ``url``, ``domain-ip``; standalone attributes of the types
``phone-number``, ``email``/``email-src``/``email-dst``, ``url``/``link``, ``domain``/
``hostname``, ``btc``/``xmr``, ``bank-account-nr``/``iban``, and our pseudonyms (``text``
tagged ``waspada:pseudonym-kind``). An attribute's level is its own ``tlp:`` tag, else the
event's, else RED (fail closed). ``waspada:`` tags give categories, red flags and groups; any
other tag is kept as ``label:<tag>``. Every other object, relation or attribute is listed in
``unmapped`` with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from waspada.exchange.markings import RED, misp_tag_level
from waspada.exchange.received import CATEGORY, FLAG, Received, Row
from waspada.tlp import Tlp

_HANDLES = ("telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram", "tiktok")
#: object template -> {relation: kind}
_OBJECTS: dict[str, dict[str, str]] = {
    "phone-number": {"phone-number": "phone"},
    "telegram-account": {"username": "telegram", "phone": "phone"},
    "facebook-account": {"account-name": "facebook"},
    "instagram-account": {"account-name": "instagram"},
    "user-account": {},  # username, read with account-type below
    "coin-address": {"address": "crypto_wallet", "address-crypto": "crypto_wallet",
                     "address-xmr": "crypto_wallet"},
    "bank-account": {"account": "bank_account", "iban": "bank_account"},
    "email": {"from": "email", "to": "email", "reply-to": "email", "return-path": "email"},
    "url": {"url": "url"},
    "domain-ip": {"domain": "domain"},
}
#: relations that describe the identifier beside it (not identifiers themselves)
_DESCRIBING = {"symbol", "institution-code", "institution-name", "account-type", "text",
               "first-seen", "last-seen", "domain", "host", "scheme", "resource_path", "tld",
               "country-code", "subscriber-number", "national-destination-code",
               "from-display-name", "to-display-name", "account-name", "currency-code",
               "user-id"}
_ATTRIBUTES = {"phone-number": "phone", "email": "email", "email-src": "email",
               "email-dst": "email", "url": "url", "link": "url", "domain": "domain",
               "hostname": "domain", "btc": "crypto_wallet", "xmr": "crypto_wallet",
               "bank-account-nr": "bank_account", "iban": "bank_account"}
_OURS = "waspada:"


def _tags(node: Mapping[str, Any]) -> list[str]:
    return [str(t.get("name")) for t in node.get("Tag") or [] if isinstance(t, Mapping)]


def _machine(tag: str) -> tuple[str, str] | None:
    """(predicate, value) of a ``waspada:predicate="value"`` tag."""
    if not tag.startswith(_OURS) or "=" not in tag:
        return None
    pred, _, val = tag[len(_OURS):].partition("=")
    return pred, val.strip().strip('"')


def _describe(got: Received, row: Row, tags: list[str], lvl: Tlp) -> None:
    labels = []
    for t in tags:
        m = _machine(t)
        if t.lower().startswith("tlp:"):
            continue
        if m is None:
            labels.append("label:" + t)
        elif m[0] == "category":
            labels.append(CATEGORY + m[1])
        elif m[0] == "red-flag":
            labels.append(FLAG + m[1])
        elif m[0] == "group":
            got.group(row, m[1], lvl)
    got.describe(row, labels, lvl)


def parse_event(doc: Mapping[str, Any], source_file: str) -> Received:
    ev = doc.get("Event") if isinstance(doc.get("Event"), Mapping) else doc
    assert isinstance(ev, Mapping)
    got = Received(source_file, "misp")
    org = ev.get("Orgc") or ev.get("Org")
    if isinstance(org, Mapping):
        got.producer, got.producer_ref = org.get("name"), org.get("uuid")
    event_level = misp_tag_level(_tags(ev))
    for a in ev.get("Attribute") or []:
        got.objects += 1
        _attribute(got, a, event_level)
    for o in ev.get("Object") or []:
        got.objects += 1
        if not isinstance(o, Mapping):
            got.skip("?", "object", "malformed: not a JSON object")
            continue
        name, oid = str(o.get("name")), str(o.get("uuid"))
        rels = _OBJECTS.get(name)
        if rels is None:
            got.skip(oid, f"object {name}", "no mapping for this object template")
            continue
        kinds = {str(a.get("object_relation")): a for a in o.get("Attribute") or []
                 if isinstance(a, Mapping)}
        account_type = kinds.get("account-type", {}).get("value")
        bank = kinds.get("institution-code", {}).get("value")
        for rel, a in kinds.items():
            kind = rels.get(rel)
            if name == "user-account" and rel == "username":
                kind = account_type if account_type in _HANDLES else None
                if kind is None:
                    got.skip(oid, "object user-account",
                             f"account-type {account_type!r} is not a messaging platform")
                    continue
            if kind is None:
                if rel not in _DESCRIBING:
                    got.skip(a.get("uuid"), f"attribute {rel} of {name}",
                             "no mapping for this relation")
                continue
            _add(got, a, kind, event_level, bank=bank if isinstance(bank, str) else None)
    return got


def _attribute(got: Received, a: Any, event_level: Tlp | None) -> None:
    if not isinstance(a, Mapping):
        got.skip("?", "attribute", "malformed: not a JSON object")
        return
    tags = _tags(a)
    machine = dict(m for m in map(_machine, tags) if m)
    if a.get("type") == "text" and "pseudonym-kind" in machine:
        if "key-id" not in machine:
            got.skip(a.get("uuid"), "attribute text", "malformed: a pseudonym needs a key-id")
            return
        _add(got, a, machine["pseudonym-kind"], event_level, key_id=machine["key-id"],
             epoch=int(machine.get("epoch") or 0))
        return
    kind = _ATTRIBUTES.get(str(a.get("type")))
    if kind is None:
        got.skip(a.get("uuid"), f"attribute {a.get('type')}", "no mapping for this type")
        return
    _add(got, a, kind, event_level)


def _add(got: Received, a: Mapping[str, Any], kind: str, event_level: Tlp | None, *,
         bank: str | None = None, key_id: str | None = None, epoch: int | None = None) -> None:
    value = a.get("value")
    if not isinstance(value, str) or not value.strip():
        got.skip(a.get("uuid"), f"attribute {a.get('type')}", "malformed: no value")
        return
    tags = _tags(a)
    lvl = misp_tag_level(tags) or event_level or RED
    row = got.add(kind, value.strip(), lvl, str(a.get("uuid")), bank=bank, key_id=key_id,
                  epoch=epoch)
    _describe(got, row, [t for t in tags if (_machine(t) or ("", ""))[0]
                         not in ("pseudonym-kind", "key-id", "epoch")], lvl)
