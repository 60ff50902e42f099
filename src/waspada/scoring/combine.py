"""PLACEHOLDER: combine the indicator score with the model's output into the final risk.

The rule is chosen by the ablation in benchmarks/quality.md (indicators only, model only, both).
"""

from __future__ import annotations

from waspada.scoring.model import ModelOutput
from waspada.scoring.risk import RiskResult


def combine(indicator_result: RiskResult, model: ModelOutput | None) -> RiskResult:
    return indicator_result
