"""``flake8-import-cost measure`` for real: small modules in a temporary directory, measured in
real interpreters, the figures read back from a real SQLite file."""

from __future__ import annotations

import ast
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from flake8_import_cost import costdb
from flake8_import_cost.measure.importtime_log import ImportRecord
from flake8_import_cost.measure.sampler import Pool, Sample, Server, Target, child_source, is_module_name, tree
from conftest import write_files

PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"


def measure(root: Path, *args: str, db: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the command in a subprocess, in ``root``, into ``root/costs.db`` (or ``db``; ``args`` with a
    ``--`` name it themselves)."""
    database = [] if "--" in args else ["--db", str(db or root / "costs.db")]
    command = [sys.executable, "-m", "flake8_import_cost", "measure", *args, *database]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=timeout, check=False)


def rows(db: Path, query: str, *parameters: object) -> list[sqlite3.Row]:
    connection = costdb.open_read_only(db)
    try:
        return list(connection.execute(query, parameters))
    finally:
        connection.close()


def tree_of(db: Path, target: str) -> dict[str, sqlite3.Row]:
    return {row["name"]: row for row in rows(db, "SELECT * FROM modules WHERE target = ? ORDER BY seq", target)}


def failures(db: Path) -> dict[str, str]:
    return {row["target"]: row["reason"] for row in rows(db, "SELECT target, reason FROM failures")}


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie waiting for its reaper counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return True
    except OSError:  # pragma: no cover - no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False


def wait_until_gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(gone(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def wait_for(path: Path, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


CHAIN = {
    "imc_top.py": "import imc_middle\n",
    "imc_middle.py": "import imc_leaf\nimport json\n",
    "imc_leaf.py": "VALUE = sum(range(1000))\n",
}


def test_measure_stores_the_tree_with_medians_and_spread(tmp_path: Path) -> None:
    write_files(tmp_path, CHAIN)
    result = measure(tmp_path, "imc_top", "--repeat", "3")
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    db = tmp_path / "costs.db"
    modules = tree_of(db, "imc_top")
    assert {"imc_top", "imc_middle", "imc_leaf", "json", "json.decoder"} <= set(modules)
    assert [name for name in modules if name.startswith("imc_")] == ["imc_leaf", "imc_middle", "imc_top"]
    top, middle, leaf = modules["imc_top"], modules["imc_middle"], modules["imc_leaf"]
    assert (top["parent"], top["depth"]) == (None, 0)
    assert (middle["parent"], middle["depth"]) == ("imc_top", 1)
    assert (leaf["parent"], leaf["depth"]) == ("imc_middle", 2)
    assert (modules["json"]["parent"], modules["json.decoder"]["parent"]) == ("imc_middle", "json")
    # Project files are stored relative to the root; the standard library keeps its absolute path.
    assert (top["path"], top["in_project"]) == ("imc_top.py", 1)
    assert os.path.isabs(modules["json"]["path"]) and modules["json"]["in_project"] == 0
    for row in modules.values():
        for column in ("self", "cumulative"):
            samples = json.loads(row[f"{column}_samples"])
            assert len(samples) == 3
            assert row[f"{column}_min_us"] == min(samples) and row[f"{column}_max_us"] == max(samples)
            assert row[f"{column}_min_us"] <= row[f"{column}_us"] <= row[f"{column}_max_us"]
            assert row[f"{column}_iqr_us"] >= 0
        assert row["cumulative_us"] >= row["self_us"] > 0
    assert top["cumulative_us"] >= middle["cumulative_us"] >= leaf["cumulative_us"]
    (run,) = rows(db, "SELECT * FROM runs")
    assert (run["kind"], run["repeat"], run["project_root"]) == ("measure", 3, str(tmp_path))
    assert run["python_minor"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert json.loads(run["details"])["sampling"] == "fork server"
    assert f"run {run['id']} written to {db}" in result.stdout
    assert "imc_top" in result.stdout.split("costliest targets")[1]


def test_summary_is_one_line_on_stderr_without_a_terminal(tmp_path: Path) -> None:
    write_files(tmp_path, CHAIN)
    result = measure(tmp_path, "imc_leaf", "imc_no_such_module", "--repeat", "2", "--jobs", "1")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("measure: 1 of 2 targets in ")
    assert "imc_no_such_module: ModuleNotFoundError: No module named 'imc_no_such_module'" in result.stdout


# -- hostile modules: each one fails alone, the others are stored ------------------------------------------


HOSTILE = {
    "imc_good.py": "import imc_good_child\n",
    "imc_good_child.py": "X = 1\n",
    "imc_exits.py": "import sys\nsys.exit(3)\n",
    "imc_os_exit.py": "import os\nos._exit(4)\n",
    "imc_segfault.py": "import ctypes\nctypes.string_at(0)\n",
    "imc_raises.py": "raise RuntimeError('first line\\nsecond line')\n",
    "imc_syntax.py": "def broken(:\n",
    "imc_missing_dep.py": "import imc_not_there\n",
    "imc_hangs.py": "while True:\n    pass\n",
    "imc_forks.py": textwrap.dedent(
        """
        import os, time
        pid = os.fork()
        if pid == 0:
            time.sleep(60)
            os._exit(0)
        with open("forked.pids", "a") as file:
            file.write(f"{pid}\\n")
        """
    ),
    "imc_floods.py": textwrap.dedent(
        """
        import os, sys
        sys.stdout.write("x" * 4_000_000)
        print("e" * 3_000_000, file=sys.stderr)
        os.write(1, b"o" * 2_000_000)
        os.write(2, b"z" * 3_000_000)  # no newline: the next record follows on the same line
        import imc_flood_child
        """
    ),
    "imc_flood_child.py": "X = 1\n",
    "imc_fakes.py": textwrap.dedent(
        """
        import os, sys
        print("import time: 1 | 2 | fake", file=sys.stderr)
        print("import time:         1 |          2 | fake_print", file=sys.__stderr__)
        os.write(2, b"import time:         1 |          2 |   fake_fd\\n")
        import imc_fake_child
        """
    ),
    "imc_fake_child.py": "X = 1\n",
}


def test_hostile_modules_fail_alone(tmp_path: Path) -> None:
    write_files(tmp_path, HOSTILE)
    names = sorted(name.removesuffix(".py") for name in HOSTILE if not name.endswith("_child.py"))
    bad_names = ["os; import shutil", "json\nimport os", "__import__('os').system('x')", "a..b", "class", ".rel", "",
                 "-c", "-cimport shutil", "-m", "--help", "json\timport os", "$(touch shutil)", "`touch shutil`"]
    # After `--`, names that look like options ("-c", "--help") are names too.
    result = measure(tmp_path, "--repeat", "2", "--timeout", "2", "--jobs", "3", "--db", "costs.db", "--",
                     *names, *bad_names)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    db = tmp_path / "costs.db"
    failed = failures(db)
    assert failed["imc_exits"] == "the module called sys.exit(3)"
    assert failed["imc_os_exit"] == "the process exited with status 4 before the import finished (os._exit()?)"
    assert failed["imc_segfault"].startswith("crashed: killed by SIGSEGV")
    assert failed["imc_raises"] == "RuntimeError: first line second line"
    assert failed["imc_syntax"].startswith("SyntaxError: ")
    assert failed["imc_missing_dep"] == "ModuleNotFoundError: No module named 'imc_not_there'"
    assert failed["imc_hangs"] == "timed out after 2 s"
    for name in bad_names:
        assert failed[name] == "not a module name (a dotted name of identifiers is needed)"
    assert all("\n" not in reason for reason in failed.values())
    assert set(failed) == {"imc_exits", "imc_os_exit", "imc_segfault", "imc_raises", "imc_syntax",
                           "imc_missing_dep", "imc_hangs", *bad_names}  # fmt: skip
    assert not (tmp_path / "shutil").exists()
    # The others are all there, and whole.
    assert set(tree_of(db, "imc_good")) == {"imc_good", "imc_good_child"}
    assert set(tree_of(db, "imc_forks")) == {"imc_forks"}
    assert set(tree_of(db, "imc_floods")) == {"imc_floods", "imc_flood_child"}
    assert set(tree_of(db, "imc_fakes")) == {"imc_fakes", "imc_fake_child"}
    assert not rows(db, "SELECT * FROM modules WHERE name LIKE 'fake%'")
    # The children the module forked (one per sample: the untimed one and two timed) did not outlive it.
    pids = [int(line) for line in (tmp_path / "forked.pids").read_text().split()]
    assert len(pids) == 3
    assert wait_until_gone(pids)


def test_a_timeout_kills_what_the_module_started(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "imc_spawns_and_hangs.py": textwrap.dedent(
            """
            import os, time
            pid = os.fork()
            if pid == 0:
                time.sleep(60)
                os._exit(0)
            with open("spawned.pids", "a") as file:
                file.write(f"{pid} {os.getpid()}\\n")
            while True:
                time.sleep(0.01)
            """
        ),
        "imc_fine.py": "X = 1\n",
    })  # fmt: skip
    result = measure(tmp_path, "imc_spawns_and_hangs", "imc_fine", "--repeat", "2", "--timeout", "1", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert failures(tmp_path / "costs.db") == {"imc_spawns_and_hangs": "timed out after 1 s"}
    assert set(tree_of(tmp_path / "costs.db", "imc_fine")) == {"imc_fine"}
    pids = [int(pid) for pid in (tmp_path / "spawned.pids").read_text().split()]
    assert len(pids) == 2 and wait_until_gone(pids)


def test_a_flood_on_standard_error_is_stopped(tmp_path: Path) -> None:
    """A module that writes without end to its standard error (fake report lines among the noise)
    is stopped once it has written 64 MiB, one that writes more than that at once and ends fails
    too; the others are measured."""
    write_files(tmp_path, {
        "imc_torrent.py": textwrap.dedent(
            """
            import os
            chunk = (b"import time:         1 |          2 | fake\\n" + b"x" * 4000 + b"\\n") * 16
            while True:
                os.write(2, chunk)
            """
        ),
        "imc_burst.py": "import os\nos.write(2, b'x' * (65 << 20))\n",
        "imc_fine.py": "X = 1\n",
    })  # fmt: skip
    result = measure(tmp_path, "imc_torrent", "imc_burst", "imc_fine", "--repeat", "1", "--timeout", "120",
                     "--jobs", "2")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    db = tmp_path / "costs.db"
    assert failures(db) == {"imc_torrent": "wrote more than 64 MiB to standard error",
                            "imc_burst": "wrote more than 64 MiB to standard error"}  # fmt: skip
    assert set(tree_of(db, "imc_fine")) == {"imc_fine"}
    assert not rows(db, "SELECT * FROM modules WHERE name = 'fake'")


def test_the_sampler_refuses_what_is_not_a_module_name(tmp_path: Path) -> None:
    """Names reach the measured interpreter as data, never as code: the sampler itself refuses a name
    that is not a dotted name of identifiers, before anything is sent or started."""
    from flake8_import_cost.measure.sampler import sample_once

    server = Server(sys.executable, str(tmp_path), timeout=10)
    try:
        for target, fromlist in (("json\nimport os", ()), ("-c", ()), ("json", ("dumps\tos",)), ("json", ("a.b",))):
            with pytest.raises(ValueError, match="not a module name"):
                server.sample(target, fromlist)
        assert server.sample("json").error is None  # the server is still in step
    finally:
        server.close()
    with pytest.raises(ValueError, match="not a module name"):
        sample_once(sys.executable, str(tmp_path), "os; import shutil", timeout=10)


def test_a_module_loaded_at_start_up_is_not_measured(tmp_path: Path) -> None:
    result = measure(tmp_path, "sys", "--repeat", "1")
    assert result.returncode == 1  # nothing could be measured
    assert failures(tmp_path / "costs.db") == {
        "sys": "already imported when the interpreter starts: nothing to measure"
    }


# -- runs, databases and signals --------------------------------------------------------------------------


def test_two_concurrent_runs_both_land(tmp_path: Path) -> None:
    write_files(tmp_path, CHAIN)
    db = tmp_path / "costs.db"
    command = [sys.executable, "-m", "flake8_import_cost", "measure", "--repeat", "2", "--jobs", "1", "--db", str(db)]
    processes = [
        subprocess.Popen([*command, name], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("imc_top", "imc_leaf")
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    targets = {row["target"] for row in rows(db, "SELECT DISTINCT target FROM modules")}
    assert targets == {"imc_top", "imc_leaf"}
    assert len(rows(db, "SELECT id FROM runs")) == 2


SLEEPER = {
    "imc_sleeps.py": textwrap.dedent(
        """
        import os, time
        with open("sleeping.pid", "w") as file:
            file.write(str(os.getpid()))
        time.sleep(60)
        """
    ),
}


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_sleeper_run(tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    write_files(tmp_path, {**CHAIN, **SLEEPER})
    command = [sys.executable, "-m", "flake8_import_cost", "measure", "imc_leaf", "imc_sleeps", "--repeat", "2",
               "--jobs", "1", "--timeout", "50", "--db", str(tmp_path / "costs.db")]  # fmt: skip
    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    # A shell starts background jobs with SIGINT ignored, and Python keeps it so: give it back its default.
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, preexec_fn=_default_sigint)  # fmt: skip
    return process, int(wait_for(tmp_path / "sleeping.pid"))


def test_sigkill_mid_run_leaves_no_half_written_run(tmp_path: Path) -> None:
    first = measure(tmp_path, "json", "--repeat", "1")
    assert first.returncode == 0, first.stderr
    process, sleeper = _start_sleeper_run(tmp_path)
    try:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    finally:
        os.killpg(sleeper, signal.SIGKILL)  # the sample that outlived its command, as a CI runner would end it
    db = tmp_path / "costs.db"
    assert [row["command"] for row in rows(db, "SELECT command FROM runs")] == [
        json.dumps(["flake8-import-cost", "measure", "json", "--repeat", "1", "--timeout", "60", "--root", "."])
    ]
    assert {row["target"] for row in rows(db, "SELECT DISTINCT target FROM modules")} == {"json"}


def test_sigint_prints_one_line_and_writes_nothing(tmp_path: Path) -> None:
    process, sleeper = _start_sleeper_run(tmp_path)
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # show where it hangs (faulthandler is on)
        process.send_signal(signal.SIGABRT)
        stdout, stderr = process.communicate(timeout=30)
        os.killpg(sleeper, signal.SIGKILL)
        raise AssertionError(f"no exit after SIGINT:\n{stderr}") from None
    assert process.returncode == 130
    assert stderr == "flake8-import-cost: interrupted\n"
    assert stdout == ""
    assert not (tmp_path / "costs.db").exists()
    assert wait_until_gone([sleeper])  # the sample it was taking was stopped


# -- usage -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "measure: name a MODULE to measure, or --from-source PATH"),
        (("json", "--python", "/no/such/python"), "measure: --python: no such interpreter: /no/such/python"),
        (("json", "--root", "no-such-dir"), "measure: --root is not a directory: no-such-dir"),
        (("--from-source", "no-such-dir"), "measure: no such file or directory: no-such-dir"),
    ],
)
def test_bad_usage_is_one_line_and_status_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = measure(tmp_path, *args)
    assert result.returncode == 2
    assert result.stderr == f"flake8-import-cost: error: {message}\n"
    assert not (tmp_path / "costs.db").exists()


@pytest.mark.parametrize("args", [("json", "--repeat", "0"), ("json", "--jobs", "x"), ("json", "--timeout", "-1")])
def test_bad_numbers_are_status_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = measure(tmp_path, *args)
    assert result.returncode == 2 and "error: argument" in result.stderr
    assert_no_traceback(result)


def test_an_interpreter_that_cannot_run_the_measuring_code(tmp_path: Path) -> None:
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'not python' >&2\nexit 1\n")
    fake.chmod(0o755)
    result = measure(tmp_path, "json", "--python", str(fake))
    assert result.returncode == 2
    assert result.stderr.startswith(f"flake8-import-cost: error: measure: {fake} cannot run the measuring code")
    assert result.stderr.count("\n") == 1


def test_a_database_problem_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "costs.db").write_bytes(b"not a database" * 100)
    write_files(tmp_path, CHAIN)
    result = measure(tmp_path, "imc_leaf", "--repeat", "1")
    assert result.returncode == 2
    assert result.stderr.endswith("costs.db: not an SQLite database (corrupt or truncated?)\n")
    assert result.stderr.count("\n") == 1


# -- other interpreters -------------------------------------------------------------------------------------


OTHER_MINORS = ("3.10", "3.12", "3.13", "3.14")


def other_python(minor: str) -> Path:
    """The newest pyenv interpreter of ``minor``, or a skip."""
    candidates = sorted(PYENV.glob(f"{minor}.*/bin/python{minor}"))
    if not candidates:
        pytest.skip(f"no Python {minor} here")
    return candidates[-1]


@pytest.mark.parametrize("minor", OTHER_MINORS)
def test_another_interpreter(tmp_path: Path, minor: str) -> None:
    python = other_python(minor)
    write_files(tmp_path, CHAIN)
    result = measure(tmp_path, "imc_top", "--python", str(python), "--repeat", "2")
    assert result.returncode == 0, result.stderr
    db = tmp_path / "costs.db"
    (run,) = rows(db, "SELECT * FROM runs")
    assert run["python_minor"] == minor and run["python_version"].startswith(minor + ".")
    assert json.loads(run["details"])["python"] == str(python)
    assert {"imc_top", "imc_middle", "imc_leaf", "json"} <= set(tree_of(db, "imc_top"))


@pytest.mark.parametrize("minor", ["running", *OTHER_MINORS])
def test_the_measuring_code_imports_nothing(tmp_path: Path, minor: str) -> None:
    """Before a sample imports its module, the interpreter has exactly the modules of ``python -c pass``."""
    python = Path(sys.executable) if minor == "running" else other_python(minor)
    plain = subprocess.run(
        [str(python), "-X", "importtime", "-c", "import sys; print(sorted(sys.modules))"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    server = Server(str(python), str(tmp_path), timeout=10)
    try:
        assert server.interpreter.start_up == frozenset(ast.literal_eval(plain.stdout))
    finally:
        server.close()


# -- --from-source ------------------------------------------------------------------------------------------


def test_from_source_measures_what_runs_at_import(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "shop/__init__.py": "",
        "shop/views.py": textwrap.dedent(
            """
            from __future__ import annotations
            import json
            import email.mime.text
            import os, sys
            from typing import TYPE_CHECKING
            from importlib import metadata
            from xml.dom import minidom, Node
            from . import models
            from .models import Product
            from shop import models as m
            import inner.thing
            if TYPE_CHECKING:
                import decimal
            def view():
                import asyncio
            try:
                import imc_optional_missing
            except ImportError:
                pass
            """
        ),
        "shop/models.py": "import shop.helpers\nclass Product: pass\n",
        "shop/helpers.py": "",
        "src/inner/__init__.py": "",
        "src/inner/thing.py": "import inner\n",
    })  # fmt: skip
    result = measure(tmp_path, "--from-source", "shop", "--from-source", "src", "--repeat", "1")
    assert result.returncode == 0, result.stderr
    db = tmp_path / "costs.db"
    measured = {row["target"] for row in rows(db, "SELECT DISTINCT target FROM modules")}
    failed = failures(db)
    start_up = Server(sys.executable, str(tmp_path), timeout=10)
    try:
        loaded = start_up.interpreter.start_up
    finally:
        start_up.close()
    # `from importlib import metadata` collects the package too (an editable install's finder loads it at
    # start-up; a plain install does not).
    expected = {"json", "email.mime.text", "typing", "importlib", "importlib.metadata", "xml.dom",
                "xml.dom.minidom", "shop", "shop.helpers", "shop.models"} - loaded  # fmt: skip
    assert measured == expected
    # Not collected: function-level and TYPE_CHECKING imports, relative imports, `Node` (a class), __future__,
    # modules loaded at start-up, and `inner`, a project package that cannot be imported from the root.
    assert failed == {"imc_optional_missing": "ModuleNotFoundError: No module named 'imc_optional_missing'"}


# -- trees, from samples ------------------------------------------------------------------------------------


def test_tree_drops_records_of_modules_not_loaded() -> None:
    records = [
        ImportRecord("leaf", 5, 5, 3),
        ImportRecord("optional_missing", 1, 6, 2),  # failed inside try: not in sys.modules
        ImportRecord("fake", 1, 2, 2),  # a line that only looks like a record
        ImportRecord("middle", 10, 20, 1),
        ImportRecord("top", 30, 50, 0),
    ]
    sample = Sample(records, {"leaf": "/l.py", "middle": "/m.py", "top": "/t.py"})
    assert [(n.name, n.parent, n.depth, n.path, n.self_us, n.cumulative_us) for n in tree(sample)] == [
        ("leaf", "middle", 2, "/l.py", 5, 5),
        ("middle", "top", 1, "/m.py", 10, 20),
        ("top", None, 0, "/t.py", 30, 50),
    ]


def test_module_names() -> None:
    assert all(map(is_module_name, ["os", "os.path", "a_b.c1", "_private", "ünïcode"]))
    assert not any(map(is_module_name, ["", ".os", "os.", "a..b", "os;x", "a b", "1abc", "import", "a.class", "a\nb"]))


def test_pool_without_fork(tmp_path: Path) -> None:
    """Where there is no fork(), every sample is a fresh interpreter: same results."""
    write_files(tmp_path, {**CHAIN, "imc_exits.py": "import sys\nsys.exit(3)\n"})
    with Pool(sys.executable, str(tmp_path), jobs=2, timeout=20, fork=False) as pool:
        outcomes = {o.target.name: o for o in pool.run([Target("imc_top"), Target("imc_exits"), Target("sys")], 2)}
    assert [len(outcomes["imc_top"].samples), outcomes["imc_top"].error] == [2, None]
    assert {"imc_top", "imc_middle", "imc_leaf"} <= {n.name for n in tree(outcomes["imc_top"].samples[0])}
    assert outcomes["imc_exits"].error == "the module called sys.exit(3)"
    assert outcomes["sys"].preloaded


def test_child_source_is_the_module() -> None:
    assert child_source().startswith('"""The measuring side of ``flake8-import-cost measure``')


def test_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """stderr a terminal and tqdm installed: a bar (it clears itself), then the summary line."""
    pytest.importorskip("tqdm")
    import fcntl
    import pty
    import struct
    import termios

    write_files(tmp_path, CHAIN)
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    command = [sys.executable, "-m", "flake8_import_cost", "measure", "imc_top", "imc_leaf", "--repeat", "2",
               "--jobs", "1", "--db", str(tmp_path / "costs.db")]  # fmt: skip
    try:
        process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=secondary, text=True)
        stdout, _ = process.communicate(timeout=120)
        os.close(secondary)
        secondary = -1
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the terminal is closed: everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
        if secondary >= 0:
            os.close(secondary)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 0
    bar, _, summary = terminal.rpartition("measure: 2 of 2 targets in ")
    assert "measure: " in bar and "/2 [" in bar and "module/s]" in bar, terminal  # tqdm's bar
    assert summary.endswith("(2 samples each, 1 job)\r\n") and summary.count("\n") == 1
    assert "run 1 written to" in stdout
