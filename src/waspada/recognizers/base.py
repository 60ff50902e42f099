"""The recogniser contract.

A recogniser is mostly data (its kind, its patterns, its context words) plus small hooks for
what a regex cannot say (checksums, validity). It reads the NORMALISED text of a ``Context``
and returns entities whose offsets are already mapped back to the ORIGINAL text
(``ctx.entity(...)`` does the mapping).
"""

from __future__ import annotations

from typing import ClassVar

from waspada.types import Context, Entity, EntityKind


class Recognizer:
    """Base class. Subclasses set ``name`` and ``kinds`` and implement ``recognize``."""

    name: ClassVar[str] = ""
    kinds: ClassVar[tuple[EntityKind, ...]] = ()

    def recognize(self, ctx: Context) -> list[Entity]:  # pragma: no cover - interface
        raise NotImplementedError
