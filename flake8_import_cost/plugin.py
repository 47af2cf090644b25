"""The flake8 entry point: options, ``Plugin.run`` and error containment.

flake8 wraps exceptions raised by a plugin's ``__init__`` but not those raised
while ``run()`` is iterated: one would end the whole flake8 run with a raw
traceback. So every rule runs inside its own ``try``; a bug in one rule
becomes a single warning on stderr that names the rule and the file, and the
other rules still report.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from typing import Any

from flake8_import_cost import __version__
from flake8_import_cost.rules import FAMILIES, OFF_BY_DEFAULT, RULES, Rule
from flake8_import_cost.rules.base import FileContext
from flake8_import_cost.settings import Settings, SettingsError, from_namespace, register


class Plugin:
    """flake8-import-cost: import-time code that makes programs slow to start."""

    name = "flake8-import-cost"
    version = __version__

    settings = Settings()
    #: Off-by-default codes the user selected by a prefix at least as long as ``IMC4``.
    opted_in: frozenset[str] = frozenset()

    def __init__(self, tree: ast.AST, filename: str = "stdin", lines: list[str] | None = None) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines or []
        self._reported: set[str] = set()

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        register(option_manager)
        option_manager.extend_default_ignore(sorted(OFF_BY_DEFAULT))

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        try:
            cls.settings = from_namespace(options)
        except SettingsError as error:
            print(f"flake8: error: {error}", file=sys.stderr)
            raise SystemExit(2) from None
        # flake8 lets any explicit selection (even plain ``IMC``) override its
        # default ignore list; an off-by-default rule wants a specific opt-in.
        selected = [*(getattr(options, "select", None) or ()), *(getattr(options, "extend_select", None) or ())]
        cls.opted_in = frozenset(
            code for code in OFF_BY_DEFAULT if any(len(s) >= 4 and code.startswith(s) for s in selected)
        )

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        if not isinstance(self.tree, ast.Module):
            return
        context = FileContext(self.tree, self.filename, self.lines, self.settings)
        for family in FAMILIES:
            try:
                if family.wanted is not None and not family.wanted(context):
                    continue
                rules = family.rules()
            except Exception as error:  # noqa: BLE001 - contain any bug in a rule
                self._warn("/".join(family.codes), error)
                continue
            for rule in rules:
                yield from self._check(rule, context)
        for code in RULES.keys() - _FAMILY_CODES:  # rules registered from outside the families
            yield from self._check(RULES[code], context)

    def _check(self, rule: Rule, context: FileContext) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        if rule.code in OFF_BY_DEFAULT and rule.code not in self.opted_in:
            return
        try:
            findings = list(rule.check(context))
        except Exception as error:  # noqa: BLE001 - contain any bug in a rule
            self._warn(rule.code, error)
            return
        for finding in findings:
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)

    def _warn(self, what: str, error: Exception) -> None:
        """One line on stderr per distinct problem in a file."""
        problem = f"{type(error).__name__}: {error}"
        if problem not in self._reported:
            self._reported.add(problem)
            print(
                f"flake8-import-cost: {what} failed on {self.filename}: {problem} (skipped; please report this bug)",
                file=sys.stderr,
            )


_FAMILY_CODES = frozenset(code for family in FAMILIES for code in family.codes)
