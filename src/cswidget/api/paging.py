"""Lists, one page at a time: iterators that follow the `Link` header.

    for response in client.feedback_responses.list(per_page=100):
        ...                       # the next page is fetched when this one is used up

    async for response in async_client.feedback_responses.list():
        ...

Only one page is held in memory. `total_count` is the `X-Total-Count` of
the first page fetched: None until iteration has started.

A list ends at a page without items or without a next link. A next link to
a page already fetched (a cycle, however long; URLs compare with their query
parameters in any order, and `page=1` as the first page, which the API
serves without it) raises `InvalidResponseError`,
and so many pages that the list passes `max_pages` (DEFAULT_MAX_PAGES)
raises `PageLimitError`: each after the items fetched so far were yielded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

import httpx

from .base import Page
from .errors import InvalidResponseError, PageLimitError
from .limits import DEFAULT_MAX_PAGES

__all__ = ["AsyncPaginator", "Paginator"]

T = TypeVar("T")


class _Route:
    """The pages a paginator fetched: where to go next, or why not."""

    def __init__(self, max_pages: int) -> None:
        self.max_pages = max_pages
        self.seen: set[str] = set()
        self.count = 0

    def next(self, requested: str | None, page: Page[Any]) -> str | None:
        """The URL of the page after `page` (fetched from `requested`, None
        for the first), or None at the end of the list."""
        self.count += 1
        self.seen.update(_page_key(url) for url in (requested, page.url) if url is not None)
        if page.next_url is None or not page.items:
            return None
        if _page_key(page.next_url) in self.seen:
            raise InvalidResponseError(
                f"Link: the next page {page.next_url} was fetched before "
                f"(page {self.count} links back): the list would never end"
            )
        if self.count >= self.max_pages:
            raise PageLimitError(
                f"the list has more than {self.max_pages} pages (max_pages); "
                "raise max_pages, or read it in parts"
            )
        return page.next_url


def _page_key(url: str) -> str:
    """A page's URL as paging compares it: the query in a fixed order, and
    without `page=1` (the page the API serves when none is named)."""
    parsed = httpx.URL(url)
    params = sorted(item for item in parsed.params.multi_items() if item != ("page", "1"))
    return str(parsed.copy_with(params=params))


class Paginator(Generic[T]):
    """The items of a list, page after page, fetched lazily."""

    def __init__(
        self, fetch: Callable[[str | None], Page[T]], *, max_pages: int = DEFAULT_MAX_PAGES
    ) -> None:
        self._fetch = fetch
        self.max_pages = max_pages
        self.total_count: int | None = None

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[T]]:
        """The pages themselves, for callers that work a page at a time."""
        route = _Route(self.max_pages)
        url: str | None = None
        while True:
            page = self._fetch(url)
            if self.total_count is None:
                self.total_count = page.total_count
            yield page
            url = route.next(url, page)
            if url is None:
                return


class AsyncPaginator(Generic[T]):
    """The items of a list, page after page, fetched lazily: `async for`."""

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[Page[T]]],
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        self._fetch = fetch
        self.max_pages = max_pages
        self.total_count: int | None = None

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[T]]:
        """The pages themselves, for callers that work a page at a time."""
        route = _Route(self.max_pages)
        url: str | None = None
        while True:
            page = await self._fetch(url)
            if self.total_count is None:
                self.total_count = page.total_count
            yield page
            url = route.next(url, page)
            if url is None:
                return
