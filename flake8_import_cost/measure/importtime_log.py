"""Run ``python -X importtime`` in fresh interpreters and read its report."""

from __future__ import annotations

import itertools
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

#: One record line; ``re`` caches the compiled pattern on first use.
_RECORD = r"^import time:\s*(\d+)\s*\|\s*(\d+)\s*\| ( *)(\S+)\s*$"
_MAX_REASON = 200


@dataclass(frozen=True)
class ImportRecord:
    """One line of an ``-X importtime`` report (times in microseconds)."""

    module: str
    self_us: int
    cumulative_us: int
    depth: int


@dataclass(frozen=True)
class ModuleTiming:
    """Timings of ``import <module>`` over several fresh interpreters.

    ``error`` is a one-line reason when the import failed; the sample tuples
    are then empty. A module that interpreter start-up already imported has
    samples of 0: importing it costs the program nothing more.
    """

    module: str
    self_samples_us: tuple[int, ...] = ()
    cumulative_samples_us: tuple[int, ...] = ()
    error: str | None = None

    @property
    def self_us(self) -> float:
        """Median self time."""
        return _median(self.self_samples_us)

    @property
    def cumulative_us(self) -> float:
        """Median cumulative time (the module and everything it imported)."""
        return _median(self.cumulative_samples_us)

    @property
    def self_range_us(self) -> tuple[int, int]:
        """Fastest and slowest self time."""
        return _spread(self.self_samples_us)

    @property
    def cumulative_range_us(self) -> tuple[int, int]:
        """Fastest and slowest cumulative time."""
        return _spread(self.cumulative_samples_us)


def _median(samples: tuple[int, ...]) -> float:
    return float(statistics.median(samples)) if samples else 0.0


def _spread(samples: tuple[int, ...]) -> tuple[int, int]:
    return (min(samples), max(samples)) if samples else (0, 0)


def parse_importtime(stderr_text: str) -> list[ImportRecord]:
    """Parse the records of an ``-X importtime`` report, in report order.

    The header and any other lines (warnings, tracebacks) are skipped. Depth
    is 0 for an import made by the top-level code, 1 for what that module
    imported, and so on.
    """
    records: list[ImportRecord] = []
    for line in stderr_text.splitlines():
        match = re.match(_RECORD, line)
        if match:
            self_us, cumulative_us, indent, module = match.groups()
            records.append(ImportRecord(module, int(self_us), int(cumulative_us), len(indent) // 2))
    return records


def run_importtime(
    code: str, *, python: str = sys.executable, cwd: str | None = None, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh ``python -X importtime``; its report is the result's ``stderr``.

    The run may write bytecode caches (``PYTHONDONTWRITEBYTECODE`` is dropped),
    so that after a first run imports are timed as they are in real use.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.run(
        [python, "-X", "importtime", "-c", code],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        timeout=timeout,
        encoding="utf-8",
        errors="replace",
        check=False,
    )


def measure_module(
    module: str,
    *,
    python: str = sys.executable,
    repeat: int = 5,
    timeout: float = 60.0,
    cwd: str | None = None,
    preload: Sequence[str] = (),
) -> ModuleTiming:
    """Time ``import <module>`` in ``repeat`` fresh runs of ``python``.

    One untimed run first lets the interpreter write its bytecode caches. A
    failing import is reported in ``error``, never raised. ``cwd`` is the
    working directory of the runs (it is on their ``sys.path``). The modules
    in ``preload`` are imported first, so what they import is not counted.
    """
    for name in (*preload, module):
        if not all(part.isidentifier() for part in name.split(".")):
            raise ValueError(f"not a module name: {name!r}")
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    code = "".join(f"import {name}\n" for name in (*preload, module))
    self_samples: list[int] = []
    cumulative_samples: list[int] = []
    for run in range(repeat + 1):
        try:
            result = run_importtime(code, python=python, cwd=cwd, timeout=timeout)
        except subprocess.TimeoutExpired:
            return ModuleTiming(module, error=f"timed out after {timeout:g} s")
        except OSError as exc:
            return ModuleTiming(module, error=one_line(f"cannot run {python}: {exc}"))
        if result.returncode != 0:
            return ModuleTiming(module, error=failure_reason(result.returncode, result.stderr))
        if run == 0:
            continue
        own = [r for r in parse_importtime(result.stderr) if r.depth == 0 and r.module == module]
        self_samples.append(own[-1].self_us if own else 0)
        cumulative_samples.append(own[-1].cumulative_us if own else 0)
    return ModuleTiming(module, tuple(self_samples), tuple(cumulative_samples))


def failure_reason(returncode: int, stderr_text: str) -> str:
    """Why a run of ``python -X importtime`` failed, in one line: the message
    of its last traceback, else its last line, else its exit status."""
    lines = [
        line
        for line in stderr_text.splitlines()
        if line.strip() and not line.startswith("import time:")
    ]
    starts = [i + 1 for i, line in enumerate(lines) if line.startswith("Traceback (most recent")]
    if starts:
        frames_and_message = lines[starts[-1]:]
        message = list(itertools.dropwhile(lambda line: line.startswith(" "), frames_and_message))
        lines = [" ".join(message)] if message else lines
    if lines:
        return one_line(lines[-1])
    if returncode < 0:
        return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


def one_line(text: str) -> str:
    """``text`` on one line, cut to at most ``_MAX_REASON`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"
