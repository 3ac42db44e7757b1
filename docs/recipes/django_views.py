from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def thanks(request: HttpRequest) -> HttpResponse:
    order = {"reference": "INV-2090"}
    return render(request, "thanks.html", {"order": order})
