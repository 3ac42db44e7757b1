"""`sandbox()`: a CustomerSure account in process, for the length of a block.

    from datetime import timedelta
    from cswidget.api import Client
    from cswidget.testing import sandbox

    with sandbox(seed="demo") as customersure:
        client = Client("any token", user_agent="Acme Ltd")  # routed to the sandbox
        request = client.feedback_requests.create(
            email="kate@example.com", survey_id=1484, email_template_id=10,
            send_at=customersure.clock.now() + timedelta(days=1),
        )
        customersure.clock.advance(timedelta(days=1))  # the request is sent
        customersure.respond(request, answers={14841: 9})  # NPS 9 on survey 1484

Inside the block every `cswidget.api.Client` and `AsyncClient` built
without `transport=`, anywhere (another module, a worker thread), whatever
its `base_url`, talks to the sandbox (`cswidget.sandbox`, the REST API v1
on SQLite) through its ASGI app: no network, no port. Outside it nothing is
changed. Clients built before the block are not routed (they were built for
the network); clients built inside refuse to send once the block has ended.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Final, Self, TypeVar, cast

import httpx
from starlette.applications import Starlette

from ..api import AsyncClient, Client, FeedbackRequest, FeedbackResponse
from ..api.routing import route_clients_to, stop_routing_to
from ..api_rules import format_timestamp
from ..errors import FieldError, ValidationError
from ..sandbox import DEFAULT_TOKEN, create_app
from ..sandbox.answers import checked_answers
from ..sandbox.http import presented_token
from ..sandbox.storage import Store
from ..sandbox.survey_page import PREFIX, file_response
from ..vocabulary import (
    ALLOWED_VALUES,
    API_BASE_URL,
    AUTHORIZATION_SCHEME,
    INVALID_VALUE,
    MAX_PER_PAGE,
    MESSAGE,
)
from .form_values import form_values
from .prepared import fresh_store
from .transports import ASGIApp, AsyncSandboxTransport, SandboxTransport

__all__ = ["Clock", "Sandbox", "sandbox"]

T = TypeVar("T", httpx.BaseTransport, httpx.AsyncBaseTransport)

# The User-Agent of the handle's own clients (the API requires one).
USER_AGENT: Final = "cswidget.testing"
# The API's own list filters, per resource: everything else is an attribute.
FEEDBACK_REQUEST_FILTERS: Final = ("state",)
FEEDBACK_RESPONSE_FILTERS: Final = (
    "created_since",
    "updated_since",
    "email",
    "survey_ids",
    "site_ids",
    "staff_ids",
)
_ENDED: Final = (
    "this cswidget.api client was built inside a cswidget.testing.sandbox() block that has "
    "ended; build clients inside the block (or the test using the fixture)"
)


def sandbox(
    *,
    seed: str | None = "demo",
    now: datetime | None = None,
    token: str | None = None,
    base_url: str = API_BASE_URL,
) -> Sandbox:
    """A sandboxed CustomerSure account for a `with` (or `async with`) block.

        with sandbox(seed="demo", now=datetime(2024, 5, 1, 9, tzinfo=UTC)) as customersure:
            nps = customersure.client.metrics.nps(period="30-days")

    `seed`: "demo" (the demo account and 120 days of feedback), "account"
    (the same account, no feedback yet) or None (an empty database).
    `now`: where the clock starts (naive means UTC); default the real time
    on entry. The clock stays there until `clock.advance()` or `clock.set()`.
    `token`: the only token accepted (others get the API's 401); by default
    any token is, as moto accepts any credentials. `base_url`: the URL the
    sandbox answers as, in `Link` headers and feedback request links.
    """
    return Sandbox(seed=seed, now=now, token=token, base_url=base_url)


def _utc(moment: datetime) -> datetime:
    # Naive means UTC, as everywhere in cswidget.api; the API counts seconds.
    aware = moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment
    return aware.astimezone(UTC).replace(microsecond=0)


class _SandboxApp:
    """The ASGI app a block's clients reach: the sandbox's current app (a
    new one after `reset()`), any well-formed token accepted unless one was
    required, and nothing at all once the block has ended."""

    def __init__(self, *, any_token: bool, token: str) -> None:
        self.inner: Starlette | None = None
        self.any_token = any_token
        self._authorization = f'{AUTHORIZATION_SCHEME} token="{token}"'.encode("latin-1")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        inner = self.inner
        if inner is None:
            raise RuntimeError(_ENDED)
        if scope["type"] == "http" and self.any_token:
            scope = {**scope, "headers": self._with_token(scope["headers"])}
        await inner(scope, receive, send)

    def _with_token(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        # A token in the API's syntax is the sandbox's; no token, or a
        # malformed header, still gets the API's 401.
        result = []
        for name, value in headers:
            if name.lower() == b"authorization" and presented_token(
                {"authorization": value.decode("latin-1")}
            ):
                value = self._authorization
            result.append((name, value))
        return result


class Clock:
    """The sandbox's clock: frozen, moved only by `advance()` and `set()`.

        customersure.clock.advance(timedelta(days=2))  # requests due by then are sent

    Moving it past a feedback request's `send_at` sends the request (state
    `sent`, `sent_at` its `send_at`), and past a reminder's `send_at` sends
    the reminder (its `sent_at`; a customer who replied is not reminded),
    as the service does. Moving it back sends nothing and unsends nothing.
    """

    def __init__(self, owner: Sandbox) -> None:
        self._owner = owner

    def now(self) -> datetime:
        """The sandbox's time: aware, UTC, whole seconds."""
        return self._owner._running().clock_now

    def set(self, moment: datetime) -> datetime:
        """Move to `moment` (naive means UTC), forward or back; the new time."""
        running = self._owner._running()
        running.clock_now = _utc(moment)
        running.app.state.sandbox.frozen_now = running.clock_now
        running.store.send_due(format_timestamp(running.clock_now))
        return running.clock_now

    def advance(self, delta: timedelta) -> datetime:
        """Move by `delta` (negative moves back); the new time."""
        return self.set(self.now() + delta)


class _Running:
    """What one block holds while it runs."""

    def __init__(self, *, store: Store, app: Starlette, clock_now: datetime) -> None:
        self.store = store
        self.app = app
        self.clock_now = clock_now
        self.client: Client | None = None
        self.async_client: AsyncClient | None = None


class Sandbox:
    """The handle `sandbox()` (and the `customersure` fixtures) give: plain
    methods, for sync and async tests alike.

        request = customersure.feedback_requests(state="pending")[0]
        customersure.clock.advance(timedelta(days=7))
        response = customersure.respond(request, answers={14841: 10})
        assert customersure.client.metrics.nps(period="7-days").total_number_of_ratings
    """

    def __init__(
        self,
        *,
        seed: str | None = "demo",
        now: datetime | None = None,
        token: str | None = None,
        base_url: str = API_BASE_URL,
    ) -> None:
        self.seed = seed
        """The seed the sandbox starts from (and `reset()` returns to)."""
        self._now = None if now is None else _utc(now)
        self.token = DEFAULT_TOKEN if token is None else token
        """The token `.client` and `.async_client` send."""
        self.base_url = base_url.rstrip("/")
        """The URL the sandbox answers as, in `Link` headers and links."""
        # One per block: what a block's clients reach refuses once it ends,
        # even if the handle is entered again.
        self._app = _SandboxApp(any_token=token is None, token=self.token)
        self.clock = Clock(self)
        self._state: _Running | None = None
        # Where this block's clock started: `reset()` goes back there.
        self._started_at = self._now

    # --- the block -------------------------------------------------------

    def __enter__(self) -> Self:
        if self._state is not None:
            raise RuntimeError("this cswidget.testing.sandbox() is already running")
        clock_now = self._now or _utc(datetime.now(UTC))
        self._started_at = clock_now
        self._app = _SandboxApp(any_token=self._app.any_token, token=self.token)
        self._state = self._fresh(clock_now)
        route_clients_to(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        state = self._state
        if state is None:
            return
        stop_routing_to(self)
        self._state = None
        self._app.inner = None
        if state.client is not None:
            state.client.close()
        # An AsyncClient can only be closed on a loop; its transport holds
        # nothing and now refuses to send, so nothing is left open.
        state.store.close()

    async def __aenter__(self) -> Self:
        return self.__enter__()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        state = self._state
        if state is not None and state.async_client is not None:
            await state.async_client.close()
            state.async_client = None
        self.__exit__(kind, error, traceback)

    def _fresh(self, clock_now: datetime) -> _Running:
        store = fresh_store(seed=self.seed, now=self._now, clock=clock_now)
        store.link_base = self.base_url
        # In process, one caller at a time: database work on the loop, with
        # no hop to a thread and back (create_app's threads=False).
        app = create_app(
            db=store, token=self.token, base_url=self.base_url, now=clock_now, threads=False
        )
        self._app.inner = app
        return _Running(store=store, app=app, clock_now=clock_now)

    @property
    def app(self) -> ASGIApp:
        """The sandbox's ASGI app, to mount beside your own app (the same one
        after `reset()`)."""
        self._running()
        return self._app

    def _running(self) -> _Running:
        if self._state is None:
            raise RuntimeError(
                "the cswidget.testing sandbox is not running: use it inside its with block"
            )
        return self._state

    def transport(self, base_url: httpx.URL, kind: type[T]) -> T:
        """A transport to this sandbox for a client of `base_url` (for
        `cswidget.api.routing`, which asks for each client built inside)."""
        prefix = base_url.path.rstrip("/")
        if kind is httpx.AsyncBaseTransport:
            return cast(T, AsyncSandboxTransport(self.app, prefix=prefix))
        return cast(T, SandboxTransport(self.app, prefix=prefix))

    # --- clients ---------------------------------------------------------

    @property
    def client(self) -> Client:
        """A `cswidget.api.Client` for this sandbox, closed with the block."""
        state = self._running()
        if state.client is None:
            state.client = Client(
                self.token,
                user_agent=USER_AGENT,
                base_url=self.base_url,
                transport=SandboxTransport(self.app),
            )
        return state.client

    @property
    def async_client(self) -> AsyncClient:
        """A `cswidget.api.AsyncClient` for this sandbox."""
        state = self._running()
        if state.async_client is None:
            state.async_client = AsyncClient(
                self.token,
                user_agent=USER_AGENT,
                base_url=self.base_url,
                transport=AsyncSandboxTransport(self.app),
            )
        return state.async_client

    # --- playing the customer, and looking ------------------------------

    def respond(
        self,
        feedback_request: FeedbackRequest | int,
        *,
        answers: Mapping[int | str, object],
        submitted_at: datetime | None = None,
    ) -> FeedbackResponse:
        """Answer a sent feedback request's survey as its customer would, on
        the survey page its link opens; the response, as the API returns it.

            response = customersure.respond(request, answers={
                "How likely are you to recommend us to a friend?": 9,  # a rating: an int
                14843: "Billing",                                      # by question id
            })

        The response carries the request's customer, reference and data, and
        `GET /feedback_responses` and the metrics count it. Raises
        `cswidget.ValidationError` for an answer the page refuses (a rating
        off its scale, an option the question does not offer, ...) and for a
        request not sent yet (move the clock past its `send_at`).
        """
        state = self._running()
        store = state.store
        request_id = (
            feedback_request
            if isinstance(feedback_request, int)
            else int(feedback_request.id)  # the given object may be stale: read it again
        )
        current = store.feedback_request(request_id)
        if current is None:
            raise LookupError(f"no feedback request {request_id} in this sandbox")
        resource = PREFIX + store.link_token(request_id)
        if current.state != "sent":
            raise ValidationError(
                [
                    FieldError(
                        f"/feedback_requests/{request_id}",
                        "state",
                        INVALID_VALUE,
                        {
                            ALLOWED_VALUES: ["sent"],
                            MESSAGE: f"{current.state}: not sent yet (send_at "
                            f"{format_timestamp(current.send_at)}, clock "
                            f"{format_timestamp(state.clock_now)}); advance the clock",
                        },
                    )
                ]
            )
        questions = store.questions(current.survey_id)
        answered = checked_answers(
            questions, form_values(questions, answers, resource=resource), resource=resource
        )
        when = state.clock_now if submitted_at is None else _utc(submitted_at)
        response_id = file_response(
            store, feedback_request=current, answers=answered, now=format_timestamp(when)
        )
        response = store.feedback_response(response_id)
        assert response is not None
        return response

    def feedback_requests(self, **filters: object) -> list[FeedbackRequest]:
        """Every feedback request the sandbox holds (the seed's included),
        newest first, as `client.feedback_requests.list()` returns them.

            customersure.feedback_requests(state="pending", email="kate@example.com")

        `state` is the API's own filter; any other keyword is an attribute
        the request must equal.
        """
        api, attributes = _split(filters, FEEDBACK_REQUEST_FILTERS, FeedbackRequest)
        found = self.client.feedback_requests.list(per_page=MAX_PER_PAGE, **api)
        return [item for item in found if _matches(item, attributes)]

    def responses(self, **filters: object) -> list[FeedbackResponse]:
        """Every feedback response the sandbox holds (the seed's included),
        newest first, as `client.feedback_responses.list()` returns them.

            customersure.responses(email="kate@example.com", survey_ids=[1484])

        `created_since`, `updated_since`, `email`, `survey_ids`, `site_ids`
        and `staff_ids` are the API's own filters; any other keyword is an
        attribute the response must equal (`reference="INV-2090"`).
        """
        api, attributes = _split(filters, FEEDBACK_RESPONSE_FILTERS, FeedbackResponse)
        found = self.client.feedback_responses.list(per_page=MAX_PER_PAGE, **api)
        return [item for item in found if _matches(item, attributes)]

    def reset(self) -> None:
        """Back to the seeded state: the seed's data only, the clock where it started."""
        state = self._running()
        fresh = self._fresh(self._started_at or state.clock_now)
        fresh.client, fresh.async_client = state.client, state.async_client
        self._state = fresh
        state.store.close()


def _split(
    filters: Mapping[str, object], api_names: tuple[str, ...], model: type[Any]
) -> tuple[dict[str, Any], dict[str, object]]:
    fields: tuple[str, ...] = model.__struct_fields__
    unknown = sorted(name for name in filters if name not in api_names and name not in fields)
    if unknown:
        raise TypeError(
            f"{model.__name__} has no filter or attribute {', '.join(map(repr, unknown))}; "
            f"filters: {', '.join(api_names)}; attributes: {', '.join(fields)}"
        )
    api = {name: value for name, value in filters.items() if name in api_names}
    attributes = {name: value for name, value in filters.items() if name not in api_names}
    return api, attributes


def _matches(item: object, attributes: Mapping[str, object]) -> bool:
    return all(getattr(item, name) == value for name, value in attributes.items())
