"""`AutoEmbedMiddleware`: the widget inserted into every HTML page of an ASGI app.

    app = Starlette(routes=..., middleware=[
        Middleware(GZipMiddleware),          # outside: compresses the result
        Middleware(AutoEmbedMiddleware, widget=widget, params=user_params),
    ])

A pure ASGI middleware (not Starlette's `BaseHTTPMiddleware`, which has
truncated file responses): it holds back `http.response.start` until it sees
the first body message, and passes anything streamed (more than one body
message) through untouched, never buffered. The rules are `cswidget.autoembed`'s.

The callables get the ASGI scope (with Starlette: `Request(scope)`). The CSP
nonce defaults to `scope["state"]["csp_nonce"]` (Starlette's
`request.state.csp_nonce`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .autoembed import AutoEmbed, embedded, skip_reason
from .bodyend import require_parser
from .consent import Consent
from .sampling import SampleKey
from .widget import Widget

__all__ = ["AutoEmbedMiddleware", "Scope", "state_nonce"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def state_nonce(scope: Scope) -> str | None:
    """`scope["state"]["csp_nonce"]` (Starlette's `request.state.csp_nonce`), or None."""
    state = scope.get("state")
    nonce = state.get("csp_nonce") if isinstance(state, MutableMapping) else None
    return None if nonce is None else str(nonce)


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


class AutoEmbedMiddleware:
    """Inserts `widget.embed(params(scope), ...)` before the `</body>` end tag
    that ends each 2xx `text/html` page's body (never one inside a script,
    style or comment); see `cswidget.autoembed` for when not. Needs the
    `autoembed` extra (selectolax): without it, raises `ModuleNotFoundError`
    when made.

    `enabled(scope)` is the off switch (default: always on); `nonce(scope)`
    the CSP nonce (default `state_nonce`).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        widget: Widget,
        params: Callable[[Scope], Any] | None = None,
        enabled: Callable[[Scope], bool] | None = None,
        nonce: Callable[[Scope], str | None] = state_nonce,
        consent: str | Consent | None = None,
        defer: bool = False,
        sample: float | None = None,
        sample_key: Callable[[Scope], SampleKey | None] | None = None,
        eligible: Callable[[Scope], bool] | None = None,
    ) -> None:
        require_parser()
        self.app = app
        self.rules: AutoEmbed[Scope] = AutoEmbed(
            widget=widget,
            params=params,
            nonce=nonce,
            consent=consent,
            defer=defer,
            sample=sample,
            sample_key=sample_key,
            eligible=eligible,
            **({} if enabled is None else {"enabled": enabled}),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method", "GET").upper() == "HEAD":
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        passing = False

        async def send_wrapper(message: Message) -> None:
            nonlocal held, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                reason = skip_reason(
                    method=scope.get("method", "GET"),
                    status=message["status"],
                    content_type=_header(headers, b"content-type"),
                    content_encoding=_header(headers, b"content-encoding"),
                )
                if reason is not None:
                    passing = True
                    await send(message)
                else:
                    held = message
                return
            if held is None:
                # Before the response starts (an extension's message): not ours.
                await send(message)
                return
            passing = True
            if message["type"] != "http.response.body" or message.get("more_body", False):
                # Streamed (or sent some other way): passed on as it comes.
                await send(held)
                await send(message)
                return
            start, body = self._with_widget(scope, held, message.get("body", b""))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_wrapper)

    def _with_widget(self, scope: Scope, start: Message, body: bytes) -> tuple[Message, bytes]:
        headers = list(start.get("headers", []))
        content_type = _header(headers, b"content-type")
        changed = embedded(body, content_type, lambda: self.rules.snippet(scope))
        if changed is None:
            return start, body
        length = str(len(changed)).encode("ascii")
        fixed = [
            (key, length if key.lower() == b"content-length" else value) for key, value in headers
        ]
        return {**start, "headers": fixed}, changed
