"""Transform ``lazy``: for ``--target-version 3.15`` and later, a PEP 810 lazy import instead of a move.

``import pandas as pd`` becomes ``lazy import pandas as pd``: the import runs
where a name is first used, so nothing else in the module changes. PEP 810
allows ``lazy`` at module level only, not inside ``try``/``except``/
``finally``, not for ``*`` or ``__future__``; the fix also stays out of
``with`` blocks (which PEP 810 allows): ``with suppress(ImportError):`` or
``with warnings.catch_warnings():`` around an import would no longer apply
when the import really runs. A module that lists its lazy modules in a
``__lazy_modules__`` display gets the module added there instead (which keeps
the file valid on older Pythons); an import that is lazy already is never
touched (flake8 does not report one that is not used at import).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from flake8_import_cost.fix import moves
from flake8_import_cost.fix.context import LAZY_IMPORTS
from flake8_import_cost.fix.plan import AddToList, Fixed, Insert, MakeLazy, Refused
from flake8_import_cost.fix.registry import transform

if TYPE_CHECKING:
    from flake8_import_cost.fix.context import FixContext
    from flake8_import_cost.fix.plan import Edit
    from flake8_import_cost.rules.base import Finding


@transform("lazy", "IMC101")
def make_lazy(finding: Finding, ctx: FixContext) -> Fixed | Refused | None:
    """Write a slow import that nothing uses at import time as a PEP 810 ``lazy`` import."""
    if ctx.target < LAZY_IMPORTS:
        return None
    from flake8_import_cost.fix.writer import writes_lazy_imports

    detail = moves.slow_import(finding)
    if not writes_lazy_imports():
        from importlib.metadata import version

        return Refused("libcst", f"libcst {version('libcst')} cannot write lazy imports: install libcst 1.9 or later")
    if detail.lazy:
        return Refused("used-at-import-time", "the import is lazy already, and used at import time")
    analysed = moves.analyse(finding, ctx, lazy=True)
    if isinstance(analysed, Refused):
        return analysed
    listed = _lazy_modules(ctx, detail.node)
    if listed is not None:
        modules: list[str] = []
        for node, entries in moves.statements(analysed):
            found = [node.module or ""] if isinstance(node, ast.ImportFrom) else [e.spec.module for e in entries]
            modules.extend(module for module in found if module not in modules)
        at = ctx.plan.key(listed)
        return Fixed([AddToList(at, module) for module in modules], f"added {', '.join(modules)} to __lazy_modules__"
                     " (PEP 810)")  # fmt: skip
    edits: list[Edit] = []
    for node, entries in moves.statements(analysed):
        if moves.covers_statement(node, entries):
            edits.append(MakeLazy(ctx.plan.key(node)))
        else:
            edits.extend(moves.drop_edits(ctx, entries))
            edits.append(Insert("after", ctx.plan.key(node), [entry.spec.code(lazy=True) for entry in entries]))
    return Fixed(edits, f"made the import of {detail.module} lazy (PEP 810)")


def _lazy_modules(ctx: FixContext, node: ast.stmt) -> ast.List | ast.Tuple | ast.Set | None:
    """The module's ``__lazy_modules__`` display, when it is assigned once at module level before ``node``."""
    bindings = ctx.names.module.bindings.get("__lazy_modules__", [])
    if len(bindings) != 1:
        return None
    value = bindings[0].value
    statement = bindings[0].node
    if (
        isinstance(value, (ast.List, ast.Tuple, ast.Set))
        and isinstance(statement, ast.stmt)
        and statement in ctx.tree.body
        and statement.lineno < node.lineno
        and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts)
    ):
        return value
    return None
