"""combine(): the final risk from the indicator score and the model's P(risky)."""

from __future__ import annotations

import pytest

from waspada.scoring.combine import combine, combined_risk
from waspada.scoring.model import ModelOutput
from waspada.scoring.risk import RiskResult

# (indicator risk 0..100, P(risky), counter strength q, expected risk) -- computed by hand:
# noisy_or: 100 * (1 - (1 - p * (1 - q)) * (1 - r))
NOISY_OR = [
    (0, 0.0, 0.0, 0),
    (0, 0.9, 0.0, 90),
    (50, 0.0, 0.0, 50),
    (50, 0.5, 0.0, 75),  # 1 - 0.5 * 0.5
    (80, 0.9, 0.0, 98),  # 1 - 0.1 * 0.2
    (0, 0.9, 0.8, 18),  # advisory: 0.9 * 0.2
    (10, 0.95, 0.9, 19),  # warning about a scam: 1 - (1 - 0.095) * 0.9 = 0.1855
    (100, 1.0, 0.0, 100),
]


@pytest.mark.parametrize(("ind", "p", "q", "expected"), NOISY_OR)
def test_noisy_or_rule(ind: float, p: float, q: float, expected: int) -> None:
    assert combined_risk(ind, p, q) == expected


def _ind(risk: int, category: str = "benign", counter: float = 0.0) -> RiskResult:
    """An indicator result; a risk above 0 means red flags fired (noisy-OR score in ``scores``)."""
    level = "high" if risk >= 70 else "medium" if risk >= 40 else "low"
    flagged = "scam" if category == "benign" else category
    scores = {flagged: risk / 100} if risk or counter else {}
    return RiskResult(risk=risk, level=level, category=category, counter=counter,  # type: ignore[arg-type]
                      scores=scores)


def _model(p: float, rec_share: float = 0.0, p_content: float | None = None) -> ModelOutput:
    return ModelOutput(
        probabilities={
            "recruitment_lure": p * rec_share,
            "scam": p * (1 - rec_share),
            "benign": 1 - p,
        },
        top_features=[{"feature": "hadiah", "weight": 1.5}],
        version="linear-test",
        p_risky=p,
        p_content=p_content,
    )


def test_no_model_keeps_the_indicator_result() -> None:
    r = _ind(55, "scam")
    assert combine(r, None) is r


def test_model_alone_makes_a_scam_when_no_indicator_fired() -> None:
    out = combine(_ind(0), _model(0.92))
    # no red flag: the model alone is at most medium, round(69 * 0.92) = 63
    assert (out.risk, out.level, out.category) == (63, "medium", "scam")
    assert out.features == [{"feature": "hadiah", "weight": 1.5}]
    assert out.model_version == "linear-test"
    assert out.probabilities["benign"] == pytest.approx(0.08)


def test_recruitment_category_comes_from_the_indicators() -> None:
    out = combine(_ind(45, "recruitment_lure"), _model(0.6))
    assert out.category == "recruitment_lure"
    assert out.risk == 78  # 1 - 0.4 * 0.55


def test_model_split_decides_category_when_indicators_are_below_the_floor() -> None:
    out = combine(_ind(20), _model(0.8, rec_share=0.7))
    assert out.category == "recruitment_lure"


def test_warning_about_a_scam_stays_low() -> None:
    # the indicators saw red flags but counter-signals (advisory) damped them to 15;
    # the model, trained on scams, is sure it is risky -- the counter-signals damp it too.
    out = combine(_ind(15, "benign", counter=0.9), _model(0.97))
    assert out.level == "low"
    assert out.category == "benign"


def test_low_everything_is_benign() -> None:
    out = combine(_ind(5), _model(0.1))
    assert (out.level, out.category) == ("low", "benign")


# -- no verdict without evidence (issue 11)


@pytest.mark.parametrize("p", [0.7, 0.9, 0.99, 1.0])
def test_the_model_alone_is_never_high(p: float) -> None:
    out = combine(_ind(0), _model(p))
    assert out.level == "medium" and out.risk <= 69


def test_red_flags_that_reach_medium_let_the_model_raise_a_text_to_high() -> None:
    out = combine(_ind(45, "scam"), _model(0.8))
    assert (out.risk, out.level) == (89, "high")  # 1 - 0.2 * 0.55 = 0.89


def test_weak_red_flags_and_a_confident_model_stay_medium() -> None:
    # a vague job title (0.08) or a link (0.15) alone is a sign noted, not evidence for "high"
    out = combine(_ind(15, "scam"), _model(0.9))
    assert (out.risk, out.level) == (69, "medium")  # noisy-OR 92, capped at HIGH_AT - 1


def test_numbers_and_contacts_do_not_count_towards_the_model_risk() -> None:
    # p_content: the model's P(risky) without its numbers and contact identifiers
    out = combine(_ind(0), _model(0.99, p_content=0.1))
    assert (out.risk, out.level, out.category) == (7, "low", "benign")  # round(69 * 0.1)
    out = combine(_ind(45, "recruitment_lure"), _model(0.99, p_content=0.2))
    assert out.risk == 56  # 1 - 0.8 * 0.55
