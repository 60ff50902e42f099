"""Structured indicator rules: conditions on the entities the recognisers found.

A rule fires for an entity of one of its kinds whose attributes satisfy every condition, when
(optionally) one of ``with_indicator`` fired too — within ``near`` characters of that indicator's
evidence if ``near`` is set — and no entity named in ``unless_entity`` is in the text.
"""

from __future__ import annotations

from typing import Any

from waspada.indicators.loader import Condition, EntityMatch, Rule
from waspada.types import Entity, Span


def attr(e: Entity, name: str) -> Any:
    """An entity attribute; ``value`` and ``kind`` are attributes too, e-mails have a domain."""
    if name == "value":
        return e.value
    if name == "kind":
        return e.kind
    if name in e.attrs:
        return e.attrs[name]
    if name == "domain" and e.kind == "email" and "@" in e.value:
        return e.value.rsplit("@", 1)[1].lower()
    return None


def _holds(c: Condition, v: Any) -> bool:
    op, want = c.op, c.value
    if op == "eq":
        return bool(v == want) or (want is False and v is None)
    if op == "ne":
        return bool(v != want) and not (want is False and v is None)
    if op == "in":
        return v in want
    if op == "not_in":
        return v not in want
    if v is None:
        return False
    if op in ("gte", "lte"):
        try:
            x = float(v)
        except (TypeError, ValueError):
            return False
        return bool(x >= want if op == "gte" else x <= want)
    s = str(v).lower()
    if op == "endswith":
        return any(s.endswith(w) for w in want) if isinstance(want, tuple) else s.endswith(want)
    if op == "contains":
        return any(w in s for w in want) if isinstance(want, tuple) else want in s
    return False  # pragma: no cover - ops are checked on load


def matches(m: EntityMatch, e: Entity) -> bool:
    return e.kind in m.kinds and all(_holds(c, attr(e, c.attr)) for c in m.where)


def apply_rule(
    rule: Rule, entities: list[Entity], evidence: dict[str, list[Span]]
) -> list[Span]:
    """The spans of the entities that make ``rule`` fire (empty when it does not)."""
    if rule.with_indicator and not any(i in evidence for i in rule.with_indicator):
        return []
    if rule.unless and any(matches(u, e) for u in rule.unless for e in entities):
        return []
    out: list[Span] = []
    for e in entities:
        if not matches(rule.match, e):
            continue
        if rule.near is not None:
            lo, hi = e.start - rule.near, e.end + rule.near
            close = any(
                s.start < hi and lo < s.end
                for i in rule.with_indicator
                for s in evidence.get(i, ())
            )
            if not close:
                continue
        out.append(Span(e.start, e.end, e.text))
    return out
