"""``flake8-import-cost profile`` on real start-ups, in real child processes.

The Django part profiles ``tests/profileproject`` (copied to a temporary
directory, with its database created) and checks the stored run against what
Django itself reported during an independent start-up (``capture.py``: an
execute wrapper on every connection): every query is stored with the same
import-time line. The other tests profile small programs written on the spot.
Repeats are kept at 1 so that the file runs in seconds; no assertion is a
timing goal (those live in ``benchmarks/profile_overhead.py``).
"""

from __future__ import annotations

import functools
import glob
import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import textwrap
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ReadOnly, as_python_3_11_numbers_it, write_files

from flake8_import_cost import costdb

PROJECT = Path(__file__).parent / "profileproject"
#: ``sqlite3`` CLI-free access to a stored run.
Row = sqlite3.Row


def _profile(root: Path, *arguments: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``python -m flake8_import_cost profile --root ROOT --db ROOT/profile.db ARGUMENTS``, for real."""
    command = ["profile", "--root", str(root), "--db", str(root / "profile.db"), *arguments]
    return subprocess.run(
        [sys.executable, "-m", "flake8_import_cost", *command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _latest(db: Path, read_only: ReadOnly) -> tuple[sqlite3.Connection, Row]:
    connection = read_only(db)
    run = costdb.latest_run(connection, "profile", minor=connection.execute(
        "SELECT python_minor FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert run is not None
    return connection, run


def _line_of(path: Path, text: str) -> int:
    """The number of the line of ``path`` that starts with ``text`` (stripped)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip().startswith(text):
            return number
    raise AssertionError(f"{path} has no line starting with {text!r}")


# -- a Django start-up ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def django_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test project, copied, with its database created."""
    root = tmp_path_factory.mktemp("profileproject") / "project"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    result = subprocess.run([sys.executable, "setup_db.py"], cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def captured(django_project: Path) -> list[list[object]]:
    """The queries Django reported during an independent start-up: [sql, path, line, function]."""
    output = django_project / "captured.json"
    result = subprocess.run(
        [sys.executable, "capture.py", str(output)], cwd=django_project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    queries: list[list[object]] = json.loads(output.read_text(encoding="utf-8"))
    return queries


@pytest.fixture(scope="module")
def profiled(django_project: Path) -> Iterator[tuple[sqlite3.Connection, Row]]:
    """One stored profile of the project's start-up."""
    result = _profile(django_project, "--django-settings", "site_conf.settings", "--repeat", "1")
    assert result.returncode == 0, result.stderr
    assert "wrote run" in result.stdout
    connection, run = _latest(django_project / "profile.db", costdb.open_read_only)
    yield connection, run
    connection.close()


def test_every_query_django_ran_is_stored_at_its_line(
    captured: list[list[object]], profiled: tuple[sqlite3.Connection, Row]
) -> None:
    connection, run = profiled
    stored = Counter(
        (row["sql"], row["path"], row["line"])
        for row in connection.execute("SELECT * FROM queries WHERE run_id = ? AND source = 'django'", (run["id"],))
    )
    numbers = {path: as_python_3_11_numbers_it(PROJECT / path) for _, path, _, _ in captured if path}
    expected = Counter((sql, path, numbers[path].get(line, line) if path else line) for sql, path, line, _ in captured)
    assert len(expected) >= 7, "the project's start-up should run queries in many places"
    missing = expected - stored
    recall = 1 - sum(missing.values()) / sum(expected.values())
    print(f"\nprofile recall against Django's own report: {recall:.3f} ({sum(expected.values())} queries)")
    assert not missing, f"recall {recall:.3f}; not stored at the line Django reported: {sorted(missing)}"
    # Every kind of place in the project shows up.
    places = {path for _, path, _ in expected}
    assert {"site_conf/urls.py", "store/views.py", "store/stats.py", None} <= places


def test_a_query_of_a_function_called_at_import_names_the_function(profiled: tuple[sqlite3.Connection, Row]) -> None:
    connection, run = profiled
    views = PROJECT / "store" / "views.py"
    rows = connection.execute(
        "SELECT * FROM queries WHERE run_id = ? AND path = 'store/views.py' AND line = ?",
        (run["id"], _line_of(views, "MENU = _menu()")),
    ).fetchall()
    assert len(rows) == 1
    assert rows[0]["function"] == "_menu" and rows[0]["function_path"] == "store/views.py"
    assert rows[0]["function_line"] == _line_of(views, "return [c.name for c in Category")
    assert "store_category" in rows[0]["sql"]


def test_a_query_of_app_config_ready_names_ready(profiled: tuple[sqlite3.Connection, Row]) -> None:
    connection, run = profiled
    rows = connection.execute("SELECT * FROM queries WHERE run_id = ? AND function IS NOT NULL AND path IS NULL",
                              (run["id"],)).fetchall()  # fmt: skip
    assert [(row["function"], row["function_path"], row["sql"]) for row in rows] == [
        ("StoreConfig.ready", "store/apps.py", "SELECT COUNT(*) FROM sqlite_master")
    ]
    assert rows[0]["function_line"] == _line_of(PROJECT / "store" / "apps.py", "self.tables = self._count_tables()")


def test_class_body_and_raw_cursor_queries(profiled: tuple[sqlite3.Connection, Row]) -> None:
    connection, run = profiled
    lines = {(row["path"], row["line"]): row for row in connection.execute(
        "SELECT * FROM queries WHERE run_id = ?", (run["id"],))}  # fmt: skip
    views, stats = PROJECT / "store" / "views.py", PROJECT / "store" / "stats.py"
    assert "store_setting" in lines["store/views.py", _line_of(views, "paginate_by = ")]["sql"]
    assert "store_product" in lines["store/stats.py", _line_of(stats, 'cursor.execute("SELECT COUNT(*)')]["sql"]
    # The plain sqlite3 archive: its connection and its query, without Django.
    connect = lines["store/stats.py", _line_of(stats, "ARCHIVE = ")]
    assert connect["source"] == "sqlite3.connect" and "archive.sqlite3" in connect["sql"]
    query = lines["store/stats.py", _line_of(stats, "ARCHIVED = ")]
    assert (query["source"], query["sql"]) == ("sqlite3", "SELECT 41 + 1")


def test_the_slowest_statements_are_the_sleeps(profiled: tuple[sqlite3.Connection, Row]) -> None:
    connection, run = profiled
    helpers = PROJECT / "store" / "helpers.py"
    rows = connection.execute(
        "SELECT * FROM statements WHERE run_id = ? AND path = 'store/helpers.py' ORDER BY inclusive_us DESC",
        (run["id"],),
    ).fetchall()
    assert rows[0]["line"] == _line_of(helpers, "SETTLED = time.sleep(0.05)")
    assert rows[0]["inclusive_us"] >= 40_000 and rows[0]["scope"] == "module" and rows[0]["in_project"] == 1
    assert rows[0]["module"] == "store.helpers"
    in_class = [row for row in rows if row["scope"] == "class Slow"]
    assert in_class[0]["line"] == _line_of(helpers, "DELAY = time.sleep(0.03)")
    assert in_class[0]["inclusive_us"] >= 25_000
    assert {row["line"] for row in in_class} == {_line_of(helpers, text) for text in ("FIRST", "DELAY", "LAST")}
    # The class statement includes its body; the module's import line includes both sleeps.
    by_line = {row["line"]: row["inclusive_us"] for row in rows}
    assert by_line[_line_of(helpers, "class Slow:")] >= 25_000
    urls = connection.execute(
        "SELECT inclusive_us FROM statements WHERE run_id = ? AND path = 'site_conf/urls.py' AND line = ?",
        (run["id"], _line_of(PROJECT / "site_conf" / "urls.py", "from store import helpers")),
    ).fetchone()
    assert urls["inclusive_us"] >= 65_000


def test_a_multi_line_statement_is_one_statement(profiled: tuple[sqlite3.Connection, Row]) -> None:
    connection, run = profiled
    urls = PROJECT / "site_conf" / "urls.py"
    lines = {row["line"] for row in connection.execute(
        "SELECT line FROM statements WHERE run_id = ? AND path = 'site_conf/urls.py'", (run["id"],))}  # fmt: skip
    start = _line_of(urls, "urlpatterns += [")
    assert start in lines and start + 1 not in lines and start + 2 not in lines


def test_a_module_imported_twice_has_a_first_and_a_later_edge(profiled: tuple[sqlite3.Connection, Row]) -> None:
    connection, run = profiled
    edges = [
        (row["path"], row["line"], row["first"])
        for row in connection.execute(
            "SELECT * FROM imports WHERE run_id = ? AND module = 'store.helpers' ORDER BY seq", (run["id"],)
        )
    ]
    assert edges == [
        ("site_conf/urls.py", _line_of(PROJECT / "site_conf" / "urls.py", "from store import helpers"), 1),
        ("store/views.py", _line_of(PROJECT / "store" / "views.py", "from store.helpers import DOUBLE"), 0),
    ]


def test_edges_from_third_party_code_are_kept(profiled: tuple[sqlite3.Connection, Row]) -> None:
    connection, run = profiled
    importers = connection.execute(
        "SELECT path, in_project, first FROM imports WHERE run_id = ? AND module = 'django.urls'", (run["id"],)
    ).fetchall()
    outside = [row for row in importers if not row["in_project"]]
    assert outside and all(os.path.isabs(row["path"]) and "django" in row["path"] for row in outside)
    assert [row["first"] for row in importers if row["in_project"]] == [0]  # Django loaded it before the URLconf
    assert sum(row["first"] for row in importers) == 1


def test_modules_are_timed_in_context(profiled: tuple[sqlite3.Connection, Row]) -> None:
    connection, run = profiled
    modules = {row["name"]: row for row in connection.execute("SELECT * FROM modules WHERE run_id = ?", (run["id"],))}
    helpers = modules["store.helpers"]
    assert helpers["in_project"] == 1 and helpers["path"] == "store/helpers.py"
    assert helpers["self_us"] >= 70_000 and helpers["cumulative_us"] >= helpers["self_us"]
    assert helpers["parent"] == "site_conf.urls" and helpers["target"] == ""
    # site_conf.urls is loaded by Django's import_module, which -X importtime does not see.
    assert modules["site_conf.urls"]["cumulative_us"] >= helpers["cumulative_us"]
    assert "django.db.models" in modules and modules["django.db.models"]["in_project"] == 0


def test_the_run_records_its_overhead_and_samples(profiled: tuple[sqlite3.Connection, Row]) -> None:
    _, run = profiled
    assert run["kind"] == "profile" and run["target"] == "site_conf.settings" and run["repeat"] == 1
    assert run["overhead"] is not None and run["overhead"] > 0
    samples = json.loads(run["total_samples"])
    assert len(samples) == 1 and samples[0] == run["total_us"] > 0
    details = json.loads(run["details"])
    assert details["mode"] == "django" and details["arguments"] == ["site_conf.settings", "/"]
    assert len(details["traced_samples"]) == 1
    assert details["tracer"] == ("sys.monitoring" if sys.version_info >= (3, 12) else "sys.settrace")


# -- other start-ups ------------------------------------------------------------------------------------------

SLOW_MODULE = """\
import time

import helper

PAUSE = time.sleep(0.05)
VALUE = helper.twice(21)
"""
HELPER = "def twice(value):\n    return value * 2\n"


@functools.cache
def _interpreter(tracer: str) -> str | None:
    """An interpreter that traces with ``tracer``: this one when it does, else one of the
    other Python versions on the machine (``python3.X`` on the path, or pyenv's)."""
    minors = range(12, 16) if tracer == "sys.monitoring" else range(10, 12)
    if sys.version_info.minor in minors:
        return sys.executable
    return next(filter(None, map(_python, minors)), None)


@functools.cache
def _python(minor: int) -> str | None:
    """Python 3.``minor``: this one, or ``python3.X`` on the path, or pyenv's."""
    if sys.version_info.minor == minor:
        return sys.executable
    candidates = [shutil.which(f"python3.{minor}") or ""]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/3.{minor}.*/bin/python3.{minor}")))
    usable = [c for c in candidates if c and "shims" not in c and os.access(c, os.X_OK)]
    return usable[0] if usable else None


#: A class body that sets its own ``__class__`` (as Django's ``LazyObject`` does) and has the
#: ``__class__`` cell of ``super()``.
PROXY_MODULE = """\
class Proxy:
    __class__ = property(lambda self: int)

    def method(self):
        return super().method()


assert isinstance(Proxy(), int), "the class body lost its __class__"
"""


def test_tracing_keeps_a_class_body_that_sets_its_own_class(tmp_path: Path) -> None:
    """Python 3.10's trace functions copy a frame's cells into its locals at every event, which deletes
    such a body's ``__class__``: the profile leaves the body untraced there, and the program works."""
    python = _python(10)
    if python is None:
        pytest.skip("no Python 3.10 on this machine")
    write_files(tmp_path, {"proxymod.py": PROXY_MODULE})
    result = _profile(tmp_path, "--module", "proxymod", "--repeat", "1", "--python", python)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("tracer", ["sys.settrace", "sys.monitoring"])
def test_module_mode_with_each_tracer(tmp_path: Path, tracer: str, read_only: ReadOnly) -> None:
    python = _interpreter(tracer)
    if python is None:
        pytest.skip(f"no Python on this machine traces with {tracer}")
    write_files(tmp_path, {"slowmod.py": SLOW_MODULE, "helper.py": HELPER})
    result = _profile(tmp_path, "--module", "slowmod", "--repeat", "1", "--python", python)
    assert result.returncode == 0, result.stderr
    connection, run = _latest(tmp_path / "profile.db", read_only)
    statements = {row["line"]: row for row in connection.execute(
        "SELECT * FROM statements WHERE run_id = ? AND path = 'slowmod.py'", (run["id"],))}  # fmt: skip
    assert max(statements, key=lambda line: statements[line]["inclusive_us"]) == 5
    assert statements[5]["inclusive_us"] >= 40_000
    assert set(statements) == {1, 3, 5, 6}
    modules = {row["name"]: row for row in connection.execute("SELECT * FROM modules WHERE run_id = ?", (run["id"],))}
    assert modules["slowmod"]["cumulative_us"] >= 40_000 and modules["helper"]["parent"] == "slowmod"
    edges = connection.execute("SELECT path, line, first FROM imports WHERE run_id = ? AND module = 'helper'",
                               (run["id"],)).fetchall()  # fmt: skip
    assert [tuple(edge) for edge in edges] == [("slowmod.py", 3, 1)]
    version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    assert run["python_version"] == version and json.loads(run["details"])["tracer"] == tracer


#: A project module whose class body is timed line by line, and a module outside the project
#: (a ``site-packages`` folder) whose class body is timed as its ``class`` statement.
CLASSES = {
    "classes.py": textwrap.dedent(
        """\
        import sys
        import time

        sys.path.insert(0, "site-packages")
        import vendored


        class Mine:
            FIRST = 1
            PAUSE = time.sleep(0.03)
        """
    ),
    "site-packages/vendored.py": textwrap.dedent(
        """\
        import time


        class Theirs:
            FIRST = 1
            PAUSE = time.sleep(0.03)
        """
    ),
}


@pytest.mark.parametrize("tracer", ["sys.settrace", "sys.monitoring"])
def test_class_bodies_outside_the_project_are_timed_whole(tmp_path: Path, tracer: str, read_only: ReadOnly) -> None:
    python = _interpreter(tracer)
    if python is None:
        pytest.skip(f"no Python on this machine traces with {tracer}")
    write_files(tmp_path, CLASSES)
    result = _profile(tmp_path, "--module", "classes", "--repeat", "1", "--python", python)
    assert result.returncode == 0, result.stderr
    connection, run = _latest(tmp_path / "profile.db", read_only)
    rows = connection.execute("SELECT path, line, scope, inclusive_us FROM statements WHERE run_id = ?",
                              (run["id"],)).fetchall()  # fmt: skip
    mine = {(row["line"], row["scope"]): row["inclusive_us"] for row in rows if row["path"] == "classes.py"}
    assert mine[(10, "class Mine")] >= 25_000 and (9, "class Mine") in mine  # every line of the project's body
    assert mine[(8, "module")] >= 25_000
    vendored = str((tmp_path / "site-packages" / "vendored.py").resolve())
    theirs = {(row["line"], row["scope"]): row["inclusive_us"] for row in rows
              if os.path.realpath(row["path"]) == vendored}  # fmt: skip
    assert theirs[(4, "module")] >= 25_000  # the class statement, with its body
    assert not [key for key in theirs if key[1] != "module"]
    assert mine[(5, "module")] >= theirs[(4, "module")]  # the import includes it


def test_command_mode_runs_a_script_with_its_arguments(tmp_path: Path, read_only: ReadOnly) -> None:
    write_files(tmp_path, {
        "tool.py": "import sys\n\nimport helper\n\nassert sys.argv == ['tool.py', 'a', '--b'], sys.argv\n"
                   "print(helper.twice(2))\nraise SystemExit(0)\n",
        "helper.py": HELPER,
    })  # fmt: skip
    result = _profile(tmp_path, "--repeat", "1", "--", "tool.py", "a", "--b")
    assert result.returncode == 0, result.stderr
    connection, run = _latest(tmp_path / "profile.db", read_only)
    assert run["target"] == "tool.py a --b"
    rows = connection.execute("SELECT module FROM statements WHERE run_id = ?", (run["id"],))
    modules = {row["module"] for row in rows}
    assert {"__main__", "helper"} <= modules
    edge = connection.execute("SELECT path, line, first FROM imports WHERE run_id = ? AND module = 'helper'",
                              (run["id"],)).fetchone()  # fmt: skip
    assert tuple(edge) == ("tool.py", 3, 1)


def test_command_mode_runs_a_module_like_python_m(tmp_path: Path, read_only: ReadOnly) -> None:
    write_files(tmp_path, {
        "tools/__init__.py": "",
        "tools/cli.py": "import sys\n\nimport helper\n\nif sys.argv[1:] != ['--name', 'x']:\n"
                        "    raise SystemExit(f'bad arguments {sys.argv}')\nRESULT = helper.twice(3)\n",
        "helper.py": HELPER,
    })  # fmt: skip
    result = _profile(tmp_path, "--repeat", "1", "--", "-m", "tools.cli", "--name", "x")
    assert result.returncode == 0, result.stderr
    connection, run = _latest(tmp_path / "profile.db", read_only)
    assert run["target"] == "-m tools.cli --name x"
    lines = {row["line"] for row in connection.execute(
        "SELECT line FROM statements WHERE run_id = ? AND path = 'tools/cli.py'", (run["id"],))}  # fmt: skip
    assert {1, 3, 5, 7} <= lines


# -- failures: one line, status 1, nothing written ---------------------------------------------------------------


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_a_crashing_start_up_is_one_line(tmp_path: Path) -> None:
    write_files(tmp_path, {"boom.py": "import json\n\nVALUE = 1 / 0\n"})
    result = _profile(tmp_path, "--module", "boom", "--repeat", "1")
    assert result.returncode == 1
    assert _one_error_line(result) == (
        "flake8-import-cost: profile: the start-up failed: ZeroDivisionError: division by zero (-v shows its output)"
    )
    assert not (tmp_path / "profile.db").exists()
    verbose = _profile(tmp_path, "--module", "boom", "--repeat", "1", "-v")
    assert verbose.returncode == 1 and 'boom.py", line 3' in verbose.stderr


def test_exiting_during_start_up_is_a_failure(tmp_path: Path) -> None:
    write_files(tmp_path, {"quits.py": "import sys\n\nsys.exit(3)\n", "done.py": "import sys\n\nsys.exit(4)\n"})
    result = _profile(tmp_path, "--module", "quits", "--repeat", "1")
    assert result.returncode == 1
    assert "exited with status 3" in _one_error_line(result)
    result = _profile(tmp_path, "--repeat", "1", "--", "done.py")
    assert result.returncode == 1 and "exited with status 4" in _one_error_line(result)
    assert not (tmp_path / "profile.db").exists()


def test_a_hanging_start_up_is_stopped_with_what_it_started(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "hangs.py": "import pathlib, subprocess, sys, time\n\n"
                    "CHILD = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
                    "pathlib.Path('child.pid').write_text(str(CHILD.pid))\n"
                    "time.sleep(120)\n",
    })  # fmt: skip
    result = _profile(tmp_path, "--module", "hangs", "--repeat", "1", "--timeout", "3", timeout=60)
    assert result.returncode == 1
    assert _one_error_line(result) == (
        "flake8-import-cost: profile: the start-up did not finish within 3 s (--timeout): stopped it"
    )
    assert not (tmp_path / "profile.db").exists()
    pid = int((tmp_path / "child.pid").read_text())
    deadline = time.monotonic() + 10
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(pid), "the program's own child process was left running"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import os\n\nos._exit(0)\n", "the program ended (os._exit) before its start-up finished"),
        ("import os\n\nos._exit(5)\n", "the start-up exited with status 5 before it finished"),
        ("import ctypes\n\nctypes.string_at(0)\n", "the start-up was killed by SIGSEGV"),
        ("import os, signal\n\nos.kill(os.getpid(), signal.SIGKILL)\n", "the start-up was killed by SIGKILL"),
    ],
    ids=["os-exit-0", "os-exit-5", "segfault", "sigkill"],
)
def test_a_start_up_that_dies_is_one_line(tmp_path: Path, source: str, message: str) -> None:
    write_files(tmp_path, {"dies.py": source})
    result = _profile(tmp_path, "--module", "dies", "--repeat", "1")
    assert result.returncode == 1
    assert _one_error_line(result).startswith(f"flake8-import-cost: profile: {message}")
    assert not (tmp_path / "profile.db").exists()


def test_a_noisy_start_up_that_leaves_a_child_behind(tmp_path: Path, read_only: ReadOnly) -> None:
    """Megabytes on both streams, lines that look like -X importtime records and a forked child that
    would outlive the start-up: the run is stored, the noise is not, and the child is stopped."""
    write_files(tmp_path, {
        "noisy.py": textwrap.dedent(
            """
            import os, sys, time
            pid = os.fork()
            if pid == 0:
                time.sleep(120)
                os._exit(0)
            with open("forked.pids", "a") as file:
                file.write(f"{pid}\\n")
            sys.stdout.write("o" * 3_000_000)
            print("import time:         1 |          2 | fake_module", file=sys.stderr)
            os.write(2, b"e" * 3_000_000)
            import helper
            """
        ),
        "helper.py": HELPER,
    })  # fmt: skip
    result = _profile(tmp_path, "--module", "noisy", "--repeat", "1")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and len(result.stdout) < 10_000
    connection, run = _latest(tmp_path / "profile.db", read_only)
    names = {row["name"] for row in connection.execute("SELECT name FROM modules WHERE run_id = ?", (run["id"],))}
    assert {"noisy", "helper"} <= names and "fake_module" not in names
    pids = [int(pid) for pid in (tmp_path / "forked.pids").read_text().split()]
    assert len(pids) == 3  # the warm-up, the light and the traced start-up
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in pids), "a child of the start-up was left running"


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "give one of --django-settings MOD, --module MOD or -- COMMAND"),
        (("--module", "a", "--", "b.py"), "give only one of --django-settings MOD, --module MOD or -- COMMAND"),
        (("--module", "a", "--url", "/"), "--url needs --django-settings"),
        (("--module", "not a name"), "--module: not a module name: not a name"),
        (("--", "missing.py"), "no such script: missing.py"),
        (("--", "python", "x.py"), "without 'python'"),
        (("--", "-c", "import os; os.system('touch pwned')"), "runs a script or -m MODULE, not python's -c option"),
        (("--module", "os; import shutil"), "--module: not a module name: os; import shutil"),
        (("--module=-c",), "--module: not a module name: -c"),
        (("--", "-m", "json;x"), "-m: not a module name: json;x"),
        (("--module", "a", "--repeat", "0"), "--repeat must be at least 1"),
        (("--module", "a", "--python", "no-such-python"), "--python: no such interpreter: no-such-python"),
    ],
)
def test_usage_errors_are_one_line(tmp_path: Path, arguments: tuple[str, ...], message: str) -> None:
    result = _profile(tmp_path, *arguments)
    assert result.returncode == 2
    line = _one_error_line(result)
    assert line.startswith("flake8-import-cost: error: profile: ") and message in line
    assert not (tmp_path / "profile.db").exists()


# -- the example project, as its README profiles it ------------------------------------------------------------


@pytest.mark.skipif(
    importlib.util.find_spec("distutils") is None,
    reason="examples/catalog/views.py imports distutils; Python 3.12+ has it only with setuptools",
)
def test_the_example_project_profiles_as_its_readme_says(tmp_path: Path, read_only: ReadOnly) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    root = tmp_path / "examples"
    shutil.copytree(examples, root, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    for command in (["migrate", "-v0"], ["seed_catalog"]):
        result = subprocess.run([sys.executable, str(root / "manage.py"), *command], cwd=tmp_path, env=env,
                                capture_output=True, text=True, check=False)  # fmt: skip
        assert result.returncode == 0, result.stderr
    result = _profile(root, "--django-settings", "shop.settings", "--repeat", "1")
    assert result.returncode == 0, result.stderr
    connection, run = _latest(root / "profile.db", read_only)
    urls = examples / "shop" / "urls.py"
    queries = [(row["path"], row["line"]) for row in connection.execute(
        "SELECT path, line FROM queries WHERE run_id = ? ORDER BY seq", (run["id"],))]  # fmt: skip
    assert queries == [
        ("shop/urls.py", _line_of(urls, "if Category._meta.db_table in")),
        ("shop/urls.py", _line_of(urls, "urlpatterns += [")),
    ]
    edges = [(row["path"], row["first"]) for row in connection.execute(
        "SELECT path, first FROM imports WHERE run_id = ? AND module = 'catalog.utils' ORDER BY seq", (run["id"],))]
    assert edges == [("catalog/forms.py", 1), ("catalog/feeds.py", 0)]
    slowest = connection.execute(
        "SELECT path, line FROM statements WHERE run_id = ? AND path LIKE 'catalog/utils.py' "
        "ORDER BY inclusive_us DESC LIMIT 1", (run["id"],)).fetchone()  # fmt: skip
    assert tuple(slowest) == ("catalog/utils.py", _line_of(examples / "catalog" / "utils.py", "CHECK_DIGITS = "))


@pytest.mark.parametrize("tracer", ["sys.settrace", "sys.monitoring"])
def test_a_class_statement_may_pass_any_keyword(tmp_path: Path, tracer: str, read_only: ReadOnly) -> None:
    """``class NoData(Base, name="NO_DATA")`` (psycopg 3 does this) reaches ``__init_subclass__``
    unchanged: the profiler's ``__build_class__`` takes its own arguments positionally."""
    python = _interpreter(tracer)
    if python is None:
        pytest.skip(f"no Python on this machine traces with {tracer}")
    source = textwrap.dedent(
        """\
        class Base:
            def __init_subclass__(cls, name="", func=None, **keywords):
                cls.sql_name = name


        class NoData(Base, name="NO_DATA", func=len):
            pass


        assert NoData.sql_name == "NO_DATA"
        """
    )
    write_files(tmp_path, {"errors.py": source})
    result = _profile(tmp_path, "--module", "errors", "--repeat", "1", "--python", python)
    assert result.returncode == 0, result.stderr
    connection, run = _latest(tmp_path / "profile.db", read_only)
    lines = {row["line"] for row in connection.execute(
        "SELECT line FROM statements WHERE run_id = ? AND path = 'errors.py'", (run["id"],))}  # fmt: skip
    assert {1, 6, 10} <= lines


def test_queries_of_an_inlined_comprehension_are_stored_on_its_first_line(tmp_path: Path) -> None:
    """Python 3.12+ runs a comprehension in the module's frame (PEP 709): its query is seen on the line of
    its ``for`` clause, and stored on its first line, as Python 3.11 and flake8 number it."""
    from flake8_import_cost.measure import profile

    path = tmp_path / "urls.py"
    path.write_text("ROUTES = [\n    slug\n    for slug in Category.objects.all()\n]\nONE = [x for x in y]\n")
    assert profile.comprehension_lines(str(path)) == {2: 1, 3: 1, 4: 1}
    child = profile.ChildRun(
        traced=False, python_version="3.12.1", implementation="cpython", wall_ns=1, cpu_ns=1, tracer="",
        loads=[], statements=[], edges=[], queries=[("SELECT 1", 1000, "django", str(path), 3, None, None, None)],
    )  # fmt: skip
    assert [query.line for query in profile.queries([child])] == [1]
    child.python_version = "3.11.7"
    assert [query.line for query in profile.queries([child])] == [3]
