"""Database access at import other than the ORM (IMC202): raw SQL, DB-API and
Django connections, SQLAlchemy engines, sessions and legacy queries."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_import_cost.context import Where
from flake8_import_cost.knowledge.orm import (
    CONNECTION_OPENERS,
    CURSOR_EXECUTE,
    DBAPI_CONNECT,
    INTROSPECTION_QUERIES,
    SA_ENGINE_CONNECT,
    SA_NAMED_SESSION_EXECUTE,
    SA_QUERY_TERMINAL,
    SA_SESSION_EXECUTE,
)
from flake8_import_cost.rules.base import Detail, FileContext, Finding, rule
from flake8_import_cost.rules.database.evaluation import evaluation
from flake8_import_cost.rules.database.values import Database, report_at
from flake8_import_cost.rules.orm import ADVICE_READ

_ADVICE_DB = "do it inside the function that needs it"
_MEMORY_DATABASES = frozenset({":memory:", ""})
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
#: Effect -> what the message says the code does, and what to do instead.
_EFFECTS = {
    "connects": ("connects to a database at import time", "connect on first use, inside the function that needs it"),
    "opens": ("opens a database connection at import time", _ADVICE_DB),
    "introspects": ("queries the database at import time", _ADVICE_DB),
    "runs": ("runs SQL at import time, on every start-up", _ADVICE_DB),
    "engine": ("connects to the database at import time", _ADVICE_DB),
    "query": ("runs a query at import time, on every start-up", ADVICE_READ),
}


class DatabaseAccess(Detail):
    """IMC202: ``shown`` touches the database at import time; ``effect`` says how
    (a key of the messages: ``connects``, ``opens``, ``runs``...), or
    ``evaluated`` ``by`` something, for a legacy SQLAlchemy ``Query``."""

    __slots__ = ("shown", "effect", "by")

    def __init__(self, shown: str, effect: str, by: str | None = None) -> None:
        self.shown = shown
        self.effect = effect
        self.by = by

    def message(self) -> str:
        if self.effect == "evaluated":
            return (
                f"{self.shown} is evaluated at import time by {self.by}: it runs a query on every start-up;"
                f" {ADVICE_READ}"
            )
        does, advice = _EFFECTS[self.effect]
        return f"{self.shown} {does}; {advice}"


@rule("IMC202")
def import_time_db_access(ctx: FileContext) -> Iterator[Finding]:
    """Raw SQL, database connections and SQLAlchemy queries at import time."""
    database = ctx.analysis(Database)
    reported: set[int] = set()
    for call, where, name in ctx.import_time_calls:
        found = _db_call(database, call, where, name)
        if found is not None:
            reported.add(id(call))
            yield Finding.at(report_at(call), "IMC202", found, where)
    if ".query(" not in ctx.source:
        return
    for node, where, kind in database.lazy_values():
        if kind != "sa_query":
            continue
        evaluated = evaluation(database, node, kind, where)
        if evaluated is None or id(evaluated.at) in reported:
            continue
        reported.add(id(evaluated.at))
        detail = DatabaseAccess(database.render(node, where), "evaluated", evaluated.by)
        yield Finding.at(evaluated.at, "IMC202", detail, where)


def _db_call(database: Database, call: ast.Call, where: Where, name: str | None) -> DatabaseAccess | None:
    """What an import-time call does to the database, if it touches it."""
    func = call.func
    if name in DBAPI_CONNECT:
        if call.args and isinstance(call.args[0], ast.Constant) and call.args[0].value in _MEMORY_DATABASES:
            return None
        if _executed_directly(database, call, where):
            return None
        return DatabaseAccess(f"{name}()", "connects")
    if not isinstance(func, ast.Attribute) or func.attr not in _DB_METHODS:
        return None
    flow = where.at(func.value)
    base = database.kind(flow)
    method = func.attr
    effect: str | None = None
    if base == "django_connection" and method in CONNECTION_OPENERS:
        effect = None if _executed_directly(database, call, where) else "opens"
    elif base is None and method in INTROSPECTION_QUERIES and isinstance(func.value, ast.Attribute):
        holder = database.kind(flow.to(func.value.value))
        if func.value.attr == "introspection" and holder == "django_connection":
            effect = "introspects"
    elif base == "cursor" and method in CURSOR_EXECUTE:
        effect = "runs"
    elif base == "sa_engine" and method in SA_ENGINE_CONNECT:
        effect = None if _executed_directly(database, call, where) else "engine"
    elif (
        (base == "sa_engine" and method == "execute")
        or (base == "sa_session_named" and method in SA_NAMED_SESSION_EXECUTE)
        or (base == "sa_session" and method in SA_SESSION_EXECUTE)
    ):
        effect = "runs"
    elif base == "sa_query" and method in SA_QUERY_TERMINAL:
        effect = "query"
    return DatabaseAccess(database.render(call, where), effect) if effect is not None else None


def _executed_directly(database: Database, opener: ast.Call, where: Where) -> bool:
    """Whether ``opener`` is the receiver of an execute call, which is reported instead."""
    use = database.ctx.importtime.use(opener, where)
    return use is not None and use.how == "method" and use.name in CURSOR_EXECUTE
