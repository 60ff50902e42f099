"""Sessions, CSRF, security headers, the request size limit and the access log.

- Session: a cookie holding the user name, signed (itsdangerous, HMAC) with the server's
  secret and timed; HttpOnly, SameSite=Lax. The user is read from the store on every request.
- CSRF: a random token in its own cookie (HttpOnly, SameSite=Strict); every HTML form carries
  it in a hidden field and every form POST must send both, equal (double submit). JSON requests
  authenticate with an API key or the session and need no token: a cross-site page cannot send
  an ``application/json`` POST without the browser asking first (CORS is never allowed here).
- Headers: a Content-Security-Policy without inline scripts or styles, nosniff,
  frame-ancestors 'none', no referrer, no caching of signed-in pages.
- Size: a body whose Content-Length is over the limit is refused with 413 unread; a body
  without a length (chunked) is read here up to the limit, refused past it, else replayed.
- Access log: method, path (never the query string), status and time; never a body, a
  cookie or a key. uvicorn's own access log is off (``waspada serve``) because it logs query
  strings.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from typing import Any

import orjson
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "wsp_session"
CSRF_COOKIE = "wsp_csrf"
CSRF_FIELD = "csrf"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer"),
           (b"cross-origin-opener-policy", b"same-origin")]
access_log = logging.getLogger("waspada.api.access")


class Sessions:
    def __init__(self, secret: bytes, max_age_s: int) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="waspada-session")
        self.max_age_s = max_age_s

    def dump(self, username: str) -> str:
        return self._signer.dumps({"u": username})

    def load(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            data = self._signer.loads(cookie, max_age=self.max_age_s)
        except BadSignature:
            return None
        user = data.get("u") if isinstance(data, dict) else None
        return user if isinstance(user, str) else None


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str | None, field: str | None) -> bool:
    return bool(cookie and field) and hmac.compare_digest(str(cookie), str(field))


def error_body(code: str, message: str) -> bytes:
    return orjson.dumps({"error": {"code": code, "message": message}})


class Guard:
    """ASGI middleware: security headers on every answer, the body size limit, the access
    log. Pure ASGI (no buffering), so streamed answers stay streamed."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = [0]
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _too_large(send, self.max_body)
            self._log(scope, 413, t0)
            return
        if length is None and scope.get("method") in ("POST", "PUT", "PATCH"):
            # no length given (a chunked body): read it here, up to the limit, then replay it
            chunks: list[bytes] = []
            size, more = 0, True
            while more:
                msg = await receive()
                if msg["type"] != "http.request":
                    break
                chunks.append(msg.get("body", b""))
                size += len(chunks[-1])
                more = bool(msg.get("more_body"))
                if size > self.max_body:
                    await _too_large(send, self.max_body)
                    self._log(scope, 413, t0)
                    return
            body = b"".join(chunks)
            sent = [False]

            async def replay() -> Message:
                if not sent[0]:
                    sent[0] = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            receive = replay

        async def send_with_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                status[0] = msg["status"]
                msg["headers"] = [*msg.get("headers", []), *HEADERS]
                if scope["path"].startswith(("/app", "/api/")):
                    msg["headers"].append((b"cache-control", b"no-store"))
            await send(msg)

        await self.app(scope, receive, send_with_headers)
        self._log(scope, status[0], t0)

    @staticmethod
    def _log(scope: Scope, status: int, t0: float) -> None:
        access_log.info("%s %s %d %.1fms", scope.get("method"), scope.get("path"), status,
                        (time.perf_counter() - t0) * 1000)


async def _too_large(send: Send, limit: int) -> None:
    body = error_body("too_large", f"the request body is over {limit} bytes")
    hdrs: list[Any] = [(b"content-type", b"application/json"),
                       (b"content-length", str(len(body)).encode()), *HEADERS]
    await send({"type": "http.response.start", "status": 413, "headers": hdrs})
    await send({"type": "http.response.body", "body": body})
