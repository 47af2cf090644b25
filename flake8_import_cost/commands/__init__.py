"""The commands of ``flake8-import-cost``: one module per command.

Each module ``commands/<name>.py`` has ``add_parser(subparsers)``, which adds
its sub-command parser, and ``run(args) -> int``, which does the work and
returns the exit status. :mod:`flake8_import_cost.cli` imports only the module
of the command that runs, so ``flake8-import-cost rules`` never loads the
measuring machinery, libcst or a templating library; heavy imports stay
inside ``run()`` even then.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

#: Command name -> one-line summary, in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    "rules": "list the rules with their codes and default state",
    "strict": "show strict modules, or --suggest the modules that can be marked strict today",
    "measure": "time imports in clean interpreters and store the figures in the database",
    "profile": "measure one real start-up: module and statement costs, import edges, SQL queries",
    "report": "report a measured start-up: text, JSON, HAR, speedscope or an HTML waterfall",
    "check": "CI gate: exit 1 when the measured start-up is over budget or has regressed beyond noise",
    "fix": "rewrite slow and deprecated imports (IMC101, IMC102) where it is safe",
}

#: Directories never searched for Python files (besides hidden ones and virtualenvs).
_SKIPPED_DIRECTORIES = frozenset({"__pycache__", "node_modules", "site-packages", "build", "dist"})

#: The measured-cost database a command uses when ``--db`` is not given.
DEFAULT_DB = ".import-cost.db"


class UsageError(Exception):
    """Bad usage: one line for the user, exit status 2."""


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """``--config FILE``: the flake8 configuration whose ``import-cost-*`` settings apply."""
    parser.add_argument(
        "--config", metavar="FILE", help="flake8 configuration file (default: found the way flake8 finds it)"
    )


def flake8_argv(args: argparse.Namespace) -> list[str]:
    """The flake8 options that make a :class:`~flake8_import_cost.runner.Linter` read the
    configuration the command was given (``--config``), or find it as flake8 does."""
    return ["--config", args.config] if getattr(args, "config", None) else []


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """``--db PATH``: the measured-cost database."""
    parser.add_argument("--db", metavar="PATH", default=DEFAULT_DB, help=f"the cost database (default: {DEFAULT_DB})")


def existing_paths(command: str, paths: list[str]) -> list[str]:
    """``paths``, or a :class:`UsageError` naming the first that does not exist."""
    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"{command}: no such file or directory: {path}")
    return paths


def python_files(paths: Iterable[str]) -> Iterator[Path]:
    """The ``.py`` files under ``paths``, skipping hidden, cache and virtualenv directories."""
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            yield path
            continue
        for directory, subdirectories, files in os.walk(path):
            subdirectories[:] = sorted(d for d in subdirectories if _searched(Path(directory, d)))
            for name in sorted(files):
                if name.endswith(".py"):
                    yield Path(directory, name)


def _searched(directory: Path) -> bool:
    name = directory.name
    return not name.startswith(".") and name not in _SKIPPED_DIRECTORIES and not (directory / "pyvenv.cfg").exists()
