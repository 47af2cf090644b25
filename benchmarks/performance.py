"""Every performance figure of the project in one run, written to ``docs/performance.md``.

Usage::

    python benchmarks/performance.py [--repeat N] [--output FILE] [--skip PART ...]

Measured one after another in this run, each against its own baseline:

* **lint**: the plugin, flake8-bugbear, flake8-comprehensions and
  flake8-tidy-imports on the same parsed trees of Django's source and of the
  standard library, in this process, as :mod:`run` runs them (a fresh
  instance per file, ``run()`` consumed), and ``ast.parse`` of the same
  sources; best of ``--repeat`` interleaved passes, the spread over them, and
  the peak of Python allocations during one more pass (``tracemalloc``);
* **import**: the plugin module's import cost once flake8 is loaded;
* **measure**: ``flake8-import-cost measure`` against a loop of fresh
  ``python -X importtime`` interpreters (:mod:`measure`);
* **profile**: the overhead of ``flake8-import-cost profile`` on a Django
  start-up (:mod:`profile_overhead`);
* **fix**: ``flake8-import-cost fix`` over a copy of Django's source, in a
  child process (files per second, peak memory).

The generated part of the output file lies between two marker lines; the
text around it (what the figures mean, what stands in the way of a goal) is
kept as it is. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import ast
import gc
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any

import measure as measure_bench  # benchmarks/measure.py, next to this file
import profile_overhead
import run as lint_bench
from flake8.options.parse_args import parse_args
from flake8.plugins.finder import LoadedPlugin

from flake8_import_cost import __version__
from flake8_import_cost.commands.measure import default_jobs
from flake8_import_cost.filecache import CACHE_ENV
from flake8_import_cost.plugin import Plugin
from flake8_import_cost.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- performance.py: the figures below are generated; edit the text outside them -->"
END = "<!-- performance.py: end of the generated figures -->"
PARTS = ("lint", "import", "measure", "profile", "fix")
#: The plugins compared, by distribution name; the first is ours, the second the baseline of the goals.
PLUGINS = ("flake8-import-cost", "flake8-bugbear", "flake8-comprehensions", "flake8-tidy-imports")
PARSE = "ast.parse"
LINT_GOAL = 0.05  # issue: at most 0.05x flake8-bugbear (SPEC.md: 0.10x)
IMPORT_GOAL_MS = 2.0  # issue: at most 2 ms (SPEC.md: 3 ms)


@dataclass
class Timing:
    """Seconds of each pass, and the peak of Python allocations during one pass (bytes)."""

    seconds: list[float] = field(default_factory=list)
    peak: int = 0

    @property
    def best(self) -> float:
        return min(self.seconds)

    def spread(self) -> str:
        return f"{min(self.seconds) * 1000:.0f}–{max(self.seconds) * 1000:.0f}"


# -- lint ----------------------------------------------------------------------------------------


def load_plugins() -> tuple[dict[str, LoadedPlugin], argparse.Namespace]:
    """The four plugins as flake8 loads them, with its options at their defaults."""
    found, options = parse_args(["--isolated"])
    plugins: dict[str, LoadedPlugin] = {}
    for loaded in found.checkers.tree:
        if loaded.plugin.package in PLUGINS:
            plugins.setdefault(loaded.plugin.package, loaded)
    missing = [name for name in PLUGINS if name not in plugins]
    if missing:
        raise SystemExit(f"benchmarks/performance.py: flake8 did not load {', '.join(missing)};"
                         " run `pip install -e '.[bench]'`")  # fmt: skip
    if Plugin.settings != Settings():
        Plugin.settings = Settings()
    return {name: plugins[name] for name in PLUGINS}, options


def stdlib_files() -> list[Path]:
    """The standard library's modules, without its own test suites (``test/``, ``tests/``,
    ``idle_test/``) and without site-packages (which :func:`run.collect` skips)."""
    tests = {"test", "tests", "idle_test"}
    return [
        path for path in lint_bench.collect([Path(sysconfig.get_paths()["stdlib"])])
        if not tests.intersection(path.parts)
    ]  # fmt: skip


def time_passes(passes: dict[str, Callable[[], object]], repeat: int) -> dict[str, Timing]:
    """``repeat`` interleaved timed passes of each (gc off while timing), then one under tracemalloc."""
    timings = {name: Timing(seconds) for name, seconds in lint_bench.pass_times(passes, repeat).items()}
    sink = StringIO()
    for name, one_pass in passes.items():
        gc.collect()
        tracemalloc.start()
        try:
            with redirect_stderr(sink):
                one_pass()
            timings[name].peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return timings


def parse_sources(sources: Sequence[tuple[str, bytes]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path, data in sources:
            ast.parse(data, path)


def lint(label: str, roots: Sequence[Path], repeat: int) -> dict[str, Any]:
    """The lint figures of one tree."""
    plugins, options = load_plugins()
    paths = lint_bench.collect(roots)
    corpus = lint_bench.parse_all(paths, plugins, options)
    sources = [(path, Path(path).read_bytes()) for path in corpus.files]  # decoded as flake8 does: BOM, coding line
    # The first pass of each is cold (the plugin reads the project's other files then): untimed.
    firsts = {name: lint_bench.first_pass(checks, corpus.files) for name, checks in corpus.checks.items()}
    passes: dict[str, Callable[[], object]] = {
        name: partial(lint_bench.run_all, checks) for name, checks in corpus.checks.items()
    }
    passes[PARSE] = partial(parse_sources, sources)
    timings = time_passes(passes, repeat)
    return {
        "label": label,
        "files": len(corpus.files),
        "cold": {name: first.seconds for name, first in firsts.items()},
        "failures": {name: first.failures[:5] for name, first in firsts.items() if first.failures},
        "seconds": {name: timing.seconds for name, timing in timings.items()},
        "peak": {name: timing.peak for name, timing in timings.items()},
    }


# -- the commands ----------------------------------------------------------------------------------


#: Runs the command given as its arguments and prints the peak resident memory of its children (kB on
#: Linux). A small fresh process, so that the figure is the command's own, not this process's: a child
#: starts with the memory of the process that forks it, and its high-water mark keeps that.
PEAK_OF_CHILD = (
    "import resource, subprocess, sys; status = subprocess.run(sys.argv[1:]).returncode;"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(status)"
)


def child_rusage(command: Sequence[str], cwd: Path | None = None) -> tuple[float, int, str]:
    """Run ``command``; its wall seconds, its peak resident memory (bytes) and its output."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", PEAK_OF_CHILD, *command], cwd=cwd, capture_output=True,
                            text=True, check=False)  # fmt: skip
    wall = time.perf_counter() - started
    if result.returncode != 0:
        output = result.stdout + result.stderr
        raise SystemExit(f"benchmarks/performance.py: {' '.join(command)} failed ({result.returncode}):\n{output}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return wall, peak_kb * 1024, result.stdout  # Linux gives kilobytes


def measure_figures(repeat: int) -> dict[str, Any]:
    """``measure`` against the loop, two rounds in the order ours, loop, loop, ours."""
    walls: dict[str, list[float]] = {"measure": [], "loop": []}
    rounds: dict[str, list[dict[str, float]]] = {"measure": [], "loop": []}
    with tempfile.TemporaryDirectory() as scratch:
        cwd = Path(scratch)
        with redirect_stderr(StringIO()):
            modules = measure_bench.usable(list(measure_bench.MODULES), cwd)
        for number in range(2):
            for side in ("measure", "loop") if number == 0 else ("loop", "measure"):
                if side == "measure":
                    wall, medians = measure_bench.ours(modules, repeat, None, cwd)
                else:
                    wall, medians = measure_bench.loop(modules, repeat, cwd)
                walls[side].append(wall)
                rounds[side].append(medians)
        ours, theirs = measure_bench._combine(rounds["measure"]), measure_bench._combine(rounds["loop"])
        differences = measure_bench._differences(ours, theirs)
        floor = measure_bench._differences(rounds["loop"][0], rounds["loop"][1])
        command = [sys.executable, "-m", "flake8_import_cost", "measure", *modules, "--repeat", str(repeat),
                   "--db", str(cwd / "memory.db")]  # fmt: skip
        _, peak, _ = child_rusage(command, cwd)
    return {
        "modules": len(modules),
        "repeat": repeat,
        "walls": walls,
        "median_difference": statistics.median(differences.values()),
        "worst_difference": max(differences.values()),
        "signed_difference": measure_bench.signed_median(ours, theirs),
        "jobs": default_jobs(),
        "noise_floor": statistics.median(floor.values()) if floor else None,
        "peak": peak,
    }


def profile_figures(repeat: int) -> dict[str, Any]:
    """The start-up of a Django admin site plain, light and traced."""
    with tempfile.TemporaryDirectory(prefix="import-cost-bench-") as scratch:
        admin = profile_overhead._admin_project(Path(scratch))
        runs = profile_overhead.measure(sys.executable, admin, "adminsite_settings", repeat)
    wall = {mode: [child.wall_ns / 1e6 for child in children] for mode, children in runs.items()}
    cpu = {mode: [child.cpu_ns / 1e6 for child in children] for mode, children in runs.items()}
    return {"repeat": repeat, "tracer": runs["traced"][0].tracer, "wall": wall, "cpu": cpu}


def fix_figures() -> dict[str, Any]:
    """``fix`` over a copy of Django's source, in a child process."""
    source = lint_bench.default_paths()[0]
    with tempfile.TemporaryDirectory(prefix="import-cost-fix-") as scratch:
        report = Path(scratch) / "fix.json"
        command = [sys.executable, str(Path(__file__).with_name("fix.py")), str(source),
                   "--work", str(Path(scratch) / "work"), "--json", str(report)]  # fmt: skip
        wall, peak, _ = child_rusage(command)
        figures = json.loads(report.read_text(encoding="utf-8"))[0]
    return {"files": figures["files"], "seconds": figures["seconds"], "changed": figures["changed"],
            "fixed": sum(figures["fixed"].values()), "refused": sum(figures["refused"].values()),
            "wall": wall, "peak": peak}  # fmt: skip


# -- the page ------------------------------------------------------------------------------------------


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def _ok(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(figures: dict[str, Any], repeat: int) -> str:
    """The generated part of docs/performance.md."""
    lines = [BEGIN, ""]
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}" for name in ("flake8", *PLUGINS[1:])
    )  # fmt: skip
    load = os.getloadavg()
    lines += [
        f"Measured {time.strftime('%Y-%m-%d')} with `python benchmarks/performance.py --repeat {repeat}`:"
        f" Python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs"
        f" (load average {load[0]:.1f} at the end); flake8-import-cost {__version__}, {versions}.",
        "",
    ]
    for tree in figures.get("lint", []):
        seconds: dict[str, list[float]] = tree["seconds"]
        baseline = min(seconds[PLUGINS[1]])
        lines += [
            f"### Linting {tree['label']} ({tree['files']:,} files)",
            "",
            f"Best of {repeat} passes in one process on the same parsed trees (a fresh instance per file, as"
            " flake8 runs a plugin); the spread is the fastest and slowest pass; the cold first pass, untimed"
            " in the others, is when the plugin reads the project's other files.",
            "",
            "| | best | per file | spread (ms) | × flake8-bugbear | cold first pass | peak Python memory |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, runs in seconds.items():
            best = min(runs)
            cold = tree["cold"].get(name)
            lines.append(
                f"| {name} | {best * 1000:,.0f} ms | {best / tree['files'] * 1e6:,.0f} µs"
                f" | {min(runs) * 1000:,.0f}–{max(runs) * 1000:,.0f} | {best / baseline:.3f}"
                f" | {'' if cold is None else f'{cold * 1000:,.0f} ms'} | {_mb(tree['peak'][name])} |"
            )
        ratio = min(seconds[PLUGINS[0]]) / baseline
        goal = f"Goal: flake8-import-cost at most {LINT_GOAL}× flake8-bugbear: {ratio:.3f}×, {_ok(ratio <= LINT_GOAL)}."
        lines += ["", goal]
        for name, failures in tree["failures"].items():
            lines.append(f"Failures of {name}: {'; '.join(failures)}")
        lines.append("")
    imported = figures.get("import")
    if imported is not None:
        samples = imported["samples"]
        median = statistics.median(samples)
        lines += [
            "### Importing the plugin",
            "",
            f"`import flake8_import_cost.plugin` once flake8's checker is loaded, wall clock in {len(samples)} fresh"
            f" interpreters: median {median:.2f} ms ({min(samples):.2f}–{max(samples):.2f});"
            f" with the rule families a plain file loads, {imported['first_file']:.2f} ms; flake8-bugbear"
            f" {imported['bugbear']:.2f} ms. Goal: at most {IMPORT_GOAL_MS:g} ms: {_ok(median <= IMPORT_GOAL_MS)}.",
            "",
        ]
    measured = figures.get("measure")
    if measured is not None:
        ours, loop = measured["walls"]["measure"], measured["walls"]["loop"]
        ratio = statistics.mean(ours) / statistics.mean(loop)
        floor = measured["noise_floor"]
        lines += [
            "### `measure`",
            "",
            f"{measured['modules']} modules × {measured['repeat']} timed samples, against a loop of fresh"
            " `python -X importtime -c \"import M\"` at the same samples, two rounds each (ours, loop, loop, ours);"
            f" `measure` with its default `--jobs`, {measured['jobs']} here:",
            "",
            "| | measure | loop | ratio | goal |",
            "|---|---:|---:|---:|---|",
            f"| wall time (mean of 2) | {statistics.mean(ours):.2f} s | {statistics.mean(loop):.2f} s"
            f" | {ratio:.2f} | ≤ 0.5: {_ok(ratio <= 0.5)} |",
            f"| median of \\|ours − loop\\| / loop over the modules | | | {measured['median_difference']:.1%}"
            f" | ≤ 10 %: {_ok(measured['median_difference'] <= 0.10)} |",
            "",
            f"Worst module {measured['worst_difference']:.0%}; signed, (ours − loop) / loop:"
            f" median {measured['signed_difference']:+.1%}; noise floor (the loop's first round against its"
            f" second): {'n/a' if floor is None else f'{floor:.1%}'}. Peak memory of one `measure` run:"
            f" {_mb(measured['peak'])} (its largest process).",
            "",
        ]
    profiled = figures.get("profile")
    if profiled is not None:
        wall = {mode: statistics.median(values) for mode, values in profiled["wall"].items()}
        cpu = {mode: statistics.median(values) for mode, values in profiled["cpu"].items()}
        limit = 1.5 if sys.version_info >= (3, 12) else 2.5
        ratio = wall["traced"] / wall["plain"]
        lines += [
            "### `profile`",
            "",
            f"A Django admin site's start-up (`django.setup()`, then resolving `/`), median of {profiled['repeat']}"
            f" fresh processes per mode ({profiled['tracer']}):",
            "",
            "| mode | wall | CPU | × plain (wall) |",
            "|---|---:|---:|---:|",
        ]
        for mode in wall:
            lines.append(f"| {mode} | {wall[mode]:.0f} ms | {cpu[mode]:.0f} ms | {wall[mode] / wall['plain']:.2f} |")
        lines += ["", f"Goal: traced at most {limit}× plain on this Python: {ratio:.2f}×, {_ok(ratio <= limit)}.", ""]
    fixed = figures.get("fix")
    if fixed is not None:
        lines += [
            "### `fix`",
            "",
            f"Over a copy of Django's source ({fixed['files']:,} files; {fixed['fixed']} findings fixed,"
            f" {fixed['refused']} left alone, {fixed['changed']} files changed):"
            f" {fixed['files'] / fixed['seconds']:,.0f} files per second in the fixer"
            f" ({fixed['seconds']:.1f} s; {fixed['wall']:.1f} s for the whole child with its start and"
            f" the copy), peak memory {_mb(fixed['peak'])}.",
            "",
        ]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write(output: Path, generated: str) -> None:
    """Put ``generated`` between the markers of ``output`` (at its end when it has none)."""
    text = output.read_text(encoding="utf-8") if output.exists() else "# Performance\n\n"
    if BEGIN in text and END in text:
        before, _, rest = text.partition(BEGIN)
        _, _, after = rest.partition(END)
        text = before + generated.rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + generated
    output.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes, samples and start-ups (default: 3)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md",
                        help="the page to write (default: docs/performance.md)")  # fmt: skip
    parser.add_argument("--skip", nargs="*", choices=PARTS, default=[], help="parts to leave out")
    parser.add_argument("--json", type=Path, help="also write the raw figures")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="imc-bench-cache-") as cache:
        os.environ.setdefault(CACHE_ENV, cache)  # the cold passes start from an empty disk cache
        if "lint" not in args.skip:
            print("lint: Django, then the standard library", file=sys.stderr)
            figures["lint"] = [
                lint("Django's source", lint_bench.default_paths(), args.repeat),
                lint("the standard library, without its tests", stdlib_files(), args.repeat),
            ]
        if "import" not in args.skip:
            print("import cost", file=sys.stderr)
            ours = lint_bench.import_cost("flake8_import_cost.plugin", args.repeat)
            first = lint_bench.import_cost("flake8_import_cost.plugin", args.repeat, lint_bench.FIRST_FILE)
            bugbear = lint_bench.import_cost("bugbear", args.repeat)
            figures["import"] = {"samples": list(ours.samples_ms), "first_file": first.median_ms,
                                 "bugbear": bugbear.median_ms}  # fmt: skip
    if "measure" not in args.skip:
        print("measure against the loop", file=sys.stderr)
        figures["measure"] = measure_figures(args.repeat)
    if "profile" not in args.skip:
        print("profile overhead", file=sys.stderr)
        figures["profile"] = profile_figures(args.repeat)
    if "fix" not in args.skip:
        print("fix throughput", file=sys.stderr)
        figures["fix"] = fix_figures()
    write(args.output, render(figures, args.repeat))
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
