"""`Client`: the CustomerSure API v1 over httpx, synchronous.

GENERATED from async_client.py by scripts/unasync_api.py: do not edit.

    from cswidget.api import Client

    with Client(token, user_agent="Acme Ltd") as client:
        for response in client.feedback_responses.list(created_since="2024-01-01"):
            print(response.id, response.fields["email"])
        print(client.metrics.nps(period="30-days").net_promoter_score)

Everything but sending and sleeping is shared by both clients (`base`,
`endpoints`, `models`, `retry`); this module only loops over attempts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Self, TypeVar

import httpx

from ..vocabulary import API_BASE_URL
from . import deadline
from .base import DEFAULT_TIMEOUT, BaseClient, Call, Page, with_body
from .limits import DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_BYTES
from .paging import Paginator
from .resources import (
    EmailTemplates,
    FeedbackRequests,
    FeedbackResponses,
    Metrics,
    Sites,
    StaffMembers,
    Surveys,
    TextMessageTemplates,
)
from .retry import DEFAULT_RETRY, RetryPolicy
from .routing import routed_transport

__all__ = ["Client"]

T = TypeVar("T")


class Client(BaseClient):
    """A client for the CustomerSure API v1; use it as a context manager.

    `user_agent` is required: the API refuses requests without one and asks
    for your company name. GETs are retried on 429, 502, 503, 504 and
    connection errors (`max_retries`, or a whole `retry=RetryPolicy(...)`);
    nothing else is. `transport` replaces the network (an
    `httpx.MockTransport` in tests); `sleep` and `clock` replace the waits
    between retries and the time `Retry-After` dates are measured from.

    What a server can make the client do is bounded: `timeout` is the most
    one attempt may take in all (connecting, sending, every redirect, the
    whole answer; an `httpx.Timeout` sets httpx's per-operation limits, and
    the largest of them bounds the attempt), `max_response_bytes` the size
    of an answer after decompression, `max_pages` the pages of one list.
    Past a limit the call raises `APITimeoutError`, `InvalidResponseError`
    or `PageLimitError`.
    """

    def __init__(
        self,
        token: str,
        *,
        user_agent: str,
        base_url: str = API_BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_RETRY.max_retries,
        retry: RetryPolicy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_pages: int = DEFAULT_MAX_PAGES,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(
            token,
            user_agent=user_agent,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            max_response_bytes=max_response_bytes,
            max_pages=max_pages,
            clock=clock,
        )
        if transport is None:  # cswidget.testing.sandbox() may stand in for the network
            transport = routed_transport(self.base_url, httpx.BaseTransport)
        self._http = httpx.Client(transport=transport, **self._http_options())
        # Every socket operation gets only what is left of the attempt.
        deadline.install(self._http)
        self._sleep = sleep or time.sleep
        self.feedback_requests = FeedbackRequests(self)
        self.feedback_responses = FeedbackResponses(self)
        self.metrics = Metrics(self)
        self.sites = Sites(self)
        self.staff = StaffMembers(self)
        self.surveys = Surveys(self)
        self.email_templates = EmailTemplates(self)
        self.text_message_templates = TextMessageTemplates(self)

    def close(self) -> None:
        """Close the connections; the client cannot be used afterwards."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _send(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self._attempt(request)
            except httpx.TransportError as error:
                delay = self._retry_delay_after_error(request, error, attempt)
            except httpx.RequestError as error:  # too many redirects, a body that will not decode
                raise self._failure(request, error) from error
            else:
                retry_delay = self._retry_delay(request, response, attempt)
                if retry_delay is None:
                    return response
                delay = retry_delay
            self._sleep(delay)
            attempt += 1

    def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One try: the request, its redirects and the whole answer, within
        the timeout and max_response_bytes."""
        with deadline.attempt_deadline(self._attempt_timeout) as until:
            sent = request
            response = self._http.send(sent, stream=True)
            redirects = 0
            while response.next_request is not None:
                # Not read: a redirect's body is never used.
                response.close()
                redirects += 1
                if redirects > self._http.max_redirects:
                    raise httpx.TooManyRedirects(
                        "Exceeded maximum allowed redirects.", request=sent
                    )
                until.check(sent)
                sent = response.next_request
                response = self._http.send(sent, stream=True)
            body = bytearray()
            try:
                if response.is_stream_consumed:  # it came whole (httpx.MockTransport)
                    self._take(body, response.content, None, response)
                else:
                    decompressor = self._decompressor(response)
                    for raw in response.iter_raw():
                        self._take(body, raw, decompressor, response)
                        until.check(sent)
            finally:
                response.close()
        return with_body(response, bytes(body))

    def _call(self, call: Call[T]) -> T:
        return self._result(call, self._send(self._request(call)))

    def _list(self, call: Call[T]) -> Paginator[T]:
        def fetch(link: str | None) -> Page[T]:
            request = self._request(call, self._page_url(link) if link else None)
            return self._page(call, self._send(request))

        return Paginator(fetch, max_pages=self.max_pages)
