"""The edits a file's transforms record, and what each finding came to.

Transforms decide on the :mod:`ast` tree (the one flake8 reports on); the
writer applies their edits to the libcst tree of the same text. Edits name
the nodes they change by position: ``(line, column)`` of the node's start,
the column counted in characters, as libcst counts them (the :mod:`ast` counts
bytes; :meth:`Plan.key` converts).

A transform either refuses a finding (:class:`Refused`, with the reason the
user sees) or returns :class:`Fixed` with its edits; the engine adds the
edits of a fixed finding to the plan only when they do not clash with the
edits already there, so that a finding is fixed entirely or not at all.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Union

    Key = tuple[int, int]
    Edit = Union["DropAlias", "AddAlias", "Insert", "Replace", "MakeLazy", "AddToList", "TypeCheckingImport"]
    Outcome = Union["Fixed", "Refused"]


class ImportSpec:
    """One import to write: ``import module [as asname]``, or ``from module
    import name [as asname]``; ``comment`` is a trailing comment to keep."""

    __slots__ = ("module", "name", "asname", "comment")

    def __init__(self, module: str, name: str | None = None, asname: str | None = None, comment: str = "") -> None:
        self.module = module
        self.name = name
        self.asname = asname
        self.comment = comment

    @property
    def local(self) -> str:
        """The name the import binds."""
        if self.asname:
            return self.asname
        return self.name if self.name is not None else self.module.partition(".")[0]

    def alias(self) -> str:
        """The imported name with its ``as``, as written after ``import``."""
        imported = self.name if self.name is not None else self.module
        return f"{imported} as {self.asname}" if self.asname else imported

    def code(self, lazy: bool = False) -> str:
        prefix = "lazy " if lazy else ""
        if self.name is None:
            return f"{prefix}import {self.alias()}"
        return f"{prefix}from {self.module} import {self.alias()}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ImportSpec) and (self.module, self.name, self.asname) == (
            other.module, other.name, other.asname
        )  # fmt: skip

    def __hash__(self) -> int:
        return hash((self.module, self.name, self.asname))

    def __repr__(self) -> str:
        return f"ImportSpec({self.code()!r})"


def merged_code(specs: Sequence[ImportSpec]) -> list[str]:
    """The statements that write ``specs``: from-imports of one module merged, in order of first use."""
    lines: list[str] = []
    from_groups: dict[str, list[ImportSpec]] = {}
    order: list[ImportSpec | str] = []
    for spec in dict.fromkeys(specs):
        if spec.name is None:
            order.append(spec)
        else:
            if spec.module not in from_groups:
                from_groups[spec.module] = []
                order.append(spec.module)
            from_groups[spec.module].append(spec)
    for item in order:
        if isinstance(item, ImportSpec):
            lines.append(item.code() + (f"  {item.comment}" if item.comment else ""))
        else:
            group = from_groups[item]
            comment = next((spec.comment for spec in group if spec.comment), "")
            names = ", ".join(spec.alias() for spec in group)
            lines.append(f"from {item} import {names}" + (f"  {comment}" if comment else ""))
    return lines


# -- edits -------------------------------------------------------------------------------------------------


class DropAlias:
    """Remove the alias that binds ``local`` from the import statement at ``at``
    (the whole statement when no alias is left)."""

    __slots__ = ("at", "local")

    def __init__(self, at: Key, local: str) -> None:
        self.at = at
        self.local = local


class AddAlias:
    """Add ``spec``'s name to the ``from … import`` statement at ``at``."""

    __slots__ = ("at", "spec")

    def __init__(self, at: Key, spec: ImportSpec) -> None:
        self.at = at
        self.spec = spec


class Insert:
    """New statements (``code``, one statement each) in a block.

    ``where`` is ``"function"`` (the top of the body of the function at ``at``,
    after its docstring and leading imports), ``"after"`` or ``"before"`` (the
    statement at ``at``, in its block; in its place when that statement is
    removed), or ``"module"`` (the top of the module). ``blank_before`` and
    ``blank_after`` are the blank lines the new statements want around them
    (two around a module-level function, one around a block).
    """

    __slots__ = ("where", "at", "code", "blank_before", "blank_after")

    def __init__(
        self, where: str, at: Key | None, code: Iterable[str], *, blank_before: int = 0, blank_after: int = 0
    ) -> None:
        self.where = where
        self.at = at
        self.code = tuple(code)
        self.blank_before = blank_before
        self.blank_after = blank_after


class Replace:
    """Replace the expression of type ``kind`` that spans ``at`` to ``end`` with ``code``."""

    __slots__ = ("at", "end", "kind", "code")

    def __init__(self, at: Key, end: Key, kind: str, code: str) -> None:
        self.at = at
        self.end = end
        self.kind = kind
        self.code = code


class MakeLazy:
    """Write the import statement at ``at`` as a PEP 810 ``lazy`` import."""

    __slots__ = ("at",)

    def __init__(self, at: Key) -> None:
        self.at = at


class AddToList:
    """Add the string ``value`` to the list, tuple or set display at ``at``."""

    __slots__ = ("at", "value")

    def __init__(self, at: Key, value: str) -> None:
        self.at = at
        self.value = value


class TypeCheckingImport:
    """``spec`` goes under the module's ``if TYPE_CHECKING:`` block (created once, see :class:`TypeCheckingBlock`)."""

    __slots__ = ("spec",)

    def __init__(self, spec: ImportSpec) -> None:
        self.spec = spec


class TypeCheckingBlock:
    """Where the module's ``if TYPE_CHECKING:`` imports go: the body of the
    existing block at ``existing``, or a new block with ``test`` after the
    statement at ``anchor`` (at the top of the module when ``None``), with the
    edits that make ``TYPE_CHECKING`` importable."""

    __slots__ = ("existing", "anchor", "test", "edits")

    def __init__(self, existing: Key | None, anchor: Key | None, test: str, edits: list[Edit]) -> None:
        self.existing = existing
        self.anchor = anchor
        self.test = test
        self.edits = edits


# -- outcomes ----------------------------------------------------------------------------------------------


class Fixed:
    """A finding the transform can fix: its edits, what the change does in one line, and the
    module-level names that are gone afterwards (another module must not import them)."""

    __slots__ = ("edits", "summary", "removed")

    def __init__(self, edits: list[Edit], summary: str, removed: Iterable[str] = ()) -> None:
        self.edits = edits
        self.summary = summary
        self.removed = tuple(removed)


class Refused:
    """A finding left alone: ``reason`` is the line the user reads; ``kind`` a
    short stable name of the reason, for counting (``used-at-import-time``)."""

    __slots__ = ("kind", "reason")

    def __init__(self, kind: str, reason: str) -> None:
        self.kind = kind
        self.reason = reason

    def __repr__(self) -> str:
        return f"Refused({self.kind!r}, {self.reason!r})"


class Plan:
    """Every edit of one file, as the transforms record them."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.edits: list[Edit] = []
        self.type_checking: TypeCheckingBlock | None = None
        #: Statements some edit removes or changes, with the kind of change (for clashes).
        self._claimed: dict[tuple[object, ...], object] = {}
        self._encoded: dict[int, bytes] = {}

    def key(self, node: ast.AST) -> Key:
        """The position of an :mod:`ast` node, its column in characters."""
        line: int = node.lineno  # type: ignore[attr-defined]
        col: int = node.col_offset  # type: ignore[attr-defined]
        return line, self._characters(line, col)

    def end(self, node: ast.AST) -> Key:
        """Where an :mod:`ast` node ends, its column in characters."""
        line: int = node.end_lineno  # type: ignore[attr-defined]
        col: int = node.end_col_offset  # type: ignore[attr-defined]
        return line, self._characters(line, col)

    def _characters(self, line: int, col: int) -> int:
        if not 0 < line <= len(self.lines):
            return col
        text = self.lines[line - 1]
        if text.isascii():
            return col
        encoded = self._encoded.get(line)
        if encoded is None:
            encoded = self._encoded[line] = text.encode("utf-8")
        return len(encoded[:col].decode("utf-8", errors="ignore"))

    def clashes(self, edits: Iterable[Edit]) -> bool:
        """Whether ``edits`` change what an edit of the plan changes already."""
        seen: dict[tuple[object, ...], object] = {}
        for edit in edits:
            for claim, value in _claims(edit):
                if claim in seen and seen[claim] != value:
                    return True
                seen[claim] = value
                if claim in self._claimed and self._claimed[claim] != value:
                    return True
            if isinstance(edit, Replace):
                for other in self.edits:
                    if isinstance(other, Replace) and other.at < edit.end and edit.at < other.end:
                        return True
        return False

    def add(self, edits: Iterable[Edit]) -> None:
        for edit in edits:
            for claim, value in _claims(edit):
                self._claimed[claim] = value
            self.edits.append(edit)


def _claims(edit: Edit) -> Iterable[tuple[tuple[object, ...], object]]:
    if isinstance(edit, DropAlias):
        yield ("alias", edit.at, edit.local), "drop"
        yield ("statement", edit.at), "imports"
    elif isinstance(edit, MakeLazy):
        yield ("statement", edit.at), "lazy"
    elif isinstance(edit, Replace):
        yield ("replace", edit.at), edit.code
