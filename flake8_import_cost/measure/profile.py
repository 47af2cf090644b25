"""Profile a real start-up in child processes: the parent side of ``flake8-import-cost profile``.

A start-up (``django.setup()`` then ``resolve(URL)``, a module import, or a
Python program run to its end) runs in a fresh interpreter, the child, which
runs :mod:`flake8_import_cost.measure._profile_child` as a script. The parent
runs it ``1 + 2 * repeat`` times: one warm-up run (it writes the bytecode
caches; nothing is kept), then, interleaved, ``repeat`` *light* runs (module
loads timed, queries captured: the start-up as users pay for it) and
``repeat`` *traced* runs (also every module- and class-body statement timed,
every import edge recorded). The figures are medians over the repeats:
module costs and queries from the light runs, statements from the traced
ones; the overhead of tracing is the traced median wall time over the light
one. The result is a :class:`flake8_import_cost.costdb.Run`, not yet written.
"""

from __future__ import annotations

import ast
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flake8_import_cost import costdb

#: The script the child runs.
CHILD = Path(__file__).with_name("_profile_child.py")
#: Statements outside the project are stored when their median time is at least this (µs);
#: every statement of the project is stored.
OUTSIDE_MIN_US = 100.0
#: How much of the child's stderr is kept for an error message (its end).
_STDERR_TAIL = 64 * 1024
_MAX_REASON = 300


class ProfileError(Exception):
    """The start-up could not be profiled: ``str()`` is one line; ``details`` is the
    child's output (its traceback), shown on request."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message, details)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Target:
    """What to start: ``kind`` is ``django`` (``args``: settings module, URL),
    ``module`` (module name), ``script`` (path, then its arguments) or
    ``runmodule`` (module name, then its arguments, as ``python -m``)."""

    kind: str
    args: tuple[str, ...]

    @property
    def name(self) -> str:
        """What the run is stored under: the settings module, the module, or the command line."""
        if self.kind in ("django", "module"):
            return self.args[0]
        if self.kind == "runmodule":
            return " ".join(("-m", *self.args))
        return " ".join(self.args)

    def describe(self) -> str:
        if self.kind == "django":
            return f"django.setup() and resolve({self.args[1]!r}) with {self.args[0]}"
        if self.kind == "module":
            return f"import {self.args[0]}"
        return f"python {self.name}"


@dataclass
class ChildRun:
    """What one child recorded (times in ns, paths absolute)."""

    traced: bool
    python_version: str
    implementation: str
    wall_ns: int
    cpu_ns: int
    tracer: str
    #: [name, parent index, depth, cumulative ns, path, failed], in the order loads started.
    loads: list[list[Any]]
    statements: list[tuple[str, int, int]]
    edges: list[tuple[str, str, int, bool]]
    queries: list[tuple[Any, ...]]
    main_path: str | None = None
    #: Bodies whose statements were not traced (line events there cost too much): (file, first line).
    untraced: list[tuple[str, int]] = field(default_factory=list)


def run_child(
    target: Target, *, root: str, traced: bool, python: str = sys.executable, timeout: float = 120.0,
    plain: bool = False,
) -> ChildRun:
    """One start-up of ``target`` in a fresh ``python``, working in ``root``; ``plain``: with
    nothing recorded but its time (a baseline).

    Raises :class:`ProfileError` when it cannot start, fails, exits early or
    runs past ``timeout`` seconds (its whole process group is killed then).
    """
    with tempfile.TemporaryDirectory(prefix="import-cost-profile-") as scratch:
        output = os.path.join(scratch, "result")
        mode = "plain" if plain else "traced" if traced else "light"
        command = [python, str(CHILD), output, root, mode, target.kind, *target.args]
        # Bytecode caches are written, as in real use (the warm-up run writes them).
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        stdout_path, stderr_path = os.path.join(scratch, "stdout"), os.path.join(scratch, "stderr")
        with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
            try:
                process = subprocess.Popen(
                    command, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                    start_new_session=True,
                )  # fmt: skip
            except OSError as error:
                raise ProfileError(_one_line(f"cannot run {python}: {error.strerror or error}")) from None
            try:
                status = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                raise ProfileError(
                    f"the start-up did not finish within {timeout:g} s (--timeout): stopped it",
                    _tail(stderr_path),
                ) from None
            except BaseException:
                _kill_group(process)
                raise
            _kill_group(process)  # what the program left running in the background
        errors = _tail(stderr_path)
        if status != 0 or not os.path.exists(output):
            raise ProfileError(_failure(status, errors), errors + _tail(stdout_path))
        data = ast.literal_eval(Path(output).read_text(encoding="utf-8"))
    return ChildRun(
        traced=traced,
        python_version=data["python_version"],
        implementation=data["implementation"],
        wall_ns=data["wall_ns"],
        cpu_ns=data["cpu_ns"],
        tracer=data["tracer"],
        loads=data["loads"],
        statements=data["statements"],
        edges=[
            (data["edges"][i], data["edges"][i + 1], data["edges"][i + 2], bool(data["edges"][i + 3]))
            for i in range(0, len(data["edges"]), 4)
        ],
        queries=data["queries"],
        main_path=data["main_path"],
        untraced=data["untraced"],
    )


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    else:  # pragma: no cover - Windows has no process groups to kill
        process.kill()
    process.wait()


def _tail(path: str) -> str:
    with open(path, "rb") as file:
        file.seek(0, os.SEEK_END)
        file.seek(max(0, file.tell() - _STDERR_TAIL))
        return file.read().decode("utf-8", "replace")


def _failure(status: int, stderr_text: str) -> str:
    """One line on why a child failed: the last line of its traceback, or how it ended."""
    lines = [line.strip() for line in stderr_text.splitlines() if line.strip()]
    if status == 1 and lines:
        return _one_line(f"the start-up failed: {lines[-1]}")
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return f"the start-up was killed by {name}"
    if status == 0:
        return "the program ended (os._exit) before its start-up finished"
    last = f": {lines[-1]}" if lines else ""
    return _one_line(f"the start-up exited with status {status} before it finished{last}")


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


# -- a run from the child runs ----------------------------------------------------------------------------------


def profile(
    target: Target,
    *,
    root: str,
    repeat: int = 3,
    python: str = sys.executable,
    timeout: float = 120.0,
    command: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> costdb.Run:
    """Profile ``repeat`` start-ups of ``target`` (after a warm-up) into a run."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    root = os.path.abspath(root)
    run = costdb.Run("profile", project_root=root, command=command, repeat=repeat, target=target.name)
    total = 1 + 2 * repeat

    def one(index: int, traced: bool, label: str) -> ChildRun:
        child = run_child(target, root=root, traced=traced, python=python, timeout=timeout)
        if progress is not None:
            progress(f"run {index}/{total} ({label}): {child.wall_ns / 1e6:.1f} ms")
        return child

    one(1, False, "warm-up")
    light: list[ChildRun] = []
    traced: list[ChildRun] = []
    for number in range(repeat):
        light.append(one(2 + 2 * number, False, "light"))
        traced.append(one(3 + 2 * number, True, "traced"))
    first = light[0]
    run.python_version = first.python_version
    run.implementation = first.implementation
    run.total_samples = [child.wall_ns / 1000 for child in light]
    light_wall = statistics.median(child.wall_ns for child in light)
    traced_wall = statistics.median(child.wall_ns for child in traced)
    run.overhead = traced_wall / light_wall if light_wall else None
    run.details = {
        "mode": target.kind,
        "arguments": list(target.args),
        "python": python,
        "tracer": traced[0].tracer,
        "traced_samples": [child.wall_ns / 1000 for child in traced],
        "warm_up_runs": 1,
        "outside_statements_min_us": OUTSIDE_MIN_US,
        "untraced_bodies": sorted({f"{path}:{line}" for path, line in traced[0].untraced}),
    }
    names = module_names(light + traced)
    run.modules = modules(light)
    run.statements = statements(traced, names, root)
    run.imports = edges(traced[0])
    run.queries = queries(light)
    return run


def module_names(children: Iterable[ChildRun]) -> dict[str, str]:
    """Absolute file -> module name, from the modules the start-ups loaded."""
    names: dict[str, str] = {}
    for child in children:
        for name, _parent, _depth, _ns, path, failed in child.loads:
            if path and not failed:
                names.setdefault(os.path.abspath(path), name)
        if child.main_path:
            names.setdefault(os.path.abspath(child.main_path), "__main__")
    return names


def modules(children: Sequence[ChildRun]) -> list[costdb.ModuleTiming]:
    """Every module's in-context cost: its self and cumulative time as the start-ups paid
    them, median over the runs; the tree as the first run that loaded it saw it."""
    first_seen: dict[str, tuple[int, int, str | None, int, str | None]] = {}
    self_samples: dict[str, list[float]] = {}
    cumulative_samples: dict[str, list[float]] = {}
    for run_index, child in enumerate(children):
        children_ns = [0] * len(child.loads)  # what each module's own imports took
        for _name, parent, _depth, ns, _path, failed in child.loads:
            if parent >= 0 and not failed:
                children_ns[parent] += ns
        seen: set[str] = set()
        for index, (name, parent, depth, ns, path, failed) in enumerate(child.loads):
            if failed or name in seen:  # a failed import is paid by its importer; a reload is not a new module
                continue
            seen.add(name)
            parent_name = child.loads[parent][0] if parent >= 0 else None
            first_seen.setdefault(name, (run_index, index, parent_name, depth, path))
            self_samples.setdefault(name, []).append(max(0, ns - children_ns[index]) / 1000)
            cumulative_samples.setdefault(name, []).append(ns / 1000)
    order = sorted(first_seen, key=lambda name: first_seen[name][:2])
    return [
        costdb.ModuleTiming(
            "", seq, name, first_seen[name][2], first_seen[name][3], first_seen[name][4],
            costdb.Spread(self_samples[name]), costdb.Spread(cumulative_samples[name]),
        )
        for seq, name in enumerate(order)
    ]  # fmt: skip


def statements(children: Sequence[ChildRun], names: dict[str, str], root: str) -> list[costdb.StatementTiming]:
    """The inclusive time of every import-time statement, median over the traced runs.

    The children time lines; a statement that spans several lines gets the
    time of all of them (and a compound statement, the time of its header:
    its body's statements have their own). Every statement of the project is
    kept, and those outside it that take at least :data:`OUTSIDE_MIN_US`.
    """
    largest: dict[str, int] = {}  # the longest line of each file
    for child in children:
        for path, _line, ns in child.statements:
            largest[path] = max(largest.get(path, 0), ns)
    in_project = {path: costdb.stored_path(path, root)[1] for path in largest}
    maps = {
        path: statement_map(path)
        for path, longest in largest.items()
        if in_project[path] or longest >= OUTSIDE_MIN_US * 1000
    }
    per_run: list[dict[tuple[str, int], int]] = []
    scopes: dict[tuple[str, int], str] = {}
    for child in children:
        totals: dict[tuple[str, int], int] = {}
        for path, line, ns in child.statements:
            mapping = maps.get(path)
            if mapping is None:
                continue
            statement, scope = mapping.get(line, (line, "module"))
            key = (path, statement)
            totals[key] = totals.get(key, 0) + ns
            scopes.setdefault(key, scope)
        per_run.append(totals)
    found: list[costdb.StatementTiming] = []
    for key in sorted(scopes):
        samples = [totals[key] / 1000 for totals in per_run if key in totals]
        spread = costdb.Spread(samples)
        path, line = key
        if in_project[path] or spread.median >= OUTSIDE_MIN_US:
            found.append(costdb.StatementTiming(path, line, _module_name(path, names, root), scopes[key], spread))
    return found


def _module_name(path: str, names: dict[str, str], root: str) -> str:
    known = names.get(os.path.abspath(path))
    if known:
        return known
    stored, in_project = costdb.stored_path(path, root)
    parts = list(Path(stored if in_project and stored else os.path.basename(path)).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def statement_map(path: str) -> dict[int, tuple[int, str]]:
    """Line -> (first line of the statement it belongs to, scope) for the module- and
    class-body statements of a file; ``scope`` is ``module`` or ``class A.B``.

    A compound statement owns the lines of its header (``for``, ``with``, ``if``
    tests, ``except`` clauses); each statement of its body owns its own lines.
    A ``def`` owns its decorators and signature (defaults and annotations run at
    import), a ``class`` its decorators, bases and keywords. An unreadable or
    unparsable file maps nothing (each line is then its own statement).
    """
    try:
        with tokenize.open(path) as file:
            tree = ast.parse(file.read(), path)
    except (OSError, SyntaxError, ValueError):  # ValueError: also a bad encoding
        return {}
    owners: dict[int, tuple[int, str]] = {}

    def own(first: int, last: int, statement: int, scope: str) -> None:
        for line in range(first, last + 1):
            owners[line] = (statement, scope)

    def body(statements: list[ast.stmt], scope: str, prefix: str) -> None:
        for statement in statements:
            visit(statement, scope, prefix)

    def visit(statement: ast.stmt, scope: str, prefix: str) -> None:
        first = statement.lineno
        decorators = getattr(statement, "decorator_list", [])
        if decorators:
            first = min(first, *(decorator.lineno for decorator in decorators))
        last = statement.end_lineno or statement.lineno
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            header_end = max(statement.lineno, statement.body[0].lineno - 1)
            own(first, header_end, statement.lineno, scope)
            if isinstance(statement, ast.ClassDef):
                qualified = f"{prefix}{statement.name}"
                body(statement.body, f"class {qualified}", f"{qualified}.")
            return
        own(first, last, statement.lineno, scope)
        for name in ("body", "orelse", "finalbody"):
            nested = getattr(statement, name, None)
            if isinstance(nested, list) and nested and isinstance(nested[0], ast.stmt):
                body(nested, scope, prefix)
        for handler in getattr(statement, "handlers", ()):
            body(handler.body, scope, prefix)
        for case in getattr(statement, "cases", ()):
            body(case.body, scope, prefix)

    body(tree.body, "module", "")
    return owners


def edges(child: ChildRun) -> list[costdb.ImportEdge]:
    """The import edges of a traced start-up, each (module, line, first) once, in the order seen."""
    seen: set[tuple[str, str, int, bool]] = set()
    found: list[costdb.ImportEdge] = []
    for edge in child.edges:
        key = (edge[0], edge[1], edge[2], bool(edge[3]))
        if key not in seen:
            seen.add(key)
            found.append(costdb.ImportEdge(len(found), key[0], key[1], key[2], key[3]))
    return found


def queries(children: Sequence[ChildRun]) -> list[costdb.Query]:
    """The queries of the first light start-up; durations are medians over the runs
    that ran the same queries in the same order."""
    first = children[0].queries
    same = [child.queries for child in children if [q[0] for q in child.queries] == [q[0] for q in first]]
    inlined = _inlines_comprehensions(children[0].python_version)
    lines: dict[str, dict[int, int]] = {}
    found: list[costdb.Query] = []
    for seq, (sql, _ns, source, path, line, function_path, function_line, function) in enumerate(first):
        duration = statistics.median(run[seq][1] for run in same) / 1000
        if inlined and path is not None and line is not None:
            if path not in lines:
                lines[path] = comprehension_lines(path)
            line = lines[path].get(line, line)
        found.append(costdb.Query(seq, sql, duration, source, path, line, function_path, function_line, function))
    return found


def _inlines_comprehensions(python_version: str) -> bool:
    """Whether that Python (``3.12.1``) runs comprehensions in the frame of the code around them (PEP 709)."""
    try:
        return tuple(int(part) for part in python_version.split(".")[:2]) >= (3, 12)
    except ValueError:
        return False


def comprehension_lines(path: str) -> dict[int, int]:
    """Line -> first line, for the later lines of each multi-line list, set or dict comprehension.

    From Python 3.12 (PEP 709) such a comprehension runs in the frame of the
    module or class body around it, so what it runs is seen on its own lines (the
    query of ``for slug in Category.objects...`` on the ``for`` clause's); before,
    and where flake8 reports it, on the comprehension's first line. The queries
    of a start-up are stored on that line, whichever Python ran it.
    """
    try:
        with tokenize.open(path) as file:
            tree = ast.parse(file.read(), path)
    except (OSError, SyntaxError, ValueError):
        return {}
    first: dict[int, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp)) and node.end_lineno is not None:
            for line in range(node.lineno + 1, node.end_lineno + 1):
                first[line] = min(first.get(line, node.lineno), node.lineno)
    return first
