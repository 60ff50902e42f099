"""``waspada exchange export``: one selection of the store, as a STIX 2.1 bundle or a MISP
event, checked before it is written (a file that fails the checks is never written), and
written whole or not at all (beside the target, then renamed)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from waspada.errors import ExchangeError
from waspada.exchange import misp_export, misp_validate, stix_export, validate
from waspada.exchange.pseudonym import PseudonymKey
from waspada.exchange.select import collect
from waspada.store.db import Store

FORMATS = ("stix", "misp")


@dataclass(frozen=True, slots=True)
class ExportRequest:
    fmt: str
    level: str
    campaign: str | None = None
    network: str | None = None
    since: datetime | None = None
    min_risk: int | None = None
    include_partner: bool = False
    allow_restricted: bool = False
    key: PseudonymKey | None = None
    producer: str = "Waspada"
    #: run stix2-validator on every object of a bundle up to this many objects (default
    #: ``validate.FULL_LIMIT``), on every shape above it
    validator_limit: int | None = None


def build(store: Store, req: ExportRequest,
          now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> tuple[dict[str, Any],
                                                                          dict[str, Any]]:
    """(the document, its summary): the bundle or event for ``req``, checked."""
    if req.fmt not in FORMATS:
        raise ExchangeError(f"unknown exchange format {req.fmt!r}; choose one of {FORMATS}")
    data = collect(store, req.level, campaign=req.campaign, network=req.network,
                   since=req.since, min_risk=req.min_risk, include_partner=req.include_partner,
                   allow_restricted=req.allow_restricted, key=req.key)
    if req.fmt == "stix":
        doc = stix_export.to_bundle(data, req.producer, now)
        problems, checked = validate.check_bundle(
            doc, data.tlp, validate.FULL_LIMIT if req.validator_limit is None
            else req.validator_limit)
        objects = len(doc["objects"])
    else:
        doc = misp_export.to_event(data, req.producer, now)
        problems = misp_validate.misp_problems(doc, data.tlp)
        checked = "PyMISP schema, object templates and tlp tags: all objects"
        objects = len(doc["Event"].get("Object", [])) + len(doc["Event"].get("Attribute", []))
    if problems:
        raise ExchangeError(f"the {req.fmt} export failed its own checks, nothing written: "
                            + "; ".join(problems[:5]))
    by_level: dict[str, int] = {}
    for it in data.items:
        by_level[it.tlp] = by_level.get(it.tlp, 0) + 1
    summary = {"format": req.fmt, "tlp": data.tlp, "identifiers": len(data.items),
               "objects": objects, "groups": len({g.key for g in data.groups}),
               "by_tlp": dict(sorted(by_level.items())),
               "pseudonymised": data.pseudonymised,
               "key_id": req.key.key_id if req.key else None,
               "checked": checked, "skipped": data.skipped}
    return doc, summary


def write(doc: dict[str, Any], out: str | Path) -> int:
    """Write ``doc`` as JSON to ``out`` whole or not at all; returns its size in bytes."""
    target = Path(out)
    if target.is_dir():
        raise ExchangeError(f"cannot export to {target}: it is a directory")
    folder = target.parent
    if not folder.is_dir():
        raise ExchangeError(f"cannot export to {target}: there is no folder {folder}")
    body = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".waspada-exchange-", suffix=".json", dir=folder)
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        os.replace(tmp, target)
    except OSError as e:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise ExchangeError(f"cannot export to {target}: {e.strerror or e}") from e
    return len(body)


def export_file(store: Store, req: ExportRequest, out: str | Path,
                now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> dict[str, Any]:
    """Build, check and write one export; returns its summary (with ``bytes`` and ``out``)."""
    doc, summary = build(store, req, now)
    return {**summary, "out": str(out), "bytes": write(doc, out)}
