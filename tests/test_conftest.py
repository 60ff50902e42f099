"""The suite's own rule (tests/conftest.py): a test that needs the labelled data sets is skipped
where they are absent, and FAILS under CI, so a CI run cannot pass without running it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import require_shared_data


def test_present_data_is_handed_over(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WASPADA_DATA", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    assert require_shared_data() == tmp_path


def test_missing_data_skips_outside_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WASPADA_DATA", str(tmp_path / "absent"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="absent"):
        require_shared_data()


@pytest.mark.parametrize("ci", ["true", "TRUE", "1"])
def test_missing_data_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str
) -> None:
    monkeypatch.setenv("WASPADA_DATA", str(tmp_path / "absent"))
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_shared_data()
