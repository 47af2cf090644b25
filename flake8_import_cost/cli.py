"""The ``flake8-import-cost`` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from flake8_import_cost import __version__
from flake8_import_cost.settings import SettingsError


def _rules(args: argparse.Namespace) -> int:
    from flake8_import_cost.rules import OFF_BY_DEFAULT, all_rules

    rules = all_rules()
    for code in sorted(rules):
        rule = rules[code]
        state = "off by default" if code in OFF_BY_DEFAULT else "on"
        print(f"{code}  {rule.name:<30} {state:<15} {rule.doc.splitlines()[0]}")
    return 0


def _strict(args: argparse.Namespace) -> int:
    from flake8_import_cost import strict_adoption
    from flake8_import_cost.settings import from_flake8_config

    if args.apply and not args.suggest:
        raise UsageError("strict: --apply needs --suggest")
    missing = [path for path in args.paths if not os.path.exists(path)]
    if missing:
        raise UsageError(f"strict: no such file or directory: {missing[0]}")
    settings = from_flake8_config(args.config)
    return strict_adoption.run(args.paths, settings, suggest=args.suggest, apply=args.apply)


class UsageError(Exception):
    """Bad usage: one line for the user, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """The command-line parser: one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="flake8-import-cost",
        description="Find, measure and fix the module-level code that makes Python programs slow to start.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    rules = commands.add_parser("rules", help="list the rules with their codes and default state")
    rules.set_defaults(run=_rules)
    strict = commands.add_parser(
        "strict",
        help="show strict modules, or --suggest the modules that can be marked strict today",
        description="Without --suggest: list the strict modules and their IMC901/IMC902 findings (exit 1 if any). "
        "With --suggest: list the modules that pass the strict rules but are not marked yet.",
    )
    strict.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    strict.add_argument("--suggest", action="store_true", help="list modules that already pass the strict rules")
    strict.add_argument("--apply", action="store_true", help="with --suggest: add the marker line to them")
    strict.add_argument("--config", metavar="FILE", help="flake8 configuration file (default: found like flake8)")
    strict.set_defaults(run=_strict)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        status: int = args.run(args)
    except (UsageError, SettingsError) as error:
        print(f"flake8-import-cost: error: {error}", file=sys.stderr)
        return 2
    return status
