"""Project settings for the command line: `cswidget.toml` or `[tool.cswidget]`.

A CMS theme or a static site keeps its widget settings next to its templates:

    # cswidget.toml
    org = "acme"
    survey = "AKknWccEFf7"
    script_src = "https://acme.example/survey_widget.js"
    segment_keys = ["region"]
    defer = false

Only the current directory is read: `cswidget.toml` first, else the
`[tool.cswidget]` table of `pyproject.toml`. Command-line flags win.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CONFIG_FILE", "ConfigError", "Settings", "load_settings"]

CONFIG_FILE = "cswidget.toml"
PYPROJECT_FILE = "pyproject.toml"

# No `nonce`: a CSP nonce must be fresh for every response, so a fixed one
# in a file would defeat the policy it is meant to satisfy.
_STRING_KEYS = ("org", "survey", "script_src", "name_column")
# `cswidget api`'s: where the API is and who is calling. Never the token.
_API_KEYS = ("base_url", "user_agent")
_KEYS = (*_STRING_KEYS, "segment_keys", "defer", *_API_KEYS)


class ConfigError(Exception):
    """A settings file that cannot be used; the message names file and key."""


@dataclass(frozen=True)
class Settings:
    """Values read from a settings file, and where they came from."""

    values: dict[str, Any] = field(default_factory=dict)
    source: str | None = None

    def origin(self, key: str) -> str:
        """Where `key` came from, for error messages: `cswidget.toml: org`."""
        return f"{self.source}: {key}"


def load_settings(directory: Path) -> Settings:
    """The settings in `directory`, or empty `Settings` when there are none.

    Raises `ConfigError` naming the file and key for unreadable TOML,
    unknown keys and values of the wrong type.
    """
    config_path = directory / CONFIG_FILE
    if config_path.is_file():
        return _checked(_read_toml(config_path), CONFIG_FILE)
    pyproject_path = directory / PYPROJECT_FILE
    if pyproject_path.is_file():
        tool = _read_toml(pyproject_path).get("tool", {})
        table = tool.get("cswidget") if isinstance(tool, dict) else None
        if table is None:
            return Settings()
        source = f"{PYPROJECT_FILE} [tool.cswidget]"
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: must be a table")
        return _checked(table, source)
    return Settings()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path.name}: invalid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path.name}: cannot read: {error.strerror}") from None


def _checked(table: dict[str, Any], source: str) -> Settings:
    for key, value in table.items():
        where = f"{source}: {key}"
        if key not in _KEYS:
            raise ConfigError(f"{where}: unknown key, must be one of: {', '.join(_KEYS)}")
        if key in (*_STRING_KEYS, *_API_KEYS) and not isinstance(value, str):
            raise ConfigError(f"{where}: must be a string")
        if key == "defer" and not isinstance(value, bool):
            raise ConfigError(f"{where}: must be true or false")
        if key == "segment_keys" and not (
            isinstance(value, list) and all(isinstance(item, str) for item in value)
        ):
            raise ConfigError(f"{where}: must be a list of strings")
    return Settings(values=dict(table), source=source)
