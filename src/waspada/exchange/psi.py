"""Private set intersection with a partner over a small HTTP exchange (openmined-psi 2.0.6).

The server holds a set of identifier strings ("phone:+6281234567890", "telegram:someuser");
a client asks which of ITS identifiers the server also holds (mode ``intersection``) or only
how many (mode ``cardinality``). The server chooses the mode. The protocol is OpenMined's
ECDH-PSI with a Golomb-compressed set (GCS) for the server's side
(docs/exchange-transport.md):

    client                                   server (built once: key, sorted set, setup)
      GET  /psi/info            ------------>  {"protocol": 1, "mode", "max_query", "fpr", ...}
      GET  /psi/setup           ------------>  ServerSetup: the server's set under ITS key, in
                                               a GCS sized for ``max_query`` queries at ``fpr``
      POST /psi/query Request   ------------>  the client's set under the CLIENT's key (blinded)
                                <------------  Response: each element under both keys (in order
                                               in ``intersection`` mode, shuffled otherwise)
      the client removes its key and looks each element up in the GCS

The server sees only blinded points: it never learns the client's identifiers, nor which of
them matched. The client learns the intersection (or its size) and the server set's size
(from the setup), with a false-positive rate of at most ``fpr`` for a query of ``max_query``
identifiers. Messages are the library's protobuf bytes; errors are JSON ``{"error": ...}``.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

import private_set_intersection.python as psi
from google.protobuf.message import DecodeError

from waspada.errors import ConfigError, TransportError
from waspada.exchange import matches
from waspada.store.db import Store

#: the version of this exchange (paths, framing, the library's messages): both sides must agree
PROTOCOL_VERSION = 1
#: the request header that carries ``PROTOCOL_VERSION`` on /psi/setup and /psi/query
VERSION_HEADER = "Waspada-PSI-Version"
Mode = Literal["intersection", "cardinality"]
MODES: tuple[Mode, ...] = ("intersection", "cardinality")
#: the server's default bound on the identifiers in one query
DEFAULT_MAX_QUERY = 10_000
#: the default false-positive rate: the chance that a query of ``max_query`` identifiers gets
#: one identifier reported as shared that the server does not hold
DEFAULT_FPR = 1e-9
#: bytes one blinded identifier takes in a request (a 33-byte compressed P-256 point, its
#: protobuf tag and length) with room to spare; the body limit is this times ``max_query``
_BYTES_PER_ELEMENT = 40
_BODY_SLACK = 64
#: seconds a client waits for an answer; a server for a request's bytes
TIMEOUT_S = 60.0
_JSON = "application/json"
_BINARY = "application/octet-stream"

log = logging.getLogger(__name__)


class PsiSet:
    """The server's side: its identifiers under a fresh key, and the setup message for them,
    built once. ``answer`` serves one HTTP request (method, path, headers, body)."""

    def __init__(self, identifiers: Iterable[str], *, mode: str = "intersection",
                 max_query: int = DEFAULT_MAX_QUERY, fpr: float = DEFAULT_FPR,
                 exact: bool = False) -> None:
        if mode not in MODES:
            raise ConfigError(f"PSI mode {mode!r}: use one of {', '.join(MODES)}")
        if not isinstance(max_query, int) or max_query < 1:
            raise ConfigError(f"PSI max_query {max_query!r}: give a whole number >= 1")
        if not 0.0 < fpr < 1.0:
            raise ConfigError(f"PSI false-positive rate {fpr!r}: give a number between 0 and 1")
        items = sorted(set(identifiers))
        self.mode = mode
        self.max_query = max_query
        self.fpr = fpr
        self.size = len(items)
        self.body_limit = max_query * _BYTES_PER_ELEMENT + _BODY_SLACK
        self._server = psi.server.CreateWithNewKey(mode == "intersection")
        # GCS: hashes of the blinded set, sized for the largest query (a smaller one has a lower
        # false-positive rate); RAW (``exact``): the blinded elements themselves, no false
        # positives, 35 bytes an element
        self.data_structure = "raw" if exact else "gcs"
        try:
            setup = self._server.CreateSetupMessage(
                fpr, max_query, items,
                psi.DataStructure.RAW if exact else psi.DataStructure.GCS)
        except (ValueError, RuntimeError):
            if exact:
                raise
            # openmined-psi 2.0.6 fails to encode a Golomb-compressed set of a few elements when
            # max_query / fpr is large (e.g. 3 elements at 10,000 / 1e-9, often): send RAW
            self.data_structure = "raw"
            setup = self._server.CreateSetupMessage(fpr, max_query, items, psi.DataStructure.RAW)
        self._setup = setup.SerializeToString()
        self._lock = threading.Lock()  # one request at a time through the C++ server object

    def info(self) -> dict[str, Any]:
        return {"protocol": PROTOCOL_VERSION, "mode": self.mode, "max_query": self.max_query,
                "fpr": self.fpr if self.data_structure == "gcs" else 0.0,
                "data_structure": self.data_structure, "body_limit": self.body_limit,
                "library": f"openmined-psi {psi.__version__}"}

    def answer(self, method: str, path: str, version: str | None,
               body: bytes | None) -> tuple[int, str, bytes]:
        """(HTTP status, content type, body) for one request; ``version``: the request's
        ``VERSION_HEADER``; ``body``: the POST body (None for a GET)."""
        path = path.split("?", 1)[0].rstrip("/")
        routes = {"/psi/info": "GET", "/psi/setup": "GET", "/psi/query": "POST"}
        if path not in routes:
            return _error(HTTPStatus.NOT_FOUND, f"no such path {path!r}: use "
                          "GET /psi/info, GET /psi/setup or POST /psi/query")
        if method != routes[path]:
            return _error(HTTPStatus.METHOD_NOT_ALLOWED, f"{path} takes {routes[path]} only")
        if path == "/psi/info":
            return HTTPStatus.OK, _JSON, json.dumps(self.info()).encode()
        if version != str(PROTOCOL_VERSION):
            said = f"version {version!r}" if version else f"no {VERSION_HEADER} header"
            return _error(HTTPStatus.BAD_REQUEST, f"this server speaks PSI protocol version "
                          f"{PROTOCOL_VERSION}; the request has {said}")
        if path == "/psi/setup":
            return HTTPStatus.OK, _BINARY, self._setup
        return self._query(body or b"")

    def _query(self, body: bytes) -> tuple[int, str, bytes]:
        request = psi.Request()
        try:
            request.ParseFromString(body)
        except DecodeError as e:
            return _error(HTTPStatus.BAD_REQUEST, f"malformed PSI request (not a psi_proto."
                          f"Request message of openmined-psi): {e}")
        n = len(request.encrypted_elements)
        if n > self.max_query:
            return _error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the query holds {n} "
                          f"identifiers; this server answers at most {self.max_query}")
        if request.reveal_intersection and self.mode != "intersection":
            return _error(HTTPStatus.BAD_REQUEST, "this server answers cardinality queries "
                          "only (how many identifiers are shared, not which)")
        try:
            with self._lock:
                response = self._server.ProcessRequest(request)
        except RuntimeError as e:  # the library's error for a point that is not on the curve
            return _error(HTTPStatus.BAD_REQUEST, f"malformed PSI request: {_oneline(e)}")
        return HTTPStatus.OK, _BINARY, response.SerializeToString()


def _oneline(e: Exception) -> str:
    return " ".join(str(e).split())


def _error(status: HTTPStatus, message: str) -> tuple[int, str, bytes]:
    return status, _JSON, json.dumps({"error": message, "status": int(status)}).encode()


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    timeout = TIMEOUT_S  # a client that stops sending does not hold a thread forever
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._reply(*self.server.psi_set.answer("GET", self.path,
                                                 self.headers.get(VERSION_HEADER), None))

    def do_POST(self) -> None:
        limit = self.server.psi_set.body_limit
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            self._reply(*_error(HTTPStatus.LENGTH_REQUIRED, "give the body's Content-Length"))
        elif int(length) > limit:
            self.close_connection = True  # the body is not read
            self._reply(*_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body has {length} "
                                f"bytes; this server reads at most {limit} (its max query is "
                                f"{self.server.psi_set.max_query} identifiers)"))
        else:
            body = self.rfile.read(int(length))
            self._reply(*self.server.psi_set.answer("POST", self.path,
                                                     self.headers.get(VERSION_HEADER), body))

    def do_PUT(self) -> None:
        self.close_connection = True
        self._reply(*_error(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST"))

    do_DELETE = do_PATCH = do_PUT

    def _reply(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.info("psi %s %s", self.address_string(), format % args)  # paths only, no identifiers


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    psi_set: PsiSet


class PsiServer:
    """A PSI server on ``host``:``port`` (0: a free port) for ``identifiers``. ``start()`` serves
    in a thread, ``serve_forever()`` in this one; ``close()`` stops and frees the port."""

    def __init__(self, identifiers: Iterable[str], *, host: str = "127.0.0.1", port: int = 0,
                 mode: str = "intersection", max_query: int = DEFAULT_MAX_QUERY,
                 fpr: float = DEFAULT_FPR, exact: bool = False) -> None:
        self.psi_set = PsiSet(identifiers, mode=mode, max_query=max_query, fpr=fpr,
                              exact=exact)
        try:
            self._http = _HttpServer((host, port), _Handler)
        except OSError as e:
            raise TransportError(f"cannot serve PSI on {host}:{port}: {e.strerror or e}") from e
        self._http.psi_set = self.psi_set
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"

    def start(self) -> PsiServer:
        self._thread = threading.Thread(target=self._http.serve_forever, name="psi-server",
                                        daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._http.serve_forever()

    def close(self) -> None:
        if self._thread is not None:
            self._http.shutdown()
            self._thread.join()
            self._thread = None
        self._http.server_close()

    def __enter__(self) -> PsiServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def query(url: str, identifiers: Iterable[str], *,
          timeout: float = TIMEOUT_S) -> set[str] | int:
    """Ask the PSI server at ``url`` about ``identifiers``: the set of them it also holds (a
    server in ``intersection`` mode) or how many (``cardinality``). The server learns neither
    the identifiers nor the answer. A refusal, another protocol version or an unreachable
    server is a ``TransportError`` with the server's reason."""
    base = url if url.endswith("/") else url + "/"
    try:
        info = json.loads(_fetch(base + "psi/info", None, timeout))
    except ValueError as e:  # not JSON (UnicodeDecodeError is a ValueError too)
        raise TransportError(f"{base} is not a PSI server: /psi/info is not JSON") from e
    if not isinstance(info, dict) or info.get("protocol") != PROTOCOL_VERSION:
        got = info.get("protocol") if isinstance(info, dict) else info
        raise TransportError(f"PSI server {base} speaks protocol version {got!r}; this client "
                             f"speaks {PROTOCOL_VERSION}")
    mode, max_query = info.get("mode"), info.get("max_query")
    if mode not in MODES or not isinstance(max_query, int):
        raise TransportError(f"PSI server {base} sent an info document without a known mode "
                             f"and max_query: {info!r}")
    items = sorted(set(identifiers))
    if len(items) > max_query:
        raise TransportError(f"the query holds {len(items)} identifiers; the PSI server {base} "
                             f"answers at most {max_query}: split it or ask for a higher bound")
    reveal = mode == "intersection"
    client = psi.client.CreateWithNewKey(reveal)
    request = client.CreateRequest(items).SerializeToString()
    setup, response = psi.ServerSetup(), psi.Response()
    try:
        setup.ParseFromString(_fetch(base + "psi/setup", None, timeout))
        response.ParseFromString(_fetch(base + "psi/query", request, timeout))
        if reveal:
            return {items[i] for i in client.GetIntersection(setup, response)}
        return int(client.GetIntersectionSize(setup, response))
    except (DecodeError, RuntimeError) as e:
        raise TransportError(f"PSI server {base} sent an answer this client cannot read: "
                             f"{_oneline(e)}") from e


def _fetch(url: str, body: bytes | None, timeout: float) -> bytes:
    headers = {VERSION_HEADER: str(PROTOCOL_VERSION)}
    if body is not None:
        headers["Content-Type"] = _BINARY
    req = urllib.request.Request(url, data=body, headers=headers,
                                 method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data: bytes = r.read()
            return data
    except urllib.error.HTTPError as e:
        reason = _reason(e.read(4096)) or e.reason
        raise TransportError(f"PSI server refused {req.get_method()} {url} "
                             f"(HTTP {e.code}): {reason}") from e
    except (urllib.error.URLError, OSError) as e:
        why = getattr(e, "reason", None) or e
        raise TransportError(f"cannot reach the PSI server at {url}: {why!s}") from e


def _reason(body: bytes) -> str | None:
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    return str(doc["error"]) if isinstance(doc, dict) and "error" in doc else None


def store_identifiers(db_path: str | Path) -> set[str]:
    """The canonical text of every identifier of the intel store at ``db_path`` (opened
    read-only; ``exchange.matches.store_identifiers``: E.164 phones, platform + handle, ...):
    what the other exchange paths match on, so PSI finds the same overlap as a raw or
    pseudonymised export. Money amounts and places identify no one and are not exchanged."""
    with Store.open(db_path, read_only=True) as store:
        return matches.store_identifiers(store)


__all__ = ["DEFAULT_FPR", "DEFAULT_MAX_QUERY", "MODES", "PROTOCOL_VERSION", "VERSION_HEADER",
           "PsiServer", "PsiSet", "query", "store_identifiers"]
