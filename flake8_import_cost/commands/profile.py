"""``flake8-import-cost profile``: measure one real start-up and store what it cost.

The start-up runs in child processes (see :mod:`flake8_import_cost.measure.profile`):
``django.setup()`` then ``resolve(URL)`` for ``--django-settings``, an import for
``--module``, or a Python program run to its end after ``--``. One run is
written to the database at the end, in one transaction; a start-up that fails,
exits or hangs writes nothing and exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from collections import Counter
from typing import Any

from flake8_import_cost.commands import COMMANDS, UsageError, add_db_option

_TOP_STATEMENTS = 5
_TOP_QUERY_LINES = 10
_SQL_WIDTH = 60


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "profile",
        help=COMMANDS["profile"],
        usage="%(prog)s (--django-settings MOD [--url PATH] | --module MOD | -- COMMAND ...) [options]",
        description="Start the project for real in a child process (repeated, medians kept) and store every "
        "module's import cost as this start-up paid it, the inclusive cost of every import-time statement, "
        "every import edge and every SQL query with the line that caused it.",
    )
    what = parser.add_argument_group("what to start (one of)")
    what.add_argument(
        "--django-settings", metavar="MOD", help="the settings module: django.setup(), then resolve(--url)"
    )
    what.add_argument("--url", metavar="PATH", help="with --django-settings: the URL to resolve (default: /)")
    what.add_argument("--module", metavar="MOD", help="import this module")
    what.add_argument(
        "program", nargs="*", metavar="-- COMMAND",
        help="a Python program run to its end, as python's arguments: -- manage.py check, -- -m mycli --help",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3, metavar="N", help="start-ups of each kind (default: 3)")
    parser.add_argument(
        "--root", default=".", metavar="DIR",
        help="the project root: the working directory, first on sys.path, and what stored paths are relative to"
        " (default: .)",
    )  # fmt: skip
    parser.add_argument("--python", default=sys.executable, metavar="EXE", help="the interpreter to start")
    parser.add_argument(
        "--timeout", type=float, default=120.0, metavar="S", help="seconds one start-up may take (default: 120)"
    )
    add_db_option(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="show each run, and the child's output on failure")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """The command; returns the exit status."""
    from flake8_import_cost import costdb
    from flake8_import_cost.measure.profile import ProfileError, profile

    root = _root(args.root)
    target = _target(args, root)
    if args.repeat < 1:
        raise UsageError("profile: --repeat must be at least 1")
    if not args.timeout > 0:
        raise UsageError("profile: --timeout must be a positive number of seconds")
    python = _python(args.python)

    def progress(line: str) -> None:
        print(f"flake8-import-cost: profile: {line}", file=sys.stderr)

    try:
        costdb.check_writable(args.db)  # now, not after the start-ups
        measured = profile(
            target, root=root, repeat=args.repeat, python=python, timeout=args.timeout,
            command=_command_line(args), progress=progress if args.verbose else None,
        )  # fmt: skip
        run_id = costdb.write_run(args.db, measured)
    except ProfileError as error:
        if args.verbose and error.details.strip():
            print(error.details.rstrip(), file=sys.stderr)
        hint = "" if args.verbose or not error.details.strip() else " (-v shows its output)"
        print(f"flake8-import-cost: profile: {error}{hint}", file=sys.stderr)
        return 1
    except costdb.CostDBError as error:
        print(f"flake8-import-cost: profile: {error}", file=sys.stderr)
        return 1
    _summary(measured, target.describe(), run_id, args.db)
    return 0


def _root(directory: str) -> str:
    if not os.path.isdir(directory):
        raise UsageError(f"profile: --root: no such directory: {directory}")
    return os.path.abspath(directory)


def _target(args: argparse.Namespace, root: str) -> Any:
    from flake8_import_cost.measure.profile import Target

    given = [name for name, value in (("--django-settings", args.django_settings), ("--module", args.module),
                                      ("-- COMMAND", args.program)) if value]  # fmt: skip
    if len(given) != 1:
        problem = "give one of" if not given else "give only one of"
        raise UsageError(f"profile: {problem} --django-settings MOD, --module MOD or -- COMMAND")
    if args.url is not None and not args.django_settings:
        raise UsageError("profile: --url needs --django-settings")
    if args.django_settings:
        return Target("django", (_module_name("--django-settings", args.django_settings), args.url or "/"))
    if args.module:
        return Target("module", (_module_name("--module", args.module),))
    program: list[str] = args.program
    if program[0] == "-m":
        if len(program) < 2:
            raise UsageError("profile: -- -m needs a module name")
        return Target("runmodule", (_module_name("-m", program[1]), *program[2:]))
    if program[0].startswith("-"):
        raise UsageError(f"profile: -- COMMAND runs a script or -m MODULE, not python's {program[0]} option")
    script = _script(program[0], root)
    return Target("script", (script, *program[1:]))


def _module_name(option: str, name: str) -> str:
    if not all(part.isidentifier() for part in name.split(".")):
        raise UsageError(f"profile: {option}: not a module name: {name}")
    return name


def _script(path: str, root: str) -> str:
    """The script as the child is given it: as typed when it is there from the root
    (the child's working directory, so ``sys.argv[0]`` is what was typed), else absolute."""
    if os.path.isfile(os.path.join(root, path)):
        return path
    if os.path.isfile(path):
        return os.path.abspath(path)
    if re.fullmatch(r"python[0-9.]*(\.exe)?", os.path.basename(path)):
        raise UsageError("profile: -- COMMAND takes python's arguments (-- manage.py check), without 'python'")
    raise UsageError(f"profile: no such script: {path} (looked in --root {root} and here)")


def _python(python: str) -> str:
    found = shutil.which(python)
    if found is None:
        raise UsageError(f"profile: --python: no such interpreter: {python}")
    return found


def _command_line(args: argparse.Namespace) -> list[str]:
    """The command as it would be typed again."""
    line = ["flake8-import-cost", "profile"]
    for option, value in (("--django-settings", args.django_settings), ("--url", args.url),
                          ("--module", args.module), ("--root", args.root)):  # fmt: skip
        if value is not None:
            line += [option, value]
    line += ["--repeat", str(args.repeat), "--db", args.db]
    if args.program:
        line += ["--", *args.program]
    return line


def _summary(measured: Any, described: str, run_id: int, db: str) -> None:
    """What the run found, in a few lines: the costliest project statements and the queries."""
    from flake8_import_cost.costdb import Spread, stored_path

    root = measured.project_root
    total = Spread(measured.total_samples)
    overhead = f", tracing overhead {measured.overhead:.2f}x" if measured.overhead else ""
    spread = f" ({total.low / 1000:.1f}-{total.high / 1000:.1f})" if len(total.samples) > 1 else ""
    print(f"profiled {described}: {_plural(measured.repeat, 'start-up')}, median {total.median / 1000:.1f} ms"
          f"{spread}{overhead}")  # fmt: skip
    project_modules = sum(1 for m in measured.modules if stored_path(m.path, root)[1])
    project_statements = [s for s in measured.statements if stored_path(s.path, root)[1]]
    print(f"recorded {_plural(len(measured.modules), 'module')} ({project_modules} in the project),"
          f" {_plural(len(measured.statements), 'statement')}, {_plural(len(measured.imports), 'import edge')},"
          f" {_plural(len(measured.queries), 'query', 'queries')}")  # fmt: skip
    top = sorted(project_statements, key=lambda s: -s.inclusive_us.median)[:_TOP_STATEMENTS]
    if top:
        print("costliest statements of the project (inclusive, traced):")
        for statement in top:
            where = f"{stored_path(statement.path, root)[0]}:{statement.line}"
            print(f"  {statement.inclusive_us.median / 1000:9.1f} ms  {where}")
    if measured.queries:
        print("queries at start-up, by the import-time line that ran them:")
        by_line = Counter((q.path, q.line, q.function) for q in measured.queries)
        durations: Counter[tuple[str | None, int | None, str | None]] = Counter()
        first_sql: dict[tuple[str | None, int | None, str | None], str] = {}
        for query in measured.queries:
            key = (query.path, query.line, query.function)
            durations[key] += query.duration_us
            first_sql.setdefault(key, " ".join(query.sql.split()))
        for key, count in by_line.most_common(_TOP_QUERY_LINES):
            path, line, function = key
            where = f"{stored_path(path, root)[0]}:{line}" if path else "(no import-time line)"
            via = f" in {function}()" if function else ""
            sql = first_sql[key]
            sql = sql if len(sql) <= _SQL_WIDTH else sql[: _SQL_WIDTH - 1] + "…"
            print(f"  {where}{via}: {_plural(count, 'query', 'queries')}, {durations[key] / 1000:.2f} ms  {sql}")
        if len(by_line) > _TOP_QUERY_LINES:
            print(f"  … and {len(by_line) - _TOP_QUERY_LINES} more lines")
    print(f"wrote run {run_id} to {db}")


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
