"""The import graph of formhandler/, read from the source: no module and no package imports itself back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "formhandler"


def module_name(path: Path) -> str:
    """formhandler/review/admin.py -> formhandler.review.admin; a package is its __init__."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the app, by dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The app modules `name` imports anywhere in its source (inside functions too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from a import b` imports the module a.b when there is one, else a name from a.
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names)
    return {target for target in found if target in known and target != name}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, set(known)) for name, path in known.items()}


def package_of(name: str) -> str:
    """formhandler.review.admin -> formhandler.review; a top-level module is its own node."""
    parts = name.split(".")
    return ".".join(parts[:2])


def package_graph() -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for name, targets in graph().items():
        node = package_of(name)
        packages.setdefault(node, set()).update(package_of(t) for t in targets if package_of(t) != node)
    return packages


def find_circle(edges: dict[str, set[str]]) -> list[str]:
    """One circle in the graph as a path that ends where it began, or [] when there is none."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        for target in sorted(edges.get(node, ())):
            circle = visit(target, [*path, node])
            if circle:
                return circle
        done.add(node)
        return []

    for start in sorted(edges):
        circle = visit(start, [])
        if circle:
            return circle
    return []


def test_the_graph_is_read_from_every_module():
    edges = graph()
    assert "formhandler.review.admin" in edges and "formhandler.publishing.change" in edges
    # A relative import, a `from package import module` and an import inside a function all count.
    assert "formhandler.queue" in edges["formhandler.review.admin"]
    assert "formhandler.publishing.change" in edges["formhandler.review.admin"]
    assert "formhandler.review.admin" in edges["formhandler"]


@pytest.mark.parametrize(
    "edges, circle",
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
    ],
)
def test_find_circle_finds_exactly_the_circles(edges, circle):
    assert find_circle(edges) == circle


def test_no_module_imports_itself_back():
    assert find_circle(graph()) == []


def test_no_package_imports_itself_back():
    assert find_circle(package_graph()) == []
