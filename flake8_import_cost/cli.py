"""The ``flake8-import-cost`` command: parses the command line and runs one command.

Only the module of the command that runs is imported (see
:mod:`flake8_import_cost.commands`); the others appear in ``--help`` by their
one-line summary.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from flake8_import_cost import __version__
from flake8_import_cost.commands import COMMANDS, UsageError
from flake8_import_cost.settings import SettingsError


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser, with the full sub-parser of ``selected`` only."""
    parser = argparse.ArgumentParser(
        prog="flake8-import-cost",
        description="Find, measure and fix the module-level code that makes Python programs slow to start.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in COMMANDS.items():
        if name == selected:
            importlib.import_module(f"flake8_import_cost.commands.{name}").add_parser(subparsers)
        else:
            subparsers.add_parser(name, help=summary, add_help=False)
    return parser


def _selected(argv: Sequence[str]) -> str | None:
    """The command named on the command line: the first argument that is not an option."""
    for argument in argv:
        if not argument.startswith("-"):
            return argument if argument in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_selected(arguments))
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        status: int = args.run(args)
    except (UsageError, SettingsError) as error:
        print(f"flake8-import-cost: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("flake8-import-cost: interrupted", file=sys.stderr)
        return 130
    return status
