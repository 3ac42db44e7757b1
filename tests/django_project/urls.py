from __future__ import annotations

from django.urls import path

from django_project import views

urlpatterns = [
    path("", views.page),
    path("widget.js", views.widget_script),
]
