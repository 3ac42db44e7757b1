"""`--seed demo`: a small, realistic account, so every endpoint and metric
has something to show.

Three surveys (NPS, CSAT, selection and text questions; 277 and 2166 are the
demo site's, 1484 the one the seed's create example uses), email templates
10 to 12 (the example's), text message templates, staff (Rod Magnusson,
98723, as in the seed, and "luke"), sites (with "newcastle", not "hq": the
seed's example creates that one), and about 400 feedback requests and 300
responses over the 120 days before `now`, drawn from a fixed random seed.

`seed="account"` (Python only): the same account (surveys, templates, staff
and sites) with no feedback requests or responses yet, for tests whose
figures start from nothing (an NPS of one response is that response).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from ..api_rules import format_timestamp
from .storage import Store

__all__ = ["SEEDS", "load"]

SEEDS: Final = ("demo", "account")

SURVEYS: Final[tuple[dict[str, Any], ...]] = (
    {
        "survey_id": 1484,
        "name": "Support survey",
        "locale": "en",
        "url_code": "Sup1484Abc",
        "questions": [
            {"id": 14841, "question": "How likely are you to recommend us to a friend?",
             "answer_type": "Rating", "metric": "nps"},
            {"id": 14842, "question": "How satisfied were you with the support you received?",
             "answer_type": "Rating", "metric": "csat"},
            {"id": 14843, "question": "What was your query about?", "answer_type": "Dropdown",
             "options": ["Billing", "Delivery", "Returns", "Technical"]},
            {"id": 14844, "question": "Is there anything else you'd like to tell us?",
             "answer_type": "Text"},
        ],
    },
    {
        "survey_id": 277,
        "name": "Post purchase survey",
        "locale": "en",
        "url_code": "AKknWccEFf7",
        "questions": [
            {"id": 12345, "question": "How likely are you to recommend us to a friend?",
             "answer_type": "Rating", "metric": "nps"},
            {"id": 12346, "question": "Who helped you today?", "answer_type": "Radio",
             "options": ["luke", "leia", "han"]},
            {"id": 12347, "question": "What kind of account do you have?",
             "answer_type": "Dropdown", "options": ["personal", "business", "charity"]},
            {"id": 12348, "question": "What could we do better?", "answer_type": "Checkbox",
             "options": ["Delivery", "Prices", "Website"]},
            {"id": 12349, "question": "Is there anything else you'd like to tell us?",
             "answer_type": "Text"},
        ],
    },
    {
        "survey_id": 2166,
        "name": "Checkout survey",
        "locale": "en",
        "url_code": "Chk0ut2166x",
        "questions": [
            {"id": 22001, "question": "How easy was it to check out?", "answer_type": "Rating"},
            {"id": 22002, "question": "Any comments?", "answer_type": "Text"},
        ],
    },
)  # fmt: skip

EMAIL_TEMPLATES: Final = (
    (10, "Post Sale Feedback Email", "{{name/Hi}}, how did we do?"),
    (11, "Post Sale Reminder", "{{name/Hi}}, a moment for two questions?"),
    (12, "Post Sale Last Reminder", "Last chance to tell us how we did"),
    (13, "Support Ticket Closed", "Your ticket is closed: how did we do?"),
)
TEXT_MESSAGE_TEMPLATES: Final = (
    (20, "Post Sale SMS Template"),
    (21, "Support SMS Template"),
)
STAFF: Final = (
    (98723, "rod-magnusson", "Rod", "Magnusson", "London"),
    (98724, "luke", "Luke", "Skywalker", "London"),
    (98725, "leia", "Leia", "Organa", "Edinburgh"),
    (98726, "han", "Han", "Solo", "London"),
)
SITES: Final = (
    ("newcastle", "Newcastle Quayside", "Newcastle", "Tyne and Wear", "Store"),
    ("leeds", "Leeds Briggate", "Leeds", "West Yorkshire", "Store"),
    ("london", "London Office", "London", "Greater London", "Office"),
    ("edinburgh", "Edinburgh Princes Street", "Edinburgh", "Lothian", "Store"),
)
COMPANIES: Final = (
    "Acme Ltd", "Cyberdyne Systems", "Initech", "Globex Corporation", "Umbrella plc",
    "Wayne Enterprises", "Stark Industries", None,
)  # fmt: skip
FIRST_NAMES: Final = ("Kate", "John", "Amira", "Wei", "Olu", "Sofia", "Tom", "Priya", "Ines")
SURNAMES: Final = ("Smith", "Jones", "Khan", "Chen", "Adeyemi", "Garcia", "Brown", "Patel")
COMMENTS: Final = (
    "Quick and friendly, thank you.",
    "Took three emails to sort out, but got there.",
    "Keep up the great attitude to your customers",
    "Delivery was late again.",
    None,
)
DAYS: Final = 120
REQUESTS: Final = 400


def load(name: str, *, store: Store, now: datetime) -> None:
    """Load seed `name` (one of SEEDS) into `store`, unless it has an account
    already: all of it or, if anything fails, none of it."""
    if name not in SEEDS:
        raise ValueError(f"Unsupported seed {name!r}, must be one of: {', '.join(SEEDS)}")
    # One transaction: a process killed mid-seed leaves an empty database,
    # which the next start seeds again, never half an account it would keep.
    with store.transaction(account=True):
        if store.is_empty():
            _account(name, store=store, now=now)


def _account(name: str, *, store: Store, now: datetime) -> None:
    for survey in SURVEYS:
        store.add_survey(**survey)
    for template_id, template_name, subject in EMAIL_TEMPLATES:
        store.add_email_template(
            {
                "id": template_id,
                "name": template_name,
                "body": "Hi {{name/there}},\r\n\r\nWe'd be really grateful if you'd answer a"
                " few questions: {{link-to-survey}}",
                "subject": subject,
                "from_name": "Kate Jones",
                "from_email": "kate@acme.example",
                "locale": "en",
                "archived": template_id == 13,
            }
        )
    for template_id, template_name in TEXT_MESSAGE_TEMPLATES:
        store.add_text_message_template(
            {
                "id": template_id,
                "name": template_name,
                "body": "Hi, we'd love to hear about your recent experience through a quick,"
                " 3 question survey: {{link-to-survey}}",
                "locale": "en",
                "archived": False,
            }
        )
    for staff_id, code, first_name, surname, time_zone in STAFF:
        store.add_staff(
            {
                "id": staff_id,
                "code": code,
                "first_name": first_name,
                "surname": surname,
                "email": f"{code.split('-')[0]}@acme.example",
                "time_zone": time_zone,
                "deactivated_at": None,
                "team_id": None,
            }
        )
    site_ids = [
        int(
            store.create_site(
                dict(zip(("site_code", "name", "city", "region", "site_type"), site, strict=True))
            ).id
        )
        for site in SITES
    ]
    if name == "demo":
        _history(store, now.astimezone(UTC).replace(microsecond=0), site_ids)


def _history(store: Store, now: datetime, site_ids: list[int]) -> None:
    rng = random.Random(1484)
    start = now - timedelta(days=DAYS)
    for number in range(REQUESTS):
        # Keep ids in time order: each request is later than the one before.
        sent = start + timedelta(seconds=number * DAYS * 86400 // REQUESTS + rng.randrange(3600))
        first_name, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        company = rng.choice(COMPANIES)
        survey = SURVEYS[0] if number % 3 else SURVEYS[1]
        staff = rng.choice(STAFF)
        site_index = rng.randrange(len(SITES))
        data = [
            {"key": "staff_code", "value": staff[1]},
            {"key": "site_code", "value": SITES[site_index][0]},
        ]
        if company is not None:
            data.append({"key": "company_name", "value": company})
        email = f"{first_name}.{surname}{number}@example.com".lower()
        failed = rng.random() < 0.1
        request_id = store.create_feedback_request(
            {
                "email": email,
                "first_name": first_name,
                "surname": surname,
                "survey_id": survey["survey_id"],
                "email_template_id": 10,
                "reference": f"#{5000 + number}",
                "machine_id": f"{rng.getrandbits(32):08x}",
                "send_at": format_timestamp(sent),
                "data": data,
                "reminders": [],
            },
            now=format_timestamp(sent),
            state="sent",
            sent_at=format_timestamp(sent),
            delivery_failure="550 5.1.1 mailbox unavailable" if failed else None,
            created_at=format_timestamp(sent - timedelta(hours=1)),
            site_id=site_ids[site_index],
            staff_id=staff[0],
        ).id
        submitted = sent + timedelta(minutes=rng.randrange(10, 2880))
        if failed or rng.random() > 0.75 or submitted > now:
            continue
        fields = {
            "email": email,
            "name": f"{first_name} {surname}",
            "telephone_number": f"01234 {rng.randrange(100000, 999999)}",
            "company_name": company,
            **{entry["key"]: entry["value"] for entry in data},
        }
        store.add_response(
            survey_id=survey["survey_id"],
            fields=fields,
            answers=[_answer(rng, question) for question in survey["questions"]],
            submitted_at=format_timestamp(submitted),
            reference=f"#{5000 + number}",
            machine_id=None,
            request_id=request_id,
            site_id=site_ids[site_index],
            staff_id=staff[0],
        )
    for number in range(5):
        send_at = now + timedelta(days=number + 1)
        store.create_feedback_request(
            {
                "email": f"pending{number}@example.com",
                "survey_id": 1484,
                "email_template_id": 10,
                "send_at": format_timestamp(send_at),
                "reminders": [
                    {
                        "send_at": format_timestamp(send_at + timedelta(days=7)),
                        "email_template_id": 11,
                        "text_message_template_id": None,
                    }
                ],
            },
            now=format_timestamp(now),
        )


def _answer(rng: random.Random, question: dict[str, Any]) -> dict[str, Any]:
    kind = question["answer_type"]
    answer: str | None
    if question.get("metric") == "nps":
        answer = str(rng.choices(range(11), weights=(1, 1, 1, 1, 2, 2, 3, 6, 10, 14, 16))[0])
    elif question.get("metric") == "csat":
        answer = str(rng.choices(range(1, 6), weights=(1, 2, 3, 9, 12))[0])
    elif kind == "Rating":
        answer = str(rng.randrange(4, 11))
    elif kind == "Text":
        answer = rng.choice(COMMENTS)
    elif kind == "Checkbox":
        answer = ", ".join(rng.sample(question["options"], rng.randrange(1, 3)))
    else:
        answer = rng.choice(question["options"])
    return {
        "question_id": question["id"],
        "question": question["question"],
        "answer": answer,
        "type": kind,
    }
