"""Fixtures shared by the whole suite.

``shared_data``: the labelled data sets (``waspada.datafiles.data_dir()``: ``$WASPADA_DATA`` or
``../shared/data``). A test that needs them is skipped where they are absent (a fresh clone
without the data), but FAILS under CI (``CI`` set to true, as CI services set it): a CI run must
never pass because its data-driven tests did not run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from waspada.datafiles import DATA_ENV, data_dir


def in_ci() -> bool:
    """True when ``CI`` says so (GitHub Actions, GitLab, ... set ``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def require_shared_data() -> Path:
    """The labelled data sets' folder; absent: skip the calling test, or fail it under CI."""
    path = data_dir()
    if path.is_dir():
        return path
    msg = f"labelled data sets not found at {path} (set {DATA_ENV} to their folder)"
    if in_ci():
        pytest.fail(f"{msg}; CI=true: tests that need them must run", pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return require_shared_data()



@pytest.fixture(scope="session")
def small_semantic_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real semantic model on the packaged encoder (tests/semantic/small_model.py)."""
    from semantic.small_model import train_small_model

    return train_small_model(tmp_path_factory.mktemp("semantic") / "small.npz")
