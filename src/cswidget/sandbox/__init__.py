"""A local CustomerSure REST API v1 on SQLite: `cswidget sandbox`, or in Python

    from cswidget.sandbox import create_app
    app = create_app(db=":memory:", seed="demo")

Needs the `sandbox` extra (Starlette, msgspec, uvicorn): from the clone's
folder, `pip install '.[sandbox]'`. The app needs Starlette and msgspec;
serving it (`cswidget sandbox`, `cswidget.sandbox.server`) needs uvicorn too,
checked there, so that `cswidget.testing` runs the app in process without it.
"""

from __future__ import annotations

from ..extras import MissingExtraError, missing_modules

if any(module != "uvicorn" for module in missing_modules("sandbox")):
    raise MissingExtraError("sandbox", feature="cswidget.sandbox")

from .app import API_PATHS as API_PATHS
from .app import DEFAULT_BASE_URL as DEFAULT_BASE_URL
from .app import DEFAULT_TOKEN as DEFAULT_TOKEN
from .app import create_app as create_app
from .storage import Store as Store

__all__ = ["API_PATHS", "DEFAULT_BASE_URL", "DEFAULT_TOKEN", "Store", "create_app"]
