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


def test_installed_wheel_renders_the_macros(wheel: Path, tmp_path: Path) -> None:
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

    deps = {Path(jinja2.__file__).parents[1], Path(markupsafe.__file__).parents[1]}
    (Path(site) / "deps.pth").write_text("\n".join(map(str, deps)) + "\n")
    code = (
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
