"""The rules: declared here once, implemented one module per family.

Each rule is declared once, in :data:`FAMILIES`: its code, its fixed name,
whether it is off by default, and the cheap text test a file must pass before
the rule does any real work. A family's module is imported the first time a
file needs one of its rules, and binds each rule to its check with
:func:`~flake8_import_cost.rules.base.rule`. A project that never marks a
module strict never loads the strict rules, and one without Django or SQL
never loads the database rules: importing this package, which flake8 does at
every start, stays cheap.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterable

from flake8_import_cost.rules.base import RULES, FileContext, Rule, rule

#: Words without which a file cannot run SQL at import (IMC202's calls and modules).
DATABASE_WORDS = ("cursor", "connect", "ession", "ngine", "introspection")
#: Words without which a file builds no generated class (IMC501).
GENERATOR_WORDS = ("dataclass", "attr", "namedtuple", "NamedTuple", "pydantic", "BaseModel")
#: How many near misses a text test reads before it lets the rule decide.
_MAX_TEXT_MATCHES = 1_000
#: The comment line that makes a module strict (IMC901, IMC902).
MARKER = "# import-cost: strict"


class Family:
    """The rules one module implements: loaded on first use."""

    __slots__ = ("module", "rules", "_loaded")

    def __init__(self, module: str, *rules: Rule) -> None:
        self.module = module
        self.rules = rules
        self._loaded = False
        for declared in rules:
            RULES[declared.code] = declared

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(declared.code for declared in self.rules)

    def load(self) -> tuple[Rule, ...]:
        """The family's rules, bound to their checks (importing the module the first time)."""
        if not self._loaded:
            importlib.import_module(f"{__name__}.{self.module}")
            self._loaded = True
        return self.rules


def mentions(source: str, words: Iterable[str]) -> bool:
    """Whether any of ``words`` occurs in ``source``: the cheap text tests before a rule's work."""
    return any(word in source for word in words)


def orm_words(ctx: FileContext) -> tuple[str, ...]:
    """Words without which a file cannot query through the ORM (IMC201): its managers and ``*_or_404``."""
    return (*ctx.settings.orm_managers, "_or_404")


def _mentions_orm(ctx: FileContext) -> bool:
    return mentions(ctx.source, orm_words(ctx))


def _mentions_database(ctx: FileContext) -> bool:
    return mentions(ctx.source, DATABASE_WORDS)


def _mentions_generators(ctx: FileContext) -> bool:
    return mentions(ctx.source, GENERATOR_WORDS)


def _has_database(ctx: FileContext) -> bool:
    return ctx.settings.database() is not None


def _may_be_strict(ctx: FileContext) -> bool:
    return bool(ctx.settings.strict_modules) or has_marker(ctx.tree, ctx.lines)


def _mentions_deprecated_module(ctx: FileContext) -> bool:
    """``distutils``, ``pkg_resources`` or the word ``imp`` in the text (a loop over
    ``str.find`` is many times faster here than a regular expression with ``\\b``).

    After :data:`_MAX_TEXT_MATCHES` occurrences of ``imp`` inside longer words the
    answer is yes: the rule itself, which reads only import statements, is then
    cheaper than going on (a string literal of ``"imp" * 3_000_000`` would take
    seconds)."""
    source = ctx.source
    if "distutils" in source or "pkg_resources" in source:
        return True
    start = source.find("imp")
    for _ in range(_MAX_TEXT_MATCHES):
        if start == -1:
            return False
        end = start + 3
        if (start == 0 or not _is_name_char(source[start - 1])) and (
            end == len(source) or not _is_name_char(source[end])
        ):
            return True
        start = source.find("imp", end)
    return start != -1


def _is_name_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def has_marker(tree: ast.Module, lines: list[str]) -> bool:
    """Whether a ``# import-cost: strict`` line stands before the first statement
    (a module docstring may come first; a line inside it does not count)."""
    body = tree.body
    first = body[0] if body else None
    docstring: tuple[int, int] | None = None
    if (
        first is not None
        and isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        docstring = (first.lineno - 1, first.end_lineno or first.lineno)
        first = body[1] if len(body) > 1 else None
    end = first.lineno - 1 if first is not None else len(lines)
    return any(
        " ".join(line.split()).lower() == MARKER
        for index, line in enumerate(lines[:end])
        if docstring is None or not docstring[0] <= index < docstring[1]
    )


FAMILIES: tuple[Family, ...] = (
    Family(
        "imports",
        Rule("IMC101", "slow-import"),
        Rule("IMC102", "deprecated-heavy-import", wanted=_mentions_deprecated_module),
    ),
    Family("orm", Rule("IMC201", "import-time-orm-query", wanted=_mentions_orm)),
    Family("dbaccess", Rule("IMC202", "import-time-db-access", wanted=_mentions_database)),
    Family("measured", Rule("IMC203", "measured-import-time-query", wanted=_has_database)),
    Family("clients", Rule("IMC301", "import-time-client")),
    Family(
        "work",
        Rule("IMC401", "import-time-large-loop"),
        Rule("IMC403", "import-time-regex-compile", off_by_default=True),
    ),
    Family("io", Rule("IMC402", "import-time-io")),
    Family("codegen", Rule("IMC501", "generated-class-heavy-module", wanted=_mentions_generators)),
    Family(
        "strict",
        Rule("IMC901", "strict-module-side-effect", wanted=_may_be_strict),
        Rule("IMC902", "strict-module-global-mutation", wanted=_may_be_strict),
    ),
)
#: The codes the families declare (any other registered rule comes from outside).
DECLARED_CODES = frozenset(declared.code for family in FAMILIES for declared in family.rules)
#: Rules that run only when selected explicitly (``extend-select = IMC403``).
OFF_BY_DEFAULT = frozenset(declared.code for family in FAMILIES for declared in family.rules if declared.off_by_default)


def all_rules() -> dict[str, Rule]:
    """Every rule, with every family loaded: for the CLI, the docs and the tests."""
    for family in FAMILIES:
        family.load()
    return RULES


__all__ = [
    "DATABASE_WORDS", "FAMILIES", "GENERATOR_WORDS", "MARKER", "OFF_BY_DEFAULT", "RULES", "Family", "Rule", "all_rules",
    "has_marker", "mentions", "orm_words", "rule",
]  # fmt: skip
