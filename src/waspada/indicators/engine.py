"""PLACEHOLDER indicator engine. The real one loads ``data/*.yaml`` (checked on load).

Interface: ``evaluate(ctx, entities, lang) -> list[IndicatorHit]`` where ``lang`` is the
language of the descriptions (en, id, ...).
"""

from __future__ import annotations

from waspada.recognizers.base import Context
from waspada.types import Entity, IndicatorHit


def evaluate(ctx: Context, entities: list[Entity], lang: str = "en") -> list[IndicatorHit]:
    return []
