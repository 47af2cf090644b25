"""``flake8-import-cost measure``: time imports in clean interpreters and store the figures.

Each target module is imported ``--repeat`` times into an interpreter just as
it is after start-up, under ``-X importtime``; the median and spread of the
self and cumulative time of every module of its import tree go into the
database as one ``measure`` run. See :mod:`flake8_import_cost.measure.sampler`
for how samples are taken and how failures are caught.

``--from-source PATH`` collects the targets from the code under ``PATH``: the
absolute imports that run at import time (the walker of SPEC §2: not those in
functions that are not called at import, nor those under ``TYPE_CHECKING``).
Of those it keeps, once each:

* ``import a.b``: the module ``a.b``;
* ``from a.b import c``: ``a.b``, and ``a.b.c`` when ``c`` turns out to be a
  submodule (one untimed ``from a.b import c, ...`` in the measured
  interpreter tells);

and it leaves out ``__future__``, modules the measured interpreter has
imported by the end of its start-up (they cost the program nothing more), and
the project's own modules when they cannot be imported from ``--root`` (a
package under ``PATH`` whose top directory is not in ``--root``, such as
``src/pkg`` with the root above ``src``).
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import sys
import time
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from flake8_import_cost.commands import COMMANDS, UsageError, add_db_option, existing_paths, python_files

#: Default ``--jobs``: one interpreter per CPU this process may run on, at most this many.
#: While a sample is timed, only its child runs (the server waits, and the command reads the
#: report once the sample has ended), so one job keeps one CPU busy; on two CPUs, two jobs give
#: the medians of one (``benchmarks/measure.py``). More jobs share caches and memory bandwidth.
MAX_DEFAULT_JOBS = 4
#: How many of the costliest targets the summary lists.
SUMMARY_TOP = 10
_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy", "graalpy": "GraalVM"}

if TYPE_CHECKING:  # annotations only
    from flake8_import_cost.costdb import ModuleTiming, Run
    from flake8_import_cost.measure.sampler import Interpreter, Outcome, Pool, Sample, Target


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def default_jobs() -> int:
    """One interpreter per usable CPU, at least one and at most :data:`MAX_DEFAULT_JOBS`."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity outside Linux
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_DEFAULT_JOBS, cpus))


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "measure",
        help=COMMANDS["measure"],
        description="Import each MODULE --repeat times in clean interpreters under -X importtime and store the "
        "median and spread of every module of its import tree as one run in the database.",
    )
    parser.add_argument("modules", nargs="*", metavar="MODULE", help="modules to measure (dotted names)")
    parser.add_argument(
        "--from-source", action="append", default=[], metavar="PATH",
        help="also measure what the code under PATH imports at import time (repeatable)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=_positive_int, default=5, metavar="N", help="timed samples (default: 5)")
    parser.add_argument(
        "--jobs", type=_positive_int, default=None, metavar="N",
        help=f"interpreters measuring in parallel (default: one per CPU, at most {MAX_DEFAULT_JOBS})",
    )  # fmt: skip
    parser.add_argument("--python", default=sys.executable, metavar="EXE", help="the interpreter to measure")
    parser.add_argument(
        "--timeout", type=_positive_float, default=60.0, metavar="S", help="seconds one import may take (default: 60)"
    )
    parser.add_argument(
        "--root", default=".", metavar="DIR",
        help="the project root: first on sys.path, the working directory, the base of stored paths (default: .)",
    )  # fmt: skip
    add_db_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """The command; returns the exit status."""
    from flake8_import_cost import costdb
    from flake8_import_cost.measure.sampler import Pool, SamplerError, Target, is_module_name

    root = os.path.abspath(args.root)
    if not os.path.isdir(root):
        raise UsageError(f"measure: --root is not a directory: {args.root}")
    sources = existing_paths("measure", args.from_source)
    if not args.modules and not sources:
        raise UsageError("measure: name a MODULE to measure, or --from-source PATH")
    python = _interpreter(args.python)
    jobs = args.jobs or default_jobs()
    try:
        costdb.check_writable(args.db)  # now, not after minutes of measuring
    except costdb.CostDBError as error:
        print(f"flake8-import-cost: error: {error}", file=sys.stderr)
        return 2
    run = costdb.Run("measure", project_root=root, command=_command_line(args), repeat=args.repeat)
    started = time.monotonic()
    targets: list[Target] = []
    for name in dict.fromkeys(args.modules):
        if is_module_name(name):
            targets.append(Target(name))
        else:
            run.failures[name] = "not a module name (a dotted name of identifiers is needed)"
    try:
        with Pool(python, root, jobs=jobs, timeout=args.timeout) as pool:
            interpreter = pool.interpreter
            if sources:
                targets = _merge(targets, from_source(pool, sources, root))
            outcomes = _measure(pool, targets, args.repeat)
    except SamplerError as error:
        raise UsageError(f"measure: {error}") from None
    _describe_interpreter(run, interpreter)
    run.details.update(
        {"python": python, "jobs": jobs, "timeout": args.timeout, "from_source": sources,
         "sampling": "fork server" if pool.fork else "fresh interpreter per sample"}
    )  # fmt: skip
    measured: dict[str, list[ModuleTiming]] = {}
    for outcome in outcomes:
        name = outcome.target.name
        if outcome.error is not None:
            run.failures[name] = outcome.error
        elif outcome.preloaded:
            run.failures[name] = "already imported when the interpreter starts: nothing to measure"
        else:
            measured[name] = module_timings(name, outcome.samples)
    for name in sorted(measured):
        run.modules.extend(measured[name])
    try:
        run_id = costdb.write_run(args.db, run)
    except costdb.CostDBError as error:
        print(f"flake8-import-cost: error: {error}", file=sys.stderr)
        return 2
    elapsed = time.monotonic() - started
    print(
        f"measure: {len(measured)} of {len(measured) + len(run.failures)} targets in {elapsed:.1f} s"
        f" ({args.repeat} samples each, {jobs} {'job' if jobs == 1 else 'jobs'})",
        file=sys.stderr,
    )
    _summary(run, measured, run_id, args.db)
    return 0 if measured or not run.failures else 1


def _interpreter(python: str) -> str:
    """``--python``, as a path that exists, or a :class:`UsageError`."""
    found = shutil.which(python) if os.sep not in python and not (os.altsep and os.altsep in python) else python
    if not found or not os.path.isfile(found) or not os.access(found, os.X_OK):
        raise UsageError(f"measure: --python: no such interpreter: {python}")
    return os.path.abspath(found)


def _command_line(args: argparse.Namespace) -> list[str]:
    command = ["flake8-import-cost", "measure", *args.modules]
    for path in args.from_source:
        command += ["--from-source", path]
    command += ["--repeat", str(args.repeat), "--timeout", f"{args.timeout:g}", "--root", args.root]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    if args.python != sys.executable:
        command += ["--python", args.python]
    return command


def _describe_interpreter(run: Run, interpreter: Interpreter) -> None:
    """The run is of the interpreter measured, which ``--python`` may make another one."""
    run.python_version = interpreter.version
    run.implementation = _IMPLEMENTATIONS.get(interpreter.implementation, interpreter.implementation)


def _merge(explicit: list[Target], collected: list[Target]) -> list[Target]:
    names = {target.name for target in explicit}
    return explicit + [target for target in collected if target.name not in names]


# -- progress -------------------------------------------------------------------------------------------


class _Bar(Protocol):
    def update(self, n: int = 1) -> object: ...
    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None: ...


@contextmanager
def progress(total: int, description: str) -> Iterator[_Bar | None]:
    """A progress bar on standard error when it is a terminal and tqdm is installed, else ``None``."""
    if total < 1 or not sys.stderr.isatty():
        yield None
        return
    try:
        from tqdm import tqdm
    except ImportError:
        yield None
        return
    bar = tqdm(total=total, desc=description, unit="module", file=sys.stderr, leave=False, dynamic_ncols=True)
    try:
        yield bar
    finally:
        bar.close()


def _measure(pool: Pool, targets: Sequence[Target], repeat: int) -> list[Outcome]:
    outcomes = []
    with progress(len(targets), "measure") as bar:
        for outcome in pool.run(targets, repeat):
            outcomes.append(outcome)
            if bar is not None:
                bar.set_postfix_str(outcome.target.name, refresh=False)
                bar.update()
    return outcomes


# -- the figures ----------------------------------------------------------------------------------------


def module_timings(target: str, samples: Sequence[Sample]) -> list[ModuleTiming]:
    """The import tree of ``target`` with the median and spread of each module over ``samples``.

    The tree's shape is that of the first sample; a module that only later
    samples imported follows, with the place they gave it.
    """
    from flake8_import_cost.costdb import ModuleTiming, Spread
    from flake8_import_cost.measure.sampler import Node, tree

    first: dict[str, Node] = {}
    self_us: dict[str, list[float]] = {}
    cumulative_us: dict[str, list[float]] = {}
    for sample in samples:
        for node in tree(sample):
            first.setdefault(node.name, node)
            self_us.setdefault(node.name, []).append(node.self_us)
            cumulative_us.setdefault(node.name, []).append(node.cumulative_us)
    return [
        ModuleTiming(target, seq, node.name, node.parent, node.depth, node.path,
                     Spread(self_us[node.name]), Spread(cumulative_us[node.name]))
        for seq, node in enumerate(first.values())
    ]  # fmt: skip


def _summary(run: Run, measured: dict[str, list[ModuleTiming]], run_id: int, db: str) -> None:
    modules = sum(len(timings) for timings in measured.values())
    print(
        f"measured {len(measured)} {'target' if len(measured) == 1 else 'targets'}"
        f" ({modules} modules in their import trees) on {run.implementation} {run.python_version},"
        f" {run.repeat} {'sample' if run.repeat == 1 else 'samples'} each"
    )
    if run.failures:
        print(f"failed ({len(run.failures)}):")
        for target, reason in sorted(run.failures.items()):
            print(f"  {target if target.isprintable() else repr(target)}: {reason}")
    roots = [
        timing for name, timings in measured.items() for timing in timings if timing.name == name
    ]
    roots.sort(key=lambda timing: timing.cumulative_us.median, reverse=True)
    if roots:
        print("costliest targets (median cumulative import time, fastest-slowest sample):")
        for timing in roots[:SUMMARY_TOP]:
            spread = timing.cumulative_us
            low, high = spread.low / 1000, spread.high / 1000
            print(f"  {spread.median / 1000:9.2f} ms  {timing.name}  ({low:.2f}-{high:.2f})")
    print(f"run {run_id} written to {db}")


# -- --from-source ------------------------------------------------------------------------------------------


def imports_at_import_time(path: Path) -> tuple[set[str], dict[str, set[str]]] | None:
    """The absolute imports of one file that run at import time: the modules of
    ``import`` statements, and for each ``from`` module the names imported from it.
    ``None`` when the file cannot be read or parsed."""
    from flake8_import_cost.importtime import ImportTime
    from flake8_import_cost.names import Names

    try:
        with tokenize.open(path) as file:
            tree = ast.parse(file.read(), str(path))
    except (OSError, SyntaxError, ValueError) as error:
        print(f"flake8-import-cost: skipped {path}: {type(error).__name__}: {error}", file=sys.stderr)
        return None
    walker = ImportTime(tree, Names(tree))
    modules = {alias.name for node, _ in walker.nodes(ast.Import) for alias in node.names}
    from_names: dict[str, set[str]] = {}
    for node, _ in walker.nodes(ast.ImportFrom):
        if node.level == 0 and node.module and node.module != "__future__":
            from_names.setdefault(node.module, set()).update(a.name for a in node.names if a.name != "*")
    return modules, from_names


def project_packages(files: Iterable[Path]) -> dict[str, set[str]]:
    """Top-level name -> the directories it can be imported from, for the project's own
    modules: each file's outermost package (directories with ``__init__.py``), or
    the module itself outside a package."""
    homes: dict[str, set[str]] = {}
    for file in files:
        top, directory = file.resolve().with_suffix(""), file.resolve().parent
        while (directory / "__init__.py").is_file() and directory.parent != directory:
            top, directory = directory, directory.parent
        homes.setdefault(top.name, set()).add(str(directory))
    return homes


def from_source(pool: Pool, paths: Sequence[str], root: str) -> list[Target]:
    """The targets the code under ``paths`` imports at import time (see the module docstring)."""
    from flake8_import_cost.measure.sampler import Target

    files = list(python_files(paths))
    modules: set[str] = set()
    from_names: dict[str, set[str]] = {}
    for file in files:
        found = imports_at_import_time(file)
        if found is not None:
            modules |= found[0]
            for module, names in found[1].items():
                from_names.setdefault(module, set()).update(names)
    homes = project_packages(files)
    start_up = pool.interpreter.start_up
    real_root = str(Path(root).resolve())

    def wanted(name: str) -> bool:
        top = name.partition(".")[0]
        return name not in start_up and name != "__future__" and (top not in homes or real_root in homes[top])

    modules |= from_names.keys()
    # Every from-module is probed, even one loaded at start-up: `from importlib import metadata`.
    probes = [Target(module, tuple(sorted(names))) for module, names in sorted(from_names.items())
              if names and wanted(f"{module}.x")]  # fmt: skip
    with progress(len(probes), "from-lists") as bar:
        for outcome in pool.run(probes, 0):
            if outcome.warmup is not None:
                loaded = outcome.warmup.loaded
                module = outcome.target.name
                modules.update(
                    f"{module}.{name}" for name in outcome.target.fromlist if f"{module}.{name}" in loaded
                )
            if bar is not None:
                bar.update()
    return [Target(name) for name in sorted(modules) if wanted(name)]
