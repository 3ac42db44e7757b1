"""cswidget's validation rules: formats and limits the fast checks and the
JSON Schemas share, so the two cannot drift apart.

Patterns are written so that Python's `re.search` (what jsonschema uses) and
ECMA-262 regexes agree: each ends in `$(?!\\n)` because Python's `$` also
matches before a trailing newline.
"""

from __future__ import annotations

from typing import Final

from .vocabulary import BUILTIN_SEGMENT_KEYS, CUSTOMER_FIELDS, SPECIAL_METADATA_KEYS

# Resources named in FieldError.resource.
SURVEY_PARAMS: Final = "survey_params"
WIDGET: Final = "widget"
SCRIPT: Final = "script"
TRIGGER: Final = "trigger"

# Keys a page's JavaScript may copy into a plain object: `__proto__` and
# friends there pollute prototypes, so they are never valid keys.
PROTOTYPE_KEYS: Final = ("__proto__", "constructor", "prototype")

# Characters a key may not contain: C0 and C1 controls and DEL, and the
# invisible formatting characters (soft hyphen, zero-width and bidirectional
# marks and overrides, line/paragraph separators, BOM, tag characters). All
# are invisible in any UI that shows keys, so they make look-alike keys
# ("email\u200b" beside "email"). The astral tag range is written as the
# characters themselves: \U escapes are Python-only, and a JSON encoder
# writes them as surrogate-pair escapes every JSON parser reads back.
KEY_FORBIDDEN_CHARACTERS_PATTERN: Final = (
    "[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f"
    "\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb"
    + chr(0xE0000)
    + "-"
    + chr(0xE007F)
    + "]"
)

# Lone surrogates cannot be encoded as UTF-8, so no page can carry them.
# (With ECMA-262's unicode flag, as JSON Schema validators use, this matches
# lone surrogates only, as Python's re does.)
SURROGATE_PATTERN: Final = "[\\ud800-\\udfff]"

# A deliberately loose email check: one @, no space and no NUL, a dot in the domain.
EMAIL_PATTERN: Final = "^[^@\\s\\x00]+@[^@\\s\\x00]+\\.[^@\\s\\x00]+$(?!\\n)"

# The account subdomain: a DNS label.
ORG_PATTERN: Final = "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$(?!\\n)"

# The survey URL code, e.g. AKknWccEFf7.
SURVEY_PATTERN: Final = "^[A-Za-z0-9_-]{1,64}$(?!\\n)"

# A CSP nonce is a base64 (or base64url) value.
NONCE_PATTERN: Final = "^[A-Za-z0-9+/_-]+={0,2}$(?!\\n)"

# Numbers must survive JSON.parse exactly: JavaScript's safe integer range.
MAX_SAFE_INTEGER: Final = 2**53 - 1

# The most keys one params object may have (data-survey-params, or
# data-widget-params with org and survey). Real pages send a dozen or so; the
# cap keeps the cost of one render predictable, whatever a caller passes in.
MAX_PARAMS_KEYS: Final = 100

# JSON types a params value may have once normalised.
JSON_SCALAR_TYPES: Final = ("string", "number", "boolean", "null")
PYTHON_VALUE_TYPES: Final = "str, int, float, bool, None, Decimal, date, datetime or UUID"

# A metadata key with one of these names would be filed as something else.
METADATA_DISALLOWED_KEYS: Final = CUSTOMER_FIELDS + BUILTIN_SEGMENT_KEYS
# A segment key with one of these names would be filed as something else.
SEGMENT_DISALLOWED_KEYS: Final = CUSTOMER_FIELDS + SPECIAL_METADATA_KEYS
# Keys data-widget-params owns.
WIDGET_PARAMS_KEYS: Final = ("org", "survey")

# Where the widget script may be loaded from: https anywhere, http only from
# this machine (local development), or a root-relative path on the page's own
# origin. No whitespace, control characters or backslashes anywhere: browsers
# strip or reinterpret them ("/\evil.example" is protocol-relative).
SCRIPT_SRC_PATTERN: Final = (
    "^(?:"
    "https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][^\\s\\\\\\u0000-\\u001f\\u007f]*)?"
    "|http://(?:localhost|127\\.0\\.0\\.1|\\[::1\\])(?::[0-9]{1,5})?"
    "(?:[/?#][^\\s\\\\\\u0000-\\u001f\\u007f]*)?"
    "|/(?![/\\\\])[^\\s\\\\\\u0000-\\u001f\\u007f]*"
    ")$(?!\\n)"
)

# Tags a native trigger may be: a button, or a link whose href is the
# fallback when scripts do not run.
TRIGGER_TAGS: Final = ("button", "a")

# What each pattern above means, in words, for people: the human sentences in
# cswidget.messages say "must be <this>" instead of showing a regex.
FORMAT_DESCRIPTIONS: Final = {
    ORG_PATTERN: "your CustomerSure account name (letters, digits and hyphens)",
    SURVEY_PATTERN: "a survey code of 1 to 64 letters, digits, _ or -",
    SCRIPT_SRC_PATTERN: "an https:// URL, a root-relative path, or http://localhost",
    NONCE_PATTERN: "a CSP nonce: base64 text (letters, digits, +, /, _ or -, then up to two =)",
    EMAIL_PATTERN: "an email address such as name@example.com",
}
