"""Network and service clients built at import (IMC301)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from fnmatch import fnmatchcase

from flake8_import_cost.knowledge.clients import CONNECT_WITH_HOST, HEAVY_CLIENTS
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


@rule("IMC301")
def import_time_client(ctx: FileContext) -> Iterator[Finding]:
    """A network or service client built while the module is imported."""
    extra = ctx.settings.heavy_callables
    for call, where, name in ctx.import_time_calls:
        if name is None:
            continue
        reason = heavy_reason(name, extra)
        if reason is None:
            continue
        if name in CONNECT_WITH_HOST and not _has_host(call):
            continue
        yield Finding.at(call, "IMC301", HeavyClient(name, reason), where)
