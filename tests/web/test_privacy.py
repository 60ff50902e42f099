"""The public check stores nothing and logs no text: checks against a real uvicorn server (run
as ``waspada serve`` runs it), with every log record of the process captured, leave the
database file byte for byte as it was, and the submitted text appears in no log line."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import PASSWORD, Intel, LiveServer

MARKER = "ZQX-private-7731"
TEXT = (f"{MARKER} Lowongan kerja di Kamboja, gaji 20 juta, tanpa pengalaman. "
        "Hubungi WA 0812-3456-7890")


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("httpx", "httpcore")):
            return  # the test's own client, not the server
        self.lines.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")


@pytest.fixture()
def captured() -> Iterator[Capture]:
    cap = Capture()
    names = ["", "uvicorn", "uvicorn.error", "uvicorn.access", "waspada", "waspada.api",
             "waspada.api.access", "fastapi"]
    loggers = [logging.getLogger(n) for n in names]
    old = [(lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.addHandler(cap)
        lg.setLevel(logging.DEBUG)
        lg.disabled = False
    yield cap
    for lg, (level, disabled) in zip(loggers, old, strict=True):
        lg.removeHandler(cap)
        lg.setLevel(level)
        lg.disabled = disabled


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_checks_store_nothing_and_log_no_text(live: LiveServer, intel: Intel,
                                              captured: Capture) -> None:
    before = digest(intel.db)
    files_before = sorted(p.name for p in intel.db.parent.iterdir())
    with httpx.Client(base_url=live.url) as c:
        page = c.get("/", params={"text": TEXT})  # a shared text arrives in the query
        assert page.status_code == 200
        token = c.cookies.get("wsp_csrf")
        r = c.post("/", data={"text": TEXT, "csrf": token or ""})
        assert r.status_code == 200 and "verdict" in r.text
        r = c.post("/api/v1/check", json={"text": TEXT})
        assert r.status_code == 200
        r = c.post("/api/v1/check", json={"texts": [TEXT, TEXT + " lagi"]})
        assert r.status_code == 200
        r = c.post("/api/v1/check", json={"text": TEXT, "lang": "xx"})  # a refused one
        assert r.status_code == 422
    assert any("waspada.api.access POST /api/v1/check 200" in ln for ln in captured.lines), (
        "the access log must be captured for this test to mean anything")
    leaked = [ln for ln in captured.lines if MARKER in ln or "0812-3456-7890" in ln]
    assert leaked == []
    assert digest(intel.db) == before
    assert sorted(p.name for p in intel.db.parent.iterdir()) == files_before  # no WAL either


def test_passwords_keys_and_cookies_are_not_logged(live: LiveServer, intel: Intel,
                                                   captured: Capture) -> None:
    key = intel.keys["analyst-red"]
    with httpx.Client(base_url=live.url) as c:
        c.get("/app/login")
        token = c.cookies.get("wsp_csrf") or ""
        r = c.post("/app/login", data={"username": "analyst-red", "password": PASSWORD,
                                       "csrf": token})
        assert r.status_code == 303  # to the dashboard
        session = c.cookies.get("wsp_session") or ""
        assert session and c.get("/app").status_code == 200
        assert c.get("/api/v1/stats", headers={"X-API-Key": key}).status_code == 200
        assert c.get("/api/v1/stats", headers={"X-API-Key": key + "x"}).status_code == 401
    assert any("GET /api/v1/stats 401" in ln for ln in captured.lines)
    secrets = [PASSWORD, key.split("_", 2)[2], session, token]
    assert [ln for ln in captured.lines if any(x in ln for x in secrets)] == []
