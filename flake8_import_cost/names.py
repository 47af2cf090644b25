"""Name resolution for one file: imports, aliases, simple bindings.

Built once per file and shared by every rule. Only the statements that bind
names in a scope are read (never whole function bodies), so building it is
cheap; class and function scopes are read on first use.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from flake8_import_cost.knowledge.deferred import DEFERRING_DECORATORS
from flake8_import_cost.limits import MAX_BASE_DEPTH, MAX_VALUE_DEPTH

if TYPE_CHECKING:  # annotations only: nothing to build at every flake8 start
    from collections.abc import Iterator
    from typing import Literal, Union

    FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
    ScopeNode = Union[ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef]
    BindingKind = Literal["import", "assign", "def", "class", "other"]
    #: Same-module code a call can run.
    Runnable = Union[FunctionNode, ast.Lambda]


class Binding:
    """One statement that binds a name in a scope.

    ``value`` is the assigned expression, for ``name = value`` and
    ``name: T = value``; ``target`` is the qualified name an import binds,
    e.g. ``numpy`` or ``boto3.client``. (A plain class: this module is
    loaded at every flake8 start, and a NamedTuple costs ~20x more to define.)
    """

    __slots__ = ("kind", "node", "value", "target", "fallback")

    def __init__(
        self, kind: BindingKind, node: ast.AST, value: ast.expr | None = None, target: str | None = None
    ) -> None:
        self.kind = kind
        self.node = node
        self.value = value
        self.target = target
        #: Bound in an ``except`` handler: the fallback of a ``try`` that binds it too.
        self.fallback = False


class Scope:
    """The names one module, class or function body binds directly."""

    def __init__(self, node: ScopeNode, enclosing: dict[ast.AST, ScopeNode] | None = None) -> None:
        self.node = node
        #: Shared by the scopes of a module: each function or class -> the scope it is defined in.
        self._enclosing = enclosing if enclosing is not None else {}
        self.bindings: dict[str, list[Binding]] = {}
        #: Lookups answered in this scope, built once per name.
        self.found: dict[str, Lookup] = {}
        self._in_handler = False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
                if arg is not None:
                    self._bind(arg.arg, Binding("other", arg))
        self._collect(node.body)

    def value(self, name: str) -> ast.expr | None:
        """The expression ``name`` is bound to, when it is bound exactly once."""
        bindings = self.bindings.get(name)
        if bindings is not None and len(bindings) == 1:
            return bindings[0].value
        return None

    def lookup(self, name: str) -> Lookup:
        """The bindings of ``name``, which this scope binds."""
        found = self.found.get(name)
        if found is None:
            found = self.found[name] = Lookup(self, self.bindings[name])
        return found

    def function(self, name: str) -> FunctionNode | None:
        """The function ``name`` refers to, when it is defined exactly once."""
        bindings = self.bindings.get(name)
        if bindings is not None and len(bindings) == 1 and bindings[0].kind == "def":
            node = bindings[0].node
            assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            return node
        return None

    def _bind(self, name: str, binding: Binding) -> None:
        binding.fallback = self._in_handler
        self.bindings.setdefault(name, []).append(binding)

    def _collect(self, body: list[ast.stmt], in_handler: bool = False) -> None:
        """Bind the names of ``body`` in source order, so the last binding is the
        one that stands; ``in_handler`` marks the statements of ``except`` blocks."""
        for stmt in body:
            self._in_handler = in_handler
            nested: list[tuple[list[ast.stmt], bool]] = []
            self._collect_statement(stmt, nested)
            for block, is_handler in nested:
                self._collect(block, in_handler or is_handler)

    def _collect_statement(self, stmt: ast.stmt, nested: list[tuple[list[ast.stmt], bool]]) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self._bind(alias.asname, Binding("import", stmt, target=alias.name))
                else:
                    top = alias.name.partition(".")[0]
                    self._bind(top, Binding("import", stmt, target=top))
        elif isinstance(stmt, ast.ImportFrom):
            module = "." * stmt.level + (stmt.module or "")
            for alias in stmt.names:
                if alias.name == "*":
                    continue  # binds names no one can see statically
                sep = "" if module.endswith(".") else "."
                qualified = f"{module}{sep}{alias.name}"
                self._bind(alias.asname or alias.name, Binding("import", stmt, target=qualified))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._bind(stmt.name, Binding("def", stmt))
            self._enclosing[stmt] = self.node
        elif isinstance(stmt, ast.ClassDef):
            self._bind(stmt.name, Binding("class", stmt))
            self._enclosing[stmt] = self.node
        elif isinstance(stmt, ast.Assign):
            value = stmt.value if len(stmt.targets) == 1 else None
            for assigned in stmt.targets:
                self._bind_target(assigned, stmt, value)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self._bind_target(stmt.target, stmt, stmt.value)
        elif isinstance(stmt, ast.AugAssign):
            self._bind_target(stmt.target, stmt, None)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self._bind_target(stmt.target, stmt, None)
            nested.extend(((stmt.body, False), (stmt.orelse, False)))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self._bind_target(item.optional_vars, stmt, None)
            nested.append((stmt.body, False))
        elif isinstance(stmt, (ast.If, ast.While)):
            nested.extend(((stmt.body, False), (stmt.orelse, False)))
        elif isinstance(stmt, _TRY_TYPES):
            blocks = (stmt.body, stmt.orelse, stmt.finalbody)  # type: ignore[attr-defined]
            nested.extend((block, False) for block in blocks)
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                if handler.name:
                    self._bind(handler.name, Binding("other", handler))
                nested.append((handler.body, True))
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                nested.append((case.body, False))
        elif isinstance(stmt, ast.Delete):
            # ``del NAME`` makes a function's name local, but gives a module or class
            # name no other value: every use before it sees the one assignment, and a
            # use after it fails (``REPO = Repo(); VERSION = REPO.describe(); del REPO``).
            if isinstance(self.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for deleted in stmt.targets:
                    self._bind_target(deleted, stmt, None)
        elif _TYPE_ALIAS is not None and isinstance(stmt, _TYPE_ALIAS):
            self._bind_target(stmt.name, stmt, None)  # type: ignore[attr-defined]

    def _bind_target(self, target: ast.expr, stmt: ast.stmt, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, Binding("assign" if value is not None else "other", stmt, value))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind_target(element, stmt, None)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, stmt, None)


_TRY_TYPES: tuple[type[ast.stmt], ...] = tuple(
    t for t in (ast.Try, getattr(ast, "TryStar", None)) if t is not None
)
_TYPE_ALIAS: type[ast.stmt] | None = getattr(ast, "TypeAlias", None)


class Lookup:
    """The bindings of a name in the innermost scope that binds it."""

    __slots__ = ("scope", "bindings", "imported", "preferred")

    def __init__(self, scope: Scope, bindings: list[Binding]) -> None:
        self.scope = scope
        self.bindings = bindings
        #: Whether every binding is an import (found once: a loop variable of a long
        #: module may have thousands of bindings, and every look-up asks).
        self.imported = all(binding.kind == "import" for binding in bindings)
        #: The binding that stands: the last, but an ``except ImportError:`` fallback
        #: (``try: import regex as rx`` / ``except ...: import re as rx``) yields to the
        #: import the module prefers (found once, for the same reason).
        self.preferred = next((b for b in reversed(bindings) if not b.fallback), bindings[-1]) if bindings else None

    @property
    def single(self) -> Binding | None:
        """The one binding, when the name is bound exactly once."""
        return self.bindings[0] if len(self.bindings) == 1 else None


class Names:
    """Resolves names of one module to qualified names, simple values and the
    same-module code that calls run."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self._enclosing: dict[ast.AST, ScopeNode] = {}
        self.module = Scope(tree, self._enclosing)
        self._scopes: dict[ast.AST, Scope] = {tree: self.module}
        self.future_annotations = any(
            isinstance(stmt, ast.ImportFrom)
            and stmt.module == "__future__"
            and any(alias.name == "annotations" for alias in stmt.names)
            for stmt in tree.body
        )

    def scope(self, node: ScopeNode) -> Scope:
        """The scope of ``node``, read on first use."""
        scope = self._scopes.get(node)
        if scope is None:
            scope = self._scopes[node] = Scope(node, self._enclosing)
        return scope

    def defined_in(self, node: FunctionNode | ast.ClassDef) -> ScopeNode:
        """The scope a function or class statement stands in (its decorators resolve there)."""
        return self._enclosing.get(node, self.tree)

    def lookup(self, name: str, scope: ScopeNode) -> Lookup | None:
        """The bindings of ``name`` seen from ``scope``: the scope itself, the
        functions it is nested in (never a class body around a method), then
        the module; ``None`` for a name the module never binds (a builtin)."""
        node: ScopeNode | None = scope
        while node is not None and not isinstance(node, ast.Module):
            local = self.scope(node)
            if name in local.bindings:
                return local.lookup(name)
            node = self._enclosing.get(node)
            while isinstance(node, ast.ClassDef):
                node = self._enclosing.get(node)
        if name in self.module.bindings:
            return self.module.lookup(name)
        return None

    def qualified(self, node: ast.expr, scope: ScopeNode) -> str | None:
        """The dotted name ``node`` refers to: ``np.array`` -> ``numpy.array``.

        Builtins and names the module never binds resolve to themselves
        (``open``); names bound by anything other than an import resolve to
        ``None``, as do expressions that are not names or attribute chains.
        """
        attrs: list[str] = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        found = self.lookup(node.id, scope)
        if found is None:
            root = node.id
        else:
            if not found.imported or found.preferred is None:
                return None
            root = found.preferred.target or node.id
        if attrs:
            return root + "." + ".".join(reversed(attrs))
        return root

    def value(self, name: str, scope: ScopeNode) -> ast.expr | None:
        """The one expression ``name`` was assigned, seen from ``scope``."""
        found = self.lookup(name, scope)
        binding = found.single if found is not None else None
        return binding.value if binding is not None else None

    def resolve(self, node: ast.expr, scope: ScopeNode) -> ast.expr:
        """Follow names assigned exactly once to the expression they stand for."""
        for _ in range(MAX_VALUE_DEPTH):
            if not isinstance(node, ast.Name):
                break
            value = self.value(node.id, scope)
            if value is None:
                break
            node = value
        return node

    def function(self, name: str, scope: ScopeNode) -> FunctionNode | None:
        """The same-module function ``name`` calls, seen from ``scope``."""
        found = self.lookup(name, scope)
        return found.scope.function(name) if found is not None else None

    def local_class(self, name: str, scope: ScopeNode) -> ast.ClassDef | None:
        """The same-module class ``name`` refers to, when it is bound once, to a class."""
        found = self.lookup(name, scope)
        binding = found.single if found is not None else None
        if binding is not None and isinstance(binding.node, ast.ClassDef):
            return binding.node
        return None

    def is_builtin(self, node: ast.expr, name: str, scope: ScopeNode) -> bool:
        """Whether ``node`` is the unshadowed builtin ``name``."""
        return isinstance(node, ast.Name) and node.id == name and self.lookup(name, scope) is None

    def is_unbound(self, name: str, scope: ScopeNode) -> bool:
        """Whether the module never binds ``name`` where ``scope`` sees it (a builtin, or nothing)."""
        return self.lookup(name, scope) is None

    def callee(self, func: ast.expr, scope: ScopeNode) -> tuple[Runnable, str] | None:
        """The same-module code a call runs, and how the call names it: a
        function, a lambda bound to a name, a static or class method called on
        its class, or the ``__init__`` of a class or of its nearest same-module
        base (also through a name assigned once: ``run = helper; run()``)."""
        called = func.id if isinstance(func, ast.Name) else None
        func = self.resolve(func, scope)
        if isinstance(func, ast.Lambda) and called is not None:
            return func, called
        if isinstance(func, ast.Name):
            function = self.function(func.id, scope)
            if function is not None:
                return function, func.id
            cls = self.local_class(func.id, scope)
            if cls is not None:
                init = self.method(cls, "__init__")
                if init is not None:
                    return init, f"{func.id}.__init__"
        elif isinstance(func, ast.Attribute):
            receiver = func.value
            if isinstance(receiver, ast.Name):
                cls = self.local_class(receiver.id, scope)
                if cls is not None:
                    method = self.method(cls, func.attr)
                    if method is not None and _is_static_or_class_method(method):
                        return method, f"{receiver.id}.{func.attr}"
                    return None
            cls = self.instance_class(receiver, scope)
            if cls is not None:
                method = self.method(cls, func.attr)
                if method is not None:
                    return method, f"{cls.name}.{func.attr}"
        return None

    def instance_class(self, node: ast.expr, scope: ScopeNode) -> ast.ClassDef | None:
        """The same-module class of which ``node`` is an instance, when that is
        known: ``Loader()``, a name assigned ``Loader()`` once or annotated with the
        class where it is assigned (``LOADER: Loader = make()``), or ``self`` (and
        ``cls``) in a method of the class (the class that defines the method:
        a same-module subclass that overrides what it calls is not seen)."""
        annotated = None
        if isinstance(node, ast.Name):
            if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and _first_parameter(scope) == node.id:
                owner = self._enclosing.get(scope)
                if isinstance(owner, ast.ClassDef) and not _is_static(scope):
                    return owner
            found = self.lookup(node.id, scope)
            binding = found.single if found is not None else None
            if binding is not None and isinstance(binding.node, ast.AnnAssign):  # ``CONF: Parser = load()``
                annotation = binding.node.annotation
                if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                    annotation = ast.Name(id=annotation.value, ctx=ast.Load())
                if isinstance(annotation, ast.Name):
                    annotated = self.local_class(annotation.id, scope)
            node = self.resolve(node, scope)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.local_class(node.func.id, scope) or annotated
        return annotated

    def defers_body(self, function: FunctionNode) -> bool:
        """Whether a decorator of ``function`` turns calling it into building a
        task whose body runs later (see :mod:`~flake8_import_cost.knowledge.deferred`)."""
        if not function.decorator_list:
            return False
        scope = self.defined_in(function)
        for decorator in function.decorator_list:
            name = self.qualified(decorator.func if isinstance(decorator, ast.Call) else decorator, scope)
            if name is not None and any(name == d or name.startswith(d + ".") for d in DEFERRING_DECORATORS):
                return True
        return False

    def method(self, cls: ast.ClassDef, name: str) -> FunctionNode | None:
        """``name`` defined in ``cls`` or inherited from a same-module base."""
        for owner in self.lineage(cls):
            method = self.scope(owner).function(name)
            if method is not None:
                return method
        return None

    def lineage(self, cls: ast.ClassDef) -> Iterator[ast.ClassDef]:
        """``cls``, then the same-module base it inherits from (its first base that is a
        class of the module), and so on, at most :data:`MAX_BASE_DEPTH` classes."""
        for _ in range(MAX_BASE_DEPTH):
            yield cls
            parent = next(
                (found for base in cls.bases if isinstance(base, ast.Name)
                 for found in (self.local_class(base.id, self.tree),) if found is not None),
                None,
            )  # fmt: skip
            if parent is None or parent is cls:
                return
            cls = parent


def _first_parameter(function: FunctionNode) -> str | None:
    args = function.args
    first = (*args.posonlyargs, *args.args)[:1]
    return first[0].arg if first else None


def _is_static(function: FunctionNode) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)


def _is_static_or_class_method(function: FunctionNode) -> bool:
    return any(
        isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in function.decorator_list
    )
