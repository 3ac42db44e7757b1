"""Every operation of REST API v1 through the client openapi-python-client
generated (`customersure_client`, on sys.path), configured as docs/api.md
says: base URL, token, user agent and the one Accept header.

Run by tests/test_openapi_generators.py as `python every_operation_opc.py
BASE_URL`; prints, as JSON, each operationId and the class of what the
client parsed its answer into (`list[X]` for a list).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from customersure_client import AuthenticatedClient
from customersure_client.api.feedback_requests import (
    create_feedback_request,
    get_feedback_request,
    list_feedback_requests,
)
from customersure_client.api.feedback_responses import (
    get_feedback_response,
    list_feedback_responses,
)
from customersure_client.api.metrics import get_csat, get_nps, get_response_rate
from customersure_client.api.sites import create_site, get_site, list_sites, update_site
from customersure_client.api.staff import get_staff_member, list_staff
from customersure_client.api.surveys import list_surveys
from customersure_client.api.templates import (
    list_email_templates,
    list_text_message_templates,
)
from customersure_client.models import NewFeedbackRequest, NewSite, Period, SiteChanges

TOKEN = "ec76c296df321768ba4cc41a445bfb6f"
UA = "Acme Ltd"


def kind(answer: Any) -> str:
    if isinstance(answer, list):
        assert answer, "an empty list proves no parsing"
        (name,) = {type(item).__name__ for item in answer}
        return f"list[{name}]"
    return type(answer).__name__


def main(base_url: str) -> dict[str, str]:
    client = AuthenticatedClient(
        base_url=base_url,
        token=f'Token token="{TOKEN}"',
        prefix="",
        headers={"Accept": "application/vnd.customersure.v1+json"},
        raise_on_unexpected_status=True,
    )
    new_request = NewFeedbackRequest.from_dict(
        {
            "email": "kate@example.com",
            "send_at": "2030-08-20T18:00:00+0100",
            "survey_id": 1484,
            "email_template_id": 10,
            "data": [{"key": "staff_code", "value": "luke"}],
            "reminders": [{"email_template_id": 11, "send_at": "2030-08-27T18:00:00+0100"}],
        }
    )
    created = create_feedback_request.sync(client=client, user_agent=UA, body=new_request)
    site = create_site.sync(
        client=client,
        user_agent=UA,
        body=NewSite(site_code="hq", name="Head Office", region="Tyne and Wear"),
    )
    answers = {
        "createFeedbackRequest": created,
        "getFeedbackRequest": get_feedback_request.sync(
            created.id,
            client=client,
            user_agent=UA,  # type: ignore[union-attr]
        ),
        "listFeedbackRequests": list_feedback_requests.sync(client=client, user_agent=UA),
        "listFeedbackResponses": list_feedback_responses.sync(
            client=client, user_agent=UA, per_page=100
        ),
        "getFeedbackResponse": get_feedback_response.sync(1, client=client, user_agent=UA),
        "getResponseRate": get_response_rate.sync(client=client, user_agent=UA),
        "getNps": get_nps.sync(client=client, user_agent=UA, period=Period.THIRTY_DAYS),
        "getCsat": get_csat.sync(client=client, user_agent=UA, survey_ids=[1484]),
        "createSite": site,
        "getSite": get_site.sync("hq", client=client, user_agent=UA),
        "updateSite": update_site.sync(
            "hq", client=client, user_agent=UA, body=SiteChanges(name="Main Office")
        ),
        "listSites": list_sites.sync(client=client, user_agent=UA),
        "listStaff": list_staff.sync(client=client, user_agent=UA),
        "getStaffMember": get_staff_member.sync("98723", client=client, user_agent=UA),
        "listSurveys": list_surveys.sync(client=client, user_agent=UA),
        "listEmailTemplates": list_email_templates.sync(client=client, user_agent=UA),
        "listTextMessageTemplates": list_text_message_templates.sync(client=client, user_agent=UA),
    }
    return {operation: kind(answer) for operation, answer in answers.items()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
