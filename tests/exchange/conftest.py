"""The fixed store of ``_store.py``, built once per module, and a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from waspada.store.db import Store

from ._store import build

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.fixture(scope="module")
def fixed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("fixed") / "fixed.duckdb")


@pytest.fixture()
def fixed_store(fixed_db: Path) -> Iterator[Store]:
    with Store.open(fixed_db, read_only=True) as s:
        yield s
