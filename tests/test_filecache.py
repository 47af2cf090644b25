"""The disk cache of what the plugin learns about other files: real flake8 runs, a real cache folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import flake8_env, write_files

from flake8_import_cost.filecache import CACHE_ENV

PROJECT = {
    "app/__init__.py": "",
    "app/data.py": "def load():\n    return open('data.txt').read()\n",
    "app/main.py": "from app.data import load\n\nA = load()\n",
}
FOUND = (
    "app/main.py:3:5: IMC402 open() reads a file at import time; read it on first use (functools.cache)"
    " [app/data.py:2] (in app.data.load(), called at import time)"
)


def flake8(project: Path, cache: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**flake8_env(), CACHE_ENV: cache}
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "IMC", *args, "app"],
        cwd=project, capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def entries(cache: Path, kind: str) -> list[Path]:
    return sorted((cache / kind).rglob("*.json")) if (cache / kind).is_dir() else []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_files(tmp_path / "project", PROJECT)
    return tmp_path / "project"


def test_a_second_run_reads_the_summary_the_first_kept(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = flake8(project, str(cache))
    assert (first.stdout.splitlines(), first.stderr) == ([FOUND], "")
    kept = entries(cache, "summary")
    assert len(kept) == 1  # app/data.py, the one module summarised
    entry = json.loads(kept[0].read_text(encoding="utf-8"))
    assert entry["effects"]["load"][0][:2] == [
        "IMC402", "open() reads a file at import time; read it on first use (functools.cache)"
    ]  # fmt: skip
    entry["effects"]["load"][0][1] = "what the cache says"
    kept[0].write_text(json.dumps(entry), encoding="utf-8")
    second = flake8(project, str(cache))
    assert "IMC402 what the cache says [app/data.py:2]" in second.stdout


def test_a_changed_file_is_worked_out_again_even_with_the_same_size_and_time(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    flake8(project, str(cache))
    for kept in entries(cache, "summary"):  # what a stale entry would say
        kept.write_text(kept.read_text(encoding="utf-8").replace("open() reads", "stale"), encoding="utf-8")
    assert "stale" in flake8(project, str(cache)).stdout
    data = project / "app" / "data.py"
    stat = data.stat()
    data.write_text(PROJECT["app/data.py"].replace("data.txt", "data.csv"), encoding="utf-8")
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert data.stat().st_size == stat.st_size and data.stat().st_mtime_ns == stat.st_mtime_ns
    assert flake8(project, str(cache)).stdout.splitlines() == [FOUND]


def test_a_corrupt_entry_is_worked_out_again_and_replaced(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    flake8(project, str(cache))
    for entry in entries(cache, "summary") + entries(cache, "imports"):
        entry.write_bytes(b"\x00not json")
    again = flake8(project, str(cache))
    assert (again.stdout.splitlines(), again.stderr) == ([FOUND], "")
    assert all(json.loads(entry.read_bytes()) is not None for entry in entries(cache, "summary"))


def test_entries_of_another_shape_are_ignored(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    flake8(project, str(cache))
    for entry in entries(cache, "summary") + entries(cache, "imports"):
        entry.write_text('{"effects": {"load": [[1]]}, "links": 3}', encoding="utf-8")
    again = flake8(project, str(cache))
    assert (again.stdout.splitlines(), again.stderr) == ([FOUND], "")


@pytest.mark.parametrize("off", ["off", ""])
def test_the_cache_can_be_turned_off(project: Path, tmp_path: Path, off: str) -> None:
    result = flake8(project, off)
    assert (result.stdout.splitlines(), result.stderr) == ([FOUND], "")
    assert not (project / "off").exists()


def test_a_cache_that_cannot_be_written_is_no_cache_and_no_error(project: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    result = flake8(project, str(blocked / "cache"))
    assert (result.stdout.splitlines(), result.stderr) == ([FOUND], "")


def test_runs_at_once_with_jobs_share_one_cache(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/data.py": PROJECT["app/data.py"]}
    for index in range(40):
        files[f"app/m{index}.py"] = "from app.data import load\n\nA = load()\n"
    write_files(tmp_path / "project", files)
    cache = tmp_path / "cache"
    env = {**flake8_env(), CACHE_ENV: str(cache)}
    command = [sys.executable, "-m", "flake8", "--isolated", "--select", "IMC", "--jobs", "2", "app"]
    runs = [subprocess.Popen(command, cwd=tmp_path / "project", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env) for _ in range(3)]  # fmt: skip
    outputs = [run.communicate(timeout=120) for run in runs]
    expected = sorted(f"app/m{index}.py:3:5: IMC402" for index in range(40))
    for stdout, stderr in outputs:
        assert stderr == ""
        assert sorted(line.split(" open()")[0] for line in stdout.splitlines()) == expected
    assert len(entries(cache, "summary")) == 1
    assert not list(cache.rglob("*.tmp"))


def test_each_python_keeps_its_own_entries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Two Pythons share one cache folder (and an editable install, one plugin): what one parsed is not
    the other's (a ``type`` statement is a syntax error before 3.12, annotations are lazy from 3.14)."""
    from flake8_import_cost import filecache

    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(filecache, "_code", None)
    filecache.write("summary", "app/data.py", b"type Frame = list[int]\n", {"found": []})
    assert filecache.read("summary", "app/data.py", b"type Frame = list[int]\n") == {"found": []}
    monkeypatch.setattr(filecache, "_code", None)
    monkeypatch.setattr(filecache, "interpreter", lambda: "cpython 3.99")
    assert filecache.read("summary", "app/data.py", b"type Frame = list[int]\n") is None
