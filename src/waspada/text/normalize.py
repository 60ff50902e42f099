"""Normalisation with a map from every normalised offset back to the original text.

PLACEHOLDER (identity). The real implementation replaces this module body but keeps the
interface: ``normalize(text) -> NormalizedText`` and ``NormalizedText.to_original(start, end)``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NormalizedText:
    original: str
    text: str
    # offsets[i] = index in ``original`` of the character that produced text[i];
    # len(offsets) == len(text) + 1, offsets[-1] == len(original). None means identity.
    offsets: list[int] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open normalised span [start, end) to a span of the original text."""
        if self.offsets is None:
            return start, end
        return self.offsets[start], self.offsets[end]


def normalize(text: str) -> NormalizedText:
    return NormalizedText(original=text, text=text, offsets=None)
