"""Schemathesis runs the sandbox's own OpenAPI document against it, in process
(ASGI): every operation, and the stateful links (create a site, then read and
update it; create a feedback request, then read it)."""

from __future__ import annotations

from datetime import UTC, datetime

import hypothesis
import schemathesis
from schemathesis.config import SchemathesisConfig

from cswidget.sandbox import DEFAULT_TOKEN, Store, create_app
from cswidget.vocabulary import API_MEDIA_TYPE

NOW = datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC)
# User-Agent is a documented header parameter: Schemathesis generates it.
HEADERS = {
    "Accept": API_MEDIA_TYPE,
    "Authorization": f'Token token="{DEFAULT_TOKEN}"',
}

SEEDED = Store.open(":memory:")
app = create_app(db=SEEDED, seed="demo", now=NOW)
# A schema cannot say everything the rules do: that a date exists (2023-02-30),
# that send_at is in the future, that survey 5 is the account's, that a site
# code is free, that id 7 exists. So a schema-valid request may still get
# 422 or 404; every other check runs as Schemathesis ships it.
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"mode": "positive"},
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "404", "422"]}},
    }
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


@schema.parametrize()
@hypothesis.settings(max_examples=15, deadline=None, derandomize=True)
def test_every_operation_conforms(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=HEADERS)


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    # Each scenario starts from the same seeded account: Hypothesis replays
    # scenarios, and a site created by an earlier one would change the answers.
    def setup(self) -> None:
        self.app = create_app(db=SEEDED.copy(), now=NOW)

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
        return {"headers": HEADERS, "app": self.app}


TestLinks = Workflow.TestCase
TestLinks.settings = hypothesis.settings(
    max_examples=12, stateful_step_count=6, deadline=None, derandomize=True
)
