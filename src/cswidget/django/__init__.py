"""cswidget for Django: add "cswidget.django" to INSTALLED_APPS, then

    CSWIDGET = {"ORG": "acme", "SCRIPT_SRC": "https://acme.example/survey_widget.js"}

    {% load cswidget %}
    {% cswidget_embed "AKknWccEFf7" customer=customer metadata=order %}

Needs the `django` extra (from the clone's folder: `pip install '.[django]'`);
`import cswidget` never imports Django.
"""

from __future__ import annotations

from ..extras import MissingExtraError, installed

if not installed("django"):
    raise MissingExtraError("django", feature="cswidget.django")
