"""A file from flake8's findings to its fixed text.

:func:`fix_file` reads a file, gets the findings flake8 reports on it (the
command's :class:`~flake8_import_cost.runner.Linter`: the same configuration,
``per-file-ignores`` and ``# noqa``), asks the transforms about each one,
costliest first, writes the plan with libcst, and checks that the new text
compiles. Nothing is written there: the command writes, prints a diff, or
only counts. :func:`fix_rounds` fixes a set of files again while a round
changed some, writing each changed file with the function it is given.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import sys
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from flake8_import_cost.fix import registry
from flake8_import_cost.fix.context import LAZY_IMPORTS, FixContext
from flake8_import_cost.fix.costs import Saving, saving
from flake8_import_cost.fix.plan import Fixed, Refused
from flake8_import_cost.fix.source import Source, SourceError

if TYPE_CHECKING:
    from flake8_import_cost.costs import MeasuredCosts
    from flake8_import_cost.rules.base import Finding
    from flake8_import_cost.runner import Linter


class Change:
    """What became of one finding: fixed (``outcome`` is :class:`Fixed`) or left alone."""

    __slots__ = ("finding", "transform", "outcome", "saving")

    def __init__(self, finding: Finding, transform: str, outcome: Fixed | Refused, saving: Saving) -> None:
        self.finding = finding
        self.transform = transform
        self.outcome = outcome
        self.saving = saving

    @property
    def fixed(self) -> bool:
        return isinstance(self.outcome, Fixed)

    def describe(self) -> str:
        """The line after ``path:line:col: CODE``."""
        if isinstance(self.outcome, Fixed):
            saves = f" ({self.saving.text})" if self.saving.text else ""
            return f"{self.outcome.summary}{saves}"
        return f"left alone: {self.outcome.reason}"


class FileResult:
    """One file: what became of its findings, its new text (``None``: unchanged), or why it was skipped."""

    __slots__ = ("path", "changes", "source", "text", "skipped")

    def __init__(
        self,
        path: str,
        changes: list[Change] | None = None,
        source: Source | None = None,
        text: str | None = None,
        skipped: str | None = None,
    ) -> None:
        self.path = path
        self.changes = changes or []
        self.source = source
        self.text = text
        self.skipped = skipped

    @property
    def changed(self) -> bool:
        return self.text is not None and self.source is not None and self.text != self.source.text


class Options:
    """What the command asks for: the codes to fix, the target version, the environment, the costs."""

    __slots__ = ("codes", "target", "packaging", "costs", "elsewhere")

    def __init__(
        self,
        codes: Collection[str],
        target: tuple[int, int],
        *,
        packaging: bool = False,
        costs: MeasuredCosts | None = None,
        elsewhere: Elsewhere | None = None,
    ) -> None:
        self.codes = codes
        self.target = target
        self.packaging = packaging
        self.costs = costs
        self.elsewhere = elsewhere


#: How many rounds :func:`fix_rounds` makes at most.
MAX_ROUNDS = 5


def fix_rounds(
    paths: list[str], linter: Linter, options: Options, write: Callable[[FileResult], bool] | None
) -> list[FileResult]:
    """Fix the files, ``write`` each one that changed (it says whether it could), and fix them all
    again while a round changed some; a file that could not be written is left out of later rounds.

    Deferring an import in one file can make another file's import of the same
    module a finding: it was loaded anyway (at start-up, or by a module the file
    imports) until the first file stopped importing it. After the last round,
    flake8 reports nothing more that the fix would change. Without ``write``
    (``--diff``, ``--check``: nothing on disk changes) there is one round.

    The result has one entry a file, in the order of ``paths``: its source as it
    was, its last text, what every round fixed and what the last one left alone
    (or why it was skipped)."""
    from flake8_import_cost.project import files_changed

    merged = {path: fix_file(path, linter, options) for path in paths}
    pending = [result for result in merged.values() if result.changed]
    rounds = 1
    unwritten: set[str] = set()
    while write is not None and pending:
        for result in pending:
            if not write(result):
                unwritten.add(result.path)
                continue
            if options.elsewhere is not None:
                options.elsewhere.forget(result.path)
        if rounds == MAX_ROUNDS:
            break
        rounds += 1
        files_changed()
        pending = []
        for path in paths:
            if path in unwritten:
                continue
            before, again = merged[path], fix_file(path, linter, options)
            fixed = [change for change in before.changes if change.fixed]
            source = before.source or again.source
            if again.changed:
                pending.append(again)
                text = again.text
            else:
                text = before.text
            merged[path] = FileResult(path, [*fixed, *again.changes], source, text, again.skipped or before.skipped)
    return list(merged.values())


def fix_file(path: str, linter: Linter, options: Options) -> FileResult:
    """Fix one file in memory."""
    try:
        source = Source.read(path)
    except SourceError as error:
        return FileResult(path, skipped=str(error))
    try:
        parsed = linter.parse(path)
    except (OSError, SyntaxError, ValueError) as error:
        return FileResult(path, source=source, skipped=_parse_error(error, source))
    findings = [f for f in linter.check(parsed, codes=options.codes) if f.code in options.codes]
    if not findings:
        return FileResult(path, source=source)
    ctx = FixContext(path, parsed.tree, parsed.lines, linter.settings, options.target, packaging=options.packaging)
    weighed = [(finding, saving(finding, path, options.costs)) for finding in findings]
    weighed.sort(key=lambda item: (-(item[1].ms or 0.0), item[0].line, item[0].col))
    changes: list[Change] = []
    for finding, saves in weighed:
        try:
            answer = registry.fix(finding, ctx)
        except Exception as error:  # noqa: BLE001 - a bug in one transform leaves that finding alone, not the run
            failed = f"the fix failed ({type(error).__name__}: {error}); please report this bug"
            answer = "?", Refused("internal", failed)
        if answer is None:
            continue
        name, outcome = answer
        if isinstance(outcome, Fixed):
            if ctx.plan.clashes(outcome.edits):
                outcome = Refused("conflict", "another change in this file touches the same code")
            elif outcome.removed:
                refused = doctest_use(parsed.tree, outcome.removed)
                if refused is None and options.elsewhere is not None:
                    refused = options.elsewhere.uses(path, outcome.removed)
                if refused is not None:
                    outcome = refused
            if isinstance(outcome, Fixed):
                ctx.plan.add(outcome.edits)
        changes.append(Change(finding, name, outcome, saves))
    if not ctx.plan.edits:
        return FileResult(path, changes, source)
    text = _write(source, ctx)
    if isinstance(text, Refused):
        for change in changes:
            if change.fixed:
                change.outcome = text
        return FileResult(path, changes, source, skipped=text.reason)
    return FileResult(path, changes, source, text)


def _parse_error(error: Exception, source: Source) -> str:
    text = f"does not parse: {type(error).__name__}: {error}"
    if sys.version_info < LAZY_IMPORTS and re.search(r"^\s*lazy\s+(?:from|import)\b", source.text, re.MULTILINE):
        text += f" (PEP 810 lazy imports need Python 3.15; this is {sys.version_info[0]}.{sys.version_info[1]})"
    return text


def _write(source: Source, ctx: FixContext) -> str | Refused:
    import libcst as cst

    from flake8_import_cost.fix.writer import write

    try:
        module = cst.parse_module(source.text)
    except cst.ParserSyntaxError as error:
        return Refused("libcst", f"libcst cannot parse the file: {' '.join(str(error).split())[:200]}")
    try:
        text = write(module, ctx.plan)
    except Exception as error:  # noqa: BLE001 - a bug in a transform must not lose the user's file
        return Refused("internal", f"the change failed ({type(error).__name__}: {error}); please report this bug")
    problem = check_compiles(text, ctx.path)
    if problem is not None:
        return Refused("internal", f"the change would not compile ({problem}); please report this bug")
    return text


def check_compiles(text: str, path: str = "<fixed>") -> str | None:
    """Why ``text`` does not compile, or ``None``; text with PEP 810 ``lazy`` imports is parsed
    with libcst where the running Python cannot compile it."""
    try:
        compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        if sys.version_info < LAZY_IMPORTS and "lazy" in text:
            import libcst as cst

            try:
                cst.parse_module(text)
            except cst.ParserSyntaxError as again:
                return " ".join(str(again).split())[:200]
            return None
        return f"{type(error).__name__}: {error}"
    except ValueError as error:
        return f"{type(error).__name__}: {error}"
    return None


# -- other modules that need the moved names -------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def module_name(path: str) -> str:
    """The dotted name a file is imported as, from the packages (``__init__.py``) around it."""
    absolute = os.path.abspath(path)
    directory, filename = os.path.split(absolute)
    stem = filename[: -len(".py")] if filename.endswith(".py") else filename
    parts = [] if stem == "__init__" else [stem]
    while os.path.exists(os.path.join(directory, "__init__.py")):
        directory, package = os.path.split(directory)
        parts.insert(0, package)
        if not package:
            break
    return ".".join(parts)


def doctest_use(tree: ast.Module, names: Iterable[str]) -> Refused | None:
    """Why a doctest of the module needs one of ``names`` as a global: doctest runs the examples
    of the module's docstrings in its namespace (``pytest --doctest-modules``, ``doctest.testmod()``)."""
    wanted = set(names)
    parser = None
    for node in [tree, *(node for node in ast.walk(tree) if isinstance(node, _DOCUMENTED))]:
        text = ast.get_docstring(node, clean=False)
        if not text or ">>>" not in text:
            continue
        if parser is None:
            import doctest

            parser = doctest.DocTestParser()
        try:
            examples = parser.get_examples(text)
        except ValueError:  # not a well-formed doctest: doctest itself fails on it
            continue
        for example in examples:
            try:
                read = {name.id for name in ast.walk(ast.parse(example.source)) if isinstance(name, ast.Name)}
            except SyntaxError:
                continue
            for name in sorted(read & wanted):
                where = "the module's docstring" if isinstance(node, ast.Module) else f"the docstring of {node.name}"
                line = node.body[0].lineno + example.lineno
                return Refused("doctest", f"a doctest in {where} (line {line}) uses {name}")
    return None


_DOCUMENTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class Elsewhere:
    """The other files of the run: who imports a module's names, and which tests patch them.

    A name that moves into functions is no longer an attribute of the module:
    ``from reports import openpyxl`` in another file, or a test's
    ``mock.patch("reports.openpyxl.Workbook")``, would break. Files are read
    only when a fix removes a name, and parsed only when their text mentions it.
    """

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = list(dict.fromkeys(os.path.abspath(path) for path in paths))
        self._texts: dict[str, str | None] = {}
        self._words: dict[str, frozenset[str]] = {}
        self._trees: dict[str, list[tuple[str, frozenset[str], int]]] = {}

    def forget(self, path: str) -> None:
        """Read the file at ``path`` again when it is next needed: it has been rewritten."""
        path = os.path.abspath(path)
        for cache in (self._texts, self._words, self._trees):
            cache.pop(path, None)

    def _text(self, path: str) -> str | None:
        if path not in self._texts:
            try:
                with open(path, encoding="utf-8", errors="replace") as file:
                    self._texts[path] = file.read()
            except OSError:
                self._texts[path] = None
        return self._texts[path]

    def _mentions(self, path: str, word: str) -> bool:
        """Whether the file's text has ``word`` as a word (each file's words are read once)."""
        words = self._words.get(path)
        if words is None:
            text = self._text(path)
            words = self._words[path] = frozenset(re.findall(r"[A-Za-z_]\w*", text or ""))
        return word in words

    def _imports(self, path: str, text: str) -> list[tuple[str, frozenset[str], int]]:
        """The ``from … import`` statements of a file: the module (relative ones resolved), names, line."""
        found = self._trees.get(path)
        if found is None:
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError):
                tree = None
            importer = module_name(path)
            found = self._trees[path] = [
                (_resolve(node, importer, path), frozenset(alias.name for alias in node.names), node.lineno)
                for node in (ast.walk(tree) if tree is not None else ())
                if isinstance(node, ast.ImportFrom)
            ]
        return found

    def uses(self, path: str, names: Iterable[str]) -> Refused | None:
        """Why another file needs one of ``names`` as an attribute of the module at ``path``."""
        own = os.path.abspath(path)
        dotted = module_name(own)
        if not dotted:
            return None
        stem = dotted.rpartition(".")[2]
        for local in names:
            patched = f"{dotted}.{local}"
            for other in self.paths:
                if other == own:
                    continue
                if not self._mentions(other, local):
                    continue
                text = self._text(other)
                if text is None:
                    continue
                relative = os.path.relpath(other)
                if relative.startswith(os.pardir):
                    relative = other
                if patched in text:
                    line = text[: text.index(patched)].count("\n") + 1
                    return Refused(
                        "used-elsewhere", f"{relative}:{line} refers to {patched} (a mock.patch target?)"
                    )
                if dotted not in text and stem not in text:
                    continue
                for module, imported, line in self._imports(other, text):
                    if module == dotted and (local in imported or "*" in imported):
                        return Refused("used-elsewhere", f"{relative}:{line} imports {local} from {dotted}")
        return None


def _resolve(node: ast.ImportFrom, importer: str, path: str) -> str:
    if not node.level:
        return node.module or ""
    package = importer.split(".") if os.path.basename(path) == "__init__.py" else importer.split(".")[:-1]
    if node.level > 1:
        package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])
