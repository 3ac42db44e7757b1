"""demo_site.security.SecurityHeaders on its own, around a tiny app: what it
adds, what it leaves alone, and the CSRF token's rules."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from demo_site.security import CSRF_COOKIE, SecurityHeaders, csrf_token
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from livesrv import serve

SECRET = b"s" * 32


async def form(request: Request) -> Response:
    if request.method == "POST":
        return PlainTextResponse("accepted " + str((await request.form()).get("x")))
    return PlainTextResponse(request.state.csrf_token)


async def own_policy(request: Request) -> Response:
    return PlainTextResponse("", headers={"Content-Security-Policy": "script-src 'none'"})


async def forbidden(scope: object, receive: object, send: object) -> None:
    await PlainTextResponse("forged", status_code=403)(scope, receive, send)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = Starlette(
        routes=[
            Route("/form", form, methods=["GET", "POST"]),
            Route("/api/things", form, methods=["GET", "POST"]),
            Route("/own-policy", own_policy),
        ]
    )
    wrapped = SecurityHeaders(app, secret=SECRET, on_forbidden=forbidden, csrf_exempt=("/api/",))
    with serve(wrapped) as url:
        yield url


def test_the_token_is_the_hmac_of_the_cookie_and_the_cookie_is_strict(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as browser:
        response = browser.get("/form")
        cookie = response.headers["set-cookie"]
        value = re.fullmatch(
            f"{CSRF_COOKIE}=([A-Za-z0-9_-]{{43}}); HttpOnly; Path=/; SameSite=Strict", cookie
        ) or re.fullmatch(
            f"{CSRF_COOKIE}=([A-Za-z0-9_-]{{43}}); Path=/; HttpOnly; SameSite=Strict", cookie
        )
        assert value is not None, cookie
        assert response.text == csrf_token(secret=SECRET, cookie=value.group(1))
        # Once set, the cookie is kept: the page's token stays valid.
        assert "set-cookie" not in browser.get("/form").headers
        assert browser.post("/form", data={"csrf_token": response.text, "x": "1"}).text == (
            "accepted 1"
        )


@pytest.mark.parametrize("token", ["", "0" * 64, "not hex", "ü", "€"])
def test_a_wrong_token_is_forbidden(base_url: str, token: str) -> None:
    with httpx.Client(base_url=base_url) as browser:
        browser.get("/form")
        response = browser.post("/form", data={"csrf_token": token})
    assert (response.status_code, response.text) == (403, "forged")


def test_a_header_authenticated_api_is_exempt(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as browser:
        response = browser.post("/api/things", data={"x": "2"})
    assert (response.status_code, response.text) == (200, "accepted 2")


def test_json_posts_need_no_token_a_cross_site_form_cannot_send_them(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as browser:
        response = browser.post("/form", json={"x": 3})
    assert response.status_code == 200


def test_a_page_with_its_own_policy_keeps_it_and_gets_the_rest(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as browser:
        response = browser.get("/own-policy")
    assert response.headers.get_list("content-security-policy") == ["script-src 'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_a_token_that_is_not_utf_8_is_forbidden_not_an_error(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as browser:
        browser.get("/form")
        response = browser.post(
            "/form",
            content=b"csrf_token=%FF%80%ED%A0%80",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert (response.status_code, response.text) == (403, "forged")
