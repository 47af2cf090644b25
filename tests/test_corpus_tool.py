"""``tools/corpus.py`` runs the real flake8 and reports what it found, without the network.

The script runs as a subprocess on small projects written here: a local folder with
``--path``, and a fake wheel of a corpus project placed in the cache (which is then never
downloaded). Its helpers for unpacking and reporting are also tested directly.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import flake8_env, write_files

pytestmark = pytest.mark.skipif(sys.version_info < (3, 11), reason="tools/corpus.py needs tomllib (Python 3.11)")

TOOL = Path(__file__).resolve().parent.parent / "tools" / "corpus.py"

#: A project with known findings: three IMC101 (two of pandas), one IMC402, one IMC403.
PROJECT = {
    "pkg/__init__.py": "",
    "pkg/reports.py": "import pandas\n\n\ndef frame():\n    return pandas.DataFrame()\n",
    "pkg/charts.py": "import requests\nimport pandas\n\n\ndef table():\n    return pandas.DataFrame(requests.get)\n",
    "pkg/config.py": 'TEXT = open("x").read()\n',
    "pkg/patterns.py": 'import re\n\nWORD = re.compile("[a-z]+")\n',
}
DEFERRABLE = "used only inside functions, so the import can move into them"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building the class
    spec.loader.exec_module(module)
    return module


def run_tool(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *map(str, args)],
        capture_output=True,
        text=True,
        env=env or flake8_env(),
        timeout=300,
        check=False,
    )


def row(stdout: str, title: str, label: str) -> list[str]:
    """The cells of ``label``'s row in the table headed by ``title``, keyed by the header."""
    lines = stdout.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(title))
    header = lines[start].removeprefix(title).split()
    for line in lines[start:][1:]:
        if not line.strip():
            break
        if line.startswith(label + " "):
            cells = line.removeprefix(label).split()
            assert len(cells) == len(header), line
            return [f"{name}={cell}" for name, cell in zip(header, cells)]
    raise AssertionError(f"no row {label!r} under {title!r} in:\n{stdout}")


def test_path_counts_findings_per_code_and_writes_every_finding(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    write_files(project, PROJECT)
    output = tmp_path / "out.json"

    result = run_tool("--path", project, "--json", output, "--by-module", "IMC101", "--jobs", "1")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert row(result.stdout, "findings", "proj") == [
        "files=5",
        "errors=0",
        "IMC101=3",
        "IMC402=1",
        "IMC403=1",
        "all=5",
    ]
    assert row(result.stdout, "per 1,000 files", "proj") == [
        "files=5",
        "IMC101=600.0",
        "IMC402=200.0",
        "IMC403=200.0",
        "all=1000.0",
    ]
    assert "IMC101 in proj: top 2 of 2 names\n       2  pandas\n       1  requests\n" in result.stdout
    assert "PLUGIN ERRORS" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 120

    data = json.loads(output.read_text(encoding="utf-8"))
    assert " ".join(data["command"]).startswith("python -m flake8 --isolated --select IMC --extend-select IMC403")
    (only,) = data["projects"]
    assert only["name"] == "proj"
    assert only["files"] == 5
    assert only["counts"] == {"IMC101": 3, "IMC402": 1, "IMC403": 1}
    assert only["per_1000_files"] == {"IMC101": 600.0, "IMC402": 200.0, "IMC403": 200.0}
    assert only["plugin_errors"] == []
    located = [(f["path"], f["line"], f["col"], f["code"]) for f in only["findings"]]
    assert located == [
        ("pkg/charts.py", 1, 1, "IMC101"),
        ("pkg/charts.py", 2, 1, "IMC101"),
        ("pkg/config.py", 1, 8, "IMC402"),
        ("pkg/patterns.py", 3, 8, "IMC403"),
        ("pkg/reports.py", 1, 1, "IMC101"),
    ]
    messages = [finding["message"] for finding in only["findings"]]
    assert messages[0].startswith("requests takes ~") and messages[0].endswith(DEFERRABLE)
    assert messages[2].startswith("open() reads a file at import time")
    assert data["total"] == {
        "files": 5,
        "counts": {"IMC101": 3, "IMC402": 1, "IMC403": 1},
        "per_1000_files": {"IMC101": 600.0, "IMC402": 200.0, "IMC403": 200.0},
        "plugin_errors": 0,
    }
    # One line per finding, so that `diff` of two outputs shows the findings that changed.
    lines = output.read_text(encoding="utf-8").splitlines()
    assert sum('"code": "IMC' in line for line in lines) == 5

    again = run_tool("--path", project, "--by-module", "IMC101", "--jobs", "2")
    # Stable output, whatever the number of jobs (which only the command line shows).
    assert again.stdout.replace("--jobs 2", "--jobs 1") == result.stdout


def test_flake8_args_reach_flake8(tmp_path: Path) -> None:
    write_files(tmp_path / "proj", PROJECT)

    # requests (~80 ms) falls under a 100 ms threshold, pandas does not.
    result = run_tool("--path", tmp_path / "proj", "--flake8-args", "--import-cost-threshold-ms", "100")

    assert result.returncode == 0, result.stderr
    assert "--import-cost-threshold-ms 100" in result.stdout
    assert row(result.stdout, "findings", "proj")[2] == "IMC101=2"


def fake_wheel(path: Path, files: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, text in files.items():
            bundle.writestr(name, text)


def test_a_corpus_project_runs_from_the_cache_without_downloading(tmp_path: Path) -> None:
    project = load_tool().load_corpus()[0]
    slow = "import pandas\n\n\ndef frame():\n    return pandas.DataFrame()\n"
    files = {f"{package}/__init__.py": slow for package in project.packages}
    files.update({f"{folder}/vendored.py": slow for folder in project.exclude})
    files["elsewhere/__init__.py"] = slow  # not one of the project's packages
    wheel = f"{project.name.replace('-', '_')}-{project.version}-py3-none-any.whl"
    cache = tmp_path / "cache"
    cache.mkdir()
    fake_wheel(cache / wheel, files)
    output = tmp_path / "out.json"

    for _ in range(2):  # the second run finds the wheel unpacked already
        result = run_tool("--cache", cache, "--project", project.name, "--json", output)
        assert result.returncode == 0, result.stderr
        assert "downloading" not in result.stderr
        assert row(result.stdout, "findings", project.label)[:3] == [
            f"files={len(project.packages)}",
            "errors=0",
            f"IMC101={len(project.packages)}",
        ]

    assert (cache / "unpacked" / wheel.removesuffix(".whl") / project.packages[0] / "__init__.py").is_file()
    (entry,) = json.loads(output.read_text(encoding="utf-8"))["projects"]
    assert entry["source"] == wheel
    # Only the project's own packages are linted: not the excluded folders, not the rest of the wheel.
    assert sorted(f["path"] for f in entry["findings"]) == sorted(f"{p}/__init__.py" for p in project.packages)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("tools/corpus.py: error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_a_package_missing_from_the_wheel_is_a_one_line_error(tmp_path: Path) -> None:
    project = load_tool().load_corpus()[0]
    cache = tmp_path / "cache"
    cache.mkdir()
    fake_wheel(cache / f"{project.name.replace('-', '_')}-{project.version}-py3-none-any.whl", {"other/x.py": ""})

    error = one_line_error(run_tool("--cache", cache, "--project", project.name))

    assert f"package folder {project.packages[0]}" in error
    assert "is not in the unpacked archive" in error


def test_pip_failing_is_a_one_line_error(tmp_path: Path) -> None:
    project = load_tool().load_corpus()[0]
    env = flake8_env()
    env.update({"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": ""})  # no network

    error = one_line_error(run_tool("--cache", tmp_path / "cache", "--project", project.name, env=env))

    assert f"pip could not download {project.name}=={project.version}" in error
    assert "wheel:" in error and "sdist:" in error


@pytest.mark.parametrize(
    "args, message",
    [
        (["--project", "no-such-project"], "not in the corpus: no-such-project"),
        (["--path", "no-such-folder"], "--path no-such-folder: no such folder"),
    ],
)
def test_usage_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, str(TOOL), "--cache", str(tmp_path), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=flake8_env(),
        timeout=60,
        check=False,
    )
    assert message in one_line_error(result)


def test_the_pinned_corpus_is_complete() -> None:
    projects = {project.name: project for project in load_tool().load_corpus()}
    required = {
        "weblate": "5.14.3",
        "pretix": "2026.8.0",
        "nautobot": "3.2.7",
        "pulpcore": "3.123.1",
        "misago": "0.39.6",
        "arches": "8.1.5",
        "apache-airflow-core": "3.3.2",
    }
    assert {name: projects[name].version for name in required} == required
    assert len(projects) >= len(required) + 3
    assert all(project.packages and project.about for project in projects.values())


# -- helpers -------------------------------------------------------------------------------------


def tar_with(path: Path, name: str) -> None:
    with tarfile.open(path, "w:gz") as bundle:
        data = b"x = 1\n"
        info = tarfile.TarInfo(name)
        info.size = len(data)
        bundle.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("member", ["../escape.py", "pkg/../../escape.py", "/tmp/absolute-escape.py"])
@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_members_that_escape_the_target_are_refused(tmp_path: Path, member: str, kind: str) -> None:
    tool = load_tool()
    cache = tmp_path / "cache"
    cache.mkdir()
    archive = cache / ("evil-1.0-py3-none-any.whl" if kind == "zip" else "evil-1.0.tar.gz")
    if kind == "zip":
        fake_wheel(archive, {"pkg/__init__.py": "", member: "x = 1\n"})
    else:
        tar_with(archive, member)

    with pytest.raises(tool.CorpusError, match="refusing to unpack"):
        tool.unpack(archive, cache)

    assert not (tmp_path / "escape.py").exists()
    assert list((cache / "unpacked").iterdir()) == []  # nothing half-unpacked is left


def test_an_sdist_is_unpacked_and_its_src_folder_found(tmp_path: Path) -> None:
    tool = load_tool()
    archive = tmp_path / "some_app-1.0.tar.gz"
    tar_with(archive, "some_app-1.0/src/some_app/__init__.py")
    project = tool.Project("some-app", "1.0", ("some_app",))

    assert tool.find_archive(tmp_path, project) == archive
    base, paths = tool.locate(tool.unpack(archive, tmp_path), project)

    assert base == tmp_path / "unpacked" / "some_app-1.0" / "some_app-1.0" / "src"
    assert paths == ["some_app"]


def test_wide_tables_are_split_to_fit_and_plugin_errors_are_loud() -> None:
    tool = load_tool()
    codes = [f"IMC{n}" for n in (101, 102, 201, 202, 301, 401, 402, 403, 501, 901, 902)]
    project = tool.Project("a-rather-long-project-name", "2026.12.31", ("pkg",))
    findings = [tool.Finding("pkg/m.py", n, 1, code, "x") for n, code in enumerate(codes, start=1)]
    error = "flake8-import-cost: IMC101 failed on pkg/m.py: KeyError: 'x' (skipped; please report this bug)"
    result: Any = tool.Result(project, "pkg.whl", 3, findings, [error])

    lines = tool.report([result], None)

    tables = lines[: next(index for index, line in enumerate(lines) if line.startswith("!!!"))]
    assert max(map(len, tables)) <= 120  # the plugin's own lines are shown whole
    assert "!!! PLUGIN ERRORS: 1 (must be 0)" in "\n".join(lines)
    assert f"  {project.label}: {error}" in lines
    headers = " ".join(line for line in lines if line.startswith("findings"))
    assert all(code in headers for code in codes)
