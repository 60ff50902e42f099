"""What the evaluation computes once per text (``prepare``), and what ``assess()`` would decide
for a text given a model's raw decision scores (``verdicts``).

Used by the evaluation (``evaluate``, ``cv``, ``tables``) and by benchmarks/transfer_experiments.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from waspada.scoring.features import FeatureConfig
from waspada.scoring.risk import RiskResult
from waspada.training.datasets import Example
from waspada.training.train import model_entries, to_csr

if TYPE_CHECKING:
    from waspada.analyzer import Analyzer

Array = npt.NDArray[Any]
#: the semantic stage of one text as ``combine`` takes it: fast P(risky) -> two-stage P(risky)
SecondStage = Callable[[float], float]


@dataclass(slots=True)
class Prepared:
    """Everything the evaluation needs per text, computed once (``prepare``)."""

    examples: list[Example]
    X: Any  # CSR features of every example
    X_content: Any  # the same without numbers and contact identifiers (``identifier_mask``)
    indicators: list[RiskResult]  # the indicator-only result
    hits: list[list[Any]]  # the indicator hits (for the category split and the listings)
    stance: list[str]
    strong_offer: Array  # bool: strong offer cues (the stance cap's medium ceiling)
    has_content: Array  # bool: the model gives an opinion (``model.has_content``)
    #: bool: a contact, a link or a sum of money (``semantic.stage.ACTION_KINDS``): escalated
    actionable: Array = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: bool: content enough for the semantic stage (``semantic.stage.readable``): read in no mode
    #: otherwise
    readable: Array = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def ind_risk(self) -> Array:
        return np.array([r.risk / 100.0 for r in self.indicators])


def prepare(
    examples: Sequence[Example], cfg: FeatureConfig, analyzer: Analyzer | None = None
) -> Prepared:
    """Run the recipe of ``analyzer`` (default: the packaged one) once per text: features (all,
    and content only), indicators, stance."""
    from waspada.analyzer import default_analyzer
    from waspada.indicators import stance as stance_mod
    from waspada.scoring import risk
    from waspada.scoring.model import has_content
    from waspada.semantic.stage import ACTION_KINDS, readable

    parts: tuple[list[Array], ...] = ([], [], [], [])
    out = Prepared(list(examples), None, None, [], [], [], np.zeros(0), np.zeros(0))
    strong, content, action, legible = [], [], [], []
    an = analyzer or default_analyzer()
    for ex in examples:
        ctx, entities, hits = an.analyse(ex.text)
        entries = model_entries(ctx.text, ctx.lower, cfg, hits, entities)
        for part, entry in zip(parts, entries, strict=True):
            part.append(entry)
        out.indicators.append(risk.score(hits, entities, ctx))
        out.hits.append(hits)
        st = stance_mod.detect(an.stance_cues, ctx, entities)
        out.stance.append(st.stance)
        strong.append(st.strong_offer)
        content.append(has_content(ctx.text))
        action.append(any(e.kind in ACTION_KINDS for e in entities))
        legible.append(readable(ctx.text, entities))
    out.X = to_csr(parts[0], parts[1], cfg.dim)
    out.X_content = to_csr(parts[2], parts[3], cfg.dim)
    out.strong_offer = np.array(strong, dtype=bool)
    out.has_content = np.array(content, dtype=bool)
    out.actionable = np.array(action, dtype=bool)
    out.readable = np.array(legible, dtype=bool)
    return out


def verdicts(
    P: Prepared,
    rows: Array,
    decision: Array,
    decision_content: Array,
    platt: tuple[float, float],
    second: Sequence[SecondStage | None] | None = None,
) -> list[RiskResult]:
    """What ``assess()`` decides for ``rows`` given the model's raw decision scores.

    The same steps as ``assess``: ``combine`` (the evidence rules) then ``cap_for_stance``, with
    the model output built as ``model.predict_with`` builds it. ``second[j]``, when given and not
    None, is the semantic stage of row ``j`` as ``Analyzer.finish`` passes it to ``combine``: it
    maps the fast P(risky) to the two-stage P(risky) (``twostage``).
    """
    from waspada.scoring.combine import cap_for_stance, combine
    from waspada.scoring.model import ModelOutput, category_split

    a, b = platt
    p_all = 1.0 / (1.0 + np.exp(-(a * np.asarray(decision) + b)))
    pc_all = 1.0 / (1.0 + np.exp(-(a * np.asarray(decision_content) + b)))
    out: list[RiskResult] = []
    for j, i in enumerate(rows):
        model = None
        if P.has_content[i]:
            p = float(p_all[j])
            hits = P.hits[i]
            model = ModelOutput(
                probabilities=category_split(p, hits),
                p_risky=p,
                counter=any(h.category == "counter" for h in hits),
                p_content=min(p, float(pc_all[j])),
            )
        result = combine(P.indicators[i], model, None if second is None else second[j])
        out.append(cap_for_stance(result, P.stance[i], bool(P.strong_offer[i])))
    return out


def listing(P: Prepared, i: int, r: RiskResult) -> dict[str, Any]:
    """How a report lists text ``i`` rated ``r``: reference, source, language, label, risk,
    level, stance and red flags (never the text)."""
    e = P.examples[i]
    flags = [h.id for h in P.hits[i] if h.category != "counter"]
    return {
        "ref": e.ref,
        "source": e.source,
        "lang": e.language,
        "label": e.tag or e.label,
        "risk": r.risk,
        "level": r.level,
        "stance": P.stance[i],
        "red_flags": flags,
    }
