"""Strict modules: only side-effect-free calls (IMC901) and no mutation of
other modules' state (IMC902) at import time.

A module opts in with a comment line ``# import-cost: strict`` before its
first statement (a module docstring may come first), or by a path matching
``import-cost-strict-modules``. Both rules share one pass over the module
(``ctx.analysis(_Strict)``).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from flake8_import_cost.context import Where
from flake8_import_cost.knowledge.strict import (
    MUTATING_METHODS,
    PURE_BUILTINS,
    PURE_CALLABLES,
    PURE_METHODS,
    PURE_PATTERNS,
)
from flake8_import_cost.limits import MAX_CALL_DEPTH, MAX_VALUE_DEPTH
from flake8_import_cost.names import Binding
from flake8_import_cost.rules import has_marker
from flake8_import_cost.rules.base import Detail, FileContext, Finding, rule, unparsed

if TYPE_CHECKING:
    from flake8_import_cost.names import ScopeNode

_LITERALS = (
    ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp
)  # fmt: skip
#: Module attributes that are strings, whose pure methods may be called.
_MODULE_STRINGS = frozenset({"__name__", "__file__", "__doc__", "__qualname__", "__module__", "__package__"})
_BUILTIN_TYPES = frozenset({"str", "bytes", "dict", "list", "set", "frozenset", "tuple", "int", "float"})
_ADVICE_901 = "call it from a function, or allow it with import-cost-strict-allow"
_ADVICE_902 = "strict modules may change only their own globals"


class StrictCall(Detail):
    """IMC901: an import-time call of ``callee`` in a strict module; ``origin`` says
    where the callee comes from (``imported from x``, ``a builtin``...), or is
    ``too deep`` for a same-module call the walker did not follow."""

    __slots__ = ("callee", "origin")

    def __init__(self, callee: str, origin: str) -> None:
        self.callee = callee
        self.origin = origin

    def message(self) -> str:
        if self.origin == "too deep":
            return (
                f"import-time call of {self.callee}() is more than {MAX_CALL_DEPTH} same-module calls deep,"
                f" too deep to check in a strict module; {_ADVICE_901}"
            )
        return f"import-time call of {self.callee}() ({self.origin}) is not allowed in a strict module; {_ADVICE_901}"


class StrictMutation(Detail):
    """IMC902: ``action`` (``sys.path.append()``, ``assigning settings.X``) changes the
    state of the imported ``owner``; for an imported ``decorator``, ``owner`` is its origin."""

    __slots__ = ("action", "owner", "decorator")

    def __init__(self, action: str, owner: str, *, decorator: bool = False) -> None:
        self.action = action
        self.owner = owner
        self.decorator = decorator

    def message(self) -> str:
        if self.decorator:
            return (
                f"decorator {self.action} ({self.owner}) may register into another module's state at"
                f" import time; {_ADVICE_902}, or allow it with import-cost-strict-allow"
            )
        return f"{self.action} changes the state of imported {self.owner} at import time; {_ADVICE_902}"


def is_strict(ctx: FileContext) -> bool:
    """Whether the module is held to the strict rules: a marker line, or a
    glob of ``import-cost-strict-modules`` matching the file's name or its
    absolute path (flake8 makes globs with a ``/`` absolute, from the
    configuration file's directory, as it does for ``per-file-ignores``)."""
    patterns = ctx.settings.strict_modules
    if patterns:
        basename = os.path.basename(ctx.filename)
        absolute = os.path.abspath(ctx.filename)
        if any(fnmatchcase(basename, p) or fnmatchcase(absolute, p) for p in patterns):
            return True
    return has_marker(ctx.tree, ctx.lines)


class _Strict:
    """One pass over a strict module's import-time code, findings by code."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.names = ctx.names
        self.allow = ctx.settings.strict_allow
        self.findings: dict[str, list[Finding]] = {"IMC901": [], "IMC902": []}
        reported_decorators = self._check_decorators()
        self._check_calls(reported_decorators)
        self._check_assignments()

    # -- what a name is --------------------------------------------------------

    def _import_of(self, expr: ast.expr, scope: ScopeNode) -> Binding | None:
        """The import binding at the root of ``expr`` (following names assigned once)."""
        for _ in range(MAX_VALUE_DEPTH):
            while isinstance(expr, (ast.Attribute, ast.Subscript)):
                expr = expr.value
            if not isinstance(expr, ast.Name):
                return None
            found = self.names.lookup(expr.id, scope)
            binding = found.single if found is not None else None
            if binding is None:
                return None
            if binding.kind == "import":
                return binding
            if binding.value is None:
                return None
            expr = binding.value
        return None

    def _is_local(self, expr: ast.expr, scope: ScopeNode) -> bool:
        """Whether the root name of ``expr`` is bound in this module by anything but an import."""
        while isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call)):
            expr = expr.func if isinstance(expr, ast.Call) else expr.value
        if not isinstance(expr, ast.Name):
            return False
        found = self.names.lookup(expr.id, scope)
        return found is not None and all(b.kind != "import" for b in found.bindings)

    def _allowed(self, qualified: str | None) -> bool:
        if qualified is None:
            return False
        if qualified in PURE_BUILTINS or qualified in PURE_CALLABLES:
            return True
        if (qualified.endswith(("Error", "Exception", "Warning")) and "." not in qualified):
            return True  # building a builtin exception
        return any(fnmatchcase(qualified, p) for p in PURE_PATTERNS) or any(
            fnmatchcase(qualified, p) for p in self.allow
        )

    def _qualified(self, func: ast.expr, scope: ScopeNode) -> str | None:
        return self.names.qualified(self.names.resolve(func, scope), scope)

    def _origin(self, func: ast.expr, scope: ScopeNode, qualified: str | None) -> str:
        binding = self._import_of(func, scope)
        if binding is not None:
            module = binding.target or ""
            if isinstance(binding.node, ast.ImportFrom):
                module = module.rpartition(".")[0]
            return f"imported from {module}"
        if qualified is not None and "." not in qualified and self.names.is_unbound(qualified, scope):
            return "a builtin"
        if self._is_local(func, scope):
            return "defined in this module"
        return "of unknown origin"

    # -- the checks ------------------------------------------------------------

    def _check_decorators(self) -> set[ast.expr]:
        """Imported decorators that are not allowlisted may register into another
        module's state: IMC902. Returns the decorator calls so reported."""
        reported: set[ast.expr] = set()
        importtime = self.ctx.importtime
        for node_type in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            for node, where in importtime.nodes(node_type):
                assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                for decorator in node.decorator_list:
                    base = decorator.func if isinstance(decorator, ast.Call) else decorator
                    qualified = self._qualified(base, where.scope)
                    if self._allowed(qualified) or self._is_local(base, where.scope):
                        continue
                    binding = self._import_of(base, where.scope)
                    if binding is None:
                        continue
                    shown = qualified or unparsed(base)
                    origin = self._origin(base, where.scope, qualified)
                    self._report("IMC902", decorator, StrictMutation(f"@{shown}", origin, decorator=True), where)
                    if isinstance(decorator, ast.Call):
                        reported.add(decorator)
        return reported

    def _check_calls(self, skip: set[ast.expr]) -> None:
        importtime = self.ctx.importtime
        for call, where in importtime.nodes(ast.Call):
            if call in skip or isinstance(call.func, ast.Lambda):
                continue
            scope = where.scope
            func = call.func
            callee = self.names.callee(func, scope)
            if callee is not None:
                if importtime.unfollowed(call) != "depth":
                    continue  # a same-module function: the walker checks its body
                self._report("IMC901", call, StrictCall(callee[1], "too deep"), where)
                continue
            qualified = self._qualified(func, scope)
            if qualified in ("setattr", "delattr") and call.args and self.names.is_builtin(func, qualified, scope):
                self._check_target(call.args[0], call, where, f"{qualified}()")
                continue
            if isinstance(func, ast.Attribute) and func.attr in MUTATING_METHODS:
                # Checked before the allowlist: allowing a module's callables
                # does not allow changing its objects.
                if self._import_of(func.value, scope) is not None:
                    self._check_target(func.value, call, where, f"{unparsed(func)}()")
                    continue
                if self._is_local(func.value, scope):
                    continue  # changing the module's own objects is fine
            if self._allowed(qualified):
                continue
            if isinstance(func, ast.Attribute) and func.attr in PURE_METHODS and self._is_value(func.value, scope):
                continue
            if qualified is None and isinstance(func, ast.Name):
                found = self.names.lookup(func.id, scope)
                if found and any(b.kind in ("def", "class") for b in found.bindings):
                    continue  # a same-module class without __init__
            shown = qualified if qualified is not None else unparsed(func)
            origin = self._origin(func, scope, qualified)
            self._report("IMC901", call, StrictCall(shown, origin), where)

    def _is_value(self, expr: ast.expr, scope: ScopeNode) -> bool:
        """Whether ``expr`` is a str, bytes or container value, or a builtin type
        (``dict.fromkeys``), whose pure methods may be called."""
        expr = self.names.resolve(expr, scope)
        if isinstance(expr, _LITERALS):
            return True
        return isinstance(expr, ast.Name) and (
            expr.id in _MODULE_STRINGS or (expr.id in _BUILTIN_TYPES and self.names.is_unbound(expr.id, scope))
        )

    def _check_assignments(self) -> None:
        importtime = self.ctx.importtime
        for node_type in (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete):
            for node, where in importtime.nodes(node_type):
                if isinstance(node, ast.Assign):
                    targets = node.targets
                elif isinstance(node, ast.Delete):
                    targets = node.targets
                else:
                    assert isinstance(node, (ast.AugAssign, ast.AnnAssign))
                    targets = [node.target]
                for target in _flatten(targets):
                    if isinstance(target, (ast.Attribute, ast.Subscript)):
                        verb = "deleting" if isinstance(node, ast.Delete) else "assigning"
                        self._check_target(target.value, node, where, f"{verb} {unparsed(target)}")

    def _check_target(self, target: ast.expr, node: ast.AST, where: Where, action: str) -> None:
        """IMC902 when ``target``, the object changed, is an imported module or object."""
        binding = self._import_of(target, where.scope)
        if binding is None:
            return
        owner = self._owner(target, where.scope) or binding.target
        self._report("IMC902", node, StrictMutation(action, owner or ""), where)

    def _owner(self, changed: ast.expr, scope: ScopeNode) -> str | None:
        """The qualified name of the imported object that is changed: ``kombu.utils``
        for ``kombu.utils.entrypoints = ...``, ``os.environ`` for ``os.environ[k] = v``."""
        return self.names.qualified(self.names.resolve(changed, scope), scope)

    def _report(self, code: str, node: ast.AST, detail: Detail, where: Where) -> None:
        self.findings[code].append(Finding.at(node, code, detail, where))


def _flatten(targets: list[ast.expr]) -> Iterator[ast.expr]:
    for target in targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            yield from _flatten(target.elts)
        elif isinstance(target, ast.Starred):
            yield from _flatten([target.value])
        else:
            yield target


@rule("IMC901")
def strict_module_side_effect(ctx: FileContext) -> Iterator[Finding]:
    """In a strict module, an import-time call not known to be side-effect free."""
    if is_strict(ctx):
        yield from ctx.analysis(_Strict).findings["IMC901"]


@rule("IMC902")
def strict_module_global_mutation(ctx: FileContext) -> Iterator[Finding]:
    """In a strict module, import-time mutation of another module's state."""
    if is_strict(ctx):
        yield from ctx.analysis(_Strict).findings["IMC902"]
