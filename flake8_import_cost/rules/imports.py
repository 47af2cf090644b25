"""Import rules: slow imports (IMC101) and deprecated heavy modules (IMC102)."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from flake8_import_cost.knowledge.import_costs import TYPICAL_COSTS_MS
from flake8_import_cost.knowledge.replacements import DEPRECATED_MODULES, MODULE_REPLACEMENTS, REPLACEMENTS
from flake8_import_cost.rules.base import Detail, FileContext, Finding, rule
from flake8_import_cost.settings import Settings

if TYPE_CHECKING:
    from flake8_import_cost.context import Where
    from flake8_import_cost.costs import MeasuredCosts
    from flake8_import_cost.project import StartUp, TestSuite
    from flake8_import_cost.usage import NameUsage

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


def import_cost(
    candidates: tuple[str, ...], settings: Settings, costs: MeasuredCosts | None = None
) -> tuple[float | None, str, str] | None:
    """The cost of importing the first known candidate or one of its parent
    packages: ``(ms, source, module)``; ``ms`` is ``None`` for a module the
    user listed as slow without a figure.

    A measured cost wins (the profiled start-up's, in context, then an isolated
    ``measure``), then the user's figures, then the built-in table, each at
    every level: ``scipy=0`` makes ``import scipy.stats`` cheap too."""
    for candidate in candidates if costs is not None else ():
        for name in _parents(candidate, candidate is not candidates[-1]):
            measured = costs.module_cost(name)  # type: ignore[union-attr]
            if measured is not None:
                return measured.ms, measured.source, name
    for table, source in ((settings.slow_modules, "import-cost-slow-modules"), (TYPICAL_COSTS_MS, "typical")):
        for candidate in candidates:
            for name in _parents(candidate, candidate is not candidates[-1]):
                if name in table:
                    return table[name], source, name
    return None


@lru_cache(maxsize=16384)
def _parents(candidate: str, exact: bool) -> tuple[str, ...]:
    """``candidate`` and its parent packages, most specific first; only ``candidate``
    itself when ``exact`` (a from-import's first candidate may be a name, not a module)."""
    if exact:
        return (candidate,)
    parts = candidate.split(".")
    return tuple(".".join(parts[:end]) for end in range(len(parts), 0, -1))


class SlowImport(Detail):
    """IMC101: import-time imports of a slow package in one file (one finding per
    top-level package, however many statements import it).

    ``statements`` are the import statements, in source order (``node`` is the
    first); ``module`` the costliest module they import and ``cost_ms`` its
    cost (``None``: listed as slow without a figure), from ``source``;
    ``names`` the local names they bind for it (``None`` for a star import);
    ``uses`` how the module uses those names (see
    :class:`~flake8_import_cost.usage.NameUsage`, plus ``reexport`` for what a
    package ``__init__`` imports and does not use itself); ``first_use`` the
    line of the first use at import time; ``lazy`` when PEP 810 (``lazy
    import``, ``__lazy_modules__``) defers every statement, so that only a use
    at import time makes it slow; ``patched`` the dotted names the project's
    tests patch that moving the import would break; with a profiled start-up,
    ``also_imported_by`` and ``third_party``: the other start-up lines that
    import it, without which deferring it here saves nothing.
    """

    __slots__ = (
        "statements", "module", "imported", "names", "uses", "cost_ms", "source", "lazy", "first_use", "patched",
        "also_imported_by", "third_party", "started",
    )  # fmt: skip

    def __init__(
        self,
        statements: list[ImportNode],
        module: str,
        imported: str,
        names: list[str | None],
        uses: frozenset[str],
        cost_ms: float | None,
        source: str,
        lazy: bool = False,
        first_use: int | None = None,
        patched: tuple[str, ...] = (),
    ) -> None:
        self.statements = statements
        self.module = module
        self.imported = imported
        self.names = names
        self.uses = uses
        self.cost_ms = cost_ms
        self.source = source
        self.lazy = lazy
        self.first_use = first_use
        self.patched = patched
        #: With a profile: the project's other start-up lines that import the module (``path:line``).
        self.also_imported_by: tuple[str, ...] = ()
        #: With a profile: a third-party start-up line that imports the module too.
        self.third_party: str | None = None
        #: When the uses are inside functions that start-up runs from another file: the
        #: callee (``Engine``, ``load``), the first line that runs it (``path:line``), the
        #: functions that call it on the way there, and how many other lines run it.
        self.started: tuple[str, str, tuple[str, ...], int] | None = None

    @property
    def node(self) -> ImportNode:
        """The first statement, where the finding stands."""
        return self.statements[0]

    @property
    def used_at_import(self) -> bool:
        """Whether import-time code needs the module (code, an annotation read at runtime, a re-export)."""
        return bool(self.uses & {"import", "runtime", "reexport", "startup"})

    @property
    def deferrable(self) -> bool:
        """Whether every bound name is used only inside functions (and in annotations)."""
        return None not in self.names and not self.used_at_import and "function" in self.uses

    def cost(self) -> str:
        if self.cost_ms is None:
            return f"is listed as slow ({self.source})"
        return f"takes ~{self.cost_ms:.0f} ms to import ({self.source})"

    def message(self) -> str:
        if self.lazy:
            return f"lazy import of {self.module} is used at import time{self._where_used()}, so it {self.cost()}"
        return f"{self.module} {self.cost()}{self.advice()}{self._others()}{self._patched()}"

    def _others(self) -> str:
        if self.third_party is not None:
            return f"; {self.third_party} (outside the project) imports it at start-up too: deferring it saves nothing"
        if not self.also_imported_by:
            return ""
        first, rest = self.also_imported_by[0], len(self.also_imported_by) - 1
        more = f" and {rest} other line{'s' * (rest != 1)}" if rest else ""
        return f"; also imported at start-up by {first}{more}: defer them all to save it"

    def _where_used(self) -> str:
        return f" (line {self.first_use})" if self.first_use is not None else ""

    def _lines(self) -> str:
        if len(self.statements) == 1:
            return "the import"
        lines = [str(statement.lineno) for statement in self.statements]
        return f"the imports (lines {', '.join(lines[:-1])} and {lines[-1]})"

    def _patched(self) -> str:
        if not self.patched or not self.deferrable and "typing" not in self.uses:
            return ""
        shown = ", ".join(self.patched[:2]) + (f" and {len(self.patched) - 2} more" if len(self.patched) > 2 else "")
        return f"; the tests patch {shown}: patch it where it is used once the import moves"

    def advice(self) -> str:
        """What the uses of the bound names allow, as the end of the message."""
        if None in self.names:
            return "; a star import cannot be deferred"
        uses = self.uses
        future = "add `from __future__ import annotations`, then"
        imports = self._lines()
        if "reexport" in uses:
            return "; re-exported: load it on first access with a module `__getattr__` (PEP 562)"
        if "import" in uses:
            return f"; used at import time{self._where_used()}: move that use into a function, and {imports} with it"
        if "runtime" in uses:
            return f"; needed at import time by an annotation that is read at runtime{self._where_used()}"
        if "startup" in uses and self.started is not None:
            callee, caller, through, more = self.started
            cls, _, method = callee.partition("().")
            if more:
                caller += f" and {more} other line{'s' * (more != 1)}"
            verb = ("builds", "build") if not method and cls[:1].isupper() else ("calls", "call")
            what = cls if verb[0] == "builds" else f"{callee.replace('()', '')}()"
            runs = f"{verb[bool(more)]} {what}"
            shown = [name.replace("()", "") + "()" for name in through]
            via = f" (via {', '.join(shown)})" if through else ""
            return (
                f"; used at start-up: {caller} {runs} at import time{via}, which uses it{self._where_used()};"
                f" do that on first use there, then {imports} can move into the functions"
            )
        if "function" in uses:
            if "eager" in uses:
                return f"; used only inside functions and in type hints: {future} move {imports} into the functions"
            if "typing" in uses:
                return (
                    f"; used only inside functions and in type hints, so {imports} can move into the functions"
                    " (and under `if TYPE_CHECKING:` for the type hints)"
                )
            return f"; used only inside functions, so {imports} can move into them"
        if "eager" in uses:
            return f"; used only in type hints: {future} move {imports} under `if TYPE_CHECKING:`"
        return f"; used only in type hints, so {imports} can move under `if TYPE_CHECKING:`"


class _Package:
    """The slow modules of one top-level package that a file imports at import time."""

    __slots__ = ("statements", "modules", "names", "position")

    def __init__(self) -> None:
        self.statements: list[ImportNode] = []
        #: module -> (ms, source, the name imported)
        self.modules: dict[str, tuple[float | None, str, str]] = {}
        self.names: list[str | None] = []
        self.position = (0, 0)

    def add(
        self, node: ImportNode, module: str, cost: tuple[float | None, str], imported: str, local: str | None
    ) -> None:
        if node not in self.statements:
            self.statements.append(node)
        self.modules.setdefault(module, (*cost, imported))
        self.names.append(local)

    def costliest(self) -> tuple[str, float | None, str, str]:
        module, (ms, source, imported) = max(
            self.modules.items(), key=lambda item: float("inf") if item[1][0] is None else item[1][0]
        )
        return module, ms, source, imported


@rule("IMC101")
def slow_import(ctx: FileContext) -> Iterator[Finding]:
    """An import-time import of a module that is slow to import."""
    settings = ctx.settings
    threshold = settings.test_threshold_ms if ctx.kind == "test" else settings.threshold_ms
    found: list[tuple[ImportNode, Where, str, tuple[float | None, str], str, str | None]] = []
    for node_type in (ast.Import, ast.ImportFrom):
        for node, where in ctx.importtime.nodes(node_type):
            assert isinstance(node, (ast.Import, ast.ImportFrom))
            for candidates, local in imported_modules(node):
                top = candidates[-1].partition(".")[0]
                if top in DEPRECATED_MODULES:
                    continue  # IMC102 reports these, with what to use instead
                cost = import_cost(candidates, settings, ctx.costs)
                if cost is None or (cost[0] is not None and cost[0] < threshold):
                    continue
                ms, source, module = cost
                if top in ctx.directories and not source.startswith("measured"):
                    continue  # a package's own modules: the table's figure is for importing it from outside
                if _listed(module, settings.core_modules):
                    continue
                found.append((node, where, module, (ms, source), candidates[-1], local))
    if not found:
        return
    anyway = _loaded_anyway(ctx)
    startup = _start_up(ctx)
    frameworks = _frameworks(ctx)
    suite = _test_suite(ctx) if ctx.kind == "test" and ctx.filename not in ("stdin", "-") else None
    on_demand = ctx.kind != "test" and _on_demand(ctx, startup)
    packages: dict[tuple[str, ast.expr | None], _Package] = {}
    wheres: dict[tuple[str, ast.expr | None], Where] = {}
    for node, where, module, figures, imported, local in sorted(found, key=lambda item: _position(item[0])):
        if figures[1] != "measured at start-up" and (
            _is_loaded(module, anyway)
            or _loaded_by_another(module, frameworks)
            or (startup is not None and startup.loads_anyway(module, ctx.filename))
        ):
            # Loaded anyway, by the application's start-up or a framework: deferring it saves
            # nothing. (A profiled start-up knows better: its message names the other importers.)
            continue
        if figures[1] != "measured at start-up" and figures[0] is not None:
            shared = _shared_cost(module, settings, anyway, frameworks, startup, ctx.filename)
            if shared and figures[0] - shared < threshold:
                continue  # a costlier part of its package is loaded anyway: what it adds is too little
        if suite is not None and suite.imported_elsewhere(module.partition(".")[0], ctx.filename):
            continue  # another test module imports it at its top: a test run loads it anyway
        if on_demand and figures[0] is not None and figures[0] < settings.on_demand_threshold_ms:
            continue  # start-up never imports the file: its imports are paid when it is first used
        key = (module.partition(".")[0], where.site)
        package = packages.setdefault(key, _Package())
        wheres.setdefault(key, where)
        package.add(node, module, figures, imported, local)
    for key, package in packages.items():
        finding = _finding(ctx, package, wheres[key], startup)
        if finding is not None:
            yield finding


def _finding(ctx: FileContext, package: _Package, where: Where, startup: StartUp | None) -> Finding | None:
    usage = ctx.usage
    module, ms, source, imported = package.costliest()
    settings = ctx.settings
    bound = [name for name in package.names if name is not None]
    statements = [s for s in package.statements if not _is_lazy(s, imported, ctx)]
    lazy = not statements
    uses = frozenset(usage.kinds(bound)) if None not in package.names else frozenset()
    if lazy and not (usage.kinds(bound) & {"import", "runtime"}):
        return None  # PEP 810: the import happens where a name is first used, inside a function
    if None not in package.names and not uses:
        if os.path.basename(ctx.filename) != "__init__.py":
            return None  # not used at all: pyflakes' F401 says to remove it
        uses = frozenset({"reexport"})
    first_use = _first_use(usage, bound)
    detail = SlowImport(package.statements if lazy else statements, module, imported, package.names, uses, ms,
                        source, lazy, first_use)  # fmt: skip
    if detail.deferrable and startup is not None and os.path.abspath(ctx.filename) in startup.files:
        _note_start_up_use(ctx.filename, bound, detail)
    if (detail.used_at_import or lazy) and ms is not None and ms < settings.import_time_use_ms:
        return None  # needed at import time: only a costly module is worth restructuring for
    if detail.deferrable or "typing" in uses:
        detail.patched = _patched(ctx, bound)
    if source == "measured at start-up" and ctx.costs is not None:
        _other_importers(ctx.costs, ctx.filename, module, detail)
    elif startup is not None:
        # Start-up imports it from other files too: deferring it pays off only when they all
        # do, and never while one of them needs it at import time.
        from flake8_import_cost.project import needed_at_import

        others = startup.other_importers(module, ctx.filename)
        if any(needed_at_import(path, line) for path, line in others):
            return None
        root = package_root(ctx.filename)
        detail.also_imported_by = tuple(
            f"{os.path.relpath(path, root).replace(os.sep, '/')}:{line}" for path, line in others
        )
        if detail.third_party is not None and detail.used_at_import:
            return None  # needed at import time, and loaded by a package outside the project anyway
    return Finding.at(detail.node, "IMC101", detail, where)


def _note_start_up_use(filename: str, bound: list[str], detail: SlowImport) -> None:
    """When start-up runs, from another file, the functions of this one that use the
    module (``ENGINE = import_string(settings.ENGINE)()`` elsewhere), the module is
    needed at start-up: deferring the import into them saves nothing."""
    from flake8_import_cost.summaries import used_at_start_up

    found = used_at_start_up(filename, tuple(dict.fromkeys(bound)))
    if found is None:
        return
    callee, sites, used = found
    path, line, through = sites[0]
    root = package_root(filename)
    detail.uses = detail.uses | {"startup"}
    detail.first_use = used
    detail.started = (callee, f"{os.path.relpath(path, root).replace(os.sep, '/')}:{line}", through, len(sites) - 1)


def _on_demand(ctx: FileContext, startup: StartUp | None) -> bool:
    """Whether the project's start-up, as far as the plugin knows it, never imports the
    file: no import can reach it; a profiled start-up says so exactly; without one,
    the start-up read from the project's files (when it has any to read)."""
    from flake8_import_cost.project import unreachable

    if ctx.filename not in ("stdin", "-") and unreachable(ctx.filename):
        return True  # no import reaches it: it runs on its own, when something reads it
    costs = ctx.costs
    if costs is not None and costs.profile_id is not None:
        from flake8_import_cost.project import module_name

        name = module_name(ctx.filename, package_root(ctx.filename))
        return name is not None and not costs.imported_at_start_up(name)
    return startup is not None and bool(startup.files) and os.path.abspath(ctx.filename) not in startup.files


def _other_importers(costs: MeasuredCosts, filename: str, module: str, detail: SlowImport) -> None:
    """What else the profiled start-up imports ``module`` from: without those, deferring saves nothing."""
    own = costs.stored_path(filename)
    others = [importer for importer in costs.importers(module) if importer.path != own]
    outside = [importer for importer in others if not importer.in_project]
    if outside:
        detail.third_party = outside[0].shown()
    detail.also_imported_by = tuple(dict.fromkeys(i.shown() for i in others if i.in_project))


def _first_use(usage: NameUsage, names: list[str]) -> int | None:
    lines = [use.lineno for use in (usage.first_use(name) for name in names) if use is not None]
    return min(lines) if lines else None


def _listed(module: str, modules: tuple[str, ...]) -> bool:
    """Whether ``module`` is one of ``modules`` or inside one of them."""
    return any(module == listed or module.startswith(listed + ".") for listed in modules)


def _is_loaded(module: str, anyway: frozenset[str]) -> bool:
    """Whether ``module`` is loaded anyway: it, or a submodule of it (which loads it first)."""
    if module in anyway:
        return True
    prefix = module + "."
    return any(name.startswith(prefix) for name in anyway)


def _shared_cost(
    module: str,
    settings: Settings,
    anyway: frozenset[str],
    frameworks: dict[str, frozenset[str]],
    startup: StartUp | None,
    filename: str,
) -> float:
    """The cost of the costliest other module of ``module``'s package (a parent, or a
    sibling such as ``cryptography.x509`` for ``cryptography.fernet``) that is loaded
    anyway: a package's modules share its core (its native code, its dependencies),
    so deferring ``module`` saves at most what it costs beyond that."""
    top = module.partition(".")[0]
    inside = top + "."
    loaded = {name for name in anyway if name == top or name.startswith(inside)}
    for modules in frameworks.values():
        loaded.update(name for name in modules if name == top or name.startswith(inside))
    if startup is not None:
        loaded.update(startup.loaded_under(top, filename))
    own = module + "."
    best = 0.0
    for name in loaded:
        if name == module or name.startswith(own):
            continue
        cost = settings.slow_modules.get(name, TYPICAL_COSTS_MS.get(name))
        if cost is not None and cost > best:
            best = cost
    return best


def _loaded_by_another(module: str, frameworks: dict[str, frozenset[str]]) -> bool:
    """Whether a framework of another package, which the file imports, loads ``module``
    (``django.test`` loads ``unittest.mock``; ``sqlalchemy.orm`` loading ``sqlalchemy``
    is the same package, deferred together)."""
    top = module.partition(".")[0]
    return any(
        framework.partition(".")[0] != top and _is_loaded(module, loaded) for framework, loaded in frameworks.items()
    )


def _loaded_anyway(ctx: FileContext) -> frozenset[str]:
    """What the application loads whenever this file is imported, besides what it imports itself."""
    if ctx.filename in ("stdin", "-"):
        return frozenset()
    from flake8_import_cost.project import loaded_anyway

    return loaded_anyway(ctx.filename)


def _start_up(ctx: FileContext) -> StartUp | None:
    """What the project's start-up imports, as its metadata, settings and URLconf say."""
    if ctx.filename in ("stdin", "-"):
        return None
    from flake8_import_cost.project import start_up

    return start_up(package_root(ctx.filename))


def package_root(filename: str) -> str:
    """The directory that holds the file's top-level package (its own directory, outside a package)."""
    from flake8_import_cost.project import package_chain

    return package_chain(filename)[0]


def _frameworks(ctx: FileContext) -> dict[str, frozenset[str]]:
    """The frameworks the file itself imports at import time, with the slow modules each loads."""
    from flake8_import_cost.project import loaded_by

    own = {
        name
        for node_type in (ast.Import, ast.ImportFrom)
        for node, _ in ctx.importtime.nodes(node_type)
        for candidates, _local in imported_modules(node)  # type: ignore[arg-type]
        for name in candidates
    }
    return loaded_by(own)


def _patched(ctx: FileContext, names: list[str]) -> tuple[str, ...]:
    """The dotted names of this module's ``names`` that the project's tests patch."""
    if ctx.filename in ("stdin", "-"):
        return ()
    from flake8_import_cost.project import module_name, package_chain

    root, _ = package_chain(ctx.filename)
    dotted = module_name(ctx.filename, root)
    if dotted is None:
        return ()
    patched = _test_suite(ctx).patched
    return tuple(f"{dotted}.{name}" for name in names if f"{dotted}.{name}" in patched)


def _test_suite(ctx: FileContext) -> TestSuite:
    """What the test modules of the file's project patch and import."""
    from flake8_import_cost.project import package_chain, project_root, test_suite

    return test_suite(project_root(package_chain(ctx.filename)[0]))


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


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
