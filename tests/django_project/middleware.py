"""django-csp's contract, without django-csp: `request.csp_nonce` per request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# A fixed nonce, so tests can compare whole pages exactly.
NONCE = "cHJvdmVkLW5vbmNl"


class FakeCspNonceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.GET.get("csp") == "1":
            request.csp_nonce = NONCE  # type: ignore[attr-defined]
        return self.get_response(request)
