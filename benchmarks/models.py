"""`make bench`, the client's typed models: decoding one page of 100 feedback
responses (the sandbox's own JSON, 150 KB) into typed objects, side by side.

- `json.loads`: what httpx's `.json()` does, the floor every typed decoder is
  measured against (it builds dicts, nothing typed);
- cswidget's models (msgspec Structs, `cswidget.wire.decode_list`), the
  exact path the sandbox's answers take, and the tolerant path an answer
  with one unknown field per response takes;
- pydantic v2 models of the same shapes (built from the contract, so they
  hold the same fields and types), `TypeAdapter.validate_json`;
- the models cswidget had before (a parser generated per class with `exec`
  over `json.loads`), kept in benchmarks/legacy_models.py for this only.

Interleaved rounds, medians; every contender decodes the same bytes and the
results are checked to hold the same ids.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import msgspec
import pydantic

# Beside this file: `python benchmarks/models.py` puts its folder on sys.path.
import legacy_models
from cswidget import contract, wire
from cswidget.sandbox import DEFAULT_TOKEN, create_app
from cswidget.vocabulary import API_MEDIA_TYPE

ROUNDS = 21
CALLS = 20
NOW = datetime(2023, 8, 19, 16, 30, 14, tzinfo=UTC)


def page_of_100() -> bytes:
    """Page 1 of GET /feedback_responses?per_page=100 from the demo sandbox."""

    async def fetch() -> bytes:
        transport = httpx.ASGITransport(app=create_app(seed="demo", now=NOW))
        headers = {
            "Accept": API_MEDIA_TYPE,
            "User-Agent": "cswidget bench",
            "Authorization": f"Token token={DEFAULT_TOKEN}",
        }
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            response = await http.get("/feedback_responses?per_page=100", headers=headers)
            response.raise_for_status()
            return response.content

    return asyncio.run(fetch())


def with_unknown_fields(content: bytes) -> bytes:
    """The same page with a field the seed does not name on each response."""
    return json.dumps([{**item, "sentiment": "positive"} for item in json.loads(content)]).encode()


# --- pydantic v2 models of the contract's shapes ------------------------------------


def pydantic_model(shape: type[msgspec.Struct], made: dict[type, Any]) -> Any:
    """A frozen pydantic model with `shape`'s fields and types (extra fields kept)."""
    if shape in made:
        return made[shape]
    info = msgspec.inspect.type_info(shape)
    assert isinstance(info, msgspec.inspect.StructType)
    fields: dict[str, Any] = {}
    for field in info.fields:
        annotation = python_type(field.type, made)
        fields[field.name] = (annotation, ... if field.required else field.default)
    model = pydantic.create_model(
        shape.__name__,
        __config__=pydantic.ConfigDict(frozen=True, extra="allow"),
        **fields,
    )
    made[shape] = model
    return model


def python_type(kind: msgspec.inspect.Type, made: dict[type, Any]) -> Any:
    inspect = msgspec.inspect
    while isinstance(kind, inspect.Metadata):
        kind = kind.type
    simple = {
        inspect.IntType: int,
        inspect.StrType: str,
        inspect.BoolType: bool,
        inspect.FloatType: float,
        inspect.DateTimeType: pydantic.AwareDatetime,
        inspect.NoneType: type(None),
        inspect.AnyType: Any,
    }
    if type(kind) in simple:
        return simple[type(kind)]
    if isinstance(kind, inspect.UnionType):
        members = tuple(python_type(member, made) for member in kind.types)
        union = members[0]
        for member in members[1:]:
            union = union | member
        return union
    if isinstance(kind, inspect.StructType):
        return pydantic_model(kind.cls, made)
    if isinstance(kind, inspect.VarTupleType | inspect.ListType):
        return tuple[python_type(kind.item_type, made), ...]  # type: ignore[misc]
    if isinstance(kind, inspect.DictType):
        return dict[str, python_type(kind.value_type, made)]  # type: ignore[misc]
    raise TypeError(f"no pydantic type for {kind}")


PYDANTIC_PAGE = pydantic.TypeAdapter(list[pydantic_model(contract.FeedbackResponse, {})])  # type: ignore[misc]


def legacy_page(content: bytes) -> list[Any]:
    return [legacy_models.FeedbackResponse.from_json(item) for item in json.loads(content)]


def interleaved(contenders: dict[str, Callable[[], object]]) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(ROUNDS):
        for name, call in contenders.items():
            start = time.perf_counter()
            for _ in range(CALLS):
                call()
            samples[name].append((time.perf_counter() - start) / CALLS)
    return {name: statistics.median(times) for name, times in samples.items()}


def main() -> int:
    content = page_of_100()
    unknown = with_unknown_fields(content)
    contenders: dict[str, Callable[[], list[Any]]] = {
        "json.loads (what .json() does)": lambda: json.loads(content),
        "cswidget models (msgspec), exact path": lambda: wire.decode_list(
            contract.FeedbackResponse, content
        ),
        "cswidget models, tolerant path (an unknown field each)": lambda: wire.decode_list(
            contract.FeedbackResponse, unknown
        ),
        "pydantic v2 models, validate_json": lambda: PYDANTIC_PAGE.validate_json(content),
        "the models before (exec-generated parser)": lambda: legacy_page(content),
    }
    ids = [item["id"] for item in json.loads(content)]
    for name, decode in contenders.items():
        got = [item["id"] if isinstance(item, dict) else item.id for item in decode()]
        assert got == ids, name
    assert all(not r.extra for r in wire.decode_list(contract.FeedbackResponse, content))
    assert all(r.extra == {"sentiment": "positive"} for r in wire.decode_list(
        contract.FeedbackResponse, unknown))  # fmt: skip
    results = interleaved(contenders)
    floor = results["json.loads (what .json() does)"]
    print(f"Decoding a page of 100 feedback responses ({len(content) / 1024:.0f} KB), "
          f"median of {ROUNDS} rounds x {CALLS}, msgspec {msgspec.__version__}, "
          f"pydantic {pydantic.VERSION}")  # fmt: skip
    for name, seconds in results.items():
        print(f"  {name:55} {seconds * 1e3:7.3f} ms {seconds / floor:6.2f}x json.loads")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
