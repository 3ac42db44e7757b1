"""The async client's resources: `AsyncClient().sites`, `.metrics`, ...

Each method only builds its call (`endpoints`) and hands it to the client,
so the two clients differ in nothing but the I/O. The sync twin,
resources.py, is generated from this file by scripts/unasync_api.py.
"""

from __future__ import annotations

from typing import Unpack

from . import endpoints
from .endpoints import (
    FeedbackRequestCreate,
    FeedbackRequestFilters,
    FeedbackResponseFilters,
    MetricFilters,
    PageFilters,
    SiteCreate,
    SiteUpdate,
    StaffFilters,
)
from .models import (
    CSAT,
    NPS,
    EmailTemplate,
    FeedbackRequest,
    FeedbackResponse,
    ResponseRate,
    Site,
    Staff,
    Survey,
    TextMessageTemplate,
)
from .paging import AsyncPaginator
from .runners import AsyncRunner

__all__ = [
    "AsyncEmailTemplates",
    "AsyncFeedbackRequests",
    "AsyncFeedbackResponses",
    "AsyncMetrics",
    "AsyncSites",
    "AsyncStaffMembers",
    "AsyncSurveys",
    "AsyncTextMessageTemplates",
]


class AsyncFeedbackRequests:
    """`client.feedback_requests`: create, list and get feedback requests."""

    def __init__(self, client: AsyncRunner) -> None:
        self._client = client

    async def create(self, **params: Unpack[FeedbackRequestCreate]) -> FeedbackRequest:
        """Schedule a feedback request (`POST /feedback_requests`); never retried.

        `data=` takes a `SurveyParams` (the widget's), a mapping or a list of
        (key, value) pairs. Checked before sending: raises
        `cswidget.ValidationError` and sends nothing if the API would refuse it.
        """
        return await self._client._call(endpoints.create_feedback_request(params))

    def list(self, **filters: Unpack[FeedbackRequestFilters]) -> AsyncPaginator[FeedbackRequest]:
        """Feedback requests, optionally by `state` ("pending", "sent", "not_sent")."""
        return self._client._list(endpoints.list_feedback_requests(filters))

    async def get(self, id: int | str) -> FeedbackRequest:
        """The feedback request with this id; `NotFoundError` if there is none."""
        return await self._client._call(endpoints.get_feedback_request(id))


class AsyncFeedbackResponses:
    """`client.feedback_responses`: read the feedback customers gave."""

    def __init__(self, client: AsyncRunner) -> None:
        self._client = client

    async def get(self, id: int | str) -> FeedbackResponse:
        """The feedback response with this id; `NotFoundError` if there is none."""
        return await self._client._call(endpoints.get_feedback_response(id))

    def list(self, **filters: Unpack[FeedbackResponseFilters]) -> AsyncPaginator[FeedbackResponse]:
        """Feedback responses, newest first, filtered by time, email or ids."""
        return self._client._list(endpoints.list_feedback_responses(filters))


class AsyncMetrics:
    """`client.metrics`: response rate, NPS and CSAT."""

    def __init__(self, client: AsyncRunner) -> None:
        self._client = client

    async def response_rate(self, **filters: Unpack[MetricFilters]) -> ResponseRate:
        """`GET /response_rate`; `from_time`/`to_time` naive means UTC."""
        return await self._client._call(endpoints.response_rate(filters))

    async def nps(self, **filters: Unpack[MetricFilters]) -> NPS:
        """`GET /nps`; `period=` is one of the 18 documented date periods."""
        return await self._client._call(endpoints.nps(filters))

    async def csat(self, **filters: Unpack[MetricFilters]) -> CSAT:
        """`GET /csat`; `period=` wins over `from_time`/`to_time`, as documented."""
        return await self._client._call(endpoints.csat(filters))


class AsyncSites:
    """`client.sites`: create, get, update and list sites."""

    def __init__(self, client: AsyncRunner) -> None:
        self._client = client

    async def create(self, **params: Unpack[SiteCreate]) -> Site:
        """Create a site; `site_code`, `name` and `region` are required."""
        return await self._client._call(endpoints.create_site(params))

    async def get(self, id: int | str) -> Site:
        """The site with this id (the API also accepts its site code)."""
        return await self._client._call(endpoints.get_site(id))

    async def update(self, id: int | str, **params: Unpack[SiteUpdate]) -> Site:
        """Change the given attributes of a site (`PATCH /sites/:id`)."""
        return await self._client._call(endpoints.update_site(id, params))

    def list(self, **filters: Unpack[PageFilters]) -> AsyncPaginator[Site]:
        """Every site, sorted by name."""
        return self._client._list(endpoints.list_sites(filters))


class AsyncStaffMembers:
    """`client.staff`: get and find staff members."""

    def __init__(self, client: AsyncRunner) -> None:
        self._client = client

    async def get(self, id: int | str) -> Staff:
        """The staff member with this id."""
        return await self._client._call(endpoints.get_staff(id))

    def list(self, **filters: Unpack[StaffFilters]) -> AsyncPaginator[Staff]:
        """Staff, optionally found by `email` or `code`."""
        return self._client._list(endpoints.list_staff(filters))


class AsyncSurveys:
    """`client.surveys`."""

    def __init__(self, client: AsyncRunner) -> None:
        self._client = client

    def list(self, **filters: Unpack[PageFilters]) -> AsyncPaginator[Survey]:
        """Every survey with its questions, sorted by name."""
        return self._client._list(endpoints.list_surveys(filters))


class AsyncEmailTemplates:
    """`client.email_templates`."""

    def __init__(self, client: AsyncRunner) -> None:
        self._client = client

    def list(self, **filters: Unpack[PageFilters]) -> AsyncPaginator[EmailTemplate]:
        """Every email template, sorted by name."""
        return self._client._list(endpoints.list_email_templates(filters))


class AsyncTextMessageTemplates:
    """`client.text_message_templates`."""

    def __init__(self, client: AsyncRunner) -> None:
        self._client = client

    def list(self, **filters: Unpack[PageFilters]) -> AsyncPaginator[TextMessageTemplate]:
        """Every text message template, sorted by name."""
        return self._client._list(endpoints.list_text_message_templates(filters))
