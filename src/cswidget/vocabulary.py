"""The documented CustomerSure vocabulary, written once.

Every name, limit and error code here comes from the CustomerSure API v1
document ("Widget Javascript API", "Feedback Requests" and "Errors"
sections). Everything else in cswidget refers to these constants.
"""

from __future__ import annotations

from typing import Final

# "Customer data": filed as customer fields, pre-populated on the survey.
CUSTOMER_FIELDS: Final = ("name", "email", "telephone_number", "company_name", "postcode")

# "CustomerSure has two built in segment keys, staff_code and site_code,
# all other segments are custom per-account."
BUILTIN_SEGMENT_KEYS: Final = ("staff_code", "site_code")

# "two special-purpose unique metadata keys, reference and machine_id",
# used to link feedback back to records in other systems.
SPECIAL_METADATA_KEYS: Final = ("reference", "machine_id")

# CORE_HIDDEN_FIELDS = %i[site_code staff_code reference machine_id]
CORE_HIDDEN_FIELDS: Final = ("site_code", "staff_code", "reference", "machine_id")

# Feedback request "Data attributes": key maximum 30 chars, value maximum 100.
MAX_KEY_LENGTH: Final = 30
MAX_VALUE_LENGTH: Final = 100

# The "error" codes of a validation error.
REQUIRED: Final = "required"
INVALID_FORMAT: Final = "invalid_format"
WRONG_LENGTH: Final = "wrong_length"
INVALID_VALUE: Final = "invalid_value"
FORBIDDEN_VALUE: Final = "forbidden_value"
INVALID_DATE: Final = "invalid_date"
CUSTOM: Final = "custom"
ERROR_CODES: Final = (
    REQUIRED,
    INVALID_FORMAT,
    WRONG_LENGTH,
    INVALID_VALUE,
    FORBIDDEN_VALUE,
    INVALID_DATE,
    CUSTOM,
)

# The "extra_info" keys of a validation error.
VALID_FORMAT: Final = "valid_format"
DISALLOWED_VALUES: Final = "disallowed_values"
ALLOWED_VALUES: Final = "allowed_values"
MINIMUM: Final = "minimum"
MAXIMUM: Final = "maximum"
EXACTLY: Final = "exactly"
GREATER_THAN: Final = "greater_than"
LESS_THAN: Final = "less_than"
MUST_BE: Final = "must_be"
MESSAGE: Final = "message"
EXTRA_INFO_KEYS: Final = (
    VALID_FORMAT,
    DISALLOWED_VALUES,
    ALLOWED_VALUES,
    MINIMUM,
    MAXIMUM,
    EXACTLY,
    GREATER_THAN,
    LESS_THAN,
    MUST_BE,
    MESSAGE,
)

# The top-level "message" of a validation error response (422).
VALIDATION_ERROR_MESSAGE: Final = "Validation error"

# The HTML contract of the widget.
CONTAINER_ATTRIBUTE: Final = "data-customersure-survey-widget"
WIDGET_PARAMS_ATTRIBUTE: Final = "data-widget-params"
SURVEY_PARAMS_ATTRIBUTE: Final = "data-survey-params"
# cswidget's own marker for native trigger elements (see toggle_script()).
TOGGLE_ATTRIBUTE: Final = "data-cswidget-toggle"
# The global the widget script defines, and its two public methods.
WIDGET_GLOBAL: Final = "CustomerSureSurveyWidget"
INIT_CALL: Final = "CustomerSureSurveyWidget.init();"
TOGGLE_CALL: Final = "CustomerSureSurveyWidget.toggleWidget();"
