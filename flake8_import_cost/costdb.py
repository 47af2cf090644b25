"""The measured-cost store: one SQLite file (``.import-cost.db`` by default).

It keeps every measurement run, with what was measured, on which Python and
platform, when, and by which command. Two kinds of run fill it:

* ``measure`` runs import modules one by one in fresh interpreters: for each
  *target* module, the whole tree of modules its import loaded, with the
  median and spread of each one's self and cumulative time;
* ``profile`` runs start the project once (several times, for medians): every
  module's in-context cost, the inclusive cost of every import-time statement,
  every import edge (which line imported which module, first or not) and every
  SQL query with the line that caused it.

Writers (the commands) collect a run in memory and write it in one
transaction, so an interrupted run leaves nothing behind and two concurrent
writers both land (WAL mode, a busy timeout). Readers (the plugin, ``report``,
``check``) open the file read-only and take the latest run for the running
Python's ``major.minor``.

Paths of the project's files are stored relative to the project root (with
``/`` separators), so a database made on one machine, such as a CI artifact,
weights findings on another; files outside the project (the standard library,
installed packages) keep their absolute path and ``in_project = 0``.

The store knows no rule: it stores and returns figures. Every problem with the
file (corrupt, truncated, foreign, newer schema, locked, unreadable, disk full)
is a :class:`CostDBError` whose text is one line for the user.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path, PurePath
from typing import TypeVar

#: ``PRAGMA application_id`` of our files: "IMCD".
APPLICATION_ID = 0x494D4344
#: ``PRAGMA user_version``: the schema this code writes and reads.
SCHEMA_VERSION = 1
#: How long a writer waits for another writer, and a reader for a lock, in seconds.
WRITE_TIMEOUT_S = 60.0
READ_TIMEOUT_S = 2.0
#: How long one SQLite call of a writer waits for a lock before this code looks again. Python
#: handles a signal (Ctrl-C) only between SQLite calls: one call waiting the whole
#: :data:`WRITE_TIMEOUT_S` would hold off an interrupt for as long.
LOCK_SLICE_S = 0.1
_T = TypeVar("_T")
#: Directory names below the project root that hold installed packages, not project code.
_INSTALLED_DIRS = frozenset({"site-packages", "dist-packages", "__pypackages__"})

#: The schema, one list of statements per version: ``MIGRATIONS[n]`` takes a file from
#: version ``n - 1`` to ``n``. A new version appends to this list and never edits an old one.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('measure', 'profile')),
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            python_version TEXT NOT NULL,
            python_minor TEXT NOT NULL,
            implementation TEXT NOT NULL,
            platform TEXT NOT NULL,
            command TEXT NOT NULL,
            project_root TEXT NOT NULL,
            target TEXT NOT NULL DEFAULT '',
            repeat INTEGER NOT NULL,
            total_us REAL,
            total_samples TEXT NOT NULL DEFAULT '[]',
            overhead REAL,
            details TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE modules (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            seq INTEGER NOT NULL,
            name TEXT NOT NULL,
            parent TEXT,
            depth INTEGER NOT NULL,
            path TEXT,
            in_project INTEGER NOT NULL DEFAULT 0,
            self_us REAL NOT NULL,
            self_min_us REAL NOT NULL,
            self_max_us REAL NOT NULL,
            self_iqr_us REAL NOT NULL,
            cumulative_us REAL NOT NULL,
            cumulative_min_us REAL NOT NULL,
            cumulative_max_us REAL NOT NULL,
            cumulative_iqr_us REAL NOT NULL,
            self_samples TEXT NOT NULL,
            cumulative_samples TEXT NOT NULL,
            PRIMARY KEY (run_id, target, name)
        )""",
        """CREATE TABLE failures (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (run_id, target)
        )""",
        """CREATE TABLE statements (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            line INTEGER NOT NULL,
            module TEXT NOT NULL,
            scope TEXT NOT NULL,
            in_project INTEGER NOT NULL DEFAULT 0,
            inclusive_us REAL NOT NULL,
            min_us REAL NOT NULL,
            max_us REAL NOT NULL,
            iqr_us REAL NOT NULL,
            samples TEXT NOT NULL,
            PRIMARY KEY (run_id, path, line)
        )""",
        """CREATE TABLE imports (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            module TEXT NOT NULL,
            path TEXT NOT NULL,
            line INTEGER NOT NULL,
            first INTEGER NOT NULL,
            in_project INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, seq)
        )""",
        """CREATE TABLE queries (
            run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            path TEXT,
            line INTEGER,
            function_path TEXT,
            function_line INTEGER,
            function TEXT,
            sql TEXT NOT NULL,
            duration_us REAL NOT NULL,
            source TEXT NOT NULL,
            PRIMARY KEY (run_id, seq)
        )""",
        "CREATE INDEX runs_latest ON runs (kind, python_minor, id)",
        "CREATE INDEX modules_by_name ON modules (name, run_id)",
        "CREATE INDEX imports_by_module ON imports (run_id, module)",
        "CREATE INDEX queries_by_path ON queries (run_id, path)",
    ),
}
#: Every table of the current schema (a file with all of them and our id is ours).
TABLES = ("runs", "modules", "failures", "statements", "imports", "queries")


class CostDBError(Exception):
    """A problem with the database file; ``str()`` is one line for the user."""


# -- what a run holds ---------------------------------------------------------------------------------------


class Spread:
    """The median and spread of repeated samples (microseconds)."""

    __slots__ = ("samples", "median", "low", "high", "iqr")

    def __init__(self, samples: Iterable[float]) -> None:
        self.samples = tuple(float(s) for s in samples)
        if not self.samples:
            raise ValueError("a spread needs at least one sample")
        ordered = sorted(self.samples)
        self.median = float(statistics.median(ordered))
        self.low, self.high = ordered[0], ordered[-1]
        if len(ordered) >= 2:
            q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
            self.iqr = q3 - q1
        else:
            self.iqr = 0.0

    def __repr__(self) -> str:
        return f"Spread(median={self.median:g}, low={self.low:g}, high={self.high:g}, n={len(self.samples)})"


class ModuleTiming:
    """One module of an import tree: its place in the tree and its timings.

    ``target`` is the module a ``measure`` run imported in a fresh interpreter
    (the root of this tree), or ``""`` in a ``profile`` run.
    """

    __slots__ = ("target", "seq", "name", "parent", "depth", "path", "self_us", "cumulative_us")

    def __init__(
        self,
        target: str,
        seq: int,
        name: str,
        parent: str | None,
        depth: int,
        path: str | None,
        self_us: Spread,
        cumulative_us: Spread,
    ) -> None:
        self.target = target
        self.seq = seq
        self.name = name
        self.parent = parent
        self.depth = depth
        self.path = path
        self.self_us = self_us
        self.cumulative_us = cumulative_us


class StatementTiming:
    """The inclusive time of one import-time statement (a module- or class-body line)."""

    __slots__ = ("path", "line", "module", "scope", "inclusive_us")

    def __init__(self, path: str, line: int, module: str, scope: str, inclusive_us: Spread) -> None:
        self.path = path
        self.line = line
        self.module = module
        self.scope = scope
        self.inclusive_us = inclusive_us


class ImportEdge:
    """An import-time statement that imported ``module``: ``first`` when it loaded
    the module, not when it found it loaded already."""

    __slots__ = ("seq", "module", "path", "line", "first")

    def __init__(self, seq: int, module: str, path: str, line: int, first: bool) -> None:
        self.seq = seq
        self.module = module
        self.path = path
        self.line = line
        self.first = first


class Query:
    """One SQL query run during start-up, with the import-time line that caused it
    and, when a start-up function ran it (``AppConfig.ready()``), that function."""

    __slots__ = ("seq", "path", "line", "function_path", "function_line", "function", "sql", "duration_us", "source")

    def __init__(
        self,
        seq: int,
        sql: str,
        duration_us: float,
        source: str,
        path: str | None = None,
        line: int | None = None,
        function_path: str | None = None,
        function_line: int | None = None,
        function: str | None = None,
    ) -> None:
        self.seq = seq
        self.sql = sql
        self.duration_us = duration_us
        self.source = source
        self.path = path
        self.line = line
        self.function_path = function_path
        self.function_line = function_line
        self.function = function


class Run:
    """One measurement run, as a command collects it before writing it.

    Paths may be absolute or relative to the working directory; :func:`write_run`
    stores those inside ``project_root`` relative to it.
    """

    def __init__(
        self,
        kind: str,
        *,
        project_root: str | os.PathLike[str],
        command: Sequence[str],
        repeat: int,
        target: str = "",
        started_at: datetime | None = None,
    ) -> None:
        if kind not in ("measure", "profile"):
            raise ValueError(f"unknown run kind {kind!r}")
        self.kind = kind
        self.project_root = os.path.abspath(project_root)
        self.command = list(command)
        self.repeat = repeat
        self.target = target
        self.started_at = started_at or datetime.now(timezone.utc)
        self.finished_at: datetime | None = None
        #: The start-up's total time per repeat (µs), when the run measured one.
        self.total_samples: list[float] = []
        #: Profile: traced start-up time over the untraced one.
        self.overhead: float | None = None
        #: Free-form facts about the run (the interpreter measured, options...), stored as JSON.
        self.details: dict[str, object] = {}
        self.python_version = platform.python_version()
        self.implementation = platform.python_implementation()
        self.platform = platform.platform()
        self.modules: list[ModuleTiming] = []
        self.failures: dict[str, str] = {}
        self.statements: list[StatementTiming] = []
        self.imports: list[ImportEdge] = []
        self.queries: list[Query] = []

    @property
    def python_minor(self) -> str:
        return ".".join(self.python_version.split(".")[:2])


# -- paths ----------------------------------------------------------------------------------------------


def stored_path(path: str | None, root: str) -> tuple[str | None, bool]:
    """How a file's path is stored: relative to ``root`` with ``/`` when it is
    project code, else absolute; and whether it is project code."""
    if not path:
        return None, False
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive
        return absolute, False
    parts = PurePath(relative).parts
    if not parts or parts[0] == os.pardir or _INSTALLED_DIRS.intersection(parts) or _is_virtualenv(root, parts):
        return absolute, False
    return "/".join(parts), True


def _is_virtualenv(root: str, parts: tuple[str, ...]) -> bool:
    """Whether the first directory of ``parts`` under ``root`` is a virtualenv (``.venv/``)."""
    return len(parts) > 1 and os.path.exists(os.path.join(root, parts[0], "pyvenv.cfg"))


# -- opening and writing ----------------------------------------------------------------------------------


def _describe(path: str | os.PathLike[str], error: BaseException, *, waited: float | None = None) -> str:
    """One line on what went wrong with the file at ``path``, in the user's terms where SQLite's are vague."""
    text = " ".join(str(error).split()) or type(error).__name__
    name = str(getattr(error, "sqlite_errorname", ""))  # Python 3.11+
    if isinstance(error, sqlite3.DatabaseError) and "not a database" in text:
        text = "not an SQLite database (corrupt or truncated?)"
    elif "unable to open database file" in text:
        problem = _directory_problem(path)
        if problem:
            text = problem
    elif "locked" in text and waited is not None:
        text = f"database is locked: another program held it for more than {waited:g} s"
    elif name == "SQLITE_FULL" or "disk is full" in text:
        text = "the disk is full: nothing was written"
    elif name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
        text = f"{text} (the disk full, or the file too large?): nothing was written"
    return f"{os.fspath(path)}: {text}"


def _directory_problem(path: str | os.PathLike[str]) -> str | None:
    """Why a writer cannot create the file at ``path`` or the journal beside it, or ``None``.

    SQLite says only "unable to open database file"; the directory says why. The test is a real
    file made and removed, as the permission bits do not tell for root, nor for a read-only mount
    or an immutable directory."""
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        return "its directory does not exist"
    try:
        descriptor, probe = tempfile.mkstemp(prefix=".import-cost-probe-", dir=directory)
    except OSError as error:
        return f"cannot write in its directory: {error.strerror or error}"
    os.close(descriptor)
    os.unlink(probe)
    return None


def _check_schema(connection: sqlite3.Connection, path: str | os.PathLike[str], *, empty_ok: bool) -> int:
    """The schema version of an open file, or :class:`CostDBError` when it is not ours or too new.

    The header and the tables are read in one transaction: read one statement at a
    time, a writer creating the file between them shows tables without our id."""
    own = not connection.in_transaction
    if own:
        connection.execute("BEGIN")
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        if own and connection.in_transaction:
            connection.execute("COMMIT")
    if application_id == 0 and version == 0 and not tables:
        if empty_ok:
            return 0
        raise CostDBError(f"{os.fspath(path)}: empty database, no run measured yet")
    if application_id != APPLICATION_ID:
        raise CostDBError(f"{os.fspath(path)}: not a flake8-import-cost database")
    if version > SCHEMA_VERSION:
        raise CostDBError(
            f"{os.fspath(path)}: written by a newer flake8-import-cost (schema {version}; this version reads"
            f" up to {SCHEMA_VERSION}): upgrade flake8-import-cost"
        )
    missing = [table for table in TABLES if table not in tables] if version == SCHEMA_VERSION else []
    if missing:
        raise CostDBError(f"{os.fspath(path)}: damaged flake8-import-cost database (no table {missing[0]})")
    return int(version)


def _migrate(connection: sqlite3.Connection, version: int) -> None:
    """Bring a file at ``version`` up to :data:`SCHEMA_VERSION`, inside the caller's transaction."""
    for step in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[step]:
            connection.execute(statement)
    if version == 0:
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _locked(error: sqlite3.Error) -> bool:
    return isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error))


def _patiently(action: Callable[[], _T], deadline: float) -> _T:
    """``action()``, again while SQLite says the file is locked, until ``deadline``.

    Each try waits at most :data:`LOCK_SLICE_S` inside SQLite, so Ctrl-C stops a
    writer that waits for another at once."""
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _use_wal(connection: sqlite3.Connection) -> bool:
    """Switch the file to WAL mode while it is written; whether it is in it (a file system
    without the shared memory WAL needs keeps the rollback journal). SQLite answers "database
    is locked" at once, without waiting, when another writer holds the new file while this one
    switches it: the caller waits for it, as for every other lock."""
    if connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return True
    return bool(connection.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal")


def _at_rest(connection: sqlite3.Connection) -> None:
    """Put the file back in rollback-journal mode: one file to share (a CI artifact has no
    -wal beside it), readable from a read-only directory. While another connection is open
    this is a no-op, and the last writer does it."""
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(LOCK_SLICE_S * 1000)}")
        connection.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error:
        pass


def _back_at_rest(path: str | os.PathLike[str]) -> None:
    """After a write that failed: the file back in rollback-journal mode, as it was before, when
    no other connection uses it.

    On a full disk SQLite cannot make the shared-memory file that WAL mode needs, and so cannot
    leave WAL mode the usual way either; a connection that holds the file alone (exclusive
    locking) needs no shared memory. Holding the file alone, the shared-memory file the failed
    writer left is no one's: it goes too."""
    location = os.fspath(path)
    if not (os.path.exists(f"{location}-wal") or os.path.exists(f"{location}-shm")):
        return
    try:
        connection = sqlite3.connect(location, timeout=LOCK_SLICE_S, isolation_level=None)
    except sqlite3.Error:
        return
    try:
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        if connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete":
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the lock, if the mode was already
            if not os.path.exists(f"{location}-wal"):
                try:
                    os.unlink(f"{location}-shm")
                except OSError:
                    pass
    except sqlite3.Error:
        pass  # another connection uses the file: the last writer puts it at rest
    finally:
        connection.close()


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


@contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[sqlite3.Connection]:
    """A connection holding the write lock, in one transaction, on a file whose
    schema is current: created or migrated first. Committed when the block
    ends, rolled back when it raises; every SQLite error is a :class:`CostDBError`.

    It waits up to :data:`WRITE_TIMEOUT_S` for another writer. A file deleted or
    replaced while the block runs is an error, and the transaction is rolled back:
    committed, it would go into the file that is gone (and its WAL frames, into
    the file that took its name)."""
    try:
        connection = sqlite3.connect(os.fspath(path), timeout=LOCK_SLICE_S, isolation_level=None)
    except sqlite3.Error as error:
        raise CostDBError(_describe(path, error)) from None
    deadline = time.monotonic() + WRITE_TIMEOUT_S
    wal = failed = False
    try:
        try:
            # Before changing anything in a foreign file.
            _patiently(lambda: _check_schema(connection, path, empty_ok=True), deadline)
            wal = True  # from here on the file may be in WAL mode
            wal = _patiently(lambda: _use_wal(connection), deadline)
            connection.execute("PRAGMA foreign_keys = ON")
            _patiently(lambda: connection.execute("BEGIN IMMEDIATE"), deadline)
            identity = _identity(path)
            # Held by this writer now: nothing else waits for a lock, but give it the time another
            # program's reader may need, should the file not be in WAL mode after all.
            connection.execute(f"PRAGMA busy_timeout = {int(WRITE_TIMEOUT_S * 1000)}")
            version = _check_schema(connection, path, empty_ok=True)  # another writer may have migrated it
            if version < SCHEMA_VERSION:
                _migrate(connection, version)
        except sqlite3.Error as error:
            raise CostDBError(_describe(path, error, waited=WRITE_TIMEOUT_S)) from None
        try:
            yield connection
            if _identity(path) == identity:  # else the commit would go into the file that is gone
                connection.execute("COMMIT")
        except sqlite3.Error as error:
            raise CostDBError(_describe(path, error, waited=WRITE_TIMEOUT_S)) from None
        if _identity(path) != identity:
            wal = False  # the -wal beside the path may be another file's now: leave it alone
            raise CostDBError(
                f"{os.fspath(path)}: deleted or replaced by another program while it was written: nothing"
                " written is in it"
            )
        _at_rest(connection)
    except BaseException:
        failed = True
        if connection.in_transaction:
            try:
                connection.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the file is unusable; the first error says why
        if wal:
            _at_rest(connection)  # as the file was before
        raise
    finally:
        connection.close()
        if failed and wal:
            _back_at_rest(path)


def write_run(path: str | os.PathLike[str], run: Run) -> int:
    """Store ``run`` in one transaction; returns its id."""
    root = run.project_root
    finished = run.finished_at or datetime.now(timezone.utc)
    total = float(statistics.median(run.total_samples)) if run.total_samples else None
    with writing(path) as db:
        cursor = db.execute(
            "INSERT INTO runs (kind, started_at, finished_at, python_version, python_minor, implementation,"
            " platform, command, project_root, target, repeat, total_us, total_samples, overhead, details)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run.kind, run.started_at.isoformat(timespec="seconds"), finished.isoformat(timespec="seconds"),
                run.python_version, run.python_minor, run.implementation, run.platform, json.dumps(run.command),
                root, run.target, run.repeat, total, json.dumps(run.total_samples), run.overhead,
                json.dumps(run.details, sort_keys=True, default=str),
            ),
        )  # fmt: skip
        run_id = cursor.lastrowid
        assert run_id is not None
        db.executemany(
            "INSERT INTO modules VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (run_id, m.target, m.seq, m.name, m.parent, m.depth, *stored_path(m.path, root),
                 *_spread_columns(m.self_us), *_spread_columns(m.cumulative_us),
                 json.dumps(m.self_us.samples), json.dumps(m.cumulative_us.samples))
                for m in run.modules
            ),
        )  # fmt: skip
        failures = ((run_id, target, reason) for target, reason in run.failures.items())
        db.executemany("INSERT INTO failures VALUES (?, ?, ?)", failures)
        db.executemany(
            "INSERT INTO statements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (run_id, stored, s.line, s.module, s.scope, in_project, *_spread_columns(s.inclusive_us),
                 json.dumps(s.inclusive_us.samples))
                for s in run.statements
                for stored, in_project in (_required_path(s.path, root),)
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (run_id, e.seq, e.module, stored, e.line, int(e.first), in_project)
                for e in run.imports
                for stored, in_project in (_required_path(e.path, root),)
            ),
        )
        db.executemany(
            "INSERT INTO queries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (run_id, q.seq, stored_path(q.path, root)[0], q.line, stored_path(q.function_path, root)[0],
                 q.function_line, q.function, q.sql, q.duration_us, q.source)
                for q in run.queries
            ),
        )  # fmt: skip
    return run_id


def _spread_columns(spread: Spread) -> tuple[float, float, float, float]:
    return spread.median, spread.low, spread.high, spread.iqr


def _required_path(path: str, root: str) -> tuple[str, int]:
    stored, in_project = stored_path(path, root)
    return stored or path, int(in_project)


def delete_runs(path: str | os.PathLike[str], run_ids: Iterable[int]) -> int:
    """Delete runs (and everything they hold); returns how many were deleted."""
    ids = list(run_ids)
    with writing(path) as db:
        return sum(db.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount for run_id in ids)


# -- reading ----------------------------------------------------------------------------------------------


def open_read_only(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """A read-only connection to an existing database whose schema this code reads.

    A file at an older schema is read through the current one after
    :func:`migrate` has been run on it by a writer; readers never write, so an
    older file is reported as needing a writer. The one exception: the journal
    or WAL that a writer killed mid-write left behind, which a read-only
    connection cannot read past, is recovered (committed transactions kept, as
    the next writer would do).
    """
    location = os.fspath(path)
    if not os.path.exists(location):
        raise CostDBError(f"{location}: no such file")
    if os.path.isdir(location):
        raise CostDBError(f"{location}: is a directory, not a database")
    try:
        connection, version = _open_for_reading(location)
    except sqlite3.Error as error:
        if not (_needs_recovery(location, error) and _recover(location)):
            raise CostDBError(_describe(location, error, waited=READ_TIMEOUT_S)) from None
        try:
            connection, version = _open_for_reading(location)
        except sqlite3.Error as error:
            raise CostDBError(_describe(location, error, waited=READ_TIMEOUT_S)) from None
    if version < SCHEMA_VERSION:
        connection.close()
        raise CostDBError(
            f"{location}: written by an older flake8-import-cost (schema {version}):"
            " run any `flake8-import-cost measure` or `profile` once to update it"
        )
    connection.row_factory = sqlite3.Row
    return connection


def _open_for_reading(location: str) -> tuple[sqlite3.Connection, int]:
    """A read-only connection and the file's schema version (:class:`CostDBError` when not ours)."""
    uri = Path(os.path.abspath(location)).as_uri() + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=READ_TIMEOUT_S, isolation_level=None)
    try:
        return connection, _check_schema(connection, location, empty_ok=False)
    except BaseException:
        connection.close()
        raise


def _needs_recovery(location: str, error: sqlite3.Error) -> bool:
    """Whether a read-only connection failed on what a writer killed mid-write left behind: a
    hot rollback journal to play back, or a WAL whose index must be rebuilt, which SQLite does
    not do on a read-only connection."""
    left = os.path.exists(f"{location}-journal") or os.path.exists(f"{location}-wal")
    return "readonly database" in str(error) and left


def _recover(location: str) -> bool:
    """Let SQLite recover what a killed writer left (what the next writer would do: only
    committed transactions are kept) and put the file back at rest; whether it could."""
    try:
        connection = sqlite3.connect(location, timeout=READ_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        return False
    finally:
        _at_rest(connection)
        connection.close()
    return True


def check_writable(path: str | os.PathLike[str]) -> None:
    """A :class:`CostDBError` now, before a run is measured, when :func:`write_run` would refuse
    the file at ``path`` at its end: not an SQLite file, another program's, a newer schema, a file
    or directory that cannot be written. Changes nothing and creates nothing."""
    location = os.fspath(path)
    if os.path.isdir(location):
        raise CostDBError(f"{location}: is a directory, not a database")
    problem = _directory_problem(location)
    if problem:
        raise CostDBError(f"{location}: {problem}")
    if not os.path.exists(location):
        return
    try:
        with open(location, "r+b"):  # opened for writing, not written: what the permissions allow
            pass
    except OSError as error:
        raise CostDBError(f"{location}: cannot write the file: {error.strerror or error}") from None
    uri = Path(os.path.abspath(location)).as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=READ_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as error:
        raise CostDBError(_describe(location, error)) from None
    try:
        _check_schema(connection, location, empty_ok=True)
    except sqlite3.Error as error:
        if not _locked(error):  # a writer is at work: this one waits for it at its end
            raise CostDBError(_describe(location, error)) from None
    finally:
        connection.close()


def migrate(path: str | os.PathLike[str]) -> None:
    """Create the file, or bring it to the current schema."""
    with writing(path):
        pass


def python_minor() -> str:
    """The running Python's ``major.minor``: readers take runs made on it."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def latest_run(db: sqlite3.Connection, kind: str, minor: str | None = None) -> sqlite3.Row | None:
    """The latest run of ``kind`` on Python ``minor`` (default: the running one)."""
    row: sqlite3.Row | None = db.execute(
        "SELECT * FROM runs WHERE kind = ? AND python_minor = ? ORDER BY id DESC LIMIT 1",
        (kind, minor or python_minor()),
    ).fetchone()
    return row
