"""The measured-cost store on real SQLite files: schema, runs, paths and every bad file."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

import pytest
from conftest import ReadOnly

from flake8_import_cost import costdb
from flake8_import_cost.costdb import CostDBError, ImportEdge, ModuleTiming, Query, Run, Spread, StatementTiming


def _run(root: Path, kind: str = "measure", *, target: str = "numpy") -> Run:
    run = Run(kind, project_root=root, command=["flake8-import-cost", kind], repeat=3)
    run.modules.append(
        ModuleTiming(target, 0, "numpy", None, 0, str(root / ".venv/lib/site-packages/numpy/__init__.py"),
                     Spread([900, 1000, 1300]), Spread([70_000, 80_000, 95_000]))
    )  # fmt: skip
    run.modules.append(
        ModuleTiming(target, 1, "numpy.core", "numpy", 1, None, Spread([10, 20, 30]), Spread([100, 200, 300]))
    )
    return run


def test_spread_statistics() -> None:
    spread = Spread([5, 1, 3, 2, 4])
    assert (spread.median, spread.low, spread.high) == (3, 1, 5)
    assert spread.iqr == pytest.approx(2.0)
    assert Spread([7]).iqr == 0.0
    with pytest.raises(ValueError):
        Spread([])


def test_write_and_read_back(tmp_path: Path, read_only: ReadOnly) -> None:
    db = tmp_path / "costs.db"
    run = _run(tmp_path, "profile", target="")
    run.total_samples = [100_000, 120_000, 110_000]
    run.statements.append(StatementTiming(str(tmp_path / "shop" / "views.py"), 3, "shop.views", "module", Spread([5])))
    run.imports.append(ImportEdge(0, "numpy", str(tmp_path / "shop" / "views.py"), 3, True))
    run.queries.append(Query(0, "SELECT 1", 250.0, "django", str(tmp_path / "shop" / "views.py"), 9))
    run_id = costdb.write_run(db, run)
    connection = read_only(db)
    latest = costdb.latest_run(connection, "profile")
    assert latest is not None and latest["id"] == run_id
    assert latest["total_us"] == 110_000 and latest["project_root"] == str(tmp_path)
    modules = {row["name"]: row for row in connection.execute("SELECT * FROM modules")}
    # Installed packages inside the project root keep their absolute path and are not project code.
    assert modules["numpy"]["in_project"] == 0 and os.path.isabs(modules["numpy"]["path"])
    assert modules["numpy"]["cumulative_us"] == 80_000 and modules["numpy"]["cumulative_max_us"] == 95_000
    statement = connection.execute("SELECT path, in_project FROM statements").fetchone()
    assert tuple(statement) == ("shop/views.py", 1)
    query = connection.execute("SELECT path, line, sql FROM queries").fetchone()
    assert tuple(query) == ("shop/views.py", 9, "SELECT 1")
    assert costdb.latest_run(connection, "measure") is None
    assert costdb.latest_run(connection, "profile", minor="2.7") is None


def test_every_run_is_kept(tmp_path: Path, read_only: ReadOnly) -> None:
    db = tmp_path / "costs.db"
    first = costdb.write_run(db, _run(tmp_path))
    second = costdb.write_run(db, _run(tmp_path))
    connection = read_only(db)
    assert [row["id"] for row in connection.execute("SELECT id FROM runs ORDER BY id")] == [first, second]
    latest = costdb.latest_run(connection, "measure")
    assert latest is not None and latest["id"] == second
    connection.close()
    assert costdb.delete_runs(db, [first]) == 1
    connection = read_only(db)
    assert connection.execute("SELECT COUNT(*) FROM modules").fetchone()[0] == 2  # the first run's rows went with it


def test_a_failing_writer_leaves_nothing(tmp_path: Path, read_only: ReadOnly) -> None:
    db = tmp_path / "costs.db"
    costdb.write_run(db, _run(tmp_path))
    broken = _run(tmp_path)
    broken.modules.append(broken.modules[0])  # the same module twice: the insert fails half-way
    with pytest.raises(CostDBError, match="UNIQUE constraint failed"):
        costdb.write_run(db, broken)
    connection = read_only(db)
    assert connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
    assert connection.execute("SELECT COUNT(*) FROM modules").fetchone()[0] == 2


def test_the_file_at_rest_is_one_file(tmp_path: Path) -> None:
    db = tmp_path / "costs.db"
    costdb.write_run(db, _run(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["costs.db"]
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("PRAGMA application_id").fetchone()[0] == costdb.APPLICATION_ID
        assert connection.execute("PRAGMA user_version").fetchone()[0] == costdb.SCHEMA_VERSION


def test_stored_paths(tmp_path: Path) -> None:
    root = str(tmp_path)
    assert costdb.stored_path(str(tmp_path / "pkg" / "mod.py"), root) == ("pkg/mod.py", True)
    assert costdb.stored_path("/usr/lib/python3/os.py", root) == ("/usr/lib/python3/os.py", False)
    venv = tmp_path / "env"
    venv.mkdir()
    (venv / "pyvenv.cfg").write_text("home = /usr\n")
    assert costdb.stored_path(str(venv / "lib" / "x.py"), root)[1] is False
    assert costdb.stored_path(None, root) == (None, False)


# -- bad files: one clear line each, never a traceback, nothing lost --------------------------------------


def _sqlite_file(path: Path, *statements: str) -> Path:
    with closing(sqlite3.connect(path)) as connection, connection:
        for statement in statements:
            connection.execute(statement)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"this is not a database at all" * 100), "not an SQLite database"),
        (lambda p: p.write_bytes(b""), "empty database"),
        (lambda p: _sqlite_file(p, "CREATE TABLE songs (title TEXT)"), "not a flake8-import-cost database"),
        (
            lambda p: _sqlite_file(
                p, f"PRAGMA application_id = {costdb.APPLICATION_ID}", "PRAGMA user_version = 99", "CREATE TABLE x (y)"
            ),
            "written by a newer flake8-import-cost (schema 99",
        ),
        (lambda p: p.mkdir(), "is a directory"),
    ],
    ids=["garbage", "empty", "foreign", "newer", "directory"],
)
def test_bad_files_for_readers(tmp_path: Path, make: object, message: str) -> None:
    db = tmp_path / "costs.db"
    make(db)  # type: ignore[operator]
    with pytest.raises(CostDBError) as raised:
        costdb.open_read_only(db)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_truncated_file(tmp_path: Path, read_only: ReadOnly) -> None:
    db = tmp_path / "costs.db"
    for _ in range(20):
        costdb.write_run(db, _run(tmp_path))
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    with pytest.raises(CostDBError) as raised:
        connection = read_only(db)
        connection.execute("SELECT * FROM modules").fetchall()
    assert "\n" not in str(raised.value)


def test_writers_refuse_foreign_and_newer_files_untouched(tmp_path: Path) -> None:
    foreign = _sqlite_file(tmp_path / "app.db", "CREATE TABLE songs (title TEXT)", "INSERT INTO songs VALUES ('a')")
    newer = tmp_path / "newer.db"
    costdb.write_run(newer, _run(tmp_path))
    _sqlite_file(newer, "PRAGMA user_version = 99")
    for path, message in ((foreign, "not a flake8-import-cost database"), (newer, "written by a newer")):
        before = path.read_bytes()
        with pytest.raises(CostDBError, match=message):
            costdb.check_writable(path)
        with pytest.raises(CostDBError, match=message):
            costdb.write_run(path, _run(tmp_path))
        assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db", "newer.db"]


def test_check_writable_changes_and_creates_nothing(tmp_path: Path) -> None:
    costdb.check_writable(tmp_path / "new.db")
    (tmp_path / "empty.db").write_bytes(b"")
    costdb.check_writable(tmp_path / "empty.db")
    good = tmp_path / "good.db"
    costdb.write_run(good, _run(tmp_path))
    before = good.read_bytes()
    costdb.check_writable(good)
    assert good.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db", "good.db"]
    (tmp_path / "garbage.db").write_bytes(b"garbage" * 1000)
    with pytest.raises(CostDBError, match="not an SQLite database"):
        costdb.check_writable(tmp_path / "garbage.db")
    with pytest.raises(CostDBError, match="is a directory"):
        costdb.check_writable(tmp_path)
    with pytest.raises(CostDBError, match="its directory does not exist"):
        costdb.check_writable(tmp_path / "missing" / "x.db")


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_file_deleted_or_replaced_while_it_is_written(tmp_path: Path, how: str) -> None:
    """What is written into a file that another program removes goes with it: said, not hidden."""
    db = tmp_path / "costs.db"
    costdb.write_run(db, _run(tmp_path))
    with pytest.raises(CostDBError) as raised:
        with costdb.writing(db) as connection:
            connection.execute("INSERT INTO failures VALUES (1, 'x', 'y')")
            if how == "deleted":
                db.unlink()
            else:
                other = tmp_path / "other.db"
                costdb.write_run(other, _run(tmp_path))
                os.replace(other, db)
    assert str(raised.value) == (
        f"{db}: deleted or replaced by another program while it was written: nothing written is in it"
    )
    if how == "replaced":  # the file that took its name holds what it held, and nothing of the other
        with closing(costdb.open_read_only(db)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
            assert connection.execute("SELECT COUNT(*) FROM failures").fetchone()[0] == 0


WRITER = textwrap.dedent(
    """
    import sys
    from flake8_import_cost import costdb
    db, root, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for number in range(10_000):
        run = costdb.Run("measure", project_root=root, command=[str(number)], repeat=1)
        for seq in range(size):
            spread = costdb.Spread([seq])
            run.modules.append(costdb.ModuleTiming("t", seq, f"m{seq}", None, 0, f"{root}/m{seq}.py", spread, spread))
        run.failures = {f"f{seq}": "x" * 100 for seq in range(size)}
        costdb.write_run(db, run)
        print(number, flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGINT])
def test_a_writer_stopped_mid_write_leaves_whole_runs(tmp_path: Path, signal_number: int) -> None:
    """A writer stopped at any moment, in the middle of a transaction or not, many times over:
    every run in the file is whole, and the file stays usable for the next writer."""
    db = tmp_path / "costs.db"
    size = 2000
    random = __import__("random").Random(signal_number)
    for _ in range(8):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(tmp_path), str(size)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        assert writer.stdout is not None
        writer.stdout.readline()  # one run written: the next is being written
        time.sleep(random.uniform(0, 0.3))
        writer.send_signal(signal_number)
        _, stderr = writer.communicate(timeout=60)
        assert writer.returncode == -signal_number or "KeyboardInterrupt" in stderr, stderr
        connection = costdb.open_read_only(db)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            counts = connection.execute(
                "SELECT (SELECT COUNT(*) FROM modules m WHERE m.run_id = r.id),"
                " (SELECT COUNT(*) FROM failures f WHERE f.run_id = r.id) FROM runs r"
            ).fetchall()
        finally:
            connection.close()
        assert counts and all(tuple(row) == (size, size) for row in counts)


def test_missing_file_for_readers(tmp_path: Path) -> None:
    with pytest.raises(CostDBError, match="no such file"):
        costdb.open_read_only(tmp_path / "nothing.db")


def test_writer_in_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CostDBError) as raised:
        costdb.write_run(tmp_path / "no" / "such" / "dir" / "costs.db", _run(tmp_path))
    assert str(raised.value).endswith("/no/such/dir/costs.db: its directory does not exist")


def test_concurrent_writers_both_land(tmp_path: Path, read_only: ReadOnly) -> None:
    """Two processes write 20 runs each into one file at the same time: all 40 land."""
    db = tmp_path / "costs.db"
    script = textwrap.dedent(
        f"""
        import sys
        from flake8_import_cost import costdb
        for i in range(20):
            run = costdb.Run("measure", project_root={str(tmp_path)!r}, command=[sys.argv[1]], repeat=1)
            run.modules.append(costdb.ModuleTiming("m", 0, "m", None, 0, None, costdb.Spread([i]), costdb.Spread([i])))
            costdb.write_run({str(db)!r}, run)
        """
    )
    writers = [subprocess.Popen([sys.executable, "-c", script, name]) for name in ("a", "b")]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    connection = read_only(db)
    commands = [row[0] for row in connection.execute("SELECT command FROM runs")]
    assert sorted(commands) == ['["a"]'] * 20 + ['["b"]'] * 20


def test_a_reader_waits_out_a_writer_then_reports_the_lock(tmp_path: Path, read_only: ReadOnly) -> None:
    db = tmp_path / "costs.db"
    costdb.write_run(db, _run(tmp_path))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(CostDBError, match="database is locked"):
            costdb.open_read_only(db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert read_only(db).execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
