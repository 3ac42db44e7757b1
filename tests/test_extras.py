"""Every part of cswidget that needs an extra says which one, and how to
install it, when a module of that extra is missing.

Each case runs in a fresh interpreter with one module hidden, in two ways:
`sys.modules[name] = None` (what Python does for a module it was told not
to load) and a `sys.meta_path` finder that refuses the module and its
submodules, as an interpreter without it installed does. The table
`cswidget.extras.EXTRAS` must name what pyproject.toml's extras install.
"""

from __future__ import annotations

import doctest
import importlib.metadata
import json
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

import cswidget.extras
from cswidget.extras import EXTRAS

ROOT = Path(__file__).resolve().parents[1]

# extra -> (feature named in the message, Python that uses the feature, the
# modules of the extra it needs: None for all of them)
FEATURES: dict[str, list[tuple[str, str, tuple[str, ...] | None]]] = {
    "api": [("cswidget.api", "import cswidget.api", None),
            ("cswidget.api", "from cswidget.api.command import main", None)],
    # The app runs without uvicorn (cswidget.testing serves it in process).
    "sandbox": [("cswidget.sandbox", "import cswidget.sandbox", ("starlette", "msgspec")),
                ("cswidget.sandbox", "from cswidget.sandbox.server import serve", None)],
    "django": [("cswidget.django", "import cswidget.django", None)],
    "schema": [("cswidget.schemas.validate",
                "from cswidget.schemas import validate; validate('widget-params', {})", None)],
    "lint": [("cswidget lint", "import cswidget.cli.lint", None)],
    "autoembed": [("cswidget's AutoEmbedMiddleware",
                   "from cswidget.bodyend import require_parser; require_parser()", None)],
    "testing": [("cswidget.testing", "from cswidget.testing import sandbox",
                 ("httpx", "msgspec", "starlette")),
                ("cswidget.testing", "from cswidget.testing import assert_embed",
                 ("html5lib",))],
    "demo": [("the demo site", "import demo_site.app", None)],
}  # fmt: skip
# The command line turns the same error into one line and exit status 2.
COMMANDS: dict[str, tuple[str, list[str]]] = {
    "api": ("cswidget.api", ["api", "sites", "list"]),
    "sandbox": ("cswidget.sandbox", ["sandbox", "--db", "sandbox.db"]),
    "lint": ("cswidget lint", ["lint", "page.html"]),
}

HIDE = {
    "sys.modules": "sys.modules[HIDDEN] = None\n",
    "meta_path": textwrap.dedent(
        """\
        import importlib.abc

        class Uninstalled(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == HIDDEN or name.startswith(HIDDEN + "."):
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                return None

        sys.meta_path.insert(0, Uninstalled())
        """
    ),
}

PROBE = """\
import json, sys, traceback
HIDDEN = {module!r}
{hide}
try:
    {code}
except BaseException as error:
    print(json.dumps({{
        "type": f"{{type(error).__module__}}.{{type(error).__qualname__}}",
        "module_not_found": isinstance(error, ModuleNotFoundError),
        "name": getattr(error, "name", None),
        "extra": getattr(error, "extra", None),
        "message": str(error),
        "traceback": "".join(traceback.format_exception(error)),
    }}))
else:
    print(json.dumps(None))
"""


def message(feature: str, module: str, extra: str) -> str:
    return (
        f"{feature} needs {module}, which is not installed: install cswidget's {extra!r} "
        f"extra (from the clone's folder: pip install '.[{extra}]')"
    )


def python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        check=False,
    )


CASES = [
    (extra, module, feature, code, how)
    for extra, features in FEATURES.items()
    for feature, code, needs in features
    for module in EXTRAS[extra]
    if needs is None or module in needs
    for how in HIDE
]


@pytest.mark.parametrize(
    ("extra", "module", "feature", "code", "how"),
    CASES,
    ids=[f"{code.split(';')[0]}-without-{module}-{how}" for _, module, _, code, how in CASES],
)
def test_importing_a_feature_without_its_extra(
    extra: str, module: str, feature: str, code: str, how: str, tmp_path: Path
) -> None:
    probe = PROBE.format(module=module, hide=HIDE[how], code=code)
    result = python(probe, tmp_path)
    assert result.returncode == 0, result.stderr
    raised = json.loads(result.stdout)
    assert raised is not None, f"{code} worked without {module}"
    expected = message(feature, module, extra)
    assert {
        key: raised[key] for key in ("type", "module_not_found", "name", "extra", "message")
    } == {
        "type": "cswidget.extras.MissingExtraError",
        "module_not_found": True,  # so `except ImportError` and `except ModuleNotFoundError` hold
        "name": module,
        "extra": extra,
        "message": expected,
    }
    # Readable: the error alone, with no chained "During handling..." noise.
    traceback = raised["traceback"]
    assert traceback.endswith(f"cswidget.extras.MissingExtraError: {expected}\n")
    assert "During handling" not in traceback
    assert "direct cause" not in traceback


COMMAND_CASES = [
    (extra, module, feature, argv, how)
    for extra, (feature, argv) in COMMANDS.items()
    for module in EXTRAS[extra]
    for how in HIDE
]


@pytest.mark.parametrize(
    ("extra", "module", "feature", "argv", "how"),
    COMMAND_CASES,
    ids=[f"cswidget {argv[0]}-without-{module}-{how}" for _, module, _, argv, how in COMMAND_CASES],
)
def test_a_command_without_its_extra_is_one_line_and_exit_2(
    extra: str, module: str, feature: str, argv: list[str], how: str, tmp_path: Path
) -> None:
    (tmp_path / "page.html").write_text("<p>hello</p>\n", encoding="utf-8")
    code = (
        "import sys\n"
        f"HIDDEN = {module!r}\n"
        f"{HIDE[how]}"
        "from cswidget.cli import main\n"
        f"raise SystemExit(main({argv!r}))\n"
    )
    result = python(code, tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"cswidget: error: {message(feature, module, extra)}\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["page.html"]  # no database


def requirement_name(requirement: str) -> str:
    name = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name.group()).lower()


def test_the_table_names_what_pyproject_installs() -> None:
    # Adding a dependency to an extra (msgspec to `api`) fails here until the
    # table names its module too: then every check above covers it.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {
        extra: sorted(requirement_name(item) for item in requirements)
        for extra, requirements in pyproject["project"]["optional-dependencies"].items()
    }
    distributions = importlib.metadata.packages_distributions()
    tabled = {
        extra: sorted(
            requirement_name(distribution)
            for module in modules
            for distribution in distributions[module]
        )
        for extra, modules in EXTRAS.items()
    }
    assert tabled == declared


def test_every_extra_has_a_feature_that_checks_it() -> None:
    assert set(FEATURES) == set(EXTRAS)


def test_doctests() -> None:
    result = doctest.testmod(cswidget.extras)
    assert (result.failed, result.attempted > 0) == (0, True)
