"""The recogniser contract.

A recogniser is mostly data (its kind, its patterns, its context words) plus small hooks for
what a regex cannot say (checksums, validity). It reads the NORMALISED text of a ``Context``
and returns entities whose offsets are already mapped back to the ORIGINAL text
(``ctx.entity(...)`` does the mapping).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from waspada.text.normalize import NormalizedText
from waspada.types import Entity


@dataclass(slots=True)
class Context:
    """Everything a recogniser may read about one text, prepared once by assess()."""

    norm: NormalizedText
    language: str  # ISO 639-1 or "und"
    script: str
    country: str | None = None  # ISO 3166 alpha-2 hint from the caller
    lower: str = ""  # norm.text.casefold()-like lower-case copy, same length as norm.text
    cache: dict[str, Any] = field(default_factory=dict)  # shared scratch space per text

    @property
    def text(self) -> str:
        return self.norm.text

    @property
    def original(self) -> str:
        return self.norm.original

    def entity(
        self,
        kind: str,
        value: str,
        start: int,
        end: int,
        *,
        recognizer: str,
        score: float = 1.0,
        **attrs: Any,
    ) -> Entity:
        """Build an entity from a span of the NORMALISED text, mapped to the original."""
        ostart, oend = self.norm.to_original(start, end)
        return Entity(
            kind=kind,
            value=value,
            start=ostart,
            end=oend,
            text=self.norm.original[ostart:oend],
            recognizer=recognizer,
            score=score,
            attrs=attrs,
        )


class Recognizer:
    """Base class. Subclasses set ``name`` and ``kinds`` and implement ``recognize``."""

    name: ClassVar[str] = ""
    kinds: ClassVar[tuple[str, ...]] = ()

    def recognize(self, ctx: Context) -> list[Entity]:  # pragma: no cover - interface
        raise NotImplementedError
