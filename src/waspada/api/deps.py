"""What a route needs, as named ``Annotated`` dependencies: the store (one cursor per request),
the analyzer, and who is asking (``Viewer``, ``Analyst``, ``Admin``: at least that role).

Who is asking: an API key (``Authorization: Bearer wsp_...`` or ``X-API-Key``) or the signed
session cookie, read against the store on every request (a removed user or a revoked key stops
working at once). A key that is sent but not valid is refused (401), never ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request

from waspada.analyzer import Analyzer
from waspada.api.accounts import Principal, Role, key_user, session_user
from waspada.api.security import SESSION_COOKIE
from waspada.api.settings import ServeConfig
from waspada.errors import RequestError
from waspada.store.db import Store


def get_store(request: Request) -> Iterator[Store]:
    cur: Store = request.app.state.store.cursor()
    try:
        yield cur
    finally:
        cur.close()


def get_analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer = request.app.state.analyzer
    return analyzer


def get_config(request: Request) -> ServeConfig:
    config: ServeConfig = request.app.state.config
    return config


StoreDep = Annotated[Store, Depends(get_store)]
AnalyzerDep = Annotated[Analyzer, Depends(get_analyzer)]
ConfigDep = Annotated[ServeConfig, Depends(get_config)]


def _key_of(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def get_principal(request: Request, store: StoreDep) -> Principal | None:
    """The caller, or None for an anonymous one."""
    key = _key_of(request)
    if key is not None:
        who = key_user(store, key)
        if who is None:
            raise RequestError(401, "invalid_key", "the API key is not valid (or revoked)")
        return who
    username = request.app.state.sessions.load(request.cookies.get(SESSION_COOKIE))
    return session_user(store, username) if username else None


MaybePrincipal = Annotated[Principal | None, Depends(get_principal)]


def require(role: Role) -> Callable[[Principal | None], Principal]:
    def dependency(who: MaybePrincipal) -> Principal:
        if who is None:
            raise RequestError(401, "unauthenticated", "sign in or send an API key")
        if not who.can(role):
            raise RequestError(403, "forbidden", f"this needs the {role} role")
        return who

    return dependency


Viewer = Annotated[Principal, Depends(require("viewer"))]
Analyst = Annotated[Principal, Depends(require("analyst"))]
Admin = Annotated[Principal, Depends(require("admin"))]
