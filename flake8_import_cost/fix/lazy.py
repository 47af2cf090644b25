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
    node = detail.node
    listed = _lazy_modules(ctx, node)
    if listed is not None:
        edit: list[Edit] = [AddToList(ctx.plan.key(listed), detail.imported)]
        return Fixed(edit, f"added {detail.imported} to __lazy_modules__ (PEP 810)")
    if moves.covers_statement(node, analysed):
        return Fixed([MakeLazy(ctx.plan.key(node))], f"made the import of {detail.module} lazy (PEP 810)")
    edits = moves.drop_edits(ctx, node, analysed)
    code = [entry.spec.code(lazy=True) for entry in analysed]
    edits.append(Insert("after", ctx.plan.key(node), code))
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
