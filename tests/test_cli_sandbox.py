"""`cswidget sandbox`: the command serves the sandbox, and refuses bad flags."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cswidget.cli import main
from cswidget.sandbox import DEFAULT_TOKEN

HEADERS = {
    "Accept": "application/vnd.customersure.v1+json;",
    "Authorization": f'Token token="{DEFAULT_TOKEN}"',
    "User-Agent": "curl/7.88.1",
}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sandbox", "--now", "yesterday"], "--now: not an ISO 8601 time: 'yesterday'"),
        (["sandbox", "--port", "-1"], "--port: must be 0 (any free port) to 65535, not -1"),
        (["sandbox", "--port", "65536"], "--port: must be 0 (any free port) to 65535, not 65536"),
        (["sandbox", "--seed", "full"], "argument --seed: invalid choice: 'full'"),
    ],
)
def test_bad_flags_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_command_serves_the_seeded_sandbox_with_a_frozen_clock() -> None:
    port = free_port()
    command = [sys.executable, "-m", "cswidget", "sandbox", "--port", str(port), "--db",
               ":memory:", "--seed", "demo", "--now", "2023-08-19T17:30:14+01:00"]  # fmt: skip
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(base + "/feedback_requests?state=pending", headers=HEADERS)
                break
            except httpx.TransportError:
                assert server.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.05)  # polling for the port, not waiting for readiness
        assert response.status_code == 200
        assert {item["created_at"] for item in response.json()} == {"2023-08-19T16:30:14Z"}
        assert f"<{base}/feedback_requests?state=pending" in response.headers["link"]
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert f"cswidget sandbox: {base} (database :memory:, frozen at 2023-08-19T16:30:14Z)" in err
    assert f"token: {DEFAULT_TOKEN}" in err


@pytest.mark.parametrize("occupied", ["127.0.0.1", "0.0.0.0"])
def test_a_busy_port_is_one_line_and_exit_2_before_anything_else(
    occupied: str, tmp_path: Path
) -> None:
    with socket.socket() as occupier:
        occupier.bind((occupied, 0))
        occupier.listen()
        port = occupier.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cswidget", "sandbox", "--port", str(port), "--seed", "demo"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert (result.returncode, result.stdout) == (2, "")
    # No banner first, and no database made (the default is in the working directory).
    assert result.stderr == (
        f"cswidget: error: cannot listen on 127.0.0.1 port {port}: Address already in use "
        "(is another sandbox running? choose another --port)\n"
    )
    assert list(tmp_path.iterdir()) == []
