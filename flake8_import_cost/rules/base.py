"""What every rule shares: findings and their details, the per-file context, the registry."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from fnmatch import fnmatchcase
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # the analyses are imported when a file first needs them
    from flake8_import_cost.context import Where
    from flake8_import_cost.costs import MeasuredCosts
    from flake8_import_cost.importtime import ImportTime
    from flake8_import_cost.names import Names
    from flake8_import_cost.policy import FileKind
    from flake8_import_cost.settings import Settings
    from flake8_import_cost.usage import NameUsage
    from flake8_import_cost.values import Folder, Values

A = TypeVar("A")


class Detail:
    """What a finding found, as data; :meth:`message` renders it.

    Each rule has its own subclass (``SlowImport``, ``OrmQuery``...), so that
    the fixer and the reports read the facts instead of parsing messages.
    """

    __slots__ = ()

    @property
    def at_entry_point(self) -> bool:
        """Whether the work's place is a program's entry point (``django.setup()``):
        silent there, also when an entry point reaches it through another module."""
        return False

    def message(self) -> str:
        """The text after the code, without the call chain (see :attr:`Finding.message`)."""
        raise NotImplementedError


class Text(Detail):
    """A finding that carries nothing but its message (and, read back from a cache,
    whether it is work for an entry point)."""

    __slots__ = ("text", "_at_entry_point")

    def __init__(self, text: str, at_entry_point: bool = False) -> None:
        self.text = text
        self._at_entry_point = at_entry_point

    @property
    def at_entry_point(self) -> bool:
        return self._at_entry_point

    def message(self) -> str:
        return self.text


class Finding:
    """One reported problem: where, which code, what was found (``detail``) and
    the same-module calls through which import-time code runs it (``calls``,
    outermost first); ``origin`` is the line of the work itself when the finding
    is reported at the call site that runs it; ``measured_ms`` is the cost a
    start-up profile measured for the reported line, when a cost database has one."""

    __slots__ = ("line", "col", "code", "detail", "calls", "origin", "measured_ms")

    def __init__(
        self, line: int, col: int, code: str, detail: Detail, calls: tuple[str, ...] = (), origin: int | None = None
    ) -> None:
        self.line = line
        self.col = col
        self.code = code
        self.detail = detail
        self.calls = calls
        self.origin = line if origin is None else origin
        self.measured_ms: float | None = None

    def __repr__(self) -> str:
        return f"Finding({self.line}, {self.col}, {self.code!r}, {self.message!r})"

    @classmethod
    def at(cls, node: ast.AST, code: str, detail: Detail, where: Where | None = None) -> Finding:
        """A finding on ``node``, moved to the import-time call site when ``where`` has one."""
        anchor = where.anchor(node) if where is not None else node
        calls = where.calls if where is not None else ()
        line = getattr(anchor, "lineno", 1)
        return cls(line, getattr(anchor, "col_offset", 0), code, detail, calls, getattr(node, "lineno", line))

    @property
    def message(self) -> str:
        """The message after the code, as flake8 prints it."""
        text = self.detail.message() + render_calls(self.calls)
        if self.measured_ms is not None:
            text += f" (measured: {self.measured_ms:.1f} ms at start-up)"
        return text


def render_calls(calls: tuple[str, ...]) -> str:
    """The end of a message that names the function which runs the code, if any."""
    if not calls:
        return ""
    inner = calls[-1]
    if len(calls) == 1:
        return f" (in {inner}(), called at import time)"
    chain = " via ".join(f"{name}()" for name in reversed(calls[:-1]))
    return f" (in {inner}(), called at import time via {chain})"


def unparsed(node: ast.AST) -> str:
    """``ast.unparse(node)``, for a message. ``ast.unparse`` recurses into every
    level of an expression: one nested deeper than the interpreter's recursion
    limit (a chain of thousands of attributes) is shown by its last attribute."""
    try:
        return ast.unparse(node)
    except RecursionError:
        return f"....{node.attr}" if isinstance(node, ast.Attribute) else "(...)"


class FileContext:
    """One file under check: its tree, source lines, settings and shared analyses."""

    def __init__(
        self,
        tree: ast.Module,
        filename: str,
        lines: list[str],
        settings: Settings,
        kind: FileKind = "application",
        *,
        as_callee: bool = False,
    ) -> None:
        """``as_callee``: the module's functions are walked as another module calls them
        (see :class:`~flake8_import_cost.importtime.ImportTime`)."""
        self.tree = tree
        self.as_callee = as_callee
        self.filename = filename
        self.lines = lines
        self.settings = settings
        #: What the file is for the rules (see :mod:`flake8_import_cost.policy`).
        self.kind: FileKind = kind
        self._analyses: dict[object, object] = {}

    def analysis(self, kind: type[A]) -> A:
        """The file's analysis of type ``kind``, built once (``kind(ctx)``) and
        shared by every rule that asks for it."""
        found = self._analyses.get(kind)
        if not isinstance(found, kind):
            found = self._analyses[kind] = kind(self)  # type: ignore[call-arg]
        return found

    @cached_property
    def names(self) -> Names:
        """Imports, aliases and simple bindings of the module."""
        from flake8_import_cost.names import Names

        return Names(self.tree)

    @cached_property
    def importtime(self) -> ImportTime:
        """Every node that runs while the module is imported."""
        from flake8_import_cost.importtime import ImportTime

        return ImportTime(self.tree, self.names, as_callee=self.as_callee)

    @cached_property
    def values(self) -> Values:
        """Where the module's names get their values at import time."""
        from flake8_import_cost.values import Values

        return Values(self.names)

    @cached_property
    def folder(self) -> Folder:
        """Constant integers and iterable lengths of the module."""
        from flake8_import_cost.values import Folder

        return Folder(self.names)

    @cached_property
    def usage(self) -> NameUsage:
        """Where the module uses each of its names."""
        from flake8_import_cost.usage import NameUsage

        return NameUsage(self.tree, self.importtime)

    @cached_property
    def costs(self) -> MeasuredCosts | None:
        """What the measured-cost database says of the project (``None`` without one);
        the database is opened once per process, on the first file that asks."""
        database = self.settings.database()
        if database is None:
            return None
        from flake8_import_cost.costs import measured_costs

        return measured_costs(database)

    @cached_property
    def directories(self) -> frozenset[str]:
        """Names of the directories the file is in: a package's own files may import it."""
        return frozenset(self.filename.replace("\\", "/").split("/")[:-1])

    @cached_property
    def source(self) -> str:
        """The file's text."""
        return "".join(self.lines)

    @cached_property
    def import_time_calls(self) -> list[tuple[ast.Call, Where, str | None]]:
        """Import-time calls with their context and the callee's qualified name,
        resolved once for every rule."""
        qualified = self.names.qualified
        return [(call, where, qualified(call.func, where.scope)) for call, where in self.importtime.nodes(ast.Call)]


class PatternTable:
    """A table keyed by qualified names and ``fnmatch`` patterns (``google.cloud.*.Client``):
    exact names are found by hashing, patterns are tried in order after them."""

    __slots__ = ("_exact", "_patterns")

    def __init__(self, table: Mapping[str, str]) -> None:
        wildcards = frozenset("*?[")
        self._exact = {key: value for key, value in table.items() if not wildcards & set(key)}
        self._patterns = [(key, value) for key, value in table.items() if wildcards & set(key)]

    def get(self, name: str | None) -> str | None:
        """The value for ``name``, or ``None`` when no entry matches it."""
        if name is None:
            return None
        value = self._exact.get(name)
        if value is not None:
            return value
        for pattern, value in self._patterns:
            if fnmatchcase(name, pattern):
                return value
        return None


Check = Callable[[FileContext], Iterable[Finding]]
#: A cheap test on a file (its text, its settings) before a rule's real work.
Prefilter = Callable[[FileContext], bool]


class Rule:
    """A rule: its code, its fixed name, whether it is off by default, the
    cheap test a file must pass for it to run (``wanted``), and, once its
    family's module is loaded, the function that checks a file."""

    __slots__ = ("code", "name", "off_by_default", "wanted", "check", "doc")

    def __init__(self, code: str, name: str, *, off_by_default: bool = False, wanted: Prefilter | None = None) -> None:
        self.code = code
        self.name = name
        self.off_by_default = off_by_default
        self.wanted = wanted
        self.check: Check | None = None
        self.doc = ""


#: Every rule by code: the declared ones (see :mod:`flake8_import_cost.rules`) and any registered from outside.
RULES: dict[str, Rule] = {}


def rule(code: str, name: str | None = None, *, off_by_default: bool = False) -> Callable[[Check], Check]:
    """Bind ``check`` to the declared rule ``code``, or register a new rule
    (with its ``name``) that no family declares."""

    def register(check: Check) -> Check:
        declared = RULES.get(code)
        if declared is None:
            if name is None:
                raise RuntimeError(f"{code} is not declared: give it a name")
            declared = RULES[code] = Rule(code, name, off_by_default=off_by_default)
        elif declared.check is not None:
            raise RuntimeError(f"{code} is registered twice")
        elif name is not None and name != declared.name:
            raise RuntimeError(f"{code} is declared as {declared.name}, not {name}")
        declared.check = check
        declared.doc = (check.__doc__ or "").strip()
        return check

    return register
