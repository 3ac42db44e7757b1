"""`cswidget api ...` against the sandbox over real HTTP: what operators run."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api_sandbox import TOKEN, serve_sandbox
from cswidget.api import Client
from cswidget.api.csvfile import guard_cell
from cswidget.cli import main

NOW = datetime(2023, 8, 19, 16, 30, tzinfo=UTC)
# Nothing listens on the discard port: a command that sent anything there
# would fail with a connection error (exit 1), not with the local exit 2.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_sandbox(now=NOW) as url:
        yield url


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CUSTOMERSURE_API_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)  # no cswidget.toml unless a test writes one


def api(base_url: str, *arguments: str) -> list[str]:
    return ["api", "--base-url", base_url, "--user-agent", "Acme Ltd", *arguments]


def client(base_url: str) -> Client:
    return Client(TOKEN, user_agent="Acme Ltd", base_url=base_url)


def test_metrics_print_the_apis_json(base_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(api(base_url, "metrics", "nps", "--period", "30-days")) == 0
    printed = json.loads(capsys.readouterr().out)
    with client(base_url) as direct:
        assert printed == direct.metrics.nps(period="30-days").to_json()
    assert set(printed) == {
        "net_promoter_score",
        "promoter_count",
        "passive_count",
        "detractor_count",
        "total_number_of_ratings",
    }


def test_sites_create_update_list_and_surveys_list(
    base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(api(base_url, "sites", "create", "--site-code", "cli-hq", "--name", "HQ",
                    "--region", "North")) == 0  # fmt: skip
    created = json.loads(capsys.readouterr().out)
    assert (created["site_code"], created["name"], created["city"]) == ("cli-hq", "HQ", None)
    assert main(api(base_url, "sites", "update", "cli-hq", "--city", "Leeds")) == 0
    assert json.loads(capsys.readouterr().out) == {**created, "city": "Leeds"}
    assert main(api(base_url, "sites", "list")) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {**created, "city": "Leeds"} in listed
    assert main(api(base_url, "surveys", "list")) == 0
    surveys = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(survey["id"] for survey in surveys) == [277, 1484, 2166]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["metrics", "nps", "--period", "fortnight"], "argument --period: invalid choice"),
        (["metrics", "csat", "--from", "last tuesday"], "from_time: invalid_date"),
        (["sites", "create", "--site-code", "x", "--name", "", "--region", "r"], "name: required"),
        (["sites", "get"], "invalid choice: 'get'"),
        (["responses", "export", "--out", "x.jsonl", "--since", "soon"], "created_since"),
        (["requests", "create", "--csv", "missing.csv"], "--csv: cannot read 'missing.csv'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_sent(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(api(NOWHERE, *arguments)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("cswidget: error: ")
    assert message in captured.err


def test_the_token_comes_from_the_environment_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CUSTOMERSURE_API_TOKEN")
    assert main(api(NOWHERE, "surveys", "list")) == 2
    assert capsys.readouterr().err == (
        "cswidget: error: set CUSTOMERSURE_API_TOKEN to your API token (never a flag or a file)\n"
    )
    assert main(api(NOWHERE, "--token", "x", "surveys", "list")) == 2


def test_base_url_and_user_agent_come_from_cswidget_toml(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cswidget.toml").write_text(
        f'base_url = "{base_url}"\nuser_agent = "Acme Ltd"\n', encoding="utf-8"
    )
    assert main(["api", "surveys", "list"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    (tmp_path / "cswidget.toml").write_text('token = "secret"\n', encoding="utf-8")
    assert main(["api", "surveys", "list"]) == 2
    assert "token: unknown key" in capsys.readouterr().err


def test_a_missing_user_agent_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["api", "--base-url", NOWHERE, "surveys", "list"]) == 2
    assert (
        "--user-agent (or CUSTOMERSURE_USER_AGENT, or user_agent in cswidget.toml) is required"
        in (capsys.readouterr().err)
    )


def test_an_api_error_is_one_line_and_exit_1(
    base_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CUSTOMERSURE_API_TOKEN", "fake")
    assert main(api(base_url, "surveys", "list")) == 1
    # After the warning that a token other than the sandbox's went to a local server.
    warning, error = capsys.readouterr().err.splitlines()
    assert warning.startswith("cswidget: warning: CUSTOMERSURE_API_TOKEN is not the sandbox's")
    assert error.startswith("cswidget: error: 401 ")


def test_export_jsonl_streams_every_response_and_resumes(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "responses.jsonl"
    assert main(api(base_url, "responses", "export", "--out", str(out))) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    with client(base_url) as direct:
        expected = [response.id for response in direct.feedback_responses.list(per_page=100)]
    assert [json.loads(line)["id"] for line in lines] == expected
    newest = json.loads(lines[0])["submitted_at"]
    assert capsys.readouterr().err == (
        f"exported {len(expected)} responses; next time: --since {newest}\n"
    )
    # An interrupted export: the first 100 lines and half of the next.
    out.write_text("\n".join(lines[:100]) + "\n" + lines[100][:40], encoding="utf-8")
    assert main(api(base_url, "responses", "export", "--out", str(out), "--append")) == 0
    resumed = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(resumed) == sorted(expected)  # every response once
    assert "skipped 100 already in the file" in capsys.readouterr().err


def test_export_since_selects_recent_responses(base_url: str, tmp_path: Path) -> None:
    out = tmp_path / "recent.jsonl"
    since = "2023-08-10T00:00:00Z"
    assert main(api(base_url, "responses", "export", "--out", str(out), "--since", since)) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows
    assert all(row["submitted_at"] >= since for row in rows)


def test_export_csv_has_a_column_per_question(base_url: str, tmp_path: Path) -> None:
    out = tmp_path / "responses.csv"
    assert main(api(base_url, "responses", "export", "--format", "csv", "--out", str(out))) == 0
    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    with client(base_url) as direct:
        first = next(iter(direct.feedback_responses.list()))
    row = rows[0]
    assert row["id"] == str(first.id)
    assert row["email"] == first.fields["email"]
    assert first.answers
    for answer in first.answers:
        column = next(name for name in row if name.startswith(f"Q{answer.question_id} "))
        assert row[column] == guard_cell(answer.answer)


REQUESTS_CSV = (
    "email,send_at,survey_id,email_template_id,reference,staff_code,"
    "reminders[0].send_at,reminders[0].email_template_id\n"
    "kate@example.com,2030-01-01T09:00Z,1484,10,#cli-1,luke,2030-01-08T09:00Z,11\n"
    "not-an-email,2030-01-01T09:00Z,1484,10,#cli-2,luke,,\n"
    "bob@example.com,2030-01-01T09:00Z,999,10,#cli-3,,,\n"
    "short,row\n"
)


def test_requests_create_from_csv_reports_rejected_rows(
    base_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "orders.csv"
    rows.write_text(REQUESTS_CSV, encoding="utf-8")
    assert main(api(base_url, "requests", "create", "--csv", str(rows))) == 1
    report = json.loads((tmp_path / "orders.csv.report.json").read_text(encoding="utf-8"))
    assert report["rows"] == 4
    (created,) = report["created"]
    assert (created["row"], created["reference"]) == (2, "#cli-1")
    assert [
        (r["row"], r["reference"], [e["field"] for e in r["errors"]]) for r in report["rejected"]
    ] == [
        (3, "#cli-2", ["email"]),  # found locally
        (4, "#cli-3", ["survey_id"]),  # found by the API: not one of the account's surveys
        (5, None, ["row"]),
    ]
    captured = capsys.readouterr()
    assert captured.out == "created 1 of 4 feedback requests\n"
    assert captured.err.splitlines()[-1] == (
        f"cswidget: 3 of 4 rows rejected, see {tmp_path / 'orders.csv.report.json'}"
    )
    with client(base_url) as direct:
        request = direct.feedback_requests.get(created["id"])
    assert (request.email, request.reference, request.state) == (
        "kate@example.com",
        "#cli-1",
        "pending",
    )
    assert [(item.key, item.value) for item in request.data or ()] == [("staff_code", "luke")]
    assert request.reminders
    assert request.reminders[0].email_template_id == 11


def test_requests_create_dry_run_needs_no_token_and_sends_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CUSTOMERSURE_API_TOKEN")
    rows = tmp_path / "orders.csv"
    rows.write_text(REQUESTS_CSV, encoding="utf-8")
    assert main(api(NOWHERE, "requests", "create", "--csv", str(rows), "--dry-run")) == 1
    # Row 4's survey is the API's to check: locally it is fine.
    assert capsys.readouterr().out == "checked 2 of 4 feedback requests\n"


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        " [ ] ",
        '[{"id":1}]',
        '[{"id": 1, "a": "],[,"}, {"id": 2, "b": [1, [2]], "c": {"d": "}"}}]',
        '[\n  {\n    "id": 1,\n    "name": "Kate"\n  },\n  {"id": 2}\n]\n',
        '[{"id": 1, "name": "K\\u00e4te \\"q\\" \\n"}]',
    ],
)
def test_split_array_keeps_each_items_text(text: str) -> None:
    from cswidget.api.export import _line, split_array

    items = split_array(text)
    assert [item.value for item in items] == json.loads(text)
    for item in items:
        assert json.loads(item.text) == item.value
        line = _line(item)
        assert "\n" not in line
        assert json.loads(line) == item.value


@pytest.mark.parametrize(
    "text", ["", "{}", '[{"id": 1}', '[{"id": 1}] x', '[{"id": 1} {"id": 2}]', "[1]", '[{"a": 1}]']
)
def test_split_array_refuses_what_is_not_an_array_of_items(text: str) -> None:
    from cswidget.api.export import split_array

    with pytest.raises(ValueError):  # noqa: PT011  # the client reports it as InvalidResponseError
        split_array(text)


def test_export_doctests() -> None:
    import doctest

    import cswidget.api.export

    result = doctest.testmod(cswidget.api.export)
    assert result.failed == 0
    assert result.attempted > 0
