"""Run ``flake8-import-cost fix`` over copies of real code bases: what it fixes, what it refuses, how fast.

Usage::

    python benchmarks/fix.py SOURCE [SOURCE ...] --work DIR [--target-version 3.X] [--json FILE]

Each SOURCE folder is copied to ``DIR/<its name>`` (an existing copy is
replaced) and fixed there, in this process, with flake8's options at their
defaults (``--isolated``): the same engine as the command, in the same
rounds (again while a round changed files), timed. Then every changed file
is compiled (parsed with libcst when it has PEP 810 ``lazy`` imports that
the running Python cannot compile). The report gives, per code base,
the files checked and changed, the findings fixed and left alone by reason,
the files that failed to compile (there should be none) and the throughput
in files per second. The copies stay in ``DIR`` for importing them and
running their tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from flake8_import_cost.commands.fix import DEFAULT_TARGET, discover, target_version
from flake8_import_cost.fix.engine import Elsewhere, FileResult, Options, check_compiles, fix_rounds
from flake8_import_cost.fix.registry import fixable_codes
from flake8_import_cost.fix.source import write_atomic
from flake8_import_cost.runner import Linter


def write(result: FileResult) -> bool:
    assert result.source is not None and result.text is not None
    write_atomic(result.path, result.source.encode(result.text))
    return True


def fix_tree(source: Path, work: Path, target: tuple[int, int]) -> dict[str, Any]:
    copy = work / source.name
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(source, copy, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    linter = Linter(["--isolated"])
    files = discover([str(copy)], linter, verbose=False)
    options = Options(fixable_codes(), target, packaging=True, elsewhere=Elsewhere(files))
    fixed: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    examples: dict[str, str] = {}
    skipped, broken = [], []
    started = time.perf_counter()
    results = fix_rounds(files, linter, options, write=write)
    changed = [result.path for result in results if result.changed]
    for result in results:
        if result.skipped is not None:
            skipped.append(f"{os.path.relpath(result.path, copy)}: {result.skipped}")
        for change in result.changes:
            if change.fixed:
                fixed[f"{change.finding.code} {change.transform}"] += 1
            else:
                kind = getattr(change.outcome, "kind", "other")
                refused[f"{change.finding.code} {kind}"] += 1
                examples.setdefault(f"{change.finding.code} {kind}", change.describe())
    seconds = time.perf_counter() - started
    for path in changed:
        problem = check_compiles(Path(path).read_text(encoding="utf-8"), path)
        if problem is not None:
            broken.append(f"{path}: {problem}")
    return {
        "source": str(source),
        "copy": str(copy),
        "files": len(files),
        "changed": len(changed),
        "seconds": round(seconds, 2),
        "files_per_second": round(len(files) / seconds, 1) if seconds else None,
        "fixed": dict(sorted(fixed.items())),
        "refused": dict(sorted(refused.items(), key=lambda item: (-item[1], item[0]))),
        "examples": examples,
        "skipped": skipped,
        "not_compiling": broken,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/fix.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", type=Path, metavar="SOURCE")
    parser.add_argument("--work", type=Path, required=True, metavar="DIR", help="where the copies are made")
    parser.add_argument("--target-version", type=target_version, default=DEFAULT_TARGET, metavar="3.X")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    reports = [fix_tree(source.resolve(), args.work, args.target_version) for source in args.sources]
    for report in reports:
        fixed, refused = sum(report["fixed"].values()), sum(report["refused"].values())
        print(f"{report['source']}: {report['files']} files, {report['changed']} changed, {fixed} findings fixed,"
              f" {refused} left alone, {report['seconds']} s ({report['files_per_second']} files/s)")  # fmt: skip
        for kind, count in report["fixed"].items():
            print(f"  fixed {count:5d}  {kind}")
        for kind, count in report["refused"].items():
            print(f"  left  {count:5d}  {kind}  e.g. {report['examples'][kind]}")
        for line in report["skipped"]:
            print(f"  skipped: {line}")
        for line in report["not_compiling"]:
            print(f"  DOES NOT COMPILE: {line}")
    if args.json is not None:
        args.json.write_text(json.dumps(reports, indent=2) + "\n", encoding="utf-8")
    return 1 if any(report["not_compiling"] for report in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
