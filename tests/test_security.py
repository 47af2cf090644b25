"""No shell anywhere, and what the measured project names stays inert text in every report.

The names, paths and SQL of a measured project are the project's to choose: a report must show them,
never run or render them. These tests make them with the real commands (``measure``, ``profile``)
and read every report format back."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_import_cost import costdb
from conftest import write_files

PACKAGE = Path(__file__).resolve().parent.parent / "flake8_import_cost"
#: Calls that run a command line through a shell.
SHELL_CALLS = {
    ("os", "system"), ("os", "popen"), ("subprocess", "getoutput"), ("subprocess", "getstatusoutput"),
    ("asyncio", "create_subprocess_shell"), ("pty", "spawn"),
}  # fmt: skip
#: Calls that start a process: their command must be a list, never one string.
PROCESS_CALLS = {"Popen", "run", "call", "check_call", "check_output"}


def _shell_uses(source: str, name: str) -> list[str]:
    """Every call in ``source`` that runs a shell, or a command given as one string."""
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if not isinstance(node, ast.Call):
            continue
        where = f"{name}:{node.lineno}"
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if (func.value.id, func.attr) in SHELL_CALLS:
                found.append(f"{where}: {func.value.id}.{func.attr}()")
            if func.value.id == "subprocess" and func.attr in PROCESS_CALLS and node.args:
                if isinstance(node.args[0], (ast.Constant, ast.JoinedStr, ast.BinOp)):
                    found.append(f"{where}: subprocess.{func.attr}() of one string")
        for keyword in node.keywords:
            off = isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            if keyword.arg == "shell" and not off:
                found.append(f"{where}: shell={ast.unparse(keyword.value)}")
    return found


def test_no_shell_anywhere_in_the_package() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 50
    uses = [use for path in files for use in _shell_uses(path.read_text(encoding="utf-8"), str(path))]
    assert uses == []
    text = "\n".join(path.read_text(encoding="utf-8") for path in files)
    assert "shell=True" not in text and "os.system(" not in text and "os.popen(" not in text


def test_the_shell_check_finds_a_shell() -> None:
    """The scan above would see a shell if there were one."""
    source = (
        "import os, subprocess\nos.system('x')\nsubprocess.run('ls', shell=True)\nos.popen('y')\n"
        "subprocess.check_output(f'ls {1}')\nsubprocess.run(['ls'], shell=False)\n"
    )
    assert [use.split(": ", 1)[1] for use in _shell_uses(source, "sample.py")] == [
        "os.system()", "subprocess.run() of one string", "shell=True", "os.popen()",
        "subprocess.check_output() of one string",
    ]  # fmt: skip


# -- names from the measured project, through the real commands -------------------------------------------------


SCRIPT = "<script>window.pwned=1</script>"
IMG = "<img src=x onerror=window.pwned=2>"
#: A directory path that spells a closing script tag (a ``/`` in a path is a separator, so it can).
CLOSING = ("x<", "script><script>window.pwned=3<", "script>")


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flake8_import_cost", *args], cwd=root, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project measured and profiled for real, whose target names, directories and files are markup,
    plus a start-up function and SQL text that are (written by costdb's writer, as Django's would be)."""
    root = tmp_path_factory.mktemp("hostile")
    hostile_dir = "/".join(CLOSING)
    write_files(root, {
        f"{hostile_dir}/tool.py": f"import json\nNAME = {SCRIPT!r}\nimport helper\n",
        "helper.py": "X = 1\n",
        f"{IMG}.py": "X = 2\n",
    })  # fmt: skip
    measured = _cli(root, "measure", "--repeat", "1", "--db", "costs.db", "--", "helper", SCRIPT, IMG, "json",
                    f"json</script>{SCRIPT}")  # fmt: skip
    assert measured.returncode == 0, measured.stderr
    profiled = _cli(root, "profile", "--repeat", "1", "--db", "costs.db", "--", f"{hostile_dir}/tool.py")
    assert profiled.returncode == 0, profiled.stderr
    run = costdb.Run("profile", project_root=root, command=["profile", SCRIPT], repeat=1, target=IMG)
    run.total_samples = [10_000]
    spread = costdb.Spread([5_000])
    run.modules.append(costdb.ModuleTiming("", 0, "helper", None, 0, str(root / f"{IMG}.py"), spread, spread))
    run.statements.append(costdb.StatementTiming(str(root / f"{IMG}.py"), 1, "helper", f"class {IMG}", spread))
    run.queries.append(costdb.Query(0, f"SELECT '</script>{SCRIPT}' -- {IMG}", 100.0, "django",
                                    function_path=str(root / f"{IMG}.py"), function_line=1,
                                    function=f"{SCRIPT}.ready"))  # fmt: skip
    costdb.write_run(root / "costs.db", run)
    return root


RUNS = {"measure": "1", "profile": "2", "written": "3"}


@pytest.mark.parametrize("run", RUNS)
def test_html_report_keeps_every_name_inert(hostile_project: Path, run: str) -> None:
    page = _cli(hostile_project, "report", "--db", "costs.db", "--run", RUNS[run], "--format", "html")
    assert page.returncode == 0, page.stderr
    html = page.stdout
    for raw in (SCRIPT, IMG, "<img", "<script>window"):
        assert raw not in html, raw
    # The page's own elements are the only ones: every "</script>" closes one of its two scripts.
    assert len(re.findall(r"</script", html, re.IGNORECASE)) == 2
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.DOTALL)
    assert data is not None
    decoded = json.dumps(json.loads(data.group(1)), ensure_ascii=False)
    assert "window.pwned" in decoded  # the names are there, as data


def test_the_hostile_names_reach_the_reports(hostile_project: Path) -> None:
    """The names are in the data the reports show (so the tests above test something)."""
    measured = json.loads(_cli(hostile_project, "report", "--db", "costs.db", "--run", "1", "--format", "json").stdout)
    assert {failure["target"] for failure in measured["failures"]} >= {SCRIPT, IMG, f"json</script>{SCRIPT}"}
    profiled = json.loads(_cli(hostile_project, "report", "--db", "costs.db", "--run", "2", "--format", "json").stdout)
    assert any("/".join(CLOSING) in (statement["path"] or "") for statement in profiled["statements"])
    written = json.loads(_cli(hostile_project, "report", "--db", "costs.db", "--run", "3", "--format", "json").stdout)
    assert SCRIPT in json.dumps(written["queries"], ensure_ascii=False)


@pytest.mark.parametrize("run", RUNS)
@pytest.mark.parametrize("fmt", ["json", "har", "speedscope"])
def test_machine_formats_are_valid_json_whatever_the_names(hostile_project: Path, run: str, fmt: str) -> None:
    result = _cli(hostile_project, "report", "--db", "costs.db", "--run", RUNS[run], "--format", fmt)
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)
    if fmt == "har":
        for entry in json.loads(result.stdout)["log"]["entries"]:
            assert not re.search(r"[<>\"' ]", entry["request"]["url"]), entry["request"]["url"]


@pytest.mark.parametrize("run", RUNS)
def test_text_report_has_no_control_characters(hostile_project: Path, run: str) -> None:
    result = _cli(hostile_project, "report", "--db", "costs.db", "--run", RUNS[run], "--top", "50")
    assert result.returncode == 0, result.stderr
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", result.stdout)
