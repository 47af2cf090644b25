"""The example Django project in ``examples/`` shows every rule, and is valid Django.

The expected findings are written in the example files themselves, as trailing
comments (``# expect: IMC101``), or as ``# expect-in-file: IMC501`` for a
finding whose line depends on the built-in estimates; flake8 must report
exactly those. ``examples/README.md`` shows the same output. Findings that
only a measured start-up gives (``# expect-measured: IMC203``) are checked on a
copy of the project that is migrated, seeded and profiled for real, as its
README says, with flake8 then reading the cost database that ``profile`` wrote.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from flake8_import_cost.rules import all_rules

RULES = all_rules()

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

EXPECT_LINE = r"#\s*expect:\s*(IMC\d{3}(?:\s*,\s*IMC\d{3})*)\s*(?:;|$)"
EXPECT_MEASURED = r"[#;]\s*expect-measured:\s*(IMC\d{3}(?:\s*,\s*IMC\d{3})*)\s*$"
EXPECT_FILE = r"#\s*expect-in-file:\s*(IMC\d{3})\b"
FINDING = r"(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>IMC\d{3}) (?P<message>.*)"
FIGURE = r"~\d+(?:\.\d+)? ms"

Located = tuple[str, int, str]  # path relative to the repository root, line, code


def expectations(measured: bool = False) -> tuple[Counter[Located], Counter[tuple[str, str]]]:
    """The findings the example files announce: per line, and anywhere in a file;
    with ``measured``, also those only a measured start-up gives."""
    per_line: Counter[Located] = Counter()
    per_file: Counter[tuple[str, str]] = Counter()
    patterns = (EXPECT_LINE, EXPECT_MEASURED) if measured else (EXPECT_LINE,)
    for path in sorted(EXAMPLES.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for pattern in patterns:
                if match := re.search(pattern, text):
                    for code in re.split(r"\s*,\s*", match.group(1)):
                        per_line[relative, number, code] += 1
            if match := re.match(EXPECT_FILE, text):
                per_file[relative, match.group(1)] += 1
    return per_line, per_file


@pytest.fixture(scope="module")
def flake8_output() -> str:
    """What ``flake8 --select IMC --extend-select IMC403 examples/`` prints."""
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "IMC", "--extend-select", "IMC403", "examples/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.fixture(scope="module")
def measured_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What flake8 prints on a copy of the examples after the README's profiling steps:
    ``migrate``, ``seed_catalog``, ``flake8-import-cost profile``, all for real."""
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
    assert (root / ".import-cost.db").is_file()  # flake8 reads it by default, from the working directory
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "IMC", "--extend-select", "IMC403", "examples/"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_flake8_reports_exactly_the_expected_findings(flake8_output: str) -> None:
    _assert_reports_exactly(flake8_output, *expectations())


def test_flake8_with_the_profiled_start_up_reports_the_measured_findings(measured_output: str) -> None:
    lines = measured_output.splitlines()
    # Measured costs depend on the machine: an IMC101 of a module that costs around a
    # threshold here may come and go. Every other finding is exactly the expected one.
    timed = [line for line in lines if " IMC101 " in line and "(measured at start-up)" in line]
    expected_lines = {(path, line) for path, line, code in expectations(measured=True)[0] if code == "IMC101"}
    extra = [
        line for line in timed
        if (line.partition(":")[0], int(line.split(":")[1])) not in expected_lines
    ]  # fmt: skip
    _assert_reports_exactly("\n".join(line for line in lines if line not in extra), *expectations(measured=True))
    # IMC203 on the lines that ran SQL at start-up, with their figures.
    assert any(" IMC203 1 SQL query (" in line and "ran at import time during the measured start-up" in line
               for line in lines)  # fmt: skip
    # IMC101 with the cost the start-up paid, naming the other start-up line that imports the module.
    forms = next(line for line in lines if line.startswith("examples/catalog/forms.py:9:1: IMC101"))
    assert "catalog.utils takes ~" in forms and "(measured at start-up)" in forms
    assert "also imported at start-up by catalog/feeds.py:" in forms and "defer them all to save it" in forms
    # A module a third-party package imports at start-up anyway: deferring it here saves nothing.
    views = next(line for line in lines if line.startswith("examples/catalog/views.py:6:1: IMC101"))
    assert "(outside the project) imports it at start-up too: deferring it saves nothing" in views
    # Static findings on lines the start-up ran carry the measured time of the line.
    assert re.search(r"shop/urls.py:22:\d+: IMC201 .*\(measured: \d+\.\d ms at start-up\)$", measured_output, re.M)


def _assert_reports_exactly(output: str, per_line: Counter[Located], per_file: Counter[tuple[str, str]]) -> None:
    unexpected: list[str] = []
    for line in output.splitlines():
        match = re.fullmatch(FINDING, line)
        assert match is not None, f"not an IMC finding: {line!r}"
        key = (match["path"], int(match["line"]), match["code"])
        if per_line[key] > 0:
            per_line[key] -= 1
        elif per_file[match["path"], match["code"]] > 0:
            per_file[match["path"], match["code"]] -= 1
        else:
            unexpected.append(line)
    missing = [f"{path}:{line}: {code}" for (path, line, code), n in per_line.items() for _ in range(n)]
    missing += [f"{path}: {code}" for (path, code), n in per_file.items() for _ in range(n)]
    assert unexpected == [], "reported but not expected"
    assert missing == [], "expected but not reported"


@pytest.mark.parametrize("code", sorted(RULES))
def test_examples_show_every_rule(code: str) -> None:
    per_line, per_file = expectations(measured=True)
    shown = {code for _, _, code in per_line} | {code for _, code in per_file}
    assert code in shown, f"no file in examples/ shows {code}"


def _normalise(line: str) -> str:
    """An output line with its figures (and IMC501's position, which follows them) masked."""
    line = re.sub(FIGURE, "~N ms", line)
    if " IMC501 " in line:
        line = re.sub(r":\d+:\d+: IMC501 ", ":L:C: IMC501 ", line)
    return line


def test_readme_shows_what_flake8_reports(flake8_output: str) -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```text\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, "examples/README.md needs one ```text block with the flake8 output"
    shown = [_normalise(line) for line in blocks[0].splitlines() if " IMC" in line]
    assert shown == [_normalise(line) for line in flake8_output.splitlines()]


@pytest.mark.skipif(
    importlib.util.find_spec("distutils") is None,
    reason="catalog/views.py imports distutils (the seed case of IMC102); Python 3.12+ has it only with setuptools",
)
def test_django_check_passes_without_loading_the_reports(tmp_path: Path) -> None:
    project = tmp_path / "examples"
    shutil.copytree(EXAMPLES, project, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "manage.py", "check"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout
    # -X importtime lists the modules loaded by import statements (not those
    # loaded with importlib.import_module, such as Django's apps and admin modules).
    timings = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    imported = {line.rpartition("|")[2].strip() for line in timings}
    # What the README says: start-up loads the views and what they use...
    assert {"catalog.views", "catalog.forms", "catalog.utils", "catalog.feeds", "catalog.pricing"} <= imported
    # ...and never the reports module or the heavy libraries it imports.
    assert not {"catalog.reports", "pandas", "openpyxl", "jinja2"} & imported


def test_top_level_readme_shows_an_excerpt_of_the_real_output(flake8_output: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "flake8 --select IMC --extend-select IMC403 examples/" in readme
    block = re.search(r"(?ms)^```text\n(.*?)^```$", readme)
    assert block is not None, "README.md shows no output of the example run"
    shown = [_normalise(line) for line in block.group(1).splitlines()]
    real = [_normalise(line) for line in flake8_output.splitlines()]
    assert shown, "README.md's example output is empty"
    assert [line for line in shown if line not in real] == []
    assert shown == sorted(shown, key=real.index), "keep the excerpt in flake8's order"
