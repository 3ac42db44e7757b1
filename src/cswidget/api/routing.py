"""Where a client built without `transport=` sends its requests: the network,
or the stand-in `cswidget.testing.sandbox()` puts in place while it runs.

    route_clients_to(router)             # cswidget.testing, entering its block
    Client(token, user_agent="Acme Ltd")  # sends through router.transport(...)
    stop_routing_to(router)              # leaving it

Clients ask once, when they are built, and only when no `transport=` was
given; outside a block the whole cost is one look at an empty list, and the
client is exactly what it would be without this module. The slot is
process-wide, not per thread, so a client built in a worker thread inside a
block is routed too (as moto does); blocks nest (the innermost routes) and
may end in any order.
"""

from __future__ import annotations

import threading
from typing import Protocol, TypeVar

import httpx

__all__ = ["Router", "route_clients_to", "routed_transport", "stop_routing_to"]

T = TypeVar("T", httpx.BaseTransport, httpx.AsyncBaseTransport)


class Router(Protocol):
    """What takes the clients built while it routes."""

    def transport(self, base_url: httpx.URL, kind: type[T]) -> T:
        """A transport of `kind` (sync or async) for a client of `base_url`."""
        ...


_routers: list[Router] = []
_lock = threading.Lock()


def route_clients_to(router: Router) -> None:
    """Send every client built from now on (without `transport=`) to `router`."""
    with _lock:
        _routers.append(router)


def stop_routing_to(router: Router) -> None:
    """Stop routing to `router`; clients built from now on go where they went before."""
    with _lock:
        # By identity, wherever it is in the stack: blocks may end out of order.
        _routers[:] = [entry for entry in _routers if entry is not router]


def routed_transport(base_url: httpx.URL, kind: type[T]) -> T | None:
    """The transport a client of `base_url` built now uses instead of the
    network, or None (no block is running)."""
    if not _routers:
        return None
    with _lock:
        router = _routers[-1] if _routers else None
    return None if router is None else router.transport(base_url, kind)
