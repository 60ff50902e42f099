"""Issue 10, item 11: no Hypothesis test here can fail on the machine's speed.

On a fresh clone ``test_loads_record_matches_json_on_records`` once failed the "input generation
is slow" health check: the first ``st.text()`` draw builds Hypothesis's Unicode table (seconds on
a loaded 2-core machine). Every Hypothesis test in this folder must run with no deadline and
without the too_slow health check (``_util.SAFE``).
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
from hypothesis import HealthCheck

HERE = Path(__file__).resolve().parent
MODULES = sorted(p.stem for p in HERE.glob("test_*.py") if p.stem != Path(__file__).stem)


def hypothesis_tests() -> list[tuple[str, object]]:
    out = []
    for name in MODULES:
        mod = importlib.import_module(f"{__package__}.{name}")
        for fname, fn in inspect.getmembers(mod, inspect.isfunction):
            if fname.startswith("test_") and hasattr(fn, "hypothesis"):
                out.append((f"{name}.{fname}", fn))
    return out


def test_there_are_hypothesis_tests_to_check() -> None:
    names = [n for n, _ in hypothesis_tests()]
    assert "test_fast_json.test_loads_record_matches_json_on_records" in names
    assert len(names) >= 12


@pytest.mark.parametrize("name", [n for n, _ in hypothesis_tests()])
def test_no_hypothesis_test_can_trip_on_speed(name: str) -> None:
    fn = dict(hypothesis_tests())[name]
    s = fn._hypothesis_internal_use_settings  # type: ignore[attr-defined]
    assert s.deadline is None, name
    assert HealthCheck.too_slow in s.suppress_health_check, name
