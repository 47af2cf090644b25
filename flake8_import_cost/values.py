"""Static values: where a name's value comes from, constant integers and the
length of iterables.

:class:`Values` follows a name to the one value it was bound to at import
time (``qs = Page.objects.all()``; ``with connection.cursor() as c``; the
argument a called function's parameter received). :class:`Folder` folds what
Python would compute from literals and names assigned once (``N = 1 << 16``;
``range(N * 2)``). Every step is bounded, so a hostile expression such as
``10 ** 10 ** 10`` costs nothing to fold.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING

from flake8_import_cost.context import Flow
from flake8_import_cost.limits import MAX_CALL_DEPTH, MAX_VALUE_DEPTH
from flake8_import_cost.names import Names

if TYPE_CHECKING:
    from flake8_import_cost.names import ScopeNode

#: Anything bigger is "huge" for every rule; folding clamps to it.
HUGE = 10**30

_BINARY: dict[type[ast.operator], Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
    ast.RShift: operator.rshift,
}
_WRAPPERS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "reversed", "enumerate", "dict"})


class Values:
    """Follows names to the one value they were bound to at import time.

    Beyond :meth:`Names.value` (``name = value`` once), this follows
    ``with value as name`` and the parameters of a same-module function that
    import-time code called, to the argument the call passed.
    """

    def __init__(self, names: Names) -> None:
        self.names = names

    def follow(self, flow: Flow) -> Flow:
        """The expression ``flow`` stands for, through names bound once."""
        for _ in range(MAX_VALUE_DEPTH):
            expr = flow.expr
            if not isinstance(expr, ast.Name):
                break
            bound = self.bound(expr.id, flow)
            if bound is None:
                break
            flow = bound
        return flow

    def bound(self, name: str, flow: Flow) -> Flow | None:
        """What ``name`` is bound to, seen from ``flow``'s scope, when it is bound once."""
        found = self.names.lookup(name, flow.scope)
        binding = found.single if found is not None else None
        if found is None or binding is None:
            return None
        inside = flow.where.inside(found.scope.node)
        if binding.value is not None:
            return inside.at(binding.value)
        node = binding.node
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == name:
                    return inside.at(item.context_expr)
            return None
        if isinstance(node, ast.arg) and flow.via and flow.via[-1].function is found.scope.node:
            return self._argument(node.arg, flow)
        return None

    def _argument(self, name: str, flow: Flow) -> Flow | None:
        """The argument that the call into ``flow``'s function passed for its parameter ``name``."""
        site = flow.via[-1]
        call = site.node
        if not isinstance(call, ast.Call) or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        function = site.function
        if isinstance(function, ast.Lambda):
            return None  # a lambda's parameters have no scope of their own to be found in
        positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)
        if "." in site.name and not static:
            positional = positional[1:]  # self or cls
        for keyword in call.keywords:
            if keyword.arg == name:
                return site.caller.at(keyword.value)
        if name in positional and positional.index(name) < len(call.args):
            return site.caller.at(call.args[positional.index(name)])
        return None

    def call(self, flow: Flow) -> Flow | None:
        """The same-module function that the call ``flow.expr`` runs, as a flow into its body."""
        call = flow.expr
        if not isinstance(call, ast.Call) or len(flow.via) >= MAX_CALL_DEPTH:
            return None
        found = self.names.callee(call.func, flow.scope)
        if found is None:
            return None
        function, name = found
        if isinstance(function, ast.AsyncFunctionDef) or any(site.function is function for site in flow.via):
            return None
        if not isinstance(function, ast.Lambda) and self.names.defers_body(function):
            return None  # calling it builds a task: what the body returns is not the call's value
        return flow.where.call(call, function, name).at(call)


def _clamp(value: int) -> int:
    return max(-HUGE, min(HUGE, value))


class Folder:
    """Folds expressions of one module, following names through :class:`Names`."""

    def __init__(self, names: Names) -> None:
        self.names = names

    def integer(self, node: ast.expr, scope: ScopeNode, depth: int = MAX_VALUE_DEPTH) -> int | None:
        """The integer ``node`` evaluates to, when it is statically known."""
        if depth <= 0:
            return None
        node = self.names.resolve(node, scope)
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                return None
            if isinstance(value, int):
                return _clamp(value)
            if isinstance(value, float) and value.is_integer() and abs(value) <= HUGE:
                return int(value)
            return None
        if isinstance(node, ast.UnaryOp):
            operand = self.integer(node.operand, scope, depth - 1)
            if operand is None:
                return None
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(node.op, ast.Invert):
                return ~operand
            return None
        if isinstance(node, ast.BinOp):
            return self._binary(node, scope, depth)
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            name = self.names.qualified(node.func, scope)
            if name == "int":
                return self.integer(node.args[0], scope, depth - 1)
            if name == "len":
                return self.length(node.args[0], scope, depth - 1)
        return None

    def _binary(self, node: ast.BinOp, scope: ScopeNode, depth: int) -> int | None:
        left = self.integer(node.left, scope, depth - 1)
        right = self.integer(node.right, scope, depth - 1)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Pow):
            if right < 0 or right > 128:
                return HUGE if right > 128 and abs(left) > 1 else None
            return _clamp(left**right)
        if isinstance(node.op, ast.LShift):
            if right < 0:
                return None
            return _clamp(left << min(right, 128))
        if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and right == 0:
            return None
        binary = _BINARY.get(type(node.op))
        return None if binary is None else _clamp(binary(left, right))

    def length(self, node: ast.expr, scope: ScopeNode, depth: int = MAX_VALUE_DEPTH) -> int | None:
        """How many items iterating ``node`` yields, when it is statically known."""
        if depth <= 0:
            return None
        node = self.names.resolve(node, scope)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            if any(isinstance(e, ast.Starred) for e in node.elts):
                return None
            return len(node.elts)
        if isinstance(node, ast.Dict):
            return None if None in node.keys else len(node.keys)
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            return len(node.value)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            if any(generator.ifs for generator in node.generators):
                return None
            return self.product([g.iter for g in node.generators], scope, depth - 1, require_all=True)
        if isinstance(node, ast.Call):
            return self._call_length(node, scope, depth)
        return None

    def _call_length(self, node: ast.Call, scope: ScopeNode, depth: int) -> int | None:
        name = self.names.qualified(node.func, scope)
        if name == "range" and 1 <= len(node.args) <= 3 and not node.keywords:
            bounds = [self.integer(arg, scope, depth - 1) for arg in node.args]
            if any(bound is None for bound in bounds):
                return None
            start, stop, step = (0, bounds[0], 1) if len(bounds) == 1 else (*bounds, 1)[:3]
            assert start is not None and stop is not None and step is not None
            if step == 0:
                return None
            count = (stop - start + step - (1 if step > 0 else -1)) // step
            return _clamp(max(0, count))
        if name in _WRAPPERS and len(node.args) == 1 and not node.keywords:
            return self.length(node.args[0], scope, depth - 1)
        if name == "itertools.product" and node.args:
            repeat = 1
            for keyword in node.keywords:
                if keyword.arg != "repeat":
                    return None
                value = self.integer(keyword.value, scope, depth - 1)
                if value is None:
                    return None
                repeat = value
            total = self.product(node.args, scope, depth - 1, require_all=True)
            if total is None or repeat < 0:
                return None
            return HUGE if repeat > 128 and total > 1 else _clamp(total**repeat)
        return None

    def product(
        self, iterables: list[ast.expr], scope: ScopeNode, depth: int, *, require_all: bool
    ) -> int | None:
        """The product of the lengths of ``iterables``; unknown ones count as one
        unless ``require_all``; ``None`` when none is known."""
        total, known = 1, False
        for iterable in iterables:
            size = self.length(iterable, scope, depth)
            if size is None:
                if require_all:
                    return None
                continue
            total, known = _clamp(total * size), True
        return total if known else None
