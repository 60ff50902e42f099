"""Language and script of a text. PLACEHOLDER: the real implementation keeps this interface."""

from __future__ import annotations


def detect(text: str) -> tuple[str, str]:
    """Return (ISO 639-1 code or "und", script: Latin, Thai, Lao, Khmer, Myanmar, Han...)."""
    return "und", "Latin"
