"""Sign-in and sign-out of the dashboard (``/app/login``, ``/app/logout``): form POSTs with the
CSRF token; a wrong name and a wrong password get the same answer; sign-in attempts share the
client's rate-limit bucket with public checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from waspada.api.accounts import sign_in
from waspada.api.deps import StoreDep
from waspada.api.i18n import Translator
from waspada.api.public import client_key, page, ui_language
from waspada.api.security import CSRF_COOKIE, SESSION_COOKIE, csrf_ok
from waspada.errors import RequestError

router = APIRouter(prefix="/app", include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return page(request, "login.html", ui_language(request), problem=None)


@router.post("/login")
def login(request: Request, store: StoreDep, username: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "") -> Response:
    lang = ui_language(request)
    if not csrf_ok(request.cookies.get(CSRF_COOKIE), csrf):
        raise RequestError(403, "csrf", Translator(lang)("error.csrf"))
    wait = request.app.state.limiter.take(client_key(request))
    if wait:
        raise RequestError(429, "rate_limited", Translator(lang)("error.rate"),
                           {"Retry-After": str(wait)})
    who = sign_in(store, username, password)
    if who is None:
        return page(request, "login.html", lang, status=401, problem="login.failed")
    resp = RedirectResponse("/app", status_code=303)
    config = request.app.state.config
    resp.set_cookie(SESSION_COOKIE, request.app.state.sessions.dump(who.username),
                    httponly=True, samesite="lax", secure=config.secure_cookies,
                    max_age=int(config.session_hours * 3600))
    return resp


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    if not csrf_ok(request.cookies.get(CSRF_COOKIE), csrf):
        raise RequestError(403, "csrf", Translator(ui_language(request))("error.csrf"))
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp
