"""PLACEHOLDER learned model. Interface: ``predict(ctx, hits, entities) -> ModelOutput | None``.

Returns None while no model ships with the package (then the risk comes from indicators only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from waspada.recognizers.base import Context
from waspada.types import Entity, IndicatorHit


@dataclass(slots=True)
class ModelOutput:
    probabilities: dict[str, float]  # category -> calibrated probability, summing to 1
    top_features: list[dict[str, object]] = field(default_factory=list)  # {"feature", "weight"}
    version: str = ""


def predict(ctx: Context, hits: list[IndicatorHit], entities: list[Entity]) -> ModelOutput | None:
    return None
