"""The Traffic Light Protocol 2.0 (FIRST, 2022): the five sharing levels, their order, and the
one reader of a level's name.

Every document in the store carries a level (``documents.tlp``, AMBER unless set), every
imported indicator the level its partner sent, and every surface that lets data out (an
export, a page, an API answer) compares levels through ``allows``, so that "nothing leaves
above its marking" is one comparison written once.

The order is CLEAR < GREEN < AMBER < AMBER+STRICT < RED: a reader cleared for a level may see
data marked at that level or below. TLP 1.0's WHITE is 2.0's CLEAR; 1.0 had no AMBER+STRICT.
"""

from __future__ import annotations

from typing import Literal, get_args

Tlp = Literal["clear", "green", "amber", "amber+strict", "red"]
#: the levels from the least to the most restricted
TLP_LEVELS: tuple[Tlp, ...] = get_args(Tlp)
#: the level of a document nobody marked: AMBER (the recipient's organisation and its clients)
DEFAULT_TLP: Tlp = "amber"

_RANK = {level: i for i, level in enumerate(TLP_LEVELS)}
#: names other families use for the same levels (TLP 1.0, spellings seen in MISP tags)
_ALIASES: dict[str, Tlp] = {"white": "clear", "amber-strict": "amber+strict",
                            "amber_strict": "amber+strict"}


def parse_tlp(name: str) -> Tlp:
    """The level a name means: ``amber``, ``TLP:AMBER+STRICT``, ``tlp:white`` (1.0, = clear)...
    Raises ValueError naming the value for anything else (a caller that reads partner data
    treats that as RED: fail closed)."""
    key = name.strip().lower()
    if key.startswith("tlp:"):
        key = key[4:].strip()
    if key in _RANK:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"{name!r} is not a TLP level (one of: {', '.join(TLP_LEVELS)})")


def rank(level: Tlp) -> int:
    """0 for CLEAR ... 4 for RED."""
    return _RANK[level]


def allows(ceiling: Tlp, level: Tlp) -> bool:
    """Whether data marked ``level`` may go to a reader or partner cleared for ``ceiling``."""
    return _RANK[level] <= _RANK[ceiling]


def at_or_below(ceiling: Tlp) -> tuple[Tlp, ...]:
    """The levels a reader cleared for ``ceiling`` may see (for an SQL ``IN`` list)."""
    return TLP_LEVELS[: _RANK[ceiling] + 1]
