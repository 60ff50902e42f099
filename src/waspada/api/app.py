"""The application factory: ``create_app(config)`` opens the store, builds the one analyzer,
adds the guard (headers, size limit, access log) and the error handlers, and mounts the routes
by audience. Routes only parse and call store or analyzer functions.

The store is opened READ-ONLY while serving (created and migrated first when it is missing or
older). DuckDB lets one process write a file, or any number of processes read it, never both:
while ``waspada serve`` runs, ``waspada scan``, ``link``, ``users`` and ``keys`` cannot open
the same file; stop the server, write, start it again (docs/web.md).

The exchange's export and import endpoints (STIX/MISP) join through ``extra_routers`` when
that package exists: each is an ``APIRouter`` mounted under ``/api/v1``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
import uvicorn
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from waspada.analyzer import default_analyzer
from waspada.api import api_v1, auth, dashboard, public
from waspada.api.i18n import Translator, languages, negotiate
from waspada.api.ratelimit import RateLimiter
from waspada.api.security import CSRF_COOKIE, Guard, Sessions, error_body
from waspada.api.settings import ServeConfig
from waspada.errors import RequestError, StoreError
from waspada.store.db import Store

HERE = Path(__file__).parent
log = logging.getLogger("waspada.api")
_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 413: "too_large", 422: "invalid_request",
          429: "rate_limited"}


def open_store(db: Path) -> Store:
    """Open ``db`` read-only for serving; create it, or migrate an older one, first (a write
    open only then: DuckDB refuses a second open of a file with another mode in one
    process)."""
    if not Path(db).exists():
        Store.open(db).close()
    try:
        return Store.open(db, read_only=True)
    except StoreError:
        Store.open(db).close()  # an older schema: migrate (a newer one fails here, clearly)
        return Store.open(db, read_only=True)


class _NoQuery(logging.Filter):
    """Cuts the query string from uvicorn's access-log records: a shared text arrives as
    ``/?text=...``. uvicorn writes that log whenever its logger has a handler, even with
    ``access_log=False``, so the cut is made on the records themselves."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def server_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """How ``waspada serve`` runs ``app``: uvicorn's access log off and, should a handler turn
    it on, without query strings; ``waspada.api.access`` logs paths only."""
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_level="info",
                            server_header=False)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _NoQuery) for f in access.filters):
        access.addFilter(_NoQuery())
    return config


def templates_env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def create_app(config: ServeConfig, extra_routers: Sequence[APIRouter] = ()) -> FastAPI:
    store = open_store(config.db)
    analyzer = config.analyzer or default_analyzer()
    # the first assessment compiles and loads what the analyzer builds lazily (seconds): done
    # here, at start, so that no visitor waits for it
    analyzer.assess("Waspada siap.", semantic=config.semantic)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.store is None:  # served again after a stop
            app.state.store = open_store(config.db)
        yield
        app.state.store.close()
        app.state.store = None

    app = FastAPI(title="Waspada", version="1", lifespan=lifespan, openapi_url="/openapi.json",
                  docs_url=None, redoc_url=None,
                  description="Screen job offers and messages for trafficking lures and scams; "
                              "read the intel store (docs/web.md).")
    app.state.config = config
    app.state.store = store
    app.state.analyzer = analyzer
    app.state.sessions = Sessions(config.secret, int(config.session_hours * 3600))
    app.state.limiter = RateLimiter(config.rate_per_minute, config.rate_burst)
    app.state.templates = templates_env()
    app.add_middleware(Guard, max_body=config.max_body_bytes)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(public.router)
    app.include_router(auth.router)
    app.include_router(dashboard.router)
    app.include_router(api_v1.router)
    for r in extra_routers:
        app.include_router(r, prefix="/api/v1")
    _handlers(app)
    return app


def _error(request: Request, status: int, code: str, message: str,
           headers: dict[str, str] | None = None) -> Response:
    path = request.url.path
    if path.startswith("/app") and status == 401:
        return RedirectResponse("/app/login", status_code=303)
    if path.startswith("/api/") or path == "/openapi.json" or not _wants_html(request):
        return Response(error_body(code, message), status_code=status,
                        media_type="application/json", headers=headers)
    t = Translator(negotiate(request.query_params.get("lang"),
                             request.headers.get("accept-language")))
    html = request.app.state.templates.get_template("error.html").render(
        t=t, lang=t.lang, languages=languages(), path=path, status=status, code=code,
        message=message, user=None, csrf=request.cookies.get(CSRF_COOKIE, ""))
    return HTMLResponse(html, status_code=status, headers=headers)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "") or request.method == "POST"


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestError)
    async def request_error(request: Request, e: RequestError) -> Response:
        return _error(request, e.status, e.code, e.message, e.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError) -> Response:
        first = e.errors()[0] if e.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(request, 422, "invalid_request",
                      f"{where}: {first.get('msg', 'invalid')}" if where else "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, e: StarletteHTTPException) -> Response:
        code = _CODES.get(e.status_code, "error")
        return _error(request, e.status_code, code, str(e.detail), dict(e.headers or {}))

    @app.exception_handler(Exception)
    async def crash(request: Request, e: Exception) -> Response:
        # the type only: an exception's message can quote the request (a text, a key)
        log.error("internal error on %s %s: %s", request.method, request.url.path,
                  type(e).__name__)
        return _error(request, 500, "internal", "internal error")
