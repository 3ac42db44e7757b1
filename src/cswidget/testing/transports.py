"""How clients inside a `cswidget.testing.sandbox()` block reach it: httpx
transports that hand each request to the sandbox's ASGI app, in process.

    transport = AsyncSandboxTransport(app, prefix="/api")   # for AsyncClient
    transport = SandboxTransport(app, prefix="/api")        # for Client

Async clients run the app on their own event loop (httpx's ASGITransport).
A sync client runs it on an event loop of its thread's own, kept for the
thread's life; where the thread already runs a loop (a sync client inside an
async test), it cannot block that loop's thread on a loop of its own, so it
hands the request to one loop kept in a daemon thread for the whole process
and waits. (Handing every request to that thread cost about 3 ms a request
on this project's 2-CPU test machine, measured: more than the request.) No
port and no network socket: requests are Python calls, and the only sockets
are the Unix pair each asyncio event loop wakes itself with.

`prefix` is the path of the client's base URL (`https://host/api`), taken
off each request so the sandbox sees its own paths; paging links that
already lack it pass as they are.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any, TypeVar

import httpx

__all__ = ["AsyncSandboxTransport", "SandboxTransport", "run_on_loop"]

T = TypeVar("T")
ASGIApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[MutableMapping[str, Any]]],
        Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ],
    Awaitable[None],
]


def _local(request: httpx.Request, prefix: str) -> httpx.Request:
    """`request` addressed to the sandbox's own path (without `prefix`)."""
    path = request.url.path
    if not prefix or not (path == prefix or path.startswith(prefix + "/")):
        return request
    return httpx.Request(
        request.method,
        request.url.copy_with(path=path[len(prefix) :] or "/"),
        headers=request.headers,
        stream=request.stream,
        extensions=request.extensions,
    )


class AsyncSandboxTransport(httpx.AsyncBaseTransport):
    """An `AsyncClient`'s way to the sandbox app, on the client's own loop."""

    def __init__(self, app: ASGIApp, *, prefix: str = "") -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._prefix = prefix

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._asgi.handle_async_request(_local(request, self._prefix))


class SandboxTransport(httpx.BaseTransport):
    """A `Client`'s way to the sandbox app, on an event loop of its thread's
    own (or the shared one, where its thread already runs a loop)."""

    def __init__(self, app: ASGIApp, *, prefix: str = "") -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._prefix = prefix

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # Read here, in the caller's thread: a sync body cannot be read from
        # the loop. Read, it is a ByteStream, which async code can read too.
        request.read()
        status, headers, content = run_on_loop(self._exchange(_local(request, self._prefix)))
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(content))

    async def _exchange(self, request: httpx.Request) -> tuple[int, httpx.Headers, bytes]:
        response = await self._asgi.handle_async_request(request)
        return response.status_code, response.headers, await response.aread()


class _ThreadLoop:
    """A thread's own event loop, closed when the thread's locals go."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        self.loop.close()


_thread_loops = threading.local()
_loop: asyncio.AbstractEventLoop | None = None
_loop_thread: threading.Thread | None = None
_loop_lock = threading.Lock()


def run_on_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to its end from sync code, and return its result (or raise)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        own: _ThreadLoop | None = getattr(_thread_loops, "own", None)
        if own is None:
            own = _thread_loops.own = _ThreadLoop()
        return own.loop.run_until_complete(coroutine)
    return _run_on_shared_loop(coroutine)


def _run_on_shared_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` on the process's sandbox loop and wait for it.

    The loop runs in a daemon thread, started once: it never holds up the
    interpreter's exit, as a thread pool's worker (anyio's blocking portal
    included) would if nothing stopped it.
    """
    global _loop, _loop_thread
    with _loop_lock:
        if _loop is None:
            loop = asyncio.new_event_loop()
            _loop_thread = threading.Thread(
                target=loop.run_forever, name="cswidget.testing sandbox loop", daemon=True
            )
            _loop_thread.start()
            _loop = loop
        loop = _loop
    if threading.current_thread() is _loop_thread:
        coroutine.close()
        # It would wait for itself forever.
        raise RuntimeError("a sync cswidget.api.Client cannot be used from inside the sandbox")
    return asyncio.run_coroutine_threadsafe(coroutine, loop).result()
