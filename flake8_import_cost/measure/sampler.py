"""Time imports in clean interpreters, many samples per interpreter start.

One *server* per job: the interpreter measured, started once with
``-X importtime`` and running :mod:`flake8_import_cost.measure.child`, which
forks a child per sample. A forked child is the interpreter exactly as it was
after start-up (the server imports nothing), so each sample imports its
module into what a fresh ``python -c "import MODULE"`` would have, without
paying interpreter start-up again. Where there is no ``fork()`` (Windows),
each sample is a fresh interpreter instead.

Every way a sample can go wrong ends as a one-line reason, never an exception:
an exception or ``sys.exit()`` during the import, ``os._exit()``, a crash
(a signal), a hang past the timeout (the sample's process group is killed,
with whatever it started), a flood on standard error, a report that lost its
lines. Lines that only look like ``-X importtime`` records (a module may
write anything to fd 2) are kept out: a record counts only for a module the
import really added to ``sys.modules``.
"""

from __future__ import annotations

import ast
import os
import queue
import secrets
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flake8_import_cost.measure.child import REPORT_FILE, WARM_UP_MODULE
from flake8_import_cost.measure.importtime_log import ImportRecord, one_line, parse_record

#: Longest line of a sample's standard error that is read (longer ones are noise, skipped).
MAX_LINE = 1 << 20
#: How much of an overlong line is kept: enough for a record at its end.
_TAIL = 4096
_RECORD_START = "import time: "
#: Most a sample may write to its standard error (the report included) before it is stopped.
MAX_OUTPUT = 64 << 20
#: Why a sample that wrote more than that failed.
FLOODED = f"wrote more than {MAX_OUTPUT >> 20} MiB to standard error"
#: How often the size of a sample's report is checked while it runs (seconds).
REPORT_POLL = 0.1
#: How long a server may take to start, at least (seconds).
START_TIMEOUT = 60.0
#: After a timeout kill, how long the server has to report the end of the sample.
KILL_GRACE = 10.0
#: Extra seconds before a sample's own alarm ends it, should this process die first.
ALARM_MARGIN = 10


#: The module each sample imports once before it is timed (see ``child._warm_up``): small,
#: and made of what most modules have (an import, functions, a class, a comprehension).
WARM_UP_SOURCE = '''"""Imported untimed by each sample of flake8-import-cost measure, then forgotten."""
import sys


def function(value=1):
    return value


class Class:
    attribute = [function(index) for index in range(10)]

    def method(self):
        return sys.version
'''


class SamplerError(Exception):
    """The interpreter cannot be started or run the measuring code; one line."""


def is_module_name(name: str) -> bool:
    """Whether ``name`` is a dotted name of identifiers (``a.b_c``), the only names measured."""
    import keyword

    parts = name.split(".")
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in parts) and name.isprintable()


def _checked(target: str, fromlist: Sequence[str]) -> None:
    """A :class:`ValueError` unless ``target`` and every name of ``fromlist`` are identifiers.

    Names go to the measured interpreter as data (a line on its standard input, or an
    argument after its code), never as code and never through a shell; checked here as
    well as by the command, so that no caller can hand on a tab, a newline or a statement."""
    bad = [name for name in (target, *fromlist) if not is_module_name(name)]
    if bad or any("." in name for name in fromlist):
        raise ValueError(f"not a module name: {(bad or list(fromlist))[0]!r}")


@dataclass
class Sample:
    """One import of one module: its report and the modules it loaded, or why it failed."""

    records: list[ImportRecord] = field(default_factory=list)
    #: Module name -> file, for every module the import added to ``sys.modules``.
    loaded: dict[str, str | None] = field(default_factory=dict)
    #: One line when the import failed.
    error: str | None = None
    #: The module was in ``sys.modules`` before the import (interpreter start-up or preload).
    preloaded: bool = False
    #: For a ``ModuleNotFoundError``: the module that was not found.
    missing: str | None = None


@dataclass
class Interpreter:
    """What the server said of its interpreter when it started."""

    version: str
    implementation: str
    #: ``sys.modules`` after start-up (and the preloads).
    start_up: frozenset[str]
    path: tuple[str, ...]


def child_source() -> str:
    """The code the measured interpreter runs (see :mod:`flake8_import_cost.measure.child`)."""
    return Path(__file__).with_name("child.py").read_text(encoding="utf-8")


def child_environment() -> dict[str, str]:
    """The environment of the measured interpreter: ours, but bytecode caches are written
    (imports are timed as they run in real use, not compiled each time) and no import-time
    profiling is switched on behind our back."""
    drop = {"PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONINSPECT", "PYTHONSTARTUP"}
    return {key: value for key, value in os.environ.items() if key not in drop}


def describe_exit(code: int) -> str:
    """Why a sample's process ended without reporting its import."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"crashed: killed by {name}"
    return f"the process exited with status {code} before the import finished (os._exit()?)"


class _Collector:
    """Reads one sample's report: records, the child's verdict, the server's end line."""

    def __init__(self, nonce: str, *, skip_until_begin: bool) -> None:
        self.prefix = nonce + " "
        self.sample = Sample()
        self.started = not skip_until_begin
        self.pid: int | None = None
        self.end: int | None = None
        self.hello: Interpreter | None = None
        self.verdict = False
        self.noise: str | None = None
        self.received = 0
        self._partial = b""

    def feed(self, data: bytes) -> None:
        self.received += len(data)
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        for raw in lines:
            self._line(raw.decode("utf-8", "replace"))
        if len(self._partial) > MAX_LINE:  # keep the tail: a record may follow text without a newline
            self._partial = self._partial[-_TAIL:]

    def _line(self, line: str) -> None:
        if line.startswith(self.prefix):
            kind, _, rest = line[len(self.prefix):].partition(" ")
            self._control(kind, rest)
            return
        record = parse_record(line)
        if record is None and _RECORD_START in line[1:]:  # a record after text written without a newline
            record = parse_record(line[line.rindex(_RECORD_START):])
        if record is not None and self.started and not self.verdict:
            self.sample.records.append(record)
        elif line.strip() and record is None:
            self.noise = one_line(line)

    def _control(self, kind: str, rest: str) -> None:
        if kind == "hello":
            version, implementation, modules, path = ast.literal_eval(rest)
            self.hello = Interpreter(str(version), str(implementation), frozenset(modules), tuple(path))
        elif kind == "begin":
            self.started = True
        elif kind == "start":
            self.pid = int(rest)
        elif kind == "end":
            self.end = int(rest)
        elif kind == "ok" and not self.verdict:
            self.verdict = True
            self.sample.loaded = {str(name): path for name, path in ast.literal_eval(rest)}
        elif kind == "error" and not self.verdict:
            self.verdict = True
            error_type, message, missing = ast.literal_eval(rest)
            if error_type == "loaded":
                self.sample.preloaded = True
            else:
                if error_type == "SystemExit" or not message:
                    self.sample.error = one_line(message or str(error_type))
                else:
                    self.sample.error = one_line(f"{error_type}: {message}")
                self.sample.missing = str(missing) or None

    def finish(self, code: int | None) -> Sample:
        """The sample, once its process ended with ``code`` (``None``: no end seen)."""
        sample = self.sample
        if not self.verdict and sample.error is None:
            if code is None:
                sample.error = "the measuring interpreter ended unexpectedly"
            else:
                sample.error = describe_exit(code)
            if self.noise and code != 0:
                sample.error = one_line(f"{sample.error} ({self.noise})")
        if sample.error is not None or sample.preloaded:
            sample.records = []
            sample.loaded = {}
        return sample


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
            return
        except (ProcessLookupError, PermissionError):
            continue


class Server:
    """One measured interpreter that forks a child per sample."""

    def __init__(self, python: str, root: str, *, timeout: float, preload: Sequence[str] = ()) -> None:
        self.python = python
        self.root = root
        self.timeout = timeout
        self.preload = tuple(preload)
        self.nonce = secrets.token_hex(8)
        self._alarm = int(timeout) + ALARM_MARGIN
        self._log = tempfile.TemporaryFile()
        self._warm_up = tempfile.mkdtemp(prefix="flake8-import-cost-")
        self._report = os.path.join(self._warm_up, REPORT_FILE)
        Path(self._warm_up, f"{WARM_UP_MODULE}.py").write_text(WARM_UP_SOURCE, encoding="utf-8")
        self.current: int | None = None
        self.closed = False
        self.process = self._start()
        collector = _Collector(self.nonce, skip_until_begin=False)
        deadline = time.monotonic() + max(START_TIMEOUT, timeout)
        while collector.hello is None:
            if not self._read(collector, deadline):
                reason = self._start_failure()
                self.close()
                raise SamplerError(reason)
        self.interpreter = collector.hello

    def _start(self) -> subprocess.Popen[bytes]:
        command = [self.python, "-X", "importtime", "-c", child_source(), self.nonce, self.root, "serve",
                   str(self._alarm), ",".join(self.preload), self._warm_up]  # fmt: skip
        try:
            return subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, cwd=self.root,
                env=child_environment(), start_new_session=True, close_fds=True,
            )  # fmt: skip
        except OSError as error:
            raise SamplerError(f"cannot run {self.python}: {error.strerror or error}") from None

    def _start_failure(self) -> str:
        self._log.seek(0)
        lines = [
            line for line in self._log.read(1 << 16).decode("utf-8", "replace").splitlines()
            if line.strip() and parse_record(line) is None
        ]  # fmt: skip
        detail = f": {one_line(lines[-1])}" if lines else ""
        return f"{self.python} cannot run the measuring code (Python 3.10 or later is needed){detail}"

    def _read(self, collector: _Collector, deadline: float) -> bool | None:
        """Read what is there until ``deadline``: ``True`` when something was read, ``None``
        when time is up first, ``False`` at end of file."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        data = os.read(fd, 1 << 16)
        if not data:
            return False
        collector.feed(data)
        return True

    def _report_size(self) -> int:
        try:
            return os.stat(self._report).st_size
        except OSError:
            return 0

    def _read_report(self, collector: _Collector) -> None:
        """Feed the report the last child wrote to ``collector`` (at most :data:`MAX_OUTPUT`)."""
        try:
            with open(self._report, "rb") as report:
                left = MAX_OUTPUT
                while left > 0 and (data := report.read(min(left, 1 << 20))):
                    collector.feed(data)
                    left -= len(data)
        except OSError:
            pass  # none: the sample ends as one that did not report

    def sample(self, target: str, fromlist: Sequence[str] = ()) -> Sample:
        """Import ``target`` (``from target import *fromlist``) once in a forked child."""
        _checked(target, fromlist)
        if self.closed or self.process.poll() is not None:
            raise SamplerError("the measuring interpreter is not running")
        assert self.process.stdin is not None
        collector = _Collector(self.nonce, skip_until_begin=False)
        try:
            self.process.stdin.write(f"{target}\t{','.join(fromlist)}\n".encode())
            self.process.stdin.flush()
        except OSError:
            return collector.finish(None)
        deadline = time.monotonic() + self.timeout
        stopped: str | None = None
        while collector.end is None:
            if collector.pid is not None:
                self.current = collector.pid
                if stopped is None and self._report_size() > MAX_OUTPUT:
                    stopped = FLOODED
                    _kill_group(collector.pid)
                    deadline = time.monotonic() + KILL_GRACE
            read = self._read(collector, min(deadline, time.monotonic() + REPORT_POLL))
            if read or (read is None and time.monotonic() < deadline):
                continue
            if read is None and stopped is None and collector.pid is not None:
                stopped = f"timed out after {self.timeout:g} s"
                _kill_group(collector.pid)
                deadline = time.monotonic() + KILL_GRACE
                continue
            self.current = None
            self.close()  # the server died or hangs: it is of no more use
            sample = collector.finish(None)
            sample.error = stopped or sample.error
            return sample
        self.current = None
        if stopped is None and self._report_size() > MAX_OUTPUT:  # it ended between two checks
            stopped = FLOODED
        if stopped is None:
            self._read_report(collector)
        sample = collector.finish(collector.end)
        if stopped is not None:
            sample.error, sample.records, sample.loaded = stopped, [], {}
        return sample

    def kill_current(self) -> None:
        """Stop the sample that runs now, if any (from another thread)."""
        pid = self.current
        if pid is not None:
            _kill_group(pid)

    def close(self) -> None:
        """Stop the server and whatever runs in it."""
        if self.closed:
            return
        self.closed = True
        self.kill_current()
        _kill_group(self.process.pid)
        try:
            self.process.wait(timeout=KILL_GRACE)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        self._log.close()
        shutil.rmtree(self._warm_up, ignore_errors=True)


def sample_once(
    python: str, root: str, target: str, fromlist: Sequence[str] = (), *, timeout: float, preload: Sequence[str] = ()
) -> tuple[Sample, Interpreter | None]:
    """One sample in a fresh interpreter, the way a platform without ``fork()`` measures.

    (On Windows, where ``select()`` cannot wait on pipes, this would need a reader
    thread; the command only uses it where there is no ``fork()``, and says so.)
    """
    _checked(target, fromlist)
    nonce = secrets.token_hex(8)
    command = [python, "-X", "importtime", "-c", child_source(), nonce, root, "once",
               str(int(timeout) + ALARM_MARGIN), ",".join(preload), "", target, ",".join(fromlist)]  # fmt: skip
    collector = _Collector(nonce, skip_until_begin=True)
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=root,
            env=child_environment(), start_new_session=True,
        )  # fmt: skip
    except OSError as error:
        raise SamplerError(f"cannot run {python}: {error.strerror or error}") from None
    assert process.stderr is not None
    stopped: str | None = None
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                stopped = f"timed out after {timeout:g} s"
                break
            if collector.received > MAX_OUTPUT:
                stopped = FLOODED
                break
            ready, _, _ = select.select([process.stderr], [], [], remaining)
            if ready:
                data = os.read(process.stderr.fileno(), 1 << 16)
                if not data:
                    break
                collector.feed(data)
    except BaseException:
        _kill_group(process.pid)
        process.wait()
        raise
    finally:
        process.stderr.close()
    if stopped is not None:
        _kill_group(process.pid)
    try:
        code = process.wait(timeout=KILL_GRACE)
    except subprocess.TimeoutExpired:  # it closed its standard error and went on
        _kill_group(process.pid)
        code = process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)  # what it started and left behind
    except OSError:
        pass
    sample = collector.finish(code)
    if stopped is not None:
        sample.error, sample.records, sample.loaded = stopped, [], {}
    return sample, collector.hello


# -- import trees -------------------------------------------------------------------------------------


@dataclass
class Node:
    """One module of a sample's import tree."""

    name: str
    parent: str | None
    depth: int
    path: str | None
    self_us: int
    cumulative_us: int


def tree(sample: Sample) -> list[Node]:
    """The modules a sample imported, in report order (a module after what it imported).

    A record's parent is the next record one level up. Records of modules the
    import did not leave in ``sys.modules`` are dropped (an import that failed
    inside ``try``, or a line that only looks like a record); their children
    move up to the nearest ancestor kept, and depths count kept ancestors only.
    A module reported twice keeps its first record.
    """
    records = sample.records
    parents: list[int | None] = [None] * len(records)
    nearest: dict[int, int] = {}  # depth -> index of the nearest following record at that depth
    for index in range(len(records) - 1, -1, -1):
        depth = records[index].depth
        parents[index] = nearest.get(depth - 1) if depth else None
        for deeper in [d for d in nearest if d >= depth]:
            del nearest[deeper]
        nearest[depth] = index
    seen: set[str] = set()
    kept: set[int] = set()
    for index, record in enumerate(records):
        if record.module in sample.loaded and record.module not in seen:
            seen.add(record.module)
            kept.add(index)

    def kept_parent(index: int) -> int | None:
        parent = parents[index]
        while parent is not None and parent not in kept:
            parent = parents[parent]
        return parent

    depths: dict[int, int] = {}

    def depth_of(index: int) -> int:
        if index not in depths:
            parent = kept_parent(index)
            depths[index] = 0 if parent is None else depth_of(parent) + 1
        return depths[index]

    for index in sorted(kept, reverse=True):  # parents first: no deep recursion
        depth_of(index)
    nodes = []
    for index in sorted(kept):
        record, parent = records[index], kept_parent(index)
        nodes.append(
            Node(record.module, None if parent is None else records[parent].module, depths[index],
                 sample.loaded[record.module], record.self_us, record.cumulative_us)
        )  # fmt: skip
    return nodes


# -- many targets, in parallel ------------------------------------------------------------------------


@dataclass
class Target:
    """A module to measure: ``import name``, or ``from name import *fromlist``."""

    name: str
    fromlist: tuple[str, ...] = ()


@dataclass
class Outcome:
    """The timed samples of one target, or why it could not be measured."""

    target: Target
    samples: list[Sample] = field(default_factory=list)
    #: The untimed first sample (what it loaded tells which names of a from-list are modules).
    warmup: Sample | None = None
    error: str | None = None
    preloaded: bool = False
    missing: str | None = None


class Pool:
    """``jobs`` measured interpreters that share a queue of targets.

    Each target gets one untimed sample first (it writes the bytecode caches
    and warms the file system cache), then ``repeat`` timed ones, all in the
    same server; servers measure different targets at the same time. Use it
    as a context manager: leaving it stops every interpreter and sample.
    """

    def __init__(
        self, python: str, root: str, *, jobs: int, timeout: float, preload: Sequence[str] = (),
        fork: bool | None = None,
    ) -> None:  # fmt: skip
        self.python = python
        self.root = root
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.preload = tuple(preload)
        self.fork = hasattr(os, "fork") if fork is None else fork
        self._servers: list[Server] = []
        self._idle: list[Server] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.interpreter: Interpreter = self._probe()

    def _probe(self) -> Interpreter:
        """Start the first server (or run one sample) to learn about the interpreter."""
        if self.fork:
            server = Server(self.python, self.root, timeout=self.timeout, preload=self.preload)
            self._servers.append(server)
            self._idle.append(server)
            return server.interpreter
        _, hello = sample_once(self.python, self.root, "sys", timeout=max(START_TIMEOUT, self.timeout),
                               preload=self.preload)  # fmt: skip
        if hello is None:
            raise SamplerError(f"{self.python} cannot run the measuring code (Python 3.10 or later is needed)")
        return hello

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every server and the samples they run."""
        self._stop.set()
        with self._lock:
            servers = list(self._servers)
        for server in servers:
            server.close()

    def _server(self) -> Server:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            if self._stop.is_set():
                raise SamplerError("stopped")
        server = Server(self.python, self.root, timeout=self.timeout, preload=self.preload)
        with self._lock:
            self._servers.append(server)
        return server

    def measure(self, target: Target, repeat: int, server: Server | None) -> tuple[Outcome, Server | None]:
        """All samples of one target; returns the server to use next (``None``: it died)."""
        outcome = Outcome(target)
        for number in range(repeat + 1):
            if self._stop.is_set():
                outcome.error = "stopped"
                break
            if self.fork:
                assert server is not None
                sample = server.sample(target.name, target.fromlist)
            else:
                sample, _ = sample_once(self.python, self.root, target.name, target.fromlist,
                                        timeout=self.timeout, preload=self.preload)  # fmt: skip
            if sample.error is not None or sample.preloaded:
                outcome.error, outcome.preloaded, outcome.missing = sample.error, sample.preloaded, sample.missing
                outcome.samples = []
                break
            if number:
                outcome.samples.append(sample)
            else:
                outcome.warmup = sample
        if server is not None and server.closed:
            server = None
        return outcome, server

    def run(self, targets: Sequence[Target], repeat: int) -> Iterator[Outcome]:
        """Measure ``targets``; yields each outcome as it is done (in no fixed order)."""
        work: queue.SimpleQueue[Target] = queue.SimpleQueue()
        for target in targets:
            work.put(target)
        done: queue.SimpleQueue[Outcome | BaseException | None] = queue.SimpleQueue()

        def worker() -> None:
            server: Server | None = None
            try:
                while not self._stop.is_set():
                    try:
                        target = work.get_nowait()
                    except queue.Empty:
                        break
                    if self.fork and server is None:
                        server = self._server()
                    outcome, server = self.measure(target, repeat, server)
                    done.put(outcome)
            except BaseException as error:  # noqa: B036 - handed to the main thread, which raises it
                done.put(error)
            finally:
                if server is not None and not server.closed:
                    with self._lock:
                        self._idle.append(server)
                done.put(None)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(self.jobs, len(targets)))]
        for thread in threads:
            thread.start()
        running = len(threads)
        finished = False
        try:
            while running:
                try:
                    item = done.get(timeout=0.2)
                except queue.Empty:
                    continue
                if item is None:
                    running -= 1
                elif isinstance(item, BaseException):
                    raise item
                else:
                    yield item
            finished = True
        finally:
            if not finished:  # interrupted, or a server could not start: stop everything now
                self.close()
            for thread in threads:
                thread.join(timeout=KILL_GRACE)
