"""Import rules: slow imports (IMC101) and deprecated heavy modules (IMC102)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_import_cost.knowledge.import_costs import TYPICAL_COSTS_MS
from flake8_import_cost.knowledge.replacements import DEPRECATED_MODULES, MODULE_REPLACEMENTS, REPLACEMENTS
from flake8_import_cost.rules.base import Detail, FileContext, Finding, rule
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


class SlowImport(Detail):
    """IMC101: an import-time import of a slow module.

    ``names`` are the local names the statement binds for the module (``None``
    for a star import); ``uses`` how the module uses them (see
    :class:`~flake8_import_cost.usage.NameUsage`); ``lazy`` when PEP 810
    (``lazy import``, ``__lazy_modules__``) defers the import, so that only a
    use at import time makes it slow.
    """

    __slots__ = ("node", "module", "imported", "names", "uses", "cost_ms", "source", "lazy")

    def __init__(
        self,
        node: ImportNode,
        module: str,
        imported: str,
        names: list[str | None],
        uses: frozenset[str],
        cost_ms: float | None,
        source: str,
        lazy: bool,
    ) -> None:
        self.node = node
        self.module = module
        self.imported = imported
        self.names = names
        self.uses = uses
        self.cost_ms = cost_ms
        self.source = source
        self.lazy = lazy

    @property
    def deferrable(self) -> bool:
        """Whether every bound name is used only inside functions (and in annotations)."""
        return None not in self.names and "import" not in self.uses and "function" in self.uses

    def cost(self) -> str:
        if self.cost_ms is None:
            return f"is listed as slow ({self.source})"
        return f"takes ~{self.cost_ms:.0f} ms to import ({self.source})"

    def message(self) -> str:
        if self.lazy:
            return f"lazy import of {self.module} is used at import time, so it {self.cost()}"
        return f"{self.module} {self.cost()}{self.advice()}"

    def advice(self) -> str:
        """What the uses of the bound names allow, as the end of the message."""
        if None in self.names:
            return "; a star import cannot be deferred"
        uses = self.uses
        future = "add `from __future__ import annotations`, then"
        if "import" in uses:
            return "; it is used at import time"
        if "function" in uses:
            if "eager" in uses:
                return f"; used only inside functions and in annotations: {future} move the import into the functions"
            if "typing" in uses:
                return (
                    "; used only inside functions and in annotations, so the import can move into the functions"
                    " (and under `if TYPE_CHECKING:` for the annotations)"
                )
            return "; used only inside functions, so the import can move into them"
        if "eager" in uses:
            return f"; used only in annotations: {future} move it under `if TYPE_CHECKING:`"
        if "typing" in uses:
            return "; used only in annotations, so it can move under `if TYPE_CHECKING:`"
        return "; the name is not used in this module"


@rule("IMC101")
def slow_import(ctx: FileContext) -> Iterator[Finding]:
    """An import-time import of a module that is slow to import."""
    threshold = ctx.settings.threshold_ms
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
                usage = ctx.usage
                bound = [name for name in names if name is not None]
                lazy = _is_lazy(node, imported, ctx)
                if lazy and not any(usage.at_import_time(name) for name in bound):
                    continue  # PEP 810: the import happens where a name is first used
                uses = frozenset(usage.kinds(bound)) if None not in names else frozenset()
                detail = SlowImport(node, module, imported, names, uses, ms, source, lazy)
                yield Finding.at(node, "IMC101", detail, where)


def _is_lazy(node: ImportNode, module: str, ctx: FileContext) -> bool:
    """Whether a PEP 810 ``lazy import`` or ``__lazy_modules__`` defers this import."""
    if getattr(node, "is_lazy", False):
        return True
    listed = ctx.names.value("__lazy_modules__", ctx.tree)
    if isinstance(listed, (ast.Set, ast.List, ast.Tuple)):
        return any(isinstance(e, ast.Constant) and e.value == module for e in listed.elts)
    return False


@rule("IMC102")
def deprecated_heavy_import(ctx: FileContext) -> Iterator[Finding]:
    """Any import of distutils, pkg_resources or imp, wherever it stands."""
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


class DeprecatedImport(Detail):
    """IMC102: an import of a deprecated, heavy module; ``replacements`` maps each
    imported name that has one (``distutils.util.strtobool``) to what to use instead."""

    __slots__ = ("node", "module", "replacements")

    def __init__(self, node: ImportNode, module: str, replacements: dict[str, str]) -> None:
        self.node = node
        self.module = module
        self.replacements = replacements

    def message(self) -> str:
        cost = TYPICAL_COSTS_MS.get(self.module)
        reason = DEPRECATED_MODULES[self.module] + (f" (~{cost:.0f} ms typical)" if cost else "")
        if self.replacements:
            advice = ", ".join(f"{new} for {old.rpartition('.')[2]}" for old, new in self.replacements.items())
        else:
            advice = MODULE_REPLACEMENTS[self.module]
        return f"{reason}; use {advice}"


def _deprecated(node: ImportNode, module: str, names: list[str]) -> Finding:
    replacements: dict[str, str] = {}
    for name in names:
        known = _replacement(name)
        if known is not None:
            replacements.setdefault(known[0], known[1])
    return Finding.at(node, "IMC102", DeprecatedImport(node, module, replacements))


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
