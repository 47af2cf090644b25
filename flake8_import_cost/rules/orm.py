"""Database work at import: Django ORM queries (IMC201) and other database access (IMC202).

The model of a QuerySet follows Django: a manager (``Model.objects``) and the
methods that return a new QuerySet are lazy; SQL runs when a terminal method
is called (``count()``, ``get()``, ``create()``, ...) or when Python
materialises the QuerySet: iterating it (``for``, comprehensions, ``list()``,
``sorted()``, unpacking, ``in``), ``len()``, ``bool()`` and truth tests,
integer indexing, slicing with a step, and ``repr()``/``str()``. Anything else
(a QuerySet assigned, sliced, passed as ``queryset=``) stays lazy and silent.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from flake8_import_cost.importtime import CONSUMING_METHODS, Where
from flake8_import_cost.knowledge.orm import (
    CHOICES_CALLABLE_PREFIXES,
    CHOICES_CALLEE_SUFFIXES,
    CONNECTION_OPENERS,
    CURSOR_EXECUTE,
    DBAPI_CONNECT,
    DJANGO_CONNECTIONS,
    INSTANCE_METHODS,
    INTROSPECTION_QUERIES,
    QUERY_FUNCTIONS,
    QUERYSET_METHODS,
    RELATED_MANAGER_METHODS,
    SA_ENGINE_CONNECT,
    SA_ENGINES,
    SA_QUERY_METHODS,
    SA_QUERY_TERMINAL,
    SA_NAMED_SESSION_EXECUTE,
    SA_SESSION_EXECUTE,
    SA_SESSION_FACTORIES,
    SA_SESSIONMAKERS,
    TERMINAL_METHODS,
)
from flake8_import_cost.rules import DATABASE_WORDS, mentions, orm_words
from flake8_import_cost.rules.base import FileContext, Finding, rule
from flake8_import_cost.values import Flow

if TYPE_CHECKING:
    from flake8_import_cost.names import FunctionNode

#: What an expression is, as far as the database is concerned.
Kind = Literal[
    "manager",  # Model.objects: not iterable, its methods are
    "queryset",  # a lazy QuerySet
    "empty",  # QuerySet.none(): evaluating it runs no SQL
    "raw",  # Manager.raw(): a RawQuerySet
    "iterator",  # QuerySet.iterator(): a generator that queries when iterated
    "instance",  # a model instance that a terminal method returned
    "django_connection",  # django.db.connection, connections[alias]
    "cursor",  # a DB-API cursor or connection (Django's or a driver's)
    "sa_session",
    "sa_session_named",  # only named like a session (``session``, ``db.session``)
    "sa_sessionmaker",
    "sa_engine",
    "sa_query",  # a legacy SQLAlchemy Query
    "pending",  # a name whose kind is being worked out (a cycle)
]
_DJANGO_LAZY: frozenset[Kind] = frozenset({"queryset", "empty", "raw", "iterator"})
_QUERYSETS: frozenset[Kind] = frozenset({"manager", "queryset", "empty"})

#: Builtins and stdlib callables that iterate an iterable argument (``iter()`` at least).
_ITERATING = frozenset(
    {
        "list",
        "tuple",
        "set",
        "frozenset",
        "dict",
        "sorted",
        "sum",
        "min",
        "max",
        "any",
        "all",
        "enumerate",
        "zip",
        "map",
        "filter",
        "iter",
        "collections.Counter",
        "collections.OrderedDict",
        "collections.deque",
        "itertools.accumulate",
        "itertools.compress",
        "itertools.cycle",
        "itertools.dropwhile",
        "itertools.filterfalse",
        "itertools.groupby",
        "itertools.islice",
        "itertools.pairwise",
        "itertools.starmap",
        "itertools.takewhile",
        "itertools.tee",
        "itertools.zip_longest",
    }
)
#: Callables that ask for the length or the truth of their argument.
_SIZING = frozenset({"len", "bool", "reversed"})
#: Callables that call ``repr()``/``str()`` on their argument: a QuerySet's repr runs a query.
_PRINTING = frozenset({"str", "repr", "ascii", "format", "print"})
_MEMORY_DATABASES = frozenset({":memory:", ""})
_MAX_DEPTH = 12

_ADVICE_READ = "wrap it in a function (functools.cache)"
_ADVICE_WRITE = "move it into a data migration or a management command"
_ADVICE_CHOICES = "pass a callable as choices= or use ModelChoiceField(queryset=...)"
_ADVICE_DB = "do it inside the function that needs it"
_ADVICE_CONNECT = "inside the function that needs it"


def returned(function: FunctionNode) -> list[ast.expr] | None:
    """The expressions ``function`` returns (``None`` when it yields or falls off its end)."""
    values: list[ast.expr] = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Return):
            if node.value is None:
                return None
            values.append(node.value)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))
    return values or None


class Database:
    """What the import-time expressions of one module are, for the database rules."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.names = ctx.names
        self.values = ctx.values
        self.managers = ctx.settings.orm_managers
        self._kinds: dict[tuple[int, int], Kind | None] = {}
        self._owners: dict[ast.comprehension, ast.expr] | None = None
        self._pending: set[tuple[str, int]] = set()

    # -- what an expression is ----------------------------------------------

    def kind(self, flow: Flow, depth: int = _MAX_DEPTH) -> Kind | None:
        """The database kind of ``flow.expr``, or ``None`` for anything else."""
        key = (id(flow.expr), id(flow.scope))
        memo = not flow.via and not self._pending
        if memo and key in self._kinds:
            return self._kinds[key]
        result = self._kind(flow, depth) if depth > 0 else None
        if memo:
            self._kinds[key] = result
        return result

    def _kind(self, flow: Flow, depth: int) -> Kind | None:
        flow = self.values.follow(flow)
        expr = flow.expr
        if isinstance(expr, ast.Attribute):
            if expr.attr in self.managers and self._is_model(flow.to(expr.value)):
                return "manager"
            if expr.attr.endswith("_set") and self.kind(flow.to(expr.value), depth - 1) == "instance":
                return "manager"  # a reverse relation: category.product_set
            if expr.attr == "engine":
                return "sa_engine"
            if expr.attr == "session":
                return "sa_session_named"
            return self._qualified_kind(expr, flow)
        if isinstance(expr, ast.Call):
            return self._call_kind(expr, flow, depth)
        if isinstance(expr, ast.Subscript):
            base = self.kind(flow.to(expr.value), depth - 1)
            if base in ("django_connection", "pending"):
                return base
            if base in ("queryset", "empty") and isinstance(expr.slice, ast.Slice) and expr.slice.step is None:
                return base
            return None
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.BitOr, ast.BitAnd)):
            left = self.kind(flow.to(expr.left), depth - 1)
            right = self.kind(flow.to(expr.right), depth - 1)
            sides = {left, right}
            if sides <= {"queryset", "empty", "pending"}:
                return "empty" if sides == {"empty"} else "pending" if sides == {"pending"} else "queryset"
            return None
        if isinstance(expr, ast.Name):
            if expr.id in ("engine", "db_engine"):
                return "sa_engine"
            if expr.id in ("session", "db_session"):
                return "sa_session_named"
            return self._qualified_kind(expr, flow) or self._reassigned_kind(expr, flow, depth)
        return None

    def _reassigned_kind(self, name: ast.Name, flow: Flow, depth: int) -> Kind | None:
        """The kind of a name assigned several times, when every assignment agrees
        (``qs = Tag.objects.all()`` then ``qs = qs.filter(...)``)."""
        found = self.names.binding(name.id, flow.scope)
        if found is None or len(found[1]) < 2 or any(b.value is None for b in found[1]):
            return None
        key = (name.id, id(found[0]))
        if key in self._pending:
            return "pending"
        self._pending.add(key)
        try:
            scope = None if isinstance(found[0].node, ast.Module) else found[0].node
            kinds = {self.kind(Flow(b.value, scope, flow.via), depth - 1) for b in found[1] if b.value is not None}
        finally:
            self._pending.discard(key)
        kinds.discard("pending")
        return kinds.pop() if len(kinds) == 1 else None

    def _is_model(self, flow: Flow) -> bool:
        """Whether ``flow.expr`` can be a model class: a class name (``Product``,
        ``shop.models.Product``) or a call that returns one (``get_user_model()``).
        Lower-case holders such as ``bpy.data.objects`` are collections, not models."""
        expr = self.values.follow(flow).expr
        if isinstance(expr, ast.Call):
            return True
        name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""
        return name[:1].isupper()

    def _qualified_kind(self, expr: ast.expr, flow: Flow) -> Kind | None:
        name = self.names.qualified(expr, flow.scope)
        return "django_connection" if name in DJANGO_CONNECTIONS else None

    def _call_kind(self, call: ast.Call, flow: Flow, depth: int) -> Kind | None:
        func = call.func
        if isinstance(func, ast.Attribute):
            base = self.kind(flow.to(func.value), depth - 1)
            method = func.attr
            if base == "pending":
                return "pending"
            if base in _QUERYSETS:
                if method == "none":
                    return "empty"
                if method in QUERYSET_METHODS:
                    return "empty" if base == "empty" else "queryset"
                if method == "raw" and base == "manager":
                    return "raw"
                if method == "iterator":
                    return "empty" if base == "empty" else "iterator"
                if method in INSTANCE_METHODS and base != "empty":
                    return "instance"
                return None
            if (
                base is None
                and method in RELATED_MANAGER_METHODS
                and isinstance(func.value, ast.Attribute)
                and self.kind(flow.to(func.value.value), depth - 1) == "instance"
            ):
                return "queryset"  # a related manager of a model instance: category.tags.all()
            if base == "django_connection" and method in ("cursor", "chunked_cursor"):
                return "cursor"
            if base == "cursor" and method == "cursor":
                return "cursor"
            if base == "sa_engine" and method in SA_ENGINE_CONNECT:
                return "cursor"
            if base in ("sa_session", "sa_session_named") and method == "query":
                return "sa_query"
            if base == "sa_query" and method in SA_QUERY_METHODS:
                return "sa_query"
        name = self.names.qualified(func, flow.scope)
        if name in DBAPI_CONNECT:
            return "cursor"
        if name in SA_SESSION_FACTORIES:
            return "sa_session"
        if name in SA_SESSIONMAKERS:
            return "sa_sessionmaker"
        if name in SA_ENGINES:
            return "sa_engine"
        if self.kind(flow.to(func), depth - 1) == "sa_sessionmaker":
            return "sa_session"
        return self._returned_kind(flow, depth)

    def _returned_kind(self, flow: Flow, depth: int) -> Kind | None:
        """The kind a same-module function returns, when every ``return`` agrees."""
        inner = self.values.call(flow)
        if inner is None:
            return None
        function = inner.via[-1].function
        if isinstance(function, ast.Lambda):
            values: list[ast.expr] | None = [function.body]
        elif function.name == "__init__":
            return None  # instantiating a class returns the instance, not what __init__ returns
        else:
            values = returned(function)
        if values is None:
            return None
        kinds = {self.kind(Flow(value, inner.scope, inner.via), depth - 1) for value in values}
        return kinds.pop() if len(kinds) == 1 else None

    def identity(self, flow: Flow) -> ast.expr | None:
        """The QuerySet object a name stands for, when it is bound once at module or
        class level (or is a parameter bound to one call's argument): evaluating
        the same object twice runs its query once, then Django answers from its cache."""
        if not isinstance(flow.expr, ast.Name):
            return None
        target = self.values.follow(flow)
        if target.expr is flow.expr or not (target.scope is None or isinstance(target.scope, ast.ClassDef)):
            return None
        return target.expr

    # -- where a lazy value is evaluated ---------------------------------------

    def evaluation(self, node: ast.expr, kind: Kind, where: Where) -> tuple[ast.AST, str] | None:
        """Where and how the value ``node`` (of ``kind``) is evaluated in import-time code."""
        importtime = self.ctx.importtime
        child: ast.AST = node
        for _ in range(_MAX_DEPTH):
            parent = importtime.parent(child)
            if parent is None:
                return None
            if isinstance(parent, ast.keyword):
                call = importtime.parent(parent)
                return self._call_evaluation(call, parent, kind, where) if isinstance(call, ast.Call) else None
            if isinstance(parent, ast.Call):
                return self._call_evaluation(parent, child, kind, where)
            if isinstance(parent, ast.Subscript):
                if child is not parent.value or kind in ("iterator",):
                    return None
                if not isinstance(parent.slice, ast.Slice):
                    return parent, "indexing"
                if parent.slice.step is not None or kind in ("raw", "sa_query"):
                    return parent, "slicing" + (" with a step" if kind == "queryset" else "")
                child = parent
                continue
            if isinstance(parent, (ast.For, ast.AsyncFor)):
                return (parent, "a for loop") if child is parent.iter else None
            if isinstance(parent, ast.comprehension):
                if child is parent.iter:
                    return self._owner(parent), "a comprehension"
                return self._truth(parent, kind) if child in parent.ifs else None
            if isinstance(parent, ast.Starred):
                return importtime.parent(parent) or parent, "unpacking"
            if isinstance(parent, ast.Assign):
                unpacked = child is parent.value and any(isinstance(t, (ast.Tuple, ast.List)) for t in parent.targets)
                return (parent, "unpacking") if unpacked else None
            if isinstance(parent, ast.Compare):
                for op, right in zip(parent.ops, parent.comparators):
                    if right is child and isinstance(op, (ast.In, ast.NotIn)):
                        return parent, "an `in` test"
                return None
            if isinstance(parent, (ast.If, ast.While, ast.Assert, ast.IfExp)) and child is parent.test:
                return self._truth(parent, kind)
            if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
                return self._truth(parent, kind)
            if isinstance(parent, ast.BoolOp):
                if child is not parent.values[-1]:
                    return self._truth(parent, kind)
                child = parent
                continue
            if isinstance(parent, (ast.IfExp, ast.NamedExpr)):
                child = parent
                continue
            if isinstance(parent, ast.FormattedValue):
                return (importtime.parent(parent) or parent, "an f-string") if kind == "queryset" else None
            if isinstance(parent, ast.BinOp) and child is parent.right and isinstance(parent.op, ast.Mod):
                formatting = isinstance(parent.left, ast.Constant) and isinstance(parent.left.value, str)
                return (parent, "%-formatting") if formatting and kind == "queryset" else None
            return None
        return None

    def _call_evaluation(self, call: ast.Call, child: ast.AST, kind: Kind, where: Where) -> tuple[ast.AST, str] | None:
        if child in call.args:
            name = self.names.qualified(call.func, where.scope)
            if name in _ITERATING or (name == "next" and kind == "iterator"):
                return call, f"{name}()"
            if name in _SIZING and kind in ("queryset", "raw"):
                return call, f"{name}()"
            if name in _PRINTING and kind == "queryset":
                return call, f"{name}()"
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr in CONSUMING_METHODS:
                receiver = self.kind(Flow(func.value, where.scope, where.via))
                if receiver is None:
                    return call, f".{func.attr}()"
            return None
        if isinstance(child, ast.keyword) and child.arg == "choices" and self._normalises_choices(call, where):
            return call, "choices="
        return None

    def _normalises_choices(self, call: ast.Call, where: Where) -> bool:
        func = call.func
        if isinstance(func, ast.Name):
            found = self.names.binding(func.id, where.scope)
            if found is not None and any(binding.kind in ("class", "def") for binding in found[1]):
                return False  # defined in this module: its own __init__ is followed, if it has one
        name = self.names.qualified(func, where.scope)
        last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name is None:
            name = last
        return name.startswith(CHOICES_CALLABLE_PREFIXES) or last.endswith(CHOICES_CALLEE_SUFFIXES)

    def _truth(self, node: ast.AST, kind: Kind) -> tuple[ast.AST, str] | None:
        return (node, "a truth test") if kind in ("queryset", "raw") else None

    def _owner(self, generator: ast.comprehension) -> ast.AST:
        owner = self.ctx.importtime.parent(generator)
        if owner is not None:
            return owner
        if self._owners is None:
            self._owners = {}
            for expr, _ in self.ctx.importtime.nodes(ast.GeneratorExp):
                self._owners[expr.generators[0]] = expr
        return self._owners.get(generator, generator.iter)

    # -- messages ----------------------------------------------------------

    def render(self, expr: ast.expr, where: Where) -> str:
        """A short form of ``expr`` for messages: ``Page.objects.filter().count()``,
        or ``published (Page.objects.filter())`` for a name bound to a QuerySet."""
        if isinstance(expr, ast.Name):
            value = self.values.follow(Flow(expr, where.scope, where.via)).expr
            if value is not expr and isinstance(value, (ast.Attribute, ast.Call, ast.Subscript)):
                return f"{expr.id} ({render(value)})"
        return render(expr)


def render(expr: ast.expr) -> str:
    """A short form of ``expr`` for messages, with the arguments of calls left out."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return f"{render(expr.value)}.{expr.attr}"
    if isinstance(expr, ast.Call):
        return f"{render(expr.func)}()"
    if isinstance(expr, ast.Subscript):
        return render(expr.value) + ("[:]" if isinstance(expr.slice, ast.Slice) else "[...]")
    return "(...)"


def report_at(call: ast.Call) -> ast.AST:
    """Where Python reports a method call: the method's line when a chain spans lines."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.end_lineno is not None and func.end_lineno != call.lineno:
        end_col = func.end_col_offset or 0
        return ast.Pass(lineno=func.end_lineno, col_offset=max(0, end_col - len(func.attr)))
    return call


def _lazy_values(database: Database) -> Iterator[tuple[ast.expr, Where, Kind]]:
    """Import-time expressions that stand for a lazy value of the database."""
    importtime = database.ctx.importtime
    for node_type in (ast.Name, ast.Call, ast.Subscript, ast.BinOp):
        for node, where in importtime.nodes(node_type):
            assert isinstance(node, ast.expr)
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                continue
            kind = database.kind(Flow(node, where.scope, where.via))
            if kind is not None:
                yield node, where, kind


class _Query:
    """One place where import-time code runs SQL through the ORM.

    ``identity`` is the module- or class-level QuerySet object it evaluates,
    if it is one; ``reads_cache``: answered from that object's result cache
    once it is filled; ``fills_cache``: fills that cache.
    """

    __slots__ = ("at", "where", "message", "identity", "reads_cache", "fills_cache")

    def __init__(
        self,
        at: ast.AST,
        where: Where,
        message: str,
        identity: ast.expr | None = None,
        reads_cache: bool = False,
        fills_cache: bool = False,
    ) -> None:
        self.at = at
        self.where = where
        self.message = message
        self.identity = identity
        self.reads_cache = reads_cache
        self.fills_cache = fills_cache


#: Terminal methods that answer from a QuerySet's result cache when it is filled.
_CACHE_READERS = frozenset({"count", "exists", "contains"})
#: Evaluations that do not fill the QuerySet's own cache (they query a clone).
_CLONING = frozenset({"indexing", "slicing", "slicing with a step", "an f-string", "%-formatting"})
_WRITERS_ON_EMPTY = frozenset({"create", "bulk_create", "get_or_create", "update_or_create"})


def _orm_queries(database: Database) -> Iterator[_Query]:
    """Every place where import-time code evaluates the ORM, before caching is considered."""
    for call, where, name in database.ctx.import_time_calls:
        if name in QUERY_FUNCTIONS:
            message = f"{name.rpartition('.')[2]}() runs a query at import time, on every start-up; {_ADVICE_READ}"
            yield _Query(call, where, message)
            continue
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in TERMINAL_METHODS:
            continue
        flow = Flow(func.value, where.scope, where.via)
        base = database.kind(flow)
        if base not in _QUERYSETS or (base == "empty" and func.attr not in _WRITERS_ON_EMPTY):
            continue  # .none() answers without SQL
        shown = database.render(call, where)
        if TERMINAL_METHODS[func.attr] == "write":
            message = f"{shown} writes to the database at import time, on every start-up; {_ADVICE_WRITE}"
        else:
            message = f"{shown} runs a query at import time, on every start-up; {_ADVICE_READ}"
        yield _Query(report_at(call), where, message, database.identity(flow), func.attr in _CACHE_READERS)
    for node, where, kind in _lazy_values(database):
        if kind not in _DJANGO_LAZY or kind == "empty":
            continue
        found = database.evaluation(node, kind, where)
        if found is None:
            continue
        at, how = found
        advice = _ADVICE_CHOICES if how == "choices=" else _ADVICE_READ
        shown = database.render(node, where)
        message = f"{shown} is evaluated at import time by {how}: it runs a query on every start-up; {advice}"
        identity = database.identity(Flow(node, where.scope, where.via)) if kind != "iterator" else None
        fills = how not in _CLONING and how not in {f"{name}()" for name in _PRINTING}
        yield _Query(at, where, message, identity, True, fills)


def _position(query: _Query) -> tuple[int, int]:
    anchor = query.where.anchor(query.at)
    return getattr(anchor, "lineno", 0), getattr(anchor, "col_offset", 0)


def _database(ctx: FileContext) -> Database:
    """The file's :class:`Database`, shared by IMC201 and IMC202."""
    database = ctx.shared.get("database")
    if not isinstance(database, Database):
        database = ctx.shared["database"] = Database(ctx)
    return database


@rule("IMC201", "import-time-orm-query")
def import_time_orm_query(ctx: FileContext) -> Iterator[Finding]:
    """Django ORM that runs SQL while the module is imported."""
    if not mentions(ctx.source, orm_words(ctx)):
        return
    database = _database(ctx)
    reported: set[int] = set()
    cached: set[int] = set()  # QuerySet objects whose results Django has cached
    for query in sorted(_orm_queries(database), key=_position):
        if id(query.at) in reported:
            continue
        reported.add(id(query.at))
        identity = id(query.identity) if query.identity is not None else None
        if identity is not None and identity in cached and query.reads_cache:
            continue  # evaluated before: Django answers from the QuerySet's cache
        if identity is not None and query.fills_cache:
            cached.add(identity)
        yield Finding.at(query.at, "IMC201", query.message, query.where)


#: Every method name that IMC202 may report, to skip other calls quickly.
_DB_METHODS = (
    CONNECTION_OPENERS
    | INTROSPECTION_QUERIES
    | CURSOR_EXECUTE
    | SA_ENGINE_CONNECT
    | SA_SESSION_EXECUTE
    | SA_QUERY_TERMINAL
    | {"execute"}
)


@rule("IMC202", "import-time-db-access")
def import_time_db_access(ctx: FileContext) -> Iterator[Finding]:
    """Raw SQL, database connections and SQLAlchemy queries at import time."""
    if not mentions(ctx.source, DATABASE_WORDS):
        return
    database = _database(ctx)
    reported: set[int] = set()
    for call, where, name in ctx.import_time_calls:
        found = _db_call(database, call, where, name)
        if found is not None:
            reported.add(id(call))
            yield Finding.at(report_at(call), "IMC202", found, where)
    if ".query(" not in ctx.source:
        return
    for node, where, kind in _lazy_values(database):
        if kind != "sa_query":
            continue
        evaluated = database.evaluation(node, kind, where)
        if evaluated is None or id(evaluated[0]) in reported:
            continue
        at, how = evaluated
        reported.add(id(at))
        shown = database.render(node, where)
        message = f"{shown} is evaluated at import time by {how}: it runs a query on every start-up; {_ADVICE_READ}"
        yield Finding.at(at, "IMC202", message, where)


def _db_call(database: Database, call: ast.Call, where: Where, name: str | None) -> str | None:
    """The message for an import-time call that touches the database, if it does."""
    flow = Flow(call, where.scope, where.via)
    func = call.func
    if name in DBAPI_CONNECT:
        if call.args and isinstance(call.args[0], ast.Constant) and call.args[0].value in _MEMORY_DATABASES:
            return None
        if _executed_directly(database, call):
            return None
        return f"{name}() connects to a database at import time; connect on first use, {_ADVICE_CONNECT}"
    if not isinstance(func, ast.Attribute) or func.attr not in _DB_METHODS:
        return None
    base = database.kind(flow.to(func.value))
    method = func.attr
    shown = database.render(call, where)
    if base == "django_connection" and method in CONNECTION_OPENERS:
        if _executed_directly(database, call):
            return None
        return f"{shown} opens a database connection at import time; {_ADVICE_DB}"
    if base is None and method in INTROSPECTION_QUERIES and isinstance(func.value, ast.Attribute):
        holder = database.kind(flow.to(func.value.value))
        if func.value.attr == "introspection" and holder == "django_connection":
            return f"{shown} queries the database at import time; {_ADVICE_DB}"
        return None
    if base == "cursor" and method in CURSOR_EXECUTE:
        return f"{shown} runs SQL at import time, on every start-up; {_ADVICE_DB}"
    if base == "sa_engine" and method in SA_ENGINE_CONNECT:
        if _executed_directly(database, call):
            return None
        return f"{shown} connects to the database at import time; {_ADVICE_DB}"
    if base == "sa_engine" and method == "execute":
        return f"{shown} runs SQL at import time, on every start-up; {_ADVICE_DB}"
    if base == "sa_session_named" and method in SA_NAMED_SESSION_EXECUTE:
        return f"{shown} runs SQL at import time, on every start-up; {_ADVICE_DB}"
    if base == "sa_session" and method in SA_SESSION_EXECUTE:
        return f"{shown} runs SQL at import time, on every start-up; {_ADVICE_DB}"
    if base == "sa_query" and method in SA_QUERY_TERMINAL:
        return f"{shown} runs a query at import time, on every start-up; {_ADVICE_READ}"
    return None


def _executed_directly(database: Database, opener: ast.Call) -> bool:
    """Whether ``opener`` is the receiver of an execute call, which is reported instead."""
    parent = database.ctx.importtime.parent(opener)
    if not (isinstance(parent, ast.Attribute) and parent.attr in CURSOR_EXECUTE):
        return False
    call = database.ctx.importtime.parent(parent)
    return isinstance(call, ast.Call) and call.func is parent
