"""Every operation of REST API v1 through OpenAPI Generator's `python`
client (`customersure_oag`, on sys.path), configured with nothing but the
base URL, the token and the user agent, as docs/api.md says: it chooses
`Accept` from the document's media types by itself.

Run by tests/test_openapi_generators.py as `python every_operation_oag.py
BASE_URL`; prints, as JSON, each operationId and the class of what the
client parsed its answer into (`list[X]` for a list).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import customersure_oag as cs

TOKEN = "ec76c296df321768ba4cc41a445bfb6f"
UA = "Acme Ltd"


def kind(answer: Any) -> str:
    if isinstance(answer, list):
        assert answer, "an empty list proves no parsing"
        (name,) = {type(item).__name__ for item in answer}
        return f"list[{name}]"
    return type(answer).__name__


def main(base_url: str) -> dict[str, str]:
    configuration = cs.Configuration(host=base_url, api_key={"token": f'Token token="{TOKEN}"'})
    with cs.ApiClient(configuration) as api_client:
        api_client.user_agent = UA
        requests = cs.FeedbackRequestsApi(api_client)
        responses = cs.FeedbackResponsesApi(api_client)
        metrics = cs.MetricsApi(api_client)
        sites = cs.SitesApi(api_client)
        staff = cs.StaffApi(api_client)
        templates = cs.TemplatesApi(api_client)
        created = requests.create_feedback_request(
            UA,
            cs.NewFeedbackRequest.from_dict(
                {
                    "email": "kate@example.com",
                    "send_at": "2030-08-20T18:00:00+0100",
                    "survey_id": 1484,
                    "email_template_id": 10,
                    "data": [{"key": "staff_code", "value": "luke"}],
                    "reminders": [{"email_template_id": 11, "send_at": "2030-08-27T18:00:00+0100"}],
                }
            ),
        )
        site = sites.create_site(
            UA, cs.NewSite(site_code="hq", name="Head Office", region="Tyne and Wear")
        )
        answers = {
            "createFeedbackRequest": created,
            "getFeedbackRequest": requests.get_feedback_request(UA, created.id),
            "listFeedbackRequests": requests.list_feedback_requests(UA),
            "listFeedbackResponses": responses.list_feedback_responses(UA, per_page=100),
            "getFeedbackResponse": responses.get_feedback_response(UA, 1),
            "getResponseRate": metrics.get_response_rate(UA),
            "getNps": metrics.get_nps(UA, period=cs.Period.THIRTY_DAYS),
            "getCsat": metrics.get_csat(UA, survey_ids=[1484]),
            "createSite": site,
            "getSite": sites.get_site(UA, "hq"),
            "updateSite": sites.update_site(UA, "hq", cs.SiteChanges(name="Main Office")),
            "listSites": sites.list_sites(UA),
            "listStaff": staff.list_staff(UA),
            "getStaffMember": staff.get_staff_member(UA, "98723"),
            "listSurveys": cs.SurveysApi(api_client).list_surveys(UA),
            "listEmailTemplates": templates.list_email_templates(UA),
            "listTextMessageTemplates": templates.list_text_message_templates(UA),
        }
    return {operation: kind(answer) for operation, answer in answers.items()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
