"""What a selection of the store yields for an export: identifiers with their TLP level,
categories, red flags and groups, ready for the STIX or MISP writer.

The TLP rule, written once here:

- only documents whose own level is at or below the export's level are read; an identifier's
  level is the STRICTEST level of the documents it was taken from (its red flags and categories
  come from all of them), so it is never marked below any of its sources nor above the export;
- partner data (``include_partner``) goes out only when its own marking is at or below the
  export's level, marked as the partner marked it;
- RED and AMBER+STRICT never leave by default: an export at either level is refused unless
  ``allow_restricted`` is given (a deliberate, named recipient); at any lower level such data
  is left out by the first rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from waspada.errors import ConfigError, StoreError
from waspada.exchange.canonical import canonical
from waspada.exchange.markings import strictest
from waspada.exchange.pseudonym import PseudonymKey
from waspada.store import partner
from waspada.store.db import Store
from waspada.tlp import Tlp, allows, at_or_below, parse_tlp

RESTRICTED: tuple[Tlp, ...] = ("amber+strict", "red")


@dataclass(slots=True)
class Item:
    """One identifier as exported. ``value``: the value sent (raw, or the pseudonym's hex);
    ``canonical``: the canonical text (None when the value is not a valid identifier)."""

    kind: str
    value: str
    canonical: str | None
    tlp: Tlp
    categories: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    documents: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    bank: str | None = None
    key_id: str | None = None
    epoch: int | None = None


@dataclass(slots=True)
class Group:
    """A campaign or network (``key`` ``campaign:<id>`` / ``network:<id>``) or a partner's
    group (its name as sent), with the members at one level ``tlp``."""

    key: str
    tlp: Tlp
    size: int | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    max_risk: int | None = None


@dataclass(slots=True)
class ExportSet:
    tlp: Tlp
    items: list[Item]
    groups: list[Group]
    #: identifiers not exported, each with the reason (a pseudonymised export cannot send a
    #: value that has no canonical form)
    skipped: list[dict[str, str]] = field(default_factory=list)
    pseudonymised: bool = False


def check_level(level: str, allow_restricted: bool) -> Tlp:
    """The export level named by ``level``; AMBER+STRICT and RED only with ``allow_restricted``."""
    try:
        tlp = parse_tlp(level)
    except ValueError as e:
        raise ConfigError(str(e)) from e
    if tlp in RESTRICTED and not allow_restricted:
        raise ConfigError(f"an export at TLP:{tlp.upper()} is refused: RED and AMBER+STRICT "
                          "data do not leave unless --allow-restricted names that choice")
    return tlp


def collect(store: Store, level: str, *, campaign: str | None = None,
            network: str | None = None, since: datetime | None = None,
            min_risk: int | None = None, include_partner: bool = False,
            allow_restricted: bool = False, key: PseudonymKey | None = None) -> ExportSet:
    """The identifiers an export at ``level`` may carry (module docstring)."""
    tlp = check_level(level, allow_restricted)
    for kind, gid in (("campaign", campaign), ("network", network)):
        if gid and not partner.group_exists(store, kind, gid):
            raise StoreError(f"no {kind} with id {gid}")
    sel = partner.Selection(at_or_below(tlp), campaign, network, since, min_risk)
    items: list[Item] = []
    for r in partner.selected_identifiers(store, sel):
        levels = [parse_tlp(t) for t in r["tlps"]]
        items.append(Item(
            kind=r["kind"], value=r["value"], canonical=canonical(r["kind"], r["value"], r["bank"]),
            tlp=strictest(levels), categories=r["categories"], flags=r["flags"],
            groups=[f"campaign:{c}" for c in r["campaigns"]]
            + [f"network:{n}" for n in r["networks"]],
            documents=r["documents"], first_seen=r["first_seen"], last_seen=r["last_seen"],
            bank=r["bank"]))
    if include_partner and (campaign or network or since or min_risk is not None):
        raise ConfigError("partner data belongs to no local campaign or network and has no "
                          "posting time or risk: --include-partner takes no other filter")
    if include_partner:
        items.extend(_partner_items(store, tlp))
    out = ExportSet(tlp, [], [])
    for it in items:
        assert allows(tlp, it.tlp)  # the selection above is the guarantee; never above
        if key is None:
            out.items.append(it)
        elif it.key_id is not None and it.key_id != key.key_id:
            out.skipped.append({"kind": it.kind, "value": it.value,
                                "reason": f"a pseudonym under another key ({it.key_id})"})
        elif it.key_id is not None:
            out.items.append(it)
        elif it.canonical is None:
            out.skipped.append({"kind": it.kind, "value": it.value,
                                "reason": "no canonical form: cannot be pseudonymised"})
        else:
            it.value, it.key_id, it.epoch = key.pseudonym(it.canonical), key.key_id, key.epoch
            out.items.append(it)
    out.pseudonymised = key is not None
    out.groups = _groups(store, out.items)
    return out


def _partner_items(store: Store, tlp: Tlp) -> list[Item]:
    out = []
    for r in partner.partner_identifiers(store, at_or_below(tlp)):
        out.append(Item(kind=r["kind"], value=r["value"], canonical=r["canonical"],
                        tlp=parse_tlp(r["tlp"]), categories=r["categories"], flags=r["flags"],
                        groups=r["groups"], key_id=r["key_id"], epoch=r["epoch"]))
    return out


def _groups(store: Store, items: list[Item]) -> list[Group]:
    """One group per (group, level) among ``items``: a grouping's members all share its level,
    so that a partner reading it learns nothing above a member's own marking."""
    keys = sorted({(g, it.tlp) for it in items for g in it.groups}, key=lambda k: (k[0], k[1]))
    out = [Group(k, lvl) for k, lvl in keys]
    for kind in ("campaign", "network"):
        ids = sorted({g.key.split(":", 1)[1] for g in out if g.key.startswith(kind + ":")})
        info = {g["id"]: g for g in partner.groups(store, kind, ids)}
        for grp in out:
            g = info.get(grp.key.split(":", 1)[1]) if grp.key.startswith(kind + ":") else None
            if g is not None:
                grp.size, grp.first_seen, grp.last_seen = g["size"], g["first_seen"], g["last_seen"]
                grp.max_risk = g["max_risk"]
    return out
