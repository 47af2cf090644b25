"""What import-time calls into the project's other modules do.

When import-time code calls a function or instantiates a class that the file
imports from its own project (``settings.initialize()``, ``Loader()``), the
work happens in another file, where no rule sees it as import time: there it
is only a function body. This module reads that file (never imports it) and
summarises what each of its top-level functions and classes (and the methods
of its classes and objects) does when called, with the rules themselves: it
appends a call to each of them to the module's tree, runs the rules whose
effects are work (queries, I/O, clients, processes, large loops), and keeps
the findings that those calls lead to. The
calling file then reports each at its own import-time call site, saying where
the work is (``[shop/settings.py:17]``) and through which calls.

Each module is read and checked once per process, and its summary is kept on
disk by content (:mod:`flake8_import_cost.filecache`) for the next run: it
holds what each callee does in the module itself and which calls it makes
into further modules of the project; the effects of a call are put together
from those, up to :data:`MAX_SUMMARY_DEPTH` modules deep (modules that call
each other end there like any other chain).
"""

from __future__ import annotations

import ast
import json
import os
from typing import TYPE_CHECKING, Any

from flake8_import_cost.limits import UNPARSABLE
from flake8_import_cost.project import (
    absolute_name, is_entry_point, module_file, module_name, package_chain, package_of,
)  # fmt: skip
from flake8_import_cost.rules.base import Detail, FileContext, Finding, Text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from flake8_import_cost.context import Where
    from flake8_import_cost.settings import Settings

#: The rules whose findings are work a call does, and so are worth summarising.
SUMMARY_CODES = ("IMC201", "IMC202", "IMC301", "IMC401", "IMC402")
#: How many modules deep summaries follow calls (the calling file's callee is 1).
MAX_SUMMARY_DEPTH = 3
#: Files larger than this are not summarised (generated code, vendored bundles).
MAX_SUMMARY_BYTES = 400_000


class Effect:
    """What calling one function or class of a module does: a finding of
    ``code`` (``detail``) on ``line`` of the file ``path`` (absolute), reached through
    ``calls``, qualified (``app.config.Loader.__init__``, then the calls after it)."""

    __slots__ = ("code", "detail", "path", "line", "calls")

    def __init__(self, code: str, detail: Detail, path: str, line: int, calls: tuple[str, ...]) -> None:
        self.code = code
        self.detail = detail
        self.path = path
        self.line = line
        self.calls = calls


class Elsewhere(Detail):
    """A finding whose work is in another module of the project: ``inner`` (the
    finding as that module's rule tells it) on ``line`` of the file ``path``,
    ``shown`` relative to the source root of the file that reports it; ``more``
    other places of the same rule's work that the same call leads to."""

    __slots__ = ("inner", "path", "line", "shown", "more")

    def __init__(self, inner: Detail, path: str, line: int, shown: str, more: int = 0) -> None:
        self.inner = inner
        self.path = path
        self.line = line
        self.shown = shown
        self.more = more

    def message(self) -> str:
        more = f", and {self.more} more" if self.more else ""
        return f"{self.inner.message()} [{self.shown}:{self.line}{more}]"


class Link:
    """An import-time call, inside the code that calling a callee runs, into
    ``target`` (a top-level name or ``OBJECT.method``) of the project's module at
    ``path``; ``calls`` are the calling module's own calls that lead to it.
    ``Loader().load`` is a method called on a new instance: building it, then the method."""

    __slots__ = ("path", "target", "calls", "without")

    def __init__(self, path: str, target: str, calls: tuple[str, ...], without: str | None = None) -> None:
        self.path = path
        self.target = target
        self.calls = calls
        #: A callee of the same module whose effects the call does not have: the
        #: construction, for a method called on an object built elsewhere.
        self.without = without


class ModuleSummary:
    """What calling each top-level function and class of one module does in the
    module itself (``effects``), and the calls it makes into other modules of
    the project (``links``), both by callee; and its top-level ``classes``."""

    __slots__ = ("effects", "links", "classes")

    def __init__(self) -> None:
        self.effects: dict[str, list[Effect]] = {}
        self.links: dict[str, list[Link]] = {}
        #: The module's top-level classes, whose methods are summarised when a call asks.
        self.classes: set[str] = set()


#: (path, modification time, size, one method call or "", options) -> the module's summary,
#: per process: each module is read and checked once for its functions, classes and
#: objects, and once more for each ``Class().method`` that a call asks for.
_MODULES: dict[tuple[str, int, int, str, tuple[object, ...]], ModuleSummary] = {}
#: (path, modification time, size, callee, depth, options) -> the callee's effects.
_EFFECTS: dict[tuple[str, int, int, str, int, tuple[object, ...]], list[Effect]] = {}


def cross_module(ctx: FileContext, enabled: Callable[[str], bool]) -> list[Finding]:
    """The findings of work that the file's import-time calls into the project's
    other modules do there, reported at the file's own call sites."""
    if ctx.filename in ("stdin", "-") or _runs_the_program(ctx.filename):
        return []  # a program's entry point calls into the program on purpose: that is its start
    from flake8_import_cost.policy import runs_on

    codes = tuple(code for code in SUMMARY_CODES if enabled(code) and runs_on(code, ctx.kind))
    if not codes:
        return []
    return _findings(ctx, codes, MAX_SUMMARY_DEPTH)


def _runs_the_program(filename: str) -> bool:
    """Whether the file is an entry point that runs the program (``manage.py``,
    ``__main__.py``, a console script's module), not one that a server imports
    to start a worker (``wsgi.py``, ``asgi.py``), whose calls are start-up."""
    from flake8_import_cost.knowledge.clients import SERVED_FILES

    return os.path.basename(filename) not in SERVED_FILES and is_entry_point(filename)


def _findings(ctx: FileContext, codes: tuple[str, ...], depth: int) -> list[Finding]:
    """The cross-module findings of ``ctx``'s import-time calls: one per call site and
    rule, for the work nearest the call, counting the other places it leads to."""
    root = package_chain(ctx.filename)[0]
    by_site: dict[tuple[int, int, str], tuple[Finding, Elsewhere, set[tuple[str, int]]]] = {}
    entry_point = is_entry_point(ctx.filename)
    for call, where, link in _calls_out(ctx, root):
        effects = sorted(_effects(link, ctx.settings, depth), key=lambda e: (len(e.calls), e.path, e.line))
        for effect in effects:
            if effect.code not in codes or (entry_point and effect.detail.at_entry_point):
                continue  # a rule turned off, or work such as django.setup() where it belongs
            detail = Elsewhere(effect.detail, effect.path, effect.line, _shown_path(effect.path, root))
            finding = Finding.at(call, effect.code, detail, where)
            finding.calls += effect.calls
            site = by_site.setdefault((finding.line, finding.col, finding.code), (finding, detail, set()))
            site[2].add((effect.path, effect.line))
    for _, detail, places in by_site.values():
        detail.more = len(places) - 1
    return [finding for finding, _, _ in by_site.values()]


def _calls_out(ctx: FileContext, root: str) -> Iterator[tuple[ast.Call, Where, Link]]:
    """The import-time calls of ``ctx`` into the project's other modules: each call,
    where it runs, and what it runs there (with ``where``'s calls as the link's).
    Calls in a branch that a setting or an environment variable decides are left out."""
    project = _resolver(ctx.filename, root)
    walker = ctx.importtime
    for call, where, name in ctx.import_time_calls:
        if walker.configured(call, where):
            continue  # a setting decides whether it runs, and its value is not in this file
        if name is not None:
            target = project(name)
            link = Link(target[0], target[1], where.calls) if target is not None else None
        else:
            link = _instance_call(ctx, call, where, project)
        if link is not None:
            yield call, where, link


def _resolver(filename: str, root: str) -> Callable[[str], tuple[str, str] | None]:
    """The file and callee in the project that a qualified name of the module at
    ``filename`` (relative or absolute) stands for, when it is the project's."""
    package = package_of(filename, root)

    def project(name: str) -> tuple[str, str] | None:
        absolute = absolute_name(name, package)
        return _target(absolute, root) if absolute is not None else None

    return project


def _instance_call(
    ctx: FileContext, call: ast.Call, where: Where, project: Callable[[str], tuple[str, str] | None]
) -> Link | None:
    """What a call runs in another module of the project when that is a method or a
    constructor the module's own classes do not define: ``REPO.describe()`` where
    ``REPO = Repository(...)`` and ``Repository`` is imported; ``self.execute()`` in a
    method of a class whose base, imported, defines ``execute``; ``Git()`` where
    ``Git`` inherits its ``__init__`` from such a base."""
    names, func, scope = ctx.names, call.func, where.scope
    if isinstance(func, ast.Name):  # a same-module class built: its __init__ may be a foreign base's
        cls = names.local_class(func.id, scope)
        if cls is None or names.method(cls, "__init__") is not None:
            return None
        base = _foreign_base(ctx, cls, project)
        return Link(base[0], base[1], where.calls) if base is not None else None
    if not isinstance(func, ast.Attribute) or func.attr.startswith("__"):
        return None
    receiver = names.resolve(func.value, scope)
    built_here = receiver is func.value
    cls = names.instance_class(func.value, scope)
    if cls is not None:  # an instance of a same-module class: a method it inherits from another module
        if names.method(cls, func.attr) is not None:
            return None  # the walker follows it
        base = _foreign_base(ctx, cls, project)
        if base is None:
            return None
        without = None if isinstance(receiver, ast.Call) and built_here else base[1]
        return Link(base[0], f"{base[1]}().{func.attr}", where.calls, without)
    if isinstance(receiver, ast.Call):  # an instance of an imported class of the project
        name = names.qualified(receiver.func, scope)
        target = project(name) if name is not None else None
        if target is None or "." in target[1]:
            return None
        return Link(target[0], f"{target[1]}().{func.attr}", where.calls, None if built_here else target[1])
    return None


def _foreign_base(
    ctx: FileContext, cls: ast.ClassDef, project: Callable[[str], tuple[str, str] | None]
) -> tuple[str, str] | None:
    """The first base of ``cls`` or of its same-module bases that is a class of another
    module of the project: its file and name."""
    names = ctx.names
    for owner in names.lineage(cls):
        for base in owner.bases:
            if isinstance(base, ast.Name) and names.local_class(base.id, names.tree) is not None:
                continue
            name = names.qualified(base, names.defined_in(owner))
            target = project(name) if name is not None else None
            if target is not None and "." not in target[1]:
                return target
    return None


def _effects(link: Link, settings: Settings, depth: int) -> list[Effect]:
    """The effects of the call ``link`` stands for, ``depth`` modules deep."""
    effects = summary(link.path, link.target, settings, depth)
    if link.without is None:
        return effects
    built = {(e.code, e.path, e.line) for e in summary(link.path, link.without, settings, depth)}
    return [e for e in effects if (e.code, e.path, e.line) not in built]


def _target(name: str, root: str) -> tuple[str, str] | None:
    """The project file and the callee in it (``initialize``, ``Loader``,
    ``LOADER.load``) that the qualified call ``name`` runs, when ``name`` is a module
    of the project's followed by one top-level name, or by a module-level object and
    one of its methods."""
    if "." not in name:
        return None
    if module_file(name.partition(".")[0], root) is None:
        return None  # not the project's: a cheap test before the file look-ups
    parts = name.split(".")
    for split in (len(parts) - 1, len(parts) - 2):
        if split < 1:
            break
        module = ".".join(parts[:split])
        path = module_file(module, root)
        if path is not None:
            return os.path.abspath(path), ".".join(parts[split:])
    return None


def _shown_path(path: str, root: str) -> str:
    relative = os.path.relpath(path, root)
    return (path if relative.startswith(os.pardir) else relative).replace(os.sep, "/")


def summary(path: str, callee: str, settings: Settings, depth: int = MAX_SUMMARY_DEPTH) -> list[Effect]:
    """What calling ``callee``, a top-level function or class of the module at
    ``path``, does: the effects the rules find in the code the call runs,
    following calls into further modules of the project ``depth - 1`` deep.

    A summary depends on nothing but the files and ``depth``, never on the way
    it was reached, so that every file gets the same findings whatever was
    checked before it in the process; modules that call each other end at the
    depth like any other chain."""
    if depth <= 0:
        return []
    try:
        stat = os.stat(path)
    except OSError:
        return []
    key = (path, stat.st_mtime_ns, stat.st_size, callee, depth, _knobs(settings))
    effects = _EFFECTS.get(key)
    if effects is None:
        module = _module_summary(path, stat.st_mtime_ns, stat.st_size, settings)
        cls, _, method = callee.partition("().")
        if method and cls in module.classes:  # ``Loader().load``: that one call, summarised when asked
            module = _module_summary(path, stat.st_mtime_ns, stat.st_size, settings, callee)
        effects = list(module.effects.get(callee, ()))
        for link in module.links.get(callee, ()):
            for further in _effects(link, settings, depth - 1):
                calls = (*link.calls, *further.calls)
                effects.append(Effect(further.code, further.detail, further.path, further.line, calls))
        _EFFECTS[key] = effects
    return effects


def _module_summary(path: str, mtime_ns: int, size: int, settings: Settings, only: str = "") -> ModuleSummary:
    key = (path, mtime_ns, size, only, _knobs(settings))
    found = _MODULES.get(key)
    if found is None:
        found = _MODULES[key] = _summarise(path, size, settings, only)
    return found


def _summarise(path: str, size: int, settings: Settings, only: str = "") -> ModuleSummary:
    """What calling each top-level function and class of the module at ``path`` does there,
    and the calls it makes into the project's other modules: from the disk cache when
    it has the file's content, else worked out and kept there."""
    if size > MAX_SUMMARY_BYTES:
        return ModuleSummary()
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        return ModuleSummary()
    from flake8_import_cost import filecache

    options = _options(settings) + only
    found = _restored(filecache.read("summary", path, data, options))
    if found is None:
        found = _worked_out(path, data, settings, only)
        filecache.write("summary", path, data, _kept(found), options)
    return found


def _knobs(settings: Settings) -> tuple[int, frozenset[str], tuple[str, ...]]:
    """The options that change what the summarised rules find."""
    return settings.max_iterations, settings.orm_managers, settings.heavy_callables


def _options(settings: Settings) -> str:
    """:func:`_knobs`, as the disk cache names them."""
    iterations, managers, callables = _knobs(settings)
    return json.dumps([iterations, sorted(managers), list(callables)])


def _kept(found: ModuleSummary) -> dict[str, Any]:
    return {
        "effects": {callee: [[e.code, e.detail.message(), e.path, e.line, list(e.calls), e.detail.at_entry_point]
                             for e in effects]
                    for callee, effects in found.effects.items()},
        "links": {callee: [[link.path, link.target, list(link.calls), link.without] for link in links]
                  for callee, links in found.links.items()},
        "classes": sorted(found.classes),
    }  # fmt: skip


def _restored(kept: Any) -> ModuleSummary | None:
    """The summary a cache entry holds, or ``None`` when it holds something else."""
    if not isinstance(kept, dict):
        return None
    found = ModuleSummary()
    try:
        for callee, effects in kept["effects"].items():
            found.effects[str(callee)] = [
                Effect(str(code), Text(str(message), entry is True), str(path), int(line), tuple(str(c) for c in calls))
                for code, message, path, line, calls, entry in effects
            ]
        for callee, links in kept["links"].items():
            found.links[str(callee)] = [
                Link(str(path), str(target), tuple(str(c) for c in calls), None if without is None else str(without))
                for path, target, calls, without in links
            ]
        found.classes.update(str(cls) for cls in kept["classes"])
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return found


def _worked_out(path: str, data: bytes, settings: Settings, only: str) -> ModuleSummary:
    found = ModuleSummary()
    try:
        source = data.decode("utf-8")
        tree = ast.parse(source, filename=path)
    except UNPARSABLE:  # UnicodeDecodeError is a ValueError
        return found  # flake8 reports a file that does not parse when it checks it
    lines = source.splitlines(keepends=True)
    found.classes.update(stmt.name for stmt in tree.body if isinstance(stmt, ast.ClassDef))
    callees = _append_calls(tree, len(lines), only)
    if not callees:
        return found
    from flake8_import_cost.rules import FAMILIES

    root = package_chain(path)[0]
    own = module_name(path, root)
    qualify = (lambda calls: tuple(f"{own}.{name}" for name in calls)) if own else tuple
    ctx = FileContext(tree, path, lines, settings, "application", as_callee=True)
    for family in FAMILIES:
        wanted = [r for r in family.rules if r.code in SUMMARY_CODES and (r.wanted is None or r.wanted(ctx))]
        if wanted:
            family.load()
            for declared in wanted:
                for finding in declared.check(ctx) if declared.check is not None else ():
                    callee = callees.get(finding.line)
                    if callee is None or not finding.calls:
                        continue  # the module's own import-time work, reported when the module itself is checked
                    if not _suppressed(lines, finding.origin, finding.code):
                        effect = Effect(finding.code, finding.detail, path, finding.origin, qualify(finding.calls))
                        found.effects.setdefault(callee, []).append(effect)
    for call, where, link in _calls_out(ctx, root):
        callee = callees.get(getattr(where.anchor(call), "lineno", 0))
        if callee is None:
            continue  # the module's own import-time calls
        if not where.calls:  # the appended call itself: ``Git()`` whose __init__ is a base's elsewhere
            if getattr(call, "lineno", 0) <= len(lines):
                continue
            link.calls = (callee.replace("()", ""),)
        link.calls = qualify(link.calls)
        found.links.setdefault(callee, []).append(link)
    return found


def _append_calls(tree: ast.Module, length: int, only: str = "") -> dict[int, str]:
    """Append to ``tree`` a call of every top-level function and class, and of every
    method of a module-level object built from a top-level class (``LOADER.load()``
    for ``LOADER = Loader()``), each on a line of its own past the end of the file;
    or, with ``only`` (``Loader().load``), that one call of a method on a new
    instance. The callee by that line."""
    classes = {stmt.name: stmt for stmt in tree.body if isinstance(stmt, ast.ClassDef)}
    callees: list[tuple[ast.expr, str]] = []
    if only:  # ``Loader().load``: that call alone
        cls, _, attr = only.partition("().")
        instance = ast.Call(func=ast.Name(id=cls, ctx=ast.Load()), args=[], keywords=[])
        callees.append((ast.Attribute(value=instance, attr=attr, ctx=ast.Load()), only))
    for stmt in tree.body if not only else ():
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            callees.append((ast.Name(id=stmt.name, ctx=ast.Load()), stmt.name))
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            built = stmt.value
            if isinstance(built, ast.Call) and isinstance(built.func, ast.Name) and built.func.id in classes:
                name = stmt.targets[0].id
                for method in classes[built.func.id].body:
                    if isinstance(method, ast.FunctionDef) and not method.name.startswith("__"):
                        receiver = ast.Name(id=name, ctx=ast.Load())
                        method_of = ast.Attribute(value=receiver, attr=method.name, ctx=ast.Load())
                        callees.append((method_of, f"{name}.{method.name}"))
    found: dict[int, str] = {}
    for func, callee in callees:
        line = length + 1 + len(found)
        call = ast.Call(func=func, args=[], keywords=[])
        expr = ast.Expr(value=call)
        for node in ast.walk(expr):
            node.lineno, node.col_offset = line, 0  # type: ignore[attr-defined]
            node.end_lineno, node.end_col_offset = line, 0  # type: ignore[attr-defined]
        tree.body.append(expr)
        found[line] = callee
    return found


def _suppressed(lines: list[str], line: int, code: str) -> bool:
    """Whether the line of the work has a ``# noqa`` that covers ``code`` in its own file."""
    from flake8.defaults import NOQA_INLINE_REGEXP  # flake8 is loaded: it is running us

    if not 0 < line <= len(lines):
        return False
    match = NOQA_INLINE_REGEXP.search(lines[line - 1])
    if match is None:
        return False
    codes = match.group("codes")
    return codes is None or any(code.startswith(c) for c in codes.replace(",", " ").split())


__all__ = [
    "MAX_SUMMARY_DEPTH", "SUMMARY_CODES", "Effect", "Elsewhere", "Link", "ModuleSummary", "cross_module", "summary",
]  # fmt: skip
