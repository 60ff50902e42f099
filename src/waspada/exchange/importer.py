"""``waspada exchange import FILE``: read a partner's STIX 2.1 bundle or MISP event, and store
what it carries with its provenance, in one transaction per file.

A file over ``max_bytes`` (default 256 MiB), one that is not JSON, or one that is neither a
bundle nor an event is refused whole with an ``ExchangeError`` naming it; one bad object inside
a readable file is listed in ``unmapped`` and the rest is imported. The same file imported
twice replaces its earlier import (its id is the SHA-256 of its bytes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from waspada.errors import ExchangeError
from waspada.exchange import misp_import, stix_import
from waspada.exchange.received import Received
from waspada.store import partner
from waspada.store.db import Store

MAX_BYTES = 256 * 1024 * 1024


def read_json(path: str | Path, max_bytes: int = MAX_BYTES) -> tuple[Any, bytes]:
    """The parsed JSON of a partner's file and its bytes; ExchangeError for a file that is
    missing, over ``max_bytes`` or not JSON."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise ExchangeError(f"cannot read {p}: {e.strerror or e}") from e
    if size > max_bytes:
        raise ExchangeError(f"{p} is {size:,} bytes, over the limit of {max_bytes:,} "
                            "(--max-bytes): nothing was imported")
    try:
        raw = p.read_bytes()
        return json.loads(raw), raw
    except OSError as e:
        raise ExchangeError(f"cannot read {p}: {e.strerror or e}") from e
    except ValueError as e:
        raise ExchangeError(f"{p} is not JSON ({e}): nothing was imported") from e


def parse(doc: Any, source_file: str) -> Received:
    """A STIX bundle or a MISP event (``{"Event": {...}}`` or the event itself)."""
    if isinstance(doc, Mapping) and doc.get("type") == "bundle":
        return stix_import.parse_bundle(doc, source_file)
    if isinstance(doc, Mapping) and (isinstance(doc.get("Event"), Mapping)
                                     or ("info" in doc and ("Attribute" in doc
                                                            or "Object" in doc))):
        return misp_import.parse_event(doc, source_file)
    raise ExchangeError(f"{source_file} is neither a STIX 2.1 bundle (type 'bundle') nor a "
                        "MISP event (an 'Event' with 'info'): nothing was imported")


def import_file(store: Store, path: str | Path, max_bytes: int = MAX_BYTES,
                now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> dict[str, Any]:
    """Import one file (module docstring); returns the summary the CLI prints."""
    doc, raw = read_json(path, max_bytes)
    got = parse(doc, str(path))
    import_id = hashlib.sha256(raw).hexdigest()[:32]
    rows = got.table_rows(import_id)
    received = now().astimezone(UTC).replace(tzinfo=None)
    record: dict[str, Any] = {
        "import_id": import_id, "source_file": str(path), "format": got.format,
        "producer": got.producer, "producer_ref": got.producer_ref, "received_at": received,
        "objects": got.objects, "identifiers": len(rows), "unmapped": got.unmapped}
    partner.write_import(store, record, rows)
    by_level: dict[str, int] = {}
    for r in rows:
        by_level[r["tlp"]] = by_level.get(r["tlp"], 0) + 1
    return {**record, "received_at": received.isoformat(),
            "by_tlp": dict(sorted(by_level.items())), "unmapped_count": len(got.unmapped)}
