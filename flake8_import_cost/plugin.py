"""The flake8 entry point: options and ``Plugin.run``.

flake8 wraps exceptions raised by a plugin's ``__init__`` but not those raised
while ``run()`` is iterated: one would end the whole flake8 run with a raw
traceback. The runner (:func:`flake8_import_cost.runner.lint`) contains every
failure: a bug in one rule becomes a single warning on stderr that names the
rule and the file, and the other rules still report.

Importing this module, which flake8 does at every start (also for
``--version`` and ``--help``), loads only the options and the rule
declarations; the walker and the rules load with the first file checked.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from typing import Any

from flake8_import_cost import __version__
from flake8_import_cost.rules import OFF_BY_DEFAULT
from flake8_import_cost.settings import Settings, SettingsError, from_namespace, register


class Plugin:
    """flake8-import-cost: import-time code that makes programs slow to start."""

    name = "flake8-import-cost"
    version = __version__

    settings = Settings()
    #: Off-by-default codes the user selected by a prefix at least as long as ``IMC4``.
    opted_in: frozenset[str] = frozenset()
    #: Set by a command's linter: a bad option value is its error to report, not flake8's.
    raise_settings_errors = False

    def __init__(self, tree: ast.AST, filename: str = "stdin", lines: list[str] | None = None) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines or []

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        register(option_manager)
        option_manager.extend_default_ignore(sorted(OFF_BY_DEFAULT))

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        try:
            cls.settings = from_namespace(options)
        except SettingsError as error:
            if cls.raise_settings_errors:
                raise
            print(f"flake8: error: {error}", file=sys.stderr)
            raise SystemExit(2) from None
        # flake8 lets any explicit selection (even plain ``IMC``) override its
        # default ignore list; an off-by-default rule wants a specific opt-in.
        selected = [*(getattr(options, "select", None) or ()), *(getattr(options, "extend_select", None) or ())]
        cls.opted_in = frozenset(
            code for code in OFF_BY_DEFAULT if any(len(s) >= 4 and code.startswith(s) for s in selected)
        )

    @classmethod
    def enabled(cls, code: str) -> bool:
        """Whether the rule ``code`` runs: every rule but those off by default that were not opted in."""
        return code not in OFF_BY_DEFAULT or code in cls.opted_in

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        if not isinstance(self.tree, ast.Module):
            return
        from flake8_import_cost.runner import lint, stderr_warner  # the analyses load with the first file

        findings = lint(
            self.tree, self.filename, self.lines, self.settings, enabled=self.enabled, warn=stderr_warner(self.filename)
        )
        for finding in findings:
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)
