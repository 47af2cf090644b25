"""The project a file belongs to, read from disk without importing anything.

Importing module ``a.b.c`` first runs ``a/__init__.py`` and ``a/b/__init__.py``:
whatever those import at import time — and whatever the project's own modules
that they import import in turn — is loaded whenever ``a.b.c`` is, so
deferring one of those imports in ``a/b/c.py`` saves nothing. This module
works that out from the files: it finds the file's packages (the directories
with an ``__init__.py`` above it), reads the project's modules they import,
and asks the import-time walker which imports run at import. It also finds
the dotted names that the project's tests patch (``mock.patch("a.b.c.requests")``),
which stop working when the import they patch moves into a function.

Everything is read once per process and kept: a flake8 run reads each
package ``__init__`` once however many files it checks.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from flake8_import_cost.knowledge.loaded_by import LOADED_BY

#: How many of the project's own modules one closure reads, at most.
MAX_MODULES = 300
#: How many test files the search for patched names reads, at most.
MAX_TEST_FILES = 2_000
#: Files that mark the root of a project (where its tests are looked for).
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".git")
_SKIPPED_DIRECTORIES = frozenset({".git", ".hg", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__",
                                  "build", "dist", "site-packages"})  # fmt: skip
_PATCH = r"""patch(?:\.object|\.dict)?\(\s*(?:target\s*=\s*)?["']([A-Za-z_][\w.]*)["']"""
#: A module-level import, by the top-level package it names.
_TOP_IMPORT = r"^(?:import|from)[ \t]+([A-Za-z_]\w*)"


def package_chain(path: str) -> tuple[str, list[str]]:
    """The source root above ``path`` and the ``__init__.py`` files that importing
    it runs first, outermost first (empty for a file outside any package)."""
    directory = os.path.dirname(os.path.abspath(path))
    inits: list[str] = []
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        inits.append(os.path.join(directory, "__init__.py"))
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    inits.reverse()
    if os.path.basename(path) == "__init__.py" and inits and os.path.abspath(path) == inits[-1]:
        inits.pop()  # a package's own __init__ is the file itself, not one that runs first
    return directory, inits


def module_name(path: str, root: str) -> str | None:
    """The dotted name of the module at ``path`` under the source root ``root``."""
    relative = os.path.relpath(os.path.abspath(path), root)
    if relative.startswith(os.pardir) or not relative.endswith(".py"):
        return None
    parts = relative[:-3].split(os.sep)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) if parts and all(part.isidentifier() for part in parts) else None


def module_file(name: str, root: str) -> str | None:
    """The file of the project's own module ``name`` under ``root``, if there is one."""
    base = os.path.join(root, *name.split("."))
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def loaded_anyway(path: str) -> frozenset[str]:
    """The modules loaded whenever the module at ``path`` is imported, without its own
    imports: those of its packages' ``__init__`` files and of the project's modules
    they import, without passing through ``path`` itself; and the slow modules that
    frameworks among them are measured to load (:data:`~flake8_import_cost.knowledge.loaded_by.LOADED_BY`)."""
    root, inits = package_chain(path)
    skip = os.path.abspath(path)
    loaded: set[str] = set()
    pending = [init for init in inits]
    seen: set[str] = set(pending)
    while pending and len(seen) <= MAX_MODULES:
        current = pending.pop()
        for name in _imports(current, root):
            loaded.add(name)
            found = module_file(name, root)
            if found is None:
                continue
            for step in (*package_chain(found)[1], found):
                if step not in seen and step != skip:
                    seen.add(step)
                    pending.append(step)
    return frozenset(loaded.union(*loaded_by(loaded).values()))


def loaded_by(modules: set[str] | frozenset[str]) -> dict[str, frozenset[str]]:
    """For each framework among ``modules`` (or whose submodule is among them), the
    slow modules it is measured to load."""
    found: dict[str, frozenset[str]] = {}
    for module in modules:
        parts = module.split(".")
        for end in range(len(parts), 0, -1):
            framework = ".".join(parts[:end])
            entry = LOADED_BY.get(framework)
            if entry is not None:
                found[framework] = entry
                break
    return found


def _imports(path: str, root: str) -> frozenset[str]:
    try:
        stat = os.stat(path)
    except OSError:
        return frozenset()
    return _imports_of(path, root, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _imports_of(path: str, root: str, mtime_ns: int, size: int) -> frozenset[str]:
    """The absolute names of the modules the file imports at import time (and their parents)."""
    from flake8_import_cost.importtime import ImportTime
    from flake8_import_cost.names import Names

    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), path)
    except (OSError, SyntaxError, ValueError):
        return frozenset()
    package = module_name(path, root) or ""
    if os.path.basename(path) != "__init__.py":
        package = package.rpartition(".")[0]
    walker = ImportTime(tree, Names(tree))
    names: set[str] = set()
    for statement, _ in walker.nodes(ast.Import):
        for alias in statement.names:
            names.update(_with_parents(alias.name))
    for node, _ in walker.nodes(ast.ImportFrom):
        base = _absolute(node, package)
        if base is None:
            continue
        names.update(_with_parents(base))
        names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return frozenset(names)


def _absolute(node: ast.ImportFrom, package: str) -> str | None:
    if not node.level:
        return node.module
    parts = package.split(".") if package else []
    if node.level - 1 > len(parts):
        return None
    base = ".".join(parts[: len(parts) - (node.level - 1)])
    if node.module:
        base = f"{base}.{node.module}" if base else node.module
    return base or None


def _with_parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def project_root(source_root: str) -> str:
    """The directory of the project around a source root: the nearest one with a
    ``pyproject.toml``, ``setup.cfg``, ... (three levels up at most), else the source root."""
    directory = source_root
    for _ in range(4):
        if any(os.path.exists(os.path.join(directory, marker)) for marker in PROJECT_MARKERS):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return source_root


class TestSuite:
    """What the test modules under a project root do that matters to IMC101, read as
    text once per process: the dotted names they patch (``mock.patch("a.b.name")``,
    ``mocker.patch(...)``), and, per module-level import of each top-level package,
    the test modules that make it (a test run imports every test module, so a
    package two of them import at their top is loaded for the run anyway)."""

    __slots__ = ("patched", "importers")

    def __init__(self, patched: frozenset[str], importers: dict[str, frozenset[str]]) -> None:
        self.patched = patched
        self.importers = importers

    def imported_elsewhere(self, package: str, path: str) -> bool:
        """Whether a test module other than ``path`` imports ``package`` at its top."""
        return bool(self.importers.get(package, frozenset()) - {os.path.abspath(path)})


@lru_cache(maxsize=64)
def test_suite(root: str) -> TestSuite:
    """The :class:`TestSuite` of the test modules under ``root`` (the first
    :data:`MAX_TEST_FILES` of them)."""
    from flake8_import_cost.policy import is_test_path

    patched: set[str] = set()
    importers: dict[str, set[str]] = {}
    for path in _test_files(root, is_test_path):
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                text = file.read()
        except OSError:
            continue
        if "patch" in text:
            patched.update(re.findall(_PATCH, text))
        for package in re.findall(_TOP_IMPORT, text, re.MULTILINE):
            importers.setdefault(package, set()).add(os.path.abspath(path))
    return TestSuite(frozenset(patched), {package: frozenset(paths) for package, paths in importers.items()})


def _test_files(root: str, is_test: Callable[[str], bool]) -> Iterator[str]:
    """The first :data:`MAX_TEST_FILES` test modules under ``root``, in a stable order."""
    read = 0
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in _SKIPPED_DIRECTORIES and not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(directory, name)
            if name.endswith(".py") and is_test(os.path.relpath(path, root)):
                read += 1
                if read > MAX_TEST_FILES:
                    return
                yield path
