"""Work done at import: large loops (IMC401) and regex compilation (IMC403)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_import_cost.importtime import Where
from flake8_import_cost.rules.base import FileContext, Finding, rule

Comprehension = ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
Loop = ast.For | ast.AsyncFor | Comprehension
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


class _LoopSizes:
    """Iteration counts of the loops that run at import time in one file."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._own: dict[ast.AST, int | None] = {}

    def own(self, loop: Loop, where: Where) -> int | None:
        """How often ``loop`` itself iterates each time it runs."""
        if loop not in self._own:
            folder = self.ctx.folder
            if isinstance(loop, (ast.For, ast.AsyncFor)):
                iterated = self.ctx.names.resolve(loop.iter, where.scope)
                if isinstance(iterated, ast.GeneratorExp) and self.ctx.importtime.runs(iterated):
                    self._own[loop] = None  # ``for x in G``: reported at the generator ``G``, the loop that runs
                else:
                    self._own[loop] = folder.length(loop.iter, where.scope)
            else:
                iterables = [generator.iter for generator in loop.generators]
                self._own[loop] = folder.product(iterables, where.scope, 12, require_all=False)
        return self._own[loop]

    def enclosing(self, loop: Loop, where: Where) -> tuple[Loop, int]:
        """The outermost import-time loop around ``loop`` and how many times
        the loops around it run it (unknown sizes count as one)."""
        importtime = self.ctx.importtime
        folder = self.ctx.folder
        outermost, times = loop, 1
        child: ast.AST = loop
        parent = importtime.parent(child)
        while parent is not None:
            if isinstance(parent, (ast.For, ast.AsyncFor)) and child in parent.body:
                times *= folder.length(parent.iter, where.scope) or 1
                outermost = parent
            elif isinstance(parent, ast.comprehension):
                owner = importtime.parent(parent)
                if not isinstance(owner, _COMPREHENSIONS) or not importtime.runs(owner):
                    break
                index = owner.generators.index(parent)
                before = owner.generators[: index + (0 if child is parent.iter else 1)]
                times *= folder.product([g.iter for g in before], where.scope, 12, require_all=False) or 1
                outermost = parent = owner
            elif isinstance(parent, _COMPREHENSIONS) and importtime.runs(parent):
                times *= self.own(parent, where) or 1
                outermost = parent
            elif isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                break
            child, parent = parent, importtime.parent(parent)
        return outermost, times


def _stops_early(ctx: FileContext, loop: Loop) -> bool:
    """``any(...)`` and ``all(...)`` may stop long before a generator ends."""
    parent = ctx.importtime.parent(loop)
    return (
        isinstance(loop, ast.GeneratorExp)
        and isinstance(parent, ast.Call)
        and ctx.names.qualified(parent.func) in ("any", "all")
    )


@rule("IMC401", "import-time-large-loop")
def import_time_large_loop(ctx: FileContext) -> Iterator[Finding]:
    """A loop or comprehension at import time with a large, statically known iteration count."""
    threshold = ctx.settings.max_iterations
    sizes = _LoopSizes(ctx)
    # One finding per loop nest and call site: the worst total of the nest.
    worst: dict[tuple[ast.AST, ast.AST], tuple[ast.AST, int, Where, bool]] = {}
    for node_type in (ast.For, ast.AsyncFor, *_COMPREHENSIONS):
        for loop, where in ctx.importtime.nodes(node_type):
            assert isinstance(loop, (ast.For, ast.AsyncFor, *_COMPREHENSIONS))
            if not ctx.importtime.runs(loop) or _stops_early(ctx, loop):
                continue
            own = sizes.own(loop, where)
            if own is None:
                continue
            outermost, times = sizes.enclosing(loop, where)
            total = own * times
            nested = outermost is not loop or (isinstance(loop, _COMPREHENSIONS) and len(loop.generators) > 1)
            key = (outermost, where.anchor(outermost))
            if total >= threshold and total > worst.get(key, (loop, 0, where, False))[1]:
                worst[key] = (outermost, total, where, nested)
    for loop, total, where, nested in worst.values():
        what = "nested loops run" if nested else "loop runs"
        size = f"{total:,}" if total < 10**12 else "more than 10**12"
        message = (
            f"{what} {size} iterations at import time; compute the values on first use"
            " (functools.cache) or ship them precomputed"
        )
        yield Finding.at(loop, "IMC401", message, where)


_REGEX_COMPILERS = frozenset({"re.compile", "regex.compile"})


@rule("IMC403", "import-time-regex-compile", off_by_default=True)
def import_time_regex_compile(ctx: FileContext) -> Iterator[Finding]:
    """``re.compile`` or ``regex.compile`` at import time (off by default)."""
    for call, where, name in ctx.import_time_calls:
        if name in _REGEX_COMPILERS:
            message = f"{name}() at import time; compile the pattern on first use (a functools.cache function)"
            yield Finding.at(call, "IMC403", message, where)
