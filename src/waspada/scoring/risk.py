"""PLACEHOLDER first risk score from the indicators.

Interface: ``score(hits, entities, ctx) -> RiskResult``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from waspada.recognizers.base import Context
from waspada.types import Category, Entity, IndicatorHit, Level


@dataclass(slots=True)
class RiskResult:
    risk: int
    level: Level
    category: Category
    probabilities: dict[str, float] = field(default_factory=dict)
    features: list[dict[str, object]] = field(default_factory=list)
    model_version: str = "indicators-1"


def score(hits: list[IndicatorHit], entities: list[Entity], ctx: Context) -> RiskResult:
    return RiskResult(risk=0, level="low", category="benign")
