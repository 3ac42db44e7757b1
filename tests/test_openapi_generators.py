"""Two real client generators, each fed the document the sandbox serves
(`GET /openapi.json`), each generating into a temporary folder, and each
generated client calling every operation against the sandbox and parsing
every answer into its own models.

- openapi-python-client, configured as docs/api.md tells its users: base
  URL, the whole `Token token="..."` with no prefix, the user agent, and the
  one `Accept` header it never sends by itself.
- OpenAPI Generator's `python` client, configured with nothing but the base
  URL, the token and the user agent: it picks `Accept` from the document.

Generation runs once per module, with the commands docs/api.md gives (run
as written, with its CUSTOMERSURE_API_URL pointing at a sandbox on a free
port); the docs' Python runs as written too. Generated code runs in this
venv, in a child process with warnings as errors.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ensure_java
from cswidget import openapi
from cswidget.vocabulary import API_MEDIA_TYPE
from openapi_tools import ROOT, TOKEN, USER_AGENT, Recorder, recorded_sandbox, tool_env

API_DOC = ROOT / "docs" / "api.md"
SANDBOX_DOC = ROOT / "docs" / "sandbox.md"
CLIENTS = Path(__file__).resolve().parent / "openapi_clients"
HEADING = "## Generate a client in another tool\n"
OPERATION_IDS = sorted(operation.operation_id for operation in openapi.OPERATIONS)
# What each operation's answer is parsed into, by both clients.
MODELS = {
    operation.operation_id: f"list[{operation.result}]" if operation.listed else operation.result
    for operation in openapi.OPERATIONS
}
GENERATE_TIMEOUT = 300


def section(doc: Path) -> str:
    text = doc.read_text(encoding="utf-8")
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return text[start : end if end != -1 else len(text)]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)\n```", section(API_DOC), re.S)


def java_bin() -> str:
    java = ensure_java.find_java()
    assert java, "no Java for OpenAPI Generator: see tests/ensure_java.py"
    return str(Path(java).resolve().parent)


def environment(url: str) -> dict[str, str]:
    """docs/api.md's variables, with the sandbox's URL, and Java on PATH."""
    # A short-lived JVM: C1 only starts the generator seconds sooner.
    env = tool_env(
        CUSTOMERSURE_API_URL=url, CUSTOMERSURE_API_TOKEN=TOKEN, JAVA_OPTS="-XX:TieredStopAtLevel=1"
    )
    env["PATH"] = os.pathsep.join([env["PATH"], java_bin()])
    return env


def run_commands(commands: str, *, cwd: Path, url: str) -> Path:
    """Run a ```sh block of the docs in bash, stopping at the first failure;
    returns the folder it ends in (a block may `cd`)."""
    finished = subprocess.run(
        ["bash", "-e", "-c", f"{commands}\npwd"], cwd=cwd, env=environment(url),
        capture_output=True, text=True, timeout=GENERATE_TIMEOUT,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return Path(finished.stdout.splitlines()[-1])


def run_python(source: str, *, cwd: Path, url: str, args: tuple[str, ...] = ()) -> str:
    finished = subprocess.run(
        [sys.executable, "-W", "error", "-c", source, *args], cwd=cwd, env=environment(url),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout


def driver(name: str) -> str:
    return (CLIENTS / name).read_text(encoding="utf-8")


def assert_sent_as_configured(recorder: Recorder, *, requests: int) -> None:
    """Every request carried the user agent, the token and the API's media
    type, and every answer was a success."""
    sent = [
        (e.headers.get("user-agent"), e.headers.get("accept"), e.headers.get("authorization"))
        for e in recorder.exchanges
    ]
    assert sent == [(USER_AGENT, API_MEDIA_TYPE, f'Token token="{TOKEN}"')] * requests
    assert [e.status for e in recorder.exchanges if not 200 <= e.status < 300] == []


# --- the docs show the same commands on both pages ---------------------------------


def test_the_sandbox_page_shows_the_api_pages_commands() -> None:
    shown = re.findall(r"```sh\n(.*?)\n```", SANDBOX_DOC.read_text(encoding="utf-8"), re.S)
    for commands in blocks("sh"):
        assert commands in shown


# --- openapi-python-client -----------------------------------------------------------


@pytest.fixture(scope="module")
def opc_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the docs' commands generated `customersure_client`."""
    folder = tmp_path_factory.mktemp("openapi-python-client")
    with recorded_sandbox() as (url, _):
        ended = run_commands(blocks("sh")[0], cwd=folder, url=url)
    assert (ended / "customersure_client" / "client.py").exists()
    return ended


def test_openapi_python_client_docs_example_runs_as_written(opc_folder: Path) -> None:
    with recorded_sandbox() as (url, recorder):
        printed = run_python(blocks("python")[0], cwd=opc_folder, url=url)
    (exchange,) = recorder.exchanges
    assert (exchange.method, exchange.path, exchange.status) == ("GET", "/nps", 200)
    assert_sent_as_configured(recorder, requests=1)
    nps = json.loads(exchange.body)
    score, ratings = nps["net_promoter_score"], nps["total_number_of_ratings"]
    assert printed == f"NPS {score} from {ratings} ratings\n"


def test_openapi_python_client_calls_every_operation(opc_folder: Path) -> None:
    with recorded_sandbox() as (url, recorder):
        printed = run_python(driver("every_operation_opc.py"), cwd=opc_folder, url=url, args=(url,))
    assert json.loads(printed) == MODELS
    assert sorted(json.loads(printed)) == OPERATION_IDS
    assert_sent_as_configured(recorder, requests=len(OPERATION_IDS))
    # Its request bodies go out as the document declares them.
    assert {e.headers.get("content-type") for e in recorder.exchanges if e.method != "GET"} == {
        API_MEDIA_TYPE
    }


def test_openapi_python_client_names_read_like_the_document(opc_folder: Path) -> None:
    package = opc_folder / "customersure_client"
    # One module per operationId, in snake case, by tag.
    modules = sorted(path.stem for path in package.glob("api/*/*.py") if path.stem != "__init__")
    snake = sorted(re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() for name in OPERATION_IDS)
    assert modules == snake
    # x-enum-varnames: Period.THIRTY_DAYS, not Period.VALUE_1.
    period = ast.parse((package / "models" / "period.py").read_text(encoding="utf-8"))
    names = {
        target.id: node.value.value
        for node in ast.walk(period)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert names == {name: value for value, name in openapi.PERIOD_NAMES.items()}


# --- OpenAPI Generator ---------------------------------------------------------------


@pytest.fixture(scope="module")
def oag_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the docs' commands generated `customersure_oag` (and ended, after `cd`)."""
    folder = tmp_path_factory.mktemp("openapi-generator")
    with recorded_sandbox() as (url, _):
        ended = run_commands(blocks("sh")[1], cwd=folder, url=url)
    assert (ended / "customersure_oag" / "api_client.py").exists()
    return ended


def test_openapi_generator_docs_example_runs_as_written(oag_folder: Path) -> None:
    with recorded_sandbox() as (url, recorder):
        printed = run_python(blocks("python")[1], cwd=oag_folder, url=url)
    (exchange,) = recorder.exchanges
    assert (exchange.method, exchange.path, exchange.status) == ("GET", "/sites", 200)
    assert_sent_as_configured(recorder, requests=1)
    sites = json.loads(exchange.body)
    assert printed == "".join(f"{site['site_code']} {site['name']}\n" for site in sites)


def test_openapi_generator_calls_every_operation(oag_folder: Path) -> None:
    with recorded_sandbox() as (url, recorder):
        printed = run_python(driver("every_operation_oag.py"), cwd=oag_folder, url=url, args=(url,))
    assert json.loads(printed) == MODELS
    assert sorted(json.loads(printed)) == OPERATION_IDS
    assert_sent_as_configured(recorder, requests=len(OPERATION_IDS))
    assert {e.headers.get("content-type") for e in recorder.exchanges if e.method != "GET"} == {
        API_MEDIA_TYPE
    }


def test_openapi_generator_sends_its_own_user_agent_over_the_argument(oag_folder: Path) -> None:
    # Why the docs set ApiClient.user_agent: the argument alone is replaced
    # by the ApiClient's default headers (api_client.py's param_serialize).
    source = f"""
import sys
import customersure_oag
configuration = customersure_oag.Configuration(
    host=sys.argv[1], api_key={{"token": 'Token token="{TOKEN}"'}})
with customersure_oag.ApiClient(configuration) as api_client:
    customersure_oag.SurveysApi(api_client).list_surveys("Acme Ltd")
"""
    with recorded_sandbox() as (url, recorder):
        run_python(source, cwd=oag_folder, url=url, args=(url,))
    assert [e.headers["user-agent"] for e in recorder.exchanges] == [
        "OpenAPI-Generator/1.0.0/python"
    ]
