"""The package layout the style guide asks for: a flat core, one subpackage per
audience, and no import circles anywhere.

Every `import` counts, also those deferred into functions: a circle closed by
a deferred import is still a circle a reader has to keep in mind.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "cswidget"
# Subpackages for an audience beyond the core; the core never imports them.
# The command line is every audience's front door (`cswidget sandbox`,
# `cswidget api ...`), so it may import the others. The testing kit is the
# second: it exists to join the client and the sandbox (clients built in a
# test talk to the sandbox in process), so it imports both. No other
# audience package imports another.
AUDIENCES = ("cli", "django", "api", "sandbox", "testing")
FRONT_DOORS = ("cli", "testing")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The cswidget modules `name` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            # `from . import rules` names a module; `from .x import y` names x.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports(name, path, known) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def is_package_init_edge(source: str, target: str) -> bool:
    # A package's __init__ re-exporting its own modules is how packages work,
    # not a circle a reader follows.
    return target.startswith(source + ".")


def test_no_import_circles() -> None:
    edges = {
        source: {target for target in targets if not is_package_init_edge(source, target)}
        for source, targets in graph().items()
    }
    assert cycles(edges) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    # The check above must be able to fail: the circle cli.py and batch.py had.
    assert cycles({"a.cli": {"a.batch"}, "a.batch": {"a.cli", "a.core"}, "a.core": set()}) == [
        ["a.batch", "a.cli"]
    ]


def audience(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in AUDIENCES else None


def test_the_core_never_imports_an_audience_package() -> None:
    # `python -m cswidget` is the command line's entry point, not core code.
    leaks = {
        (source, target)
        for source, targets in graph().items()
        if audience(source) is None and source != "cswidget.__main__"
        for target in targets
        if audience(target) is not None
    }
    assert leaks == set()


def test_audience_packages_never_import_each_other_or_the_command_line() -> None:
    crossings = {
        (source, target)
        for source, targets in graph().items()
        for target in targets
        if audience(source) not in (None, *FRONT_DOORS)
        and audience(target) is not None
        and audience(source) != audience(target)
    }
    assert crossings == set()


def test_the_core_is_flat_and_the_audiences_are_packages() -> None:
    subpackages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert {"cli", "django"} <= set(subpackages)
    assert set(subpackages) <= {*AUDIENCES, "templates"}
    assert (PACKAGE / "cli" / "main.py").is_file()
    assert not (PACKAGE / "cli.py").exists()
