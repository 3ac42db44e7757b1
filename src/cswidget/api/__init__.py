"""`cswidget.api`: a typed client for the CustomerSure REST API v1 (extra `cswidget[api]`).

    from cswidget import SurveyParams
    from cswidget.api import Client

    params = SurveyParams(customer={"email": "kate@example.com"}, segments={"site_code": "hq"})
    with Client(token, user_agent="Acme Ltd") as client:
        request = client.feedback_requests.create(
            send_at="2030-01-01T09:00Z", survey_id=1484, email_template_id=10, data=params
        )
        print(client.metrics.nps(period="30-days").net_promoter_score)

`Client` and `AsyncClient` have the same surface; lists are lazy iterators
(`async for` on `AsyncClient`) over `Link`-header pages. Modules: `base`
(what both clients share), `endpoints` (every endpoint as a call),
`models` (results), `errors`, `retry`, `paging`, `limits` and
`deadline` (what a server can make the client do), `async_client` and
`async_resources` (written once) and `client` and `resources` (their
generated sync twins), `command` (`cswidget api ...`).
"""

from __future__ import annotations

from ..extras import MissingExtraError, installed

if not installed("api"):
    raise MissingExtraError("api", feature="cswidget.api")

from .async_client import AsyncClient as AsyncClient
from .client import Client as Client
from .endpoints import Period as Period
from .errors import APIConnectionError as APIConnectionError
from .errors import APIError as APIError
from .errors import APITimeoutError as APITimeoutError
from .errors import APIValidationError as APIValidationError
from .errors import AuthenticationError as AuthenticationError
from .errors import BadRequestError as BadRequestError
from .errors import InvalidResponseError as InvalidResponseError
from .errors import NotFoundError as NotFoundError
from .errors import PageLimitError as PageLimitError
from .errors import PermissionDeniedError as PermissionDeniedError
from .errors import RateLimitError as RateLimitError
from .errors import ServerError as ServerError
from .models import CSAT as CSAT
from .models import NPS as NPS
from .models import Answer as Answer
from .models import DataItem as DataItem
from .models import EmailTemplate as EmailTemplate
from .models import FeedbackRequest as FeedbackRequest
from .models import FeedbackResponse as FeedbackResponse
from .models import Question as Question
from .models import Reminder as Reminder
from .models import ResponseRate as ResponseRate
from .models import Site as Site
from .models import Staff as Staff
from .models import Survey as Survey
from .models import SurveySummary as SurveySummary
from .models import TextMessageTemplate as TextMessageTemplate
from .paging import AsyncPaginator as AsyncPaginator
from .paging import Paginator as Paginator
from .retry import RetryPolicy as RetryPolicy

__all__ = [
    "CSAT",
    "NPS",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "APIValidationError",
    "Answer",
    "AsyncClient",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "DataItem",
    "EmailTemplate",
    "FeedbackRequest",
    "FeedbackResponse",
    "InvalidResponseError",
    "NotFoundError",
    "PageLimitError",
    "Paginator",
    "Period",
    "PermissionDeniedError",
    "Question",
    "RateLimitError",
    "Reminder",
    "ResponseRate",
    "RetryPolicy",
    "ServerError",
    "Site",
    "Staff",
    "Survey",
    "SurveySummary",
    "TextMessageTemplate",
]
