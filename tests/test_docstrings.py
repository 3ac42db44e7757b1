"""The usage examples in the public docstrings run and are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "cswidget.errors",
    "cswidget.params",
    "cswidget.widget",
    "cswidget.scripts",
    "cswidget.trigger",
    "cswidget.schemas",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
