from __future__ import annotations

from django.apps import AppConfig


class CswidgetConfig(AppConfig):
    name = "cswidget.django"
    label = "cswidget"
    verbose_name = "CustomerSure survey widget"

    def ready(self) -> None:
        from django.core import checks

        from .checks import check_settings

        checks.register(check_settings)
