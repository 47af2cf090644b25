"""Shared helpers: run the real flake8 on real files in a temporary directory."""

from __future__ import annotations

import ast
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from flake8_import_cost import costdb
from flake8_import_cost.plugin import Plugin
from flake8_import_cost.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

#: The :func:`read_only` fixture: ``costdb.open_read_only``, closed at the end of the test.
ReadOnly = Callable[[str | os.PathLike[str]], sqlite3.Connection]

#: One line of flake8's default output: ``path:line:col: CODE message``.
OUTPUT_LINE = r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)$"


class EagerPlugin(Plugin):
    """The plugin with thresholds so low that every rule has something to report."""

    settings = Settings(
        threshold_ms=0.0,
        slow_modules={"a": None, "b": 1.0, "c.d": 2.0},
        max_iterations=1,
        codegen_ms=0.0,
    )


class Reported(NamedTuple):
    """One finding as flake8 printed it."""

    path: str
    line: int
    col: int
    code: str
    message: str


class Flake8Result(NamedTuple):
    """What one flake8 run printed, and how it ended."""

    returncode: int
    lines: list[str]
    stderr: str

    @property
    def findings(self) -> list[Reported]:
        """The output lines parsed into findings (lines that do not parse are left out)."""
        found = []
        for line in self.lines:
            match = re.match(OUTPUT_LINE, line)
            if match:
                found.append(
                    Reported(
                        match["path"], int(match["line"]), int(match["col"]), match["code"], match["message"]
                    )
                )
        return found

    @property
    def stderr_lines(self) -> list[str]:
        """Non-empty lines of stderr."""
        return [line for line in self.stderr.splitlines() if line.strip()]


def as_python_3_11_numbers_it(path: Path) -> dict[int, int]:
    """Line -> first line, for the later lines of each multi-line list, set or dict comprehension,
    on Python 3.12+: there (PEP 709) a comprehension runs in the frame around it, and what it runs
    is seen on its own lines; before, on its first line, where flake8 reports it and the profile
    stores it. Empty before 3.12."""
    if sys.version_info < (3, 12):
        return {}
    first: dict[int, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp)) and node.end_lineno is not None:
            for line in range(node.lineno + 1, node.end_lineno + 1):
                first[line] = min(first.get(line, node.lineno), node.lineno)
    return first


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write ``files`` (relative path -> text or bytes) under ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    """The plugin's disk cache goes to a folder of this test run, not the user's cache."""
    from flake8_import_cost.filecache import CACHE_ENV

    if CACHE_ENV not in os.environ:
        folder = tempfile.mkdtemp(prefix="imc-cache-")
        os.environ[CACHE_ENV] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def flake8_env() -> dict[str, str]:
    """The environment for a flake8 subprocess: no user-level config or hash seeds leaking in."""
    env = dict(os.environ)
    env.pop("FLAKE8_CONFIG", None)
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_flake8(
    tmp_path: Path,
    files: Mapping[str, str | bytes],
    *args: str,
    isolated: bool = True,
    paths: tuple[str, ...] | None = None,
    launcher: tuple[str, ...] = ("-m", "flake8"),
) -> Flake8Result:
    """Write ``files`` into ``tmp_path`` and run ``python -m flake8`` there.

    With ``isolated`` (the default) flake8 gets ``--isolated`` and reads no
    configuration file; pass ``isolated=False`` to test configuration files.
    ``paths`` are the arguments to check (default: every file written that ends
    in ``.py``, or ``.`` when there is none). ``launcher`` is what follows the
    interpreter on the command line in place of ``-m flake8``.
    """
    write_files(tmp_path, files)
    if paths is None:
        paths = tuple(sorted(name for name in files if name.endswith(".py"))) or (".",)
    command = [sys.executable, *launcher, *(["--isolated"] if isolated else []), *args, *paths]
    completed = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, env=flake8_env(), timeout=120, check=False
    )
    return Flake8Result(completed.returncode, completed.stdout.splitlines(), completed.stderr)


def imc_only(result: Flake8Result) -> list[Reported]:
    """The findings of this plugin in ``result``."""
    return [finding for finding in result.findings if finding.code.startswith("IMC")]


def write_database(directory: Path, database: str, filename: str, figures: dict[str, Any]) -> None:
    """Write ``directory/database``, a real cost database with the figures of a
    ``# measured: {...}`` comment: ``modules`` (cumulative ms at start-up),
    ``isolated`` (ms from a measure run), ``statements`` (line -> ms),
    ``queries`` (line -> [count, ms]), ``functions`` (def line -> [count, ms,
    name]: queries a start-up function ran) and ``importers`` (module ->
    ["path:line", ...]; a path with ``site-packages`` is outside the project)."""
    root = str(directory)
    profile = costdb.Run("profile", project_root=root, command=["case"], repeat=1)
    isolated = costdb.Run("measure", project_root=root, command=["case"], repeat=1)
    seq = 0
    for name, ms in figures.get("modules", {}).items():
        spread = costdb.Spread([ms * 1000])
        profile.modules.append(costdb.ModuleTiming("", len(profile.modules), name, None, 0, None, spread, spread))
    for name, ms in figures.get("isolated", {}).items():
        spread = costdb.Spread([ms * 1000])
        isolated.modules.append(costdb.ModuleTiming(name, 0, name, None, 0, None, spread, spread))
    for line, ms in figures.get("statements", {}).items():
        path, spread = str(directory / filename), costdb.Spread([ms * 1000])
        profile.statements.append(costdb.StatementTiming(path, int(line), "m", "module", spread))
    for line, (count, ms) in figures.get("queries", {}).items():
        for _ in range(count):
            seq += 1
            profile.queries.append(
                costdb.Query(seq, "SELECT 1", ms * 1000 / count, "django", str(directory / filename), int(line))
            )
    for line, (count, ms, function) in figures.get("functions", {}).items():
        for _ in range(count):
            seq += 1
            path = str(directory / filename)
            profile.queries.append(
                costdb.Query(seq, "SELECT 1", ms * 1000 / count, "django", None, None, path, int(line), function)
            )
    for module, lines in figures.get("importers", {}).items():
        for shown in lines:
            path, _, line = shown.rpartition(":")
            where = path if os.path.isabs(path) else str(directory / path)
            profile.imports.append(costdb.ImportEdge(len(profile.imports), module, where, int(line), False))
    for run in (isolated, profile):
        if run.modules or run.statements or run.queries or run.imports:
            costdb.write_run(directory / database, run)


@pytest.fixture
def read_only() -> Iterator[ReadOnly]:
    """``costdb.open_read_only``, its connections closed when the test ends (from Python 3.13 a
    connection that is never closed is a ``ResourceWarning``, an error here)."""
    opened: list[sqlite3.Connection] = []

    def open_read_only(path: str | os.PathLike[str]) -> sqlite3.Connection:
        opened.append(costdb.open_read_only(path))
        return opened[-1]

    yield open_read_only
    for connection in opened:
        connection.close()


@pytest.fixture(scope="session")
def profiled_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding a copy of ``examples/`` after the README's profiling steps, all for
    real: ``migrate``, ``seed_catalog``, then ``flake8-import-cost profile``, which writes
    ``.import-cost.db`` there (where flake8 and ``report`` read it by default)."""
    root = tmp_path_factory.mktemp("profiled")
    shutil.copytree(EXAMPLES, root / "examples", ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    for command in (
        ["examples/manage.py", "migrate", "-v0"],
        ["examples/manage.py", "seed_catalog"],
        ["-m", "flake8_import_cost", "profile", "--django-settings", "shop.settings", "--root", "examples"],
    ):
        result = subprocess.run([sys.executable, *command], cwd=root, env=env, capture_output=True, text=True,
                                timeout=600, check=False)  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
    assert (root / ".import-cost.db").is_file()
    return root


@contextmanager
def read_only_directory(directory: Path) -> Iterator[None]:
    """``directory`` cannot be written while the block runs: no file made, renamed or removed in it.

    Without root, its permission bits do it. Root is not stopped by permission bits, so then the
    directory is made immutable (``chattr +i``), which stops root too; when the file system or the
    container does not allow that, the test is skipped and says why."""
    if os.geteuid() != 0:
        mode = directory.stat().st_mode
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("running as root, which permission bits do not stop, and no chattr to make a directory immutable")
    made = subprocess.run([chattr, "+i", str(directory)], capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"running as root, which permission bits do not stop, and chattr +i failed: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(directory)], capture_output=True, check=True)
