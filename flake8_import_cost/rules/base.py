"""What every rule shares: the per-file context, findings and the registry."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from fnmatch import fnmatchcase
from functools import cached_property

from flake8_import_cost.importtime import ImportTime, Where
from flake8_import_cost.names import Names
from flake8_import_cost.settings import Settings
from flake8_import_cost.values import Folder, Values


class Finding:
    """One reported problem: where, which code, and the message after the code."""

    __slots__ = ("line", "col", "code", "message")

    def __init__(self, line: int, col: int, code: str, message: str) -> None:
        self.line = line
        self.col = col
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"Finding({self.line}, {self.col}, {self.code!r}, {self.message!r})"

    @classmethod
    def at(cls, node: ast.AST, code: str, message: str, where: Where | None = None) -> Finding:
        """A finding on ``node``, moved to the import-time call site when ``where`` has one."""
        anchor = where.anchor(node) if where is not None else node
        suffix = where.suffix if where is not None else ""
        return cls(getattr(anchor, "lineno", 1), getattr(anchor, "col_offset", 0), code, message + suffix)


class FileContext:
    """One file under check: its tree, source lines, settings and shared analyses."""

    def __init__(self, tree: ast.Module, filename: str, lines: list[str], settings: Settings) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines
        self.settings = settings
        #: Per-file analyses that a family of rules shares, keyed by family.
        self.shared: dict[str, object] = {}

    @cached_property
    def names(self) -> Names:
        """Imports, aliases and simple bindings of the module."""
        return Names(self.tree)

    @cached_property
    def importtime(self) -> ImportTime:
        """Every node that runs while the module is imported."""
        return ImportTime(self.tree, self.names)

    @cached_property
    def values(self) -> Values:
        """Where the module's names get their values at import time."""
        return Values(self.names, self.importtime)

    @cached_property
    def folder(self) -> Folder:
        """Constant integers and iterable lengths of the module."""
        return Folder(self.names)

    @cached_property
    def directories(self) -> frozenset[str]:
        """Names of the directories the file is in: a package's own files may import it."""
        return frozenset(self.filename.replace("\\", "/").split("/")[:-1])

    @cached_property
    def source(self) -> str:
        """The file's text."""
        return "".join(self.lines)

    @cached_property
    def import_time_calls(self) -> list[tuple[ast.Call, Where, str | None]]:
        """Import-time calls with their context and the callee's qualified name,
        resolved once for every rule."""
        qualified = self.names.qualified
        return [(call, where, qualified(call.func, where.scope)) for call, where in self.importtime.nodes(ast.Call)]


class PatternTable:
    """A table keyed by qualified names and ``fnmatch`` patterns (``google.cloud.*.Client``):
    exact names are found by hashing, patterns are tried in order after them."""

    __slots__ = ("_exact", "_patterns")

    def __init__(self, table: Mapping[str, str]) -> None:
        wildcards = frozenset("*?[")
        self._exact = {key: value for key, value in table.items() if not wildcards & set(key)}
        self._patterns = [(key, value) for key, value in table.items() if wildcards & set(key)]

    def get(self, name: str | None) -> str | None:
        """The value for ``name``, or ``None`` when no entry matches it."""
        if name is None:
            return None
        value = self._exact.get(name)
        if value is not None:
            return value
        for pattern, value in self._patterns:
            if fnmatchcase(name, pattern):
                return value
        return None


Check = Callable[[FileContext], Iterable[Finding]]


class Rule:
    """A registered rule: its code, its fixed name and the function that checks a file."""

    __slots__ = ("code", "name", "check", "off_by_default", "doc")

    def __init__(self, code: str, name: str, check: Check, off_by_default: bool, doc: str) -> None:
        self.code = code
        self.name = name
        self.check = check
        self.off_by_default = off_by_default
        self.doc = doc


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, *, off_by_default: bool = False) -> Callable[[Check], Check]:
    """Register ``check`` as the implementation of ``code``."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise RuntimeError(f"{code} is registered twice")
        RULES[code] = Rule(code, name, check, off_by_default, (check.__doc__ or "").strip())
        return check

    return register
