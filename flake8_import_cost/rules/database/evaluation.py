"""Where Python evaluates a lazy database value at import time.

A QuerySet runs its query when it is iterated (even by ``iter()`` alone:
``enumerate(qs)``), sized (``len()``, ``bool()``, a truth test), indexed,
sliced with a step, tested with ``in``, unpacked, printed (its ``repr()``
fetches the first rows), formatted, or passed as ``choices=`` to a form or
model field that normalises its choices. How import-time code uses a value
comes from the walker (:meth:`ImportTime.use`); this module decides which uses
evaluate which kinds of value.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from flake8_import_cost.knowledge.orm import CHOICES_CALLABLE_PREFIXES, CHOICES_CALLEE_SUFFIXES
from flake8_import_cost.limits import MAX_VALUE_DEPTH

if TYPE_CHECKING:
    from flake8_import_cost.context import Where
    from flake8_import_cost.importtime import Use
    from flake8_import_cost.rules.database.values import Database, Kind

#: How a non-call iteration is named in messages.
_ITERATIONS = {"for": "a for loop", "comprehension": "a comprehension", "unpacking": "unpacking", "in": "an `in` test"}


class Evaluation:
    """Where a lazy value is evaluated (``at``), by what (``by``, for the message),
    whether that fills the QuerySet's own result cache (``fills_cache``:
    iterating it does; indexing, slicing and ``repr()`` query a clone), and
    whether the value was passed as ``choices=`` to a field (``choices``)."""

    __slots__ = ("at", "by", "fills_cache", "choices")

    def __init__(self, at: ast.AST, by: str, fills_cache: bool, choices: bool = False) -> None:
        self.at = at
        self.by = by
        self.fills_cache = fills_cache
        self.choices = choices


def evaluation(db: Database, node: ast.expr, kind: Kind, where: Where) -> Evaluation | None:
    """Where and how the value ``node`` (of ``kind``) is evaluated in import-time code."""
    importtime = db.ctx.importtime
    for _ in range(MAX_VALUE_DEPTH):
        use = importtime.use(node, where)
        if use is None:
            return None
        if use.how == "sliced" and use.name is None and kind in ("queryset", "empty"):
            assert isinstance(use.at, ast.Subscript)
            node = use.at  # qs[:10] is another lazy QuerySet: see how that is used
            continue
        return _evaluated_by(db, use, kind, where)
    return None


def _evaluated_by(db: Database, use: Use, kind: Kind, where: Where) -> Evaluation | None:
    how, at = use.how, use.at
    if how == "iterated":
        if kind == "iterator" and use.extent == "none":
            return None  # a generator runs only when something takes its items
        if use.name == "next" and kind != "iterator":
            return None  # next() of a QuerySet is a TypeError, not a query
        if use.name is not None and use.name.startswith(".") and _receiver_kind(db, at, where) is not None:
            return None  # qs.update(other): a database method, reported as such
        by = _ITERATIONS.get(use.name or "", f"{use.name}()")
        return Evaluation(at, by, fills_cache=True)
    if how == "sized":
        return Evaluation(at, f"{use.name}()", fills_cache=True) if kind in ("queryset", "raw") else None
    if how == "truth":
        return Evaluation(at, "a truth test", fills_cache=True) if kind in ("queryset", "raw") else None
    if how == "printed":
        return Evaluation(at, f"{use.name}()", fills_cache=False) if kind == "queryset" else None
    if how == "indexed":
        return Evaluation(at, "indexing", fills_cache=False) if kind != "iterator" else None
    if how == "sliced":
        if kind == "iterator":
            return None
        if use.name == "step":
            return Evaluation(at, "slicing with a step" if kind == "queryset" else "slicing", fills_cache=False)
        return Evaluation(at, "slicing", fills_cache=False) if kind in ("raw", "sa_query") else None
    if how == "formatted":
        by = "an f-string" if use.name == "f-string" else "%-formatting"
        return Evaluation(at, by, fills_cache=False) if kind == "queryset" else None
    if how == "keyword" and use.name == "choices":
        assert isinstance(at, ast.Call)
        return Evaluation(at, "choices=", True, choices=True) if _normalises_choices(db, at, where) else None
    return None


def _receiver_kind(db: Database, call: ast.AST, where: Where) -> Kind | None:
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
    return db.kind(where.at(call.func.value))


def _normalises_choices(db: Database, call: ast.Call, where: Where) -> bool:
    """Whether ``call`` builds a Django field or widget, which normalises ``choices=``
    (iterating a QuerySet) when it is built."""
    func = call.func
    if isinstance(func, ast.Name):
        found = db.names.lookup(func.id, where.scope)
        if found is not None and any(binding.kind in ("class", "def") for binding in found.bindings):
            return False  # defined in this module: its own __init__ is followed, if it has one
    name = db.names.qualified(func, where.scope)
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name is None:
        name = last
    return name.startswith(CHOICES_CALLABLE_PREFIXES) or last.endswith(CHOICES_CALLEE_SUFFIXES)
