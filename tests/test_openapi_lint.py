"""The served OpenAPI document passes the validators other people use, as
they ship: openapi-spec-validator (0 errors) and Redocly CLI's `lint` with
its `recommended` rules (0 errors, 0 warnings)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from openapi_tools import ROOT, recorded_sandbox, served_document, tool, tool_env

REDOCLY_VERSION = json.loads((ROOT / "package.json").read_text())["devDependencies"]["@redocly/cli"]


@pytest.fixture(scope="module")
def document_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    with recorded_sandbox() as (url, _):
        path.write_bytes(served_document(url))
    return path


def test_openapi_spec_validator_finds_no_error(document_file: Path) -> None:
    spec, _ = read_from_filename(str(document_file))
    validate(spec)  # raises on the first error


def redocly_lint(document: Path) -> dict[str, object]:
    # An explicit configuration, so no redocly.yaml of the machine's applies.
    config = document.parent / "redocly.yaml"
    config.write_text("extends:\n  - recommended\n")
    finished = subprocess.run(
        [tool("redocly"), "lint", str(document), "--config", str(config), "--format", "json"],
        capture_output=True, text=True, env=tool_env(), cwd=document.parent, timeout=120,
    )  # fmt: skip
    report: dict[str, object] = json.loads(finished.stdout)
    return report


def test_redocly_recommended_finds_no_error_and_no_warning(document_file: Path) -> None:
    report = redocly_lint(document_file)
    assert report["version"] == REDOCLY_VERSION
    assert (report["totals"], report["problems"]) == (
        {"errors": 0, "warnings": 0, "ignored": 0},
        [],
    )


def test_redocly_would_see_a_missing_licence_and_operation_id(document_file: Path) -> None:
    # The lint above can fail: the same rules on a copy with two faults.
    document = json.loads(document_file.read_text())
    del document["info"]["license"]
    del document["paths"]["/nps"]["get"]["operationId"]
    broken = document_file.parent / "broken" / "openapi.json"
    broken.parent.mkdir(exist_ok=True)
    broken.write_text(json.dumps(document))
    report = redocly_lint(broken)
    problems = report["problems"]
    assert isinstance(problems, list)
    assert sorted(problem["ruleId"] for problem in problems) == [
        "info-license",
        "operation-operationId",
    ]
