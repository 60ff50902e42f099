"""The analyst dashboard (``/app``): overview, search, document, entity, campaign and network
pages, server-rendered (plots are SVG drawn by the templates; the network graph is drawn by
Cytoscape.js from the JSON API, with a table of the same nodes for readers without scripts).
Every page needs a signed-in viewer and shows only what their TLP clearance allows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from waspada.api.deps import StoreDep, Viewer
from waspada.api.present import segments, verdict
from waspada.api.public import page, ui_language
from waspada.errors import RequestError
from waspada.store import visible, visible_groups

router = APIRouter(prefix="/app", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def overview(request: Request, who: Viewer, store: StoreDep) -> HTMLResponse:
    stats = visible.stats(store, who.levels)
    latest = visible.documents_page(store, who.levels, limit=10)
    return page(request, "app_overview.html", ui_language(request), user=who, stats=stats,
                latest=latest["items"])


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, who: Viewer, store: StoreDep,
           q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    found = visible.search(store, who.levels, q.strip()) if q.strip() else None
    return page(request, "app_search.html", ui_language(request), user=who, q=q, found=found)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document(doc_id: str, request: Request, who: Viewer, store: StoreDep) -> HTMLResponse:
    rec = visible.document(store, who.levels, doc_id)
    if rec is None:
        raise RequestError(404, "not_found", "no such document")
    flags = [{"id": h["id"], "description": h["id"], "evidence": h["evidence"]}
             for h in rec["indicators"]]
    return page(request, "app_document.html", ui_language(request), user=who, doc=rec,
                verdict=verdict(str(rec.get("level"))),
                segments=segments(rec["text"], flags, rec["entities"]))


@router.get("/entities/{kind}/{value:path}", response_class=HTMLResponse)
def entity(kind: str, value: str, request: Request, who: Viewer, store: StoreDep
           ) -> HTMLResponse:
    rec = visible.entity(store, who.levels, kind, value)
    if rec is None:
        raise RequestError(404, "not_found", "no visible document carries this identifier")
    return page(request, "app_entity.html", ui_language(request), user=who, ent=rec)


@router.get("/{kind}s", response_class=HTMLResponse)
def groups(kind: str, request: Request, who: Viewer, store: StoreDep,
           offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    if kind not in ("campaign", "network"):
        raise RequestError(404, "not_found", "no such page")
    found = visible_groups.groups(store, who.levels, kind, 50, offset)
    return page(request, "app_groups.html", ui_language(request), user=who, kind=kind,
                found=found)


@router.get("/{kind}s/{group_id}", response_class=HTMLResponse)
def group(kind: str, group_id: str, request: Request, who: Viewer, store: StoreDep
          ) -> HTMLResponse:
    if kind not in ("campaign", "network"):
        raise RequestError(404, "not_found", "no such page")
    rec = visible_groups.group(store, who.levels, kind, group_id)
    if rec is None:
        raise RequestError(404, "not_found", f"no such {kind}")
    return page(request, "app_group.html", ui_language(request), user=who, g=rec, kind=kind)
