"""Every third-party package the code imports directly is declared in pyproject.toml.

A package that only arrives as a dependency of a dependency (jinja2 through Flask, click through
Flask) can be dropped by that dependency in any release. The sources are read with ast (imports
inside functions count too), each import's top-level name is mapped to the distributions that
provide it with importlib.metadata.packages_distributions(), and those are compared with the
requirement names: the app's code against `dependencies`, the benchmarks against those plus the
`bench` extra, the tests against those plus the `test` extra.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib

import pytest

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# Our own modules: the packages, the settings files, the deploy scripts (imported by path in tests).
LOCAL = (
    {path.name for path in ROOT.iterdir() if (path / "__init__.py").is_file()}
    | {path.stem for path in ROOT.glob("*.py")}
    | {path.name.removesuffix(".py") for path in (ROOT / "deploy").glob("*.py")}
)
# typeshed's own module: it exists for the type checker only (imported under TYPE_CHECKING).
STUB_ONLY = {"_typeshed"}
# (sources, the requirement lists they may use)
AREAS = {
    "partners": (["partners"], ["dependencies"]),
    "formhandler": (["formhandler"], ["dependencies"]),
    "deploy+settings": (["deploy", "pelicanconf.py", "publishconf.py"], ["dependencies"]),
    "benchmarks": (["benchmarks"], ["dependencies", "bench"]),
    "tests": (["tests"], ["dependencies", "test"]),
}


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares them: Flask-WTF, flask_wtf and flask.wtf are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(lists: list[str]) -> set[str]:
    """The distribution names in pyproject.toml's dependencies and the named extras."""
    requirements = [
        requirement
        for name in lists
        for requirement in (PYPROJECT[name] if name == "dependencies" else PYPROJECT["optional-dependencies"][name])
    ]
    names = {re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement) for requirement in requirements}
    assert all(names), f"a requirement without a name in {requirements}"
    return {normalise(found[0]) for found in names if found}


def third_party_imports(paths: list[str]) -> dict[str, set[str]]:
    """Top-level name of every absolute import that is neither stdlib nor ours -> the files that import it."""
    files = [p for name in paths for p in ([ROOT / name] if name.endswith(".py") else (ROOT / name).rglob("*.py"))]
    assert files, f"no sources under {paths}"
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in LOCAL and top not in STUB_ONLY:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("area", AREAS)
def test_every_directly_imported_package_is_declared(area):
    paths, lists = AREAS[area]
    declared = requirement_names(lists)
    providers = importlib.metadata.packages_distributions()
    problems = []
    for module, where in sorted(third_party_imports(paths).items()):
        distributions = {normalise(name) for name in providers.get(module, [])}
        if not distributions:
            problems.append(f"{module} (imported in {sorted(where)}) is not installed")
        elif not distributions & declared:
            problems.append(f"{module} (from {sorted(distributions)}, imported in {sorted(where)}) is not declared")
    assert not problems, f"pyproject.toml {' + '.join(lists)}:\n" + "\n".join(problems)


def test_the_check_sees_imports_in_functions_and_from_imports(tmp_path, monkeypatch):
    """The scanner itself: nested and `from` imports are found; relative, stdlib and our own are not."""
    module = tmp_path / "probe"
    module.mkdir()
    (module / "m.py").write_text(
        "import os\nfrom . import x\nfrom partners import schema\n"
        "def f():\n    import click.testing\n    from jinja2 import Template\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert set(third_party_imports(["probe"])) == {"click", "jinja2"}
