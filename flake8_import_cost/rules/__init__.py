"""The rules, one module per family, each rule registered in :data:`RULES`.

A family's module is imported the first time a file needs it, and a family
with a text test (``wanted``) runs only on files that can concern it: a
project that never marks a module strict never loads the strict rules, and
one without Django or SQL never loads the database rules. Importing this
package, which flake8 does at every start, stays cheap.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, Iterable

from flake8_import_cost.rules.base import RULES, FileContext, Rule, rule

#: Words without which a file cannot run SQL at import (IMC202's calls and modules).
DATABASE_WORDS = ("cursor", "connect", "ession", "ngine", "introspection")
#: Words without which a file builds no generated class (IMC501).
GENERATOR_WORDS = ("dataclass", "attr", "namedtuple", "NamedTuple", "pydantic")
#: The comment line that makes a module strict (IMC901, IMC902).
MARKER = "# import-cost: strict"
#: Rules that run only when selected explicitly (``extend-select = IMC403``).
OFF_BY_DEFAULT = frozenset({"IMC403"})


class Family:
    """The rules of one module: loaded on first use, run where ``wanted``."""

    __slots__ = ("module", "codes", "wanted", "_rules")

    def __init__(self, module: str, codes: tuple[str, ...], wanted: Callable[[FileContext], bool] | None = None):
        self.module = module
        self.codes = codes
        self.wanted = wanted
        self._rules: list[Rule] | None = None

    def rules(self) -> list[Rule]:
        """The family's rules, importing its module the first time."""
        if self._rules is None:
            importlib.import_module(f"{__name__}.{self.module}")
            self._rules = [RULES[code] for code in self.codes]
        return self._rules


def mentions(source: str, words: Iterable[str]) -> bool:
    """Whether any of ``words`` occurs in ``source``: the cheap text tests before a rule's work."""
    return any(word in source for word in words)


def orm_words(ctx: FileContext) -> tuple[str, ...]:
    """Words without which a file cannot query through the ORM (IMC201): its managers and ``*_or_404``."""
    return (*ctx.settings.orm_managers, "_or_404")


def _mentions_database(ctx: FileContext) -> bool:
    return mentions(ctx.source, (*orm_words(ctx), *DATABASE_WORDS))


def _mentions_generators(ctx: FileContext) -> bool:
    return mentions(ctx.source, GENERATOR_WORDS)


def _may_be_strict(ctx: FileContext) -> bool:
    return bool(ctx.settings.strict_modules) or has_marker(ctx.tree, ctx.lines)


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
    Family("imports", ("IMC101", "IMC102")),
    Family("orm", ("IMC201", "IMC202"), _mentions_database),
    Family("clients", ("IMC301",)),
    Family("work", ("IMC401", "IMC403")),
    Family("io", ("IMC402",)),
    Family("codegen", ("IMC501",), _mentions_generators),
    Family("strict", ("IMC901", "IMC902"), _may_be_strict),
)


def all_rules() -> dict[str, Rule]:
    """Every rule, with every family loaded: for the CLI, the docs and the tests."""
    for family in FAMILIES:
        family.rules()
    return RULES


__all__ = [
    "DATABASE_WORDS", "FAMILIES", "GENERATOR_WORDS", "MARKER", "OFF_BY_DEFAULT", "RULES", "Family", "Rule", "all_rules",
    "has_marker", "mentions", "orm_words", "rule",
]  # fmt: skip
