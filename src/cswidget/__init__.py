"""cswidget: validated, safely escaped CustomerSure survey widget embeds.

from cswidget import Widget

widget = Widget(org="acme", survey="AKknWccEFf7",
                script_src="https://acme.example/survey_widget.js")
html = widget.embed({"name": "Kate", "reference": "INV-2090"})
"""

from __future__ import annotations

from .errors import FieldError as FieldError
from .errors import ValidationError as ValidationError
from .lifecycle import lifecycle_script as lifecycle_script
from .params import SurveyParams as SurveyParams
from .schemas import schema as schema
from .scripts import init_script as init_script
from .scripts import toggle_script as toggle_script
from .trigger import trigger as trigger
from .widget import Widget as Widget

__all__ = [
    "FieldError",
    "SurveyParams",
    "ValidationError",
    "Widget",
    "init_script",
    "lifecycle_script",
    "schema",
    "toggle_script",
    "trigger",
]
__version__ = "0.1.0"
