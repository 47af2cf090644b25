"""One lint runner for flake8 and for every command.

:func:`lint` runs the rules over one parsed file: it applies the file policy
(a build script gets only IMC102), loads each family on first use, skips the
rules whose cheap text test the file fails, and contains every failure: a
crash in the walker or the name table is reported once for the file and stops
its checks; a crash in one rule is reported once and the others still run.
The flake8 plugin calls it for each file flake8 gives it.

:class:`Linter` is what the commands use (``strict``, ``fix``, ``report
--findings``): it reads files and decides what to report exactly as flake8
does, with flake8's own machinery (its configuration files and options,
``select``/``ignore``, ``per-file-ignores`` and ``# noqa``), so a command and
flake8 never disagree about a finding. It imports flake8's application code
only when a command builds one.
"""

from __future__ import annotations

import ast
import gc
import os
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flake8.formatting.base import BaseFormatter  # loaded by flake8 before any plugin

from flake8_import_cost.policy import file_kind, runs_on
from flake8_import_cost.rules import DECLARED_CODES, FAMILIES, RULES
from flake8_import_cost.rules.base import FileContext, Finding, Rule

if TYPE_CHECKING:
    from flake8_import_cost.settings import Settings

#: Reports one contained failure: what failed and the exception.
Warn = Callable[[str, Exception], None]


def lint(
    tree: ast.Module,
    filename: str,
    lines: list[str],
    settings: Settings,
    *,
    enabled: Callable[[str], bool],
    warn: Warn,
) -> list[Finding]:
    """The findings of every enabled rule on one parsed file."""
    with _no_collection():
        ctx = FileContext(tree, filename, lines, settings, file_kind(filename, settings))
        try:
            ctx.importtime  # the walker and the name table, built once for every rule
        except Exception as error:  # noqa: BLE001 - contain any bug in the analysis
            warn("the import-time analysis", error)
            return []
        findings: list[Finding] = []
        for family in FAMILIES:
            wanted = [r for r in family.rules if enabled(r.code) and runs_on(r.code, ctx.kind) and _wants(r, ctx, warn)]
            if not wanted:
                continue
            try:
                family.load()
            except Exception as error:  # noqa: BLE001 - a family that cannot load skips its rules only
                warn("/".join(family.codes), error)
                continue
            for declared in wanted:
                findings.extend(_check(declared, ctx, warn))
        try:
            from flake8_import_cost.summaries import cross_module

            findings.extend(cross_module(ctx, enabled))
        except Exception as error:  # noqa: BLE001 - contain any bug in the summaries
            warn("the summaries of other modules", error)
        for code, extra in RULES.items():  # rules registered from outside the families
            if code not in DECLARED_CODES and enabled(code):
                findings.extend(_check(extra, ctx, warn))
        if findings and ctx.settings.database() is not None:
            findings = _weighted(findings, ctx, warn)
        return findings


@contextmanager
def _no_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while one file is checked.

    The checks allocate many small objects that live as long as the file's
    analysis (the walker's index, name tables, contexts); each full collection
    they trigger walks every object of the process, the file's whole syntax
    tree included, which on a file of 50,000 statements took longer than the
    checks themselves. Nothing they build is cyclic garbage worth collecting
    before they end: reference counting frees the rest, and the collector
    runs again as usual afterwards.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _weighted(findings: list[Finding], ctx: FileContext, warn: Warn) -> list[Finding]:
    """The findings with what a profiled start-up measured on their lines, without
    those measured cheaper than ``import-cost-min-ms`` (unmeasured findings stay)."""
    try:
        costs = ctx.costs
        if costs is None:
            return findings
        for finding in findings:
            finding.measured_ms = costs.statement_ms(ctx.filename, finding.line)
    except Exception as error:  # noqa: BLE001 - the figures are extra: never lose the findings over them
        warn("weighting with the cost database", error)
        return findings
    minimum = ctx.settings.min_ms
    return [f for f in findings if f.measured_ms is None or f.measured_ms >= minimum]


def _wants(declared: Rule, ctx: FileContext, warn: Warn) -> bool:
    if declared.wanted is None:
        return True
    try:
        return declared.wanted(ctx)
    except Exception as error:  # noqa: BLE001 - contain any bug in a text test
        warn(declared.code, error)
        return False


def _check(declared: Rule, ctx: FileContext, warn: Warn) -> list[Finding]:
    if declared.check is None:
        return []
    try:
        return list(declared.check(ctx))
    except Exception as error:  # noqa: BLE001 - contain any bug in a rule
        warn(declared.code, error)
        return []


def stderr_warner(filename: str) -> Warn:
    """A :data:`Warn` that prints one line on stderr per distinct problem in ``filename``."""
    reported: set[str] = set()

    def warn(what: str, error: Exception) -> None:
        problem = f"{type(error).__name__}: {error}"
        if problem not in reported:
            reported.add(problem)
            print(
                f"flake8-import-cost: {what} failed on {filename}: {problem} (skipped; please report this bug)",
                file=sys.stderr,
            )

    return warn


class Linter:
    """Lints files for a command exactly as flake8 would report this plugin's findings.

    ``argv`` are flake8 options (``--config FILE``, ``--isolated``,
    ``--select ...``); the configuration files are found as flake8 finds them.
    A bad ``import-cost-*`` value raises :class:`~flake8_import_cost.settings.SettingsError`.
    """

    def __init__(self, argv: Sequence[str] = ()) -> None:
        import configparser

        from flake8.exceptions import ExecutionError
        from flake8.options.parse_args import parse_args
        from flake8.style_guide import StyleGuideManager

        from flake8_import_cost.plugin import Plugin
        from flake8_import_cost.settings import SettingsError

        Plugin.raise_settings_errors = True
        try:
            _, self.options = parse_args(list(argv))  # also runs Plugin.parse_options: the settings flake8 uses
        except (ExecutionError, configparser.Error) as error:
            raise SettingsError(" ".join(str(error).split())) from None
        finally:
            Plugin.raise_settings_errors = False
        self.settings: Settings = Plugin.settings
        self._enabled = Plugin.enabled
        self._guide = StyleGuideManager(self.options, _Silent(self.options))

    def files(self, paths: Sequence[str]) -> list[str]:
        """The files flake8 would check for ``paths`` (default ``.``): directories are searched
        for its ``filename`` patterns, without what ``exclude`` and ``extend-exclude`` leave out;
        a file named in ``paths`` is always checked, as flake8 does."""
        from flake8.discover_files import expand_paths

        options = self.options
        return sorted(
            expand_paths(
                paths=list(paths), stdin_display_name=options.stdin_display_name,
                filename_patterns=options.filename, exclude=(*options.exclude, *options.extend_exclude),
            ),
            key=lambda name: name.replace(os.sep, "/"),
        )  # fmt: skip

    def parse(self, path: str) -> Parsed:
        """Read and parse ``path`` as flake8 does (encoding cookie, BOM, ...).

        A file that cannot be read or parsed raises :class:`OSError` or
        :class:`SyntaxError` (which flake8 reports as E902 and E999).
        """
        from flake8.processor import FileProcessor

        processor = FileProcessor(path, self.options)
        return Parsed(path, processor.build_ast(), processor.lines, processor.noqa_line_for)

    def check(
        self, parsed: Parsed, *, codes: Collection[str] | None = None, settings: Settings | None = None
    ) -> list[Finding]:
        """The findings flake8 would report on a parsed file (only ``codes``, when given)."""
        enabled = self._enabled if codes is None else codes.__contains__
        path = parsed.path
        findings = lint(
            parsed.tree, path, parsed.lines, settings or self.settings, enabled=enabled, warn=stderr_warner(path)
        )
        return [
            finding
            for finding in sorted(findings, key=lambda f: (f.line, f.col, f.code))
            if self._guide.handle_error(
                finding.code, path, finding.line, finding.col, finding.message, parsed.noqa_line_for(finding.line)
            )
        ]

    def check_file(
        self, path: str, *, codes: Collection[str] | None = None, settings: Settings | None = None
    ) -> list[Finding]:
        """:meth:`parse`, then :meth:`check`."""
        return self.check(self.parse(path), codes=codes, settings=settings)


class Parsed:
    """A file as flake8 reads it: its tree, its lines, and the line each line's ``# noqa`` is read from."""

    __slots__ = ("path", "tree", "lines", "noqa_line_for")

    def __init__(
        self, path: str, tree: ast.Module, lines: list[str], noqa_line_for: Callable[[int], str | None]
    ) -> None:
        self.path = path
        self.tree = tree
        self.lines = lines
        self.noqa_line_for = noqa_line_for


class _Silent(BaseFormatter):  # type: ignore[misc]
    """Prints nothing: the linter keeps the findings flake8 would report and returns them."""

    def handle(self, error: Any) -> None:
        pass
