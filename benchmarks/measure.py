"""Time ``flake8-import-cost measure`` against a loop of fresh ``python -X importtime`` runs.

Usage: ``python benchmarks/measure.py [--repeat N] [--jobs N] [--rounds N] [MODULE ...]``

Both sides measure the same modules (by default :data:`MODULES`, 50 modules of
the standard library and of the packages that ``pip install -e '.[test,bench]'``
installs) the same number of times, in the same run of this script:

* ours: one ``flake8-import-cost measure MODULE... --repeat N`` subprocess,
  into a temporary database;
* the loop: for each module, ``python -X importtime -c "import MODULE"`` run
  ``N + 1`` times one after the other (the first run untimed, as ours does,
  so both write their bytecode caches before the timed runs), parsed with
  :func:`flake8_import_cost.measure.importtime_log.parse_importtime`.

Each side runs ``--rounds`` times (default 2), alternating ``ours, loop, loop,
ours, ...`` so that a change in the machine's load hits both sides alike; a
module's median is the median of its rounds' medians, and a side's wall time
the mean of its runs. It prints the ratio of the wall-clock times, and how far our median
cumulative time of each module is from the loop's: the median and the worst
of ``|ours - loop| / loop`` over the modules. Goals: a ratio of at most 0.5,
medians within 10 %. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from flake8_import_cost.measure.importtime_log import parse_importtime  # noqa: E402
from flake8_import_cost.measure.sampler import child_environment  # noqa: E402

RATIO_GOAL = 0.5
MEDIAN_GOAL = 0.10

#: Modules of the standard library and of the test and bench extras, light and heavy.
MODULES = (
    # standard library
    "argparse", "asyncio", "base64", "bz2", "calendar", "concurrent.futures", "configparser", "csv",
    "dataclasses", "datetime", "decimal", "difflib", "email.mime.multipart", "fractions", "ftplib", "gzip",
    "hashlib", "html.parser", "http.client", "http.server", "imaplib", "inspect", "json", "logging.handlers",
    "lzma", "multiprocessing", "pickle", "pprint", "shutil", "smtplib", "socket", "sqlite3", "ssl",
    "statistics", "subprocess", "tarfile", "tempfile", "textwrap", "unittest.mock", "urllib.request", "uuid",
    "xml.dom.minidom", "xml.etree.ElementTree", "zipfile",
    # third-party
    "django.db.models", "django.http", "flake8.main.application", "hypothesis", "libcst", "pytest",
)  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"modules (default: {len(MODULES)} built in)")
    parser.add_argument("--repeat", type=int, default=5, help="timed samples per module (default: 5)")
    parser.add_argument("--jobs", type=int, default=None, help="measure --jobs (default: its own default)")
    parser.add_argument(
        "--interleaved", action="store_true",
        help="also compare medians sample by sample: one of ours, one fresh interpreter, in turn",
    )
    parser.add_argument(
        "--rounds", type=int, default=2,
        help="rounds of both sides, in the order ours, loop, loop, ours, ... (default: 2)",
    )  # fmt: skip
    return parser.parse_args(argv)


def usable(modules: list[str], cwd: Path) -> list[str]:
    """The modules that import, and that the interpreter has not imported at start-up."""
    probe = (
        "import importlib, sys\n"
        "start = set(sys.modules)\n"
        "for name in sys.argv[1:]:\n"
        "    if name in start: print('loaded', name); continue\n"
        "    try: importlib.import_module(name)\n"
        "    except Exception as e: print('missing', name, type(e).__name__)\n"
    )
    command = [sys.executable, "-c", probe, *modules]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True)
    dropped = {line.split()[1]: line for line in result.stdout.splitlines()}
    for line in dropped.values():
        print(f"  left out: {line}")
    return [name for name in modules if name not in dropped]


def ours(modules: list[str], repeat: int, jobs: int | None, cwd: Path) -> tuple[float, dict[str, float]]:
    """Wall time of one ``measure`` run, and each module's median cumulative time (µs)."""
    db = cwd / "bench.db"
    command = [sys.executable, "-m", "flake8_import_cost", "measure", *modules, "--repeat", str(repeat),
               "--db", str(db)]  # fmt: skip
    if jobs:
        command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"measure failed ({result.returncode}):\n{result.stderr}")
    with sqlite3.connect(db) as connection:
        medians = {
            name: value
            for name, value in connection.execute("SELECT name, cumulative_us FROM modules WHERE target = name")
        }
        failed = dict(connection.execute("SELECT target, reason FROM failures"))
    for name, reason in failed.items():
        print(f"  measure failed on {name}: {reason}")
    return wall, medians


def loop(modules: list[str], repeat: int, cwd: Path) -> tuple[float, dict[str, float]]:
    """Wall time of the sequential loop of fresh interpreters, and each module's median (µs)."""
    env = child_environment()
    medians: dict[str, float] = {}
    started = time.perf_counter()
    for name in modules:
        samples = []
        for run in range(repeat + 1):
            result = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", f"import {name}"],
                cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True, check=False,
            )  # fmt: skip
            if run == 0:
                continue
            own = [r for r in parse_importtime(result.stderr) if r.depth == 0 and r.module == name]
            if own:
                samples.append(own[-1].cumulative_us)
        if samples:
            medians[name] = float(statistics.median(samples))
    return time.perf_counter() - started, medians


def interleaved(modules: list[str], repeat: int, cwd: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Both sides' median per module, their samples taken in turn (ours, fresh, ours, ...), so
    that the machine's load changes hit both alike; ours through measure's own sampler."""
    from flake8_import_cost.measure.sampler import Server

    env = child_environment()
    ours: dict[str, float] = {}
    fresh: dict[str, float] = {}
    server = Server(sys.executable, str(cwd), timeout=120)
    try:
        for name in modules:
            our_samples: list[int] = []
            fresh_samples: list[int] = []
            for run in range(repeat + 1):
                sample = server.sample(name)
                result = subprocess.run(
                    [sys.executable, "-X", "importtime", "-c", f"import {name}"],
                    cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                    text=True, check=False,
                )  # fmt: skip
                if run == 0:
                    continue
                our_samples += [r.cumulative_us for r in sample.records if r.depth == 0 and r.module == name][-1:]
                fresh_samples += [r.cumulative_us for r in parse_importtime(result.stderr)
                                  if r.depth == 0 and r.module == name][-1:]  # fmt: skip
            if our_samples and fresh_samples:
                ours[name] = float(statistics.median(our_samples))
                fresh[name] = float(statistics.median(fresh_samples))
    finally:
        server.close()
    return ours, fresh


def _differences(ours: dict[str, float], reference: dict[str, float]) -> dict[str, float]:
    """``|ours - reference| / reference`` of each module both have."""
    return {name: abs(ours[name] - reference[name]) / reference[name]
            for name in sorted(set(ours) & set(reference)) if reference[name]}  # fmt: skip


def signed_median(ours: dict[str, float], reference: dict[str, float]) -> float:
    """The median over the modules of ``(ours - reference) / reference``: above zero when ours is slower."""
    return statistics.median((ours[name] - reference[name]) / reference[name]
                             for name in _differences(ours, reference))  # fmt: skip


def _combine(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Each module's median over the rounds' medians."""
    names = set.intersection(*(set(medians) for medians in rounds)) if rounds else set()
    return {name: float(statistics.median(medians[name] for medians in rounds)) for name in names}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    our_walls: list[float] = []
    loop_walls: list[float] = []
    our_rounds: list[dict[str, float]] = []
    loop_rounds: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        cwd = Path(scratch)
        print(f"Python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
        modules = usable(args.modules or list(MODULES), cwd)
        print(f"{len(modules)} modules x {args.repeat} timed samples (+1 untimed) each, {args.rounds} rounds")
        for number in range(args.rounds):
            order = ("ours", "loop") if number % 2 == 0 else ("loop", "ours")  # ABBA: drift hits both sides
            for side in order:
                if side == "ours":
                    wall, medians = ours(modules, args.repeat, args.jobs, cwd)
                    our_walls.append(wall)
                    our_rounds.append(medians)
                else:
                    wall, medians = loop(modules, args.repeat, cwd)
                    loop_walls.append(wall)
                    loop_rounds.append(medians)
    our_wall, loop_wall = statistics.mean(our_walls), statistics.mean(loop_walls)
    our_medians = _combine(our_rounds)
    loop_medians = _combine(loop_rounds)
    both = sorted(set(our_medians) & set(loop_medians))
    if not both:
        raise SystemExit("no module was measured by both sides")
    differences = _differences(our_medians, loop_medians)
    ratio = our_wall / loop_wall
    median_difference = statistics.median(differences.values())
    worst = max(differences, key=differences.__getitem__)
    print(f"wall time (mean of {args.rounds} runs each):"
          f" measure {our_wall:.2f} s, loop {loop_wall:.2f} s, ratio {ratio:.2f}"
          f" (goal <= {RATIO_GOAL}: {'ok' if ratio <= RATIO_GOAL else 'MISSED'})")  # fmt: skip
    print(f"median cumulative time, |ours - loop| / loop over {len(both)} modules: median {median_difference:.1%},"
          f" worst {differences[worst]:.1%} ({worst}: {our_medians[worst] / 1000:.2f} ms vs"
          f" {loop_medians[worst] / 1000:.2f} ms) (goal <= {MEDIAN_GOAL:.0%}:"
          f" {'ok' if median_difference <= MEDIAN_GOAL else 'MISSED'})")  # fmt: skip
    signed = signed_median(our_medians, loop_medians)
    print(f"signed, (ours - loop) / loop: median {signed:+.1%} (above zero: measure finds imports slower)")
    if len(loop_rounds) >= 2:  # how far the loop is from itself: the machine's noise floor
        floor = _differences(loop_rounds[0], loop_rounds[1])
        if floor:
            print(f"noise floor, the loop's first run against its second:"
                  f" median {statistics.median(floor.values()):.1%}, worst {max(floor.values()):.1%}")  # fmt: skip
    if len(our_rounds) >= 2:
        ours_floor = _differences(our_rounds[0], our_rounds[1])
        if ours_floor:
            middle, worst_floor = statistics.median(ours_floor.values()), max(ours_floor.values())
            print(f"and measure's first run against its second: median {middle:.1%}, worst {worst_floor:.1%}")
    if args.interleaved:
        with tempfile.TemporaryDirectory() as scratch:
            ours_in_turn, fresh_in_turn = interleaved(modules, args.repeat, Path(scratch))
        turns = _differences(ours_in_turn, fresh_in_turn)
        signed = sorted((ours_in_turn[n] - fresh_in_turn[n]) / fresh_in_turn[n] for n in turns)
        print(f"interleaved, sample by sample: |ours - fresh| / fresh over {len(turns)} modules:"
              f" median {statistics.median(turns.values()):.1%}, worst {max(turns.values()):.1%},"
              f" signed median {statistics.median(signed):+.1%}")  # fmt: skip
    print("per module (ms): ours / loop")
    for name in sorted(both, key=lambda n: -loop_medians[n]):
        print(f"  {name:<28} {our_medians[name] / 1000:8.2f} {loop_medians[name] / 1000:8.2f}"
              f"  {(our_medians[name] - loop_medians[name]) / loop_medians[name]:+6.1%}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
