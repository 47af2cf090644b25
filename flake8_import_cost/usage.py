"""Where a module uses each of its names: at import time, inside functions,
in annotations evaluated at import, or only for type checkers.

Part of the name layer: IMC101 words its advice from it, and the fixer decides
from it what it may move.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_import_cost.importtime import ImportTime, child_fields, is_type_checking


class NameUsage:
    """Where a module uses each of its names: at import time, inside functions,
    in annotations evaluated at import (``eager``), or only for type checkers
    (``typing``: lazy annotations, ``if TYPE_CHECKING:`` blocks).

    Uses at import time come from the walker's index; the rest of the tree is
    read only when a slow import's names are not used at import time.
    """

    def __init__(self, tree: ast.Module, importtime: ImportTime) -> None:
        self.tree = tree
        self._at_import: set[int] = set()
        self._eager: set[int] = set()
        #: Names read by code that runs at import (annotations aside) or re-exported in ``__all__``.
        self._used_at_import: set[str] = set(_dunder_all(tree))
        for used, where in importtime.nodes(ast.Name):
            if isinstance(used.ctx, ast.Load):
                eager = where.kind == "annotation"
                (self._eager if eager else self._at_import).add(id(used))
                if not eager:
                    self._used_at_import.add(used.id)
        self._everywhere: dict[str, set[str]] | None = None

    def at_import_time(self, local: str) -> bool:
        """Whether ``local`` is used by code that runs at import."""
        return local in self._used_at_import

    def kinds(self, names: list[str]) -> set[str]:
        """How the names are used, across the module."""
        if any(self.at_import_time(name) for name in names):
            return {"import"}
        if self._everywhere is None:
            self._everywhere = self._read_tree()
        return set().union(*(self._everywhere.get(name, ()) for name in names))

    def _read_tree(self) -> dict[str, set[str]]:
        uses: dict[str, set[str]] = {}
        pending: list[tuple[ast.AST, bool]] = [(self.tree, False)]
        while pending:
            node, in_annotation = pending.pop()
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Load):
                    key = id(node)
                    if key in self._eager:
                        kind = "eager"
                    elif in_annotation:
                        kind = "typing"
                    else:
                        kind = "import" if key in self._at_import else "function"
                    uses.setdefault(node.id, set()).add(kind)
                continue
            if in_annotation and isinstance(node, ast.Constant) and isinstance(node.value, str):
                pending.extend((name, True) for name in _string_annotation_names(node.value))
                continue
            type_checking = isinstance(node, ast.If) and is_type_checking(node.test)
            for field in child_fields(type(node)):
                value = getattr(node, field, None)
                inside = in_annotation or field in ("annotation", "returns") or (type_checking and field == "body")
                if isinstance(value, list):
                    pending.extend((item, inside) for item in value if isinstance(item, ast.AST))
                elif isinstance(value, ast.AST):
                    pending.append((value, inside))
        return uses


def _string_annotation_names(text: str) -> list[ast.Name]:
    """The names a string annotation (``"pd.DataFrame | None"``) refers to."""
    try:
        expression = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return []
    return [node for node in ast.walk(expression) if isinstance(node, ast.Name)]


def _dunder_all(tree: ast.Module) -> Iterator[str]:
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and isinstance(
                stmt.value, (ast.List, ast.Tuple)
            ):
                for element in stmt.value.elts:
                    if isinstance(element, ast.Constant) and isinstance(element.value, str):
                        yield element.value
