"""``flake8-import-cost report``: the costliest modules, statements and SQL of a measured start-up.

Reads one run of the cost database (default: the latest ``profile`` run for
the running Python's ``major.minor``, else the latest ``measure`` run) and
writes it as text, JSON, HAR, speedscope or a self-contained HTML page. With
``--findings PATHS`` it runs the rules over PATHS as flake8 would (its
configuration, ``--config FILE``) and adds the worklist: the findings ranked
by what fixing them would save at start-up. See ``docs/reports.md``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flake8_import_cost.commands import (
    COMMANDS,
    UsageError,
    add_config_option,
    add_db_option,
    existing_paths,
    flake8_argv,
)

if TYPE_CHECKING:
    from flake8_import_cost.report.worklist import Linted


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def add_parser(subparsers: Any) -> None:
    from flake8_import_cost.report import FORMATS

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "report",
        help=COMMANDS["report"],
        description="Report one run of the cost database: the start-up's total, the costliest modules and "
        "import-time statements, the SQL run at start-up, and what failed to measure.",
    )
    add_db_option(parser)
    parser.add_argument(
        "--run", dest="run_id", metavar="ID", type=int,
        help="the run to report (default: the latest profile run for this Python's major.minor, else the latest"
        " measure run)",
    )  # fmt: skip
    parser.add_argument("--top", metavar="N", type=_positive, default=20, help="rows per table of the text format "
                        "(default: 20)")  # fmt: skip
    parser.add_argument("--format", choices=list(FORMATS), default="text", help="output format (default: text)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument(
        "--findings", metavar="PATHS", nargs="+", action="extend",
        help="run the rules over PATHS (files or directories, as flake8 does) and add the worklist: the findings"
        " ranked by what fixing them would save at start-up",
    )  # fmt: skip
    add_config_option(parser)
    parser.set_defaults(run=run)


def _colour(args: argparse.Namespace) -> bool:
    """Colour only for text on a terminal, and never with ``NO_COLOR`` set (https://no-color.org)."""
    if args.format != "text" or args.output is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def run(args: argparse.Namespace) -> int:
    """The command; returns the exit status."""
    from flake8_import_cost.costdb import CostDBError
    from flake8_import_cost.report import FORMATS, load
    from flake8_import_cost.settings import SettingsError

    lint: Callable[[], list[Linted]] | None = None
    if args.findings:
        paths = existing_paths("report", args.findings)

        def rules_over_paths() -> list[Linted]:
            """The rules over PATHS, as flake8 reports them, once the run is known to be there."""
            from flake8_import_cost.report.worklist import run_rules

            return run_rules(paths, flake8_argv(args), args.db)

        lint = rules_over_paths

    try:
        report = load(args.db, args.run_id, lint=lint)
    except CostDBError as error:
        raise UsageError(f"report: {error}") from None
    except SettingsError as error:
        raise UsageError(f"report: {error}") from None
    module = importlib.import_module(f"flake8_import_cost.report.{FORMATS[args.format]}")
    if args.format == "text":
        colour = _colour(args)
        width = shutil.get_terminal_size((80, 24)).columns if colour else 80
        text: str = module.render(report, top=args.top, width=max(width, 80), colour=colour)
    else:
        text = module.render(report)
    if args.output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `report | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except OSError as error:
        raise UsageError(f"report: cannot write {args.output}: {error.strerror or error}") from None
    return 0
