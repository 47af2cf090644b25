"""Runs the case files in ``tests/cases`` through the real flake8.

Each case file is real Python whose comments state what flake8 must report,
in the manner of flake8-bugbear's eval files:

* ``x = 1  # IMC401`` -- this line must be reported with IMC401; several codes
  are written one after the other (``# IMC101 IMC403``), a code that must be
  reported twice is written twice;
* ``# IMC401:5`` -- ... at column 5 (flake8's 1-based column);
* ``# IMC101 "used only inside functions"`` -- ... and its message contains
  the quoted text (several fragments may follow one code);
* ``# IMC403 (a note)`` -- text in parentheses at the end is a note;
* ``# IMC401 known-bug: reason`` / ``# silent known-bug: reason`` -- what the
  line should report, which the plugin does not do yet: the line is left out
  of the file's test and becomes its own strict ``xfail`` test.

Every other line must stay silent: the set of ``(line, code)`` pairs reported
must equal the expected one exactly. A ``# flake8-options: ...`` comment adds
options to the flake8 command line (``--select IMC --extend-select IMC403``
are always given). A file may hold several modules: a ``# module: label``
comment starts one; the lines before the first marker are shared by all of
them, and each module is checked as a file of its own in which the other
modules' lines are blank, so line numbers stay those of the case file (this
matters for rules that report once per module, such as IMC501). A module's own
``# flake8-options:`` line adds to the shared one, and a ``# filename: NAME``
line gives it the file name it is checked under (``setup.py``, ``tests/test_x.py``),
and a ``# measured: {...}`` line a real cost database with those figures (see
:func:`write_database`); a ``# python: >=3.12`` line (clauses ``<``, ``<=``,
``>``, ``>=``, ``==`` on ``3.X``, comma-separated) says which Pythons the
module is for: syntax they alone parse, or what their annotations do. Before
the first module it is the whole file's, which is skipped on other Pythons;
``# python: >=3.14`` files are also run on older Pythons as 3.14 would, with
PEP 649's lazy annotations (the only difference the plugin sees) forced on;
modules with the same options are written into one directory, so that a
module can be a package's ``__init__.py`` or the test that patches another.
"""

from __future__ import annotations

import ast
import io
import json
import re
import shlex
import sys
import tempfile
import tokenize
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import Reported, run_flake8, write_database

from flake8_import_cost.rules import all_rules

CASES = Path(__file__).parent / "cases"
BASE_OPTIONS = ("--select", "IMC", "--extend-select", "IMC403")
#: pytest parametrizes while it collects, so the case files are listed at import.
CASE_FILES = sorted(CASES.glob("*.py"))  # noqa: IMC402

_OPTIONS = r"^#\s*flake8-options:(?P<options>.*)$"
_MODULE = r"^#\s*module:(?P<label>.*)$"
_FILENAME = r"^#\s*filename:\s*(?P<name>\S+)\s*$"
_MEASURED = r"^#\s*measured:\s*(?P<figures>\{.*\})\s*$"
_PYTHON = r"^#\s*python:\s*(?P<spec>.+?)\s*$"
_CLAUSE = r"^(?P<op><=|>=|==|<|>)\s*(?P<major>\d+)\.(?P<minor>\d+)$"
#: The first Python whose annotations are lazy (PEP 649).
LAZY_ANNOTATIONS = (3, 14)
_EXPECTATION = r"^#\s*(?:IMC\d{3}\b|silent\s+known-bug:)"
_CODE = r'\s*(?P<code>IMC\d{3})(?::(?P<col>\d+))?(?P<fragments>(?:\s+"[^"]*")*)'
_FRAGMENT = r'"([^"]*)"'


@dataclass(frozen=True)
class Expected:
    """One finding a line must report."""

    code: str
    col: int | None = None
    fragments: tuple[str, ...] = ()


@dataclass
class Line:
    """What one line of a case file must report."""

    number: int
    expected: list[Expected]
    bug: str | None = None


@dataclass
class Module:
    """One module of a case file: its text (other modules blanked) and expectations."""

    label: str
    options: tuple[str, ...]
    text: str
    lines: dict[int, Line] = field(default_factory=dict)
    filename: str | None = None
    #: What a cost database measured for this module (see :func:`write_database`).
    measured: dict[str, Any] | None = None
    #: The Pythons this module is for (``# python:``), ``""`` for every one.
    python: str = ""

    def runs_on(self, version: tuple[int, int]) -> bool:
        return python_matches(self.python, version)


@dataclass
class Case:
    """A parsed case file."""

    path: Path
    modules: list[Module]

    @property
    def name(self) -> str:
        return self.path.stem

    def bugs(self) -> Iterator[tuple[Module, Line]]:
        for module in self.modules:
            for line in module.lines.values():
                if line.bug is not None:
                    yield module, line


def python_matches(spec: str, version: tuple[int, int]) -> bool:
    """Whether Python ``version`` satisfies ``spec`` (``>=3.12``, ``>=3.12, <3.14``; ``""``: any)."""
    for clause in filter(None, (part.strip() for part in spec.split(","))):
        match = re.match(_CLAUSE, clause)
        if match is None:
            raise ValueError(f"cannot read the Python version clause {clause!r}")
        wanted = (int(match["major"]), int(match["minor"]))
        holds = {
            "<": version < wanted, "<=": version <= wanted, ">": version > wanted, ">=": version >= wanted,
            "==": version == wanted,
        }[match["op"]]  # fmt: skip
        if not holds:
            return False
    return True


def file_python(path: Path) -> str:
    """The ``# python:`` requirement of a whole case file (before its first module), read line by line:
    a file for newer Pythons may not tokenize on this one."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(_MODULE, line.strip()):
            break
        match = re.match(_PYTHON, line.strip())
        if match:
            return match["spec"]
    return ""


#: flake8 as Python 3.14 runs it, as far as the plugin can tell: PEP 649's lazy annotations, no disk cache
#: (its entries would be another Python's).
AS_PYTHON_3_14 = (
    "-c",
    "import os, sys; os.environ['IMPORT_COST_CACHE_DIR'] = 'off';"
    " import flake8_import_cost.importtime as walker; walker._EAGER_ANNOTATIONS_BY_DEFAULT = False;"
    " from flake8.main.cli import main; sys.exit(main())",
)


def running_python() -> tuple[int, int]:
    return (sys.version_info[0], sys.version_info[1])


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def checked_as(spec: str, text: str) -> tuple[int, int] | None:
    """The Python that code for the Pythons ``spec`` is checked as: this one, or 3.14 (lazy annotations
    forced on) when the code is for 3.14 and this Python parses it; ``None``: not here."""
    if python_matches(spec, running_python()):
        return running_python()
    if python_matches(spec, LAZY_ANNOTATIONS) and _parses(text):
        return LAZY_ANNOTATIONS
    return None


def case_param(path: Path) -> Any:
    """``path`` as a test parameter, skipped on the Pythons it is not for."""
    spec = file_python(path)
    here = checked_as(spec, path.read_text(encoding="utf-8"))
    return pytest.param(path, id=path.stem, marks=pytest.mark.skipif(here is None, reason=f"for Python {spec}"))


def parse_expectation(comment: str, number: int, where: str) -> Line | None:
    """The expectation a comment states, or ``None`` for an ordinary comment."""
    if not re.match(_EXPECTATION, comment):
        return None
    rest = comment.lstrip("#").strip()
    bug: str | None = None
    if "known-bug:" in rest:
        rest, _, bug = rest.partition("known-bug:")
        bug = bug.strip()
        if not bug:
            raise ValueError(f"{where}:{number}: a known bug needs a reason: {comment!r}")
    expected: list[Expected] = []
    if rest.strip() != "silent":
        rest = rest.rstrip()
        rest = re.sub(r'\s*\([^"()]*\)$', "", rest)  # a note: ``# IMC403 (why)``
        while rest:
            match = re.match(_CODE, rest)
            if match is None or not match.end():
                raise ValueError(f"{where}:{number}: cannot read the expectation {comment!r}")
            fragments = tuple(re.findall(_FRAGMENT, match["fragments"]))
            col = int(match["col"]) if match["col"] else None
            expected.append(Expected(match["code"], col, fragments))
            rest = rest[match.end():]
    return Line(number, expected, bug)


def parse_case(path: Path) -> Case:
    """Read a case file into its modules and expectations."""
    text = path.read_text(encoding="utf-8")
    source_lines = text.splitlines(keepends=True)
    comments: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string

    shared_options: list[str] = []
    shared_python: list[str] = []
    starts: list[tuple[int, str]] = []  # (first line, label) of each module
    for number, comment in sorted(comments.items()):
        marker = re.match(_MODULE, comment)
        options_line = re.match(_OPTIONS, comment)
        python_line = re.match(_PYTHON, comment)
        if marker:
            starts.append((number, marker["label"].strip()))
        elif options_line and not starts:
            shared_options.extend(shlex.split(options_line["options"]))
        elif python_line and not starts:
            shared_python.append(python_line["spec"])
    end_of_file = len(source_lines) + 1
    preamble_end = starts[0][0] if starts else end_of_file
    spans = [
        (label, first, starts[i + 1][0] if i + 1 < len(starts) else end_of_file)
        for i, (first, label) in enumerate(starts)
    ] or [("", preamble_end, preamble_end)]

    modules = []
    for label, first, end in spans:
        keep = set(range(1, preamble_end)) | set(range(first, end))
        module = Module(
            label,
            (),
            "".join(
                line if number in keep else ("\n" if line.endswith("\n") else "")
                for number, line in enumerate(source_lines, start=1)
            ),
        )
        options = list(shared_options)
        python = list(shared_python)
        for number, comment in sorted(comments.items()):
            if number not in keep:
                continue
            python_line = re.match(_PYTHON, comment)
            if python_line and number >= first and starts:
                python.append(python_line["spec"])
            options_line = re.match(_OPTIONS, comment)
            if options_line and number >= first and starts:
                options.extend(shlex.split(options_line["options"]))
            filename_line = re.match(_FILENAME, comment)
            if filename_line and number >= first and starts:
                module.filename = filename_line["name"]
            measured = re.match(_MEASURED, comment)
            if measured and number >= first and starts:
                module.measured = json.loads(measured["figures"])
                options.append(f"--import-cost-db=costs-{len(modules)}.db")  # one database per module
            expectation = parse_expectation(comment, number, path.name)
            if expectation is not None:
                module.lines[number] = expectation
        module.options = tuple(options)
        module.python = ", ".join(python)
        modules.append(module)
    return Case(path, modules)


@cache
def run_case(path: Path) -> dict[str, tuple[list[Reported], str, int]]:
    """Run flake8 on every module of a case: label -> (findings, stderr, exit code)."""
    case = parse_case(path)
    results: dict[str, tuple[list[Reported], str, int]] = {}
    groups: dict[tuple[tuple[int, int], tuple[str, ...]], list[tuple[str, Module]]] = {}
    for index, module in enumerate(case.modules):
        filename = f"{case.name}.py" if len(case.modules) == 1 else f"{case.name}_{index:02d}.py"
        python = checked_as(module.python, module.text)
        if python is None:
            continue
        # Modules with the same options share a directory (a package and its modules, a test and the module it patches).
        groups.setdefault((python, module.options), []).append((module.filename or filename, module))
    for (python, options), members in groups.items():
        launcher = AS_PYTHON_3_14 if python >= LAZY_ANNOTATIONS > running_python() else ("-m", "flake8")
        names = [name for name, _ in members]
        assert len(names) == len(set(names)), f"{case.name}: two modules named alike in one directory: {names}"
        with tempfile.TemporaryDirectory() as directory:
            for name, module in members:
                if module.measured is not None:
                    database = next(o for o in module.options if o.startswith("--import-cost-db=costs-"))
                    write_database(Path(directory), database.partition("=")[2], name, module.measured)
            files = {name: m.text for name, m in members}
            result = run_flake8(Path(directory), files, *BASE_OPTIONS, *options, launcher=launcher)
            for name, module in members:
                found = [f for f in result.findings if Path(f.path).as_posix().removeprefix("./") == name]
                results[module.label] = (found, result.stderr, result.returncode)
    return results


def _describe(findings: list[Reported]) -> str:
    return "\n".join(f"  {f.line}:{f.col}: {f.code} {f.message}" for f in findings) or "  (nothing)"


def _check_lines(module: Module, found: list[Reported], numbers: set[int]) -> list[str]:
    """Problems with the findings on lines ``numbers``; an empty list when all is well."""
    problems: list[str] = []
    expected = Counter(
        (number, e.code) for number, line in module.lines.items() if number in numbers for e in line.expected
    )
    reported = Counter((f.line, f.code) for f in found if f.line in numbers)
    for (number, code), count in sorted((expected - reported).items()):
        problems.append(f"line {number}: expected {code}" + (f" x{count}" if count > 1 else "") + ", not reported")
    for (number, code), count in sorted((reported - expected).items()):
        problems.append(f"line {number}: {code} reported" + (f" x{count}" if count > 1 else "") + ", not expected")
    for number, line in module.lines.items():
        if number not in numbers:
            continue
        for want in line.expected:
            candidates = [f for f in found if f.line == number and f.code == want.code]
            if not candidates:
                continue
            if want.col is not None and all(f.col != want.col for f in candidates):
                problems.append(f"line {number}: {want.code} at column {[f.col for f in candidates]}, not {want.col}")
            for fragment in want.fragments:
                if all(fragment not in f.message for f in candidates):
                    problems.append(f"line {number}: no {want.code} message contains {fragment!r}")
    return problems


@pytest.mark.parametrize("path", [case_param(path) for path in CASE_FILES])  # noqa: IMC402 (read at collection)
def test_case_file(path: Path) -> None:
    """Every line of the case file reports exactly what its comment says."""
    case = parse_case(path)
    results = run_case(path)
    problems: list[str] = []
    for module in case.modules:
        if module.label not in results:
            continue  # for other Pythons
        found, stderr, returncode = results[module.label]
        prefix = f"[module {module.label}] " if module.label else ""
        assert stderr == "", f"{prefix}flake8 wrote to stderr:\n{stderr}"
        assert returncode in (0, 1), f"{prefix}flake8 exited {returncode}"
        bug_lines = {number for number, line in module.lines.items() if line.bug is not None}
        checked = {f.line for f in found} | set(module.lines)
        problems.extend(prefix + p for p in _check_lines(module, found, checked - bug_lines))
    assert not problems, "\n".join(problems) + "\nreported:\n" + _describe(
        [f for label in results for f in results[label][0]]
    )


def _bug_params() -> list[object]:
    params: list[object] = []
    for path in CASE_FILES:
        if checked_as(file_python(path), path.read_text(encoding="utf-8")) is None:
            continue
        try:
            case = parse_case(path)
        except ValueError:
            continue  # test_case_file reports the unreadable comment
        for module, line in case.bugs():
            if checked_as(module.python, module.text) is None:
                continue
            params.append(
                pytest.param(
                    path,
                    module.label,
                    line.number,
                    id=f"{case.name}:{line.number}",
                    marks=pytest.mark.xfail(strict=True, reason=line.bug or ""),
                )
            )
    return params


@pytest.mark.parametrize(("path", "label", "number"), _bug_params())  # noqa: IMC402 (read at collection)
def test_known_bug(path: Path, label: str, number: int) -> None:
    """A line marked ``known-bug`` reports what its comment says (xfail until fixed)."""
    case = parse_case(path)
    module = next(m for m in case.modules if m.label == label)
    found, _, _ = run_case(path)[label]
    problems = _check_lines(module, found, {number})
    assert not problems, "\n".join(problems) + "\nreported:\n" + _describe([f for f in found if f.line == number])


# -- the harness itself ------------------------------------------------------


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_rule_has_a_case_file(code: str) -> None:
    """Each registered rule has ``tests/cases/<code>.py`` (a rule still being written is skipped, visibly)."""
    if not (CASES / f"{code}.py").exists():
        pytest.skip(f"tests/cases/{code}.py is not written yet")
    case = parse_case(CASES / f"{code}.py")
    codes = {e.code for m in case.modules for line in m.lines.values() for e in line.expected}
    assert code in codes


@pytest.mark.parametrize("path", [case_param(path) for path in CASE_FILES])  # noqa: IMC402 (read at collection)
def test_case_file_has_flagged_and_silent_lines(path: Path) -> None:
    """A case file is useful only with lines that must be reported and code that must not."""
    case = parse_case(path)
    expected = [line for m in case.modules for line in m.lines.values() if line.expected and line.bug is None]
    code_lines = [
        number
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if text.strip() and not text.lstrip().startswith("#")
        and all(number not in m.lines for m in case.modules)
    ]
    assert expected, "no line must be reported"
    assert code_lines, "no line must stay silent"


def test_expectation_syntax() -> None:
    """The comment syntax reads codes, columns, fragments and known bugs."""
    line = parse_expectation('# IMC101:7 "slow" "inside functions" IMC403', 3, "x.py")
    assert line is not None
    assert line.expected == [Expected("IMC101", 7, ("slow", "inside functions")), Expected("IMC403")]
    assert line.bug is None
    bug = parse_expectation("# silent known-bug: reported twice", 4, "x.py")
    assert bug is not None and bug.expected == [] and bug.bug == "reported twice"
    assert parse_expectation("# an ordinary comment about IMC401", 5, "x.py") is None
    noted = parse_expectation('# IMC403:3 "f() (in g()" (compiled at import)', 6, "x.py")
    assert noted is not None and noted.expected == [Expected("IMC403", 3, ("f() (in g()",))]
    with pytest.raises(ValueError):
        parse_expectation("# IMC401 is reported here", 6, "x.py")


def test_modules_keep_line_numbers(tmp_path: Path) -> None:
    """Each module of a multi-module case keeps the case file's line numbers."""
    path = tmp_path / "multi.py"
    path.write_text(
        "# flake8-options: --import-cost-codegen-ms=1\n"
        "import re\n"
        "# module: first\n"
        "A = re.compile('a')  # IMC403\n"
        "# module: second\n"
        "# flake8-options: --import-cost-max-iterations=5\n"
        "B = 1\n",
        encoding="utf-8",
    )
    first, second = parse_case(path).modules
    assert first.text.splitlines()[3] == "A = re.compile('a')  # IMC403"
    assert second.text.splitlines()[3] == "" and second.text.splitlines()[6] == "B = 1"
    assert first.options == ("--import-cost-codegen-ms=1",)
    assert second.options == ("--import-cost-codegen-ms=1", "--import-cost-max-iterations=5")
    assert list(first.lines) == [4] and not second.lines


def test_python_requirements(tmp_path: Path) -> None:
    """``# python:`` lines: clauses on ``3.X``; a file's applies to its modules, a module's to itself."""
    assert python_matches("", (3, 10)) and python_matches(">=3.12", (3, 13)) and not python_matches(">=3.12", (3, 11))
    assert python_matches(">=3.12, <3.14", (3, 13)) and not python_matches(">=3.12, <3.14", (3, 14))
    assert python_matches("==3.11", (3, 11)) and python_matches(">3.10", (3, 11)) and python_matches("<=3.10", (3, 10))
    with pytest.raises(ValueError):
        python_matches(">= three", (3, 11))
    path = tmp_path / "versions.py"
    path.write_text(
        "# python: >=3.10\nimport re\n# module: old\n# python: <3.14\nA = 1\n# module: new\n# python: >=3.14\nB = 2\n",
        encoding="utf-8",
    )
    old, new = parse_case(path).modules
    assert file_python(path) == ">=3.10"
    assert (old.python, new.python) == (">=3.10, <3.14", ">=3.10, >=3.14")
    assert old.runs_on((3, 13)) and not old.runs_on((3, 14)) and new.runs_on((3, 14))
    # Code for 3.14 that this Python parses is checked as 3.14 would check it; code it cannot parse is not.
    assert checked_as(new.python, new.text) == ((3, 14) if running_python() < (3, 14) else running_python())
    assert (checked_as(">=3.14", "type X = int\n") is None) == (running_python() < (3, 12))
