"""Helpers of the transport tests (PSI and TAXII): raw HTTP to a server under test, and real
intel stores made by the real scan."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from waspada.ingest.scan import scan
from waspada.store.db import Store


def call(url: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any] | bytes]:
    """(status, JSON document or raw bytes) of one request; an HTTP error is returned, not
    raised."""
    req = urllib.request.Request(url, data=body, headers=headers or {},
                                 method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, data, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        status, data, ctype = e.code, e.read(), e.headers.get("Content-Type", "")
    return status, (json.loads(data) if ctype == "application/json" else data)


def scanned_store(path: Path, texts: list[str]) -> Path:
    """A DuckDB intel store at ``path`` holding ``texts``, written by the real scan (the default
    analyzer, in this process, semantic stage off)."""
    src = path.with_suffix(".jsonl")
    src.write_text("".join(json.dumps({"id": f"t{i}", "text": t}) + "\n"
                           for i, t in enumerate(texts)), encoding="utf-8")
    with Store.open(path) as store:
        report = scan([str(src)], store, workers=0, semantic="off")
    assert report.quarantined == 0, report
    return path
