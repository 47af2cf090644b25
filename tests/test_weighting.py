"""flake8 weighting findings with a real cost database: found by path wherever flake8 runs,
and never a failure of flake8 when the file is bad.

The rules' measured wording is covered line by line by ``tests/cases`` (``# measured:``
figures) and end to end by ``tests/test_examples.py`` (a real profile of the example).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest
from conftest import flake8_env, imc_only, run_flake8, write_database, write_files

from flake8_import_cost import costdb

SOURCE = textwrap.dedent(
    """\
    import pandas

    TOTAL = len(range(3))


    def frame():
        return pandas.DataFrame()
    """
)
FIGURES = {"modules": {"pandas": 180.0}, "statements": {"1": 185.0}}


def _project(root: Path) -> None:
    write_files(root, {"app/reports.py": SOURCE, "app/__init__.py": ""})
    write_database(root, ".import-cost.db", "app/reports.py", FIGURES)


def test_the_database_in_the_working_directory_is_read_by_default(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_flake8(tmp_path, {}, "--select", "IMC", paths=("app",))
    assert result.stderr == ""
    [finding] = imc_only(result)
    assert "pandas takes ~180 ms to import (measured at start-up)" in finding.message
    assert finding.message.endswith("(measured: 185.0 ms at start-up)")


@pytest.mark.parametrize("where", ["relative", "absolute", "subdirectory", "dot"])
def test_rows_are_found_however_flake8_is_given_the_file(tmp_path: Path, where: str) -> None:
    _project(tmp_path)
    database = tmp_path / ".import-cost.db"
    cwd, path = {
        "relative": (tmp_path, "app/reports.py"),
        "absolute": (tmp_path, str(tmp_path / "app" / "reports.py")),
        "subdirectory": (tmp_path / "app", "reports.py"),
        "dot": (tmp_path, "./app/reports.py"),
    }[where]
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "IMC", f"--import-cost-db={database}", path],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=flake8_env(),
        check=False,
    )
    assert result.stderr == ""
    assert "(measured: 185.0 ms at start-up)" in result.stdout


def test_a_database_made_elsewhere_weights_findings_here(tmp_path: Path) -> None:
    """The paths of a CI artifact are relative to that machine's project root."""
    elsewhere = tmp_path / "ci" / "checkout"
    elsewhere.mkdir(parents=True)
    write_database(elsewhere, "costs.db", "app/reports.py", FIGURES)
    here = tmp_path / "laptop" / "src"
    write_files(here, {"app/reports.py": SOURCE})
    result = run_flake8(here, {}, "--select", "IMC", f"--import-cost-db={elsewhere / 'costs.db'}", paths=("app",))
    assert "(measured: 185.0 ms at start-up)" in "\n".join(result.lines)


def _corrupt(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 3000)


def _foreign(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE songs (title TEXT)")


def _newer(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(f"PRAGMA application_id = {costdb.APPLICATION_ID}")
        connection.execute("PRAGMA user_version = 99")
        connection.execute("CREATE TABLE runs (id INTEGER)")


def _truncated(path: Path) -> None:
    for _ in range(10):
        write_database(path.parent, path.name, "app/reports.py", FIGURES)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_corrupt, "not an SQLite database"),
        (_foreign, "not a flake8-import-cost database"),
        (_newer, "written by a newer flake8-import-cost"),
        (_truncated, ""),
        (lambda path: path.mkdir(), "is a directory"),  # named by the option: a default must be a file
    ],
    ids=["corrupt", "foreign", "newer", "truncated", "directory"],
)
def test_a_bad_database_is_one_warning_and_the_findings_stay(tmp_path: Path, make: object, reason: str) -> None:
    files = {f"app/module_{i}.py": SOURCE for i in range(3)}
    write_files(tmp_path, files)
    make(tmp_path / ".import-cost.db")  # type: ignore[operator]
    named = ("--import-cost-db=.import-cost.db",) if reason == "is a directory" else ()
    result = run_flake8(tmp_path, {}, "--select", "IMC", "--jobs", "1", *named, paths=("app",))
    assert "Traceback" not in result.stderr
    warnings = result.stderr_lines
    assert len(warnings) == 1, result.stderr  # one warning for the process, not one per file
    assert warnings[0].startswith("flake8-import-cost: cannot use the cost database") and reason in warnings[0]
    assert "(findings keep their typical costs)" in warnings[0]
    assert len(imc_only(result)) == 3 and all("(typical)" in f.message for f in imc_only(result))
    assert result.returncode == 1


def test_a_locked_database_is_one_warning(tmp_path: Path) -> None:
    """Readers wait two seconds for a writer that holds the lock, then go on without the figures."""
    _project(tmp_path)
    holder = sqlite3.connect(tmp_path / ".import-cost.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_flake8(tmp_path, {}, "--select", "IMC", "--jobs", "1", paths=("app",))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.stderr_lines == [
        f"flake8-import-cost: cannot use the cost database {tmp_path / '.import-cost.db'}: database is locked:"
        " another program held it for more than 2 s (findings keep their typical costs)"
    ]
    assert "(typical)" in imc_only(result)[0].message


def test_none_turns_the_database_off(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_flake8(tmp_path, {}, "--select", "IMC", "--import-cost-db=none", paths=("app",))
    assert "(typical)" in imc_only(result)[0].message and "measured" not in "\n".join(result.lines)


def test_without_a_database_sqlite3_is_never_imported(tmp_path: Path) -> None:
    write_files(tmp_path, {"app/reports.py": SOURCE})
    script = textwrap.dedent(
        """
        import sys
        from flake8.main.cli import main
        try:
            main(["--isolated", "--select", "IMC", "--jobs", "1", "app"])
        except SystemExit:
            pass
        print("sqlite3" in sys.modules, "flake8_import_cost.costs" in sys.modules, file=sys.stderr)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, env=flake8_env(), check=False
    )
    assert result.stderr.split() == ["False", "False"]
    _project(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, env=flake8_env(), check=False
    )
    assert result.stderr.split() == ["True", "True"]  # with one, it is opened


def test_the_figures_of_a_chosen_profile_run(tmp_path: Path) -> None:
    """``report --run`` joins findings to the run it reports, not to the latest one."""
    from flake8_import_cost.costs import MeasuredCosts

    database = tmp_path / ".import-cost.db"
    first_figures = {"modules": {"pandas": 100.0}, "statements": {"1": 110.0}}
    write_database(tmp_path, database.name, "app/reports.py", first_figures)
    latest_figures = {"modules": {"pandas": 200.0}, "statements": {"1": 210.0}, "isolated": {"numpy": 50.0}}
    write_database(tmp_path, database.name, "app/reports.py", latest_figures)
    db = costdb.open_read_only(database)
    try:
        latest, first = MeasuredCosts(db), MeasuredCosts(db, profile=1)
        isolated, other_python = MeasuredCosts(db, profile=None), MeasuredCosts(db, minor="2.7")
        reports = str(tmp_path / "app" / "reports.py")
        assert latest.profile_id == 3 and latest.module_cost("pandas") == (200.0, "measured at start-up")
        assert latest.statement_ms(reports, 1) == pytest.approx(210.0)
        assert first.profile_id == 1 and first.module_cost("pandas") == (100.0, "measured at start-up")
        assert first.statement_ms(reports, 1) == pytest.approx(110.0)
        assert first.module_cost("numpy") == (50.0, "measured")  # isolated figures stay
        assert isolated.profile_id is None and isolated.module_cost("pandas") is None
        assert isolated.statement_ms(reports, 1) is None and isolated.module_cost("numpy") == (50.0, "measured")
        assert other_python.profile_id is None and other_python.module_cost("numpy") is None
    finally:
        db.close()
