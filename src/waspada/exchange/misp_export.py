"""An ``ExportSet`` as one MISP event (PyMISP objects from its bundled templates, offline).

Per identifier one MISP object: ``phone-number``; ``telegram-account``; ``facebook-account`` and
``instagram-account``; ``user-account`` (``username`` and ``account-type``) for the other
platforms; ``coin-address`` (``address`` for Bitcoin, whose MISP type is Bitcoin-validated,
``address-crypto`` for every other chain, with ``symbol``); ``bank-account`` (``account``,
``institution-code``); ``email`` (``from``); ``url`` (``url``, ``domain``); ``domain-ip``
(``domain``). A pseudonym is a standalone ``text`` attribute (no template fits) tagged with its
kind, key id and epoch.

Tags: ``tlp:<level>`` on the event (the export's level) and on EVERY attribute (its own level;
MISP objects carry no tags, their attributes do); our local ``waspada`` taxonomy
(``data/misp_taxonomy_waspada.json``) for categories, red flags and groups
(``waspada:category="scam"``, ``waspada:red-flag="recruit.high_pay"``,
``waspada:group="campaign:c-..."``). Uuids are UUIDv5 of the content and times come from
``now``: the same store gives the same event.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pymisp import MISPAttribute, MISPEvent, MISPObject, MISPOrganisation

from waspada.exchange.markings import misp_tag
from waspada.exchange.select import ExportSet, Item

NAMESPACE = uuid.UUID("0b6e6c1e-2f1e-4c8a-8d57-3c7a9f1e2b44")
#: our handle kinds that have a MISP template of their own: (template, relation)
_ACCOUNT = {"telegram": ("telegram-account", "username"),
            "facebook": ("facebook-account", "account-name"),
            "instagram": ("instagram-account", "account-name")}
HANDLE_KINDS = ("telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram",
                "tiktok")


def muuid(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def tag_value(predicate: str, value: str) -> str:
    return f'waspada:{predicate}="{value}"'


def tags(it: Item) -> list[str]:
    """The tags of every attribute of one identifier: its level, then our taxonomy's."""
    out = [misp_tag(it.tlp)]
    out += [tag_value("category", c) for c in it.categories]
    out += [f.removeprefix("label:") if f.startswith("label:") else tag_value("red-flag", f)
            for f in it.flags]
    out += [tag_value("group", g) for g in it.groups]
    return out


def _attributes(it: Item) -> tuple[str, list[tuple[str, str]]]:
    """(template, [(relation, value)]) of one raw identifier."""
    if it.kind == "phone":
        return "phone-number", [("phone-number", it.value)]
    if it.kind in _ACCOUNT:
        tpl, rel = _ACCOUNT[it.kind]
        return tpl, [(rel, it.value)]
    if it.kind in HANDLE_KINDS:
        return "user-account", [("username", it.value), ("account-type", it.kind)]
    if it.kind == "crypto_wallet":
        chain = (it.canonical or "").split(":", 1)[0].upper()
        rel = "address" if chain == "BTC" else "address-crypto"
        return "coin-address", [(rel, it.value)] + ([("symbol", chain)] if chain else [])
    if it.kind == "bank_account":
        return "bank-account", [("account", it.value)] + (
            [("institution-code", it.bank)] if it.bank else [])
    if it.kind == "email":
        return "email", [("from", it.value)]
    if it.kind == "url":
        host = it.value.split("://", 1)[-1].split("/", 1)[0]
        return "url", [("url", it.value), ("domain", host)]
    return "domain-ip", [("domain", it.value)]  # the one kind left: "domain"


def to_event(data: ExportSet, producer: str = "Waspada",
             now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> dict[str, Any]:
    """The MISP event (``{"Event": {...}}``, JSON-ready) of ``data``."""
    t = now().astimezone(UTC)
    ev = MISPEvent()
    ev.uuid = muuid(f"event:{producer}:{t.isoformat()}:{data.tlp}")
    ev.info = f"{producer}: identifiers behind trafficking lures and scams (TLP:{data.tlp.upper()})"
    ev.date = t.date()
    ev.distribution = 0  # this organisation only, until the analyst shares it on purpose
    ev.threat_level_id = 2
    ev.analysis = 2
    ev.add_tag(misp_tag(data.tlp))
    org = MISPOrganisation()
    org.from_dict(name=producer, uuid=muuid(f"org:{producer}"))
    ev.Orgc = org
    for it in data.items:
        key = f"{it.kind}:{it.value}:{it.key_id}"
        if it.key_id is not None:
            pa = MISPAttribute()
            pa.from_dict(type="text", category="Other", value=it.value, uuid=muuid("a:" + key),
                         to_ids=False, comment=f"HMAC-SHA-256 pseudonym of a {it.kind}")
            for tg in [*tags(it), tag_value("pseudonym-kind", it.kind),
                       tag_value("key-id", it.key_id), tag_value("epoch", str(it.epoch))]:
                pa.add_tag(tg)
            ev.Attribute.append(pa)
            continue
        template, attrs = _attributes(it)
        obj = MISPObject(template, standalone=False)
        obj.uuid = muuid("o:" + key)
        for rel, value in attrs:
            oa = obj.add_attribute(rel, value=value, uuid=muuid(f"a:{key}:{rel}"))
            if oa is not None:  # None only for an empty value, which no item has
                for tg in tags(it):
                    oa.add_tag(tg)
        if it.first_seen is not None:
            obj.first_seen = it.first_seen.replace(tzinfo=UTC)
        if it.last_seen is not None:
            obj.last_seen = it.last_seen.replace(tzinfo=UTC)
        ev.add_object(obj)
    return {"Event": json.loads(ev.to_json())}
