from typing import Any

import jinja2

from cswidget.jinja import WidgetDefaults, configure


def environment(**options: Any) -> jinja2.Environment:
    """TEMPLATES = [{"BACKEND": "django.template.backends.jinja2.Jinja2",
    "OPTIONS": {"environment": "myproject.jinja2.environment", ...}}]"""
    env = jinja2.Environment(**options)
    configure(env, WidgetDefaults(org="acme", script_src="https://acme.example/survey_widget.js"))
    return env
