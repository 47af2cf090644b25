"""Where a module uses each of its names: at import time, inside functions,
in annotations evaluated at import, in annotations a framework reads at
runtime, or only for type checkers.

Part of the name layer: IMC101 words its advice from it, and the fixer decides
from it what it may move.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from flake8_import_cost.importtime import ImportTime, child_fields, is_type_checking
from flake8_import_cost.knowledge.runtime_typing import (
    DEPENDENCY_CALLS,
    RUNTIME_TYPED_BASES,
    RUNTIME_TYPED_DECORATORS,
    SIGNATURE_READERS,
    STRING_TYPE_CALLS,
)

if TYPE_CHECKING:
    from typing import Literal

    from flake8_import_cost.names import Names, ScopeNode

    #: How an annotation is read: by code that runs, by type checkers only, or by a framework at runtime.
    Mode = Literal["code", "typing", "runtime"]

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class NameUsage:
    """Where a module uses each of its names.

    The kinds of use are ``import`` (code that runs at import reads it),
    ``reexport`` (``__all__`` names it), ``runtime`` (an annotation that a framework reads
    at runtime: a pydantic model's field, a FastAPI route's parameter), ``eager``
    (an annotation evaluated at import, before Python 3.14 and without
    ``from __future__ import annotations``), ``typing`` (lazy annotations,
    ``if TYPE_CHECKING:`` blocks, ``cast("Name", ...)``) and ``function`` (code
    inside functions that import-time code does not call).

    Uses at import time come from the walker's index; the rest of the tree is
    read only when a slow import's names are not used at import time.
    """

    def __init__(self, tree: ast.Module, importtime: ImportTime) -> None:
        self.tree = tree
        self.names: Names = importtime.names
        self._at_import: set[int] = set()
        self._eager: set[int] = set()
        #: Names re-exported in ``__all__``.
        self._exported = frozenset(_dunder_all(tree))
        #: Names read by code that runs at import (annotations aside) or re-exported.
        self._used_at_import: set[str] = set(self._exported)
        #: The first import-time use of each name, to say where it is used.
        self._first: dict[str, ast.Name] = {}
        for used, where in importtime.nodes(ast.Name):
            if isinstance(used.ctx, ast.Load):
                eager = where.kind == "annotation"
                (self._eager if eager else self._at_import).add(id(used))
                if not eager:
                    self._used_at_import.add(used.id)
                    first = self._first.get(used.id)
                    if first is None or (used.lineno, used.col_offset) < (first.lineno, first.col_offset):
                        self._first[used.id] = used
        self._everywhere: dict[str, set[str]] | None = None
        self._runtime_first: dict[str, ast.Name] = {}

    def at_import_time(self, local: str) -> bool:
        """Whether ``local`` is used by code that runs at import."""
        return local in self._used_at_import

    def first_use(self, local: str) -> ast.Name | None:
        """The first use of ``local`` at import time (in code or in an annotation read at runtime)."""
        found = self._first.get(local)
        if found is None and self._everywhere is not None:
            found = self._runtime_first.get(local)
        return found

    def kinds(self, names: list[str]) -> set[str]:
        """How the names are used, across the module."""
        if any(name in self._used_at_import and name not in self._exported for name in names):
            return {"import"}
        if any(name in self._exported for name in names):
            return {"reexport"}
        if self._everywhere is None:
            self._everywhere = self._read_tree()
        return set().union(*(self._everywhere.get(name, ()) for name in names))

    # -- the rest of the tree -----------------------------------------------------------------------

    def _read_tree(self) -> dict[str, set[str]]:
        uses: dict[str, set[str]] = {}
        runtime = _RuntimeTyped(self.tree, self.names)
        pending: list[tuple[ast.AST, Mode]] = [(self.tree, "code")]
        while pending:
            node, mode = pending.pop()
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Load):
                    self._record(node, mode, uses)
                continue
            if mode != "code" and isinstance(node, ast.Constant) and isinstance(node.value, str):
                pending.extend((name, mode) for name in _string_annotation_names(node.value))
                continue
            if isinstance(node, ast.Call):
                pending.extend((name, "typing") for name in _string_types(node, self.names))
            annotation_mode: Mode = "runtime" if runtime.reads(node) else "typing"
            type_checking = isinstance(node, ast.If) and is_type_checking(node.test)
            for field in child_fields(type(node)):
                value = getattr(node, field, None)
                inside = mode
                if mode == "code" and (field in ("annotation", "returns") or (type_checking and field == "body")):
                    inside = annotation_mode if field != "body" else "typing"
                if isinstance(node, ast.ClassDef) and field == "body":
                    # Field annotations of a runtime-typed class are read by the framework.
                    pending.extend(_class_body(node.body, mode, annotation_mode if mode == "code" else mode))
                    continue
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and field == "args" and mode == "code":
                    pending.extend(_arguments(node.args, annotation_mode))
                    continue
                if isinstance(value, list):
                    pending.extend((item, inside) for item in value if isinstance(item, ast.AST))
                elif isinstance(value, ast.AST):
                    pending.append((value, inside))
        return uses

    def _record(self, node: ast.Name, mode: Mode, uses: dict[str, set[str]]) -> None:
        key = id(node)
        if mode == "runtime":
            kind = "runtime"
            first = self._runtime_first.get(node.id)
            if first is None or node.lineno < first.lineno:
                self._runtime_first[node.id] = node
        elif key in self._eager:
            kind = "eager"
        elif mode == "typing":
            kind = "typing"
        else:
            kind = "import" if key in self._at_import else "function"
        uses.setdefault(node.id, set()).add(kind)


def _class_body(body: list[ast.stmt], mode: Mode, fields: Mode) -> Iterator[tuple[ast.AST, Mode]]:
    """A class body's statements in ``mode``, with the annotations of its fields read in ``fields``."""
    for stmt in body:
        if isinstance(stmt, ast.AnnAssign):
            yield stmt.annotation, fields
            if stmt.value is not None:
                yield stmt.value, mode
            yield stmt.target, mode
        else:
            yield stmt, mode


def _arguments(args: ast.arguments, mode: Mode) -> Iterator[tuple[ast.AST, Mode]]:
    """A signature's parts: annotations read in ``mode``, defaults as code."""
    for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
        if arg is not None and arg.annotation is not None:
            yield arg.annotation, mode
    for default in (*args.defaults, *args.kw_defaults):
        if default is not None:
            yield default, "code"


class _RuntimeTyped:
    """Which classes and functions of a module have their annotations read at runtime
    (see :mod:`~flake8_import_cost.knowledge.runtime_typing`)."""

    def __init__(self, tree: ast.Module, names: Names) -> None:
        self.names = names
        self.tree = tree
        self._known: dict[ast.AST, bool] = {}
        imported = {
            (binding.target or "").partition(".")[0]
            for bindings in names.module.bindings.values()
            for binding in bindings
            if binding.kind == "import"
        }
        #: A framework that reads the signatures of the functions it registers is imported.
        self.reads_signatures = bool(imported & SIGNATURE_READERS)
        self._dependencies: set[str] | None = None

    def reads(self, node: ast.AST) -> bool:
        """Whether ``node`` (a class or function) has its annotations read at runtime."""
        if not isinstance(node, _DEFINITIONS):
            return False
        known = self._known.get(node)
        if known is None:
            self._known[node] = False  # a class that is its own base is not runtime-typed
            known = self._known[node] = self._decide(node)
        return known

    def _decide(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
        scope = self.names.defined_in(node)
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if self.names.qualified(target, scope) in RUNTIME_TYPED_DECORATORS:
                return True
        if isinstance(node, ast.ClassDef):
            return any(self._runtime_base(base, scope) for base in node.bases)
        if self.reads_signatures and node.decorator_list:
            return True  # a route, a dependency, a command: its signature is read when it is registered
        return node.name in self._dependency_functions()

    def _runtime_base(self, base: ast.expr, scope: ScopeNode) -> bool:
        qualified = self.names.qualified(base, scope)
        if qualified in RUNTIME_TYPED_BASES:
            return True
        if isinstance(base, ast.Name):
            local = self.names.local_class(base.id, scope)
            if local is not None:
                return self.reads(local)
        # A base imported from elsewhere, in a module that uses such a framework:
        # most likely the project's own model base; safe to count it as one.
        return self.reads_signatures and qualified is not None and "." in qualified

    def _dependency_functions(self) -> set[str]:
        """Names of the functions a FastAPI ``Depends(...)`` or ``Security(...)`` receives."""
        if self._dependencies is None:
            self._dependencies = set()
            if self.reads_signatures:
                for node in ast.walk(self.tree):
                    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name):
                        if self.names.qualified(node.func, self.tree) in DEPENDENCY_CALLS:
                            self._dependencies.add(node.args[0].id)
        return self._dependencies


def _string_types(call: ast.Call, names: Names) -> list[ast.Name]:
    """The names in the string types a call takes: ``cast("Frame", x)``, ``TypeVar("T", bound="Model")``."""
    func = call.func
    if not isinstance(func, (ast.Name, ast.Attribute)):
        return []
    last = func.id if isinstance(func, ast.Name) else func.attr
    if last not in ("cast", "TypeVar") or names.qualified(func, names.tree) not in STRING_TYPE_CALLS:
        return []
    strings = [call.args[0]] if last == "cast" and call.args else []
    strings += [k.value for k in call.keywords if k.arg == "bound"]
    found: list[ast.Name] = []
    for value in strings:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found.extend(_string_annotation_names(value.value))
    return found


def _string_annotation_names(text: str) -> list[ast.Name]:
    """The names a string annotation (``"pd.DataFrame | None"``) refers to."""
    try:
        expression = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return []
    return [node for node in ast.walk(expression) if isinstance(node, ast.Name)]


def _dunder_all(tree: ast.Module) -> Iterator[str]:
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and isinstance(
                stmt.value, (ast.List, ast.Tuple)
            ):
                for element in stmt.value.elts:
                    if isinstance(element, ast.Constant) and isinstance(element.value, str):
                        yield element.value
