"""``flake8-import-cost strict``: adopt strict modules one module at a time.

Runs the strict rules (IMC901, IMC902) on every module under the given
paths as if it were strict, then lists the modules already strict and how
many findings each has, or, with ``--suggest``, the modules that would pass
today; ``--apply`` adds the marker line to those.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from flake8_import_cost.commands import (
    COMMANDS,
    UsageError,
    add_config_option,
    existing_paths,
    flake8_argv,
    python_files,
)
from flake8_import_cost.rules import MARKER

if TYPE_CHECKING:
    from flake8_import_cost.runner import Linter

STRICT_CODES = frozenset({"IMC901", "IMC902"})


class ModuleStatus(NamedTuple):
    """What the strict rules say of one module."""

    path: Path
    #: Held to the strict rules already: a marker line or an import-cost-strict-modules glob.
    strict: bool
    findings: int
    has_code: bool


def check(path: Path, linter: Linter) -> ModuleStatus | None:
    """Run the strict rules on ``path`` as if it were strict, deciding what is
    reported as flake8 does (``# noqa``, ``per-file-ignores``); ``None`` if the
    file cannot be read or parsed."""
    from flake8_import_cost.rules.base import FileContext
    from flake8_import_cost.rules.strict import is_strict

    try:
        parsed = linter.parse(str(path))
    except (OSError, SyntaxError, ValueError) as error:
        print(f"flake8-import-cost: skipped {path}: {type(error).__name__}: {error}", file=sys.stderr)
        return None
    strict = is_strict(FileContext(parsed.tree, parsed.path, parsed.lines, linter.settings))
    findings = linter.check(parsed, codes=STRICT_CODES, settings=linter.settings.replace(strict_modules=("*",)))
    return ModuleStatus(path, strict, len(findings), bool(parsed.tree.body))


def add_marker(path: Path) -> None:
    """Insert the strict marker line at the top, after a shebang or encoding line."""
    data = path.read_bytes()
    lines = data.splitlines(keepends=True)
    newline = b"\r\n" if lines and lines[0].endswith(b"\r\n") else b"\n"
    index = 0
    while index < len(lines) and index < 2 and (
        lines[index].startswith(b"#!") or b"coding" in lines[index] and lines[index].lstrip().startswith(b"#")
    ):
        index += 1
    if index and not lines[index - 1].endswith((b"\n", b"\r")):
        lines[index - 1] += newline
    lines.insert(index, MARKER.encode() + newline)
    path.write_bytes(b"".join(lines))


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "strict",
        help=COMMANDS["strict"],
        description="Without --suggest: list the strict modules and their IMC901/IMC902 findings (exit 1 if any). "
        "With --suggest: list the modules that pass the strict rules but are not marked yet.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--suggest", action="store_true", help="list modules that already pass the strict rules")
    parser.add_argument("--apply", action="store_true", help="with --suggest: add the marker line to them")
    add_config_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """The command; returns the exit status."""
    if args.apply and not args.suggest:
        raise UsageError("strict: --apply needs --suggest")
    from flake8_import_cost.runner import Linter

    paths = existing_paths("strict", args.paths)
    linter = Linter(flake8_argv(args))
    return report(paths, linter, suggest=args.suggest, apply=args.apply)


def report(paths: list[str], linter: Linter, *, suggest: bool, apply: bool) -> int:
    """List the strict modules under ``paths`` (or the ones ready to be); returns the exit status."""
    statuses = [status for path in python_files(paths or ["."]) if (status := check(path, linter)) is not None]
    if not suggest:
        strict = [s for s in statuses if s.strict]
        for status in strict:
            print(f"{status.path}: {_plural(status.findings, 'finding')}")
        clean = sum(1 for s in strict if not s.findings)
        print(f"{_plural(len(strict), 'strict module')}, {clean} clean, out of {_plural(len(statuses), 'module')}",
              file=sys.stderr)
        return 1 if clean < len(strict) else 0
    ready = [s for s in statuses if not s.strict and not s.findings and s.has_code]
    for status in ready:
        print(status.path)
        if apply:
            add_marker(status.path)
    verb = "marked" if apply else "can be marked"
    print(f"{len(ready)} of {_plural(len(statuses), 'module')} {verb} strict", file=sys.stderr)
    return 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"
