"""Read ``python -X importtime`` reports, and time imports in clean interpreters.

The report is one line per module import, written when the import ends (so a
module comes after everything it imported), with the same layout on every
Python from 3.7 to 3.14::

    import time: self [us] | cumulative | imported package
    import time:       120 |        120 |     encodings.aliases
    import time:        30 |       2030 | pkg

CPython writes it with ``"import time: %9ld | %10ld | %*s%s"``: the self time
right-aligned in nine columns, the cumulative time in ten, then two spaces per
nesting level. Python 3.14's ``-X importtime=2`` adds lines for modules found
already imported, ``import time: cached    | cached     | name``, that carry
no timing (and no usable nesting): they are skipped, like the header and any
other text on standard error.
"""

from __future__ import annotations

import itertools
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass

#: One record line, in CPython's exact layout; ``re`` caches the compiled pattern on first use.
_RECORD = r"import time: ( *\d+) \| ( *\d+) \| ( *)(\S+)"
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


def parse_record(line: str) -> ImportRecord | None:
    """One record line of a report, or ``None`` for any other line.

    Only CPython's exact layout is a record (fields of at least nine and ten
    columns, single spaces around the bars), so that text a module prints that
    merely resembles one, such as ``import time: 1 | 2 | fake``, is not.
    """
    match = re.fullmatch(_RECORD, line.rstrip("\r\n"))
    if match is None:
        return None
    self_field, cumulative_field, indent, module = match.groups()
    if len(self_field) < 9 or len(cumulative_field) < 10 or len(indent) % 2:
        return None
    if (len(self_field) > 9 and self_field[0] == " ") or (len(cumulative_field) > 10 and cumulative_field[0] == " "):
        return None
    return ImportRecord(module, int(self_field), int(cumulative_field), len(indent) // 2)


def parse_importtime(stderr_text: str) -> list[ImportRecord]:
    """Parse the records of an ``-X importtime`` report, in report order.

    The header and any other lines (warnings, tracebacks, ``cached`` lines) are
    skipped. Depth is 0 for an import made by the top-level code, 1 for what
    that module imported, and so on.
    """
    return [record for line in stderr_text.splitlines() if (record := parse_record(line)) is not None]


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
    """Time ``import <module>`` ``repeat`` times in clean interpreters of ``python``.

    The samples come from :mod:`flake8_import_cost.measure.sampler` (one
    interpreter start, a forked child per sample), after one untimed sample
    that lets the interpreter write its bytecode caches. A failing import is
    reported in ``error``, never raised. ``cwd`` is the working directory of
    the runs (it is on their ``sys.path``). The modules in ``preload`` are
    imported first, so what they import is not counted.
    """
    from flake8_import_cost.measure.sampler import SamplerError, Server, is_module_name, sample_once

    for name in (*preload, module):
        if not is_module_name(name):
            raise ValueError(f"not a module name: {name!r}")
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    root = os.path.abspath(cwd or os.getcwd())
    self_samples: list[int] = []
    cumulative_samples: list[int] = []
    server: Server | None = None
    try:
        for run in range(repeat + 1):
            if hasattr(os, "fork"):
                server = server or Server(python, root, timeout=timeout, preload=preload)
                sample = server.sample(module)
            else:
                sample, _ = sample_once(python, root, module, timeout=timeout, preload=preload)
            if sample.error is not None:
                return ModuleTiming(module, error=sample.error)
            if run == 0:
                continue
            own = [r for r in sample.records if r.depth == 0 and r.module == module]
            self_samples.append(own[-1].self_us if own else 0)
            cumulative_samples.append(own[-1].cumulative_us if own else 0)
    except SamplerError as error:
        return ModuleTiming(module, error=str(error))
    finally:
        if server is not None:
            server.close()
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
    """``text`` on one line of at most 200 characters."""
    text = " ".join(text.split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"
