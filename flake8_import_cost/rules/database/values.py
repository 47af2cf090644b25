"""The database kind of an import-time expression: one lattice for both rules.

A value is followed through names bound once (``qs = Page.objects.all()``),
names bound several times to values that agree, and same-module functions
whose every ``return`` agrees; what is a Django value and what is a
SQLAlchemy value is decided in :mod:`.django` and :mod:`.sqlalchemy`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from flake8_import_cost.context import Flow, Where
from flake8_import_cost.limits import MAX_VALUE_DEPTH
from flake8_import_cost.rules.base import FileContext
from flake8_import_cost.rules.database import django, sqlalchemy

if TYPE_CHECKING:
    from flake8_import_cost.names import FunctionNode

#: What an expression is, as far as the database is concerned.
Kind = Literal[
    # Django (see .django)
    "manager",  # Model.objects: not iterable, its methods are
    "queryset",  # a lazy QuerySet
    "empty",  # QuerySet.none(): evaluating it runs no SQL
    "raw",  # Manager.raw(): a RawQuerySet
    "iterator",  # QuerySet.iterator(): a generator that queries when iterated
    "instance",  # a model instance that a terminal method returned
    "django_connection",  # django.db.connection, connections[alias]
    # DB-API, whoever opened it
    "cursor",  # a DB-API cursor or connection (Django's or a driver's)
    # SQLAlchemy (see .sqlalchemy)
    "sa_session",
    "sa_session_named",  # only named like a session (``session``, ``db.session``)
    "sa_sessionmaker",
    "sa_engine",
    "sa_query",  # a legacy SQLAlchemy Query
    # the analysis itself
    "pending",  # a name whose kind is being worked out (a cycle)
]
#: Django values whose evaluation runs a query.
DJANGO_LAZY: frozenset[Kind] = frozenset({"queryset", "empty", "raw", "iterator"})
#: Values whose QuerySet methods return QuerySets.
QUERYSETS: frozenset[Kind] = frozenset({"manager", "queryset", "empty"})


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
    """What the import-time expressions of one module are, for the database rules;
    one per file, shared by IMC201 and IMC202 (``ctx.analysis(Database)``)."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.names = ctx.names
        self.values = ctx.values
        self.managers = ctx.settings.orm_managers
        self._kinds: dict[tuple[int, int], Kind | None] = {}
        self._pending: set[tuple[str, int]] = set()

    def kind(self, flow: Flow, depth: int = MAX_VALUE_DEPTH) -> Kind | None:
        """The database kind of ``flow.expr``, or ``None`` for anything else."""
        key = (id(flow.expr), id(flow.scope))
        memo = not flow.via and not self._pending
        if memo and key in self._kinds:
            return self._kinds[key]
        result = self._kind(flow, depth) if depth > 0 else None
        if memo:
            self._kinds[key] = result
        return result

    def qualified(self, flow: Flow) -> str | None:
        """The qualified name of ``flow.expr``, in its scope."""
        return self.names.qualified(flow.expr, flow.scope)

    def _kind(self, flow: Flow, depth: int) -> Kind | None:
        flow = self.values.follow(flow)
        expr = flow.expr
        if isinstance(expr, ast.Attribute):
            return django.attribute_kind(self, expr, flow, depth) or sqlalchemy.attribute_kind(expr)
        if isinstance(expr, ast.Call):
            return self._call_kind(expr, flow, depth)
        if isinstance(expr, ast.Subscript):
            return django.subscript_kind(self, expr, flow, depth)
        if isinstance(expr, ast.BinOp):
            return django.binop_kind(self, expr, flow, depth)
        if isinstance(expr, ast.Name):
            return (
                sqlalchemy.name_kind(expr)
                or django.name_kind(self, flow)
                or self._reassigned_kind(expr, flow, depth)
            )
        return None

    def _call_kind(self, call: ast.Call, flow: Flow, depth: int) -> Kind | None:
        func = call.func
        if isinstance(func, ast.Attribute):
            base = self.kind(flow.to(func.value), depth - 1)
            if base == "pending":
                return "pending"
            method = django.method_kind(self, func, base, flow, depth)
            if method is not None:
                return method
            if base in QUERYSETS:
                return None  # a QuerySet method that returns something else
            method = sqlalchemy.method_kind(func.attr, base)
            if method is not None:
                return method
        called = django.call_kind(self, call, flow) or sqlalchemy.call_kind(self, call, flow, depth)
        return called or self._returned_kind(flow, depth)

    def _reassigned_kind(self, name: ast.Name, flow: Flow, depth: int) -> Kind | None:
        """The kind of a name assigned several times, when every assignment agrees
        (``qs = Tag.objects.all()`` then ``qs = qs.filter(...)``)."""
        found = self.names.lookup(name.id, flow.scope)
        if found is None or len(found.bindings) < 2 or any(b.value is None for b in found.bindings):
            return None
        key = (name.id, id(found.scope))
        if key in self._pending:
            return "pending"
        self._pending.add(key)
        try:
            inside = flow.where.inside(found.scope.node)
            kinds = {self.kind(inside.at(b.value), depth - 1) for b in found.bindings if b.value is not None}
        finally:
            self._pending.discard(key)
        kinds.discard("pending")
        return kinds.pop() if len(kinds) == 1 else None

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
        kinds = {self.kind(inner.to(value), depth - 1) for value in values}
        return kinds.pop() if len(kinds) == 1 else None

    def model_of_manager(self, flow: Flow) -> str | None:
        """The class name of the model whose manager ``flow.expr`` is
        (``ContentType`` for ``ContentType.objects``), when it is named."""
        flow = self.values.follow(flow)
        expr = flow.expr
        if not (isinstance(expr, ast.Attribute) and expr.attr in self.managers):
            return None
        model = self.values.follow(flow.to(expr.value)).expr
        if isinstance(model, ast.Name):
            qualified = self.names.qualified(model, flow.scope)
            return (qualified or model.id).rpartition(".")[2]
        return model.attr if isinstance(model, ast.Attribute) else None

    def identity(self, flow: Flow) -> ast.expr | None:
        """The QuerySet object a name stands for, when it is bound once at module or
        class level (or is a parameter bound to one call's argument): evaluating
        the same object twice runs its query once, then Django answers from its cache."""
        if not isinstance(flow.expr, ast.Name):
            return None
        target = self.values.follow(flow)
        if target.expr is flow.expr or not isinstance(target.scope, (ast.Module, ast.ClassDef)):
            return None
        return target.expr

    def lazy_values(self) -> Iterator[tuple[ast.expr, Where, Kind]]:
        """Import-time expressions that stand for a database value, with their kind."""
        importtime = self.ctx.importtime
        for node_type in (ast.Name, ast.Call, ast.Subscript, ast.BinOp):
            for node, where in importtime.nodes(node_type):
                assert isinstance(node, ast.expr)
                if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                    continue
                kind = self.kind(where.at(node))
                if kind is not None:
                    yield node, where, kind

    def render(self, expr: ast.expr, where: Where) -> str:
        """A short form of ``expr`` for messages: ``Page.objects.filter().count()``,
        or ``published (Page.objects.filter())`` for a name bound to a QuerySet."""
        if isinstance(expr, ast.Name):
            value = self.values.follow(where.at(expr)).expr
            if value is not expr and isinstance(value, (ast.Attribute, ast.Call, ast.Subscript)):
                return f"{expr.id} ({render(value)})"
        return render(expr)


def render(expr: ast.expr) -> str:
    """A short form of ``expr`` for messages, with the arguments of calls left out
    (read in a loop: a chain of thousands of calls cannot exhaust the recursion limit)."""
    suffixes: list[str] = []
    while True:
        if isinstance(expr, ast.Attribute):
            suffixes.append(f".{expr.attr}")
            expr = expr.value
        elif isinstance(expr, ast.Call):
            suffixes.append("()")
            expr = expr.func
        elif isinstance(expr, ast.Subscript):
            suffixes.append("[:]" if isinstance(expr.slice, ast.Slice) else "[...]")
            expr = expr.value
        else:
            head = expr.id if isinstance(expr, ast.Name) else "(...)"
            return head + "".join(reversed(suffixes))


def report_at(call: ast.Call) -> ast.AST:
    """Where Python reports a method call: the method's line when a chain spans lines."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.end_lineno is not None and func.end_lineno != call.lineno:
        end_col = func.end_col_offset or 0
        return ast.Pass(lineno=func.end_lineno, col_offset=max(0, end_col - len(func.attr)))
    return call
