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

# --- REST API v1 ("Overview" to "Text Message Templates"). Shared by the API
# client (cswidget.api) and the sandbox server (cswidget.sandbox).

# "All API access is over HTTPS, and accessed from the api.customersure.com domain."
API_BASE_URL: Final = "https://api.customersure.com"
# The token most of the seed's own examples send. The sandbox accepts it by
# default, so those examples run as written; it is public, so it is never a
# real account's token, and `cswidget api` refuses to send it anywhere else.
SANDBOX_TOKEN: Final = "ec76c296df321768ba4cc41a445bfb6f"
# "Accept: application/vnd.customersure.v1+json"
API_MEDIA_TYPE: Final = "application/vnd.customersure.v1+json"
# "Authorization: Token token=1234567890" (the examples also quote the token).
AUTHORIZATION_SCHEME: Final = "Token"
# 401 responses carry `WWW-Authenticate: Token realm="Application"`.
WWW_AUTHENTICATE: Final = 'Token realm="Application"'
# The 403 body for a request without a User-Agent, verbatim.
USER_AGENT_ERROR_MESSAGE: Final = "Missing or invalid User Agent string"
# "All timestamps are returned in ISO 8601 format: YYYY-MM-DDTHH:MM:SSZ".
TIMESTAMP_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"

# Pagination: "If there are more than 30 ..., you can specify a page number",
# "per_page ... up to a maximum of 100". Lists carry Link, X-Total-Pages and
# X-Total-Count headers.
DEFAULT_PER_PAGE: Final = 30
MAX_PER_PAGE: Final = 100
LINK_RELATIONS: Final = ("first", "prev", "next", "last")
TOTAL_PAGES_HEADER: Final = "X-Total-Pages"
TOTAL_COUNT_HEADER: Final = "X-Total-Count"

# "Date periods": the 18 names `period` accepts, in the seed's order.
DATE_PERIODS: Final = (
    "7-days",
    "30-days",
    "3-months",
    "6-months",
    "12-months",
    "current_week",
    "current_month",
    "current_quarter",
    "current_year",
    "last_week",
    "last_month",
    "last_quarter",
    "last_year",
    "yesterday",
    "day_before_yesterday",
    "week_before_last",
    "month_before_last",
    "year_before_last",
)

# A feedback request's `state`.
FEEDBACK_REQUEST_STATES: Final = ("pending", "sent", "not_sent")

# Survey and template `locale`: "Possible locales are: ...".
LOCALES: Final = (
    "en", "en-US", "fr", "de", "it", "es", "es-MX", "nl", "sv",
    "da", "ja", "ar", "zh-CN", "no", "he", "id", "th", "fi",
)  # fmt: skip

# A question's `answer_type` and an answer's `type`.
ANSWER_TYPES: Final = ("Rating", "Text", "Dropdown", "Radio", "Checkbox")

# The parameters of "Create a feedback request", and of its parts.
FEEDBACK_REQUEST_PARAMETERS: Final = (
    "email",
    "send_at",
    "survey_id",
    "email_template_id",
    "first_name",
    "surname",
    "reference",
    "machine_id",
    "external_link",
    "ignore_throttle",
    "data",
    "sms",
    "reminders",
)
SMS_PARAMETERS: Final = ("number", "text_message_template_id")
REMINDER_PARAMETERS: Final = ("send_at", "email_template_id", "text_message_template_id")
DATA_PARAMETERS: Final = ("key", "value")
# The seed's own 422 example: machine_id wrong_length, maximum "36".
MAX_MACHINE_ID_LENGTH: Final = 36

# Sites: "Create a site" requires site_code, name and region.
SITE_PARAMETERS: Final = ("site_code", "name", "city", "region", "site_type")
SITE_REQUIRED_PARAMETERS: Final = ("site_code", "name", "region")

# The list filters each endpoint documents (array parameters end in "[]").
FEEDBACK_RESPONSE_FILTERS: Final = (
    "created_since",
    "updated_since",
    "email",
    "survey_ids[]",
    "site_ids[]",
    "staff_ids[]",
)
METRIC_FILTERS: Final = (
    "from_time",
    "to_time",
    "period",
    "company_name",
    "survey_ids[]",
    "site_ids[]",
    "staff_ids[]",
)
STAFF_FILTERS: Final = ("email", "code")
# The seed gives no length for free text (names, references, site names);
# the sandbox and the client bound it to the usual database string size.
MAX_TEXT_LENGTH: Final = 255
