"""What the transforms know about one file: its analyses, for the Python version the fix writes for.

The walker, the name table and the usage analysis are the plugin's own,
built on the tree flake8 reports on; only the annotation semantics follow the
target version (``--target-version 3.14`` makes annotations lazy, PEP 649),
so that what is "used at import time" means the same for the fix as for the
Python that will run the code.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING

from flake8_import_cost.fix.plan import Plan, Refused
from flake8_import_cost.importtime import ImportTime, is_type_checking
from flake8_import_cost.names import Names
from flake8_import_cost.usage import NameUsage, Reference, references

if TYPE_CHECKING:
    from flake8_import_cost.context import Where
    from flake8_import_cost.settings import Settings

#: The Python that lazy annotations (PEP 649) and ``lazy import`` (PEP 810) arrive in.
LAZY_ANNOTATIONS = (3, 14)
LAZY_IMPORTS = (3, 15)

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_TRY = tuple(t for t in (ast.Try, getattr(ast, "TryStar", None)) if t is not None)

#: How an import-time context reads in a reason (``Where.kind``).
_WHERE_KIND = {
    "decorator": "in a decorator",
    "base": "in a base class",
    "default": "in a default value",
    "annotation": "in an annotation evaluated at import",
    "class": "in a class body",
}


class FixContext:
    """One file under ``fix``: its tree and lines, the analyses, the target version and the plan."""

    def __init__(
        self,
        path: str,
        tree: ast.Module,
        lines: list[str],
        settings: Settings,
        target: tuple[int, int],
        *,
        packaging: bool = False,
    ) -> None:
        self.path = path
        self.tree = tree
        self.lines = lines
        self.settings = settings
        self.target = target
        #: Whether ``packaging`` can be imported in the environment the fix runs in.
        self.packaging = packaging
        self.lazy_annotations = target >= LAZY_ANNOTATIONS
        self.names = Names(tree)
        self.importtime = ImportTime(tree, self.names, lazy_annotations=self.lazy_annotations)
        self.usage = NameUsage(tree, self.importtime)
        self.plan = Plan(lines)
        self._references: dict[tuple[str, ast.AST], tuple[list[Reference], list[ast.AST]]] = {}

    # -- the tree ------------------------------------------------------------------------------------

    @cached_property
    def parents(self) -> dict[ast.AST, ast.AST]:
        """Every node's parent."""
        parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                parents[child] = node
        return parents

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        """The nodes ``node`` stands in, innermost first."""
        parent = self.parents.get(node)
        while parent is not None:
            yield parent
            parent = self.parents.get(parent)

    @cached_property
    def source(self) -> str:
        return "".join(self.lines)

    def segment(self, node: ast.AST) -> str:
        """The source text of ``node``."""
        text = ast.get_source_segment(self.source, node)
        return text if text is not None else ast.unparse(node)

    @cached_property
    def is_package_init(self) -> bool:
        return os.path.basename(self.path) == "__init__.py"

    @cached_property
    def dunder_all(self) -> frozenset[str]:
        """The names listed in the module's ``__all__``."""
        found: set[str] = set()
        for statement in self.tree.body:
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(statement, ast.Assign):
                targets, value = statement.targets, statement.value
            elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
                targets, value = [statement.target], statement.value
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and value is not None:
                for element in ast.walk(value):
                    if isinstance(element, ast.Constant) and isinstance(element.value, str):
                        found.add(element.value)
        return frozenset(found)

    @cached_property
    def import_region_end(self) -> ast.stmt | None:
        """The last statement of the imports at the top of the module (after
        the docstring and ``__future__`` imports): where new module-level
        imports and blocks go. ``None`` when the module has no statement."""
        last: ast.stmt | None = None
        for statement in self.tree.body:
            if last is None and _is_docstring(statement):
                last = statement
                continue
            if isinstance(statement, (ast.Import, ast.ImportFrom)) or _imports_only(statement):
                last = statement
                continue
            break
        return last

    def block_of(self, statement: ast.stmt) -> str | None:
        """Why ``statement`` does not stand unconditionally in the module body:
        ``"try"``, ``"condition"``, ``"with"``, ``"loop"``, ``"class"``,
        ``"function"``; ``None`` for a module-level statement."""
        for parent in self.ancestors(statement):
            if isinstance(parent, ast.Module):
                return None
            if isinstance(parent, _FUNCTIONS) or isinstance(parent, ast.Lambda):
                return "function"
            if isinstance(parent, ast.ClassDef):
                return "class"
            if isinstance(parent, _TRY):
                return "try"
            if isinstance(parent, (ast.If, ast.Match, ast.match_case)):
                return "condition"
            if isinstance(parent, (ast.With, ast.AsyncWith)):
                return "with"
            if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)):
                return "loop"
        return None

    def scope_of(self, node: ast.AST) -> ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef:
        """The module, function or class whose body ``node`` is in (as names resolve)."""
        for parent in self.ancestors(node):
            if isinstance(parent, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return parent
        return self.tree

    # -- names -----------------------------------------------------------------------------------------

    def references(self, local: str, scope: ast.AST | None = None) -> tuple[list[Reference], list[ast.AST]]:
        """The reads of ``local`` that resolve to its binding in ``scope`` (default: the module),
        and the functions that declare it ``global``."""
        key = (local, scope or self.tree)
        found = self._references.get(key)
        if found is None:
            found = self._references[key] = references(self.names, local, scope or self.tree)
        return found

    @cached_property
    def _import_time_names(self) -> dict[str, list[tuple[ast.Name, Where]]]:
        found: dict[str, list[tuple[ast.Name, Where]]] = {}
        for node, where in self.importtime.nodes(ast.Name):
            if isinstance(node.ctx, ast.Load):
                found.setdefault(node.id, []).append((node, where))
        return found

    def import_time_use(self, local: str) -> str | None:
        """Where import-time code reads ``local``, as the end of a reason
        (``line 12, in a decorator``); ``None`` when it does not."""
        for node, where in self._import_time_names.get(local, ()):
            if where.kind == "annotation" or self.names.lookup(local, where.scope) is not self.names.lookup(
                local, self.tree
            ):
                continue
            anchor = where.anchor(node)
            text = f"line {getattr(anchor, 'lineno', node.lineno)}"
            if where.via:
                return f"{text}, in {where.via[-1].name}(), called at import time"
            kind = _WHERE_KIND.get(where.kind)
            return f"{text}, {kind}" if kind else text
        return None

    def eager_annotation_use(self, local: str) -> int | None:
        """The line of an annotation evaluated at import that reads ``local``, if any."""
        for node, where in self._import_time_names.get(local, ()):
            if where.kind == "annotation":
                return node.lineno
        return None

    def refuse_binding(self, local: str) -> Refused | None:
        """Why the module-level import binding ``local`` cannot move: listed in ``__all__``,
        re-exported by a package ``__init__``, bound more than once, declared ``global``."""
        if local in self.dunder_all:
            return Refused("re-exported", f"{local} is re-exported in __all__")
        if self.is_package_init:
            return Refused("re-exported", f"a package __init__ may re-export {local}")
        bindings = self.names.module.bindings.get(local, [])
        if len(bindings) > 1:
            lines = ", ".join(str(getattr(b.node, "lineno", "?")) for b in bindings)
            return Refused("rebound", f"{local} is bound more than once in the module (lines {lines})")
        _, declared = self.references(local)
        if declared:
            function = declared[0]
            return Refused("global", f"{local} is declared global in {getattr(function, 'name', '?')}()")
        return None

    def binding_is_import(self, local: str, top: str, scope: ast.AST) -> bool:
        """Whether ``local`` is free where ``scope`` sees it, or an unaliased import of ``top`` (or a submodule)."""
        assert isinstance(scope, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        found = self.names.lookup(local, scope)
        if found is None:
            return True
        return all(
            binding.kind == "import" and binding.target == top and _binds_unaliased(binding.node, top)
            for binding in found.bindings
        )


def _binds_unaliased(node: ast.AST, top: str) -> bool:
    return isinstance(node, ast.Import) and any(
        alias.asname is None and alias.name.partition(".")[0] == top for alias in node.names
    )


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _imports_only(statement: ast.stmt) -> bool:
    """An ``if``/``try`` block at the top of a module that only imports (``if TYPE_CHECKING:``,
    ``try: import x / except ImportError: ...``)."""
    if not isinstance(statement, (ast.If, *_TRY)):
        return False
    if isinstance(statement, ast.If) and not is_type_checking(statement.test):
        return False
    body = [s for s in ast.walk(statement) if isinstance(s, ast.stmt) and s is not statement]
    return bool(body) and all(isinstance(s, (ast.Import, ast.ImportFrom, ast.Pass)) for s in body)
