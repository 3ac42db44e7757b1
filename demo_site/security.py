"""What every response of the demo carries, as a real site would: a CSP with
a fresh nonce, nosniff, framing rules, a referrer policy, and CSRF checks
on form posts.

`SecurityHeaders` is a plain ASGI middleware (not Starlette's
BaseHTTPMiddleware, which buffers streaming responses and breaks
contextvars). It puts the request's nonce and CSRF token in
`scope["state"]`, where `request.state.csp_nonce` and
`request.state.csrf_token` find them:

    app = SecurityHeaders(Starlette(routes=...), secret=secrets.token_bytes(32))

CSRF is a signed double-submit token, a few lines with `secrets` and
`hmac`: the browser holds a random cookie (HttpOnly, SameSite=Strict), and
every form carries HMAC(secret, cookie). A cross-site page can make the
browser send the cookie but can neither read it nor compute the HMAC.
(asgi-csrf does the same with an extra dependency, itsdangerous; these few
lines keep the demo's dependencies to Starlette and uvicorn.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "cswidget_demo_csrf"
CSRF_FIELD = "csrf_token"
# The survey sandbox is the page the widget shows in its iframe: only this
# origin may frame it. Nothing else may be framed at all.
FRAMEABLE_PREFIX = "/sandbox/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The content types a cross-site <form> can send; anything else needs CORS,
# which this site never grants.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
# Above the sandbox's own limits, so an over-long answer gets its 422 from
# the survey's validation, not a refusal here.
MAX_FORM_BYTES = 2 * 1024 * 1024
# Turbo Drive and htmx's boosted links swap in the next page's scripts
# without loading a new document, so the document's first policy must allow
# them: these pages get a nonce per session (derived from the CSRF cookie),
# as Rails does for Turbo, instead of one per response.
SESSION_NONCE_PREFIXES = ("/turbo", "/htmx")


def content_security_policy(*, nonce: str, frameable: bool, strict_dynamic: bool = False) -> str:
    """The policy of every page: scripts only with this response's nonce.

    `strict_dynamic` lets scripts a nonced script inserts run too: a consent
    manager that re-creates the widget's script tag (Klaro) loses the nonce.
    """
    ancestors = "'self'" if frameable else "'none'"
    dynamic = " 'strict-dynamic'" if strict_dynamic else ""
    return (
        f"default-src 'self'; script-src 'nonce-{nonce}'{dynamic}; "
        f"style-src 'self' 'nonce-{nonce}'; "
        f"img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'; "
        f"form-action 'self'; frame-ancestors {ancestors}"
    )


def session_nonce(*, secret: bytes, cookie: str) -> str:
    """A nonce that stays the same for one browser session (its CSRF cookie)."""
    digest = hmac.new(secret, b"csp-nonce:" + cookie.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def csrf_token(*, secret: bytes, cookie: str) -> str:
    """The form token that goes with a CSRF cookie."""
    return hmac.new(secret, cookie.encode(), hashlib.sha256).hexdigest()


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


def _cookie(scope: Scope) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(_header(scope, b"cookie"))
    except Exception:  # a malformed Cookie header is treated as none
        return None
    morsel = jar.get(CSRF_COOKIE)
    return None if morsel is None or len(morsel.value) != 43 else morsel.value


class SecurityHeaders:
    """Adds the headers to every HTTP response and refuses forged form posts."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        secret: bytes,
        on_forbidden: ASGIApp,
        csrf_exempt: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.secret = secret
        self.on_forbidden = on_forbidden
        # Path prefixes of APIs that authenticate with a header, never a cookie:
        # a cross-site form has no credentials to borrow there.
        self.csrf_exempt = csrf_exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = _cookie(scope)
        new_cookie = cookie is None
        if cookie is None:
            cookie = secrets.token_urlsafe(32)
        if scope["path"].startswith(SESSION_NONCE_PREFIXES):
            nonce = session_nonce(secret=self.secret, cookie=cookie)
        else:
            nonce = secrets.token_urlsafe(18)
        state = scope.setdefault("state", {})
        state["csp_nonce"] = nonce
        state["csrf_token"] = csrf_token(secret=self.secret, cookie=cookie)
        frameable = scope["path"].startswith(FRAMEABLE_PREFIX)
        headers = [
            (b"x-content-type-options", "nosniff"),
            (b"referrer-policy", "strict-origin-when-cross-origin"),
        ]
        if not frameable:
            # For browsers that predate frame-ancestors.
            headers.append((b"x-frame-options", "DENY"))
        if new_cookie:
            headers.append(
                (
                    b"set-cookie",
                    f"{CSRF_COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Strict",
                )
            )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Built now: the page may have asked for 'strict-dynamic'.
                policy = content_security_policy(
                    nonce=nonce,
                    frameable=frameable,
                    strict_dynamic=bool(state.get("csp_strict_dynamic")),
                )
                headers.append((b"content-security-policy", policy))
                own = message.get("headers", [])
                # A header the app set itself wins: a page's own policy (with
                # its own nonce) must not be joined by a second one, which would
                # block that nonce; the API's own nosniff must not be doubled.
                present = {bytes(name).lower() for name, _ in own}
                message["headers"] = [
                    *own,
                    *(
                        (name, value.encode("latin-1"))
                        for name, value in headers
                        if name not in present
                    ),
                ]
            await send(message)

        exempt = scope["path"].startswith(self.csrf_exempt) if self.csrf_exempt else False
        if scope["method"] not in SAFE_METHODS and not exempt:
            checked = await self._checked_body(scope, receive, expected=state["csrf_token"])
            if checked is None:
                await self.on_forbidden(scope, receive, send_with_headers)
                return
            receive = checked
        await self.app(scope, receive, send_with_headers)

    async def _checked_body(
        self, scope: Scope, receive: Receive, *, expected: str
    ) -> Receive | None:
        """A replay of the request body when its CSRF token is right; None when forged."""
        content_type = _header(scope, b"content-type").split(";")[0].strip().lower()
        if content_type not in FORM_TYPES:
            # JSON and the REST API's own types: a cross-site form cannot send them,
            # and the REST API authenticates with a header, not a cookie.
            return receive
        if content_type != FORM_TYPES[0]:
            return None  # the demo's forms never send these
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_FORM_BYTES:
                return None
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        given = parse_qs(body.decode("latin-1")).get(CSRF_FIELD, [""])[0]
        if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
            return None
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay
