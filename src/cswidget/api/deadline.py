"""A deadline for one whole attempt of an API call, under httpx.

httpx's timeout bounds each network operation (connecting, one read, one
write), never a request as a whole: a server that sends one byte a second
is never timed out, and one that drips its headers holds the call for as
long as it likes. Here the client gives each attempt a deadline:

    with attempt_deadline(30.0) as deadline:
        response = http.send(request, stream=True)  # connect, headers, redirects
        for chunk in response.iter_bytes():
            deadline.check(request)                  # between chunks, for any transport

`install(client)` puts a network backend under an httpx client's own
transports (the default one, one you pass, and those httpx makes for the
proxies the environment names) that gives every socket operation only the
time left before the deadline,
so a read that would outlast it times out when it passes (httpx's own
`ReadTimeout`, as any read timeout). A transport that is not httpx's (an
`httpx.MockTransport`) keeps `Deadline.check` between chunks.

httpx offers no public way to choose its transport's network backend, so
`install` sets the connection pool's (`_transport`, `_mounts` and
`_pool._network_backend`, the same in httpx 0.27 to 0.29 and httpcore 1.x);
tests/test_api_bounds.py checks it took effect on every httpx the project
supports (noxfile.py's `oldest` leg runs it at the floor).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

__all__ = ["Deadline", "attempt_deadline", "install", "install_transport"]

# The monotonic time by which the current attempt must end, if any. A
# ContextVar: each thread and each asyncio task has its own attempt.
_DEADLINE: ContextVar[float | None] = ContextVar("cswidget_api_deadline", default=None)


@dataclass(frozen=True, slots=True)
class Deadline:
    """The end of one attempt, on the monotonic clock (None: no deadline)."""

    at: float | None

    def check(self, request: httpx.Request) -> None:
        """Raise httpx's `ReadTimeout` if the deadline has passed."""
        if self.at is not None and time.monotonic() >= self.at:
            raise httpx.ReadTimeout(
                "the whole request took longer than its timeout", request=request
            )


@contextmanager
def attempt_deadline(seconds: float | None) -> Iterator[Deadline]:
    """Everything inside must end within `seconds` (None: no deadline)."""
    deadline = Deadline(None if seconds is None else time.monotonic() + seconds)
    token = _DEADLINE.set(deadline.at)
    try:
        yield deadline
    finally:
        _DEADLINE.reset(token)


def _left(timeout: float | None, expired: type[Exception]) -> float | None:
    """`timeout` cut to the time left before the deadline; `expired` raised
    when none is left."""
    at = _DEADLINE.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise expired("the whole request took longer than its timeout")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(
            ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)
        )
        return _Stream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host,
            port,
            _left(timeout, httpcore.ConnectTimeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _Stream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(
            path, _left(timeout, httpcore.ConnectTimeout), socket_options=socket_options
        )
        return _Stream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._stream.start_tls(
            ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)
        )
        return _AsyncStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(
            host,
            port,
            _left(timeout, httpcore.ConnectTimeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(
            path, _left(timeout, httpcore.ConnectTimeout), socket_options=socket_options
        )
        return _AsyncStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def install(client: httpx.Client | httpx.AsyncClient) -> int:
    """Bound every socket operation of `client`'s transports by the attempt's
    deadline; how many transports are bounded (httpx's own ones)."""
    transports = [client._transport, *client._mounts.values()]
    return sum(install_transport(transport) for transport in transports if transport is not None)


def install_transport(transport: httpx.BaseTransport | httpx.AsyncBaseTransport) -> bool:
    """Bound every socket operation of `transport` by the attempt's deadline;
    False when `transport` is not httpx's own (nothing to bound)."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, _Backend | _AsyncBackend):
        return True
    if isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
    elif isinstance(backend, httpcore.AsyncNetworkBackend):
        pool._network_backend = _AsyncBackend(backend)  # type: ignore[union-attr]
    else:
        return False
    return True
