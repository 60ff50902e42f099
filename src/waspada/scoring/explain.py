"""PLACEHOLDER explanation in the reader's language (en, id at least)."""

from __future__ import annotations

from waspada.scoring.risk import RiskResult
from waspada.types import Entity, IndicatorHit


def explain(result: RiskResult, hits: list[IndicatorHit], entities: list[Entity], lang: str) -> str:
    return ""
