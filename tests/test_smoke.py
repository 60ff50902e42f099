import pytest

from waspada import AssessError, assess


def test_assess_returns_the_documented_shape() -> None:
    d = assess("Hello there").to_dict()
    assert set(d) >= {
        "risk", "level", "category", "language", "script", "indicators", "entities", "explanation"
    }
    assert 0 <= d["risk"] <= 100
    assert d["level"] in {"low", "medium", "high"}
    assert d["category"] in {"recruitment_lure", "scam", "benign"}


def test_assess_refuses_non_text_with_its_one_error_type() -> None:
    with pytest.raises(AssessError, match="takes a str"):
        assess(b"bytes")  # type: ignore[arg-type]
