"""Views that render the cswidget tags through Django's real template engine."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Set by the browser test: the stand-in widget script it serves.
WIDGET_SCRIPT = {"text": "window.CustomerSureSurveyWidget = {init: function () {}};"}


def page(request: HttpRequest) -> HttpResponse:
    context = {
        "order": {"reference": request.GET.get("reference", "INV-2090"), "total": 42},
        "customer": {"name": request.GET.get("name", "Kate"), "email": "kate@example.com"},
    }
    return render(request, "page.html", context)


def widget_script(request: HttpRequest) -> HttpResponse:
    return HttpResponse(WIDGET_SCRIPT["text"], content_type="text/javascript")
