"""The commands lint through the same runner as the plugin, and decide what to report as flake8 does.

flake8 decides which findings it prints (``select``/``ignore``, ``per-file-ignores``,
``# noqa``, also on the last line of a statement that spans several lines); the
commands must report exactly the same findings, or a module would pass
``flake8-import-cost strict`` and fail flake8, or the other way round.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from conftest import flake8_env, imc_only, run_flake8, write_files

from flake8_import_cost.runner import Linter
from flake8_import_cost.settings import SettingsError

MARKER = "# import-cost: strict\n"

PROJECT = {
    "setup.cfg": textwrap.dedent(
        """\
        [flake8]
        per-file-ignores =
            pkg/ignored.py: IMC901
            pkg/io_ignored.py: IMC402
        import-cost-max-iterations = 50
        """
    ),
    # One finding kept, one silenced by a code, one by a bare noqa, one by a noqa on
    # the last line of a string that spans three lines (flake8 reads the noqa of
    # every line the string covers), one kept whose noqa names another code.
    "pkg/noqa.py": MARKER
    + textwrap.dedent(
        """\
        import mylib

        KEPT = mylib.build()
        CODED = mylib.build()  # noqa: IMC901
        BARE = mylib.build()  # noqa
        SPANNING = mylib.build('''
            a text over several lines
        ''')  # noqa: IMC901
        OTHER_CODE = mylib.build()  # noqa: IMC902
        """
    ),
    "pkg/ignored.py": MARKER + "import mylib\n\nVALUE = mylib.build()\nmylib.REGISTRY['x'] = 1\n",
    "pkg/io_ignored.py": "DATA = open('data.txt').read()\n",
    "pkg/io.py": "DATA = open('data.txt').read()  # noqa: IMC4\nTEXT = open('t.txt').read()\n",
    "pkg/loops.py": "SQUARES = [i * i for i in range(100)]\n",
}


def _flake8_counts(root: Path) -> Counter[tuple[str, str]]:
    result = run_flake8(root, {}, "--select", "IMC", isolated=False, paths=("pkg",))
    assert result.stderr == ""
    return Counter((Path(f.path).as_posix(), f.code) for f in imc_only(result))


def test_the_linter_reports_what_flake8_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    linter = Linter(["--select", "IMC"])
    from_linter: Counter[tuple[str, str]] = Counter()
    for name in sorted(PROJECT):
        if name.endswith(".py"):
            for finding in linter.check_file(name):
                from_linter[name, finding.code] += 1
    expected = _flake8_counts(tmp_path)
    assert from_linter == expected
    assert expected == Counter(
        {
            ("pkg/noqa.py", "IMC901"): 2,  # KEPT, and OTHER_CODE whose noqa names another code
            ("pkg/ignored.py", "IMC902"): 1,
            ("pkg/io.py", "IMC402"): 1,
            ("pkg/loops.py", "IMC401"): 1,  # the configuration's threshold applies
        }
    )


def test_the_linter_gives_findings_with_flake8s_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path, PROJECT)
    monkeypatch.chdir(tmp_path)
    result = run_flake8(tmp_path, {}, "--select", "IMC", isolated=False, paths=("pkg/noqa.py",))
    printed = [(f.line, f.col, f"{f.code} {f.message}") for f in imc_only(result)]
    findings = Linter(["--select", "IMC"]).check_file("pkg/noqa.py")
    assert [(f.line, f.col + 1, f"{f.code} {f.message}") for f in findings] == printed


def test_strict_counts_what_flake8_reports(tmp_path: Path) -> None:
    write_files(tmp_path, PROJECT)
    completed = subprocess.run(
        [sys.executable, "-m", "flake8_import_cost", "strict", "pkg"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=flake8_env(),
        timeout=120,
        check=False,
    )
    assert "Traceback" not in completed.stderr
    counts = {
        Path(path).as_posix(): int(count.split()[0])
        for path, count in (line.rsplit(": ", 1) for line in completed.stdout.splitlines())
    }
    flake8 = _flake8_counts(tmp_path)
    for path, count in counts.items():
        assert count == sum(n for (p, code), n in flake8.items() if p == path and code in ("IMC901", "IMC902"))
    assert counts == {"pkg/ignored.py": 1, "pkg/noqa.py": 2}
    assert completed.returncode == 1


def test_a_bad_value_in_the_configuration_is_a_settings_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path, {"setup.cfg": "[flake8]\nimport-cost-threshold-ms = soon\n"})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError, match="--import-cost-threshold-ms"):
        Linter()
    with pytest.raises(SettingsError, match="does not exist"):
        Linter(["--config", os.fspath(tmp_path / "missing.cfg")])


def test_the_linter_checks_the_files_flake8_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path, {
        "setup.cfg": "[flake8]\nexclude = pkg/migrations\nextend-exclude = pkg/generated_*.py\n",
        "pkg/__init__.py": "", "pkg/io.py": "DATA = open('data.txt').read()\n",
        "pkg/migrations/0001_initial.py": "DATA = open('data.txt').read()\n",
        "pkg/generated_models.py": "DATA = open('data.txt').read()\n", "pkg/notes.txt": "not Python\n",
        "pkg/sub/loops.py": "SQUARES = [i * i for i in range(100_000)]\n",
    })  # fmt: skip
    monkeypatch.chdir(tmp_path)
    linter = Linter()
    files = [Path(name).as_posix() for name in linter.files(["pkg"])]
    assert files == ["pkg/__init__.py", "pkg/io.py", "pkg/sub/loops.py"]
    result = run_flake8(tmp_path, {}, "--select", "IMC", isolated=False, paths=("pkg",))
    assert sorted({Path(f.path).as_posix() for f in imc_only(result)}) == ["pkg/io.py", "pkg/sub/loops.py"]
    # A file named explicitly is checked even when excluded from directories, as flake8 does.
    assert [Path(name).as_posix() for name in linter.files(["pkg/notes.txt"])] == ["pkg/notes.txt"]
