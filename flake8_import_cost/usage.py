"""Where a module uses each of its names: at import time, inside functions,
in annotations evaluated at import, or only for type checkers.

Part of the name layer: IMC101 words its advice from it, and the fixer decides
from it what it may move.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from flake8_import_cost.importtime import ImportTime, child_fields, is_type_checking

if TYPE_CHECKING:
    from flake8_import_cost.names import Names

    #: The scopes a node's names resolve in, outermost first.
    Frame = tuple[ast.AST, ...]


class NameUsage:
    """Where a module uses each of its names: at import time, inside functions,
    in annotations evaluated at import (``eager``), or only for type checkers
    (``typing``: lazy annotations, ``if TYPE_CHECKING:`` blocks).

    Uses at import time come from the walker's index; the rest of the tree is
    read only when a slow import's names are not used at import time.
    """

    def __init__(self, tree: ast.Module, importtime: ImportTime) -> None:
        self.tree = tree
        self._at_import: set[int] = set()
        self._eager: set[int] = set()
        #: Names read by code that runs at import (annotations aside) or re-exported in ``__all__``.
        self._used_at_import: set[str] = set(_dunder_all(tree))
        for used, where in importtime.nodes(ast.Name):
            if isinstance(used.ctx, ast.Load):
                eager = where.kind == "annotation"
                (self._eager if eager else self._at_import).add(id(used))
                if not eager:
                    self._used_at_import.add(used.id)
        self._everywhere: dict[str, set[str]] | None = None

    def at_import_time(self, local: str) -> bool:
        """Whether ``local`` is used by code that runs at import."""
        return local in self._used_at_import

    def kinds(self, names: list[str]) -> set[str]:
        """How the names are used, across the module."""
        if any(self.at_import_time(name) for name in names):
            return {"import"}
        if self._everywhere is None:
            self._everywhere = self._read_tree()
        return set().union(*(self._everywhere.get(name, ()) for name in names))

    def _read_tree(self) -> dict[str, set[str]]:
        uses: dict[str, set[str]] = {}
        pending: list[tuple[ast.AST, bool]] = [(self.tree, False)]
        while pending:
            node, in_annotation = pending.pop()
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Load):
                    key = id(node)
                    if key in self._eager:
                        kind = "eager"
                    elif in_annotation:
                        kind = "typing"
                    else:
                        kind = "import" if key in self._at_import else "function"
                    uses.setdefault(node.id, set()).add(kind)
                continue
            if in_annotation and isinstance(node, ast.Constant) and isinstance(node.value, str):
                pending.extend((name, True) for name in _string_annotation_names(node.value))
                continue
            type_checking = isinstance(node, ast.If) and is_type_checking(node.test)
            for field in child_fields(type(node)):
                value = getattr(node, field, None)
                inside = in_annotation or field in ("annotation", "returns") or (type_checking and field == "body")
                if isinstance(value, list):
                    pending.extend((item, inside) for item in value if isinstance(item, ast.AST))
                elif isinstance(value, ast.AST):
                    pending.append((value, inside))
        return uses


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
        if isinstance(node, ast.If) and is_type_checking(node.test):
            pending.extend((statement, frames, running, True, owner) for statement in node.body)
            pending.extend((statement, frames, running, typing, owner) for statement in node.orelse)
            continue
        pending.extend((child, frames, running, typing, owner) for child in ast.iter_child_nodes(node))
    found.sort(key=lambda reference: (reference.node.lineno, reference.node.col_offset))
    return found, globals_
