"""docs/api.md's examples run, in order, against the sandbox over real HTTP."""

from __future__ import annotations

import contextlib
import io
import re
import threading
from pathlib import Path

import pytest

from api_sandbox import TOKEN, serve_sandbox
from cswidget import SurveyParams, Widget
from cswidget.api import NPS, FeedbackRequest

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


# Its code needs a generated client first: tests/test_openapi_generators.py runs it.
GENERATED_CLIENTS = "## Generate a client in another tool\n"


def blocks(language: str) -> list[str]:
    before, _, after = DOC.read_text(encoding="utf-8").partition(GENERATED_CLIENTS)
    text = before + after[after.index("\n## ") :] if after else before
    return re.findall(rf"```{language}\n(.*?)\n```", text, re.S)


def run_blocks(namespace: dict[str, object], failures: list[BaseException]) -> None:
    try:
        for source in blocks("python"):
            exec(source, namespace)
    except BaseException as error:  # reported by the test's own thread
        failures.append(error)


def test_every_python_example_runs_and_says_what_the_page_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    namespace: dict[str, object] = {"__name__": "docs_api"}
    failures: list[BaseException] = []
    printed = io.StringIO()
    with serve_sandbox() as base_url:
        monkeypatch.setenv("CUSTOMERSURE_API_URL", base_url)
        monkeypatch.setenv("CUSTOMERSURE_API_TOKEN", TOKEN)
        with contextlib.redirect_stdout(printed):
            # In a thread of its own: the async example calls asyncio.run,
            # which refuses to start where Playwright's loop runs (run_async).
            thread = threading.Thread(target=run_blocks, args=(namespace, failures))
            thread.start()
            thread.join()
    assert failures == []
    request = namespace["request"]
    assert isinstance(request, FeedbackRequest)
    params = namespace["params"]
    assert isinstance(params, SurveyParams)
    # The widget and the request were made from the same params.
    widget = namespace["widget"]
    assert isinstance(widget, Widget)
    assert str(namespace["html"]) == str(widget.container(params))
    assert (request.state, request.email, request.first_name, request.reference) == (
        "pending",
        "kate@example.com",
        "Kate",
        "INV-2090",
    )
    assert [(item.key, item.value) for item in request.data or ()] == [
        ("staff_code", "luke"),
        ("site_code", "newcastle"),
    ]
    assert isinstance(namespace["nps"], NPS)
    lines = printed.getvalue().splitlines()
    assert lines[0] == f"{request.id} pending kate@example.com INV-2090"
    nps = namespace["nps"]
    assert f"NPS {nps.net_promoter_score} from {nps.total_number_of_ratings} ratings" in lines
    # The validation example printed the API's error body, and sent nothing.
    (error_line,) = [line for line in lines if line.startswith("{'message'")]
    assert error_line.startswith(
        "{'message': 'Validation error', 'errors': [{'resource': '/feedback_requests/', "
        "'field': 'email', 'error': 'invalid_format'"
    )
    assert "ORDER-1041 pending" in lines
