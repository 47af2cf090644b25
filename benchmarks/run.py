"""Time flake8-import-cost against flake8-bugbear, and the cost of importing it.

Usage: ``python benchmarks/run.py [PATHS...] [--repeat N] [--profile]``

Every file is read and parsed once, the way flake8 does it (its own
``FileProcessor``), and both plugins are then run on the same trees in this
process, each built with the arguments flake8 would give it: a fresh instance
per file, ``run()`` consumed to the end. Options come from flake8's own parser
with ``--isolated``, so every option is at its default. The import cost is
measured with ``python -X importtime`` in fresh interpreters that have already
imported flake8's checking machinery. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib.metadata
import importlib.util
import io
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import redirect_stderr
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import flake8
from flake8.options.parse_args import parse_args
from flake8.plugins.finder import LoadedPlugin
from flake8.processor import FileProcessor

from flake8_import_cost import __version__
from flake8_import_cost.filecache import CACHE_ENV
from flake8_import_cost.measure.importtime_log import ImportRecord, parse_importtime, run_importtime
from flake8_import_cost.plugin import Plugin
from flake8_import_cost.settings import Settings

OURS = "flake8-import-cost"
BASELINE = "flake8-bugbear"
RATIO_GOAL = 0.10
IMPORT_GOAL_MS = 3.0
#: What a flake8 run has imported before it loads the plugins.
FLAKE8_PRELUDE = (
    "import flake8.main.application, flake8.checker, flake8.style_guide,"
    " flake8.plugins.pyflakes, flake8.plugins.pycodestyle"
)
#: Modules the plugin module must never pull in (benchmarks/README.md).
HEAVY_MODULES = ("libcst", "django", "sqlite3", "_sqlite3", "rich")
#: Folders never entered below a given path: caches, VCS data and installed third-party packages
#: (so the standard library's folder means the standard library, not its site-packages).
SKIPPED_DIRS = frozenset({"__pycache__", ".git", ".hg", ".tox", ".nox", ".eggs", "site-packages", "dist-packages"})

#: A plugin constructor and the keyword arguments flake8 gives it for one file.
Check = tuple[Callable[..., Any], dict[str, Any]]


# -- files ---------------------------------------------------------------------------------------


def default_paths() -> list[Path]:
    """Django's installed source."""
    spec = importlib.util.find_spec("django")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("benchmarks/run.py: Django is not installed; pass PATHS or `pip install django`")
    return [Path(location) for location in spec.submodule_search_locations]


def collect(paths: Iterable[Path]) -> list[Path]:
    """The ``.py`` files under ``paths``, sorted, without the folders of :data:`SKIPPED_DIRS`."""
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            found.add(path)
            continue
        for directory, subdirs, files in os.walk(path):
            subdirs[:] = [d for d in subdirs if d not in SKIPPED_DIRS]
            found.update(Path(directory, name) for name in files if name.endswith(".py"))
    return sorted(found)


@dataclass
class Corpus:
    """The parsed files, with each plugin's per-file constructor arguments."""

    files: list[str]
    checks: dict[str, list[Check]]
    unparsable: list[str]


def parse_all(paths: Sequence[Path], plugins: dict[str, LoadedPlugin], options: argparse.Namespace) -> Corpus:
    """Read and parse every file once; files that cannot be read or parsed are left out."""
    corpus = Corpus([], {name: [] for name in plugins}, [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and the like in old code
        for path in paths:
            try:
                processor = FileProcessor(str(path), options)
                tree = processor.build_ast()
            except (OSError, SyntaxError, ValueError):
                corpus.unparsable.append(str(path))
                continue
            corpus.files.append(str(path))
            for name, loaded in plugins.items():
                arguments = {"tree": tree}
                arguments.update(processor.keyword_arguments_for(loaded.parameters, arguments))
                corpus.checks[name].append((loaded.obj, arguments))
    return corpus


# -- plugins -------------------------------------------------------------------------------------


def load_plugins() -> tuple[dict[str, LoadedPlugin], argparse.Namespace]:
    """Both plugins as flake8 loads them, and flake8's options at their defaults."""
    try:
        import bugbear  # type: ignore[import-untyped]
    except ImportError:
        raise SystemExit("benchmarks/run.py: flake8-bugbear is missing; run `pip install '.[bench]'`") from None
    found, options = parse_args(["--isolated"])
    wanted: dict[str, Any] = {OURS: Plugin, BASELINE: bugbear.BugBearChecker}
    plugins = {
        name: loaded for name, cls in wanted.items() for loaded in found.checkers.tree if loaded.obj is cls
    }
    for name in wanted:
        if name not in plugins:
            raise SystemExit(f"benchmarks/run.py: flake8 did not load {name}; is it installed in this Python?")
    if Plugin.settings != Settings():
        print(f"warning: flake8's defaults gave {Plugin.settings}, not Settings(); using Settings()")
        Plugin.settings = Settings()
    return plugins, options


def run_all(checks: Sequence[Check]) -> int:
    """What flake8 does per file: a fresh instance, ``run()`` consumed. Returns the finding count."""
    count = 0
    for make, arguments in checks:
        for _ in make(**arguments).run():
            count += 1
    return count


@dataclass
class FirstPass:
    """Findings of one untimed pass over the corpus, and what went wrong in it."""

    seconds: float
    codes: Counter[str]
    failures: list[str]


def first_pass(checks: Sequence[Check], files: Sequence[str]) -> FirstPass:
    """Run once, cold, counting findings by code and collecting crashes and rule failures."""
    codes: Counter[str] = Counter()
    failures: list[str] = []
    stderr = io.StringIO()
    start = time.perf_counter()
    with redirect_stderr(stderr):
        for (make, arguments), path in zip(checks, files):
            try:
                codes.update(message.split(maxsplit=1)[0] for _, _, message, _ in make(**arguments).run())
            except Exception as error:  # noqa: BLE001 - report it, keep measuring
                failures.append(f"{path}: {type(error).__name__}: {error}")
    seconds = time.perf_counter() - start
    failures.extend(line for line in stderr.getvalue().splitlines() if line.strip())
    return FirstPass(seconds, codes, failures)


def best_times(passes: Mapping[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best of ``repeat`` timings of each pass, interleaved, with gc disabled while timing."""
    return {name: min(seconds) for name, seconds in pass_times(passes, repeat).items()}


def pass_times(passes: Mapping[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Seconds of ``repeat`` timings of each pass, interleaved, with gc disabled while timing."""
    times: dict[str, list[float]] = {name: [] for name in passes}
    sink = io.StringIO()
    for _ in range(repeat):
        for name, run in passes.items():
            gc.collect()
            gc.disable()
            try:
                with redirect_stderr(sink):
                    start = time.perf_counter()
                    run()
                    times[name].append(time.perf_counter() - start)
            finally:
                gc.enable()
            sink.seek(0)
            sink.truncate()
    return times


def profile(checks: Sequence[Check], top: int = 25) -> None:
    """Profile one pass of ``checks`` and print the ``top`` functions by cumulative time."""
    profiler = cProfile.Profile()
    with redirect_stderr(io.StringIO()):
        profiler.enable()
        run_all(checks)
        profiler.disable()
    print(f"\nprofile of one {OURS} pass, top {top} by cumulative time:")
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("cumulative").print_stats(top)


# -- import cost ---------------------------------------------------------------------------------


@dataclass
class ImportCost:
    """What ``import <module>`` adds to a process that has imported flake8: the median run.

    ``median_ms`` and ``samples_ms`` are wall-clock times (``time.perf_counter`` around
    the statement, without ``-X importtime``, whose bookkeeping adds to every module);
    ``added`` comes from an ``-X importtime`` run.
    """

    module: str
    median_ms: float
    samples_ms: tuple[float, ...]
    #: The modules it imported in the median run, with their self times.
    added: list[ImportRecord]


def added_records(records: Sequence[ImportRecord], package: str) -> list[ImportRecord]:
    """The records of the statement that imported ``package``: the first top-level group that

    belongs to it and every group after it. ``-X importtime`` prints a module after what it
    imported, so a top-level group is a run of deeper records closed by one at depth 0.
    """
    for index, record in enumerate(records):
        if record.depth == 0 and (record.module == package or record.module.startswith(package + ".")):
            start = index
            while start > 0 and records[start - 1].depth > 0:
                start -= 1
            return list(records[start:])
    return []


#: Runs the plugin on one plain file, so the rule families every file needs are loaded too.
FIRST_FILE = (
    "; import ast; from flake8_import_cost.plugin import Plugin"
    "; list(Plugin(ast.parse('import os\\nX = [i for i in range(3)]\\n'), 'x.py', []).run())"
)


def import_cost(module: str, repeat: int, then: str = "") -> ImportCost:
    """Median cost of ``import module`` after flake8's prelude, in ``repeat`` fresh interpreters;
    ``then`` adds statements whose imports count too.

    One untimed run first lets the interpreter write its bytecode caches. The runs start in this
    script's folder, so they find the same packages as this process.
    """
    code = f"{FLAKE8_PRELUDE}; import {module}{then}"
    package = module.partition(".")[0]
    runs: list[list[ImportRecord]] = []
    for run in range(repeat + 1):
        result = run_importtime(code, cwd=str(Path(__file__).resolve().parent), timeout=120)
        if result.returncode != 0:
            tail = "\n".join(result.stderr.splitlines()[-5:])
            raise SystemExit(f"benchmarks/run.py: `import {module}` failed:\n{tail}")
        if run:
            runs.append(added_records(parse_importtime(result.stderr), package))
    totals = [sum(record.self_us for record in records) / 1000 for records in runs]
    median = statistics.median(totals)
    closest = min(range(len(runs)), key=lambda i: abs(totals[i] - median))
    walls = wall_times(f"import {module}{then}", repeat)
    return ImportCost(module, statistics.median(walls), tuple(walls), runs[closest])


def wall_times(statement: str, repeat: int) -> list[float]:
    """Milliseconds that ``statement`` takes after flake8's prelude, in fresh interpreters."""
    code = (
        f"{FLAKE8_PRELUDE}; import time; start = time.perf_counter(); {statement};"
        " print((time.perf_counter() - start) * 1000)"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    times = []
    for _ in range(repeat):
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parent,
            timeout=120,
            check=True,
        )
        times.append(float(result.stdout.split()[-1]))
    return times


# -- report --------------------------------------------------------------------------------------


LABEL = 28


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


def top_codes(codes: Counter[str], limit: int = 6) -> str:
    shown = ", ".join(f"{code} {count}" for code, count in codes.most_common(limit))
    more = len(codes) - limit
    return shown + (f", +{more} more codes" if more > 0 else "")


def report_findings(name: str, result: FirstPass) -> None:
    total = sum(result.codes.values())
    print(f"  {name:<{LABEL}} {total:>6}  ({top_codes(result.codes) or 'none'})")
    for failure in result.failures[:10]:
        print(f"    failure: {failure}")
    if len(result.failures) > 10:
        print(f"    ... and {len(result.failures) - 10} more failures")


def report_times(best: dict[str, float], firsts: dict[str, FirstPass], files: int, repeat: int) -> None:
    ours, baseline = best[OURS], best[BASELINE]
    print(f"\nrun time, best of {repeat} (gc disabled while timing; the cold first pass in brackets):")
    for name, seconds in best.items():
        extra = f"  {seconds / files * 1e6:.0f} µs per file" if name == OURS else ""
        print(f"  {name:<{LABEL}} {seconds * 1000:>9.1f} ms  [{firsts[name].seconds * 1000:.1f}]{extra}")
    ratio = ours / baseline
    label = f"ratio ours/{BASELINE}"
    print(f"  {label:<{LABEL}} {ratio:>9.3f}     (goal <= {RATIO_GOAL:.2f}: {verdict(ratio <= RATIO_GOAL)})")


def report_import(ours: ImportCost, first_file: ImportCost, baseline: ImportCost, repeat: int) -> None:
    print(f"\nimport cost once flake8 is loaded (wall clock, median of {repeat} fresh interpreters):")
    spread = f"{min(ours.samples_ms):.2f}-{max(ours.samples_ms):.2f}"
    print(
        f"  {ours.module:<{LABEL}} {ours.median_ms:>9.2f} ms  (runs {spread};"
        f" target <= {IMPORT_GOAL_MS:g} ms: {verdict(ours.median_ms <= IMPORT_GOAL_MS)})"
    )
    print(
        f"  {'+ the rules a plain file loads':<{LABEL}} {first_file.median_ms:>9.2f} ms  "
        f"({len(first_file.added)} modules: the families every file needs; strict, database and"
        " code-generator rules load only for files that can concern them)"
    )
    print(f"  {baseline.module:<{LABEL}} {baseline.median_ms:>9.2f} ms  ({len(baseline.added)} modules)")
    if baseline.median_ms:
        label = f"ratio ours/{baseline.module}"
        print(f"  {label:<{LABEL}} {ours.median_ms / baseline.median_ms:>9.2f}")
    print(f"  modules that {ours.module} adds to flake8's ({len(ours.added)}; -X importtime self times):")
    for record in sorted(ours.added, key=lambda r: -r.self_us):
        print(f"    {record.module:<{LABEL + 12}} {record.self_us / 1000:>6.2f} ms")
    package = ours.module.partition(".")[0]
    outside = [r.module for r in ours.added if r.module.partition(".")[0] != package]
    print(f"  of which outside {package}: {', '.join(outside) or 'none'}")
    heavy = [r.module for r in ours.added if r.module.partition(".")[0] in HEAVY_MODULES]
    if heavy:
        print(f"  WARNING: heavy modules imported by the plugin: {', '.join(heavy)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders to check (default: Django's source)")
    parser.add_argument("--repeat", type=int, default=5, help="timing runs and import runs (default: 5)")
    parser.add_argument("--profile", action="store_true", help=f"profile one {OURS} pass and print hotspots")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    roots = args.paths or default_paths()
    with tempfile.TemporaryDirectory(prefix="imc-bench-cache-") as cache:
        # The cold pass starts from an empty disk cache, whatever earlier runs left.
        os.environ.setdefault(CACHE_ENV, cache)
        return run(args, roots)


def run(args: argparse.Namespace, roots: Sequence[Path]) -> int:
    plugins, options = load_plugins()
    paths = collect(roots)
    corpus = parse_all(paths, plugins, options)
    if not corpus.files:
        raise SystemExit("benchmarks/run.py: no Python files to check")

    versions = (
        f"Python {platform.python_version()}, flake8 {flake8.__version__}, {OURS} {__version__},"
        f" {BASELINE} {importlib.metadata.version(BASELINE)}"
    )
    print(f"{OURS} benchmark ({versions})")
    print(f"tree: {', '.join(str(root) for root in roots)}")
    print(f"files: {len(corpus.files)} parsed ({len(corpus.unparsable)} skipped: unreadable or do not parse)")

    print("\nfindings (first, cold pass):")
    firsts = {name: first_pass(checks, corpus.files) for name, checks in corpus.checks.items()}
    for name, result in firsts.items():
        report_findings(name, result)
    if not firsts[BASELINE].codes:
        print(f"  WARNING: {BASELINE} found nothing: is it really running?")

    passes = {name: partial(run_all, checks) for name, checks in corpus.checks.items()}
    report_times(best_times(passes, args.repeat), firsts, len(corpus.files), args.repeat)

    plugin_cost = import_cost("flake8_import_cost.plugin", args.repeat)
    first_file = import_cost("flake8_import_cost.plugin", args.repeat, then=FIRST_FILE)
    report_import(plugin_cost, first_file, import_cost("bugbear", args.repeat), args.repeat)

    if args.profile:
        profile(corpus.checks[OURS])
    return 0


if __name__ == "__main__":
    sys.exit(main())
