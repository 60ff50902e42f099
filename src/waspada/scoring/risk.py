"""The first risk score, from the indicators alone (the learned model plugs in via combine.py).

Interface: ``score(hits, entities, ctx) -> RiskResult``.

- Red flags combine by noisy-OR: ``p = 1 - prod(1 - weight)`` over every recruitment and scam
  indicator that fired (each indicator counts once, however many keywords matched). The same
  noisy-OR per category picks the category.
- Counter-signals (advisory, official source, news report, report channel) combine the same way
  into ``q`` and damp the risk: ``risk = p * (1 - q)``. A warning ABOUT a scam repeats the red
  flags but also carries two or three counter-signals, which brings it down to low.
- ``risk = round(100 * p * (1 - q))``; level low < 40 <= medium < 70 <= high; the category is the
  stronger of recruitment_lure and scam when the risk is at least medium, else benign.

``probabilities`` stays empty: these numbers are scores, not calibrated probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from waspada.types import Category, Context, Entity, IndicatorHit, Level

#: risk at or above this is "medium"
MEDIUM_AT = 40
#: risk at or above this is "high"
HIGH_AT = 70
#: a category other than benign is given only from this risk on
CATEGORY_FLOOR = MEDIUM_AT
RED_FLAG_CATEGORIES = ("recruitment_lure", "scam")


@dataclass(slots=True)
class RiskResult:
    risk: int
    level: Level
    category: Category
    probabilities: dict[str, float] = field(default_factory=dict)
    features: list[dict[str, object]] = field(default_factory=list)
    model_version: str = "indicators-1"
    #: per-category noisy-OR of the red flags, before damping (0..1)
    scores: dict[str, float] = field(default_factory=dict)
    #: combined strength of the counter-signals (0..1)
    counter: float = 0.0
    #: true when counter-signals (a warning ABOUT scams) pulled a risky text below medium
    advisory: bool = False


def noisy_or(weights: list[float]) -> float:
    out = 1.0
    for w in weights:
        out *= 1.0 - w
    return 1.0 - out


def level_of(risk: int) -> Level:
    if risk >= HIGH_AT:
        return "high"
    if risk >= MEDIUM_AT:
        return "medium"
    return "low"


def score(
    hits: list[IndicatorHit], entities: list[Entity], ctx: Context | None = None
) -> RiskResult:
    """Risk, level and category from the indicator hits (entities and ctx are for later rules)."""
    if not hits:
        return RiskResult(risk=0, level="low", category="benign",
                          scores=dict.fromkeys(RED_FLAG_CATEGORIES, 0.0))
    keep = {"recruitment_lure": 1.0, "scam": 1.0, "counter": 1.0}  # products of (1 - w)
    for h in hits:
        if h.category in keep:
            keep[h.category] *= 1.0 - h.weight
    scores = {c: 1.0 - keep[c] for c in RED_FLAG_CATEGORIES}
    p = 1.0 - keep["recruitment_lure"] * keep["scam"]
    q = 1.0 - keep["counter"]
    risk = max(0, min(100, round(100 * p * (1.0 - q))))
    level = level_of(risk)
    category: Category = "benign"
    if risk >= CATEGORY_FLOOR:
        category = "recruitment_lure" if scores["recruitment_lure"] >= scores["scam"] else "scam"
    advisory = q > 0 and round(100 * p) >= MEDIUM_AT and risk < MEDIUM_AT
    return RiskResult(
        risk=risk,
        level=level,
        category=category,
        scores={c: round(v, 4) for c, v in scores.items()},
        counter=round(q, 4),
        advisory=advisory,
    )
