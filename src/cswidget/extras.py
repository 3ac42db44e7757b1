"""What each optional extra installs, and the error when one is missing.

    if not installed("api"):
        raise MissingExtraError("api", feature="cswidget.api")

`EXTRAS` is the one table of what each extra in pyproject.toml brings, as
import names (a test keeps the two the same). Each part that needs an
extra checks it on import, so `import cswidget.api` without httpx raises
`MissingExtraError`, a `ModuleNotFoundError` that names the extra and the
line that installs it, instead of a bare "No module named 'httpx'".
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["EXTRAS", "MissingExtraError", "installed", "missing_modules"]

# extra -> the modules it installs, by import name (python-multipart is `multipart`).
EXTRAS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "django": ("django",),
        "lint": ("html5lib",),
        "schema": ("jsonschema",),
        "sandbox": ("starlette", "uvicorn", "msgspec"),
        "api": ("httpx", "msgspec"),
        "autoembed": ("selectolax",),
        "demo": ("starlette", "uvicorn", "multipart", "msgspec", "selectolax"),
        "testing": ("httpx", "msgspec", "starlette", "html5lib"),
    }
)


def _found(module: str) -> bool:
    if sys.modules.get(module) is not None:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a finder that refuses it, a module without a spec
        return False


def missing_modules(extra: str) -> tuple[str, ...]:
    """The modules of `extra` that cannot be imported (found, not imported:
    checking costs no import time)."""
    return tuple(module for module in EXTRAS[extra] if not _found(module))


def installed(extra: str) -> bool:
    """Whether every module `extra` brings can be imported.

    >>> installed("schema") in (True, False)
    True
    """
    return not missing_modules(extra)


class MissingExtraError(ModuleNotFoundError):
    """A part of cswidget whose extra is not installed; the message names the
    module, the extra and the line that installs it.

    >>> error = MissingExtraError("api", feature="cswidget.api", module="httpx")
    >>> print(str(error).replace(": ", ":\\n"))
    cswidget.api needs httpx, which is not installed:
    install cswidget's 'api' extra (from the clone's folder:
    pip install '.[api]')
    >>> (error.name, error.extra, isinstance(error, ModuleNotFoundError))
    ('httpx', 'api', True)
    """

    def __init__(self, extra: str, *, feature: str, module: str | None = None) -> None:
        module = module or next(iter(missing_modules(extra)), EXTRAS[extra][0])
        super().__init__(
            f"{feature} needs {module}, which is not installed: install cswidget's "
            f"{extra!r} extra (from the clone's folder: pip install '.[{extra}]')",
            name=module,
        )
        self.extra = extra
        self.feature = feature
