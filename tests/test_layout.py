"""The package layout keeps its promises: short modules, no private names across packages."""

import ast
from pathlib import Path

import pytest

import tabaug

SRC = Path(tabaug.__file__).parent
MODULES = sorted(SRC.rglob("*.py"))
MAX_LINES = 600


def _package(path: Path) -> str:
    """Dotted name of the package a module file belongs to."""
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1])


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_imports(path: Path) -> list[str]:
    """Imports in ``path`` of a private module or name that lives in another package."""
    own = _package(path)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("tabaug"):
            continue
        parts = node.module.split(".")
        for alias in node.names:
            full = [*parts, alias.name]
            # the package that owns the first private part of the dotted path
            private_at = next((i for i, part in enumerate(full) if _is_private(part)), None)
            if private_at is None:
                continue
            # allowed: the package that holds the private part, and the private part itself
            owner = ".".join(full[:private_at])
            private_root = ".".join(full[: private_at + 1])
            if own not in (owner, private_root) and not own.startswith(private_root + "."):
                found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_is_longer_than_600_lines(path):
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= MAX_LINES, f"{path.name} has {n_lines} lines; split it by job"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_name_is_imported_across_packages(path):
    assert _private_imports(path) == []


def test_no_conftest_ships_with_the_package():
    assert list(SRC.rglob("conftest.py")) == []


def test_no_subpackage_shadows_a_public_function():
    functions = {name for name in tabaug.__all__ if callable(getattr(tabaug, name))}
    subpackages = {path.parent.name for path in SRC.rglob("__init__.py")}
    assert functions & subpackages == set()
