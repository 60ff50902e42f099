"""A real TAXII 2.1 server for the tests: medallion 3.0.0 (OASIS's reference server) with its
memory backend, served by Werkzeug on 127.0.0.1 on a port the OS picks, in a thread.

medallion keeps one Flask application per process (``medallion.application_instance``), so
it is configured once; ``reset()`` gives each test fresh, empty collections.
"""

from __future__ import annotations

import copy
import threading
import urllib.request
from typing import Any

import medallion
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

USER, PASSWORD = "analyst", "s3cret-pass"
#: the server's page size: pulls of more objects than this take several pages
MAX_PAGE_SIZE = 5
API_ROOT = "api1"
#: an API root that takes at most 2,000 bytes a request
TINY_ROOT = "tiny"
RW = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
READ_ONLY = "472c94ae-3113-4e3e-a4dd-a9f4ac7471d4"
_TAXII = "application/taxii+json;version=2.1"
_STIX = "application/stix+json;version=2.1"

_configured = threading.Lock()
_done = False


def _collection(cid: str, can_write: bool) -> dict[str, Any]:
    return {"id": cid, "title": cid[:8], "can_read": True, "can_write": can_write,
            "media_types": [_STIX], "objects": [], "manifest": []}


def _root(title: str, max_content_length: int) -> dict[str, Any]:
    return {"information": {"title": title, "versions": [_TAXII],
                            "max_content_length": max_content_length},
            "status": [], "collections": [_collection(RW, True), _collection(READ_ONLY, False)]}


def _data(base: str) -> dict[str, Any]:
    return {"/discovery": {"title": "test", "default": f"{base}{API_ROOT}/",
                           "api_roots": [f"{base}{API_ROOT}/", f"{base}{TINY_ROOT}/"]},
            API_ROOT: _root("test root", 10_000_000), TINY_ROOT: _root("tiny root", 2_000)}


class _Quiet(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        return


def _configure() -> None:
    global _done
    with _configured:
        if _done:
            return
        app = medallion.application_instance
        config = {"users": {USER: PASSWORD}, "taxii": {"max_page_size": MAX_PAGE_SIZE},
                  "backend": {"module": "medallion.backends.memory_backend",
                              "module_class": "MemoryBackend"}}
        for part in ("users", "taxii", "backend"):
            medallion.set_config(app, part, config)
        medallion.register_blueprints(app)
        _done = True


class Medallion:
    """The running server: ``collection(cid, root)`` is a collection's URL."""

    def __init__(self) -> None:
        _configure()
        self._http: BaseWSGIServer = make_server("127.0.0.1", 0, medallion.application_instance,
                                                 threaded=True, request_handler=_Quiet)
        self.base = f"http://127.0.0.1:{self._http.server_port}/"
        self.reset()
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()
        # the socket listens already; one answered request shows the server works
        req = urllib.request.Request(self.base + "taxii2/", headers={"Accept": _TAXII})
        req.add_header("Authorization", _basic())
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 200

    def collection(self, cid: str = RW, root: str = API_ROOT) -> str:
        return f"{self.base}{root}/collections/{cid}/"

    def reset(self) -> None:
        backend = medallion.application_instance.medallion_backend
        backend.data = copy.deepcopy(_data(self.base))
        backend.next = {}

    def close(self) -> None:
        self._http.shutdown()
        self._thread.join()
        self._http.server_close()


def _basic() -> str:
    import base64

    return "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
