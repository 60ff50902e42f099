"""An ``ExportSet`` as a STIX 2.1 bundle, every object marked with TLP 2.0.

Per identifier: an observable (``phone-number``, ``user-account``, ``cryptocurrency-wallet``,
``bank-account``, ``email-addr``, ``url``, ``domain-name``, or ``waspada-pseudonym`` when
pseudonymised); for e-mails, URLs and domains also an Indicator with a STIX pattern and a
``based-on`` Relationship to the observable. Categories and red flags: one Note per distinct
(level, categories, flags) over the observables they describe, and the same labels on the
Indicators (``waspada:category=scam``, ``waspada:flag=<indicator id>``). A Grouping per
campaign, network or partner group and level (members of one level each, so a grouping says
nothing above its members' marking); the producer Identity; the TLP 2.0 marking definitions in
use and our extension definitions.

Every object carries ``object_marking_refs`` with exactly one of the five OASIS TLP 2.0 ids,
its own level (never above the export's); the marking definitions themselves are the OASIS
objects as published (they carry none). Ids are deterministic (UUIDv5 of the content, and the
observables' ids as STIX 2.1 defines them) and times come from ``now``, so the same store gives
the same bundle.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import stix2

from waspada.exchange.markings import TLP2_IDS, tlp2_definition
from waspada.exchange.pseudonym import PREFIX
from waspada.exchange.select import ExportSet, Item
from waspada.exchange.stix_types import CLASSES, EXTENSION_IDS, extension_definition
from waspada.tlp import Tlp

#: the namespace of Waspada's deterministic object ids
NAMESPACE = uuid.UUID("5c1b8e0a-4f3d-4b7a-9a7e-1d2c3b4a5f60")
LABEL_CATEGORY = "waspada:category="
LABEL_FLAG = "waspada:flag="
#: kinds sent as an Indicator with a pattern (and the observable)
PATTERN_TYPES = {"email": "email-addr", "url": "url", "domain": "domain-name"}
HANDLE_KINDS = ("telegram", "whatsapp", "line", "wechat", "zalo", "facebook", "instagram",
                "tiktok")


def sid(type_: str, key: str) -> str:
    """A deterministic id of the UUIDv4 form STIX asks of objects other than observables
    (the bits of a UUIDv5 of ``key``, with the version set to 4)."""
    u = uuid.uuid5(NAMESPACE, f"{type_}:{key}")
    return f"{type_}--{uuid.UUID(bytes=u.bytes, version=4)}"


def labels(it: Item) -> list[str]:
    own = [LABEL_CATEGORY + c for c in it.categories]
    return own + [f if f.startswith("label:") else LABEL_FLAG + f for f in it.flags]


def _quote(v: str) -> str:
    return v.replace("\\", "\\\\").replace("'", "\\'")


def observable(it: Item, marking: str) -> Any:
    """The STIX observable of one identifier."""
    m = {"object_marking_refs": [marking]}
    if it.key_id is not None:
        return CLASSES["waspada-pseudonym"](value=it.value, identifier_kind=it.kind,
                                            algorithm=PREFIX, key_id=it.key_id,
                                            epoch=it.epoch, **m)
    if it.kind == "phone":
        return CLASSES["phone-number"](value=it.value, **m)
    if it.kind == "crypto_wallet":
        chain = (it.canonical or ":").split(":", 1)[0].upper() or None
        return CLASSES["cryptocurrency-wallet"](value=it.value, chain=chain, **m)
    if it.kind == "bank_account":
        return CLASSES["bank-account"](value=it.value, account_number=it.value, bank=it.bank, **m)
    if it.kind in HANDLE_KINDS:
        return stix2.v21.UserAccount(account_type=it.kind, user_id=it.value,
                                     account_login=it.value, **m)
    if it.kind == "email":
        return stix2.v21.EmailAddress(value=it.value, **m)
    if it.kind == "url":
        return stix2.v21.URL(value=it.value, **m)
    return stix2.v21.DomainName(value=it.value, **m)  # the one kind left: "domain"


def to_bundle(data: ExportSet, producer: str = "Waspada",
              now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> dict[str, Any]:
    """The bundle (a JSON-ready dict) of ``data``."""
    t = now().astimezone(UTC)
    mk = {lvl: TLP2_IDS[lvl] for lvl in TLP2_IDS}
    top = mk[data.tlp]
    ident = stix2.v21.Identity(id=sid("identity", producer), name=producer,
                               identity_class="organization", created=t, modified=t,
                               object_marking_refs=[top])
    common = {"created_by_ref": ident.id, "created": t, "modified": t}
    objs: list[Any] = [ident]
    used: set[Tlp] = {data.tlp}
    obs_of: dict[int, list[str]] = {}
    notes: dict[tuple[Tlp, tuple[str, ...]], list[str]] = {}
    custom_types: set[str] = set()
    for n, it in enumerate(data.items):
        used.add(it.tlp)
        marking = mk[it.tlp]
        sco = observable(it, marking)
        if sco.type in EXTENSION_IDS:
            custom_types.add(sco.type)
        objs.append(sco)
        refs = [sco.id]
        if it.kind in PATTERN_TYPES and it.key_id is None:
            pattern = f"[{PATTERN_TYPES[it.kind]}:value = '{_quote(it.value)}']"
            ind = stix2.v21.Indicator(
                id=sid("indicator", pattern), name=f"{it.kind} {it.value}", pattern=pattern,
                description=f"{it.kind} seen in {it.documents} documents"
                if it.documents else f"{it.kind} received from a partner",
                pattern_type="stix", valid_from=it.first_seen or t,
                indicator_types=["malicious-activity" if set(it.categories) - {"benign"}
                                 else "unknown"],
                labels=labels(it) or None, object_marking_refs=[marking], **common)
            rel = stix2.v21.Relationship(
                id=sid("relationship", f"{ind.id}>{sco.id}"), relationship_type="based-on",
                source_ref=ind.id, target_ref=sco.id, object_marking_refs=[marking], **common)
            objs += [ind, rel]
            refs.append(ind.id)
        obs_of[n] = refs
        lab = tuple(labels(it))
        if lab:
            notes.setdefault((it.tlp, lab), []).append(sco.id)
    for (lvl, lab), refs in sorted(notes.items()):
        cats = [x[len(LABEL_CATEGORY):] for x in lab if x.startswith(LABEL_CATEGORY)]
        flags = [x for x in lab if not x.startswith(LABEL_CATEGORY)]
        objs.append(stix2.v21.Note(
            id=sid("note", json.dumps([lvl, lab, refs])),
            abstract="Waspada: " + (", ".join(cats) or "no category"),
            content="categories: " + (", ".join(cats) or "-") + "; red flags: "
            + (", ".join(f.removeprefix(LABEL_FLAG) for f in flags) or "-"),
            labels=list(lab), object_refs=refs, object_marking_refs=[mk[lvl]], **common))
    members_of: dict[tuple[str, Tlp], list[str]] = {}
    for n, it in enumerate(data.items):
        for key in it.groups:
            members_of.setdefault((key, it.tlp), []).extend(obs_of[n])
    for g in data.groups:
        members = members_of.get((g.key, g.tlp), [])
        desc = f"{g.key}: {len(members)} objects"
        if g.size is not None:
            desc += f"; {g.size} documents, first seen {g.first_seen}, last seen {g.last_seen}" \
                    f", highest risk {g.max_risk}"
        objs.append(stix2.v21.Grouping(
            id=sid("grouping", f"{g.key}@{g.tlp}"), name=g.key, context="suspicious-activity",
            description=desc, object_refs=members, object_marking_refs=[mk[g.tlp]], **common))
    out = [json.loads(o.serialize()) for o in objs]
    out += [extension_definition(ty, ident.id, mk["clear"]) for ty in sorted(custom_types)]
    if custom_types:
        used.add("clear")
    out = [tlp2_definition(lvl) for lvl in TLP2_IDS if lvl in used] + out
    bundle_key = json.dumps([o["id"] for o in out]) + t.isoformat()
    return {"type": "bundle", "id": sid("bundle", bundle_key),
            "objects": out}
