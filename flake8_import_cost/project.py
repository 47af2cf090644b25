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
package ``__init__`` once however many files it checks, and looks up where
a module's file is (or that it has none) once.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import sys
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import islice

from flake8_import_cost.knowledge.loaded_by import LOADED_BY
from flake8_import_cost.limits import UNPARSABLE, UNREADABLE

#: How many of the project's own modules one closure reads, at most: through the
#: packages' ``__init__`` files, and through the file's own imports.
MAX_MODULES = 300
MAX_IMPORTED_MODULES = 3_000
#: How many test files the search for patched names reads, at most.
MAX_TEST_FILES = 2_000
#: Files that mark the root of a project (where its tests are looked for).
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".git")
_SKIPPED_DIRECTORIES = frozenset({".git", ".hg", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__",
                                  "build", "dist", "site-packages"})  # fmt: skip
_PATCH = r"""patch(?:\.object|\.dict)?\(\s*(?:target\s*=\s*)?["']([A-Za-z_][\w.]*)["']"""
#: A module-level import, by the top-level package it names.
_TOP_IMPORT = r"^(?:import|from)[ \t]+([A-Za-z_]\w*)"


def package_chain(path: str) -> tuple[str, tuple[str, ...]]:
    """The source root above ``path`` and the ``__init__.py`` files that importing
    it runs first, outermost first (empty for a file outside any package)."""
    return _package_chain(os.path.abspath(path))


@lru_cache(maxsize=8192)
def _package_chain(path: str) -> tuple[str, tuple[str, ...]]:
    directory = os.path.dirname(path)
    inits: list[str] = []
    while os.path.isfile(os.path.join(directory, "__init__.py")):
        inits.append(os.path.join(directory, "__init__.py"))
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    inits.reverse()
    if os.path.basename(path) == "__init__.py" and inits and path == inits[-1]:
        inits.pop()  # a package's own __init__ is the file itself, not one that runs first
    return directory, tuple(inits)


@lru_cache(maxsize=1024)
def unreachable(path: str) -> bool:
    """Whether no import reaches the file ``path``: it is inside a package, but in a
    folder whose name is not an identifier (``nautobot/project-static/docs/macros.py``,
    a file that a docs build or a web server reads), with no package between them."""
    directory = os.path.dirname(os.path.abspath(path))
    crossed: list[str] = []
    while not os.path.isfile(os.path.join(directory, "__init__.py")):
        parent = os.path.dirname(directory)
        if parent == directory:
            return False  # not inside a package: a script, which its own start-up runs
        crossed.append(os.path.basename(directory))
        directory = parent
    return not all(name.isidentifier() for name in crossed)


def module_name(path: str, root: str) -> str | None:
    """The dotted name of the module at ``path`` under the source root ``root``."""
    return _module_name(os.path.abspath(path), root)


@lru_cache(maxsize=8192)
def _module_name(path: str, root: str) -> str | None:
    relative = os.path.relpath(path, root)
    if relative.startswith(os.pardir) or not relative.endswith(".py"):
        return None
    parts = relative[:-3].split(os.sep)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) if parts and all(part.isidentifier() for part in parts) else None


@lru_cache(maxsize=65536)
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
    they import, and those of the project's modules that the file itself imports at
    import time (and what they import in turn), never passing through ``path``
    itself; and the slow modules that frameworks among them are measured to load
    (:data:`~flake8_import_cost.knowledge.loaded_by.LOADED_BY`).

    The packages are read with the import-time walker; the file's own imports,
    which reach much more of the project, with the text scan of the start-up."""
    root, inits = package_chain(path)
    skip = os.path.abspath(path)
    loaded: set[str] = set()
    pending = list(inits)
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
    queue = deque([skip])
    read: set[str] = {skip} | seen
    while queue and len(read) <= MAX_IMPORTED_MODULES:
        current = queue.popleft()
        names, steps = _steps(_scanned(current, root), root)
        if current != skip:
            loaded.update(names)
        for step in steps:
            if step not in read:
                read.add(step)
                queue.append(step)
    return frozenset(loaded.union(*loaded_by(loaded).values()))


@lru_cache(maxsize=8192)
def _steps(scanned: frozenset[tuple[str, int]], root: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The names a file's top-level imports (``scanned``) load, and the project's files
    that importing them runs, in order: their packages' ``__init__`` files, then the module."""
    names = frozenset(name for name, _ in scanned)
    steps: dict[str, None] = {}
    for name in sorted(names):
        found = module_file(name, root)
        if found is not None:
            steps.update(dict.fromkeys((*package_chain(found)[1], found)))
    return names, tuple(steps)


class StartUp:
    """What the application's start-up imports, as far as its files say.

    ``files`` are the project's files that start-up imports; ``direct`` gives, for
    each module, the lines of those files that import it; ``by_framework`` the
    slow modules that a package outside the project, which start-up imports, is
    measured to load (:data:`~flake8_import_cost.knowledge.loaded_by.LOADED_BY`).
    """

    __slots__ = ("files", "direct", "by_framework", "_sorted")

    def __init__(self, files: frozenset[str], direct: dict[str, tuple[tuple[str, int], ...]],
                 by_framework: frozenset[str]) -> None:  # fmt: skip
        self.files = files
        self.direct = direct
        self.by_framework = by_framework
        self._sorted: list[str] | None = None

    def _matching(self, module: str) -> list[str]:
        """``module`` and its submodules among the modules start-up imports (a submodule loads it)."""
        names = self._sorted
        if names is None:
            names = self._sorted = sorted(self.direct)
        prefix = module + "."
        start = bisect_left(names, module)
        found = []
        for name in islice(names, start, None):  # ``module``, then names after it: ``module.`` first
            if name == module or name.startswith(prefix):
                found.append(name)
            elif name > prefix:
                break
        return found

    def loads_anyway(self, module: str, path: str) -> bool:
        """Whether start-up loads ``module`` whatever the file at ``path`` does: a framework
        loads it, or the file is not one start-up imports while start-up imports the module."""
        prefix = module + "."
        if module in self.by_framework or any(name.startswith(prefix) for name in self.by_framework):
            return True
        return os.path.abspath(path) not in self.files and bool(self._matching(module))

    def loaded_under(self, package: str, path: str) -> list[str]:
        """The modules of ``package`` (and ``package`` itself) that start-up imports
        whatever the file at ``path`` does: from lines of its other files, or from
        any line when start-up does not import the file."""
        skip = os.path.abspath(path)
        inside = skip in self.files
        found = [
            name for name in self._matching(package)
            if not inside or any(where[0] != skip for where in self.direct[name])
        ]  # fmt: skip
        prefix = package + "."
        return found + [name for name in self.by_framework if name == package or name.startswith(prefix)]

    def importing_files(self, module: str) -> set[str]:
        """The start-up's files whose top-level imports name ``module``, a submodule or a name of it."""
        return {where[0] for name in self._matching(module) for where in self.direct[name]}

    def other_importers(self, module: str, path: str) -> list[tuple[str, int]]:
        """The lines of start-up's other files that import ``module``: with them, deferring it
        in ``path`` alone saves nothing (each pays off only when all defer it)."""
        skip = os.path.abspath(path)
        return sorted(
            {where for name in self._matching(module) for where in self.direct[name] if where[0] != skip}
        )


#: How many of the project's files one start-up is read from, at most.
MAX_START_UP_FILES = 3_000
#: Django loads these modules of every installed app at ``django.setup()`` (``admin``
#: when ``django.contrib.admin`` is installed: its ``ready()`` autodiscovers them).
_APP_MODULES = ("", ".apps", ".models")


@lru_cache(maxsize=16)
def start_up(root: str) -> StartUp:
    """The start-up of the application under the source root ``root``, as far as its
    files declare it: the console scripts of its package metadata (a wheel's
    ``entry_points.txt``, ``pyproject.toml``'s ``[project.scripts]``, ``setup.cfg``):
    the module and what the function imports when it runs; and for a Django project,
    a settings module (``settings.py``, ``settings/__init__.py``, ``settings_*.py``
    that are not test settings) with ``INSTALLED_APPS``: Django's start-up imports
    the settings, the ``apps``, ``models`` (and ``admin``) modules of every
    installed app and what their ``ready()`` methods import, ``ROOT_URLCONF`` and
    the URLconfs it includes, and the application loads the modules its settings
    name by dotted path. What those import at import time, and what the project's
    modules they import import in turn, is loaded at start-up."""
    entries: list[str] = []
    for module, function in _entry_points(root):
        entries.append(module)
        found = module_file(module, root)
        if found is not None and function:
            entries.extend(_function_imports(found, function, root))
    for settings_path in _settings_files(root):
        apps, urlconf, references = _django_settings(settings_path)
        name = module_name(settings_path, root)
        if name is not None:
            entries.append(name)
        admin = "django.contrib.admin" in apps
        for app in apps:
            package = app.partition(".apps.")[0] if ".apps." in app else app
            entries.extend(package + suffix for suffix in (*_APP_MODULES, *((".admin",) if admin else ())))
            config = module_file(package + ".apps", root)
            if config is not None:
                entries.extend(_ready_imports(config, root))
        if urlconf:
            entries.append(urlconf)
        entries.extend(_referenced_module(reference, root) for reference in references)
    direct: dict[str, set[tuple[str, int]]] = {}
    by_framework: set[str] = set()
    pending: list[str] = []
    seen: set[str] = set()

    def visit(module: str, by: tuple[str, int] | None) -> None:
        for step in _with_parents(module):
            if by is not None:
                direct.setdefault(step, set()).add(by)
            found = module_file(step, root)
            if found is not None and found not in seen and len(seen) < MAX_START_UP_FILES:
                seen.add(found)
                pending.append(found)

    for entry in entries:
        visit(entry, None)
        for loaded in loaded_by({entry}).values():  # an installed app of a package outside the project
            by_framework.update(loaded)
    while pending:
        current = pending.pop()
        lines = _scanned(current, root)
        for name, line in lines:
            visit(name, (current, line))
        for framework, loaded in loaded_by({name for name, _ in lines}).items():
            if module_file(framework, root) is None:  # the project's own modules are read, not looked up
                by_framework.update(loaded)
    frozen = {name: tuple(sorted(lines)) for name, lines in direct.items()}
    return StartUp(frozenset(seen), frozen, frozenset(by_framework))


def _scanned(path: str, root: str) -> frozenset[tuple[str, int]]:
    try:
        stat = os.stat(path)
    except OSError:
        return frozenset()
    return _scan_imports(path, root, stat.st_mtime_ns, stat.st_size)


#: A line that starts a compound statement at the top of a module, and what it is.
_TOP_STATEMENT = r"(def|async|class|@|if|elif|else|try|except|finally|with|for|while)\b"
#: Django's ``include("app.urls")`` (or ``include(("app.urls", "namespace"))``): Django imports that URLconf.
_INCLUDE = r"""\binclude\(\s*\(?\s*["']([A-Za-z_][\w.]*)["']"""
_BLOCKS_THAT_RUN = frozenset({"if", "elif", "else", "try", "except", "finally", "with", "for", "while"})


@lru_cache(maxsize=8192)
def _scan_imports(path: str, root: str, mtime_ns: int, size: int) -> frozenset[tuple[str, int]]:
    """The absolute names a file imports at its top level, read from its text: the
    start-up closure reads hundreds of files, and parsing them all would cost more
    than the whole check of one. Imports at the top and in top-level ``if``, ``try``,
    ``with`` and loop blocks count, and so do the URLconfs a URLconf ``include()``s
    by name; those in functions and classes, under ``if TYPE_CHECKING:`` or
    ``if __name__ == "__main__":``, do not."""
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            lines = file.read().splitlines()
    except OSError:
        return frozenset()
    package = package_of(path, root)
    names: set[tuple[str, int]] = set()
    running = True  # whether the indented lines below the last top-level statement run at import
    continued: tuple[str, int] | None = None  # a parenthesised ``from ... import (`` still open
    for number, line in enumerate(lines, start=1):
        if continued is not None:
            names.update((name, continued[1]) for name in _from_names(continued[0], line))
            if ")" in line:
                continued = None
            continue
        if not line or line[0] in " \t":
            if not running or ("import" not in line and "include(" not in line):
                continue
            text = line.strip()
        else:
            text = line
            match = re.match(_TOP_STATEMENT, text)
            if match is not None:
                keyword = match.group(1)
                running = keyword in _BLOCKS_THAT_RUN and "TYPE_CHECKING" not in text and "__main__" not in text
                continue
            running = True
        if "include(" in text:  # a URLconf's ``path("shop/", include("shop.urls"))``
            names.update((name, number) for name in re.findall(_INCLUDE, text))
        if text.startswith("import "):
            for part in text[7:].split("#")[0].split(","):
                module = part.split(" as ")[0].strip()
                if _is_dotted(module):
                    names.add((module, number))
        elif text.startswith("from "):
            source, _, imported = text[5:].partition(" import ")
            source = source.strip()
            level = len(source) - len(source.lstrip("."))
            base = _absolute(ast.ImportFrom(module=source[level:] or None, names=[], level=level), package)
            if base is not None and _is_dotted(base):
                names.add((base, number))
                names.update((name, number) for name in _from_names(base, imported))
                if "(" in imported and ")" not in imported:
                    continued = (base, number)
    return frozenset(names)


def _from_names(base: str, text: str) -> list[str]:
    """``base.name`` for each name of a ``from base import ...`` list (part of one)."""
    found = []
    for item in text.split("#")[0].strip().strip("()\\").split(","):
        name = item.strip().strip("()").split(" as ")[0].strip()
        if name.isidentifier():
            found.append(f"{base}.{name}")
    return found


@lru_cache(maxsize=16)
def script_modules(root: str) -> frozenset[str]:
    """The modules the project's console and GUI scripts run: its programs' entry points."""
    return frozenset(module for module, _ in _entry_points(root))


def is_entry_point(filename: str) -> bool:
    """Whether the file is a program's entry point: one of the project's console
    scripts runs it, or its name says so (``manage.py``, ``wsgi.py``, ...)."""
    from flake8_import_cost.knowledge.clients import ENTRY_POINT_FILES

    if filename in ("stdin", "-"):
        return False
    if os.path.basename(filename) in ENTRY_POINT_FILES:
        return True
    return _runs_a_script(os.path.abspath(filename))


@lru_cache(maxsize=4096)
def _runs_a_script(path: str) -> bool:
    root = package_chain(path)[0]
    return module_name(path, root) in script_modules(root)


def _entry_points(root: str) -> list[tuple[str, str]]:
    """``(module, function)`` of every console or GUI script the project declares."""
    import configparser

    found: list[tuple[str, str]] = []
    sections = ("console_scripts", "gui_scripts")
    texts: list[str] = []
    for metadata in sorted(os.listdir(root)) if os.path.isdir(root) else ():
        if metadata.endswith(".dist-info"):
            texts.append(read_text(os.path.join(root, metadata, "entry_points.txt")))
    for directory in dict.fromkeys((root, project_root(root))):
        texts.append(read_text(os.path.join(directory, "setup.cfg")))
        found.extend(_pyproject_scripts(os.path.join(directory, "pyproject.toml")))
    for text in texts:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error:
            continue
        targets: list[str] = []
        for section in sections:  # entry_points.txt: ``name = module:function``
            if parser.has_section(section):
                targets.extend(value for _, value in parser.items(section))
        if parser.has_section("options.entry_points"):  # setup.cfg: one ``name = target`` per line
            for section in sections:
                lines = parser.get("options.entry_points", section, fallback="").splitlines()
                targets.extend(line.partition("=")[2] for line in lines if "=" in line)
        for target in targets:
            module, _, function = target.strip().partition(":")
            if _is_dotted(module):
                found.append((module, function.split("[")[0].strip().partition(".")[0]))
    return found


def _pyproject_scripts(path: str) -> list[tuple[str, str]]:
    text = read_text(path)
    if "scripts" not in text:
        return []
    try:
        tomllib = importlib.import_module("tomllib")
    except ImportError:  # Python 3.10: no TOML reader in the standard library
        project = _script_tables(text)
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return []
        project = data.get("project", {})
    found = []
    for table in ("scripts", "gui-scripts"):
        for target in project.get(table, {}).values():
            module, _, function = str(target).partition(":")
            if _is_dotted(module):
                found.append((module, function.partition(".")[0]))
    return found


#: A TOML table header (``[[...]]`` too), and a ``key = "string"`` line (any key; a basic or literal string).
_TABLE = r"^\s*\[\[?\s*([^\[\]]*?)\s*\]\]?\s*(?:#.*)?$"
_ENTRY = r"""^\s*(?:"([^"]*)"|'([^']*)'|([\w.-]+))\s*=\s*(?:"([^"\\]*)"|'([^']*)')\s*(?:#.*)?$"""


def _script_tables(text: str) -> dict[str, dict[str, str]]:
    """Python 3.10, which has no ``tomllib``: the ``[project.scripts]`` and ``[project.gui-scripts]``
    tables of a ``pyproject.toml``, read line by line (``name = "module:function"``, as every
    packaging tool writes them); nothing else of the file."""
    tables: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        table = re.match(_TABLE, line)
        if table is not None:
            name = table[1].replace(" ", "").replace('"', "")
            current = tables.setdefault(name.partition(".")[2], {}) if name.startswith("project.") else None
            continue
        entry = re.match(_ENTRY, line) if current is not None else None
        if current is not None and entry is not None:
            key = next(part for part in entry.groups()[:3] if part is not None)
            current[key] = entry[4] if entry[4] is not None else entry[5]
    return {name: entries for name, entries in tables.items() if name in ("scripts", "gui-scripts")}


def _function_imports(path: str, function: str, root: str) -> list[str]:
    """What the function ``function`` of the file imports when it runs (its own imports)."""
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), path)
    except UNREADABLE:
        return []
    package = package_of(path, root)
    names: list[str] = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == function:
            names.extend(_imported_names(stmt, package))
    return names


def package_of(path: str, root: str) -> str:
    """The package relative imports in the file at ``path`` start from."""
    package = module_name(path, root) or ""
    return package if os.path.basename(path) == "__init__.py" else package.rpartition(".")[0]


def _imported_names(node: ast.AST, package: str) -> list[str]:
    """The absolute names the import statements anywhere under ``node`` import."""
    names: list[str] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Import):
            names.extend(alias.name for alias in child.names)
        elif isinstance(child, ast.ImportFrom):
            base = _absolute(child, package)
            if base is not None:
                names.append(base)
                names.extend(f"{base}.{alias.name}" for alias in child.names if alias.name != "*")
    return names


def read_text(path: str) -> str:
    """The text of the file at ``path`` (undecodable bytes replaced), or ``""`` when it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            return file.read()
    except OSError:
        return ""


def _settings_files(root: str) -> list[str]:
    """Django settings modules of the project under ``root``: a few directories deep."""
    found: list[str] = []
    base_depth = root.rstrip(os.sep).count(os.sep)
    for directory, subdirectories, files in os.walk(root):
        if directory.count(os.sep) - base_depth >= 4:
            subdirectories[:] = []
        subdirectories[:] = sorted(d for d in subdirectories if d not in _SKIPPED_DIRECTORIES and not d.startswith("."))
        in_settings_package = os.path.basename(directory) == "settings"
        for name in sorted(files):
            if not name.endswith(".py") or "test" in name:
                continue
            if name == "settings.py" or (name.startswith("settings_") and name != "settings_test.py") or (
                in_settings_package and name in ("__init__.py", "base.py")
            ):
                path = os.path.join(directory, name)
                try:
                    with open(path, encoding="utf-8", errors="replace") as file:
                        if "INSTALLED_APPS" in file.read():
                            found.append(path)
                except OSError:
                    continue
    return found


def _django_settings(path: str) -> tuple[list[str], str | None, list[str]]:
    """``INSTALLED_APPS`` (the strings its module-level assignments list), ``ROOT_URLCONF``,
    and the dotted paths the other settings name (``MIDDLEWARE``, backends, a project's
    own ``SEARCH_BACKEND = "app.search.Engine"``): the application loads what its
    settings name. Settings of the test runner are left out."""
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), path)
    except UNREADABLE:
        return [], None, []
    apps: list[str] = []
    urlconf: str | None = None
    references: list[str] = []
    for stmt in tree.body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else (
            stmt.target if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)) else None
        )
        value = getattr(stmt, "value", None)
        if not isinstance(target, ast.Name) or value is None:
            continue
        strings = [
            node.value for node in ast.walk(value)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_dotted(node.value)
        ]  # fmt: skip
        if target.id == "INSTALLED_APPS":
            apps.extend(strings)
        elif target.id == "ROOT_URLCONF" and isinstance(value, ast.Constant):
            urlconf = strings[0] if strings else None
        elif "TEST" not in target.id:
            references.extend(string for string in strings if "." in string)
    return apps, urlconf, references


@lru_cache(maxsize=16)
def setting_values(root: str) -> dict[str, str]:
    """The dotted paths that the project's Django settings under ``root`` give by name:
    ``SEARCH_BACKEND = "app.search.Engine"`` is ``{"SEARCH_BACKEND": "app.search.Engine"}``.
    A setting that two settings modules give different paths is left out: which one
    the application runs with is not in its files."""
    found: dict[str, str] = {}
    ambiguous: set[str] = set()
    for path in _settings_files(root):
        try:
            with open(path, "rb") as file:
                tree = ast.parse(file.read(), path)
        except UNREADABLE:
            continue
        for stmt in tree.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            name, value = stmt.targets[0].id, stmt.value
            if not (name.isupper() and isinstance(value, ast.Constant) and isinstance(value.value, str)):
                continue
            if "." in value.value and _is_dotted(value.value):
                if found.setdefault(name, value.value) != value.value:
                    ambiguous.add(name)
    return {name: path for name, path in found.items() if name not in ambiguous}


def _referenced_module(reference: str, root: str) -> str:
    """The module a dotted path in the settings names: itself, or the module that
    defines the class or function it ends with (``app.search.Engine``: ``app.search``)."""
    parts = reference.split(".")
    for end in range(len(parts), max(len(parts) - 3, 0), -1):
        module = ".".join(parts[:end])
        if module_file(module, root) is not None:
            return module
    return reference


def _ready_imports(path: str, root: str) -> list[str]:
    """What the ``ready()`` methods of an app's configuration classes import: Django
    runs them at ``django.setup()`` (``import app.signals`` is the usual one)."""
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), path)
    except UNREADABLE:
        return []
    package = package_of(path, root)
    names: list[str] = []
    for stmt in tree.body:
        if not isinstance(stmt, ast.ClassDef):
            continue
        for method in stmt.body:
            if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name == "ready":
                names.extend(_imported_names(method, package))
    return names


def _is_dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def loaded_by(modules: set[str] | frozenset[str]) -> dict[str, frozenset[str]]:
    """For each framework among ``modules`` (or whose submodule is among them), the
    slow modules it is measured to load."""
    found: dict[str, frozenset[str]] = {}
    for module in modules:
        framework = _framework_of(module)
        if framework is not None:
            found[framework] = LOADED_BY[framework]
    return found


@lru_cache(maxsize=16384)
def _framework_of(module: str) -> str | None:
    """The most specific of ``module`` and its packages that has a ``LOADED_BY`` entry."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        framework = ".".join(parts[:end])
        if framework in LOADED_BY:
            return framework
    return None


def _imports(path: str, root: str) -> frozenset[str]:
    try:
        stat = os.stat(path)
    except OSError:
        return frozenset()
    return _imports_of(path, root, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _imports_of(path: str, root: str, mtime_ns: int, size: int) -> frozenset[str]:
    """The absolute names of the modules the file imports at import time (and their
    parents), kept on disk by the file's content."""
    from flake8_import_cost.importtime import ImportTime
    from flake8_import_cost.names import Names

    from flake8_import_cost import filecache

    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        return frozenset()
    kept = filecache.read("imports", path, data, root)
    if isinstance(kept, list) and all(isinstance(name, str) for name in kept):
        return frozenset(kept)
    try:
        tree = ast.parse(data, path)
    except UNPARSABLE:
        return frozenset()
    package = package_of(path, root)
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
    filecache.write("imports", path, data, sorted(names), root)
    return frozenset(names)


def _absolute(node: ast.ImportFrom, package: str) -> str | None:
    return absolute_import(node.module, node.level, package)


def absolute_name(name: str, package: str) -> str | None:
    """A dotted name as a module of ``package`` writes it (``.config.load``, relative to
    the package, or ``app.config.load``), made absolute; ``None`` when it climbs out."""
    level = len(name) - len(name.lstrip("."))
    return absolute_import(name[level:] or None, level, package) if level else name


def absolute_import(module: str | None, level: int, package: str) -> str | None:
    """The absolute name of ``from <level dots><module> import ...`` in ``package``."""
    if not level:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = ".".join(parts[: len(parts) - (level - 1)])
    if module:
        base = f"{base}.{module}" if base else module
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


def files_changed() -> None:
    """Forget what was read of whole projects (their start-up, settings, test suites and scripts):
    files have been rewritten since (by ``fix``). What is read of one file alone is kept by the
    file's size and time."""
    for cached in (start_up, setting_values, test_suite, script_modules, _needed_at_import):
        cached.cache_clear()
    summaries = sys.modules.get("flake8_import_cost.summaries")
    if summaries is not None:  # what start-up runs in each module, read from the others
        summaries.start_up_changed()


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


def needed_at_import(path: str, line: int) -> bool:
    """Whether the import statement at ``line`` of the file at ``path`` binds a name that
    the module needs at import time (code that runs at import, an annotation read at
    runtime, a re-export): such an import cannot move, so the module it imports stays
    loaded at start-up whatever another file does."""
    try:
        stat = os.stat(path)
    except OSError:
        return True
    return _needed_at_import(path, line, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _needed_at_import(path: str, line: int, mtime_ns: int, size: int) -> bool:
    from flake8_import_cost.importtime import ImportTime
    from flake8_import_cost.names import Names
    from flake8_import_cost.usage import NameUsage

    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), path)
    except UNREADABLE:
        return True
    statements = [
        node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)) and node.lineno == line
    ]
    if not statements:
        return True  # not an import statement where the text said: do not count on it
    names = [alias.asname or alias.name.partition(".")[0] for node in statements for alias in node.names]
    if "*" in names:
        return True
    walker = ImportTime(tree, Names(tree))
    kinds = NameUsage(tree, walker).kinds(names)
    if kinds & {"import", "runtime", "reexport"} or (not kinds and os.path.basename(path) == "__init__.py"):
        return True
    if "function" not in kinds:
        return False
    from flake8_import_cost.summaries import used_at_start_up

    return used_at_start_up(path, tuple(dict.fromkeys(names))) is not None  # a function start-up runs uses it
