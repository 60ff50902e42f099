"""The data the linker reads and writes: documents in, campaigns and networks out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from waspada.types import CONTACT_KINDS

#: identifier kinds that join documents into networks (money and places describe, not identify)
LINKING_KINDS = frozenset(CONTACT_KINDS) | {"domain"}  # domain: derived from a url


@dataclass(slots=True)
class LinkDoc:
    """One document as the linker sees it.

    ``identifiers``: (kind, value) pairs as ``assess()`` returns them in ``Entity.kind`` and
    ``Entity.value`` (E.164 phone, lower-case handle, ...). ``countries``: ISO alpha-2 codes of the
    places the document names (phone regions are derived from the phone identifiers).
    """

    doc_id: str
    external_id: str | None = None
    text: str = ""
    posted_at: datetime | None = None
    language: str = "und"
    source: str = ""
    risk: int = 0
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    countries: tuple[str, ...] = ()


@dataclass(slots=True)
class Group:
    """A campaign or a network with its summary."""

    id: str
    kind: str  # "campaign" | "network"
    size: int
    first_seen: datetime | None
    last_seen: datetime | None
    languages: dict[str, int]
    countries: dict[str, int]
    sources: dict[str, int]
    max_risk: int
    mean_risk: float
    top_identifiers: list[tuple[str, str, int]]
    members: list[LinkDoc] = field(default_factory=list)

    def to_dict(self, *, members: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "size": self.size,
            "first_seen": _iso(self.first_seen),
            "last_seen": _iso(self.last_seen),
            "languages": dict(self.languages),
            "countries": dict(self.countries),
            "sources": dict(self.sources),
            "max_risk": self.max_risk,
            "mean_risk": round(self.mean_risk, 2),
            "top_identifiers": [
                {"kind": k, "value": v, "documents": n} for k, v, n in self.top_identifiers
            ],
        }
        if members:
            d["members"] = [member_dict(m) for m in self.members]
        return d


def member_dict(m: LinkDoc) -> dict[str, Any]:
    return {
        "doc_id": m.doc_id,
        "external_id": m.external_id,
        "posted_at": _iso(m.posted_at),
        "language": m.language,
        "source": m.source,
        "risk": m.risk,
    }


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t is not None else None
