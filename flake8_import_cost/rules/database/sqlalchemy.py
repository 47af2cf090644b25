"""SQLAlchemy's values in the database lattice: engines, sessions, session
makers and legacy ``Query`` objects.

``create_engine()`` and ``sessionmaker()`` are lazy; SQL runs when an engine
connects, a session executes, or a ``Query`` is evaluated.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from flake8_import_cost.knowledge.orm import (
    SA_ENGINE_CONNECT,
    SA_ENGINES,
    SA_QUERY_METHODS,
    SA_SESSION_FACTORIES,
    SA_SESSIONMAKERS,
)

if TYPE_CHECKING:
    from flake8_import_cost.context import Flow
    from flake8_import_cost.rules.database.values import Database, Kind


def attribute_kind(expr: ast.Attribute) -> Kind | None:
    """``app.engine``, ``db.session``: named like an engine or a session."""
    if expr.attr == "engine":
        return "sa_engine"
    if expr.attr == "session":
        return "sa_session_named"
    return None


def name_kind(expr: ast.Name) -> Kind | None:
    """``engine``, ``db_session``: names that by convention hold an engine or a session."""
    if expr.id in ("engine", "db_engine"):
        return "sa_engine"
    if expr.id in ("session", "db_session"):
        return "sa_session_named"
    return None


def method_kind(method: str, base: Kind | None) -> Kind | None:
    """What a method call on a SQLAlchemy value returns (``base`` is the receiver's kind)."""
    if base == "sa_engine" and method in SA_ENGINE_CONNECT:
        return "cursor"
    if base in ("sa_session", "sa_session_named") and method == "query":
        return "sa_query"
    if base == "sa_query" and method in SA_QUERY_METHODS:
        return "sa_query"
    return None


def call_kind(db: Database, call: ast.Call, flow: Flow, depth: int) -> Kind | None:
    """``Session()``, ``sessionmaker()``, ``create_engine()``, and calling a session maker."""
    name = db.qualified(flow.to(call.func))
    if name in SA_SESSION_FACTORIES:
        return "sa_session"
    if name in SA_SESSIONMAKERS:
        return "sa_sessionmaker"
    if name in SA_ENGINES:
        return "sa_engine"
    if db.kind(flow.to(call.func), depth - 1) == "sa_sessionmaker":
        return "sa_session"
    return None
