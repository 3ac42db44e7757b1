"""The README's examples are true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)\n```", README, re.S)


def test_first_example_renders_exactly_the_html_shown() -> None:
    namespace: dict[str, object] = {}
    exec(blocks("python")[0], namespace)
    assert str(namespace["html"]) == blocks("html")[0]


def test_error_example_is_the_error_shown() -> None:
    import json

    from cswidget import ValidationError

    source = blocks("python")[2]
    assert "except ValidationError as error:" in source
    with pytest.raises(ValidationError) as caught:
        exec(source.replace("    error.to_dict()", "    raise"), {})
    assert caught.value.to_dict() == json.loads(blocks("json")[0])


def test_hostile_corpus_size_is_as_stated() -> None:
    import hostile

    stated = (
        f"({len(hostile.VALUES)} values and {len(hostile.KEYS)} keys, "
        f"plus {len(hostile.INVALID_KEYS)} keys it must refuse:"
    )
    assert stated in " ".join(README.split())
