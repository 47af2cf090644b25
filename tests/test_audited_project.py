"""Python's audit hooks are the oracle for import-time work, in the file and through other modules.

``tests/auditproject`` is a small package whose modules read files, start
processes, list and create directories, connect to SQLite and start threads
at import time, most of it through functions, classes and objects of its
other modules, next to near misses that do none of it. ``run_audit.py`` (in a
subprocess) imports every module with the events recorded and attributes
each to the import-time line that caused it. The plugin, run through flake8
on the same files, is scored against those lines: precision and recall are
printed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import OUTPUT_LINE, flake8_env

PROJECT = Path(__file__).parent / "auditproject"
#: The rules whose findings are the work the audit hooks see.
CODES = "IMC202,IMC301,IMC402"

Line = tuple[str, int]


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:  # type: ignore[type-arg]
    output = tmp_path_factory.mktemp("audit") / "audit.json"
    result = subprocess.run(
        [sys.executable, str(PROJECT / "run_audit.py"), str(output)],
        capture_output=True, text=True, env=flake8_env(), timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"the audited project failed to run:\n{result.stdout}\n{result.stderr}"
    data: dict[str, list] = json.loads(output.read_text(encoding="utf-8"))  # type: ignore[type-arg]
    assert data["errors"] == [], "\n".join(data["errors"])
    return data


@pytest.fixture(scope="module")
def observed(audit: dict[str, list]) -> set[Line]:  # type: ignore[type-arg]
    return {(path, line) for path, line, _ in audit["events"]}


@pytest.fixture(scope="module")
def reported() -> dict[Line, list[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", CODES, "app"],
        cwd=PROJECT, capture_output=True, text=True, env=flake8_env(), timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1) and result.stderr == "", result.stderr
    found: dict[Line, list[str]] = {}
    for output in result.stdout.splitlines():
        match = re.match(OUTPUT_LINE, output)
        assert match is not None, output
        found.setdefault((match["path"].removeprefix("./"), int(match["line"])), []).append(
            f"{match['code']} {match['message']}"
        )
    return found


def test_the_audit_sees_every_kind_of_work(audit: dict[str, list]) -> None:  # type: ignore[type-arg]
    kinds = {what for _, _, what in audit["events"]}
    assert kinds == {"open", "process", "list", "change", "temporary", "connect", "thread"}
    assert audit["modules"] == ["app.startup", "app.registry", "app.local", "app.backends", "app.near_misses"]


def test_findings_are_scored_against_what_the_imports_really_did(
    observed: set[Line], reported: dict[Line, list[str]]
) -> None:
    static = set(reported)
    hits = static & observed
    precision = len(hits) / len(static) if static else 0.0
    recall = len(hits) / len(observed) if observed else 0.0
    print(f"\naudited project: {len(observed)} lines did work at import, {len(static)} reported, "
          f"{len(hits)} both: precision {precision:.2f}, recall {recall:.2f}")  # fmt: skip
    assert precision >= 0.95, f"reported but never run: {sorted(static - observed)}"
    assert recall >= 0.90, f"run but not reported: {sorted(observed - static)}"
    # Most of the work is in other modules: the findings say so, and where.
    elsewhere = [m for (path, _), messages in reported.items() if path == "app/startup.py" for m in messages]
    where = re.compile(r"\[app/\w+\.py:\d+(, and \d+ more)?\]")
    assert len(elsewhere) >= 8 and all(where.search(message) for message in elsewhere)


def test_near_misses_do_no_work_and_are_silent(observed: set[Line], reported: dict[Line, list[str]]) -> None:
    assert not {line for line in observed if line[0] == "app/near_misses.py"}
    assert not {line for line in reported if line[0] == "app/near_misses.py"}


def test_a_finding_names_the_work_its_module_and_the_calls(reported: dict[Line, list[str]]) -> None:
    source = (PROJECT / "app" / "startup.py").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(source, 1) if text.startswith("VERSION = config.version()"))
    assert reported["app/startup.py", line] == [
        "IMC402 subprocess.run() starts a process at import time; run it on first use (functools.cache)"
        " [app/vcs.py:10, and 1 more] (in app.vcs.Git.__init__(), called at import time via app.config.version())"
    ]


def test_a_class_that_a_setting_names_is_followed_to_its_work(
    observed: set[Line], reported: dict[Line, list[str]]
) -> None:
    source = (PROJECT / "app" / "backends.py").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(source, 1) if text.startswith("STORE = create()"))
    assert ("app/backends.py", line) in observed  # the listing really happens there, at import
    assert reported["app/backends.py", line] == [
        "IMC402 os.listdir() lists a directory at import time; list it on first use (functools.cache)"
        " [app/stores.py:10] (in app.stores.DirectoryStore.__init__(), called at import time via create())"
    ]
