"""Network and service clients built at import (IMC301)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from fnmatch import fnmatchcase

from flake8_import_cost.knowledge.clients import CONNECT_WITH_HOST, HEAVY_CLIENTS
from flake8_import_cost.rules.base import FileContext, Finding, PatternTable, rule

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


@rule("IMC301", "import-time-client")
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
        message = f"{name}() builds a client at import time ({reason}); {_ADVICE}"
        yield Finding.at(call, "IMC301", message, where)
