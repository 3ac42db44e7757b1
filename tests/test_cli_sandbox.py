"""`cswidget sandbox`: the command serves the sandbox, and refuses bad flags."""

from __future__ import annotations

import contextlib
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


SERVE_WITH_DEADLINE = """
import sys
from cswidget.sandbox.server import listen, serve
sock = listen(host="127.0.0.1", port=0)
print(sock.getsockname()[1], flush=True)
serve(sock=sock, db=":memory:", request_timeout=float(sys.argv[1]))
"""


def closed_after(sock: socket.socket, limit: float) -> float | None:
    """Seconds until the server closes `sock` (None if it is still open after `limit`)."""
    start = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass  # an answer (a 400, say) before the close
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return time.monotonic() - start


def test_slow_and_silent_clients_are_cut_off_after_the_request_timeout() -> None:
    # Issue 18: slowloris connections stayed open for ever (306 after 100 s).
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE_WITH_DEADLINE, "1.0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    with server, contextlib.ExitStack() as sockets:
        sockets.callback(server.terminate)
        assert server.stdout is not None
        port = int(server.stdout.readline())
        silent, slow_headers, slow_body, prompt = (
            sockets.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
            for _ in range(4)
        )
        slow_headers.sendall(b"GET /surveys HTTP/1.1\r\nHost: x\r\n")
        slow_body.sendall(
            b'POST /sites HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"site_code"'
        )
        # A request that arrives whole, in pieces, within the deadline is answered.
        prompt.sendall(b"GET /openapi.json HTTP/1.1\r\n")
        prompt.sendall(b"Host: x\r\n\r\n")
        assert prompt.recv(12) == b"HTTP/1.1 200"
        for sock in (silent, slow_headers, slow_body):
            elapsed = closed_after(sock, limit=20)
            assert elapsed is not None, "still open"
            assert elapsed < 10
        # After an answer, the open connection is idle, not arriving: the
        # keep-alive timer (75 s) is uvicorn's, so it is still open here.
        assert closed_after(prompt, limit=2.5) is None
