from csp.constants import NONCE, SELF

MIDDLEWARE = [
    # ... Django's middleware ...
    "csp.middleware.CSPMiddleware",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "https://acme.example"],
    }
}
