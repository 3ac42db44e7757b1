"""Run one API scenario through `Client` and through `AsyncClient`.

A test writes its scenario once, as a function of a client; `Twin` runs it
with the sync client or inside `run_async` with the async one, awaiting
what needs awaiting and collecting lists, so every assertion holds for both.
Retries sleep on a fake clock: `twin.sleeps` records the waits, none is real.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

import httpx

from cswidget.api import AsyncClient, AsyncPaginator, Client, Paginator

BASE_URL = "https://api.customersure.test"
TOKEN = "ec76c296df321768ba4cc41a445bfb6f"
USER_AGENT = "Acme Ltd"
NOW = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
MODES = ("sync", "async")


def run_async(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """`asyncio.run(coroutine)` in a thread of its own: Playwright's sync API,
    used by the browser tests in the same session, keeps an event loop
    running in the main thread, where asyncio.run refuses to start."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class Listed(list[Any]):
    """A list's items, with the paginator's total_count after iterating."""

    total_count: int | None = None


class Twin:
    def __init__(
        self,
        mode: str,
        handler: Callable[[httpx.Request], httpx.Response],
        **options: Any,
    ) -> None:
        self.mode = mode
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self.options = {
            "user_agent": USER_AGENT,
            "base_url": BASE_URL,
            "clock": lambda: NOW,
            **options,
        }

        def record(request: httpx.Request) -> httpx.Response:
            request.read()
            self.requests.append(request)
            return handler(request)

        self.transport = httpx.MockTransport(record)

    def __call__(self, scenario: Callable[[Any], Any]) -> Any:
        if self.mode == "sync":
            with Client(
                TOKEN, transport=self.transport, sleep=self.sleeps.append, **self.options
            ) as client:
                return _settle(scenario(client))
        return run_async(self._run_async(scenario))

    async def _run_async(self, scenario: Callable[[Any], Any]) -> Any:
        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        async with AsyncClient(
            TOKEN, transport=self.transport, sleep=sleep, **self.options
        ) as client:
            result = scenario(client)
            if inspect.isawaitable(result):
                return await result
            if isinstance(result, AsyncPaginator):
                items = Listed([item async for item in result])
                items.total_count = result.total_count
                return items
            return result


def _settle(result: Any) -> Any:
    if isinstance(result, Paginator):
        items = Listed(result)
        items.total_count = result.total_count
        return items
    return result


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status,
        json=body,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
