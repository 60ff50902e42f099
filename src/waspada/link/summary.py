"""Summaries of campaigns and networks: size, first/last seen, languages, countries, risk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import phonenumbers

from waspada.link.types import LINKING_KINDS, Group, LinkDoc

TOP_IDENTIFIERS = 10


@lru_cache(maxsize=65536)
def phone_region(e164: str) -> str | None:
    """Region of an E.164 number from its calling code (+62... -> ID), without a full parse."""
    if not e164.startswith("+"):
        return None
    digits = e164[1:4]
    for n in (1, 2, 3):
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:n] or 0))
        if regions:
            return None if regions[0] == "001" else regions[0]
    return None


def group_members(ids: Sequence[str | None]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, g in enumerate(ids):
        if g is not None:
            out.setdefault(g, []).append(i)
    return out


def summarise(
    kind: str,
    group_id: str,
    members: Sequence[int],
    docs: Sequence[LinkDoc],
    identifiers: Sequence[Sequence[tuple[str, str]]] | None = None,
) -> Group:
    """Summary of one group; ``identifiers`` (per document) default to the documents' own."""
    langs: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    idents: Counter[tuple[str, str]] = Counter()
    risks: list[int] = []
    seen = []
    for i in members:
        d = docs[i]
        langs[d.language or "und"] += 1
        if d.source:
            sources[d.source] += 1
        risks.append(int(d.risk))
        if d.posted_at is not None:
            seen.append(d.posted_at)
        found = set(d.countries)
        own = identifiers[i] if identifiers is not None else d.identifiers
        for k, v in set(own):
            if k not in LINKING_KINDS:
                continue
            idents[(k, v)] += 1
            if k == "phone":
                r = phone_region(v)
                if r:
                    found.add(r)
        countries.update(found)
    top = [(k, v, n) for (k, v), n in _top(idents, TOP_IDENTIFIERS)]
    return Group(
        id=group_id,
        kind=kind,
        size=len(members),
        first_seen=min(seen) if seen else None,
        last_seen=max(seen) if seen else None,
        languages=_by_count(langs),
        countries=_by_count(countries),
        sources=_by_count(sources),
        max_risk=max(risks) if risks else 0,
        mean_risk=sum(risks) / len(risks) if risks else 0.0,
        top_identifiers=top,
        members=[docs[i] for i in members],
    )


def _by_count(c: Counter[str]) -> dict[str, int]:
    # most first, ties by key: Counter.most_common keeps insertion order on ties, and the
    # countries come from sets (string hashing differs between processes)
    return dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))


def _top(c: Counter[tuple[str, str]], n: int) -> list[tuple[tuple[str, str], int]]:
    # most documents first, then by kind and value so ties read the same on every run
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
