"""Network and service clients built at import (IMC301)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from fnmatch import fnmatchcase

from flake8_import_cost.context import Flow
from flake8_import_cost.knowledge.clients import (
    CONNECT_WITH_HOST,
    ENTRY_POINT_CALLS,
    HEAVY_CALLS,
    HEAVY_CLIENTS,
    START_ADVICE,
    STARTED_BY_START,
)
from flake8_import_cost.limits import MAX_BASE_DEPTH
from flake8_import_cost.rules.base import Detail, FileContext, Finding, PatternTable, rule

_HEAVY = PatternTable(HEAVY_CLIENTS)
_ADVICE = "create it on first use (functools.cache)"


def heavy_reason(name: str, extra: tuple[str, ...]) -> str | None:
    """Why building ``name`` is heavy, or ``None`` when it is not known to be."""
    reason = _HEAVY.get(name)
    if reason is not None:
        return reason
    for pattern in extra:
        if fnmatchcase(name, pattern):
            return "listed in import-cost-heavy-callables"
    return None


def _has_host(call: ast.Call) -> bool:
    """Whether ``call`` passes a host (first argument or ``host=``) that is not empty."""
    given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "host"), None)
    if given is None:
        return False
    return not (isinstance(given, ast.Constant) and given.value in ("", None))


class HeavyClient(Detail):
    """IMC301: the constructor ``name`` builds a client at import time; ``reason`` is what building it does."""

    __slots__ = ("name", "reason")

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    def message(self) -> str:
        return f"{self.name}() builds a client at import time ({self.reason}); {_ADVICE}"


class HeavyCall(Detail):
    """IMC301: the call ``shown`` does heavy work at import time: ``does`` (what
    it does), ``advice`` (what to do instead)."""

    __slots__ = ("shown", "does", "advice")

    def __init__(self, shown: str, does: str, advice: str) -> None:
        self.shown = shown
        self.does = does
        self.advice = advice

    @property
    def at_entry_point(self) -> bool:
        return self.shown in ENTRY_POINT_CALLS

    def message(self) -> str:
        return f"{self.shown}() {self.does} at import time; {self.advice}"


def _started(ctx: FileContext, flow: Flow) -> tuple[str, str] | None:
    """The class of ``flow.expr`` and what its ``start()`` does, when it is a
    thread or a process (``threading.Thread(...)``, a name bound to one, or an
    instance of a same-module subclass that does not define ``start()`` itself)."""
    names = ctx.names
    value = ctx.values.follow(flow)
    expr = value.expr
    if not isinstance(expr, ast.Call):
        return None
    qualified = names.qualified(expr.func, value.scope)
    does = STARTED_BY_START.get(qualified or "")
    if qualified is not None and does is not None:
        return qualified, does
    cls = names.instance_class(expr, value.scope)
    shown = cls.name if cls is not None else ""
    for _ in range(MAX_BASE_DEPTH):
        if cls is None or names.scope(cls).function("start") is not None:
            return None
        parent = None
        for base in cls.bases:
            does = STARTED_BY_START.get(names.qualified(base, names.defined_in(cls)) or "")
            if does is not None:
                return shown, does
            if isinstance(base, ast.Name) and parent is None:
                parent = names.local_class(base.id, names.tree)
        cls = parent if parent is not cls else None
    return None


@rule("IMC301")
def import_time_client(ctx: FileContext) -> Iterator[Finding]:
    """A network or service client built, or heavy library work done, at import time."""
    extra = ctx.settings.heavy_callables
    for call, where, name in ctx.import_time_calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "start" and not call.args:
            started = _started(ctx, where.at(func.value))
            if started is not None:
                cls, does = started
                receiver = func.value.id if isinstance(func.value, ast.Name) else f"{cls}(...)"
                yield Finding.at(call, "IMC301", HeavyCall(f"{receiver}.start", does, START_ADVICE), where)
                continue
        if name is None:
            continue
        heavy = HEAVY_CALLS.get(name)
        if heavy is not None and name in ENTRY_POINT_CALLS:
            from flake8_import_cost.project import is_entry_point

            if is_entry_point(ctx.filename):
                continue  # the program's entry point: where the call belongs
        if heavy is not None:
            yield Finding.at(call, "IMC301", HeavyCall(name, *heavy), where)
            continue
        reason = heavy_reason(name, extra)
        if reason is None:
            continue
        if name in CONNECT_WITH_HOST and not _has_host(call):
            continue
        yield Finding.at(call, "IMC301", HeavyClient(name, reason), where)
