"""The API's resources as frozen, typed objects: the shapes of
`cswidget.contract`, the one description the sandbox and the OpenAPI
document follow too.

Each class has the attributes the seed documents, typed as documented;
timestamps are aware UTC datetimes. Fields a newer API adds are kept in
`extra`, never an error:

    >>> site = Site.from_json({"id": 111, "site_code": "hq", "name": "Head Office",
    ...                        "city": None, "region": "North", "site_type": None,
    ...                        "opened": "2024"})
    >>> site.id, dict(site.extra)
    ('111', {'opened': '2024'})

Over the client, a response that breaks the documented types raises
`InvalidResponseError` naming the field; `from_json` raises
`cswidget.wire.ShapeError` (a ValueError) the same way.
"""

from __future__ import annotations

from ..contract import CSAT as CSAT
from ..contract import NPS as NPS
from ..contract import Answer as Answer
from ..contract import DataItem as DataItem
from ..contract import EmailTemplate as EmailTemplate
from ..contract import FeedbackRequest as FeedbackRequest
from ..contract import FeedbackResponse as FeedbackResponse
from ..contract import Question as Question
from ..contract import Reminder as Reminder
from ..contract import ResponseRate as ResponseRate
from ..contract import Site as Site
from ..contract import Sms as Sms
from ..contract import Staff as Staff
from ..contract import Survey as Survey
from ..contract import SurveySummary as SurveySummary
from ..contract import TextMessageTemplate as TextMessageTemplate
from ..wire import Shape as Model

__all__ = [
    "CSAT",
    "NPS",
    "Answer",
    "DataItem",
    "EmailTemplate",
    "FeedbackRequest",
    "FeedbackResponse",
    "Model",
    "Question",
    "Reminder",
    "ResponseRate",
    "Site",
    "Sms",
    "Staff",
    "Survey",
    "SurveySummary",
    "TextMessageTemplate",
]
