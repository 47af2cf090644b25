"""Django ORM queries at import (IMC201).

A manager and the QuerySet methods that return QuerySets are lazy; SQL runs
when a terminal method is called (``count()``, ``get()``, ``create()``...) or
when Python evaluates the QuerySet (see :mod:`.database.evaluation`). A
QuerySet object bound once and evaluated twice runs its query once: Django
answers the second time from its result cache.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_import_cost.context import Where
from flake8_import_cost.knowledge.orm import MODEL_TERMINAL_METHODS, QUERY_FUNCTIONS, TERMINAL_METHODS
from flake8_import_cost.rules.base import Detail, FileContext, Finding, rule
from flake8_import_cost.rules.database.evaluation import evaluation
from flake8_import_cost.rules.database.values import DJANGO_LAZY, QUERYSETS, Database, report_at

ADVICE_READ = "wrap it in a function (functools.cache)"
_ADVICE_WRITE = "move it into a data migration or a management command"
_ADVICE_CHOICES = "pass a callable as choices= or use ModelChoiceField(queryset=...)"

#: Terminal methods that answer from a QuerySet's result cache when it is filled.
_CACHE_READERS = frozenset({"count", "exists", "contains"})
_WRITERS_ON_EMPTY = frozenset({"create", "bulk_create", "get_or_create", "update_or_create"})


class OrmQuery(Detail):
    """IMC201: import-time code that runs SQL through the ORM.

    ``shown`` is the expression as the message shows it; ``effect`` is
    ``query`` or ``write`` for a call that runs SQL, ``evaluated`` for a lazy
    QuerySet that Python evaluates ``by`` something (``list()``, ``a for
    loop``...); ``choices`` when it was passed as ``choices=``.
    """

    __slots__ = ("shown", "effect", "by", "choices")

    def __init__(self, shown: str, effect: str, by: str | None = None, choices: bool = False) -> None:
        self.shown = shown
        self.effect = effect
        self.by = by
        self.choices = choices

    def message(self) -> str:
        if self.effect == "write":
            return f"{self.shown} writes to the database at import time, on every start-up; {_ADVICE_WRITE}"
        if self.effect == "evaluated":
            advice = _ADVICE_CHOICES if self.choices else ADVICE_READ
            return f"{self.shown} is evaluated at import time by {self.by}: it runs a query on every start-up; {advice}"
        return f"{self.shown} runs a query at import time, on every start-up; {ADVICE_READ}"


class _Query:
    """One place where import-time code runs SQL through the ORM.

    ``identity`` is the module- or class-level QuerySet object it evaluates,
    if it is one; ``reads_cache``: answered from that object's result cache
    once it is filled; ``fills_cache``: fills that cache.
    """

    __slots__ = ("at", "where", "detail", "identity", "reads_cache", "fills_cache")

    def __init__(
        self,
        at: ast.AST,
        where: Where,
        detail: OrmQuery,
        identity: ast.expr | None = None,
        reads_cache: bool = False,
        fills_cache: bool = False,
    ) -> None:
        self.at = at
        self.where = where
        self.detail = detail
        self.identity = identity
        self.reads_cache = reads_cache
        self.fills_cache = fills_cache

    @property
    def position(self) -> tuple[int, int]:
        anchor = self.where.anchor(self.at)
        return getattr(anchor, "lineno", 0), getattr(anchor, "col_offset", 0)


def _orm_queries(database: Database) -> Iterator[_Query]:
    """Every place where import-time code evaluates the ORM, before caching is considered."""
    for call, where, name in database.ctx.import_time_calls:
        if name in QUERY_FUNCTIONS:
            yield _Query(call, where, OrmQuery(f"{name.rpartition('.')[2]}()", "query"))
            continue
        func = call.func
        if not isinstance(func, ast.Attribute):
            continue
        effect = TERMINAL_METHODS.get(func.attr)
        if effect is None:
            effect = _model_terminal(database, func, where)
            if effect is None:
                continue
        flow = where.at(func.value)
        base = database.kind(flow)
        if base not in QUERYSETS or (base == "empty" and func.attr not in _WRITERS_ON_EMPTY):
            continue  # .none() answers without SQL
        detail = OrmQuery(database.render(call, where), effect)
        yield _Query(report_at(call), where, detail, database.identity(flow), func.attr in _CACHE_READERS)
    for node, where, kind in database.lazy_values():
        if kind not in DJANGO_LAZY or kind == "empty":
            continue
        found = evaluation(database, node, kind, where)
        if found is None:
            continue
        detail = OrmQuery(database.render(node, where), "evaluated", found.by, found.choices)
        identity = database.identity(where.at(node)) if kind != "iterator" else None
        yield _Query(found.at, where, detail, identity, True, found.fills_cache)


def _model_terminal(database: Database, func: ast.Attribute, where: Where) -> str | None:
    """What a method that only some models' managers run SQL for does here
    (``ContentType.objects.get_for_model()``), or ``None`` on another model."""
    known = MODEL_TERMINAL_METHODS.get(func.attr)
    if known is None:
        return None
    models, effect = known
    return effect if database.model_of_manager(where.at(func.value)) in models else None


@rule("IMC201")
def import_time_orm_query(ctx: FileContext) -> Iterator[Finding]:
    """Django ORM that runs SQL while the module is imported."""
    database = ctx.analysis(Database)
    reported: set[int] = set()
    cached: set[int] = set()  # QuerySet objects whose results Django has cached
    for query in sorted(_orm_queries(database), key=lambda q: q.position):
        if id(query.at) in reported:
            continue
        reported.add(id(query.at))
        identity = id(query.identity) if query.identity is not None else None
        if identity is not None and identity in cached and query.reads_cache:
            continue  # evaluated before: Django answers from the QuerySet's cache
        if identity is not None and query.fills_cache:
            cached.add(identity)
        yield Finding.at(query.at, "IMC201", query.detail, query.where)
