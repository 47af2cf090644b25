"""``flake8-import-cost fix``: rewrite what flake8 reports (IMC101, IMC102), where it is safe.

Files are found and findings decided exactly as flake8 does (its
configuration, ``exclude``, ``per-file-ignores``, ``# noqa``); each finding is
fixed by a transform of :mod:`flake8_import_cost.fix` or left alone with the
reason. See ``docs/fix.md``.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

from flake8_import_cost.commands import (
    COMMANDS,
    DEFAULT_DB,
    UsageError,
    add_config_option,
    add_db_option,
    existing_paths,
    flake8_argv,
)

if TYPE_CHECKING:
    from collections.abc import Collection

    from flake8_import_cost.costs import MeasuredCosts
    from flake8_import_cost.fix.engine import FileResult
    from flake8_import_cost.runner import Linter

#: The oldest Python the fix writes for when ``--target-version`` is not given (the oldest this tool runs on).
DEFAULT_TARGET = (3, 10)


def target_version(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"3\.(\d{1,2})", text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"expected a Python version such as 3.12, not {text!r}")
    return 3, int(match.group(1))


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "fix",
        help=COMMANDS["fix"],
        description="Rewrite the slow imports (IMC101) and deprecated imports (IMC102) that flake8 reports, where"
        " the change cannot alter what the program does; every finding left alone is reported with the reason.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff and change nothing")
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 when something would change")
    parser.add_argument("--select", metavar="CODES", help="the codes to fix, comma-separated (default: IMC101,IMC102)")
    parser.add_argument(
        "--target-version", metavar="3.X", type=target_version, default=DEFAULT_TARGET,
        help="the oldest Python the code must run on (default: 3.10); 3.14 makes annotations lazy, 3.15 allows"
        " PEP 810 lazy imports",
    )  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help="also say why each finding left alone was")
    add_config_option(parser)
    add_db_option(parser)
    parser.set_defaults(run=run)


def selected_codes(text: str | None, fixable: frozenset[str]) -> frozenset[str]:
    """The fixable codes ``--select`` names (codes or prefixes such as ``IMC1``)."""
    if text is None:
        return fixable
    chosen: set[str] = set()
    for item in (part.strip().upper() for part in text.split(",")):
        if not item:
            continue
        matching = {code for code in fixable if code.startswith(item)}
        if not matching:
            raise UsageError(f"fix: no fix for {item} (the fixable codes are {', '.join(sorted(fixable))})")
        chosen |= matching
    if not chosen:
        raise UsageError("fix: --select names no code")
    return frozenset(chosen)


def run(args: argparse.Namespace) -> int:
    """The command; returns the exit status."""
    try:
        import libcst  # noqa: F401
    except ImportError:
        raise UsageError("fix: needs libcst: pip install 'flake8-import-cost[fix]'") from None
    import importlib.util

    from flake8_import_cost.fix.engine import Elsewhere, Options, fix_rounds
    from flake8_import_cost.fix.registry import fixable_codes
    from flake8_import_cost.runner import Linter

    codes = selected_codes(args.select, fixable_codes())
    paths = existing_paths("fix", args.paths or ["."])
    explicit_db = args.db != DEFAULT_DB  # else flake8's own setting, or the default file when it exists
    if explicit_db and not os.path.exists(args.db):
        print(f"flake8-import-cost: fix: no cost database at {args.db}; using typical costs", file=sys.stderr)
        explicit_db = False
    linter = Linter([*flake8_argv(args), *(["--import-cost-db", args.db] if explicit_db else [])])
    files = discover(paths, linter, verbose=args.verbose)
    options = Options(
        codes,
        args.target_version,
        packaging=importlib.util.find_spec("packaging") is not None,
        costs=open_costs(linter),
        elsewhere=Elsewhere([*files, *project_files(paths)]),
    )
    unwritten: set[str] = set()

    def write_or_say(result: FileResult) -> bool:
        try:
            write(result)
        except OSError as error:  # a read-only directory or file system, a full disk: the file is as it was
            print(f"{result.path}: skipped: cannot write it: {error.strerror or error}", file=sys.stderr)
            unwritten.add(result.path)
            return False
        return True

    results = fix_rounds(files, linter, options, write=None if args.diff or args.check else write_or_say)
    return report(results, args, unwritten)


def write(result: FileResult) -> None:
    """Replace the file with its fixed text (an ``OSError`` leaves it as it was)."""
    from flake8_import_cost.fix.source import write_atomic

    assert result.source is not None and result.text is not None
    write_atomic(result.path, result.source.encode(result.text))


def discover(paths: list[str], linter: Linter, *, verbose: bool) -> list[str]:
    """The files flake8 would check under ``paths``, without symbolic links (never followed)."""
    from flake8.discover_files import expand_paths

    options = linter.options
    exclude = [*options.exclude, *options.extend_exclude]
    found: list[str] = []
    seen: set[str] = set()
    for path in [path for path in paths if _through_link(path)]:
        print(f"{path}: skipped: a symbolic link (fix its target instead)", file=sys.stderr)
        paths = [other for other in paths if other != path]
    if not paths:
        return found
    for path in expand_paths(paths=paths, stdin_display_name="stdin", filename_patterns=options.filename,
                             exclude=exclude):  # fmt: skip
        if path == "-":
            continue
        if os.path.islink(path) or any(os.path.islink(parent) for parent in _parents_below(path, paths)):
            if verbose:
                print(f"{path}: skipped: a symbolic link (fix its target instead)", file=sys.stderr)
            continue
        real = os.path.realpath(path)
        if real not in seen and os.path.isfile(path):
            seen.add(real)
            found.append(path)
    return found


def project_files(paths: list[str]) -> list[str]:
    """The Python files of the project the paths are in (the working directory, when it holds them all),
    fixed or not: its tests may patch or import what a fix would move."""
    from flake8_import_cost.commands import python_files

    here = os.path.abspath(".")
    if not all(os.path.abspath(path).startswith(here) for path in paths):
        return []
    return [str(path) for path in python_files(["."])]


def _through_link(path: str) -> bool:
    """Whether the argument ``path`` is a symbolic link, or goes through one (for a relative path)."""
    normal = os.path.normpath(path)
    if os.path.islink(normal):
        return True
    if os.path.isabs(normal):
        return False
    parts = normal.split(os.sep)
    prefixes = (os.path.join(*parts[:end]) for end in range(1, len(parts)) if parts[end - 1] != os.pardir)
    return any(os.path.islink(prefix) for prefix in prefixes)


def _parents_below(path: str, roots: list[str]) -> list[str]:
    """The directories between ``path`` and the argument it was found under."""
    parents = []
    for root in roots:
        root = os.path.normpath(root)
        current = os.path.dirname(os.path.normpath(path))
        while current and current != root and current.startswith(root):
            parents.append(current)
            current = os.path.dirname(current)
    return parents


def open_costs(linter: Linter) -> MeasuredCosts | None:
    """The measured costs flake8 weights its findings with (one line on stderr when the database
    cannot be read; the fix goes on with the typical costs)."""
    database = linter.settings.database()
    if database is None:
        return None
    from flake8_import_cost.costs import measured_costs

    return measured_costs(database)


def report(results: list[FileResult], args: argparse.Namespace, unwritten: Collection[str] = ()) -> int:
    """Show the changes (written already, but for the ``unwritten`` paths), print what was done and
    left alone; the exit status."""
    changed = [result for result in results if result.changed]
    verbose = args.verbose or args.diff
    err = sys.stderr
    for result in results:
        if result.skipped is not None:
            print(f"{result.path}: skipped: {result.skipped}", file=err)
    if args.diff:
        for result in changed:
            assert result.source is not None and result.text is not None
            sys.stdout.write(unified_diff(os.path.normpath(result.path), result.source.text, result.text))
        sys.stdout.flush()
    changed = [result for result in changed if result.path not in unwritten]
    changes = [(result, change) for result in results for change in result.changes]
    changes.sort(key=lambda item: (not item[1].fixed, -(item[1].saving.ms or 0.0), item[0].path, item[1].finding.line))
    written = {id(result) for result in changed}
    fixed = 0
    refused: Counter[str] = Counter()
    verb = "would fix" if args.check or args.diff else "fixed"
    for result, change in changes:
        finding = change.finding
        if change.fixed:
            if id(result) not in written:
                continue
            fixed += 1
            print(f"{result.path}:{finding.line}:{finding.col + 1}: {finding.code} {change.describe()}", file=err)
        else:
            refused[getattr(change.outcome, "kind", "other")] += 1
            if verbose:
                print(f"{result.path}:{finding.line}:{finding.col + 1}: {finding.code} {change.describe()}", file=err)
    summary = f"{verb} {_plural(fixed, 'finding')} in {_plural(len(changed), 'file')}"
    if refused:
        left = sum(refused.values())
        if verbose:
            ordered = sorted(refused.items(), key=lambda item: (-item[1], item[0]))
            reasons = ", ".join(f"{count} {kind}" for kind, count in ordered)
            summary += f"; left {left} alone ({reasons})"
        else:
            summary += f"; left {left} alone (-v says why)"
    print(summary, file=err)
    return 1 if (args.check and changed) or unwritten else 0


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff of one file, as ``patch -p1`` reads it."""
    lines = []
    for line in difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    ):
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"
