"""What a server can make cswidget.api do is bounded: hostile answers from a
real local server (a raw socket in a thread) and from `httpx.MockTransport`,
through `Client`, `AsyncClient` and `cswidget api ...`. Each ends in the
client's own `APIError` family, within the limits docs/api.md gives, and
the command line prints one line for it with exit status 1."""

from __future__ import annotations

import functools
import json
import math
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import cswidget.api.command
from api_twins import MODES, TOKEN, Twin, json_response, run_async
from cswidget.api import (
    APIError,
    APITimeoutError,
    AsyncClient,
    Client,
    InvalidResponseError,
    NotFoundError,
    PageLimitError,
    Paginator,
    RateLimitError,
    RetryPolicy,
)
from cswidget.api import deadline as deadline_module
from cswidget.api.limits import (
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_RESPONSE_BYTES,
    MAX_JSON_DEPTH,
    Decompressor,
    json_too_deep,
)
from cswidget.api.retry import parse_retry_after
from cswidget.cli import main

SITE = {"id": "111", "site_code": "hq", "name": "Head Office", "region": "North"}
DEEP = b"[" * 100_000 + b"]" * 100_000
Answer = Callable[[socket.socket, str], None]


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --- a real server that misbehaves -------------------------------------------


class RawServer:
    """A local HTTP server that answers each request with `answer(connection,
    request_line)`, each connection in a thread of its own."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(10)
            head = b""
            try:
                while b"\r\n\r\n" not in head:
                    data = connection.recv(65536)
                    if not data:
                        return
                    head += data
                self.answer(connection, head.decode("latin-1").split("\r\n")[0])
            except OSError:  # the client gave up: what these tests want
                return

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.listener.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Answer], str]]:
    servers: list[RawServer] = []

    def start(answer: Answer) -> str:
        servers.append(RawServer(answer))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()


def head(status: str = "200 OK", **headers: str | int) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def canned(status: str = "200 OK", body: bytes = b"[]", **headers: str | int) -> Answer:
    headers.setdefault("Content_Type", "application/json")
    message = head(status, Content_Length=len(body), **headers) + body

    def answer(connection: socket.socket, request_line: str) -> None:
        connection.sendall(message)

    return answer


def dripping_body(connection: socket.socket, request_line: str) -> None:
    # One byte every 50 ms: each read is quick, the answer never ends.
    connection.sendall(head(Content_Type="application/json", Content_Length=10**9))
    while True:
        connection.sendall(b" ")
        time.sleep(0.05)  # the server's pace, not a wait in the test


def dripping_headers(connection: socket.socket, request_line: str) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\n")
    for number in range(10**6):
        connection.sendall(f"X-Drip-{number}: 1\r\n".encode())
        time.sleep(0.05)


def paging_cycle(connection: socket.socket, request_line: str) -> None:
    # Page 1 links to page 2, page 2 back to page 1.
    page = "2" if "page=2" in request_line else "1"
    other = "1" if page == "2" else "2"
    body = json.dumps([{**SITE, "id": page}]).encode()
    link = f'<http://x.test/sites?page={other}>; rel="next"'
    connection.sendall(
        head(Content_Type="application/json", Content_Length=len(body), Link=link) + body
    )


@functools.cache
def gzip_bomb() -> bytes:
    """512 MiB of zeros, gzipped: about 2 MB."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    return b"".join([*(compressor.compress(zeros) for _ in range(512)), compressor.flush()])


def bomb(connection: socket.socket, request_line: str) -> None:
    body = gzip_bomb()
    connection.sendall(
        head(Content_Type="application/json", Content_Encoding="gzip", Content_Length=len(body))
        + body
    )


def sites_list(url: str, mode: str, **options: Any) -> Any:
    """`sites.list()` from a real client on `url`, every item collected."""
    options = {"user_agent": "Acme Ltd", "base_url": url, "max_retries": 0, **options}
    if mode == "sync":
        with Client(TOKEN, **options) as client:
            return list(client.sites.list())

    async def collect() -> Any:
        async with AsyncClient(TOKEN, **options) as client:
            return [site async for site in client.sites.list()]

    return run_async(collect())


UPPER_JSON = "APPLICATION/JSON; Charset=UTF-8"
LONG_LINK = '<http://x.test/sites?page=2>; rel="next"' + ", <http://x.test/>; rel=x" * 3700

# answer -> (error class, the error's text; PORT stands for the server's)
HOSTILE_SERVERS: dict[str, tuple[Answer, type[APIError], str]] = {
    "retry-after of 401 digits": (
        canned("429 Too Many Requests", b'{"message": "Slow down"}', Retry_After="9" * 401),
        RateLimitError,
        "429 Slow down",
    ),
    "retry-after of 5,000 digits": (
        canned("429 Too Many Requests", b'{"message": "Slow down"}', Retry_After="9" * 5000),
        RateLimitError,
        "429 Slow down",
    ),
    "x-total-count of ²": (
        canned(X_Total_Count="²"),
        InvalidResponseError,
        "200 X-Total-Count: not a count of at most 18 digits: '²'",
    ),
    "x-total-count of 5,000 digits": (
        canned(X_Total_Count="7" * 5000),
        InvalidResponseError,
        "200 X-Total-Count: not a count of at most 18 digits: '77777777777777777777…'",
    ),
    "a body nested 100,000 deep": (
        canned(body=DEEP),
        InvalidResponseError,
        f"200 the response nests deeper than {MAX_JSON_DEPTH} levels, the most the client reads",
    ),
    "an error body nested 100,000 deep": (
        canned("404 Not Found", DEEP),
        NotFoundError,
        "404 Not Found (application/json response, not the API's JSON)",
    ),
    "a link header of 92 KB": (
        canned(Link=LONG_LINK),
        InvalidResponseError,
        f"200 Link: longer than 8192 characters ({len(LONG_LINK)})",
    ),
    "paging 1 -> 2 -> 1": (
        paging_cycle,
        InvalidResponseError,
        "Link: the next page PORT/sites?page=1 was fetched before (page 2 links back): "
        "the list would never end",
    ),
    "a gzip body of 512 MiB": (
        bomb,
        InvalidResponseError,
        f"200 the response body is larger than {DEFAULT_MAX_RESPONSE_BYTES} bytes "
        "(max_response_bytes)",
    ),
    "a body in an encoding the client did not ask for": (
        canned(body=b"\x00", Content_Encoding="br"),
        InvalidResponseError,
        "200 Content-Encoding: 'br' is not one the client accepts (gzip, deflate)",
    ),
    "a gzip body that does not decompress": (
        canned(body=b"not gzip", Content_Encoding="gzip"),
        InvalidResponseError,
        "200 Content-Encoding: the gzip body does not decompress "
        "(Error -3 while decompressing data: incorrect header check)",
    ),
    "an error in upper-case JSON": (
        canned("404 Not Found", b'{"message": "No such site"}', Content_Type=UPPER_JSON),
        NotFoundError,
        "404 No such site",
    ),
    "a body that drips for ever": (
        dripping_body,
        APITimeoutError,
        "GET PORT/sites: timed out (ReadTimeout)",
    ),
    "headers that drip for ever": (
        dripping_headers,
        APITimeoutError,
        "GET PORT/sites: timed out (ReadTimeout)",
    ),
}
TIMEOUT = 1.0


@pytest.mark.parametrize("case", HOSTILE_SERVERS)
def test_a_hostile_server_ends_in_the_clients_own_error(
    serve: Callable[[Answer], str], mode: str, case: str
) -> None:
    answer, error_class, text = HOSTILE_SERVERS[case]
    gzip_bomb()  # made once, before the clock starts
    url = serve(answer)
    # A 429 is retried (its Retry-After read); a timeout is not, to stay short.
    retries = 2 if error_class is RateLimitError else 0
    started = time.monotonic()
    with pytest.raises(APIError) as caught:
        sites_list(url, mode, timeout=TIMEOUT, max_retries=retries)
    assert type(caught.value) is error_class
    assert str(caught.value) == text.replace("PORT", url)
    # The whole call, a drip included, ends near the timeout (a second of
    # slack for a loaded machine); httpx alone bounds each read only.
    assert time.monotonic() - started < TIMEOUT + 1


@pytest.mark.parametrize("case", HOSTILE_SERVERS)
def test_the_command_line_prints_one_line_for_each(
    serve: Callable[[Answer], str],
    case: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer, error_class, text = HOSTILE_SERVERS[case]
    gzip_bomb()
    url = serve(answer)
    monkeypatch.setenv("CUSTOMERSURE_API_TOKEN", TOKEN)
    # The command's own client, with a short timeout; retries for a 429 only.
    retries = 2 if error_class is RateLimitError else 0
    monkeypatch.setattr(
        cswidget.api.command,
        "Client",
        functools.partial(Client, timeout=TIMEOUT, max_retries=retries),
    )
    code = main(["api", "--base-url", url, "--user-agent", "Acme Ltd", "sites", "list"])
    out, err = capsys.readouterr()
    assert (code, err) == (1, f"cswidget: error: {text.replace('PORT', url)}\n")
    if case == "paging 1 -> 2 -> 1":  # the pages before the cycle were printed
        assert [json.loads(line)["id"] for line in out.splitlines()] == ["1", "2"]


def test_the_command_line_escapes_what_the_server_wrote(
    serve: Callable[[Answer], str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    message = "No\nsuch \u001b[31msite\u202e" + "!" * 5000
    url = serve(canned("404 Not Found", json.dumps({"message": message}).encode()))
    monkeypatch.setenv("CUSTOMERSURE_API_TOKEN", TOKEN)
    code = main(["api", "--base-url", url, "--user-agent", "Acme Ltd", "sites", "list"])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == (
        "cswidget: error: 404 No\\x0asuch \\x1b[31msite\\u202e"
        + "!" * 1978
        + "...(+3022 characters)\n"
    )


def test_a_gzip_bomb_is_refused_without_expanding_in_memory(
    serve: Callable[[Answer], str], mode: str
) -> None:
    url = serve(bomb)
    gzip_bomb()  # made before measuring
    tracemalloc.start()
    try:
        with pytest.raises(InvalidResponseError, match="larger than 1048576 bytes"):
            sites_list(url, mode, max_response_bytes=1 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # 1 MiB of body, 64 KiB pieces, and a few network reads: far from the
    # 512 MiB the body expands to (before: the whole of it, and more).
    assert peak < 8 << 20


def test_a_slow_but_steady_answer_within_the_timeout_is_read_whole(
    serve: Callable[[Answer], str], mode: str
) -> None:
    body = json.dumps([SITE]).encode()

    def slow(connection: socket.socket, request_line: str) -> None:
        connection.sendall(head(Content_Type="application/json", Content_Length=len(body)))
        for byte in range(len(body)):
            connection.sendall(body[byte : byte + 1])
            time.sleep(0.002)

    url = serve(slow)
    assert [site.id for site in sites_list(url, mode, timeout=5.0)] == ["111"]


@pytest.mark.parametrize("client_class", [Client, AsyncClient])
def test_the_deadline_is_under_every_transport_httpx_makes(
    client_class: type[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # httpx offers no public way to choose the network backend: this shows
    # the one cswidget.api.deadline sets took, on this httpx, for the
    # default transport and for a proxy the environment names.
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = client_class(TOKEN, user_agent="Acme Ltd")
    transports = [client._http._transport, *client._http._mounts.values()]
    backends = [type(t._pool._network_backend).__name__ for t in transports if t is not None]
    assert sorted(backends) == (
        ["_Backend", "_Backend"] if client_class is Client else ["_AsyncBackend", "_AsyncBackend"]
    )
    assert deadline_module.install(client._http) == 2  # once only: already there
    mock = httpx.MockTransport(lambda request: httpx.Response(200))
    assert not deadline_module.install_transport(mock)


# --- the same through httpx.MockTransport ------------------------------------


def replies(*answers: httpx.Response) -> Callable[[httpx.Request], httpx.Response]:
    queue = iter(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        answer = next(queue)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    return handler


def test_a_link_header_of_one_megabyte_is_refused(mode: str) -> None:
    link = "<" + "a" * (1 << 20) + '>; rel="next"'
    twin = Twin(mode, replies(json_response([SITE], headers={"Link": link})))
    with pytest.raises(InvalidResponseError, match=r"^200 Link: longer than 8192 characters"):
        twin(lambda client: client.sites.list())


def test_a_next_link_that_is_not_a_url_is_an_invalid_response(mode: str) -> None:
    twin = Twin(mode, replies(json_response([SITE], headers={"Link": '<http://[::1>; rel="next"'})))
    with pytest.raises(InvalidResponseError, match=r"^200 Link: the next page is not a URL"):
        twin(lambda client: client.sites.list())


def collect(paginator: Any) -> Any:
    """The ids a list yields before it fails, and the error."""
    ids: list[str] = []
    if isinstance(paginator, Paginator):
        try:
            for site in paginator:
                ids.append(site.id)
        except APIError as error:
            return ids, error
        return ids, None

    async def run() -> Any:
        try:
            async for site in paginator:
                ids.append(site.id)
        except APIError as error:
            return ids, error
        return ids, None

    return run()


def endless(request: httpx.Request) -> httpx.Response:
    page = int(request.url.params.get("page", "1"))
    return json_response(
        [{**SITE, "id": str(page)}],
        headers={"Link": f'<https://x.test/sites?page={page + 1}>; rel="next"'},
    )


def looping(cycle: int) -> Callable[[httpx.Request], httpx.Response]:
    """Page n links to page n + 1, the last of `cycle` pages back to page 1."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        following = page + 1 if page < cycle else 1
        return json_response(
            [{**SITE, "id": str(page)}],
            headers={"Link": f'<https://x.test/sites?page={following}>; rel="next"'},
        )

    return handler


@pytest.mark.parametrize("cycle", [2, 3, 50])
def test_paging_stops_at_any_cycle_after_the_pages_before_it(mode: str, cycle: int) -> None:
    twin = Twin(mode, looping(cycle))
    ids, error = twin(lambda client: collect(client.sites.list()))
    assert ids == [str(page) for page in range(1, cycle + 1)]
    assert isinstance(error, InvalidResponseError)
    assert str(error) == (
        "Link: the next page https://api.customersure.test/sites?page=1 was fetched before "
        f"(page {cycle} links back): the list would never end"
    )
    assert len(twin.requests) == cycle


def test_paging_stops_after_max_pages(mode: str) -> None:
    twin = Twin(mode, endless, max_pages=3)
    ids, error = twin(lambda client: collect(client.sites.list()))
    assert ids == ["1", "2", "3"]
    assert type(error) is PageLimitError
    assert str(error) == (
        "the list has more than 3 pages (max_pages); raise max_pages, or read it in parts"
    )
    assert len(twin.requests) == 3


def test_the_default_page_limit() -> None:
    assert DEFAULT_MAX_PAGES == 10_000
    assert Client(TOKEN, user_agent="Acme Ltd").max_pages == DEFAULT_MAX_PAGES


@pytest.mark.parametrize("value", [0, -1, True, 1.5])
def test_limits_must_be_whole_numbers_of_one_or_more(value: Any) -> None:
    with pytest.raises(ValueError, match=r"^max_pages: must be a whole number of 1 or more"):
        Client(TOKEN, user_agent="Acme Ltd", max_pages=value)
    with pytest.raises(ValueError, match=r"^max_response_bytes: must be a whole number"):
        Client(TOKEN, user_agent="Acme Ltd", max_response_bytes=value)


@pytest.mark.parametrize(
    "content_type",
    [UPPER_JSON, "Application/Json", "application/JSON", "APPLICATION/PROBLEM+JSON"],
)
def test_an_error_in_json_of_any_case_keeps_its_message(mode: str, content_type: str) -> None:
    body = {"message": "Validation error", "errors": [
        {"resource": "/sites/", "field": "site_code", "error": "taken", "extra_info": {}}
    ]}  # fmt: skip
    answer = httpx.Response(422, json=body, headers={"Content-Type": content_type})
    twin = Twin(mode, replies(answer))
    with pytest.raises(APIError) as caught:
        twin(lambda client: client.sites.get("hq"))
    assert caught.value.to_dict() == body


def test_a_success_in_upper_case_json_is_read(mode: str) -> None:
    answer = httpx.Response(200, json=SITE, headers={"Content-Type": UPPER_JSON})
    twin = Twin(mode, replies(answer))
    assert twin(lambda client: client.sites.get("hq")).name == "Head Office"


@pytest.mark.parametrize("digits", [16, 401, 5000])
def test_a_retry_after_longer_than_any_policy_fails_at_once(mode: str, digits: int) -> None:
    answer = json_response({"message": "Slow down"}, 429, {"Retry-After": "9" * digits})
    twin = Twin(mode, replies(answer))
    with pytest.raises(RateLimitError) as caught:
        twin(lambda client: client.sites.get("hq"))
    assert caught.value.retry_after == math.inf
    assert twin.sleeps == []


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("9" * 15, 999999999999999.0),
        ("9" * 16, math.inf),
        ("9" * 5000, math.inf),
        ("x" * 5000, None),
        ("Wed, 21 Oct 2015 07:28:10 GMT" + " " * 5000, 10.0),
        ("Wed, 21 Oct 2015 07:28:10 GMT" + "x" * 100, None),
    ],
)
def test_parse_retry_after_never_raises(value: str, seconds: float | None) -> None:
    from api_twins import NOW

    assert parse_retry_after(value, now=NOW) == seconds


def test_a_policy_waits_at_most_a_day() -> None:
    with pytest.raises(
        ValueError, match=r"^max_retry_after must be between 0 and 86400\.0 seconds"
    ):
        RetryPolicy(max_retry_after=math.inf)


@pytest.mark.parametrize("value", ["²", "٣", "-1", "1e3", " ", "12 34", "abc"])
def test_a_total_count_that_is_not_a_count_is_an_invalid_response(mode: str, value: str) -> None:
    headers = {"X-Total-Count": value.encode()}  # as UTF-8 on the wire
    twin = Twin(mode, replies(json_response([SITE], headers=headers)))
    with pytest.raises(InvalidResponseError, match=r"^200 X-Total-Count: not a count"):
        twin(lambda client: client.sites.list())


def test_a_total_count_is_read() -> None:
    twin = Twin("sync", replies(json_response([SITE], headers={"X-Total-Count": " 42 "})))
    assert twin(lambda client: client.sites.list()).total_count == 42


@pytest.mark.parametrize("method", ["get", "list"])
def test_a_body_nested_too_deep_is_refused_before_decoding(mode: str, method: str) -> None:
    answer = httpx.Response(200, content=DEEP, headers={"Content-Type": "application/json"})
    twin = Twin(mode, replies(answer))

    def call(client: Any) -> Any:
        return client.sites.get("hq") if method == "get" else client.sites.list()

    with pytest.raises(InvalidResponseError, match="nests deeper than 32 levels"):
        twin(call)


def test_a_body_past_max_response_bytes_is_refused(mode: str) -> None:
    answer = json_response([SITE] * 100)
    twin = Twin(mode, replies(answer), max_response_bytes=1000)
    with pytest.raises(InvalidResponseError, match=r"^200 the response body is larger than 1000"):
        twin(lambda client: client.sites.list())


# --- the limits themselves ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "too_deep"),
    [
        (b"[" * 32 + b"]" * 32, False),
        (b"[" * 33 + b"]" * 33, True),
        (b'{"a":' * 32 + b"1" + b"}" * 32, False),
        (b'{"a":' * 33 + b"1" + b"}" * 33, True),
        # Brackets in strings, escaped quotes and backslashes do not count.
        (b'["' + b"[" * 100 + b'"]', False),
        (b'["\\"' + b"[" * 100 + b'"]', False),
        (b'["\\\\", ' + b"[" * 33 + b"]" * 33 + b"]", True),
        (b'["\\\\\\"[[[[", 1]', False),
        (b"[" * 100_000, True),
        (b"]" * 100_000, False),
        (b'"' + b"[" * 100_000, False),  # one unterminated string
        (b"", False),
    ],
)
def test_json_too_deep(body: bytes, too_deep: bool) -> None:
    assert json_too_deep(body) is too_deep
    if not too_deep:
        try:
            json.loads(body)
        except ValueError:
            return  # not JSON: refused by the decoder, never by recursion


@pytest.mark.parametrize("depth", range(28, 37))
def test_json_too_deep_agrees_with_the_decoder(depth: int) -> None:
    value: Any = ']]}\\"[['
    for level in range(depth):
        value = [value, {"k": value if level < 3 else 1}] if level % 2 else {"a": [value]}
    body = json.dumps(value).encode()

    def measured(item: Any) -> int:
        if isinstance(item, dict):
            return 1 + max((measured(child) for child in item.values()), default=0)
        if isinstance(item, list):
            return 1 + max((measured(child) for child in item), default=0)
        return 0

    assert json_too_deep(body) is (measured(json.loads(body)) > MAX_JSON_DEPTH)


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", lambda data: zlib.compress(data, wbits=31)),
        ("x-gzip", lambda data: zlib.compress(data, wbits=31)),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),  # raw deflate
        ("gzip, deflate", lambda data: zlib.compress(zlib.compress(data, wbits=31))),
        ("identity", lambda data: data),
        ("", lambda data: data),
    ],
)
def test_the_decompressor_undoes_each_encoding_in_pieces(
    encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    data = b"".join(json.dumps(SITE).encode() for _ in range(20_000))
    encoded = encode(data)
    decompressor = Decompressor(encoding)
    pieces = [
        piece
        for start in range(0, len(encoded), 1000)
        for piece in decompressor.feed(encoded[start : start + 1000])
    ]
    assert b"".join(pieces) == data
    assert max(map(len, pieces)) <= 64 * 1024


def test_three_encodings_on_one_body_are_refused() -> None:
    from cswidget.api.limits import BodyRefused

    with pytest.raises(BodyRefused, match="3 encodings on one body"):
        Decompressor("gzip, gzip, gzip")


def test_the_client_asks_only_for_what_it_decompresses(mode: str) -> None:
    twin = Twin(mode, replies(json_response(SITE)))
    twin(lambda client: client.sites.get("hq"))
    assert twin.requests[0].headers["Accept-Encoding"] == "gzip, deflate"
