from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return []
