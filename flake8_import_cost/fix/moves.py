"""What moving a slow import (IMC101) involves: shared by ``defer``, ``type-checking`` and ``lazy``.

For each name the import binds: how to write its import again
(:class:`~flake8_import_cost.fix.plan.ImportSpec`), and where the module
reads it, resolved by scope (:func:`~flake8_import_cost.usage.references`):
inside which function bodies, for type checkers only, or elsewhere. Every
check that decides whether the import may move at all is here, with the
reason the user reads when it may not; whether a name runs at import is the
walker's answer (:meth:`FixContext.import_time_use`), never re-derived.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from flake8_import_cost.fix.plan import DropAlias, ImportSpec, Refused
from flake8_import_cost.rules.imports import SlowImport

if TYPE_CHECKING:
    from flake8_import_cost.fix.context import FixContext
    from flake8_import_cost.fix.plan import Edit
    from flake8_import_cost.rules.base import Finding
    from flake8_import_cost.usage import Reference

    FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

#: Where an import stands -> why it cannot move (``FixContext.block_of``).
PLACEMENT = {
    "function": ("not-module-level", "the import is in a function called at import time"),
    "class": ("class-body", "the import is in a class body: the names it binds are class attributes"),
    "try": ("try", "the import is inside a try statement: an `except ImportError` fallback may depend on it"),
    "condition": ("condition", "the import is under a condition"),
    "with": ("with", "the import is inside a with block, whose context would not apply to the moved import"),
    "loop": ("loop", "the import is inside a loop"),
}


class Moved:
    """One name a slow import binds, the statement that binds it, and where the module reads it."""

    __slots__ = ("local", "spec", "statement", "references", "functions", "typing", "loose")

    def __init__(
        self, local: str, spec: ImportSpec, statement: ast.Import | ast.ImportFrom, references: list[Reference]
    ) -> None:
        self.local = local
        self.spec = spec
        self.statement = statement
        self.references = references
        #: Reads run by function bodies, by the innermost function that runs them.
        self.functions: dict[FunctionNode, list[Reference]] = {}
        #: Reads for type checkers only: annotations, ``if TYPE_CHECKING:`` blocks.
        self.typing: list[Reference] = []
        #: Other reads outside every function body: lambdas and generators defined at module level.
        self.loose: list[Reference] = []
        for reference in references:
            if reference.typing:
                self.typing.append(reference)
            elif reference.function is not None:
                self.functions.setdefault(reference.function, []).append(reference)
            else:
                self.loose.append(reference)


def slow_import(finding: Finding) -> SlowImport:
    detail = finding.detail
    assert isinstance(detail, SlowImport)
    return detail


def specs(node: ast.Import | ast.ImportFrom, comment: str) -> dict[str, ImportSpec]:
    """How to write again the import of each name ``node`` binds, by the name."""
    found: dict[str, ImportSpec] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            local = alias.asname or alias.name.partition(".")[0]
            found[local] = ImportSpec(alias.name, None, alias.asname, comment)
    else:
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name != "*":
                found[alias.asname or alias.name] = ImportSpec(module, alias.name, alias.asname, comment)
    return found


def trailing_comment(ctx: FixContext, node: ast.stmt) -> str:
    """The comment at the end of a one-line statement, to move with it."""
    if node.end_lineno != node.lineno or node.end_col_offset is None:
        return ""
    line = ctx.lines[node.lineno - 1].encode("utf-8")
    rest = line[node.end_col_offset:].decode("utf-8", errors="replace").strip()
    if rest.startswith(";"):
        return ""
    return rest if rest.startswith("#") else ""


def analyse(finding: Finding, ctx: FixContext, *, lazy: bool = False) -> list[Moved] | Refused:
    """The names of the slow imports of ``finding`` (one or more statements that import one
    package), or why they cannot move.

    ``lazy``: for a PEP 810 ``lazy`` import, which may stand under a module-level
    ``if`` and may be read by a lambda at module level (it is imported then).
    """
    detail = slow_import(finding)
    if None in detail.names:
        return Refused("star", "a star import cannot be moved")
    by_name: dict[str, tuple[ImportSpec, ast.Import | ast.ImportFrom]] = {}
    for node in detail.statements:
        placement = ctx.block_of(node)
        if placement is not None and not (lazy and placement == "condition"):
            kind, reason = PLACEMENT[placement]
            return Refused(kind, reason if len(detail.statements) == 1 else f"{reason} (line {node.lineno})")
        for local, spec in specs(node, trailing_comment(ctx, node)).items():
            by_name.setdefault(local, (spec, node))
    if detail.patched and not lazy:
        return Refused("used-elsewhere", f"the tests patch {detail.patched[0]}, which moving the import would break")
    moved: list[Moved] = []
    for name in dict.fromkeys(detail.names):
        assert name is not None
        local = name
        if local not in by_name:
            continue  # bound by an import that is lazy already
        refused = ctx.refuse_binding(local)
        if refused is not None and not (lazy and refused.kind == "re-exported" and ctx.is_package_init):
            return refused
        used = ctx.import_time_use(local)
        if used is not None:
            return Refused("used-at-import-time", f"{local} is used at import time ({used})")
        kinds = ctx.usage.kinds([local])
        if "runtime" in kinds and not lazy:
            first = ctx.usage.first_use(local)
            where = f" (line {first.lineno})" if first is not None else ""
            return Refused(
                "runtime-annotation", f"{local} is used in an annotation that a framework reads at run time{where}"
            )
        line = ctx.eager_annotation_use(local)
        if line is not None and ctx.lazy_annotations:
            return Refused(
                "eager-annotation",
                f"{local} is used in an annotation that is read when its class or function is defined (line"
                f" {line}), at import even with PEP 649: add `from __future__ import annotations` first",
            )
        if line is not None:
            return Refused(
                "eager-annotation",
                f"{local} is used in an annotation evaluated at import (line {line}): add"
                " `from __future__ import annotations` first, or fix for --target-version 3.14",
            )
        found, _ = ctx.references(local)
        if not found:
            return Refused("unused", f"{local} is not used in this module (it may be imported for its side effects)")
        spec, node = by_name[local]
        entry = Moved(local, spec, node, found)
        refused = _side_effect(entry, ctx)
        if refused is not None:
            return refused
        if entry.loose and not lazy:
            line = entry.loose[0].node.lineno
            return Refused(
                "outside-function",
                f"{local} is used outside any function body (line {line}: a lambda or generator defined at import)",
            )
        moved.append(entry)
    if not moved:
        return Refused("used-at-import-time", "the imports are lazy already")
    return moved


def _side_effect(entry: Moved, ctx: FixContext) -> Refused | None:
    """``import a.b`` read as ``a.c``: the import may be there to load ``a.b`` for its side effects."""
    spec = entry.spec
    if spec.name is not None or spec.asname or "." not in spec.module:
        return None
    wanted = spec.module.split(".")[1:]
    for reference in entry.references:
        if reference.in_string:
            continue
        chain: list[str] = []
        child: ast.AST = reference.node
        parent = ctx.parents.get(child)
        while isinstance(parent, ast.Attribute) and parent.value is child and len(chain) < len(wanted):
            chain.append(parent.attr)
            child, parent = parent, ctx.parents.get(parent)
        if chain != wanted:
            used = ".".join([entry.local, *chain]) if chain else entry.local
            return Refused(
                "side-effect",
                f"`import {spec.module}` is read as {used} (line {reference.node.lineno}): the import may be for"
                " its side effects",
            )
    return None


def drop_edits(ctx: FixContext, moved: list[Moved]) -> list[Edit]:
    """Remove the moved names from their import statements (a statement, when nothing is left of it)."""
    return [DropAlias(ctx.plan.key(entry.statement), entry.local) for entry in moved]


def statements(moved: list[Moved]) -> list[tuple[ast.Import | ast.ImportFrom, list[Moved]]]:
    """The moved names by the statement that binds them, in source order."""
    grouped: dict[ast.Import | ast.ImportFrom, list[Moved]] = {}
    for entry in moved:
        grouped.setdefault(entry.statement, []).append(entry)
    return sorted(grouped.items(), key=lambda item: (item[0].lineno, item[0].col_offset))


def covers_statement(node: ast.Import | ast.ImportFrom, moved: list[Moved]) -> bool:
    """Whether the moved names are every name the statement binds."""
    return len(moved) == len(node.names)
