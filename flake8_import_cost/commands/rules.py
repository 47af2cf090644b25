"""``flake8-import-cost rules``: the rules with their names and default state."""

from __future__ import annotations

import argparse
from typing import Any

from flake8_import_cost.commands import COMMANDS


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "rules", help=COMMANDS["rules"], description="List the rules with their codes, names and default state."
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from flake8_import_cost.rules import OFF_BY_DEFAULT, all_rules

    rules = all_rules()
    for code in sorted(rules):
        rule = rules[code]
        state = "off by default" if code in OFF_BY_DEFAULT else "on"
        print(f"{code}  {rule.name:<30} {state:<15} {rule.doc.splitlines()[0]}")
    return 0
