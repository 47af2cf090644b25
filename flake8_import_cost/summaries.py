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
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from flake8_import_cost import filecache
from flake8_import_cost.importtime import ImportTime
from flake8_import_cost.knowledge.loaders import DYNAMIC_LOADERS
from flake8_import_cost.limits import UNPARSABLE
from flake8_import_cost.names import Names
from flake8_import_cost.project import (
    absolute_name, is_entry_point, module_file, module_name, package_chain, package_of, read_text, setting_values,
    start_up,
)  # fmt: skip
from flake8_import_cost.rules.base import Detail, FileContext, Finding, Text
from flake8_import_cost.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from flake8_import_cost.context import Where
    from flake8_import_cost.names import ScopeNode

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
_MODULES: dict[tuple[object, ...], ModuleSummary] = {}
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
            link = _instance_call(ctx, call, where, project) or _named_by_setting(ctx, call, where, root)
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


def _named_by_setting(ctx: FileContext, call: ast.Call, where: Where, root: str) -> Link | None:
    """The project's class or function that a call builds or runs after loading it
    from the dotted path a setting gives: ``import_string(settings.ENGINE)()``,
    ``getattr(import_module(module_path), name)()`` where both come from
    ``settings.ENGINE``, also through the names the code assigns on the way.
    The path is the one the project's settings give the setting
    (:func:`~flake8_import_cost.project.setting_values`)."""
    names, scope = ctx.names, where.scope
    loaded = names.resolve(call.func, scope)
    if not isinstance(loaded, ast.Call):
        return None
    qualified = names.qualified(loaded.func, scope) or ""
    loader = DYNAMIC_LOADERS.get(qualified)
    if qualified == "getattr" and len(loaded.args) == 2:
        module = names.resolve(loaded.args[0], scope)  # getattr(import_module(path), name)
        if isinstance(module, ast.Call) and DYNAMIC_LOADERS.get(names.qualified(module.func, scope) or "") == "module":
            loaded, loader = module, "object"
    if loader != "object":
        return None
    values = setting_values(root)
    paths = {values[name] for name in _settings_read(ctx, loaded, scope) if name in values}
    target = _target(paths.pop(), root) if len(paths) == 1 else None
    if target is None or "." in target[1]:
        return None
    return Link(target[0], target[1], where.calls)


#: How many expressions :func:`_settings_read` follows back from a loader's arguments.
_MAX_TRACED = 40


def _settings_read(ctx: FileContext, call: ast.Call, scope: ScopeNode) -> set[str]:
    """The settings (``settings.NAME``, ``getattr(settings, "NAME")``) that the arguments of
    ``call`` are worked out from, through the assignments of the names they read."""
    names = ctx.names
    found: set[str] = set()
    pending: list[ast.AST] = [*call.args, *(keyword.value for keyword in call.keywords)]
    seen: set[str] = set()
    traced = 0
    while pending and traced < _MAX_TRACED:
        node = pending.pop()
        traced += 1
        for inner in ast.walk(node):
            if isinstance(inner, ast.Attribute) and inner.attr.isupper() and _is_settings(inner.value):
                found.add(inner.attr)
            elif isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "getattr":
                args = inner.args
                if len(args) >= 2 and _is_settings(args[0]) and isinstance(args[1], ast.Constant):
                    found.add(str(args[1].value))
            elif isinstance(inner, ast.Name) and inner.id not in seen:
                seen.add(inner.id)
                lookup = names.lookup(inner.id, scope)
                for binding in lookup.bindings if lookup is not None else ():
                    statement = binding.node  # ``module, _, name = path.rpartition(".")`` too
                    value = binding.value if binding.value is not None else getattr(statement, "value", None)
                    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and value is not None:
                        pending.append(value)
    return found


def _is_settings(node: ast.expr) -> bool:
    """Whether ``node`` reads a settings object by its name: ``settings``, ``conf.settings``, ``app_settings``."""
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return "settings" in name.lower()


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


def _module_summary(
    path: str, mtime_ns: int, size: int, settings: Settings, only: str = "", *, links_only: bool = False
) -> ModuleSummary:
    """The module's summary; with ``links_only``, its links alone are sure to be there."""
    key: tuple[object, ...] = (path, mtime_ns, size, only, _knobs(settings))
    found = _MODULES.get(key)
    if found is None and links_only:
        key = (*key, "links")
        found = _MODULES.get(key)
    if found is None:
        found = _MODULES[key] = _summarise(path, size, settings, only, links_only=links_only)
    return found


def _summarise(path: str, size: int, settings: Settings, only: str = "", *, links_only: bool = False) -> ModuleSummary:
    """What calling each top-level function and class of the module at ``path`` does there,
    and the calls it makes into the project's other modules (with ``links_only``, only
    those: the rules are not run): from the disk cache when it has the file's content,
    else worked out and kept there."""
    if size > MAX_SUMMARY_BYTES:
        return ModuleSummary()
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        return ModuleSummary()
    options = _options(settings) + only
    kind = "summary-links" if links_only else "summary"
    found = _restored(filecache.read(kind, path, data, options))
    if found is None and links_only:  # a full summary has the links too
        found = _restored(filecache.read("summary", path, data, options))
    if found is None:
        found = _worked_out(path, data, settings, only, links_only=links_only)
        filecache.write(kind, path, data, _kept(found), options)
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


def _worked_out(path: str, data: bytes, settings: Settings, only: str, *, links_only: bool = False) -> ModuleSummary:
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
    for family in FAMILIES if not links_only else ():
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
        func = _callee(only)
        if func is not None:
            callees.append((func, only))
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
    return _appended(tree, callees, length + 1)


def _callee(target: str) -> ast.expr | None:
    """What a call of the :class:`Link` target ``target`` calls: ``load``, ``LOADER.load``
    (a method of a module-level object) or ``Loader().load`` (a method of a new instance)."""
    cls, _, method = target.partition("().")
    parts = cls.split(".")
    if not all(part.isidentifier() for part in parts) or (method and not method.isidentifier()):
        return None
    func: ast.expr = ast.Name(id=parts[0], ctx=ast.Load())
    for part in parts[1:]:
        func = ast.Attribute(value=func, attr=part, ctx=ast.Load())
    if method:
        func = ast.Attribute(value=ast.Call(func=func, args=[], keywords=[]), attr=method, ctx=ast.Load())
    return func


def _appended(tree: ast.Module, callees: list[tuple[ast.expr, str]], first_line: int) -> dict[int, str]:
    """Append to ``tree`` a call of each ``func``, one a line from ``first_line``; the callee by line."""
    found: dict[int, str] = {}
    for func, callee in callees:
        line = first_line + len(found)
        expr = ast.Expr(value=ast.Call(func=func, args=[], keywords=[]))
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


# -- what the start-up runs in each module ----------------------------------------------------------


#: Where start-up runs a callee of another module: the file and line of the import-time
#: call, and the qualified functions it goes through on the way (none for a direct call).
StartUpSite = tuple[str, int, tuple[str, ...]]


def used_at_start_up(path: str, local_names: tuple[str, ...]) -> tuple[str, tuple[StartUpSite, ...], int] | None:
    """Whether the start-up, from another file, runs code of the module at ``path`` that
    uses one of ``local_names`` (module-level names, used there only inside functions):
    the callee, the places start-up runs it and the line of the use."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _used_at_start_up(os.path.abspath(path), local_names, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _used_at_start_up(
    path: str, local_names: tuple[str, ...], mtime_ns: int, size: int
) -> tuple[str, tuple[StartUpSite, ...], int] | None:
    callees = _started(path, MAX_SUMMARY_DEPTH)
    if not callees or size > MAX_SUMMARY_BYTES:
        return None
    try:
        with open(path, "rb") as file:
            tree = ast.parse(file.read(), filename=path)
    except UNPARSABLE:
        return None
    appended = _append_targets(tree, tuple(callees))
    wanted = frozenset(local_names)
    first: tuple[int, str] | None = None
    for used, where in ImportTime(tree, Names(tree)).nodes(ast.Name):
        if used.id not in wanted or not isinstance(used.ctx, ast.Load) or where.kind == "annotation":
            continue
        callee = appended.get(getattr(where.anchor(used), "lineno", 0))
        if callee is not None and (first is None or used.lineno < first[0]):
            first = (used.lineno, callee)
    return None if first is None else (first[1], callees[first[1]], first[0])


@lru_cache(maxsize=4096)
def _started(path: str, depth: int) -> dict[str, tuple[StartUpSite, ...]]:
    """The callees of the module at ``path`` (:class:`Link` targets: ``load``, ``Engine``,
    ``Engine().search``) that the start-up's import-time code in other files runs, each
    with the lines that run it, in order: calls in the start-up files that import the
    module (or that read a setting naming one of its classes), and, ``depth - 1``
    modules further, calls of functions of such files that call into the module."""
    root = package_chain(path)[0]
    name = module_name(path, root)
    startup = start_up(root)
    if name is None or path not in startup.files:
        return {}
    importers = startup.importing_files(name)
    named = [setting for setting, value in setting_values(root).items() if value.startswith(name + ".")]
    if named:  # ``import_string(settings.ENGINE)()`` needs no import of the module
        importers.update(file for file in startup.files if _mentions(file, named))
    importers.discard(path)
    found: dict[str, dict[tuple[str, int], StartUpSite]] = {}
    for caller in sorted(importers):
        for target_path, target, line in _own_calls(caller, root):
            if target_path == path:
                found.setdefault(target, {}).setdefault((caller, line), (caller, line, ()))
    for caller in sorted(importers) if depth > 1 else ():  # a function of the importer calls into the module
        through = module_name(caller, root)
        for callee, sites in _started(caller, depth - 1).items():
            for link in _links(caller, callee):
                if link.path != path:
                    continue
                calls = link.calls or (f"{through}.{callee}" if through else callee,)
                for site in sites:
                    found.setdefault(link.target, {}).setdefault(site[:2], (site[0], site[1], (*site[2], *calls)))
    return {target: tuple(sites[key] for key in sorted(sites)) for target, sites in found.items()}


def _mentions(path: str, words: list[str]) -> bool:
    text = read_text(path)
    return any(word in text for word in words)


def _own_calls(path: str, root: str) -> list[tuple[str, str, int]]:
    """The import-time calls of the module at ``path`` into the project's other modules:
    the file and callee each runs there, and the line of the module that makes it."""
    try:
        stat = os.stat(path)
    except OSError:
        return []
    return _kept_calls(path, root, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _kept_calls(path: str, root: str, mtime_ns: int, size: int) -> list[tuple[str, str, int]]:
    """:func:`_own_calls`, kept on disk by content like the summaries."""
    if size > MAX_SUMMARY_BYTES:
        return []
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError:
        return []
    options = json.dumps(sorted(setting_values(root).items()))
    kept = filecache.read("start-up-calls", path, data, options)
    if isinstance(kept, list) and all(isinstance(item, list) and len(item) == 3 for item in kept):
        return [(str(target_path), str(target), int(line)) for target_path, target, line in kept]
    calls: list[tuple[str, str, int]] = []
    try:
        source = data.decode("utf-8")
        tree = ast.parse(source, filename=path)
    except UNPARSABLE:
        return []
    ctx = FileContext(tree, path, source.splitlines(keepends=True), Settings(), "application")
    for call, where, link in _calls_out(ctx, root):
        calls.append((link.path, link.target, getattr(where.anchor(call), "lineno", 0)))
    filecache.write("start-up-calls", path, data, [list(call) for call in calls], options)
    return calls


def _links(path: str, callee: str) -> list[Link]:
    """The calls that ``callee``, a top-level function or class of the module at ``path``
    (or ``Class().method``), makes into the project's other modules: the summary's links,
    without running the rules."""
    try:
        stat = os.stat(path)
    except OSError:
        return []
    only = callee if "()." in callee else ""
    found = _module_summary(path, stat.st_mtime_ns, stat.st_size, Settings(), only, links_only=True)
    return found.links.get(callee, [])


def _append_targets(tree: ast.Module, targets: tuple[str, ...]) -> dict[int, str]:
    """Append to ``tree`` a call of each :class:`Link` target, each on a line of its own past
    the end of the module; the target by that line."""
    last = max((getattr(node, "end_lineno", 0) or 0 for node in tree.body), default=0)
    callees = [(func, target) for target in targets if (func := _callee(target)) is not None]
    return _appended(tree, callees, last + 1)


def start_up_changed() -> None:
    """Forget what start-up runs in each module: the project's files were rewritten."""
    _started.cache_clear()
    _used_at_start_up.cache_clear()


__all__ = [
    "MAX_SUMMARY_DEPTH", "SUMMARY_CODES", "Effect", "Elsewhere", "Link", "ModuleSummary", "cross_module",
    "start_up_changed", "summary", "used_at_start_up",
]  # fmt: skip
