"""Shared helper of the recogniser tests: run the real pipeline's recognise step on a text."""

from __future__ import annotations

from typing import Any

from waspada.analyzer import default_analyzer
from waspada.types import Context, Entity

Expected = tuple[str, str, str, dict[str, Any]]


def entities(
    text: str,
    kinds: tuple[str, ...],
    *,
    language: str | None = None,
    country: str | None = None,
) -> list[Entity]:
    """Entities of ``kinds`` that assess() would return for ``text``, built the way assess()
    builds its Context (real normaliser and language detector); ``language`` overrides the
    detected language so a test can pin the region source. Every span must map back."""
    ctx = Context.of(text, country=country, language=language)
    found = default_analyzer().recognize(ctx)
    for e in found:
        assert text[e.start : e.end] == e.text, (e.kind, e.start, e.end)
    return [e for e in found if e.kind in kinds]


def assert_entities(found: list[Entity], expected: list[Expected]) -> None:
    """``found`` equals ``expected`` (kind, value, original span text, subset of attrs)."""
    got = [(e.kind, e.value, e.text) for e in found]
    assert got == [(k, v, t) for k, v, t, _ in expected]
    for e, (_, _, _, attrs) in zip(found, expected, strict=True):
        for key, val in attrs.items():
            assert e.attrs.get(key) == val, (e.value, key, e.attrs.get(key), val)
