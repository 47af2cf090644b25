"""File, network and process I/O at import (IMC402)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from flake8_import_cost.context import Flow, Where
from flake8_import_cost.knowledge.io import (
    CONFIG_PARSERS,
    ENTRY_POINT_COLLECTIONS,
    ENTRY_POINT_SELECTORS,
    HTTP_METHODS,
    HTTP_SESSIONS,
    IO_CALLS,
    PATH_CONSTRUCTORS,
    PATH_IO_METHODS,
    PATH_NAMES,
    PATH_ONLY_METHODS,
    PATH_TO_PATH,
)
from flake8_import_cost.limits import MAX_VALUE_DEPTH
from flake8_import_cost.rules.base import Detail, FileContext, Finding, PatternTable, rule, unparsed

_IO_CALLS = PatternTable(IO_CALLS)

#: Effect -> (what the call does, what to do instead).
_MESSAGES = {
    "read": ("reads a file", "read it on first use (functools.cache)"),
    "write": ("writes a file", "write it from the code that needs it, not at import"),
    "list": ("lists a directory", "list it on first use (functools.cache)"),
    "network": ("makes a network request", "make it on first use (functools.cache)"),
    "process": ("starts a process", "run it on first use (functools.cache)"),
    "sleep": ("sleeps", "remove it, or wait where the wait is needed"),
    "input": ("waits for input", "ask for it where it is needed, not at import"),
    "template": ("reads and compiles a template", "load it where it is rendered"),
    "change": ("changes the file system", "do it where it is needed, not at import"),
    "temporary": ("creates a temporary file or directory", "create it where it is needed, not at import"),
    "which": ("searches the PATH directories", "look it up on first use (functools.cache)"),
    "scan": ("reads the metadata of every installed distribution", "read it on first use (functools.cache)"),
    "metadata": ("finds and reads an installed distribution's metadata", "read it on first use (functools.cache)"),
    "entry-point": ("loads an entry point, importing its module", "load it where it is used"),
}


def _open_mode(call: ast.Call, position: int = 1) -> str:
    """``read`` or ``write``, from the mode an ``open()`` call passes."""
    mode: ast.expr | None = call.args[position] if len(call.args) > position else None
    for keyword in call.keywords:
        if keyword.arg == "mode":
            mode = keyword.value
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax+"):
        return "write"
    return "read"


class _IO:
    """What the import-time calls of one module do to files, the network and processes."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.names = ctx.names
        self.values = ctx.values

    def effect(self, call: ast.Call, where: Where, name: str | None) -> str | None:
        """What ``call`` does, or ``None`` when it does no I/O that this rule reports."""
        effect = _IO_CALLS.get(name)
        func = call.func
        if effect == "open":
            return _open_mode(call)
        if effect == "load":
            return None if self._reads_opened_file(call, where) else "read"
        if effect is not None:
            return effect
        if not isinstance(func, ast.Attribute):
            return None
        method = func.attr
        receiver = where.at(func.value)
        if method in PATH_IO_METHODS and not self._is_module(func.value, where):
            return PATH_IO_METHODS[method]
        if method in PATH_ONLY_METHODS and self.is_path(receiver):
            return _open_mode(call, 0) if method == "open" else PATH_ONLY_METHODS[method]
        if method in ("read", "read_file") and self._built_by(receiver, CONFIG_PARSERS):
            return "read"
        if method in HTTP_METHODS and self._built_by(receiver, HTTP_SESSIONS):
            return "network"
        if method == "load" and self._is_entry_point(receiver, call):
            return "entry-point"
        return None

    def _is_entry_point(self, flow: Flow, at: ast.AST) -> bool:
        """Whether ``flow.expr`` is one installed entry point: an item of an entry
        point collection, indexed (``eps["name"]``) or the target of the loop or
        comprehension around ``at`` that iterates one."""
        flow = self.values.follow(flow)
        expr = flow.expr
        if isinstance(expr, ast.Subscript):
            return self._is_entry_points(flow.to(expr.value))
        if not isinstance(expr, ast.Name):
            return False
        iterable = self.ctx.importtime.loop_iterable(expr.id, at)
        return iterable is not None and self._is_entry_points(flow.to(iterable))

    def _is_entry_points(self, flow: Flow, depth: int = MAX_VALUE_DEPTH) -> bool:
        """Whether ``flow.expr`` is a collection of installed entry points."""
        flow = self.values.follow(flow)
        expr = flow.expr
        if depth <= 0 or not isinstance(expr, ast.Call):
            return False
        func = expr.func
        if self.names.qualified(func, flow.scope) in ENTRY_POINT_COLLECTIONS:
            return True
        return (
            isinstance(func, ast.Attribute)
            and func.attr in ENTRY_POINT_SELECTORS
            and self._is_entry_points(flow.to(func.value), depth - 1)
        )

    def is_path(self, flow: Flow, depth: int = MAX_VALUE_DEPTH) -> bool:
        """Whether ``flow.expr`` is a ``pathlib.Path`` (or a resource traversable)."""
        if depth <= 0:
            return False
        flow = self.values.follow(flow)
        expr = flow.expr
        if isinstance(expr, ast.Call):
            if self.names.qualified(expr.func, flow.scope) in PATH_CONSTRUCTORS:
                return True
            func = expr.func
            return (
                isinstance(func, ast.Attribute)
                and func.attr in PATH_TO_PATH
                and self.is_path(flow.to(func.value), depth - 1)
            )
        if isinstance(expr, ast.Attribute):
            if self.names.qualified(expr, flow.scope) in PATH_NAMES:
                return True
            return expr.attr in PATH_TO_PATH and self.is_path(flow.to(expr.value), depth - 1)
        if isinstance(expr, ast.Subscript):
            parents = expr.value
            return (
                isinstance(parents, ast.Attribute)
                and parents.attr == "parents"
                and self.is_path(flow.to(parents.value), depth - 1)
            )
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
            return self.is_path(flow.to(expr.left), depth - 1)
        return False

    def _is_module(self, expr: ast.expr, where: Where) -> bool:
        """Whether ``expr`` names a module bound by ``import`` (``resources.read_text()``
        is a module function, known by its qualified name when it does I/O)."""
        if not isinstance(expr, ast.Name):
            return False
        found = self.names.lookup(expr.id, where.scope)
        return found is not None and all(isinstance(binding.node, ast.Import) for binding in found.bindings)

    def _built_by(self, flow: Flow, constructors: frozenset[str]) -> bool:
        value = self.values.follow(flow)
        expr = value.expr
        return isinstance(expr, ast.Call) and self.names.qualified(expr.func, value.scope) in constructors

    def _reads_opened_file(self, call: ast.Call, where: Where) -> bool:
        """Whether a loader's file argument comes from an I/O call reported on its own."""
        if not call.args:
            return False
        value = self.values.follow(where.at(call.args[0]))
        expr = value.expr
        if not isinstance(expr, ast.Call):
            return False
        return self.effect(expr, value.where, self.names.qualified(expr.func, value.scope)) is not None


def _shown(call: ast.Call, name: str | None) -> str:
    if name is not None:
        return f"{name}()"
    func = call.func
    text = unparsed(func)
    if len(text) > 50 and isinstance(func, ast.Attribute):
        text = f"Path.{func.attr}" if func.attr in PATH_IO_METHODS or func.attr in PATH_ONLY_METHODS else func.attr
    return f"{text}()"


class ImportTimeIO(Detail):
    """IMC402: the call ``shown`` does I/O at import time; ``effect`` says which
    (``read``, ``write``, ``list``, ``network``, ``process``, ``sleep``, ``input``, ``template``,
    ``change``, ``temporary``, ``which``, ``scan``, ``metadata``, ``entry-point``)."""

    __slots__ = ("shown", "effect")

    def __init__(self, shown: str, effect: str) -> None:
        self.shown = shown
        self.effect = effect

    def message(self) -> str:
        does, advice = _MESSAGES[self.effect]
        return f"{self.shown} {does} at import time; {advice}"


@rule("IMC402")
def import_time_io(ctx: FileContext) -> Iterator[Finding]:
    """File, network or process I/O while the module is imported."""
    io = _IO(ctx)
    for call, where, name in ctx.import_time_calls:
        effect = io.effect(call, where, name)
        if effect == "which" and ctx.kind == "test":
            continue  # a test module's skip condition (skipif(shutil.which("git") is None)): needed at collection
        if effect is not None:
            yield Finding.at(call, "IMC402", ImportTimeIO(_shown(call, name), effect), where)
