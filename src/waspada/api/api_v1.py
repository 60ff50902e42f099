"""The JSON API under ``/api/v1`` (OpenAPI at ``/openapi.json``).

``POST /check`` is public (rate-limited per client address, unlimited with an API key); every
read of the intel store needs a viewer (a signed-in session or an API key) and shows only what
the caller's TLP clearance allows (``waspada.store.visible``); ``/export`` needs an analyst,
``/users`` an admin. Errors are ``{"error": {"code", "message"}}`` with the HTTP status.
Lists page with ``limit`` and ``offset`` and give ``total`` and ``next_offset``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from waspada.api.deps import (
    Admin,
    Analyst,
    AnalyzerDep,
    ConfigDep,
    MaybePrincipal,
    StoreDep,
    Viewer,
)
from waspada.api.present import check_result
from waspada.api.settings import MAX_BATCH, MAX_CHECK_CHARS
from waspada.errors import RequestError
from waspada.store import accounts as store_accounts
from waspada.store import visible, visible_groups
from waspada.tlp import TLP_LEVELS

router = APIRouter(prefix="/api/v1", tags=["api"])
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_CHECK_CHARS)]


class CheckRequest(BaseModel):
    """One text (``text``) or a batch (``texts``, at most 50); not both."""

    text: Text | None = None
    texts: Annotated[list[Text], Field(min_length=1, max_length=MAX_BATCH)] | None = None
    lang: Annotated[str, Field(pattern="^(en|id)$")] | None = None
    country: Annotated[str, Field(pattern="^[A-Za-z]{2}$")] | None = None


@router.post("/check")
def check(body: CheckRequest, request: Request, analyzer: AnalyzerDep, config: ConfigDep,
          who: MaybePrincipal) -> dict[str, Any]:
    """Assess one text or a batch; stores nothing. The result: verdict, risk, level, category,
    stance, red flags with evidence spans (code-point offsets), entities, explanation."""
    if (body.text is None) == (body.texts is None):
        raise RequestError(422, "invalid_request", "give either text or texts")
    if who is None:
        host = request.client.host if request.client else "unknown"
        wait = request.app.state.limiter.take(host)
        if wait:
            raise RequestError(429, "rate_limited", "too many checks: wait and try again",
                               {"Retry-After": str(wait)})
    country = body.country.upper() if body.country else None
    if body.text is not None:
        return check_result(analyzer.assess(body.text, lang=body.lang, country=country,
                                            semantic=config.semantic))
    results = analyzer.assess_many(body.texts or [], lang=body.lang, country=country,
                                   semantic=config.semantic)
    return {"results": [check_result(a) for a in results]}


@router.get("/documents")
def documents(who: Viewer, store: StoreDep, limit: Limit = 50, offset: Offset = 0,
              min_risk: Annotated[int | None, Query(ge=0, le=100)] = None,
              level: Annotated[str | None, Query(pattern="^(low|medium|high)$")] = None,
              category: Annotated[str | None, Query(max_length=40)] = None,
              language: Annotated[str | None, Query(max_length=12)] = None,
              since: date | None = None) -> dict[str, Any]:
    """Stored documents the caller may see, riskiest first."""
    return visible.documents_page(store, who.levels, min_risk=min_risk, level=level,
                                  category=category, language=language, since=since,
                                  limit=limit, offset=offset)


@router.get("/documents/{doc_id}")
def document(doc_id: str, who: Viewer, store: StoreDep) -> dict[str, Any]:
    """One document (id or a unique prefix of 6+ characters) with its assessment, entities,
    indicator evidence, campaign and network."""
    rec = visible.document(store, who.levels, doc_id)
    if rec is None:
        raise RequestError(404, "not_found", "no such document")
    return rec


@router.get("/entities")
def entities(who: Viewer, store: StoreDep, kind: Annotated[str | None, Query(max_length=40)]
             = None, value: Annotated[str | None, Query(max_length=500)] = None,
             limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Identifiers in visible documents (``value``: a part of it), most documents first. With
    both ``kind`` and ``value``, ``match`` is the identifier of exactly that value with every
    visible document that carries it (null when none does)."""
    found = visible.entities(store, who.levels, kind, value, limit, offset)
    if kind and value:
        found["match"] = visible.entity(store, who.levels, kind, value)
    return found


@router.get("/entities/{kind}/{value:path}")
def entity(kind: str, value: str, who: Viewer, store: StoreDep) -> dict[str, Any]:
    """One identifier with every visible document that carries it, and their campaigns and
    networks."""
    rec = visible.entity(store, who.levels, kind, value)
    if rec is None:
        raise RequestError(404, "not_found", "no visible document carries this identifier")
    return rec


@router.get("/campaigns")
def campaigns(who: Viewer, store: StoreDep, limit: Limit = 50, offset: Offset = 0
              ) -> dict[str, Any]:
    return visible_groups.groups(store, who.levels, "campaign", limit, offset)


@router.get("/campaigns/{group_id}")
def campaign(group_id: str, who: Viewer, store: StoreDep) -> dict[str, Any]:
    return _group(store, who.levels, "campaign", group_id)


@router.get("/networks")
def networks(who: Viewer, store: StoreDep, limit: Limit = 50, offset: Offset = 0
             ) -> dict[str, Any]:
    return visible_groups.groups(store, who.levels, "network", limit, offset)


@router.get("/networks/{group_id}")
def network(group_id: str, who: Viewer, store: StoreDep) -> dict[str, Any]:
    """A network with its visible members and its graph (``graph.nodes``, ``graph.links``)."""
    return _group(store, who.levels, "network", group_id)


def _group(store: StoreDep, levels: tuple[str, ...], kind: str, gid: str) -> dict[str, Any]:
    rec = visible_groups.group(store, levels, kind, gid)
    if rec is None:
        raise RequestError(404, "not_found", f"no such {kind}")
    return rec


@router.get("/stats")
def stats(who: Viewer, store: StoreDep) -> dict[str, Any]:
    """Counts over the visible documents."""
    return {**visible.stats(store, who.levels), "tlp": who.max_tlp}


@router.get("/export", response_class=StreamingResponse,
            responses={200: {"content": {"application/x-ndjson": {}}}})
def export(who: Analyst, request: Request) -> StreamingResponse:
    """Every visible document as JSON Lines (analysts and admins)."""
    def lines() -> Iterator[bytes]:
        # its own cursor: the stream outlives the request's dependencies
        with request.app.state.store.cursor() as cur:
            for rec in visible.export_rows(cur, who.levels):
                yield orjson.dumps(rec) + b"\n"

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@router.get("/users")
def users(who: Admin, store: StoreDep) -> dict[str, Any]:
    """Every user (without password hashes) and the TLP levels (admins)."""
    return {"users": store_accounts.list_users(store), "tlp_levels": list(TLP_LEVELS)}
