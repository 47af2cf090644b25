"""The plugin inside flake8, end to end: real flake8 processes on real files."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import Reported, flake8_env, imc_only, run_flake8, write_files

from flake8_import_cost.plugin import Plugin
from flake8_import_cost.settings import OPTIONS, Settings

LOOP_1000 = "for _i in range(1000):\n    pass\n"
BIG_LOOP = "for _i in range(100_000):\n    pass\n"

#: One file that every rule flags, line by line.
EVERY_RULE = textwrap.dedent(
    """\
    import re
    from dataclasses import dataclass

    import numpy
    import pkg_resources

    WORD = re.compile(r"\\w+")
    for _i in range(100_000):
        pass


    @dataclass
    class Point:
        x: int


    def mean(values):
        return numpy.mean(values)
    """
)


def codes(findings: Iterable[Reported]) -> list[tuple[int, str]]:
    """``(line, code)`` of each finding, in output order."""
    return [(f.line, f.code) for f in findings]


# -- registration ---------------------------------------------------------------


def test_version_lists_the_plugin(tmp_path: Path) -> None:
    result = run_flake8(tmp_path, {}, "--version", paths=())
    assert result.returncode == 0
    # flake8 wraps the list of plugins, at a hyphen too ("flake8-import-" / "cost: 0.1.0") when others are installed
    assert "flake8-import-cost:" in "".join(line.strip() for line in result.lines)


def test_help_lists_every_option(tmp_path: Path) -> None:
    result = run_flake8(tmp_path, {}, "--help", paths=())
    text = "\n".join(result.lines)
    for option in OPTIONS:
        assert f"--{option.name}" in text


def test_help_states_the_defaults_the_plugin_uses(tmp_path: Path) -> None:
    """Defaults are stated once, in ``Settings``: ``--help`` shows those values."""
    result = run_flake8(tmp_path, {}, "--help", paths=())
    text = " ".join(" ".join(result.lines).split())
    defaults = Settings()
    for option in OPTIONS:
        if "(default" in option.help:
            continue  # a default that depends on the working directory, stated in the help itself
        value = getattr(defaults, option.field)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        shown = ",".join(sorted(value)) or "none" if isinstance(value, (frozenset, tuple, dict)) else str(value)
        shown = shown.replace("-", "")  # and breaks words at hyphens
        start = text.index(f"--{option.name} {option.metavar}")
        window = "".join(text[start:start + 600].split())  # argparse wraps long values anywhere
        assert f"(default:{shown})" in window.replace("-", ""), option.name


def test_rules_report_through_flake8(tmp_path: Path) -> None:
    result = run_flake8(
        tmp_path,
        {"example.py": EVERY_RULE},
        "--select",
        "IMC",
        "--extend-select",
        "IMC403",
        "--import-cost-codegen-ms=0.01",
    )
    assert result.returncode == 1
    assert result.stderr == ""
    assert codes(result.findings) == [
        (4, "IMC101"),
        (5, "IMC102"),
        (7, "IMC403"),
        (8, "IMC401"),
        (13, "IMC501"),
    ]
    for finding in result.findings:
        assert re.fullmatch(r"IMC\d{3}", finding.code)
        assert not finding.message.endswith("."), finding.message
    assert re.search(r"^numpy takes ~\d+ ms to import \(typical\)", result.findings[0].message)


def test_output_format_is_flake8s(tmp_path: Path) -> None:
    result = run_flake8(tmp_path, {"example.py": BIG_LOOP}, "--select", "IMC")
    assert result.lines == [
        "example.py:1:1: IMC401 loop runs 100,000 iterations at import time; compute the values on first use"
        " (functools.cache) or ship them precomputed"
    ]


def test_standard_input(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "IMC", "-"],
        input=BIG_LOOP,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=flake8_env(),
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1
    assert completed.stdout.startswith("stdin:1:1: IMC401 ")
    assert completed.stderr == ""


# -- selection --------------------------------------------------------------------

REGEX = "import re\nWORD = re.compile('a')\n" + BIG_LOOP


def test_imc403_is_off_by_default(tmp_path: Path) -> None:
    result = run_flake8(tmp_path, {"example.py": REGEX})
    assert codes(imc_only(result)) == [(3, "IMC401")]


def test_extend_select_turns_imc403_on(tmp_path: Path) -> None:
    result = run_flake8(tmp_path, {"example.py": REGEX}, "--extend-select", "IMC403")
    assert codes(imc_only(result)) == [(2, "IMC403"), (3, "IMC401")]


def test_extend_select_in_config_turns_imc403_on(tmp_path: Path) -> None:
    files = {"example.py": REGEX, "setup.cfg": "[flake8]\nextend-select = IMC403\n"}
    result = run_flake8(tmp_path, files, isolated=False)
    assert codes(imc_only(result)) == [(2, "IMC403"), (3, "IMC401")]


def test_select_without_imc_reports_nothing_of_ours(tmp_path: Path) -> None:
    result = run_flake8(tmp_path, {"example.py": EVERY_RULE}, "--select", "E,F,W")
    assert imc_only(result) == []
    assert any(f.code == "F401" for f in result.findings)


def test_select_with_imc_reports_ours(tmp_path: Path) -> None:
    result = run_flake8(tmp_path, {"example.py": EVERY_RULE}, "--select", "E,F,W,IMC")
    reported = {f.code for f in imc_only(result)}
    assert {"IMC101", "IMC102", "IMC401"} <= reported
    assert any(f.code == "F401" for f in result.findings)


def test_extend_ignore_silences_a_rule(tmp_path: Path) -> None:
    result = run_flake8(tmp_path, {"example.py": EVERY_RULE}, "--select", "IMC", "--extend-ignore", "IMC101")
    assert "IMC101" not in {f.code for f in result.findings}
    assert "IMC401" in {f.code for f in result.findings}


# -- noqa --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "reported"),
    [
        ("", True),
        ("  # noqa", False),
        ("  # noqa: IMC401", False),
        ("  # noqa: IMC4", False),
        ("  # noqa: E501,IMC401", False),
        ("  # noqa: IMC101", True),
        ("  # noqa: E501", True),
    ],
)
def test_noqa(tmp_path: Path, comment: str, reported: bool) -> None:
    source = f"for _i in range(100_000):{comment}\n    pass\n"
    result = run_flake8(tmp_path, {"example.py": source}, "--select", "IMC")
    assert codes(result.findings) == ([(1, "IMC401")] if reported else [])


def test_noqa_at_the_call_site(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """\
        def build():
            return [i for i in range(100_000)]


        TABLE = build()  # noqa: IMC401
        """
    )
    result = run_flake8(tmp_path, {"example.py": source}, "--select", "IMC")
    assert result.lines == []
    result = run_flake8(tmp_path, {"example.py": source.replace("  # noqa: IMC401", "")}, "--select", "IMC")
    assert codes(result.findings) == [(5, "IMC401")]


# -- options in configuration files -------------------------------------------------

CONFIGURED = textwrap.dedent(
    """\
    from dataclasses import dataclass

    import acme
    import corp.heavy
    import numpy

    for _i in range(1000):
        pass


    @dataclass
    class Point:
        x: int


    def use():
        return acme, corp, numpy
    """
)

CONFIG_BODY = textwrap.dedent(
    """\
    [flake8]
    select = IMC
    import-cost-threshold-ms = 100000
    import-cost-slow-modules =
        acme,
        corp.heavy=150000
    import-cost-max-iterations = 500
    import-cost-codegen-ms = 0.01
    """
)


def test_defaults_without_configuration(tmp_path: Path) -> None:
    result = run_flake8(tmp_path, {"example.py": CONFIGURED}, "--select", "IMC", isolated=False)
    assert codes(result.findings) == [(5, "IMC101")]


@pytest.mark.parametrize("config", ["setup.cfg", "tox.ini", ".flake8"])
def test_options_from_config_file(tmp_path: Path, config: str) -> None:
    result = run_flake8(tmp_path, {"example.py": CONFIGURED, config: CONFIG_BODY}, isolated=False)
    assert result.stderr == ""
    # acme is always slow, corp.heavy is over the raised threshold, numpy is not;
    # the 1,000-iteration loop is over the lowered limit; one dataclass is enough.
    assert codes(result.findings) == [(3, "IMC101"), (4, "IMC101"), (7, "IMC401"), (12, "IMC501")]
    assert "acme is listed as slow" in result.findings[0].message
    assert "corp.heavy takes ~150000 ms" in result.findings[1].message


def test_command_line_overrides_config_file(tmp_path: Path) -> None:
    files = {"example.py": CONFIGURED, "setup.cfg": CONFIG_BODY}
    result = run_flake8(
        tmp_path, files, "--import-cost-max-iterations=5000", "--import-cost-codegen-ms=1000", isolated=False
    )
    assert codes(result.findings) == [(3, "IMC101"), (4, "IMC101")]


def test_underscores_in_numbers(tmp_path: Path) -> None:
    files = {"example.py": LOOP_1000, "tox.ini": "[flake8]\nimport-cost-max-iterations = 1_000\n"}
    result = run_flake8(tmp_path, files, "--select", "IMC", isolated=False)
    assert codes(result.findings) == [(1, "IMC401")]


# -- bad option values ----------------------------------------------------------------

#: Invalid values for every registered option (``test_every_option_has_bad_values`` keeps this complete).
BAD_VALUES: dict[str, list[str]] = {
    "import-cost-threshold-ms": ["abc", "-1", "nan", "inf", "10ms"],
    "import-cost-slow-modules": ["numpy=abc", "numpy=-5", "not-a-module", "=10", "numpy=inf"],
    "import-cost-max-iterations": ["ten", "1.5", "-1", "1e4"],
    "import-cost-codegen-ms": ["x", "-0.5", "nan"],
    # Lists of fnmatch patterns: flake8 splits them at commas and white space,
    # and any remaining text is a valid pattern.
    "import-cost-strict-modules": [],
    "import-cost-strict-allow": [],
    "import-cost-orm-managers": ["not-a-name", "1st", "objects.all"],
    "import-cost-heavy-callables": ["acme/Client", "acme.Client()", "a+b"],
    "import-cost-test-threshold-ms": ["soon", "-3"],
    "import-cost-import-time-use-ms": ["much", "-1", "inf"],
    "import-cost-on-demand-threshold-ms": ["later", "-10"],
    "import-cost-core-modules": ["not-a-module", "pandas.", "1numpy"],
    "import-cost-non-startup-paths": [],
    "import-cost-db": [" "],
    "import-cost-command-paths": [],
    "import-cost-min-ms": ["fast", "-2"],
}
#: A valid value for every registered option.
GOOD_VALUES: dict[str, str] = {
    "import-cost-threshold-ms": "0",
    "import-cost-slow-modules": "acme, corp.heavy=1.5,other=2",
    "import-cost-max-iterations": "10_000",
    "import-cost-codegen-ms": "2.5",
    "import-cost-strict-modules": "*/settings.py,app/models/*.py",
    "import-cost-strict-allow": "django.db.models.*,acme.*Client",
    "import-cost-orm-managers": "published,live_objects",
    "import-cost-heavy-callables": "acme.*Client,corp.make_[ab]",
    "import-cost-test-threshold-ms": "250",
    "import-cost-import-time-use-ms": "0",
    "import-cost-on-demand-threshold-ms": "10",
    "import-cost-core-modules": "sqlalchemy, pandas.core",
    "import-cost-non-startup-paths": "*/migrations/*.py,scripts/*",
    "import-cost-db": "none",
    "import-cost-command-paths": "*/commands/*.py",
    "import-cost-min-ms": "2.5",
}


def test_every_option_has_test_values() -> None:
    names = {option.name for option in OPTIONS}
    assert set(BAD_VALUES) == names
    assert set(GOOD_VALUES) == names


@pytest.mark.parametrize(("option", "value"), sorted(GOOD_VALUES.items()))
def test_good_value_is_accepted(tmp_path: Path, option: str, value: str) -> None:
    result = run_flake8(tmp_path, {"example.py": BIG_LOOP}, "--select", "IMC", f"--{option}={value}")
    assert result.stderr == ""
    assert result.returncode == 1


def _assert_one_line_error(result_stderr: str, returncode: int, option: str) -> None:
    lines = [line for line in result_stderr.splitlines() if line.strip()]
    assert returncode == 2, result_stderr
    assert "Traceback" not in result_stderr
    assert len(lines) == 1, result_stderr
    assert f"--{option}" in lines[0]


@pytest.mark.parametrize(
    ("option", "value"), [(option, value) for option, values in BAD_VALUES.items() for value in values]
)
def test_bad_value_on_command_line(tmp_path: Path, option: str, value: str) -> None:
    result = run_flake8(tmp_path, {"example.py": BIG_LOOP}, f"--{option}={value}")
    _assert_one_line_error(result.stderr, result.returncode, option)
    assert result.lines == []


@pytest.mark.parametrize(
    ("option", "value"), [(option, values[0]) for option, values in BAD_VALUES.items() if values]
)
@pytest.mark.parametrize("config", ["setup.cfg", "tox.ini", ".flake8"])
def test_bad_value_in_config_file(tmp_path: Path, config: str, option: str, value: str) -> None:
    files = {"example.py": BIG_LOOP, config: f"[flake8]\n{option} = {value}\n"}
    result = run_flake8(tmp_path, files, isolated=False)
    _assert_one_line_error(result.stderr, result.returncode, option)
    assert result.lines == []


# -- several files and processes --------------------------------------------------------

MANY_FILES = {
    f"pkg/module_{index}.py": EVERY_RULE + f"\nEXTRA = [i for i in range({index + 1} * 20_000)]\n"
    for index in range(6)
}


def test_jobs_give_the_same_output(tmp_path: Path) -> None:
    options = ("--select", "IMC", "--extend-select", "IMC403", "--import-cost-max-iterations=30000")
    serial = run_flake8(tmp_path, MANY_FILES, *options, "--jobs", "1", paths=("pkg",))
    parallel = run_flake8(tmp_path, MANY_FILES, *options, "--jobs", "2", paths=("pkg",))
    assert serial.stderr == parallel.stderr == ""
    assert sorted(parallel.lines) == sorted(serial.lines)
    # the option reached the worker processes: 20,000 is under the raised limit
    extra = EVERY_RULE.count("\n") + 2
    assert not any(line.startswith(f"pkg/module_0.py:{extra}:") for line in parallel.lines)
    assert any(line.startswith(f"pkg/module_1.py:{extra}:") for line in parallel.lines)
    assert len(parallel.lines) == 6 * 4 + 5


# -- files the plugin cannot read ----------------------------------------------------------


def test_syntax_error_is_flake8s_to_report(tmp_path: Path) -> None:
    result = run_flake8(tmp_path, {"broken.py": "import numpy\nx = (\n", "fine.py": BIG_LOOP})
    assert result.stderr == ""
    assert [f.code for f in result.findings if f.path == "broken.py"] == ["E999"]
    assert codes(f for f in result.findings if f.path == "fine.py") == [(1, "IMC401")]


#: Before Python 3.11, ``ast.parse`` raises ValueError for a NUL byte, not SyntaxError, and flake8 itself
#: (its own parse, before any plugin runs) fails with a traceback.
NUL_BYTES = pytest.mark.skipif(sys.version_info < (3, 11), reason="flake8 fails on NUL bytes before Python 3.11")


@pytest.mark.parametrize(
    ("content", "ours"),
    [
        pytest.param(b"\xff\xfe\x00\x01import numpy\n" + bytes(range(256)), [], id="binary", marks=NUL_BYTES),
        pytest.param(
            b"import pandas\nNAME = '\xe9t\xe9'\nX = pandas.DataFrame()\n", ["IMC101"], id="latin-1-without-cookie"
        ),
        pytest.param(b"\x00\x00\x00\x00", [], id="nul-bytes", marks=NUL_BYTES),
        pytest.param(b"\xef\xbb\xbfimport pandas\r\nX = pandas.DataFrame()\r\n", ["IMC101"], id="bom-crlf"),
        pytest.param(b"", [], id="empty"),
    ],
)
def test_unreadable_file_does_not_crash(tmp_path: Path, content: bytes, ours: list[str]) -> None:
    result = run_flake8(tmp_path, {"weird.py": content, "fine.py": BIG_LOOP})
    assert "Traceback" not in result.stderr
    assert "flake8-import-cost" not in result.stderr
    assert result.returncode in (0, 1)
    assert [f.code for f in imc_only(result) if f.path == "weird.py"] == ours
    assert codes(f for f in result.findings if f.path == "fine.py") == [(1, "IMC401")]


def test_declared_encoding(tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\nimport pandas\nNAME = '\xe9t\xe9'\nFRAME = pandas.DataFrame()\n"
    result = run_flake8(tmp_path, {"latin.py": source.encode("latin-1")}, "--select", "IMC")
    assert result.stderr == ""
    assert codes(result.findings) == [(2, "IMC101")]


def test_setup_py_with_setuptools_is_silent(tmp_path: Path) -> None:
    source = "from setuptools import find_packages, setup\n\nsetup(name='x', packages=find_packages())\n"
    result = run_flake8(tmp_path, {"setup.py": source}, "--select", "IMC")
    assert result.lines == []


def test_deeply_nested_code(capsys: pytest.CaptureFixture[str]) -> None:
    """Deep expressions and long call chains neither crash nor hang the plugin."""
    deep_sum = "N = " + " + ".join(["1"] * 2000) + "\nfor _i in range(N * 10):\n    pass\n"
    deep_calls = "M = " + "int(" * 180 + "5" + ")" * 180 + "\nfor _i in range(M):\n    pass\n"
    deep_lists = "X: " + "list[" * 180 + "int" + "]" * 180 + " = [" + "[" * 180 + "]" * 180 + "]\n"
    chain = "".join(f"def f{i}():\n    return f{i + 1}()\n\n\n" for i in range(300))
    chain += "def f300():\n    return [i for i in range(100_000)]\n\n\nf0()\n"
    source = deep_sum + deep_calls + deep_lists + chain + BIG_LOOP
    findings = list(Plugin(ast.parse(source), "deep.py", source.splitlines(True)).run())
    last_loop = source.count("\n") - 1
    assert [(line, message.split()[0]) for line, _, message, _ in findings] == [(last_loop, "IMC401")]
    assert capsys.readouterr() == ("", "")


# -- a bug in one rule stays contained ---------------------------------------------------------

FAILING_RULE = textwrap.dedent(
    """\
    import sys

    from flake8_import_cost.rules.base import rule


    @rule("IMC999", "always-fails")
    def always_fails(ctx):
        raise ValueError("broken on purpose")
        yield


    from flake8.main.cli import main

    raise SystemExit(main(sys.argv[1:]))
    """
)


def test_failing_rule_is_contained(tmp_path: Path) -> None:
    write_files(tmp_path, {"run_flake8.py": FAILING_RULE, "example.py": EVERY_RULE, "second.py": BIG_LOOP})
    completed = subprocess.run(
        [sys.executable, "run_flake8.py", "--isolated", "--select", "IMC", "--jobs", "1", "example.py", "second.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=flake8_env(),
        timeout=120,
        check=False,
    )
    warnings = [line for line in completed.stderr.splitlines() if line.strip()]
    assert "Traceback" not in completed.stderr
    assert len(warnings) == 2, completed.stderr
    for warning, filename in zip(warnings, ("example.py", "second.py")):
        assert "IMC999" in warning and filename in warning and "ValueError: broken on purpose" in warning
    assert completed.returncode == 1
    reported = {line.split(": ")[1].split()[0] for line in completed.stdout.splitlines()}
    assert {"IMC101", "IMC102", "IMC401"} <= reported
    assert "example.py:8:1: IMC401" in completed.stdout and "second.py:1:1: IMC401" in completed.stdout


def test_imc501_reports_where_the_running_total_crosses(tmp_path: Path) -> None:
    """The finding stands at the class whose estimate takes the total over the threshold."""
    classes = "".join(f"@dataclass\nclass C{i}:\n    x: int\n\n\n" for i in range(8))
    source = "from dataclasses import dataclass\n\n\n" + classes
    first = run_flake8(tmp_path, {"example.py": source}, "--select", "IMC", "--import-cost-codegen-ms=0.01")
    [finding] = first.findings
    assert finding.line == 5  # the first class
    match = re.search(r"cost ~(\d+\.\d) ms at import \(8 dataclasses\)", finding.message)
    assert match, finding.message
    total = float(match[1])
    # Just under the total: only the last class takes it over (each costs more than 0.1 ms).
    just_under = f"--import-cost-codegen-ms={total - 0.05:.2f}"
    last = run_flake8(tmp_path, {}, "--select", "IMC", just_under, paths=("example.py",))
    assert [f.line for f in last.findings] == [5 + 5 * 7]
    over = f"--import-cost-codegen-ms={total + 0.1:.2f}"
    assert run_flake8(tmp_path, {}, "--select", "IMC", over, paths=("example.py",)).findings == []
