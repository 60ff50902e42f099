"""Fixtures of the web tests: one intel store built for real (the demo samples scanned and
linked, each document given a TLP level, users of every role and level with API keys), the
application over it, and a real uvicorn server on 127.0.0.1 for the browser tests.

The store is built once per session and then only READ (the server opens it read-only), so
the tests share it safely.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from waspada.analyzer import default_analyzer
from waspada.api import ServeConfig, create_app
from waspada.api.accounts import create_key, create_user
from waspada.api.app import server_config
from waspada.ingest.scan import scan
from waspada.link.incremental import link_store
from waspada.store.db import Store
from waspada.store.visible import mark_tlp

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "demo_lures_synthetic.jsonl"
#: the TLP levels, least to most restricted, written out here (not read from waspada.tlp) so
#: that the tests check the order independently
LEVELS = ("clear", "green", "amber", "amber+strict", "red")
ROLES = ("viewer", "analyst", "admin")
PASSWORD = "correct horse battery"
SECRET = b"test-secret-of-the-web-tests-000"


#: three copies of one ad template, only the number changed: one campaign
TEMPLATE = ("Dibuka lowongan operator chat di Phnom Penh, gaji 18 juta per bulan, mess dan makan "
            "gratis, tanpa pengalaman, berangkat minggu depan, paspor diurus kantor. Hubungi {}")
CAMPAIGN = [{"id": f"camp-0{i}", "timestamp": f"2026-10-2{i}T09:00:00+07:00",
             "source": "test:template", "text": TEMPLATE.format(phone)}
            for i, phone in enumerate(("WA 0813-1111-2222", "WA 0813-3333-4444",
                                       "WA 0813-5555-6666"), 1)]
#: the campaign's levels: one a GREEN reader sees, two they do not
CAMPAIGN_LEVELS = {"camp-01": "green", "camp-02": "amber", "camp-03": "red"}


def level_of(external_id: str) -> str:
    """The level the fixture gives a document: demo-01 clear, demo-02 green, ... cycling; the
    campaign's from ``CAMPAIGN_LEVELS``."""
    if external_id in CAMPAIGN_LEVELS:
        return CAMPAIGN_LEVELS[external_id]
    return LEVELS[(int(external_id.split("-")[1]) - 1) % len(LEVELS)]


@dataclass
class Intel:
    db: Path
    #: document id -> (external id, TLP level)
    docs: dict[str, tuple[str, str]]
    #: "<role>-<level>" -> API key
    keys: dict[str, str] = field(default_factory=dict)

    def visible_to(self, level: str) -> set[str]:
        rank = LEVELS.index(level)
        return {d for d, (_, lv) in self.docs.items() if LEVELS.index(lv) <= rank}


@pytest.fixture(scope="session")
def intel(tmp_path_factory: pytest.TempPathFactory) -> Intel:
    folder = tmp_path_factory.mktemp("web")
    db = folder / "intel.duckdb"
    template = folder / "campaign.jsonl"
    template.write_text("".join(json.dumps(r) + "\n" for r in CAMPAIGN), encoding="utf-8")
    with Store.open(db) as store:
        scan([str(SAMPLES), str(template)], store, workers=0)
        link_store(store)
        rows = store.query("SELECT id, external_id FROM documents ORDER BY external_id")
        docs = {i: (ext, level_of(ext)) for i, ext in rows}
        for lv in LEVELS:
            mark_tlp(store, [d for d, (_, x) in docs.items() if x == lv], lv)
        out = Intel(db, docs)
        for role in ROLES:
            for lv in LEVELS:
                name = f"{role}-{lv.replace('+', '-')}"
                create_user(store, name, PASSWORD, role, lv)
                out.keys[f"{role}-{lv}"] = create_key(store, name, "tests")
    return out


@pytest.fixture(scope="session")
def app(intel: Intel) -> FastAPI:
    return create_app(ServeConfig(db=intel.db, secret=SECRET, rate_per_minute=0,
                                  analyzer=default_analyzer()))


@pytest.fixture()
def client(app: FastAPI) -> TestClient:
    # not entered as a context manager: that would run the lifespan, whose end closes the
    # store the session's other tests share
    return TestClient(app)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving ``app`` for real on 127.0.0.1, in a thread."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = server_config(app, "127.0.0.1", self.port)  # as `waspada serve` runs it
        config.lifespan = "off"  # the session's other tests share the app's store
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:  # a condition, polled: uvicorn sets it when it listens
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def live(intel: Intel) -> Iterator[LiveServer]:
    """A real server over its own app (the same store file, opened read-only again)."""
    app = create_app(ServeConfig(db=intel.db, secret=SECRET, rate_per_minute=0,
                                 analyzer=default_analyzer()))
    with LiveServer(app) as server:
        yield server
