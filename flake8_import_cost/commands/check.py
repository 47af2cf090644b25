"""``flake8-import-cost check``: the CI gate on measured start-up time.

What is checked:

* without ``--module``: the latest ``profile`` run's start-up total for the
  running Python's ``major.minor`` (its repeated totals, ``runs.total_samples``);
* with ``--module MOD``: the cumulative import time of ``MOD`` in the latest
  run that has it, a ``measure`` run that measured it as a target or a
  ``profile`` run that imported it.

It fails (exit 1) when the median is over ``--budget``, or when it regressed
against the previous comparable run (same kind, same Python ``major.minor``;
for a profile, the same profiled target), or against ``--against RUN``, by
more than ``--max-regression`` percent *beyond noise*: a one-sided
Mann–Whitney U test (:mod:`flake8_import_cost.measure.stats`) of the new
samples against the old ones scaled by ``1 + PCT/100`` must reject, at the
5 % level, that the new ones are no larger. Repeated samples are compared,
not two numbers, so one slow sample on a busy CI machine does not fail the
build. When a run has too few samples for the test to ever reject (fewer
than three each), no regression is reported and the output says so.

On failure it prints what grew between the two runs: modules (self time) and,
for profile runs, import-time statements (inclusive time), before → after.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flake8_import_cost.commands import COMMANDS, UsageError, add_db_option

#: The level of the regression test: the chance of failing a build on noise alone.
ALPHA = 0.05
#: Default ``--max-regression``.
DEFAULT_REGRESSION_PCT = 10.0
#: How many grown modules and statements are listed.
TOP = 10
#: Growth smaller than this (microseconds) is not worth listing.
MIN_GROWTH_US = 50.0


def _number(text: str, *, what: str, positive: bool) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise argparse.ArgumentTypeError(f"{what} must be a {'positive' if positive else 'non-negative'} number: "
                                         f"{text!r}")  # fmt: skip
    return value


def _budget(text: str) -> float:
    return _number(text, what="the budget", positive=True)


def _percent(text: str) -> float:
    return _number(text.removesuffix("%"), what="the regression", positive=False)


def _run_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a run id: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a run id: {text!r}")
    return value


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help=COMMANDS["check"],
        description="Exit 1 when the latest measured start-up (or --module's import time) is over --budget, or has "
        "regressed beyond noise by more than --max-regression percent against the previous run or --against RUN.",
    )
    parser.add_argument("--budget", type=_budget, required=True, metavar="MS", help="the budget in milliseconds")
    parser.add_argument("--module", metavar="MOD", help="check this module's import time instead of the start-up")
    parser.add_argument(
        "--max-regression", type=_percent, default=DEFAULT_REGRESSION_PCT, metavar="PCT",
        help=f"tolerated growth beyond noise, in percent (default: {DEFAULT_REGRESSION_PCT:g})",
    )  # fmt: skip
    parser.add_argument("--against", type=_run_id, metavar="RUN", help="compare with this run (default: the previous)")
    add_db_option(parser)
    parser.set_defaults(run=run)


@dataclass
class Figure:
    """What is checked in one run: its samples (microseconds) and where they come from."""

    run: sqlite3.Row
    samples: list[float]
    #: For a module: the row of the run's ``modules`` table it comes from.
    module: sqlite3.Row | None = None

    @property
    def median_ms(self) -> float:
        return float(statistics.median(self.samples)) / 1000

    @property
    def label(self) -> str:
        return f"run {self.run['id']} ({self.run['kind']}, {self.run['started_at']})"


def run(args: argparse.Namespace) -> int:
    """The command; returns the exit status."""
    from flake8_import_cost import costdb

    try:
        db = costdb.open_read_only(args.db)
    except costdb.CostDBError as error:
        raise UsageError(f"check: {error}") from None
    try:
        return check(db, args)
    except sqlite3.Error as error:
        raise UsageError(f"check: {args.db}: {' '.join(str(error).split())}") from None
    finally:
        db.close()


def check(db: sqlite3.Connection, args: argparse.Namespace) -> int:
    from flake8_import_cost.costdb import python_minor

    minor = python_minor()
    what = args.module or f"the start-up (Python {minor})"
    latest = _latest_module(db, args.module, minor) if args.module else _latest_profile(db, minor)
    if latest is None:
        if args.module:
            raise UsageError(f"check: {args.db}: no run on Python {minor} measured or profiled {args.module}")
        raise UsageError(f"check: {args.db}: no profile run on Python {minor}")
    if args.against is not None:
        earlier = _figure_in(db, args.against, args.module)
        if earlier is None:
            if db.execute("SELECT 1 FROM runs WHERE id = ?", (args.against,)).fetchone() is None:
                raise UsageError(f"check: --against: no run {args.against} in {args.db}")
            raise UsageError(f"check: --against: run {args.against} has no figure for {what}")
    else:
        earlier = _previous(db, latest, args.module)
    failed = False
    median = latest.median_ms
    verdict = "over budget" if median > args.budget else "ok"
    failed |= median > args.budget
    print(f"{what}: {median:.2f} ms in {latest.label}, median of {len(latest.samples)};"
          f" budget {args.budget:g} ms: {verdict}")  # fmt: skip
    if earlier is None:
        print("no earlier comparable run: nothing to compare with")
    else:
        regressed = _compare(earlier, latest, args.max_regression)
        failed |= regressed
        if failed:
            _what_grew(db, earlier, latest, args.module)
    print("check: FAILED" if failed else "check: passed")
    return 1 if failed else 0


def _compare(earlier: Figure, latest: Figure, pct: float) -> bool:
    """Print the comparison; whether it is a regression beyond noise by more than ``pct``."""
    from flake8_import_cost.measure.stats import p_greater, smallest_p

    before, after = earlier.median_ms, latest.median_ms
    change = (after - before) / before * 100 if before else math.inf
    head = f"against {earlier.label}: {before:.2f} → {after:.2f} ms ({change:+.1f} %)"
    if smallest_p(len(latest.samples), len(earlier.samples)) > ALPHA:
        print(f"{head}; too few samples to tell a regression from noise ({len(earlier.samples)} and"
              f" {len(latest.samples)}: at least 3 each are needed, 5 or more is better)")  # fmt: skip
        return False
    scaled = [sample * (1 + pct / 100) for sample in earlier.samples]
    p = p_greater(latest.samples, scaled)
    regressed = p <= ALPHA and after > before * (1 + pct / 100)
    if regressed:
        print(f"{head}: REGRESSION of more than {pct:g} % beyond noise (Mann-Whitney U, p = {p:.3f})")
    else:
        print(f"{head}: no regression of more than {pct:g} % beyond noise (Mann-Whitney U, p = {p:.2f})")
    return regressed


# -- finding the figures ------------------------------------------------------------------------------------


def _samples(text: str | None) -> list[float]:
    try:
        values = json.loads(text or "[]")
    except ValueError:
        return []
    return [float(v) for v in values if isinstance(v, (int, float))] if isinstance(values, list) else []


def _latest_profile(db: sqlite3.Connection, minor: str) -> Figure | None:
    row = db.execute(
        "SELECT * FROM runs WHERE kind = 'profile' AND python_minor = ? AND total_us IS NOT NULL"
        " ORDER BY id DESC LIMIT 1",
        (minor,),
    ).fetchone()
    return _profile_figure(row) if row is not None else None


def _profile_figure(row: sqlite3.Row) -> Figure | None:
    samples = _samples(row["total_samples"]) or ([float(row["total_us"])] if row["total_us"] is not None else [])
    return Figure(row, samples) if samples else None


def _module_row(db: sqlite3.Connection, run: sqlite3.Row, module: str) -> sqlite3.Row | None:
    target = module if run["kind"] == "measure" else ""
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM modules WHERE run_id = ? AND target = ? AND name = ?", (run["id"], target, module)
    ).fetchone()
    return row


def _module_figure(db: sqlite3.Connection, run: sqlite3.Row, module: str) -> Figure | None:
    row = _module_row(db, run, module)
    if row is None:
        return None
    samples = _samples(row["cumulative_samples"]) or [float(row["cumulative_us"])]
    return Figure(run, samples, row)


def _latest_module(db: sqlite3.Connection, module: str, minor: str) -> Figure | None:
    row = db.execute(
        "SELECT runs.* FROM runs JOIN modules ON modules.run_id = runs.id"
        " WHERE runs.python_minor = ? AND modules.name = ?"
        " AND ((runs.kind = 'measure' AND modules.target = ?) OR (runs.kind = 'profile' AND modules.target = ''))"
        " ORDER BY runs.id DESC LIMIT 1",
        (minor, module, module),
    ).fetchone()
    return _module_figure(db, row, module) if row is not None else None


def _figure_in(db: sqlite3.Connection, run_id: int, module: str | None) -> Figure | None:
    row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        return None
    if module:
        return _module_figure(db, row, module)
    return _profile_figure(row) if row["kind"] == "profile" else None


def _previous(db: sqlite3.Connection, latest: Figure, module: str | None) -> Figure | None:
    """The latest earlier run comparable with ``latest``: same kind and Python, and for a
    profile the same target; for a module, one that has the module."""
    run = latest.run
    if module:
        rows = db.execute(
            "SELECT * FROM runs WHERE kind = ? AND python_minor = ? AND id < ? ORDER BY id DESC",
            (run["kind"], run["python_minor"], run["id"]),
        )
        for row in rows:
            figure = _module_figure(db, row, module)
            if figure is not None:
                return figure
        return None
    row = db.execute(
        "SELECT * FROM runs WHERE kind = 'profile' AND python_minor = ? AND target = ? AND id < ?"
        " AND total_us IS NOT NULL ORDER BY id DESC LIMIT 1",
        (run["python_minor"], run["target"], run["id"]),
    ).fetchone()
    return _profile_figure(row) if row is not None else None


# -- what grew ----------------------------------------------------------------------------------------------


def _module_times(db: sqlite3.Connection, figure: Figure, module: str | None) -> dict[str, float]:
    """Module -> median self time (µs) of what is checked: the module's tree, or the whole profile."""
    run = figure.run
    target = module if module and run["kind"] == "measure" else ""
    rows = db.execute("SELECT name, parent, self_us FROM modules WHERE run_id = ? AND target = ?", (run["id"], target))
    times = {row["name"]: float(row["self_us"]) for row in rows}
    if module and run["kind"] == "profile":  # the module and what it imported
        children: dict[str, list[str]] = {}
        for row in db.execute("SELECT name, parent FROM modules WHERE run_id = ? AND target = ''", (run["id"],)):
            children.setdefault(row["parent"] or "", []).append(row["name"])
        keep, stack = set(), [module]
        while stack:
            name = stack.pop()
            if name not in keep:
                keep.add(name)
                stack.extend(children.get(name, ()))
        times = {name: value for name, value in times.items() if name in keep}
    return times


def _statement_times(db: sqlite3.Connection, figure: Figure) -> dict[str, float]:
    rows = db.execute("SELECT path, line, inclusive_us FROM statements WHERE run_id = ?", (figure.run["id"],))
    return {f"{row['path']}:{row['line']}": float(row["inclusive_us"]) for row in rows}


def _grown(before: dict[str, float], after: dict[str, float]) -> list[tuple[str, float | None, float]]:
    grown = [(name, before.get(name), value) for name, value in after.items()
             if value - before.get(name, 0.0) >= MIN_GROWTH_US]  # fmt: skip
    grown.sort(key=lambda item: item[2] - (item[1] or 0.0), reverse=True)
    return grown[:TOP]


def _print_grown(title: str, grown: Sequence[tuple[str, float | None, float]]) -> None:
    if not grown:
        return
    print(title)
    width = max(len(name) for name, _, _ in grown)
    for name, before, after in grown:
        was = "new" if before is None else f"{before / 1000:.2f}"
        print(f"  {name:<{width}}  {was:>8} → {after / 1000:.2f} ms  (+{(after - (before or 0.0)) / 1000:.2f})")


def _what_grew(db: sqlite3.Connection, earlier: Figure, latest: Figure, module: str | None) -> None:
    modules = _grown(_module_times(db, earlier, module), _module_times(db, latest, module))
    _print_grown("what grew (modules, median self time):", modules)
    statements: list[tuple[str, float | None, float]] = []
    if not module and earlier.run["kind"] == latest.run["kind"] == "profile":
        statements = _grown(_statement_times(db, earlier), _statement_times(db, latest))
        _print_grown("what grew (import-time statements, median inclusive time):", statements)
    if not modules and not statements:
        print("what grew: no single module or statement grew by more than"
              f" {MIN_GROWTH_US / 1000:.2f} ms", file=sys.stdout)  # fmt: skip
