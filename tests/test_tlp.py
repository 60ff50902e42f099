"""TLP 2.0 levels: the names partners write, and the order every surface compares by."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waspada.tlp import DEFAULT_TLP, TLP_LEVELS, allows, at_or_below, parse_tlp, rank

# FIRST's TLP 2.0 standard, in order from the least to the most restricted
FIRST_ORDER = ["clear", "green", "amber", "amber+strict", "red"]


def test_levels_are_the_five_of_tlp_2_in_first_order() -> None:
    assert list(TLP_LEVELS) == FIRST_ORDER
    assert [rank(level) for level in TLP_LEVELS] == [0, 1, 2, 3, 4]
    assert DEFAULT_TLP == "amber"


@pytest.mark.parametrize(("name", "level"), [
    ("TLP:CLEAR", "clear"), ("tlp:white", "clear"), ("WHITE", "clear"), (" green ", "green"),
    ("TLP:AMBER+STRICT", "amber+strict"), ("amber-strict", "amber+strict"), ("Red", "red"),
    ("tlp: amber", "amber"),
])  # fmt: skip
def test_names_from_each_family_are_read(name: str, level: str) -> None:
    assert parse_tlp(name) == level


@pytest.mark.parametrize("name", ["", "purple", "tlp:", "amber+", "TLP:AMBER STRICT", "rouge"])
def test_anything_else_is_refused_with_the_value_named(name: str) -> None:
    with pytest.raises(ValueError, match="not a TLP level"):
        parse_tlp(name)


@given(st.sampled_from(FIRST_ORDER), st.sampled_from(FIRST_ORDER))
def test_allows_is_the_order(ceiling: str, level: str) -> None:
    expected = FIRST_ORDER.index(level) <= FIRST_ORDER.index(ceiling)
    assert allows(ceiling, level) is expected  # type: ignore[arg-type]
    assert (level in at_or_below(ceiling)) is expected  # type: ignore[arg-type]


@given(st.sampled_from(FIRST_ORDER), st.sampled_from(["", "tlp:", "TLP:", " TLP: "]),
       st.booleans())
def test_parse_ignores_prefix_and_case(level: str, prefix: str, upper: bool) -> None:
    name = prefix + (level.upper() if upper else level)
    assert parse_tlp(name) == level
