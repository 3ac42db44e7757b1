"""cswidget for Django: add "cswidget.django" to INSTALLED_APPS, then

    CSWIDGET = {"ORG": "acme", "SCRIPT_SRC": "https://acme.example/survey_widget.js"}

    {% load cswidget %}
    {% cswidget_embed "AKknWccEFf7" customer=customer metadata=order %}

Needs the `cswidget[django]` extra; `import cswidget` never imports Django.
"""
