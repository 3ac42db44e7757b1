"""The hostile values gallery's corpus: the project's own tests/hostile.py.

The demo only runs from a source checkout (`make demo`), where the corpus
the test suite uses lives in tests/hostile.py. The gallery loads that file by
path instead of keeping a copy that could drift from it; without a checkout
the gallery says so instead of rendering a smaller corpus.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

HOSTILE_FILE = Path(__file__).resolve().parents[1] / "tests" / "hostile.py"
# Values per container: a few containers, not one page per value.
BATCH_SIZE = 50


@cache
def corpus() -> ModuleType | None:
    if not HOSTILE_FILE.is_file():
        return None
    spec = importlib.util.spec_from_file_location("cswidget_demo_hostile", HOSTILE_FILE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def batches(values: list[str], keys: list[str]) -> list[dict[str, str]]:
    """The corpus as survey params: values under numbered keys, in batches,
    then every hostile key with itself as its value."""
    numbered = [(f"hostile_{index:03d}", value) for index, value in enumerate(values)]
    grouped = [dict(numbered[i : i + BATCH_SIZE]) for i in range(0, len(numbered), BATCH_SIZE)]
    return [*grouped, {key: key for key in keys}]
