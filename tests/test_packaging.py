"""What users install: import cost, the wheel, and the templates inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_cswidget_imports_neither_jsonschema_nor_jinja2_nor_django() -> None:
    code = (
        "import sys, cswidget; heavy = ('jsonschema', 'jinja2', 'django', 'html5lib'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"


def test_public_names() -> None:
    import cswidget

    assert cswidget.__all__ == [
        "FieldError",
        "SurveyParams",
        "ValidationError",
        "Widget",
        "init_script",
        "lifecycle_script",
        "schema",
        "toggle_script",
        "trigger",
    ]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (built,) = out.glob("cswidget-*.whl")
    return built


def test_wheel_ships_the_macros_and_py_typed(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "cswidget/templates/cswidget/macros.html" in names
    assert "cswidget/py.typed" in names
    packaged = zipfile.ZipFile(wheel).read("cswidget/templates/cswidget/macros.html")
    assert packaged == (ROOT / "templates/cswidget/macros.html").read_bytes()


def test_installed_wheel_renders_the_macros_without_jsonschema(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # Install the wheel and its dependencies from what this test run already has.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-index",
            "--no-deps",
            str(wheel),
        ],
        check=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    import jinja2
    import markupsafe

    # Only the runtime dependencies, linked in: jsonschema stays out.
    deps = tmp_path / "deps"
    deps.mkdir()
    for module in (jinja2, markupsafe):
        (deps / module.__name__).symlink_to(Path(module.__file__).parent)
    (Path(site) / "deps.pth").write_text(f"{deps}\n")
    code = (
        "import importlib.util\n"
        "assert importlib.util.find_spec('jsonschema') is None\n"
        "from cswidget.schemas import validate\n"
        "try:\n"
        "    validate('widget-params', {})\n"
        "except ModuleNotFoundError as error:\n"
        "    assert \"pip install '.[schema]'\" in str(error), error\n"
        "else:\n"
        "    raise AssertionError('validate ran without jsonschema')\n"
        # Every part that needs an extra says which, and how to install it.
        "from cswidget.extras import MissingExtraError\n"
        "for name, module, extra in [('cswidget.api', 'httpx', 'api'),\n"
        "        ('cswidget.sandbox', 'starlette', 'sandbox'),\n"
        "        ('cswidget.django', 'django', 'django'),\n"
        "        ('cswidget.cli.lint', 'html5lib', 'lint')]:\n"
        "    try:\n"
        "        __import__(name)\n"
        "    except MissingExtraError as error:\n"
        "        assert (error.name, error.extra) == (module, extra), error\n"
        "        assert f\"pip install '.[{extra}]'\" in str(error), error\n"
        "    else:\n"
        "        raise AssertionError(name + ' imported without its extra')\n"
        "import cswidget, jinja2, cswidget.jinja\n"
        "assert 'site-packages' in cswidget.__file__ and str(cswidget.jinja.TEMPLATES_DIR)"
        ".startswith(cswidget.__path__[0]), cswidget.jinja.TEMPLATES_DIR\n"
        "env = cswidget.jinja.setup(jinja2.Environment(autoescape=True))\n"
        "w = cswidget.Widget(org='acme', survey='s1', script_src='/w.js')\n"
        "t = env.from_string('{% import \"cswidget/macros.html\" as cs %}{{ cs.embed(w, p) }}')\n"
        "html = t.render(w=w, p={'name': 'Kate'})\n"
        "assert html == w.embed({'name': 'Kate'}), html\n"
        "print(cswidget.jinja.TEMPLATES_DIR)\n"
    )
    result = subprocess.run(
        [str(python), "-I", "-c", code],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("site-packages/cswidget/templates")


def _package_files() -> set[str]:
    source = ROOT / "src"
    return {
        path.relative_to(source).as_posix()
        for path in source.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_wheel_holds_exactly_the_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    dist_info = "cswidget-0.1.0.dist-info"
    assert names == {
        *_package_files(),
        "cswidget/templates/cswidget/macros.html",
        f"{dist_info}/METADATA",
        f"{dist_info}/WHEEL",
        f"{dist_info}/RECORD",
        f"{dist_info}/entry_points.txt",
        f"{dist_info}/licenses/LICENSE",
    }


def test_wheel_metadata_publishes_no_development_tools(wheel: Path) -> None:
    from email.parser import Parser

    text = zipfile.ZipFile(wheel).read("cswidget-0.1.0.dist-info/METADATA").decode()
    metadata = Parser().parsestr(text, headersonly=True)
    assert metadata["License-Expression"] == "MIT"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata.get_all("Provides-Extra") == [
        "api",
        "autoembed",
        "demo",
        "django",
        "lint",
        "sandbox",
        "schema",
        "testing",
    ]
    assert sorted(metadata.get_all("Requires-Dist")) == [
        "django>=4.2; extra == 'django'",
        "html5lib>=1.1; extra == 'lint'",
        "html5lib>=1.1; extra == 'testing'",
        "httpx>=0.27; extra == 'api'",
        "httpx>=0.27; extra == 'testing'",
        "jinja2>=3.1.2",
        "jsonschema>=4.18; extra == 'schema'",
        "markupsafe>=2.1.1",
        "msgspec>=0.19; extra == 'api'",
        "msgspec>=0.19; extra == 'demo'",
        "msgspec>=0.19; extra == 'sandbox'",
        "msgspec>=0.19; extra == 'testing'",
        "python-multipart>=0.0.9; extra == 'demo'",
        "selectolax>=1.0.1; extra == 'autoembed'",
        "selectolax>=1.0.1; extra == 'demo'",
        "starlette>=0.37.2; extra == 'demo'",
        "starlette>=0.37.2; extra == 'sandbox'",
        "starlette>=0.37.2; extra == 'testing'",
        "uvicorn>=0.29; extra == 'demo'",
        "uvicorn>=0.29; extra == 'sandbox'",
    ]
    classifiers = metadata.get_all("Classifier")
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert metadata.get_all("Project-URL")
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sdist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("cswidget-*.tar.gz")
    return built


# What the sdist carries beyond the package: what its own tests need.
SDIST_TREES = ("src", "templates/cswidget", "tests", "demo_site", "docs")
SDIST_FILES = ("README.md", "CHANGELOG.md", "SECURITY.md", "LICENSE", "pyproject.toml")


def test_sdist_holds_the_package_and_what_its_tests_need(sdist: Path) -> None:
    import tarfile

    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    names = {name for name in names if not (ROOT / name).is_dir()}
    expected = {
        path.relative_to(ROOT).as_posix()
        for tree in SDIST_TREES
        for path in (ROOT / tree).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert names == expected | set(SDIST_FILES) | {"PKG-INFO", ".gitignore"}


# The library's own tests, without the browser, the Nu checker and the
# slow CLI runs: enough to prove the sdist is complete, within the budget.
SDIST_TESTS = [
    "tests/test_widget.py",
    "tests/test_codepoints.py",
    "tests/test_macros.py",
    "tests/test_django_tags.py",
    "tests/test_recipes.py",
    "tests/test_demo_site.py",
    "tests/test_readme.py",
]


def test_sdist_tests_pass_from_the_sdist(sdist: Path, tmp_path: Path) -> None:
    import tarfile

    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    (source,) = tmp_path.glob("cswidget-*")
    # Built from the unpacked sdist alone, then installed into a fresh venv.
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)],
        check=True,
    )
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    (wheel,) = wheels.glob("*.whl")
    subprocess.run(
        [*pip, "--python", str(python), "install", "-q", "--no-index", "--no-deps", str(wheel)],
        check=True,
    )
    # Test dependencies reused from this environment, after cswidget's own site.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "deps.pth").write_text(f"{Path(pytest.__file__).parents[1]}\n")
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [str(python), "-c", "import cswidget; print(cswidget.__file__)"],
        capture_output=True,
        text=True,
        cwd=source,
        env=environment,
        check=True,
    ).stdout.strip()
    assert where.startswith(site), where
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *SDIST_TESTS],
        capture_output=True,
        text=True,
        cwd=source,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
