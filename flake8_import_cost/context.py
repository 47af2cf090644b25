"""Where import-time code runs: the context the walker gives every node it reaches.

A :class:`Where` says what kind of code a node is (module body, class body,
decorator, base, default, eager annotation, or the body of a same-module
function that import-time code called), the scope its names resolve in, and
the chain of same-module calls that led there. A :class:`Flow` is an
expression read in such a context: what the value analyses follow.

Only the walker (:mod:`flake8_import_cost.importtime`) creates a context from
nothing; everyone else derives one from a context they were given.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: nothing to build at every flake8 start
    from typing import Literal, Union

    from flake8_import_cost.names import FunctionNode, ScopeNode

    #: Same-module code a call can run.
    Runnable = Union[FunctionNode, ast.Lambda]
    Kind = Literal["module", "class", "decorator", "base", "default", "annotation", "function"]


class CallSite:
    """An import-time call (or decorator) that runs a same-module function: the
    call, the function, how the call names it (``helper``, ``Config.__init__``)
    and the context in which the call itself runs."""

    __slots__ = ("node", "function", "name", "caller")

    def __init__(self, node: ast.expr, function: Runnable, name: str, caller: Where) -> None:
        self.node = node
        self.function = function
        self.name = name
        self.caller = caller


class Where:
    """The context in which an import-time node runs: its kind, the scope its
    names resolve in (the module, a class body or a called function) and the
    same-module calls that led there, outermost first."""

    __slots__ = ("kind", "scope", "via")

    def __init__(self, kind: Kind, scope: ScopeNode, via: tuple[CallSite, ...] = ()) -> None:
        self.kind = kind
        self.scope = scope
        self.via = via

    def __repr__(self) -> str:
        return f"Where({self.kind!r}, {type(self.scope).__name__}, via={self.calls!r})"

    def anchor(self, node: ast.AST) -> ast.AST:
        """Where a finding on ``node`` is reported: the import-time call site, if any."""
        return self.via[0].node if self.via else node

    @property
    def site(self) -> ast.expr | None:
        """The import-time call that runs this code, if it is in a called function."""
        return self.via[0].node if self.via else None

    @property
    def calls(self) -> tuple[str, ...]:
        """How the calls that led here name their functions, outermost first."""
        return tuple(site.name for site in self.via)

    def at(self, expr: ast.expr) -> Flow:
        """``expr``, read in this context."""
        return Flow(expr, self)

    def of_kind(self, kind: Kind) -> Where:
        """The same scope and calls, for code of another kind (a decorator, a default...)."""
        return Where(kind, self.scope, self.via)

    def inside(self, scope: ScopeNode, kind: Kind | None = None) -> Where:
        """The same calls, resolving names in ``scope`` (a class body, a binding's scope)."""
        return Where(kind or self.kind, scope, self.via)

    def call(self, site: ast.expr, function: Runnable, name: str) -> Where:
        """The context of the body of ``function``, which ``site`` (running here) calls.
        A lambda has no scope of its own: its body resolves names where it was defined."""
        scope = self.scope if isinstance(function, ast.Lambda) else function
        return Where("function", scope, (*self.via, CallSite(site, function, name, self)))

    def caller(self) -> Where | None:
        """The context of the call that runs this code; ``None`` at import time proper."""
        return self.via[-1].caller if self.via else None


class Flow:
    """An expression together with the context it is read in."""

    __slots__ = ("expr", "where")

    def __init__(self, expr: ast.expr, where: Where) -> None:
        self.expr = expr
        self.where = where

    @property
    def scope(self) -> ScopeNode:
        return self.where.scope

    @property
    def via(self) -> tuple[CallSite, ...]:
        return self.where.via

    def to(self, expr: ast.expr) -> Flow:
        """Another expression in the same context."""
        return Flow(expr, self.where)
