"""Transform ``defer``: a slow import used only inside functions moves into each function that uses it.

The import is written again at the top of every function whose body reads
one of its names (after the docstring; merged into a ``from … import`` of
the same module that the function already starts with), with the same
aliases, and removed from the module. Names the module also reads in
annotations stay importable for type checkers: the module-level import goes
under ``if TYPE_CHECKING:`` (see :mod:`~flake8_import_cost.fix.type_checking`),
on the same conditions. Every reason it may not move is checked in
:func:`~flake8_import_cost.fix.moves.analyse`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from flake8_import_cost.fix import moves, type_checking
from flake8_import_cost.fix.plan import AddAlias, Fixed, ImportSpec, Insert, Refused, merged_code
from flake8_import_cost.fix.registry import transform

if TYPE_CHECKING:
    from flake8_import_cost.fix.context import FixContext
    from flake8_import_cost.fix.plan import Edit
    from flake8_import_cost.rules.base import Finding


@transform("defer", "IMC101")
def defer(finding: Finding, ctx: FixContext) -> Fixed | Refused | None:
    """Move an import whose names are used only inside functions into each function that uses them."""
    analysed = moves.analyse(finding, ctx)
    if isinstance(analysed, Refused):
        return analysed
    detail = moves.slow_import(finding)
    edits: list[Edit] = moves.drop_edits(ctx, analysed)
    by_function: dict[ast.FunctionDef | ast.AsyncFunctionDef, list[ImportSpec]] = {}
    for entry in analysed:
        for function in entry.functions:
            by_function.setdefault(function, []).append(entry.spec)
    for function, wanted in sorted(by_function.items(), key=lambda item: item[0].lineno):
        edits.extend(_into(ctx, function, wanted))
    annotations = type_checking.annotation_edits(ctx, analysed)
    if isinstance(annotations, Refused):
        return annotations
    edits.extend(annotations)
    names = sorted({f"{function.name}()" for function in by_function})
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    also = " and under `if TYPE_CHECKING:` for its annotations" if annotations else ""
    return Fixed(edits, f"moved {detail.module} into {shown}{also}", [entry.local for entry in analysed])


def _into(ctx: FixContext, function: ast.FunctionDef | ast.AsyncFunctionDef, wanted: list[ImportSpec]) -> list[Edit]:
    """Import ``wanted`` at the top of ``function``: into a ``from`` import of the same module it starts
    with, or as new statements after its docstring and leading imports."""
    edits: list[Edit] = []
    leading = _leading_imports(function)
    rest: list[ImportSpec] = []
    for spec in wanted:
        if spec.name is not None:
            same = next(
                (
                    node for node in leading
                    if isinstance(node, ast.ImportFrom) and "." * node.level + (node.module or "") == spec.module
                    and not any(alias.name == "*" for alias in node.names)
                ),
                None,
            )  # fmt: skip
            if same is not None:
                edits.append(AddAlias(ctx.plan.key(same), spec))
                continue
        rest.append(spec)
    if rest:
        edits.append(Insert("function", ctx.plan.key(function), merged_code(rest)))
    return edits


def _leading_imports(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Import | ast.ImportFrom]:
    body = function.body
    index = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else 0
    found: list[ast.Import | ast.ImportFrom] = []
    while index < len(body) and isinstance(body[index], (ast.Import, ast.ImportFrom)):
        statement = body[index]
        assert isinstance(statement, (ast.Import, ast.ImportFrom))
        found.append(statement)
        index += 1
    return found
