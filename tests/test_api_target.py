"""Where `cswidget api` sends requests, and the care it takes there.

The address and user agent come from flag > environment > cswidget.toml >
default (the real API); writes say where they go, and ask before they change
data on a host that is not local; the sandbox's public token never leaves
this machine, and a real-looking token sent to a local server is warned about.
Requests to hosts that are not local are answered in-process
(`httpx.MockTransport`), so nothing here reaches a network.
"""

from __future__ import annotations

import doctest
import io
import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import cswidget.api.target
from api_sandbox import TOKEN, serve_sandbox
from cswidget.api import command
from cswidget.api.target import TargetError, is_local_host, resolve_target
from cswidget.cli import main
from cswidget.vocabulary import SANDBOX_TOKEN

REAL_TOKEN = "0123456789abcdef0123456789abcdef"
SITE = {"id": "7", "site_code": "hq", "name": "HQ", "city": None, "region": "North",
        "site_type": None}  # fmt: skip
CSV = (
    "email,send_at,survey_id,email_template_id,reference\n"
    "kate@example.com,2030-01-01T09:00Z,1484,10,INV-1\n"
    "not-an-email,2030-01-01T09:00Z,1484,10,INV-2\n"
    "bob@example.com,2030-01-01T09:00Z,1484,10,INV-3\n"
)
PROMPT = "Continue? [y/N] "


@pytest.mark.parametrize(
    "host",
    ["localhost", "LOCALHOST", "api.localhost", "a.b.localhost", "127.0.0.1", "127.0.0.2",
     "127.255.255.254", "::1", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"],
)  # fmt: skip
def test_local_hosts(host: str) -> None:
    assert is_local_host(host) is True


@pytest.mark.parametrize(
    "host",
    [
        "0.0.0.0",  # an address to listen on, not a destination
        "::",
        "localhost.",  # a name a resolver may send on to DNS
        ".localhost",
        "localhost.evil.example",
        "evil-localhost",
        "localhostevil.example",
        "127.0.0.1.nip.io",  # resolves to 127.0.0.1 only if a DNS server says so
        "127.1",  # shorthand some resolvers expand, others not
        "2130706433",
        "0x7f.0.0.1",
        "0177.0.0.1",
        "10.0.0.1",
        "192.168.1.10",
        "169.254.169.254",
        "fe80::1",
        "::ffff:10.0.0.1",
        "api.customersure.com",
        "xn--pi-6kc.customersure.com",
        "",
    ],
)
def test_hosts_that_are_not_local(host: str) -> None:
    assert is_local_host(host) is False


@pytest.mark.parametrize(
    ("url", "origin", "local"),
    [
        ("http://127.0.0.1:8010", "http://127.0.0.1:8010", True),
        ("http://[::1]:8010/", "http://[::1]:8010", True),
        ("http://LocalHost:8010", "http://localhost:8010", True),
        ("http://sandbox.localhost", "http://sandbox.localhost", True),
        ("https://api.customersure.com", "https://api.customersure.com", False),
        ("http://0.0.0.0:8010", "http://0.0.0.0:8010", False),
        ("http://localhost.evil.example", "http://localhost.evil.example", False),
        # A look-alike name (Cyrillic a) shows as the name it is.
        ("https://\u0430pi.customersure.com", "https://xn--pi-6kc.customersure.com", False),
    ],
)
def test_resolve_target(url: str, origin: str, local: bool) -> None:
    target = resolve_target(flag=url, environ={})
    assert (target.origin, target.local, target.source) == (origin, local, "--base-url")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://127.0.0.1@evil.example",
            "--base-url: must not hold a user name or password (before '@'): "
            "'http://127.0.0.1@evil.example' goes to 'evil.example'",
        ),
        (
            "http://user:secret@127.0.0.1:8010",
            "--base-url: must not hold a user name or password (before '@'): "
            "'http://user:secret@127.0.0.1:8010' goes to '127.0.0.1'",
        ),
        (
            "http://evil.example\\@127.0.0.1",
            "--base-url: must not hold a user name or password (before '@'): "
            "'http://evil.example\\\\@127.0.0.1' goes to '127.0.0.1'",
        ),
        ("ftp://127.0.0.1", "--base-url: must be an http(s) URL, not 'ftp://127.0.0.1'"),
        ("127.0.0.1:8010", "--base-url: must be an http(s) URL, not '127.0.0.1:8010'"),
    ],
)
def test_addresses_that_are_refused(url: str, message: str) -> None:
    with pytest.raises(TargetError) as refused:
        resolve_target(flag=url, environ={})
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("environ", "local"),
    [
        ({}, True),
        ({"HTTPS_PROXY": "http://proxy.example:3128"}, True),  # another scheme's proxy
        ({"HTTP_PROXY": "http://proxy.example:3128"}, False),
        ({"http_proxy": "http://proxy.example:3128"}, False),
        ({"ALL_PROXY": "socks5://proxy.example:1080"}, False),
        ({"HTTP_PROXY": "http://proxy.example:3128", "NO_PROXY": "127.0.0.1"}, True),
        ({"HTTP_PROXY": "http://proxy.example:3128", "no_proxy": "example.com, *"}, True),
        ({"HTTP_PROXY": "http://proxy.example:3128", "NO_PROXY": "127.0.0.0/8"}, False),
        ({"HTTP_PROXY": "", "NO_PROXY": ""}, True),
    ],
)
def test_a_proxy_makes_a_loopback_address_not_local(environ: dict[str, str], local: bool) -> None:
    # httpx sends through the environment's proxy, loopback included.
    assert resolve_target(flag="http://127.0.0.1:8010", environ=environ).local is local


def test_doctests() -> None:
    result = doctest.testmod(cswidget.api.target)
    assert (result.failed, result.attempted > 0) == (0, True)


# --- through the command -------------------------------------------------


class Recorder:
    """An in-process API: answers every request, and keeps it."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.answer)

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/feedback_requests":
            body = json.loads(request.content)
            return httpx.Response(201, json={"id": len(self.requests), "state": "pending",
                                             "reference": body.get("reference")})  # fmt: skip
        if request.url.path == "/nps":
            return httpx.Response(200, json={"net_promoter_score": 50, "promoter_count": 1,
                                             "passive_count": 0, "detractor_count": 0,
                                             "total_number_of_ratings": 1})  # fmt: skip
        return httpx.Response(201 if request.method == "POST" else 200, json=SITE)

    def sent(self) -> list[str]:
        return [f"{request.method} {request.url}" for request in self.requests]


class Terminal(io.StringIO):
    """Answers typed at a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(autouse=True)
def in_empty_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("CUSTOMERSURE_API_URL", "CUSTOMERSURE_USER_AGENT", "CUSTOMERSURE_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def run(
    recorder: Recorder,
    argv: list[str],
    *,
    token: str = REAL_TOKEN,
    environ: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
    stdin: io.StringIO | None = None,
    monkeypatch: pytest.MonkeyPatch,
) -> int:
    monkeypatch.setattr(sys, "stdin", stdin if stdin is not None else io.StringIO(""))
    environ = {"CUSTOMERSURE_API_TOKEN": token, **(environ or {})}
    return command.main(argv, environ=environ, defaults=defaults, transport=recorder.transport)


def errors(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_the_default_address_is_the_real_api(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run(recorder, ["--user-agent", "Acme Ltd", "metrics", "nps"], monkeypatch=monkeypatch)
    assert status == 0
    assert recorder.sent() == ["GET https://api.customersure.com/nps"]
    assert errors(capsys) == []  # a read says nothing


@pytest.mark.parametrize(
    ("flag", "variable", "setting", "sent_to"),
    [
        ("https://flag.example", "https://env.example", "https://toml.example", "flag.example"),
        (None, "https://env.example", "https://toml.example", "env.example"),
        (None, None, "https://toml.example", "toml.example"),
        (None, "", "https://toml.example", "toml.example"),  # empty is unset
        (None, None, None, "api.customersure.com"),
    ],
)
def test_address_precedence(
    flag: str | None,
    variable: str | None,
    setting: str | None,
    sent_to: str,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = (["--base-url", flag] if flag else []) + ["metrics", "nps"]
    environ = {"CUSTOMERSURE_USER_AGENT": "Acme Ltd"}
    if variable is not None:
        environ["CUSTOMERSURE_API_URL"] = variable
    defaults = {"base_url": setting} if setting else {}
    assert run(recorder, argv, environ=environ, defaults=defaults, monkeypatch=monkeypatch) == 0
    assert [request.url.host for request in recorder.requests] == [sent_to]


@pytest.mark.parametrize(
    ("flag", "variable", "setting", "sent"),
    [
        ("Flag Ltd", "Env Ltd", "Toml Ltd", "Flag Ltd"),
        (None, "Env Ltd", "Toml Ltd", "Env Ltd"),
        (None, None, "Toml Ltd", "Toml Ltd"),
    ],
)
def test_user_agent_precedence(
    flag: str | None,
    variable: str | None,
    setting: str | None,
    sent: str,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = (["--user-agent", flag] if flag else []) + ["metrics", "nps"]
    environ = {"CUSTOMERSURE_USER_AGENT": variable} if variable else {}
    defaults = {"user_agent": setting} if setting else {}
    assert run(recorder, argv, environ=environ, defaults=defaults, monkeypatch=monkeypatch) == 0
    assert [request.headers["User-Agent"] for request in recorder.requests] == [sent]


def test_no_user_agent_anywhere_is_one_line(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(recorder, ["metrics", "nps"], monkeypatch=monkeypatch) == 2
    assert errors(capsys) == [
        "cswidget: error: --user-agent (or CUSTOMERSURE_USER_AGENT, or user_agent in "
        "cswidget.toml) is required: your company name as in your CustomerSure account"
    ]
    assert recorder.sent() == []


def test_the_settings_file_and_environment_through_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nothing listens on port 9 (discard): each attempt fails at once, and
    # its error line names the address that was chosen.
    (tmp_path / "cswidget.toml").write_text(
        'base_url = "http://127.0.0.3:9"\nuser_agent = "Acme Ltd"\n', encoding="utf-8"
    )
    monkeypatch.setenv("CUSTOMERSURE_API_TOKEN", TOKEN)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    create = ["sites", "create", "--site-code", "hq", "--name", "HQ", "--region", "North"]
    assert main(["api", *create]) == 1
    assert errors(capsys)[0] == (
        "cswidget: target http://127.0.0.3:9 (from cswidget.toml: base_url, local)"
    )
    monkeypatch.setenv("CUSTOMERSURE_API_URL", "http://127.0.0.2:9")
    assert main(["api", *create]) == 1
    assert errors(capsys)[0] == (
        "cswidget: target http://127.0.0.2:9 (from CUSTOMERSURE_API_URL, local)"
    )
    assert main(["api", "--base-url", "http://127.0.0.1:9", *create]) == 1
    assert errors(capsys)[0] == "cswidget: target http://127.0.0.1:9 (from --base-url, local)"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    with serve_sandbox() as url:
        yield url


def test_a_local_write_says_where_it_went_and_asks_nothing(
    sandbox: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal(""))  # a question would find no answer
    argv = ["--base-url", sandbox, "--user-agent", "Acme Ltd", "sites", "create",
            "--site-code", "target-hq", "--name", "HQ", "--region", "North"]  # fmt: skip
    assert command.main(argv, environ={"CUSTOMERSURE_API_TOKEN": TOKEN}) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"cswidget: target {sandbox} (from --base-url, local)"]
    assert json.loads(captured.out)["site_code"] == "target-hq"


REMOTE = ["--base-url", "https://api.customersure.com", "--user-agent", "Acme Ltd"]
WRITES = [
    (["sites", "create", "--site-code", "hq", "--name", "HQ", "--region", "North"],
     "create site 'hq'", ["POST https://api.customersure.com/sites"]),
    (["sites", "update", "hq", "--name", "Main Office", "--city", "Leeds"],
     "change site 'hq' (name, city)", ["PATCH https://api.customersure.com/sites/hq"]),
    (["requests", "create", "--csv", "orders.csv"],
     "create 2 feedback requests (from 'orders.csv')",
     ["POST https://api.customersure.com/feedback_requests"] * 2),
]  # fmt: skip
WRITE_IDS = ["sites create", "sites update", "requests create"]


@pytest.fixture
def orders(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text(CSV, encoding="utf-8")


@pytest.mark.usefixtures("orders")
@pytest.mark.parametrize(("arguments", "action", "sent"), WRITES, ids=WRITE_IDS)
def test_a_write_elsewhere_without_a_terminal_or_yes_sends_nothing(
    arguments: list[str],
    action: str,
    sent: list[str],
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(recorder, [*REMOTE, *arguments], monkeypatch=monkeypatch) == 2
    assert errors(capsys) == [
        f"cswidget: error: will not {action} on https://api.customersure.com, which is not "
        "local, without confirmation: stdin is not a terminal, so pass --yes (nothing sent)"
    ]
    assert recorder.sent() == []


@pytest.mark.usefixtures("orders")
@pytest.mark.parametrize(("arguments", "action", "sent"), WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize("answer", ["y\n", "yes\n", " YES \n"])
def test_a_write_elsewhere_asks_on_a_terminal_and_goes_on_yes(
    arguments: list[str],
    action: str,
    sent: list[str],
    answer: str,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = run(recorder, [*REMOTE, *arguments], stdin=Terminal(answer), monkeypatch=monkeypatch)
    err = capsys.readouterr().err
    assert err.startswith(
        f"cswidget: this will {action} on https://api.customersure.com, which is not local.\n"
        f"{PROMPT}cswidget: target https://api.customersure.com (from --base-url, not local)\n"
    )
    assert recorder.sent() == sent
    assert status == (1 if "requests" in arguments else 0)  # one row is rejected locally


@pytest.mark.usefixtures("orders")
@pytest.mark.parametrize(("arguments", "action", "sent"), WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize("answer", ["", "\n", "n\n", "no\n", "yes please\n", "ja\n"])
def test_anything_but_yes_sends_nothing(
    arguments: list[str],
    action: str,
    sent: list[str],
    answer: str,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = run(recorder, [*REMOTE, *arguments], stdin=Terminal(answer), monkeypatch=monkeypatch)
    assert status == 2
    # The terminal echoes a typed newline; at end of input the line is ended for it.
    end_of_prompt = "" if answer.endswith("\n") else "\n"
    assert capsys.readouterr().err.endswith(
        f"{PROMPT}{end_of_prompt}cswidget: error: not confirmed (nothing sent)\n"
    )
    assert recorder.sent() == []


@pytest.mark.usefixtures("orders")
@pytest.mark.parametrize(("arguments", "action", "sent"), WRITES, ids=WRITE_IDS)
@pytest.mark.parametrize("where", ["before the command", "after it"])
def test_yes_answers_for_scripts(
    arguments: list[str],
    action: str,
    sent: list[str],
    where: str,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [*REMOTE, "--yes", *arguments] if where == "before the command" else [
        *REMOTE, *arguments, "--yes"]  # fmt: skip
    run(recorder, argv, monkeypatch=monkeypatch)
    assert recorder.sent() == sent
    assert errors(capsys)[0] == (
        "cswidget: target https://api.customersure.com (from --base-url, not local)"
    )


@pytest.mark.usefixtures("orders")
def test_a_dry_run_never_asks(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*REMOTE, "requests", "create", "--csv", "orders.csv", "--dry-run"]
    assert run(recorder, argv, monkeypatch=monkeypatch) == 1  # the rejected row
    assert capsys.readouterr().out == "checked 2 of 3 feedback requests\n"
    assert recorder.sent() == []


def test_rows_that_all_fail_locally_ask_nothing_and_send_nothing(
    tmp_path: Path,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "bad.csv").write_text(CSV.split("\n")[0] + "\nx,y,z,w,v\n", encoding="utf-8")
    argv = [*REMOTE, "requests", "create", "--csv", "bad.csv"]
    assert run(recorder, argv, monkeypatch=monkeypatch) == 1
    assert capsys.readouterr().out == "created 0 of 1 feedback requests\n"
    assert recorder.sent() == []


@pytest.mark.parametrize(
    "arguments",
    [["metrics", "nps"], ["--yes", "sites", "create", "--site-code", "hq", "--name", "HQ",
                          "--region", "North"]],
)  # fmt: skip
@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ([], "https://api.customersure.com (the default)"),
        (["--base-url", "https://api.customersure.com"],
         "https://api.customersure.com (from --base-url)"),
        (["--base-url", "http://0.0.0.0:8010"], "http://0.0.0.0:8010 (from --base-url)"),
        (["--base-url", "http://localhost.evil.example"],
         "http://localhost.evil.example (from --base-url)"),
    ],
)  # fmt: skip
def test_the_sandbox_token_never_leaves_this_machine(
    arguments: list[str],
    address: list[str],
    shown: str,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [*address, "--user-agent", "Acme Ltd", *arguments]
    assert run(recorder, argv, token=SANDBOX_TOKEN, monkeypatch=monkeypatch) == 2
    assert errors(capsys) == [
        f"cswidget: error: CUSTOMERSURE_API_TOKEN holds the sandbox's default token, and "
        f"{shown} is not local: set your real token, or point --base-url or "
        "CUSTOMERSURE_API_URL at the sandbox (nothing sent)"
    ]
    assert recorder.sent() == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:8010", "http://[::1]:8010", "http://localhost"])
def test_another_token_sent_to_a_local_server_is_warned_about(
    url: str,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--base-url", url, "--user-agent", "Acme Ltd", "metrics", "nps"]
    assert run(recorder, argv, monkeypatch=monkeypatch) == 0
    origin = httpx.URL(url).copy_with(path="/").__str__().removesuffix("/")
    assert errors(capsys) == [
        f"cswidget: warning: CUSTOMERSURE_API_TOKEN is not the sandbox's default token, and it "
        f"goes to {origin}, a local server: if it is your real token, that server has it now"
    ]
    assert len(recorder.requests) == 1


def test_the_sandbox_token_to_a_local_server_is_quiet(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--base-url", "http://127.0.0.1:8010", "--user-agent", "Acme Ltd", "metrics", "nps"]
    assert run(recorder, argv, token=SANDBOX_TOKEN, monkeypatch=monkeypatch) == 0
    assert errors(capsys) == []


def test_the_sandbox_token_is_defined_once() -> None:
    from cswidget.sandbox import DEFAULT_TOKEN

    assert DEFAULT_TOKEN is SANDBOX_TOKEN


# --- a real terminal -----------------------------------------------------


@pytest.mark.parametrize(("answer", "status"), [(b"n\n", 2), (b"y\n", 1)])
def test_the_question_on_a_real_terminal(answer: bytes, status: int, tmp_path: Path) -> None:
    # 0.0.0.0 is not local, and nothing listens on its port 9: after "y" the
    # request is really attempted (and refused, exit 1); after "n" it is not.
    controller, terminal = pty.openpty()
    argv = [sys.executable, "-m", "cswidget", "api", "--base-url", "http://0.0.0.0:9",
            "--user-agent", "Acme Ltd", "sites", "create", "--site-code", "hq", "--name", "HQ",
            "--region", "North"]  # fmt: skip
    environ = {**os.environ, "CUSTOMERSURE_API_TOKEN": REAL_TOKEN}
    for name in ("CUSTOMERSURE_API_URL", "CUSTOMERSURE_USER_AGENT"):
        environ.pop(name, None)
    process = subprocess.Popen(
        argv, stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ,
        cwd=tmp_path,
    )  # fmt: skip
    os.close(terminal)
    os.write(controller, answer)
    _, err = process.communicate(timeout=60)
    os.close(controller)
    lines = err.decode().splitlines()
    assert (
        lines[0] == "cswidget: this will create site 'hq' on http://0.0.0.0:9, which is not local."
    )
    assert process.returncode == status
    if status == 2:
        assert lines[1:] == [PROMPT + "cswidget: error: not confirmed (nothing sent)"]
    else:
        assert lines[1] == PROMPT + "cswidget: target http://0.0.0.0:9 (from --base-url, not local)"
        assert lines[2].startswith("cswidget: error: POST http://0.0.0.0:9/sites: ConnectError")
