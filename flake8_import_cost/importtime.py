"""The import-time walker: which nodes run while a module is imported.

This is the single place that knows the rules of SPEC §2. It visits only the
code that runs at import (module and class bodies, decorators, bases,
defaults, eager annotations, comprehensions that run, lambdas that are called,
and the bodies of same-module functions called from import-time code), never
the body of a function that is merely defined. Every node it reaches is
indexed by type with a :class:`Where` that says in which context it runs, so
each rule asks for the node types it cares about instead of walking the tree
again.

The walk uses an explicit stack, so deeply nested expressions cannot exhaust
the interpreter's recursion limit.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from flake8_import_cost.names import Names

if TYPE_CHECKING:  # annotations only: nothing to build at every flake8 start
    from typing import Literal, TypeVar, Union

    from flake8_import_cost.names import FunctionNode, ScopeNode

    #: Same-module code a call can run.
    Runnable = Union[FunctionNode, ast.Lambda]
    Kind = Literal["module", "class", "decorator", "base", "default", "annotation", "function"]
    N = TypeVar("N", bound=ast.AST)
    _Visitor = Callable[["ImportTime", Any, "Where"], None]

#: How many same-module calls deep the walker follows import-time calls.
MAX_CALL_DEPTH = 4
#: How many import-time call sites of one function the walker follows. Each
#: site walks the body again (a finding inside is reported at every site), so
#: a module calling one constructor hundreds of times stays cheap to check.
MAX_SITES_PER_FUNCTION = 16


#: Builtins that iterate an iterable passed to them to the end.
CONSUMING_BUILTINS = frozenset(
    {"list", "tuple", "set", "frozenset", "dict", "sorted", "sum", "min", "max", "any", "all"}
)
#: Methods that iterate an iterable argument to the end (``"".join(gen)``).
CONSUMING_METHODS = frozenset({"join", "extend", "update", "writelines", "fromkeys"})
#: Builtins and methods that call a ``key=`` function they are given.
KEY_CALLERS = frozenset({"sorted", "min", "max", "sort"})

#: Fields that hold no code: operator and context singletons, type comments.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "type_ignores", "type_comment"})
#: Per node type, the fields that may hold child nodes, last field first.
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
_EAGER_ANNOTATIONS_BY_DEFAULT = sys.version_info < (3, 14)


class CallSite:
    """An import-time call (or decorator) that runs a same-module function,
    and how the call names it: ``helper`` or ``Config.__init__``."""

    __slots__ = ("node", "function", "name")

    def __init__(self, node: ast.expr, function: Runnable, name: str) -> None:
        self.node = node
        self.function = function
        self.name = name


class Where:
    """The context in which an import-time node runs: its kind, the class or
    called function whose body it is in (``None`` for the module), and the
    same-module calls that led there, outermost first."""

    __slots__ = ("kind", "scope", "via")

    def __init__(self, kind: Kind, scope: ScopeNode | None = None, via: tuple[CallSite, ...] = ()) -> None:
        self.kind = kind
        self.scope = scope
        self.via = via

    def anchor(self, node: ast.AST) -> ast.AST:
        """Where a finding on ``node`` is reported: the import-time call site, if any."""
        return self.via[0].node if self.via else node

    @property
    def suffix(self) -> str:
        """Message suffix naming the function that runs the code, if any."""
        if not self.via:
            return ""
        inner = self.via[-1].name
        if len(self.via) == 1:
            return f" (in {inner}(), called at import time)"
        chain = " via ".join(f"{site.name}()" for site in reversed(self.via[:-1]))
        return f" (in {inner}(), called at import time via {chain})"


class ImportTime:
    """Every node of one module that runs at import, indexed by node type."""

    def __init__(self, tree: ast.Module, names: Names) -> None:
        self.names = names
        self.eager_annotations = _EAGER_ANNOTATIONS_BY_DEFAULT and not names.future_annotations
        self._by_type: dict[type[ast.AST], list[tuple[ast.AST, Where]]] = {}
        self._parents: dict[ast.AST, ast.AST] = {}
        self._running: set[ast.AST] = set()
        self._sites: dict[ast.AST, int] = {}
        self._generators: dict[ast.AST, bool] = {}
        #: Module names bound once to a generator expression, consumed where the name is.
        self._generator_names = {
            name
            for name, bindings in names.module.bindings.items()
            if len(bindings) == 1 and isinstance(bindings[0].value, ast.GeneratorExp)
        }
        self._stack: list[tuple[ast.AST, ast.AST | None, Where]] = []
        self._walk(tree)

    # -- queries -------------------------------------------------------------

    def nodes(self, node_type: type[N]) -> Iterator[tuple[N, Where]]:
        """The import-time nodes of exactly ``node_type``, with their context."""
        yield from self._by_type.get(node_type, ())  # type: ignore[misc]

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The node an import-time node stands in."""
        return self._parents.get(node)

    def runs(self, node: ast.AST) -> bool:
        """Whether ``node`` (a loop, comprehension or generator) iterates at import."""
        return node in self._running

    # -- the walk ------------------------------------------------------------

    def _walk(self, tree: ast.Module) -> None:
        where = Where("module")
        self._push_all(tree.body, tree, where)
        stack = self._stack
        while stack:
            node, parent, where = stack.pop()
            if parent is not None:
                self._parents[node] = parent
            self._by_type.setdefault(type(node), []).append((node, where))
            visit = _VISITORS.get(type(node))
            if visit is None:
                self._push_children(node, where)
            else:
                visit(self, node, where)

    def _push(self, node: ast.AST | None, parent: ast.AST, where: Where) -> None:
        if node is not None:
            self._stack.append((node, parent, where))

    def _push_all(self, nodes: list[ast.stmt] | list[ast.expr], parent: ast.AST, where: Where) -> None:
        for node in reversed(nodes):
            self._stack.append((node, parent, where))

    def _push_children(self, node: ast.AST, where: Where) -> None:
        stack = self._stack
        for field in child_fields(type(node)):
            value = getattr(node, field, None)
            if isinstance(value, list):
                for item in reversed(value):
                    if isinstance(item, ast.AST):
                        stack.append((item, node, where))
            elif isinstance(value, ast.AST):
                stack.append((value, node, where))

    def _push_arguments(self, node: FunctionNode | ast.Lambda, where: Where) -> None:
        args = node.args
        default = Where("default", where.scope, where.via)
        for value in (*args.defaults, *args.kw_defaults):
            self._push(value, node, default)
        if self.eager_annotations and not isinstance(node, ast.Lambda):
            annotation = Where("annotation", where.scope, where.via)
            every = (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg)
            for arg in every:
                if arg is not None:
                    self._push(arg.annotation, node, annotation)
            self._push(node.returns, node, annotation)

    # -- visitors ------------------------------------------------------------

    def _visit_function(self, node: FunctionNode, where: Where) -> None:
        self._push_arguments(node, where)
        self._push_decorators(node, where)

    def _visit_class(self, node: ast.ClassDef, where: Where) -> None:
        self._push_all(node.body, node, Where("class", node, where.via))
        base = Where("base", where.scope, where.via)
        for keyword in node.keywords:
            self._push(keyword.value, node, base)
        self._push_all(node.bases, node, base)
        self._push_decorators(node, where)

    def _push_decorators(self, node: FunctionNode | ast.ClassDef, where: Where) -> None:
        decorator = Where("decorator", where.scope, where.via)
        for expr in node.decorator_list:
            if not isinstance(expr, ast.Call):
                self._follow(expr, expr, where)
        self._push_all(node.decorator_list, node, decorator)

    def _visit_lambda(self, node: ast.Lambda, where: Where) -> None:
        self._push_arguments(node, where)

    def _visit_if(self, node: ast.If, where: Where) -> None:
        test = node.test
        if is_type_checking(test) or _is_main_guard(test):
            self._push_all(node.orelse, node, where)
        elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and is_type_checking(test.operand):
            self._push_all(node.body, node, where)
        else:
            constant = self.names.resolve(test, where.scope)
            if isinstance(constant, ast.Constant) and constant.value in (True, False, 0, 1, None, ""):
                # ``if False:``, ``if DEBUG:`` with ``DEBUG = False`` assigned once
                self._push_all(node.body if constant.value else node.orelse, node, where)
            else:
                self._push_children(node, where)

    def _visit_ann_assign(self, node: ast.AnnAssign, where: Where) -> None:
        self._push(node.value, node, where)
        self._push(node.target, node, where)
        if self.eager_annotations and where.kind in ("module", "class"):
            self._push(node.annotation, node, Where("annotation", where.scope, where.via))

    def _visit_nothing(self, node: ast.AST, where: Where) -> None:
        """Imports and type aliases: indexed, but nothing inside them runs."""

    def _visit_loop(self, node: ast.For | ast.AsyncFor, where: Where) -> None:
        self._running.add(node)
        self._push_children(node, where)

    def _visit_eager_comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp, where: Where) -> None:
        self._running.add(node)
        self._running.update(node.generators)
        self._push_children(node, where)

    def _visit_generator(self, node: ast.GeneratorExp, where: Where) -> None:
        if self._is_consumed(node):
            self._running.add(node)
            self._running.update(node.generators)
            self._push_children(node, where)
        else:
            # Creating a generator evaluates its first iterable (and calls
            # iter() on it); the rest runs only when something consumes it.
            self._push(node.generators[0].iter, node.generators[0], where)

    def _visit_name(self, node: ast.Name, where: Where) -> None:
        """``G = (f(x) for x in xs)`` then ``sum(G)``: the generator runs where its name is consumed."""
        if node.id not in self._generator_names or not self._is_consumed(node):
            return
        generator = self.names.value(node.id, where.scope)
        if not isinstance(generator, ast.GeneratorExp) or generator in self._running:
            return
        self._running.add(generator)
        self._running.update(generator.generators)
        first = generator.generators[0]  # its iterable ran where the generator was created
        self._push_all(first.ifs, first, where)
        self._push(first.target, first, where)
        for later in generator.generators[1:]:
            self._push(later, generator, where)
        self._push(generator.elt, generator, where)

    def _visit_call(self, node: ast.Call, where: Where) -> None:
        self._push_children(node, where)
        func = node.func
        if isinstance(func, ast.Lambda):
            self._push(func.body, func, where)
            return
        if _callee_name(func) in KEY_CALLERS:
            for keyword in node.keywords:
                if keyword.arg == "key" and isinstance(keyword.value, ast.Lambda):
                    self._push(keyword.value.body, keyword.value, where)
        self._follow(node, func, where)

    def _follow(self, site: ast.expr, func: ast.expr, where: Where) -> None:
        """Walk the body of the same-module function that ``site`` calls."""
        if len(where.via) >= MAX_CALL_DEPTH:
            return
        found = self.callee(func, where.scope)
        if found is None:
            return
        function, name = found
        if isinstance(function, ast.AsyncFunctionDef):
            return  # calling an async function only creates a coroutine
        if any(step.function is function for step in where.via):
            return
        sites = self._sites.get(function, 0)
        if sites >= MAX_SITES_PER_FUNCTION:
            return
        self._sites[function] = sites + 1
        if isinstance(function, ast.Lambda):
            inner = Where("function", where.scope, (*where.via, CallSite(site, function, name)))
            self._push(function.body, function, inner)
            return
        if self._is_generator_function(function) and not (isinstance(site, ast.Call) and self._is_consumed(site)):
            return  # its body runs only when the generator is consumed
        inner = Where("function", function, (*where.via, CallSite(site, function, name)))
        self._push_all(function.body, function, inner)

    def callee(self, func: ast.expr, scope: ScopeNode | None) -> tuple[Runnable, str] | None:
        """The same-module code a call runs: a function, a lambda bound to a name,
        a static or class method called on its class, or the ``__init__`` of a
        class or of its nearest same-module base (also through a name assigned
        once: ``run = helper; run()``)."""
        called = func.id if isinstance(func, ast.Name) else None
        func = self.names.resolve(func, scope)
        if isinstance(func, ast.Lambda) and called is not None:
            return func, called
        if isinstance(func, ast.Name):
            function = self.names.function(func.id, scope)
            if function is not None:
                return function, func.id
            cls = self._local_class(func.id, scope)
            if cls is not None:
                init = self._method(cls, "__init__", 0)
                if init is not None:
                    return init, f"{func.id}.__init__"
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            cls = self._local_class(func.value.id, scope)
            if cls is not None:
                method = self._method(cls, func.attr, 0)
                if method is not None and _is_static_or_class_method(method):
                    return method, f"{func.value.id}.{func.attr}"
        return None

    def _method(self, cls: ast.ClassDef, name: str, depth: int) -> FunctionNode | None:
        """``name`` defined in ``cls`` or inherited from a same-module base."""
        method = self.names.scope(cls).function(name)
        if method is not None or depth >= MAX_CALL_DEPTH:
            return method
        for base in cls.bases:
            if isinstance(base, ast.Name):
                parent = self._local_class(base.id, None)
                if parent is not None and parent is not cls:
                    return self._method(parent, name, depth + 1)
        return None

    def _local_class(self, name: str, scope: ScopeNode | None) -> ast.ClassDef | None:
        found = self.names.binding(name, scope)
        if found is not None and len(found[1]) == 1 and isinstance(found[1][0].node, ast.ClassDef):
            return found[1][0].node
        return None

    def _is_generator_function(self, function: FunctionNode) -> bool:
        """Whether ``function`` contains ``yield`` outside its nested scopes."""
        known = self._generators.get(function)
        if known is None:
            known = self._generators[function] = _contains_yield(function)
        return known

    def _is_consumed(self, node: ast.expr) -> bool:
        """Whether the iterable ``node`` is iterated to the end where it stands."""
        parent = self._parents.get(node)
        if isinstance(parent, ast.Call):
            if node not in parent.args:
                return False
            name = _callee_name(parent.func)
            if isinstance(parent.func, ast.Name):
                return name in CONSUMING_BUILTINS and self.names.binding(parent.func.id) is None
            return name in CONSUMING_METHODS
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)):
            return parent.iter is node and parent in self._running
        if isinstance(parent, ast.Starred):
            return True
        if isinstance(parent, ast.Assign):
            return any(isinstance(t, (ast.Tuple, ast.List)) for t in parent.targets)
        return False


_VISITORS: dict[type[ast.AST], _Visitor] = {
    ast.FunctionDef: ImportTime._visit_function,
    ast.AsyncFunctionDef: ImportTime._visit_function,
    ast.ClassDef: ImportTime._visit_class,
    ast.Lambda: ImportTime._visit_lambda,
    ast.If: ImportTime._visit_if,
    ast.AnnAssign: ImportTime._visit_ann_assign,
    ast.Import: ImportTime._visit_nothing,
    ast.ImportFrom: ImportTime._visit_nothing,
    ast.For: ImportTime._visit_loop,
    ast.AsyncFor: ImportTime._visit_loop,
    ast.ListComp: ImportTime._visit_eager_comprehension,
    ast.SetComp: ImportTime._visit_eager_comprehension,
    ast.DictComp: ImportTime._visit_eager_comprehension,
    ast.GeneratorExp: ImportTime._visit_generator,
    ast.Call: ImportTime._visit_call,
    ast.Name: ImportTime._visit_name,
}
if sys.version_info >= (3, 12):
    _VISITORS[ast.TypeAlias] = ImportTime._visit_nothing


def child_fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    """The fields of a node type that may hold code, last field first."""
    fields = _CHILD_FIELDS.get(node_type)
    if fields is None:
        fields = _CHILD_FIELDS[node_type] = tuple(f for f in reversed(node_type._fields) if f not in _LEAF_FIELDS)
    return fields


def _callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def is_type_checking(test: ast.expr) -> bool:
    """Whether ``test`` is ``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (any alias)."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (or another dunder name, as execnet's
    ``"__channelexec__"``): never true while the module is imported."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    return any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides) and any(
        isinstance(s, ast.Constant)
        and isinstance(s.value, str)
        and s.value.startswith("__")
        and s.value.endswith("__")
        and len(s.value) > 4
        for s in sides
    )


def _is_static_or_class_method(function: FunctionNode) -> bool:
    return any(
        isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in function.decorator_list
    )


def _contains_yield(function: FunctionNode) -> bool:
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))
    return False
