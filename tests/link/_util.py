"""Real DuckDB stores for the link tests: documents written through ``Store``/``WriteBatch``
(as ``waspada scan`` writes them), and the real CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from waspada.store.db import Store, WriteBatch

T0 = datetime(2024, 5, 1, 8, 0)

Row = tuple[str, str, int, Sequence[tuple[str, str]]]  # external id, text, day, entities


def write_docs(path: Path, rows: Sequence[Row], doc_ids: Sequence[str] | None = None) -> Path:
    """Store ``rows`` (external id, text, day offset, [(kind, value)]) in the DuckDB at ``path``."""
    b = WriteBatch()
    for i, (ext, text, day, ents) in enumerate(rows):
        b.add_document(
            doc_ids[i] if doc_ids else f"{ext}-hash", external_id=ext, source="test", url=None,
            posted=T0 + timedelta(days=day), language="id", script="Latn", text=text,
            model_version="test", risk=80, level="high", category="recruitment_lure",
            explanation="", probabilities=None,
        )  # fmt: skip
        for kind, value in ents:
            attrs = json.dumps({"country": value[:2].upper()}) if kind == "place" else None
            b.add_entity(i, kind, value, 0, 1, "test", 1.0, attrs)
    with Store.open(path) as s:
        s.write(b, [])
    return path


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300,
        ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """The real ``waspada`` CLI in a subprocess."""
    return subprocess.run(
        [sys.executable, "-c", "from waspada.cli import main; main()", *args],
        capture_output=True, text=True, env=env, timeout=timeout, check=False,
    )  # fmt: skip
