"""The import-time walker: which nodes run while a module is imported.

This is the one place that knows what runs at import (``docs/import-time.md``
says it in prose). It visits only the
code that runs at import (module and class bodies, decorators, bases,
defaults, eager annotations, comprehensions that run, lambdas that are called,
and the bodies of same-module functions called from import-time code), never
the body of a function that is merely defined. Every node it reaches is
indexed by type with a :class:`~flake8_import_cost.context.Where` that says in
which context it runs, so each rule asks for the node types it cares about
instead of walking the tree again, and asks the walker, not the tree, how a
value is used (:meth:`ImportTime.use`), which loops run a node
(:meth:`ImportTime.enclosing_loops`) and which calls it did not follow
(:meth:`ImportTime.unfollowed`).

The walk uses an explicit stack, so deeply nested expressions cannot exhaust
the interpreter's recursion limit.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from flake8_import_cost.context import Where
from flake8_import_cost.knowledge.consumers import (
    ITERATING_CALLS,
    ITERATING_METHODS,
    KEY_CALLERS,
    PRINTING_CALLS,
    SIZING_CALLS,
)
from flake8_import_cost.limits import MAX_CALL_DEPTH, MAX_SITES_PER_FUNCTION, MAX_VALUE_DEPTH
from flake8_import_cost.names import Names
from flake8_import_cost.runtime_typed import RuntimeTyped

if TYPE_CHECKING:  # annotations only: nothing to build at every flake8 start
    from typing import Literal, TypeVar

    from flake8_import_cost.context import Runnable
    from flake8_import_cost.names import FunctionNode, ScopeNode

    N = TypeVar("N", bound=ast.AST)
    _Visitor = Callable[["ImportTime", Any, Where], None]
    How = Literal["iterated", "sized", "printed", "indexed", "sliced", "truth", "formatted", "keyword", "method"]
    Extent = Literal["full", "partial", "none"]
    Unfollowed = Literal["depth", "sites", "cycle", "async", "generator", "deferred"]

#: Fields that hold no code: operator and context singletons, type comments.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "type_ignores", "type_comment"})
#: Per node type, the fields that may hold child nodes, last field first.
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
_EAGER_ANNOTATIONS_BY_DEFAULT = sys.version_info < (3, 14)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class Use:
    """How import-time code uses the value of an expression where it stands.

    ``how`` is what Python does with the value; ``at`` is the node that does it
    (the call, loop, comprehension, subscript, test...). ``name`` says more:
    the qualified name of the callable (``list``, ``itertools.islice``,
    ``.join`` for a method), ``for``, ``comprehension``, ``unpacking`` or
    ``in`` for other iterations, ``f-string`` or ``%`` for formatting, the
    keyword for ``keyword``, ``step`` for a slice with a step, the method for
    ``method`` (the value's method is called: ``conn.execute(...)``). ``extent``, for
    an iteration, is how far the value is iterated at import time: ``full``,
    ``partial`` (``any()``, ``next()``, ``in``) or ``none`` (``iter()`` is
    called, as by ``enumerate()``, but nothing consumes the items).
    """

    __slots__ = ("how", "at", "name", "extent")

    def __init__(self, how: How, at: ast.AST, name: str | None = None, extent: Extent = "none") -> None:
        self.how = how
        self.at = at
        self.name = name
        self.extent = extent

    def __repr__(self) -> str:
        return f"Use({self.how!r}, {type(self.at).__name__}, name={self.name!r}, extent={self.extent!r})"


class ImportTime:
    """Every node of one module that runs at import, indexed by node type."""

    def __init__(
        self, tree: ast.Module, names: Names, *, lazy_annotations: bool | None = None, as_callee: bool = False
    ) -> None:
        """``lazy_annotations`` says whether annotations are evaluated lazily
        (PEP 649); by default, as on the running Python unless the module has
        ``from __future__ import annotations``. The fixer passes it for the
        Python version it writes for.

        ``as_callee`` walks the module's functions as another module calls them,
        with arguments and environment unknown: inside a function, neither branch
        of an ``if`` on one of its parameters runs (``if not local:``: each call's
        arguments decide), and the body of an ``if`` that reads an environment
        variable (``if os.environ.get("X_FILE"):``) does not (a deployment opts
        into it; the ``else`` runs)."""
        self.tree = tree
        self.names = names
        self.as_callee = as_callee
        self.module = Where("module", tree)
        if lazy_annotations is None:
            lazy_annotations = not _EAGER_ANNOTATIONS_BY_DEFAULT
        self.eager_annotations = not lazy_annotations and not names.future_annotations
        #: PEP 649 (lazy, not strings): the classes and functions whose annotations run anyway,
        #: read when they are defined (a dataclass, a ``NamedTuple``, a pydantic model).
        self._read_annotations = (
            RuntimeTyped(tree, names, built_from_annotations=True)
            if lazy_annotations and not names.future_annotations
            else None
        )
        self._by_type: dict[type[ast.AST], list[tuple[ast.AST, Where]]] = {}
        self._parents: dict[ast.AST, ast.AST] = {}
        #: Loops, comprehensions and generators that iterate at import, and how far.
        self._running: dict[ast.AST, Extent] = {}
        self._sites: dict[ast.AST, int] = {}
        self._unfollowed: dict[ast.AST, Unfollowed] = {}
        self._generators: dict[ast.AST, bool] = {}
        #: Whether a setting or an environment variable gates a node (see :meth:`configured`).
        self._gates: dict[ast.AST, bool] = {}
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

    def iterates(self, node: ast.AST) -> Extent:
        """How far ``node`` (a loop, comprehension or generator) iterates at import:
        a generator that ``any()`` consumes may stop early (``partial``)."""
        return self._running.get(node, "none")

    def unfollowed(self, site: ast.AST) -> Unfollowed | None:
        """Why the walker did not walk the body of the same-module function that
        the import-time call ``site`` runs: ``depth`` (more than the call depth
        it follows), ``sites`` (the function's body was walked for enough call
        sites already), ``cycle``, ``async`` (calling it builds a coroutine),
        ``generator`` (its body runs only when the generator is consumed) or
        ``deferred`` (a decorator such as Airflow's ``@task`` makes the call
        build something that runs the body later)."""
        return self._unfollowed.get(site)

    def use(self, node: ast.expr, where: Where) -> Use | None:
        """How the value of the import-time expression ``node`` is used where it
        stands, seen through the expressions that pass a value on unchanged
        (``a if c else b``, ``(x := a)``, the last operand of ``or``/``and``);
        ``None`` when it is only stored, passed on or returned."""
        child: ast.AST = node
        for _ in range(MAX_VALUE_DEPTH):
            parent = self._parents.get(child)
            if parent is None:
                return None
            if isinstance(parent, ast.IfExp) and child is not parent.test:
                child = parent
                continue
            if isinstance(parent, ast.NamedExpr) or (isinstance(parent, ast.BoolOp) and child is parent.values[-1]):
                child = parent
                continue
            return self._use_in(parent, child, where)
        return None

    def configured(self, node: ast.AST, where: Where) -> bool:
        """Whether the import-time node ``node`` runs only as the project is configured:
        in a branch of an ``if`` that reads a setting imported from another module
        (``if not settings.LAZY_LOAD_PLUGINS:``, ``if DEBUG:`` with ``DEBUG`` imported),
        either branch, as its default is not in this file; or in the body of an ``if``
        that reads an environment variable. Through the calls that led to ``node`` too."""
        sites: list[tuple[ast.AST, Where]] = [(node, where)]
        sites += [(site.node, site.caller) for site in where.via]
        return any(self._gated(child, context.scope) for child, context in sites)

    def _gated(self, node: ast.AST, scope: ScopeNode) -> bool:
        """Whether an ``if`` between ``node`` and its scope gates it as :meth:`configured` says.
        Each node's answer is kept: the calls of one deep expression share their ancestors."""
        path: list[ast.AST] = []
        found = False
        child, parent = node, self._parents.get(node)
        while parent is not None and not isinstance(parent, _SCOPES):
            known = self._gates.get(child)
            if known is not None:
                found = known
                break
            path.append(child)
            if isinstance(parent, ast.If) and child is not parent.test:
                test = parent.test
                if self._reads_setting(test, scope) or (child in parent.body and _reads_environment(test)):
                    found = True
                    break
            child, parent = parent, self._parents.get(parent)
        for step in path:
            self._gates[step] = found
        return found

    def _reads_setting(self, test: ast.expr, scope: ScopeNode) -> bool:
        """Whether ``test`` reads an UPPER_CASE name imported from another module,
        or such an attribute of an imported name: a setting."""
        for node in ast.walk(test):
            if isinstance(node, ast.Attribute):
                name = node.attr
            elif isinstance(node, ast.Name):
                name = node.id
            else:
                continue
            if name.isupper() and len(name) > 1 and name != "TYPE_CHECKING":
                qualified = self.names.qualified(node, scope)
                if qualified is not None and "." in qualified and not _is_standard(qualified):
                    return True  # not a constant of the standard library (``logging.DEBUG``)
        return False

    def consumption(self, node: ast.expr, where: Where) -> Extent:
        """How far the iterable ``node`` is iterated at import time."""
        use = self.use(node, where)
        return use.extent if use is not None and use.how == "iterated" else "none"

    def enclosing_loops(self, node: ast.AST) -> tuple[ast.AST, list[list[ast.expr]]]:
        """The outermost import-time loop around ``node`` (``node`` itself when
        there is none), and for each loop around it, innermost first, the
        iterables whose sizes multiply how often that loop runs ``node``."""
        outermost, levels = node, []
        child: ast.AST = node
        parent = self._parents.get(child)
        while parent is not None and not isinstance(parent, _SCOPES):
            if isinstance(parent, (ast.For, ast.AsyncFor)) and child in parent.body:
                levels.append([parent.iter])
                outermost = parent
            elif isinstance(parent, ast.comprehension):
                owner = self._parents.get(parent)
                if not isinstance(owner, _COMPREHENSIONS) or owner not in self._running:
                    break
                index = owner.generators.index(parent)
                before = owner.generators[: index + (0 if child is parent.iter else 1)]
                levels.append([generator.iter for generator in before])
                outermost = parent = owner
            elif isinstance(parent, _COMPREHENSIONS) and parent in self._running:
                levels.append([generator.iter for generator in parent.generators])
                outermost = parent
            child, parent = parent, self._parents.get(parent)
        return outermost, levels

    def loop_iterable(self, name: str, node: ast.AST) -> ast.expr | None:
        """The iterable of the innermost loop or comprehension around ``node``, in
        its scope, whose target is the plain name ``name`` (``entry_points`` in
        ``for ep in entry_points(): ep.load()``), or ``None``."""
        child, parent = node, self._parents.get(node)
        while parent is not None and not isinstance(parent, _SCOPES):
            if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and child is not parent.iter:
                if isinstance(parent.target, ast.Name) and parent.target.id == name:
                    return parent.iter
            if isinstance(parent, _COMPREHENSIONS) and child is not parent.generators[0].iter:
                for generator in parent.generators:
                    if isinstance(generator.target, ast.Name) and generator.target.id == name:
                        return generator.iter
            child, parent = parent, self._parents.get(parent)
        return None

    # -- how a value is used -------------------------------------------------

    def _use_in(self, parent: ast.AST, child: ast.AST, where: Where) -> Use | None:
        if isinstance(parent, ast.Call):
            return self._use_in_call(parent, child, where) if child is not parent.func else None
        if isinstance(parent, ast.Attribute):
            call = self._parents.get(parent)
            if child is parent.value and isinstance(call, ast.Call) and call.func is parent:
                return Use("method", call, parent.attr)
            return None
        if isinstance(parent, ast.keyword):
            call = self._parents.get(parent)
            if isinstance(call, ast.Call) and parent.arg is not None:
                return Use("keyword", call, parent.arg)
            return None
        if isinstance(parent, ast.Subscript):
            if child is not parent.value:
                return None
            if isinstance(parent.slice, ast.Slice):
                return Use("sliced", parent, "step" if parent.slice.step is not None else None)
            return Use("indexed", parent)
        if isinstance(parent, (ast.For, ast.AsyncFor)):
            return Use("iterated", parent, "for", "full") if child is parent.iter else None
        if isinstance(parent, ast.comprehension):
            owner = self._parents.get(parent, parent)
            if child is parent.iter:
                extent = self._comprehension_extent(owner, where)
                return Use("iterated", owner, "comprehension", extent)
            return Use("truth", owner) if child in parent.ifs else None
        if isinstance(parent, ast.Starred):
            return Use("iterated", self._parents.get(parent, parent), "unpacking", "full")
        if isinstance(parent, ast.Assign):
            unpacked = child is parent.value and any(isinstance(t, (ast.Tuple, ast.List)) for t in parent.targets)
            return Use("iterated", parent, "unpacking", "full") if unpacked else None
        if isinstance(parent, ast.Compare):
            for op, right in zip(parent.ops, parent.comparators):
                if right is child and isinstance(op, (ast.In, ast.NotIn)):
                    return Use("iterated", parent, "in", "partial")
            return None
        if isinstance(parent, (ast.If, ast.While, ast.Assert, ast.IfExp)):
            return Use("truth", parent) if child is parent.test else None
        if isinstance(parent, ast.UnaryOp):
            return Use("truth", parent) if isinstance(parent.op, ast.Not) else None
        if isinstance(parent, ast.BoolOp):
            return Use("truth", parent)  # the last operand was seen through by use()
        if isinstance(parent, ast.FormattedValue):
            return Use("formatted", self._parents.get(parent, parent), "f-string")
        if isinstance(parent, ast.BinOp) and child is parent.right and isinstance(parent.op, ast.Mod):
            left = parent.left
            if isinstance(left, ast.Constant) and isinstance(left.value, str):
                return Use("formatted", parent, "%")
        return None

    def _use_in_call(self, call: ast.Call, child: ast.AST, where: Where) -> Use | None:
        if child not in call.args:
            return None
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in ITERATING_METHODS:
            extent: Extent = "full" if ITERATING_METHODS[func.attr] == "full" else "partial"
            return Use("iterated", call, f".{func.attr}", extent)
        name = self.names.qualified(func, where.scope)
        if name is None:
            return None
        how = ITERATING_CALLS.get(name)
        if how == "full":
            return Use("iterated", call, name, "full")
        if how == "partial":
            return Use("iterated", call, name, "partial")
        if how is not None:  # a lazy wrapper: iterated as far as the wrapper is
            outer = self.consumption(call, where)
            if how == "partial-wrapper" and outer == "full":
                outer = "partial"
            return Use("iterated", call, name, outer)
        if name in SIZING_CALLS:
            return Use("sized", call, name)
        if name in PRINTING_CALLS:
            return Use("printed", call, name)
        return None

    def _comprehension_extent(self, owner: ast.AST, where: Where) -> Extent:
        if isinstance(owner, ast.GeneratorExp):
            return self._running.get(owner, "none")
        return "full"

    # -- the walk ------------------------------------------------------------

    def _walk(self, tree: ast.Module) -> None:
        self._push_all(tree.body, tree, self.module)
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
        default = where.of_kind("default")
        for value in (*args.defaults, *args.kw_defaults):
            self._push(value, node, default)
        if not isinstance(node, ast.Lambda) and self._annotations_run(node):
            annotation = where.of_kind("annotation")
            every = (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg)
            for arg in every:
                if arg is not None:
                    self._push(arg.annotation, node, annotation)
            self._push(node.returns, node, annotation)

    def _run(self, node: ast.AST, generators: list[ast.comprehension], extent: Extent) -> None:
        self._running[node] = extent
        for generator in generators:
            self._running[generator] = extent

    # -- visitors ------------------------------------------------------------

    def _visit_function(self, node: FunctionNode, where: Where) -> None:
        self._push_arguments(node, where)
        self._push_decorators(node, where)

    def _visit_class(self, node: ast.ClassDef, where: Where) -> None:
        self._push_all(node.body, node, where.inside(node, "class"))
        base = where.of_kind("base")
        for keyword in node.keywords:
            self._push(keyword.value, node, base)
        self._push_all(node.bases, node, base)
        self._push_decorators(node, where)

    def _push_decorators(self, node: FunctionNode | ast.ClassDef, where: Where) -> None:
        decorator = where.of_kind("decorator")
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
        elif self.as_callee and _tests_parameter(test, where.scope):
            self._push(test, node, where)
        elif self.as_callee and _reads_environment(test):
            self._push(test, node, where)
            self._push_all(node.orelse, node, where)
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
        if where.kind == "module":
            runs = self.eager_annotations  # PEP 649: only reading the module's __annotations__ runs them
        else:
            runs = where.kind == "class" and self._annotations_run(where.scope)
        if runs:
            self._push(node.annotation, node, where.of_kind("annotation"))

    def _annotations_run(self, definition: ScopeNode) -> bool:
        """Whether the annotations of a class body or a signature are evaluated when it is defined:
        always before Python 3.14 (without ``from __future__ import annotations``); with PEP 649's
        lazy annotations, when something reads them then (:class:`RuntimeTyped`)."""
        if self.eager_annotations:
            return True
        return self._read_annotations is not None and self._read_annotations.reads(definition)

    def _visit_nothing(self, node: ast.AST, where: Where) -> None:
        """Imports and type aliases: indexed, but nothing inside them runs."""

    def _visit_loop(self, node: ast.For | ast.AsyncFor, where: Where) -> None:
        self._run(node, [], "full")
        self._push_children(node, where)

    def _visit_eager_comprehension(self, node: ast.ListComp | ast.SetComp | ast.DictComp, where: Where) -> None:
        self._run(node, node.generators, "full")
        self._push_children(node, where)

    def _visit_generator(self, node: ast.GeneratorExp, where: Where) -> None:
        extent = self.consumption(node, where)
        if extent != "none":
            self._run(node, node.generators, extent)
            self._push_children(node, where)
        else:
            # Creating a generator evaluates its first iterable (and calls
            # iter() on it); the rest runs only when something consumes it.
            first = node.generators[0]
            self._parents[first] = node
            self._push(first.iter, first, where)

    def _visit_name(self, node: ast.Name, where: Where) -> None:
        """``G = (f(x) for x in xs)`` then ``sum(G)``: the generator runs where its name is consumed."""
        if node.id not in self._generator_names:
            return
        extent = self.consumption(node, where)
        generator = self.names.value(node.id, where.scope)
        if extent == "none" or not isinstance(generator, ast.GeneratorExp) or generator in self._running:
            return
        self._run(generator, generator.generators, extent)
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
        found = self.names.callee(func, where.scope)
        if found is None:
            return
        function, name = found
        reason = self._why_not_follow(site, function, where)
        if reason is not None:
            self._unfollowed[site] = reason
            return
        self._sites[function] = self._sites.get(function, 0) + 1
        inner = where.call(site, function, name)
        if isinstance(function, ast.Lambda):
            self._push(function.body, function, inner)
        else:
            self._push_all(function.body, function, inner)

    def _why_not_follow(self, site: ast.expr, function: Runnable, where: Where) -> Unfollowed | None:
        if len(where.via) >= MAX_CALL_DEPTH:
            return "depth"
        if isinstance(function, ast.AsyncFunctionDef):
            return "async"  # calling an async function only creates a coroutine
        if any(step.function is function for step in where.via):
            return "cycle"
        if self._sites.get(function, 0) >= MAX_SITES_PER_FUNCTION:
            return "sites"
        if not isinstance(function, ast.Lambda) and self.names.defers_body(function):
            return "deferred"
        if (
            not isinstance(function, ast.Lambda)
            and self._is_generator_function(function)
            and not (isinstance(site, ast.Call) and self.consumption(site, where) != "none")
        ):
            return "generator"  # its body runs only when the generator is consumed
        return None

    def _is_generator_function(self, function: FunctionNode) -> bool:
        """Whether ``function`` contains ``yield`` outside its nested scopes."""
        known = self._generators.get(function)
        if known is None:
            known = self._generators[function] = _contains_yield(function)
        return known


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


def _tests_parameter(test: ast.expr, scope: ScopeNode) -> bool:
    """Whether ``test`` reads a parameter of the function ``scope`` (``self`` and ``cls`` aside)."""
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    arguments = scope.args
    parameters = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)} - {"self", "cls"}
    return any(isinstance(node, ast.Name) and node.id in parameters for node in ast.walk(test))


def _reads_environment(test: ast.expr) -> bool:
    """Whether ``test`` reads the environment (``os.environ``, ``getenv``), and is not negated:
    the body of ``if not os.environ.get(...)`` is the default and runs."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return False
    return any(
        isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
        or isinstance(node, ast.Name) and node.id in ("environ", "getenv")
        for node in ast.walk(test)
    )


def _is_standard(name: str) -> bool:
    """Whether the qualified ``name`` is in a module of the standard library."""
    return name.partition(".")[0] in sys.stdlib_module_names


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


def _contains_yield(function: FunctionNode) -> bool:
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, _SCOPES):
            pending.extend(ast.iter_child_nodes(node))
    return False
