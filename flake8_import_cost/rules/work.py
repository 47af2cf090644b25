"""Work done at import: large loops (IMC401) and regex compilation (IMC403)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_import_cost.context import Where
from flake8_import_cost.limits import MAX_VALUE_DEPTH
from flake8_import_cost.rules.base import Detail, FileContext, Finding, rule

Comprehension = ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
Loop = ast.For | ast.AsyncFor | Comprehension
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_LOOPS = (ast.For, ast.AsyncFor, *_COMPREHENSIONS)


class LargeLoop(Detail):
    """IMC401: a loop (or a nest of loops, ``nested``) runs ``total`` iterations at import time."""

    __slots__ = ("total", "nested")

    def __init__(self, total: int, nested: bool) -> None:
        self.total = total
        self.nested = nested

    def message(self) -> str:
        what = "nested loops run" if self.nested else "loop runs"
        size = f"{self.total:,}" if self.total < 10**12 else "more than 10**12"
        return (
            f"{what} {size} iterations at import time; compute the values on first use"
            " (functools.cache) or ship them precomputed"
        )


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
                self._own[loop] = folder.product(iterables, where.scope, MAX_VALUE_DEPTH, require_all=False)
        return self._own[loop]

    def times(self, levels: list[list[ast.expr]], where: Where) -> int:
        """How often the loops around a loop run it (unknown sizes count as one)."""
        times = 1
        for iterables in levels:
            times *= self.ctx.folder.product(iterables, where.scope, MAX_VALUE_DEPTH, require_all=False) or 1
        return times


@rule("IMC401")
def import_time_large_loop(ctx: FileContext) -> Iterator[Finding]:
    """A loop or comprehension at import time with a large, statically known iteration count."""
    threshold = ctx.settings.max_iterations
    importtime = ctx.importtime
    sizes = _LoopSizes(ctx)
    # One finding per loop nest and call site: the worst total of the nest.
    worst: dict[tuple[ast.AST, ast.AST], tuple[ast.AST, int, Where, bool]] = {}
    for node_type in _LOOPS:
        for loop, where in importtime.nodes(node_type):
            assert isinstance(loop, _LOOPS)
            if importtime.iterates(loop) != "full":
                continue  # not at all, or any(), next(), islice() may stop long before the end
            own = sizes.own(loop, where)
            if own is None:
                continue
            outermost, levels = importtime.enclosing_loops(loop)
            total = own * sizes.times(levels, where)
            nested = outermost is not loop or (isinstance(loop, _COMPREHENSIONS) and len(loop.generators) > 1)
            key = (outermost, where.anchor(outermost))
            if total >= threshold and total > worst.get(key, (loop, 0, where, False))[1]:
                worst[key] = (outermost, total, where, nested)
    for loop, total, where, nested in worst.values():
        yield Finding.at(loop, "IMC401", LargeLoop(total, nested), where)


class RegexCompile(Detail):
    """IMC403: ``name`` (``re.compile``, ``regex.compile``) compiles a pattern at import time."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def message(self) -> str:
        return f"{self.name}() at import time; compile the pattern on first use (a functools.cache function)"


_REGEX_COMPILERS = frozenset({"re.compile", "regex.compile"})


@rule("IMC403")
def import_time_regex_compile(ctx: FileContext) -> Iterator[Finding]:
    """``re.compile`` or ``regex.compile`` at import time (off by default)."""
    for call, where, name in ctx.import_time_calls:
        if name in _REGEX_COMPILERS:
            yield Finding.at(call, "IMC403", RegexCompile(name), where)
