"""Where a module uses each of its names: at import time, inside functions,
in annotations evaluated at import, in annotations a framework reads at
runtime, or only for type checkers.

Part of the name layer: IMC101 words its advice from it, and the fixer decides
from it what it may move.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from flake8_import_cost.importtime import ImportTime, child_fields, is_type_checking
from flake8_import_cost.knowledge.runtime_typing import STRING_TYPE_CALLS
from flake8_import_cost.limits import UNPARSABLE
from flake8_import_cost.runtime_typed import RuntimeTyped

if TYPE_CHECKING:
    from typing import Literal

    from flake8_import_cost.names import Names

    #: How an annotation is read: by code that runs, by type checkers only, or by a framework at runtime.
    Mode = Literal["code", "typing", "runtime"]
    #: The scopes a node's names resolve in, outermost first.
    Frame = tuple[ast.AST, ...]

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
#: Python 3.12+ (PEP 695): fields evaluated only when something asks for them, as a type checker
#: does. The bounds, constraints and defaults of type parameters, and the value of a ``type``
#: statement: ``type Frame = pd.DataFrame`` does not read ``pd`` at import.
_LAZY_TYPE_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {
    node_type: ("type_params",) for node_type in _DEFINITIONS
}
if sys.version_info >= (3, 12):
    _LAZY_TYPE_FIELDS[ast.TypeAlias] = ("type_params", "value")


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
        runtime = RuntimeTyped(self.tree, self.names)
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
            lazy_types = _LAZY_TYPE_FIELDS.get(type(node), ())
            for field in child_fields(type(node)):
                value = getattr(node, field, None)
                inside = mode
                if mode == "code" and (field in ("annotation", "returns") or (type_checking and field == "body")):
                    inside = annotation_mode if field != "body" else "typing"
                elif mode == "code" and field in lazy_types:
                    inside = "typing"
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
    except UNPARSABLE:
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


class Reference:
    """One read of a name, resolved to the scope that binds it (see :func:`references`).

    ``function`` is the innermost function whose *body* runs the read (``None``
    when no function body does: module or class level, or a lambda or generator
    defined there); ``typing`` says the read is for type checkers only or for
    annotations (a parameter, return or variable annotation, a string
    annotation, an ``if TYPE_CHECKING:`` block); ``owner`` is, for an
    annotation, the function whose signature or the class whose body holds it
    (``None`` for a module-level variable annotation or a ``TYPE_CHECKING`` block);
    ``in_string`` marks a name read from a string annotation (its node is not in
    the file).
    """

    __slots__ = ("node", "function", "typing", "owner", "in_string")

    def __init__(
        self,
        node: ast.Name,
        function: ast.FunctionDef | ast.AsyncFunctionDef | None,
        typing: bool,
        owner: ast.AST | None,
        in_string: bool,
    ) -> None:
        self.node = node
        self.function = function
        self.typing = typing
        self.owner = owner
        self.in_string = in_string

    def __repr__(self) -> str:
        where = self.function.name if self.function is not None else "-"
        return f"Reference({self.node.id!r}, line {self.node.lineno}, in {where}, typing={self.typing})"


_Function = (ast.FunctionDef, ast.AsyncFunctionDef)
_TYPE_ALIAS: type[ast.stmt] | None = getattr(ast, "TypeAlias", None)
_Comprehension = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def references(names: Names, local: str, scope: ast.AST) -> tuple[list[Reference], list[ast.AST]]:
    """Every read of ``local`` that resolves to its binding in ``scope`` (the
    module, or a function), with Python's scoping rules: a function, lambda or
    comprehension that binds the name itself shadows it, a class body is seen
    only by its own statements, ``global`` sends a function's reads to the
    module. Also returns the functions that declare ``global local`` (for a
    module-level ``scope``), which may rebind it.
    """
    found: list[Reference] = []
    globals_: list[ast.AST] = []
    # (node, the scopes its names resolve in, the function whose body runs it, typing only, annotation owner)
    pending: list[tuple[ast.AST, Frame, ast.AST | None, bool, ast.AST | None]] = [(names.tree, (), None, False, None)]
    declared: dict[ast.AST, bool] = {}

    def declares_global(function: ast.AST) -> bool:
        known = declared.get(function)
        if known is None:
            known = False
            stack: list[ast.AST] = list(getattr(function, "body", []))
            while stack:
                node = stack.pop()
                if isinstance(node, ast.Global) and local in node.names:
                    known = True
                    break
                if not isinstance(node, (*_Function, ast.ClassDef, ast.Lambda)):
                    stack.extend(ast.iter_child_nodes(node))
            declared[function] = known
        return known

    def binds(frame: ast.AST) -> bool:
        if isinstance(frame, _Function):
            return not declares_global(frame) and local in names.scope(frame).bindings
        if isinstance(frame, ast.Lambda):
            args = frame.args
            every = (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg)
            return any(arg is not None and arg.arg == local for arg in every)
        if isinstance(frame, _Comprehension):
            return any(
                isinstance(target, ast.Name) and target.id == local
                for generator in frame.generators
                for target in ast.walk(generator.target)
            )
        return False

    def resolves_here(frames: Frame) -> bool:
        for index in range(len(frames) - 1, -1, -1):
            frame = frames[index]
            if isinstance(frame, ast.ClassDef):
                if index == len(frames) - 1 and scope is not frame and local in names.scope(frame).bindings:
                    return False  # the class body's own name
                continue
            if frame is scope:
                return True
            if binds(frame):
                return False
        return scope is names.tree

    while pending:
        node, frames, running, typing, owner = pending.pop()
        if isinstance(node, ast.Global):
            if local in node.names and isinstance(running, _Function) and scope is names.tree:
                globals_.append(running)
            continue
        if isinstance(node, ast.Name):
            if node.id == local and isinstance(node.ctx, ast.Load) and resolves_here(frames):
                function = running if isinstance(running, _Function) else None
                found.append(Reference(node, function, typing, owner, False))
            continue
        if typing and isinstance(node, ast.Constant) and isinstance(node.value, str):
            for name in _string_annotation_names(node.value):
                if name.id == local and resolves_here(frames):
                    ast.copy_location(name, node)
                    function = running if isinstance(running, _Function) else None
                    found.append(Reference(name, function, True, owner, True))
            continue
        if isinstance(node, _Function):
            for outer in (*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)):
                pending.append((outer, frames, running, typing, owner))
            args = node.args
            for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
                if arg is not None and arg.annotation is not None:
                    pending.append((arg.annotation, frames, running, True, node))
            if node.returns is not None:
                pending.append((node.returns, frames, running, True, node))
            pending.extend((param, frames, running, True, node) for param in getattr(node, "type_params", ()))
            for statement in node.body:
                pending.append((statement, (*frames, node), node, typing, owner))
            continue
        if isinstance(node, ast.Lambda):
            for outer in (*node.args.defaults, *(d for d in node.args.kw_defaults if d)):
                pending.append((outer, frames, running, typing, owner))
            pending.append((node.body, (*frames, node), running, typing, owner))
            continue
        if isinstance(node, ast.ClassDef):
            for outer in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
                pending.append((outer, frames, running, typing, owner))
            pending.extend((param, frames, running, True, node) for param in getattr(node, "type_params", ()))
            for statement in node.body:
                pending.append((statement, (*frames, node), running, typing, node if typing else owner))
            continue
        if isinstance(node, _Comprehension):
            first, *rest = node.generators
            pending.append((first.iter, frames, running, typing, owner))
            inner = (*frames, node)
            pending.append((first.target, inner, running, typing, owner))
            pending.extend((condition, inner, running, typing, owner) for condition in first.ifs)
            pending.extend((generator, inner, running, typing, owner) for generator in rest)
            elements = (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,)
            pending.extend((element, inner, running, typing, owner) for element in elements)
            continue
        if isinstance(node, ast.AnnAssign):
            holder = frames[-1] if frames and isinstance(frames[-1], ast.ClassDef) else None
            pending.append((node.annotation, frames, running, True, holder))
            pending.append((node.target, frames, running, typing, owner))
            if node.value is not None:
                pending.append((node.value, frames, running, typing, owner))
            continue
        if _TYPE_ALIAS is not None and isinstance(node, _TYPE_ALIAS):
            # A ``type`` statement's value and type parameters are evaluated on first use, not at import.
            for lazy in (*node.type_params, node.value):  # type: ignore[attr-defined]
                pending.append((lazy, frames, running, True, owner))
            continue
        if isinstance(node, ast.If) and is_type_checking(node.test):
            pending.extend((statement, frames, running, True, owner) for statement in node.body)
            pending.extend((statement, frames, running, typing, owner) for statement in node.orelse)
            continue
        pending.extend((child, frames, running, typing, owner) for child in ast.iter_child_nodes(node))
    found.sort(key=lambda reference: (reference.node.lineno, reference.node.col_offset))
    return found, globals_
