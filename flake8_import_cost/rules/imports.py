"""Import rules: slow imports (IMC101) and deprecated heavy modules (IMC102)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_import_cost.importtime import child_fields, is_type_checking
from flake8_import_cost.knowledge.import_costs import TYPICAL_COSTS_MS
from flake8_import_cost.knowledge.replacements import DEPRECATED_MODULES, MODULE_REPLACEMENTS, REPLACEMENTS
from flake8_import_cost.rules.base import FileContext, Finding, rule
from flake8_import_cost.settings import Settings

ImportNode = ast.Import | ast.ImportFrom


def imported_modules(node: ImportNode) -> Iterator[tuple[tuple[str, ...], str | None]]:
    """For each alias of an import: the modules it may import (most specific
    first) and the local name it binds (``None`` for ``*``)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield (alias.name,), alias.asname or alias.name.partition(".")[0]
    elif node.level == 0 and node.module:
        for alias in node.names:
            if alias.name == "*":
                yield (node.module,), None
            else:
                yield (f"{node.module}.{alias.name}", node.module), alias.asname or alias.name


def import_cost(candidates: tuple[str, ...], settings: Settings) -> tuple[float | None, str, str] | None:
    """The cost of importing the first known candidate or one of its parent
    packages: ``(ms, source, module)``; ``ms`` is ``None`` for a module the
    user listed as slow without a figure."""
    # The user's figures win over the built-in table at every level:
    # ``scipy=0`` makes ``import scipy.stats`` cheap too.
    for table, source in ((settings.slow_modules, "import-cost-slow-modules"), (TYPICAL_COSTS_MS, "typical")):
        for candidate in candidates:
            parts = candidate.split(".")
            # A from-import's first candidate may be a name, not a module: only
            # the exact name is looked up; the module after it walks its parents.
            stop = len(parts) - 1 if candidate is not candidates[-1] else 0
            for end in range(len(parts), stop, -1):
                name = ".".join(parts[:end])
                if name in table:
                    return table[name], source, name
    return None


def _format_cost(ms: float | None, source: str) -> str:
    if ms is None:
        return f"is listed as slow ({source})"
    return f"takes ~{ms:.0f} ms to import ({source})"


@rule("IMC101", "slow-import")
def slow_import(ctx: FileContext) -> Iterator[Finding]:
    """An import-time import of a module that is slow to import."""
    threshold = ctx.settings.threshold_ms
    if ctx.filename.replace("\\", "/").rpartition("/")[2] == "setup.py":
        return  # a build script: never imported by the program it builds
    usage: NameUsage | None = None
    for node_type in (ast.Import, ast.ImportFrom):
        for node, where in ctx.importtime.nodes(node_type):
            assert isinstance(node, (ast.Import, ast.ImportFrom))
            # One finding per slow module of a statement, with every name it binds.
            slow: dict[str, tuple[float | None, str, str, list[str | None]]] = {}
            for candidates, local in imported_modules(node):
                top = candidates[-1].partition(".")[0]
                if top in DEPRECATED_MODULES:
                    continue  # IMC102 reports these, with what to use instead
                if top in ctx.directories:
                    continue
                found = import_cost(candidates, ctx.settings)
                if found is None or (found[0] is not None and found[0] < threshold):
                    continue
                ms, source, module = found
                slow.setdefault(module, (ms, source, candidates[-1], []))[3].append(local)
            for module, (ms, source, imported, names) in slow.items():
                if usage is None:
                    usage = NameUsage(ctx)
                if _is_lazy(node, imported, ctx):
                    # PEP 810: the import happens where a name is first used.
                    if not any(name is not None and usage.at_import_time(name) for name in names):
                        continue
                    message = f"lazy import of {module} is used at import time, so it {_format_cost(ms, source)}"
                else:
                    message = f"{module} {_format_cost(ms, source)}{usage.advice(names)}"
                yield Finding.at(node, "IMC101", message, where)


def _is_lazy(node: ImportNode, module: str, ctx: FileContext) -> bool:
    """Whether a PEP 810 ``lazy import`` or ``__lazy_modules__`` defers this import."""
    if getattr(node, "is_lazy", False):
        return True
    listed = ctx.names.value("__lazy_modules__")
    if isinstance(listed, (ast.Set, ast.List, ast.Tuple)):
        return any(isinstance(e, ast.Constant) and e.value == module for e in listed.elts)
    return False


class NameUsage:
    """Where a module uses each of its names: at import time, inside functions,
    in annotations evaluated at import (``eager``), or only for type checkers
    (``typing``: lazy annotations, ``if TYPE_CHECKING:`` blocks).

    Uses at import time come from the walker's index; the rest of the tree is
    read only when a slow import's names are not used at import time.
    """

    def __init__(self, ctx: FileContext) -> None:
        self.tree = ctx.tree
        self._at_import: set[int] = set()
        self._eager: set[int] = set()
        #: Names read by code that runs at import (annotations aside) or re-exported in ``__all__``.
        self._used_at_import: set[str] = set(_dunder_all(ctx.tree))
        for used, where in ctx.importtime.nodes(ast.Name):
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

    def advice(self, names: list[str | None]) -> str:
        """What the uses of the names an import binds allow, as the end of a message."""
        if None in names:
            return "; a star import cannot be deferred"
        kinds = self.kinds([name for name in names if name is not None])
        future = "add `from __future__ import annotations`, then"
        if "import" in kinds:
            return "; it is used at import time"
        if "function" in kinds:
            if "eager" in kinds:
                return f"; used only inside functions and in annotations: {future} move the import into the functions"
            if "typing" in kinds:
                return (
                    "; used only inside functions and in annotations, so the import can move into the functions"
                    " (and under `if TYPE_CHECKING:` for the annotations)"
                )
            return "; used only inside functions, so the import can move into them"
        if "eager" in kinds:
            return f"; used only in annotations: {future} move it under `if TYPE_CHECKING:`"
        if "typing" in kinds:
            return "; used only in annotations, so it can move under `if TYPE_CHECKING:`"
        return "; the name is not used in this module"


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


def _mentions_deprecated_module(source: str) -> bool:
    """A cheap test on the text, before any tree is walked for IMC102."""
    if "distutils" in source or "pkg_resources" in source:
        return True
    start = source.find("imp")
    while start != -1:
        end = start + 3
        if (start == 0 or not _is_name_char(source[start - 1])) and (
            end == len(source) or not _is_name_char(source[end])
        ):
            return True
        start = source.find("imp", end)
    return False


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@rule("IMC102", "deprecated-heavy-import")
def deprecated_heavy_import(ctx: FileContext) -> Iterator[Finding]:
    """Any import of distutils, pkg_resources or imp, wherever it stands."""
    if not _mentions_deprecated_module(ctx.source):
        return
    attribute_uses: dict[str, set[str]] | None = None
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                continue
            top = node.module.partition(".")[0]
            if top not in DEPRECATED_MODULES or top in ctx.directories:
                continue
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            yield _deprecated(node, top, names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.partition(".")[0]
                if top not in DEPRECATED_MODULES or top in ctx.directories:
                    continue
                if attribute_uses is None:
                    attribute_uses = _attribute_uses(ctx.tree)
                local = alias.asname or top
                prefix = alias.name if alias.asname else top
                uses = sorted(f"{prefix}.{attr}" for attr in attribute_uses.get(local, ()))
                yield _deprecated(node, top, uses)


def _deprecated(node: ImportNode, module: str, names: list[str]) -> Finding:
    replacements: dict[str, str] = {}
    for name in names:
        known = _replacement(name)
        if known is not None:
            replacements.setdefault(known[0], known[1])
    cost = TYPICAL_COSTS_MS.get(module)
    reason = DEPRECATED_MODULES[module] + (f" (~{cost:.0f} ms typical)" if cost else "")
    if replacements:
        advice = ", ".join(f"{new} for {old.rpartition('.')[2]}" for old, new in replacements.items())
    else:
        advice = MODULE_REPLACEMENTS[module]
    return Finding.at(node, "IMC102", f"{reason}; use {advice}")


def _replacement(name: str) -> tuple[str, str] | None:
    """The replacement for ``name`` or for the longest prefix of it that has one."""
    parts = name.split(".")
    for end in range(len(parts), 1, -1):
        prefix = ".".join(parts[:end])
        if prefix in REPLACEMENTS:
            return prefix, REPLACEMENTS[prefix]
    return None


def _attribute_uses(tree: ast.Module) -> dict[str, set[str]]:
    """``name -> {"a.b", ...}`` for every attribute chain ``name.a.b`` in the file."""
    uses: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain: list[str] = []
            value: ast.expr = node
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name):
                uses.setdefault(value.id, set()).add(".".join(reversed(chain)))
    return uses
