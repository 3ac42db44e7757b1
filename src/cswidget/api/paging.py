"""Lists, one page at a time: iterators that follow the `Link` header.

    for response in client.feedback_responses.list(per_page=100):
        ...                       # the next page is fetched when this one is used up

    async for response in async_client.feedback_responses.list():
        ...

Only one page is held in memory. `total_count` is the `X-Total-Count` of
the first page fetched: None until iteration has started.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Generic, TypeVar

from .base import Page

__all__ = ["AsyncPaginator", "Paginator"]

T = TypeVar("T")


class Paginator(Generic[T]):
    """The items of a list, page after page, fetched lazily."""

    def __init__(self, fetch: Callable[[str | None], Page[T]]) -> None:
        self._fetch = fetch
        self.total_count: int | None = None

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[T]]:
        """The pages themselves, for callers that work a page at a time."""
        url: str | None = None
        while True:
            page = self._fetch(url)
            if self.total_count is None:
                self.total_count = page.total_count
            yield page
            # An empty page or a link back to itself would loop for ever.
            if page.next_url is None or not page.items or page.next_url == url:
                return
            url = page.next_url


class AsyncPaginator(Generic[T]):
    """The items of a list, page after page, fetched lazily: `async for`."""

    def __init__(self, fetch: Callable[[str | None], Awaitable[Page[T]]]) -> None:
        self._fetch = fetch
        self.total_count: int | None = None

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[T]]:
        """The pages themselves, for callers that work a page at a time."""
        url: str | None = None
        while True:
            page = await self._fetch(url)
            if self.total_count is None:
                self.total_count = page.total_count
            yield page
            # An empty page or a link back to itself would loop for ever.
            if page.next_url is None or not page.items or page.next_url == url:
                return
            url = page.next_url
