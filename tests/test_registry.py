"""The recogniser registry must not drift silently: compare it with a golden list."""

from __future__ import annotations

from pathlib import Path

import pytest

from waspada.errors import ConfigError
from waspada.recognizers.registry import build_recognizers

GOLDEN = Path(__file__).parent / "golden" / "recognizers.txt"


def test_registered_recognizers_match_the_golden_list() -> None:
    live = [f"{r.name}: {', '.join(r.kinds)}" for r in build_recognizers()]
    expected = [ln for ln in GOLDEN.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert live == expected


def test_every_recognizer_declares_a_unique_name_and_kinds() -> None:
    names = [r.name for r in build_recognizers()]
    assert len(names) == len(set(names)) and all(names)
    assert all(r.kinds for r in build_recognizers())


def test_a_subset_keeps_registry_order_and_an_unknown_name_is_refused() -> None:
    assert [r.name for r in build_recognizers(["places", "web"])] == ["web", "places"]
    with pytest.raises(ConfigError, match=r"unknown recogniser 'fax'.*known: web, crypto"):
        build_recognizers(["web", "fax"])
