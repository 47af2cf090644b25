"""Every command against every kind of bad cost database, for real: real SQLite files, the commands
run in subprocesses. Each fault is one line on standard error, never a traceback, and the file is
left as it was: no run lost, none half-written."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from flake8_import_cost import costdb
from flake8_import_cost.costdb import ModuleTiming, Run, Spread
from conftest import read_only_directory, write_files

MODULES = {
    "imc_top.py": "import imc_leaf\nimport json\n",
    "imc_leaf.py": "VALUE = sum(range(1000))\n",
}


def command(root: Path, *args: str, db: str = "costs.db", **popen: object) -> subprocess.CompletedProcess[str]:
    """``python -m flake8_import_cost ARGS --db DB`` in ``root``."""
    argv = [sys.executable, "-m", "flake8_import_cost", *args, "--db", db]
    return subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=300, check=False,
                          **popen)  # type: ignore[call-overload]  # fmt: skip


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The only line of the command's standard error (and no traceback anywhere)."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    return lines[0]


def good_database(db: Path, root: Path, *, runs: int = 1, modules: int = 3) -> None:
    """``db`` with ``runs`` profile and ``runs`` measure runs of this Python."""
    for number in range(runs):
        profile = Run("profile", project_root=root, command=["profile", str(number)], repeat=5)
        profile.total_samples = [100_000.0 + sample for sample in range(5)]
        measured = Run("measure", project_root=root, command=["measure", str(number)], repeat=3)
        for seq in range(modules):
            spread = Spread([1000.0, 1100.0, 1200.0])
            profile.modules.append(ModuleTiming("", seq, f"pkg.m{seq}", None, 0, None, spread, spread))
            measured.modules.append(ModuleTiming("json", seq, f"json.m{seq}", "json", 1, None, spread, spread))
        measured.modules.append(ModuleTiming("json", modules, "json", None, 0, None, Spread([5]), Spread([900])))
        costdb.write_run(db, profile)
        costdb.write_run(db, measured)


def runs_in(db: Path) -> list[str]:
    connection = costdb.open_read_only(db)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [row["command"] for row in connection.execute("SELECT command FROM runs ORDER BY id")]
    finally:
        connection.close()


def dump(db: Path) -> tuple[str, list[str]]:
    """The journal mode and every row and schema statement of ``db`` (the header's change counter aside)."""
    connection = sqlite3.connect(db)
    try:
        return connection.execute("PRAGMA journal_mode").fetchone()[0], list(connection.iterdump())
    finally:
        connection.close()


def _sqlite_file(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def _truncated(db: Path, root: Path) -> None:
    good_database(db, root, runs=10, modules=200)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


#: fault -> how to make the file, and the line every command prints (after its own prefix).
FAULTS: dict[str, tuple[Callable[[Path, Path], object], str | None]] = {
    "corrupt": (lambda db, _: db.write_bytes(b"\x00 not SQLite at all " * 500),
                "costs.db: not an SQLite database (corrupt or truncated?)"),
    "truncated": (_truncated, "costs.db: database disk image is malformed"),
    "foreign": (lambda db, _: _sqlite_file(db, "CREATE TABLE songs (title TEXT)", "INSERT INTO songs VALUES ('a')"),
                "costs.db: not a flake8-import-cost database"),
    "newer": (lambda db, root: (good_database(db, root), _sqlite_file(db, "PRAGMA user_version = 99")),
              "costs.db: written by a newer flake8-import-cost (schema 99; this version reads up to 1):"
              " upgrade flake8-import-cost"),
    "directory": (lambda db, _: db.mkdir(), "costs.db: is a directory, not a database"),
}  # fmt: skip

#: command -> its arguments, exit status on a database fault, and the prefix of its error line.
COMMANDS = {
    "measure": (("measure", "imc_leaf", "--repeat", "1"), 2, "flake8-import-cost: error: "),
    "profile": (("profile", "--module", "imc_leaf", "--repeat", "1"), 1, "flake8-import-cost: profile: "),
    "check": (("check", "--budget", "1000"), 2, "flake8-import-cost: error: check: "),
    "check-module": (("check", "--budget", "1000", "--module", "json"), 2, "flake8-import-cost: error: check: "),
    "report": (("report",), 2, "flake8-import-cost: error: report: "),
    "report-html": (("report", "--format", "html"), 2, "flake8-import-cost: error: report: "),
}


def _snapshot(directory: Path) -> dict[str, bytes | None]:
    return {path.name: path.read_bytes() if path.is_file() else None for path in sorted(directory.iterdir())}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_on_each_bad_file(tmp_path: Path, name: str, fault: str) -> None:
    write_files(tmp_path, MODULES)
    make, message = FAULTS[fault]
    make(tmp_path / "costs.db", tmp_path)
    before = _snapshot(tmp_path)
    args, status, prefix = COMMANDS[name]
    result = command(tmp_path, *args)
    assert result.returncode == status, result.stderr
    assert one_line(result) == f"{prefix}{message}"
    assert result.stdout == ""
    after = _snapshot(tmp_path)
    after.pop("__pycache__", None)
    assert after == before  # the bad file untouched, nothing left beside it


# -- locks --------------------------------------------------------------------------------------------------


HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("BEGIN EXCLUSIVE")
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    connection.execute("ROLLBACK")
    """
)


def hold_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    """Another program holding ``db``'s write lock (and keeping readers out) for ``seconds``."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE,
                              text=True)  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    holder.stdout.close()
    return holder


@pytest.mark.parametrize("name", ["check", "check-module", "report", "report-html"])
def test_readers_wait_two_seconds_for_a_lock_then_say_so(tmp_path: Path, name: str) -> None:
    db = tmp_path / "costs.db"
    good_database(db, tmp_path)
    holder = hold_lock(db, 60)
    try:
        args, status, prefix = COMMANDS[name]
        started = time.monotonic()
        result = command(tmp_path, *args)
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == status
    assert one_line(result) == f"{prefix}costs.db: database is locked: another program held it for more than 2 s"
    assert len(runs_in(db)) == 2


def test_a_writer_waits_for_a_lock_and_lands(tmp_path: Path) -> None:
    write_files(tmp_path, MODULES)
    db = tmp_path / "costs.db"
    good_database(db, tmp_path)
    holder = hold_lock(db, 4)
    result = command(tmp_path, "measure", "imc_leaf", "--repeat", "1")
    assert holder.wait(timeout=60) == 0
    assert result.returncode == 0, result.stderr
    assert "run 3 written to costs.db" in result.stdout
    assert len(runs_in(db)) == 3


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_a_writer_waiting_for_a_lock_at_once(tmp_path: Path) -> None:
    """SQLite waits for a lock inside one call, where Python cannot handle a signal: the writer
    waits in short slices, so Ctrl-C ends it within a moment, not when the wait times out."""
    write_files(tmp_path, {**MODULES, "imc_marks.py": "import pathlib\npathlib.Path('marked').touch()\n"})
    db = tmp_path / "costs.db"
    good_database(db, tmp_path)
    holder = hold_lock(db, 120)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "flake8_import_cost", "measure", "imc_marks", "--repeat", "1", "--db", "costs.db"],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not (tmp_path / "marked").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(3)  # the samples are taken: it waits for the lock to write the run
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        try:
            stdout, stderr = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise AssertionError("Ctrl-C was not handled while the writer waited for the lock") from None
        assert time.monotonic() - interrupted < 5
    finally:
        holder.kill()
        holder.wait()
    assert process.returncode == 130
    assert (stdout, stderr) == ("", "flake8-import-cost: interrupted\n")
    assert runs_in(db) == ['["profile", "0"]', '["measure", "0"]']


@pytest.mark.slow
def test_a_writer_locked_out_for_good_gives_up_in_one_line(tmp_path: Path) -> None:
    write_files(tmp_path, MODULES)
    db = tmp_path / "costs.db"
    good_database(db, tmp_path)
    holder = hold_lock(db, costdb.WRITE_TIMEOUT_S + 60)
    try:
        result = command(tmp_path, "measure", "imc_leaf", "--repeat", "1")
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert one_line(result) == (
        f"flake8-import-cost: error: costs.db: database is locked: another program held it for more than"
        f" {costdb.WRITE_TIMEOUT_S:g} s"
    )
    assert len(runs_in(db)) == 2


# -- read-only directory ---------------------------------------------------------------------------------------


def test_a_read_only_directory(tmp_path: Path) -> None:
    """Readers read a database in a directory nobody may write to; writers say at once that they cannot write
    there, before they measure anything, and leave the file as it was."""
    write_files(tmp_path, MODULES)
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    db = shelf / "costs.db"
    good_database(db, tmp_path)
    new = shelf / "new.db"
    before = db.read_bytes()
    with read_only_directory(shelf):
        with pytest.raises(OSError):
            (shelf / "probe").write_text("x")  # the directory really is read-only, even for root
        report = command(tmp_path, "report", "--format", "json", db="shelf/costs.db")
        check = command(tmp_path, "check", "--budget", "1000", db="shelf/costs.db")
        measures = [command(tmp_path, "measure", "imc_leaf", "--repeat", "1", db=str(path)) for path in (db, new)]
        profile = command(tmp_path, "profile", "--module", "imc_leaf", "--repeat", "1", db="shelf/costs.db")
        listing = sorted(path.name for path in shelf.iterdir())
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["run"]["kind"] == "profile"
    assert check.returncode == 0 and "check: passed" in check.stdout, check.stderr
    for path, result in zip((db, new), measures):
        assert result.returncode == 2
        assert one_line(result).startswith(f"flake8-import-cost: error: {path}: cannot write in its directory: ")
        assert "measure: " not in result.stderr  # refused before measuring
    assert profile.returncode == 1
    assert one_line(profile).startswith("flake8-import-cost: profile: shelf/costs.db: cannot write in its directory: ")
    assert listing == ["costs.db"] and db.read_bytes() == before


# -- deleted mid-run, disk full ------------------------------------------------------------------------------


def test_the_database_deleted_mid_run(tmp_path: Path) -> None:
    """A module whose import deletes the database, between the samples: the run is written to a
    new, whole file."""
    db = tmp_path / "costs.db"
    deletes = f"import os\nif os.path.exists({str(db)!r}):\n    os.remove({str(db)!r})\n"
    write_files(tmp_path, {**MODULES, "imc_deletes.py": deletes})
    good_database(db, tmp_path)
    result = command(tmp_path, "measure", "imc_deletes", "imc_top", "--repeat", "2", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "run 1 written to costs.db" in result.stdout
    (run,) = runs_in(db)
    assert json.loads(run)[:4] == ["flake8-import-cost", "measure", "imc_deletes", "imc_top"]
    connection = costdb.open_read_only(db)
    try:
        targets = {row[0] for row in connection.execute("SELECT DISTINCT target FROM modules")}
    finally:
        connection.close()
    assert targets == {"imc_deletes", "imc_top"}


def _file_size_limit(limit: int) -> Callable[[], None]:
    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limited


def test_disk_full(tmp_path: Path) -> None:
    """No file may grow past 8 KiB (as on a full disk, every write that needs a new block fails):
    one line, status 2, and the database as it was before: the same rows, in rollback-journal mode, one file."""
    write_files(tmp_path, MODULES)
    first = command(tmp_path, "measure", "json", "--repeat", "1")
    assert first.returncode == 0, first.stderr
    db = tmp_path / "costs.db"
    before = dump(db)
    assert db.stat().st_size > 8192
    result = command(tmp_path, "measure", "imc_top", "email.mime.text", "http.client", "--repeat", "1",
                     preexec_fn=_file_size_limit(8192))  # fmt: skip
    assert result.returncode == 2, result.stderr
    line = result.stderr.splitlines()[-1]
    assert line.startswith("flake8-import-cost: error: costs.db: disk I/O error")
    assert line.endswith("(the disk full, or the file too large?): nothing was written")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert sorted(path.name for path in tmp_path.glob("costs.db*")) == ["costs.db"]
    assert dump(db) == before
    assert [json.loads(run)[2] for run in runs_in(db)] == ["json"]


# -- concurrent runs -----------------------------------------------------------------------------------------


def test_four_concurrent_runs_all_land(tmp_path: Path) -> None:
    """Four commands start at once on a database that does not exist yet: one creates it, all four land."""
    write_files(tmp_path, {**MODULES, **{f"imc_m{n}.py": f"import imc_leaf\nN = {n}\n" for n in range(4)}})
    db = tmp_path / "costs.db"
    argv = [sys.executable, "-m", "flake8_import_cost", "measure", "--repeat", "2", "--jobs", "1", "--db", str(db)]
    processes = [
        subprocess.Popen([*argv, f"imc_m{n}"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(4)
    ]
    outputs = [process.communicate(timeout=240) for process in processes]
    assert [process.returncode for process in processes] == [0] * 4, outputs
    assert all("Traceback" not in stderr for _, stderr in outputs)
    assert sorted(json.loads(run)[2] for run in runs_in(db)) == [f"imc_m{n}" for n in range(4)]
    connection = costdb.open_read_only(db)
    try:
        trees = {(row[0], row[1]) for row in connection.execute("SELECT target, name FROM modules")}
    finally:
        connection.close()
    assert {(f"imc_m{n}", name) for n in range(4) for name in (f"imc_m{n}", "imc_leaf")} == trees
    ids = sorted(int(stdout.rpartition("run ")[2].split()[0]) for stdout, _ in outputs)
    assert ids == [1, 2, 3, 4]
    assert not os.path.exists(f"{db}-journal")
