"""`cswidget.testing`: test your own CustomerSure code with no network, no
port and no account (extra `cswidget[testing]`; also a pytest plugin).

    from cswidget.testing import assert_embed, sandbox

    with sandbox(seed="demo") as customersure:
        ...  # every cswidget.api client built here talks to the sandbox
    assert_embed(response, survey="AKknWccEFf7", customer={"email": "kate@example.com"})

With pytest, the fixtures `customersure` and `customersure_async` are that
handle, fresh for each test, and `@pytest.mark.customersure(seed=..., now=...)`
sets them up. Modules: `handle` (`sandbox()`, `Sandbox`, `Clock`),
`transports` (the in-process transports), `prepared` (seeded databases,
copied per test), `form_values` (`respond()`'s answers), `assertions`
(`assert_embed`), `plugin` (the pytest plugin).

The names are imported when first used: pytest loads the plugin in every
project where cswidget is installed, and that must not cost the imports
(httpx, Starlette, html5lib) of a package the project may not even have.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..extras import EXTRAS, MissingExtraError

if TYPE_CHECKING:
    from ..embeds import Embed as Embed
    from ..embeds import find_embeds as find_embeds
    from .assertions import assert_embed as assert_embed
    from .handle import Clock as Clock
    from .handle import Sandbox as Sandbox
    from .handle import sandbox as sandbox

__all__ = ["Clock", "Embed", "Sandbox", "assert_embed", "find_embeds", "sandbox"]

_HOMES = {
    "Clock": "cswidget.testing.handle",
    "Embed": "cswidget.embeds",
    "Sandbox": "cswidget.testing.handle",
    "assert_embed": "cswidget.testing.assertions",
    "find_embeds": "cswidget.embeds",
    "sandbox": "cswidget.testing.handle",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'cswidget.testing' has no attribute {name!r}")
    try:
        module = importlib.import_module(home)
    except ModuleNotFoundError as error:
        # A module of the testing extra that is missing (found missing here,
        # or by cswidget.api or cswidget.sandbox below): the testing extra is
        # the one to install.
        package = (error.name or "").partition(".")[0]
        if package not in EXTRAS["testing"]:
            raise
        raise MissingExtraError("testing", feature="cswidget.testing", module=package) from None
    value = getattr(module, name)
    globals()[name] = value
    return value
