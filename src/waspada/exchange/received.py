"""What a partner's file yields, whatever its format: identifiers with their marking, and the
list of everything that could not be mapped (never dropped quietly).

``Received`` gathers identifiers by (kind, canonical text or value, key id): an identifier
sent as an observable AND as an Indicator, described by a Note and put in a Grouping, is one
row whose level is the STRICTEST of the markings of every object that said something about it
(fail closed), with the categories, red flags and groups those objects gave it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from waspada.exchange.canonical import canonical
from waspada.exchange.markings import strictest
from waspada.tlp import Tlp

#: the prefixes of our own labels (a STIX label, a MISP ``waspada:`` machine tag's value)
CATEGORY = "waspada:category="
FLAG = "waspada:flag="


@dataclass(slots=True)
class Row:
    kind: str
    value: str
    canonical: str | None
    tlp: Tlp
    object_id: str | None = None
    key_id: str | None = None
    epoch: int | None = None
    categories: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Received:
    source_file: str
    format: str
    producer: str | None = None
    producer_ref: str | None = None
    objects: int = 0
    rows: dict[tuple[str, str, str | None], Row] = field(default_factory=dict)
    #: objects (or attributes) not imported: {"id", "type", "reason"}
    unmapped: list[dict[str, str]] = field(default_factory=list)
    #: the ids of the objects (or attributes) an identifier was read from
    sources: set[str] = field(default_factory=set)

    def skip(self, oid: object, type_: object, reason: str) -> None:
        self.unmapped.append({"id": str(oid), "type": str(type_), "reason": reason})

    def add(self, kind: str, value: str, tlp: Tlp, object_id: str | None, *,
            bank: str | None = None, key_id: str | None = None,
            epoch: int | None = None) -> Row:
        """The row of one identifier (created, or the one already met, its level made the
        stricter of the two)."""
        if object_id is not None:
            self.sources.add(object_id)
        canon = value if key_id is not None else canonical(kind, value, bank)
        key = (kind, canon or value, key_id)
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = Row(kind, value, canon, tlp, object_id, key_id, epoch)
        else:
            row.tlp = strictest([row.tlp, tlp])
        return row

    def describe(self, row: Row, labels: list[str], tlp: Tlp) -> None:
        """Categories and red flags from our labels (any other label is kept as
        ``label:<text>``), said at level ``tlp``."""
        for lab in labels:
            if lab.startswith(CATEGORY):
                row.categories.add(lab[len(CATEGORY):])
            elif lab.startswith(FLAG):
                row.flags.add(lab[len(FLAG):])
            else:
                row.flags.add(lab if lab.startswith("label:") else "label:" + lab)
        row.tlp = strictest([row.tlp, tlp])

    def group(self, row: Row, name: str, tlp: Tlp) -> None:
        row.groups.add(name)
        row.tlp = strictest([row.tlp, tlp])

    def table_rows(self, import_id: str) -> list[dict[str, Any]]:
        return [{"import_id": import_id, "object_id": r.object_id, "kind": r.kind,
                 "value": r.value, "canonical": r.canonical, "key_id": r.key_id,
                 "epoch": r.epoch, "tlp": r.tlp, "categories": sorted(r.categories),
                 "flags": sorted(r.flags), "groups": sorted(r.groups)}
                for r in self.rows.values()]
