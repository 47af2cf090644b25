"""Django's values in the database lattice: managers, QuerySets, model
instances, connections, and the DB-API cursors they open.

The model follows Django: a manager (``Model.objects``) and the methods that
return a new QuerySet are lazy; SQL runs when a terminal method is called or
when Python evaluates the QuerySet (see :mod:`.evaluation`).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from flake8_import_cost.knowledge.orm import (
    DBAPI_CONNECT,
    DJANGO_CONNECTIONS,
    INSTANCE_METHODS,
    QUERYSET_METHODS,
    RELATED_MANAGER_METHODS,
)

if TYPE_CHECKING:
    from flake8_import_cost.context import Flow
    from flake8_import_cost.rules.database.values import Database, Kind

_QUERYSETS = ("manager", "queryset", "empty")
_LAZY_QUERYSETS = ("queryset", "empty", "pending")


def attribute_kind(db: Database, expr: ast.Attribute, flow: Flow, depth: int) -> Kind | None:
    """``Product.objects``, ``category.product_set``, ``django.db.connection``."""
    if expr.attr in db.managers and _is_model(db, flow.to(expr.value)):
        return "manager"
    if expr.attr.endswith("_set") and db.kind(flow.to(expr.value), depth - 1) == "instance":
        return "manager"  # a reverse relation: category.product_set
    return name_kind(db, flow)


def name_kind(db: Database, flow: Flow) -> Kind | None:
    """Django's connection handles, by their qualified names."""
    return "django_connection" if db.qualified(flow) in DJANGO_CONNECTIONS else None


def subscript_kind(db: Database, expr: ast.Subscript, flow: Flow, depth: int) -> Kind | None:
    """``connections["default"]``, and a QuerySet sliced without a step (still lazy)."""
    base = db.kind(flow.to(expr.value), depth - 1)
    if base in ("django_connection", "pending"):
        return base
    if base in ("queryset", "empty") and isinstance(expr.slice, ast.Slice) and expr.slice.step is None:
        return base
    return None


def binop_kind(db: Database, expr: ast.BinOp, flow: Flow, depth: int) -> Kind | None:
    """``qs1 | qs2``, ``qs1 & qs2``: a lazy QuerySet (empty only when both are)."""
    if not isinstance(expr.op, (ast.BitOr, ast.BitAnd)):
        return None
    sides = {db.kind(flow.to(expr.left), depth - 1), db.kind(flow.to(expr.right), depth - 1)}
    if not sides <= set(_LAZY_QUERYSETS):
        return None
    return "empty" if sides == {"empty"} else "pending" if sides == {"pending"} else "queryset"


def method_kind(db: Database, func: ast.Attribute, base: Kind | None, flow: Flow, depth: int) -> Kind | None:
    """What a method call on a Django value returns (``base`` is the receiver's kind)."""
    method = func.attr
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
        and db.kind(flow.to(func.value.value), depth - 1) == "instance"
    ):
        return "queryset"  # a related manager of a model instance: category.tags.all()
    if base == "django_connection" and method in ("cursor", "chunked_cursor"):
        return "cursor"
    if base == "cursor" and method == "cursor":
        return "cursor"
    return None


def call_kind(db: Database, call: ast.Call, flow: Flow) -> Kind | None:
    """A DB-API ``connect()`` of a driver returns a connection (a cursor, for the rules)."""
    return "cursor" if db.qualified(flow.to(call.func)) in DBAPI_CONNECT else None


def _is_model(db: Database, flow: Flow) -> bool:
    """Whether ``flow.expr`` can be a model class: a class name (``Product``,
    ``shop.models.Product``) or a call that returns one (``get_user_model()``).
    Lower-case holders such as ``bpy.data.objects`` are collections, not models."""
    expr = db.values.follow(flow).expr
    if isinstance(expr, ast.Call):
        return True
    name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""
    return name[:1].isupper()
