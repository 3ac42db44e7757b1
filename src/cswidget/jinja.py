"""Jinja support: make `{% import "cswidget/macros.html" as cs %}` work.

    import cswidget.jinja
    cswidget.jinja.setup(env)   # keeps env's own loader

The macros live in templates/cswidget/macros.html and only call the Python
API, so they render byte-identical output.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import jinja2

from .scripts import init_script, toggle_script
from .trigger import trigger

__all__ = ["TEMPLATES_DIR", "loader", "setup"]


def _templates_dir() -> Path:
    packaged = Path(__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    # A source checkout, or an editable install of one: the wheel's copy is
    # made at build time from templates/ at the repository root.
    return Path(__file__).resolve().parents[2] / "templates"


TEMPLATES_DIR = _templates_dir()

# What the macros call; one namespaced global rather than three loose names.
_MACRO_GLOBALS = SimpleNamespace(
    init_script=init_script, toggle_script=toggle_script, trigger=trigger
)


def loader() -> jinja2.BaseLoader:
    """A loader that answers only for `cswidget/...` template names."""
    return jinja2.PrefixLoader({"cswidget": jinja2.FileSystemLoader(TEMPLATES_DIR / "cswidget")})


def setup(env: jinja2.Environment) -> jinja2.Environment:
    """Let `env` import "cswidget/macros.html", keeping its own loader first.

    Safe to call more than once. Returns `env`.
    """
    if not getattr(env, "_cswidget_setup", False):
        env.loader = loader() if env.loader is None else jinja2.ChoiceLoader([env.loader, loader()])
        env.globals["cswidget"] = _MACRO_GLOBALS
        env._cswidget_setup = True  # type: ignore[attr-defined]
    return env
