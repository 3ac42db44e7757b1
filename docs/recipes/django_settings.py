INSTALLED_APPS = [
    # ... your apps ...
    "cswidget.django",
]

CSWIDGET = {
    "ORG": "acme",
    "SCRIPT_SRC": "https://acme.example/survey_widget.js",
    "SEGMENT_KEYS": ["region"],
    # "ON_ERROR": "omit",  # the default: "raise" with DEBUG on or in tests, else "omit"
    # "USER_PARAMS": "myproject.surveys.user_params",  # user -> survey params
}
