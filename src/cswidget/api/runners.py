"""What a resource needs from its client: to run one call, or a list.

`Client` and `AsyncClient` both fit; the resources depend on these
protocols, not on the clients, so nothing imports in a circle.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from .base import Call
from .paging import AsyncPaginator, Paginator

__all__ = ["AsyncRunner", "Runner"]

T = TypeVar("T")


class Runner(Protocol):
    def _call(self, call: Call[T]) -> T: ...

    def _list(self, call: Call[T]) -> Paginator[T]: ...


class AsyncRunner(Protocol):
    async def _call(self, call: Call[T]) -> T: ...

    def _list(self, call: Call[T]) -> AsyncPaginator[T]: ...
