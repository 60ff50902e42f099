"""The public check page (``/``): paste a text, read the verdict, the evidence, and whom to
call. Works without JavaScript (a plain form POST renders the whole page; with htmx only the
result is swapped in). Stores nothing, and logs nothing of the text: the access log has the
path only, and the analyzer's answer goes to the page and nowhere else.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from waspada.api import hotlines
from waspada.api.deps import AnalyzerDep, ConfigDep
from waspada.api.i18n import Translator, languages, negotiate
from waspada.api.present import check_result, segments
from waspada.api.security import CSRF_COOKIE, csrf_ok, new_csrf
from waspada.config import EXPLANATION_LANGUAGES
from waspada.errors import RequestError

router = APIRouter(include_in_schema=False)
#: the country whose channels a language's readers see first
_COUNTRY_OF = {"id": "ID", "en": "ID"}


def page(request: Request, name: str, lang: str, status: int = 200,
         csrf: str | None = None, **context: Any) -> HTMLResponse:
    """Render a template with the translator, the CSRF token (set as a cookie when new) and
    the signed-in user (``user``, or None)."""
    token = csrf or request.cookies.get(CSRF_COOKIE) or new_csrf()
    html = request.app.state.templates.get_template(name).render(
        t=Translator(lang), lang=lang, languages=languages(), csrf=token,
        path=request.url.path, **{"user": None, "problem": None, "result": None, **context})
    resp = HTMLResponse(html, status_code=status)
    if request.cookies.get(CSRF_COOKIE) != token:
        resp.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.app.state.config.secure_cookies)
    return resp


def ui_language(request: Request, form_lang: str | None = None) -> str:
    return negotiate(form_lang or request.query_params.get("lang"),
                     request.headers.get("accept-language"))


def _country(code: str | None, lang: str, config_default: str) -> str:
    c = (code or "").strip().upper()
    return c if c in hotlines.hotlines() else _COUNTRY_OF.get(lang, config_default)


@router.get("/", response_class=HTMLResponse)
def check_page(request: Request, config: ConfigDep, text: str = "",
               country: str | None = None) -> HTMLResponse:
    lang = ui_language(request)
    return page(request, "check.html", lang, text=text[: config.max_check_chars], result=None,
                country=_country(country, lang, config.default_country),
                countries=hotlines.hotlines())


@router.post("/", response_class=HTMLResponse)
def check_submit(request: Request, analyzer: AnalyzerDep, config: ConfigDep,
                 text: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
                 country: Annotated[str, Form()] = "", lang: Annotated[str, Form()] = ""
                 ) -> HTMLResponse:
    ui = ui_language(request, lang)
    if not csrf_ok(request.cookies.get(CSRF_COOKIE), csrf):
        raise RequestError(403, "csrf", Translator(ui)("error.csrf"))
    wait = request.app.state.limiter.take(client_key(request))
    if wait:
        raise RequestError(429, "rate_limited", Translator(ui)("error.rate"),
                           {"Retry-After": str(wait)})
    where = _country(country, ui, config.default_country)
    context: dict[str, Any] = {"text": text, "country": where,
                               "countries": hotlines.hotlines(), "result": None}
    if not text.strip():
        context["problem"] = "error.empty"
    elif len(text) > config.max_check_chars:
        context["problem"] = "error.too_long"
    else:
        a = analyzer.assess(text, lang=ui if ui in EXPLANATION_LANGUAGES else None,
                            country=where, semantic=config.semantic)
        result = check_result(a)
        result["segments"] = segments(text, result["red_flags"], result["entities"])
        context["result"] = result
    return page(request, "check.html", ui, **context)


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    return "ok"


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"
