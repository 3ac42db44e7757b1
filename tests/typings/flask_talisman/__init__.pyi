# flask-talisman 1.1 ships no type hints; this stub types the one call the
# Flask recipe makes, so the recipe type-checks strictly. Users of
# mypy --strict need the same (or `ignore_missing_imports` for flask_talisman).
from collections.abc import Mapping, Sequence

from flask import Flask

class Talisman:
    def __init__(
        self,
        app: Flask | None = None,
        *,
        force_https: bool = True,
        content_security_policy: Mapping[str, str | Sequence[str]] | str | None = ...,
        content_security_policy_nonce_in: Sequence[str] | None = None,
    ) -> None: ...
