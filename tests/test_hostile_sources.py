"""Real and hostile sources: the plugin never fails, and stays cheap next to ``ast.parse``.

Every file of the running interpreter's standard library, of Django and of
libcst is checked in-process under its real path (so the summaries of the
modules it imports are read from disk too): nothing may fail or print.
Pathological files (50,000 statements, 1,000-deep expressions, 10 MB string
literals, thousands of classes and call sites, constant-folding bombs, odd
bytes) are each measured: the plugin may take at most :data:`SLACK_SECONDS`
longer and :data:`SLACK_BYTES` more memory at its peak than ``ast.parse`` of
the same file (the goal ``docs/robustness.md`` states, with the figures).
A few of them also go through the real flake8, which reports what does not
parse (E902, E999) without a word from this plugin.
"""

from __future__ import annotations

import ast
import gc
import sys
import sysconfig
import time
import tokenize
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import EagerPlugin, run_flake8

from flake8_import_cost.plugin import Plugin

#: How much longer than ``ast.parse`` of a file the plugin may take on it, at most.
SLACK_SECONDS = 1.0
#: How much more memory than ``ast.parse`` of a file the plugin may hold at its peak.
SLACK_BYTES = 200 * 2**20


def read_like_flake8(path: Path) -> tuple[ast.Module, list[str]] | None:
    """The tree and the lines flake8 gives a plugin for ``path`` (its encoding, else
    latin-1; without a BOM), or ``None`` when flake8 would report E902 or E999."""
    try:
        with tokenize.open(path) as file:
            lines = file.readlines()
    except (SyntaxError, UnicodeError):
        with open(path, encoding="latin-1") as file:
            lines = file.readlines()
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        try:
            return ast.parse("".join(lines)), lines
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def lint(plugin: type[Plugin], tree: ast.Module, path: Path, lines: list[str]) -> list[str]:
    """The plugin's messages on one file, each checked for flake8's format."""
    messages = []
    for line, col, message, kind in plugin(tree, str(path), lines).run():
        assert isinstance(line, int) and line >= 1 and isinstance(col, int) and col >= 0
        assert message[:3] == "IMC" and message[6] == " " and "\n" not in message
        assert kind is plugin
        messages.append(message)
    return messages


# -- every file of three large code bases ----------------------------------------


def _corpus(name: str) -> Path:
    if name == "stdlib":
        return Path(sysconfig.get_paths()["stdlib"])
    module = pytest.importorskip(name)
    assert module.__file__ is not None
    return Path(module.__file__).parent


@pytest.mark.slow
@pytest.mark.parametrize("name", ["stdlib", "django", "libcst"])
def test_every_file_of_a_large_code_base(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The standard library (without ``site-packages``), Django and libcst, file by
    file as flake8 reads them, under the default settings: no failure, nothing on stderr."""
    root = _corpus(name)
    paths = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.relative_to(root).parts)
    assert len(paths) > 250
    failures = []
    checked = 0
    for path in paths:
        read = read_like_flake8(path)
        if read is None:
            continue  # flake8's E902 or E999 (Python 2 files, bad syntax on purpose)
        checked += 1
        tree, lines = read
        try:
            lint(Plugin, tree, path, lines)
        except Exception as error:  # noqa: BLE001 - collected, to report every file at once
            failures.append(f"{path}: {type(error).__name__}: {error}")
        printed = capsys.readouterr()
        if printed.out or printed.err:
            failures.append(f"{path}: {(printed.out + printed.err).strip()[:500]}")
    assert checked > 0.9 * len(paths)
    assert failures == []


# -- pathological files, measured -------------------------------------------------


class Cost(NamedTuple):
    """The time and the peak of traced memory of one piece of work, and what it returned."""

    seconds: float
    peak: int
    result: object


def cost(work: Callable[[], object]) -> Cost:
    """What ``work`` costs: one run under tracemalloc for its memory (which also loads
    whatever it loads on first use), then the best of two timed runs."""
    gc.collect()
    tracemalloc.start()
    try:
        result = work()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    seconds = []
    for _ in range(2):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return Cost(min(seconds), peak, result)


def parse_quietly(source: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)


def assert_cheap(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Check ``path`` under both settings and measure it against ``ast.parse``; return
    the default settings' messages."""
    read = read_like_flake8(path)
    assert read is not None, "the file must parse"
    tree, lines = read
    source = "".join(lines)

    def parse_only() -> None:
        parse_quietly(source)  # the tree is dropped: only one is alive at a time

    parse = cost(parse_only)
    capsys.readouterr()
    found: list[list[str]] = []
    for plugin in (Plugin, EagerPlugin):
        checked = cost(lambda: lint(plugin, tree, path, lines))  # noqa: B023 - called at once
        assert checked.seconds - parse.seconds <= SLACK_SECONDS, (
            f"{plugin.__name__}: {checked.seconds:.2f} s against ast.parse's {parse.seconds:.2f} s"
        )
        assert checked.peak - parse.peak <= SLACK_BYTES, (
            f"{plugin.__name__}: {checked.peak / 2**20:.0f} MB against ast.parse's {parse.peak / 2**20:.0f} MB"
        )
        assert isinstance(checked.result, list)
        found.append(checked.result)
    assert capsys.readouterr() == ("", ""), "a rule failed and wrote to stderr"
    return found[0]


def write(path: Path, source: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, bytes):
        path.write_bytes(source)
    else:
        path.write_text(source, encoding="utf-8")
    return path


def _statements(count: int) -> str:
    """``count`` top-level statements of every common kind, ten at a time."""
    block = (
        "import os, re\n"
        "X{i} = {i} * 2\n"
        "P{i} = re.compile('a{i}+')\n"
        "for _ in range({i}): pass\n"
        "class C{i}: a: int = {i}\n"
        "def f{i}(x=X{i}): return os.environ.get('A{i}')\n"
        "Y{i} = f{i}()\n"
        "if X{i}: Z{i} = [y for y in range(3)]\n"
        "assert X{i} >= 0\n"
        "print(Y{i}, open(P{i}.pattern))\n"
    )
    return "".join(block.format(i=i) for i in range(count // 10))


@pytest.mark.slow
def test_fifty_thousand_statements(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "big.py", _statements(50_000))
    assert len(parse_quietly(path.read_text(encoding="utf-8")).body) == 50_000
    assert any(m.startswith("IMC402") for m in assert_cheap(path, capsys))


def test_the_garbage_collector_runs_again_after_a_file(tmp_path: Path) -> None:
    """The collector pauses while a file is checked, and is left as it was found."""
    path = write(tmp_path / "small.py", "import os\nDATA = open('x').read()\n")
    read = read_like_flake8(path)
    assert read is not None
    assert gc.isenabled()
    assert len(lint(Plugin, read[0], path, read[1])) == 1
    assert gc.isenabled()
    gc.disable()
    try:
        assert len(lint(Plugin, read[0], path, read[1])) == 1
        assert not gc.isenabled()
    finally:
        gc.enable()


#: Expressions nested ``n`` deep; each also gives a rule something to follow.
NESTED: dict[str, Callable[[int], str]] = {
    "operators": lambda n: "import re\nx = " + " + ".join(["re.compile('a')"] * n) + "\nfor _ in range(x): pass\n",
    "unary": lambda n: "x = " + "-" * n + "1\nfor _ in range(x): pass\n",
    "not": lambda n: "x = " + "not " * n + "1\n",
    "attributes": lambda n: "import os\nx = os" + ".a" * n + "\nx.read_text()\nopen(x)\n",
    "calls": lambda n: "import requests\nx = requests.get" + "()" * n + "\n",
    "methods": lambda n: (
        "from django.db import models\nclass M(models.Model):\n    pass\n"
        "q = M.objects" + ".filter()" * n + "\nlist(q)\n"
    ),
    "subscripts": lambda n: "import os\nx = os.environ" + "['a']" * n + "\nopen(x)\n",
    "paths": lambda n: "import pathlib\nx = pathlib.Path()" + " / 'a'" * n + "\nx.read_text()\n",
    "conditionals": lambda n: "import re\nx = " + "re.compile('a') if b else " * n + "c\n",
    "lambdas": lambda n: "x = " + "lambda: " * n + "1\n",
    "powers": lambda n: "x = " + " ** ".join(["10"] * n) + "\nfor _ in range(x): pass\n",
    "shifts": lambda n: "x = 1" + " << 2" * n + "\nfor _ in range(x): pass\n",
    "strict module": lambda n: (
        "# import-cost: strict\nimport os\nos" + ".a" * n + "()\nos" + ".a" * n + ".b = 1\n"
        "class A(os" + ".a" * n + "):\n    pass\n"
    ),
    "string annotation": lambda n: "import numpy as np\nx: 'np" + ".a" * n + "' = 1\ny: '" + "-" * n + "np' = 2\n",
}


def deepest(form: Callable[[int], str], limit: int = 10_000) -> int:
    """Nine tenths of the deepest nesting of ``form`` that ``ast.parse`` builds a tree
    for, up to ``limit`` (deeper, it raises RecursionError or MemoryError; on 3.11 the
    bound depends on how deep the stack already is, hence the margin)."""
    low, high = 1, limit
    while low < high:
        middle = (low + high + 1) // 2
        try:
            parse_quietly(form(middle))
        except (SyntaxError, RecursionError, MemoryError):
            high = middle - 1
        else:
            low = middle
    return low * 9 // 10


@pytest.mark.parametrize("kind", NESTED)
def test_deeply_nested_expressions(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """1,000 deep, then nearly as deep as the parser goes (about 2,700 on Python 3.11):
    deeper than the interpreter's recursion limit, which a recursive walk would exhaust."""
    form = NESTED[kind]
    # Before 3.11 the parser builds trees several times deeper than 3.11's does, and the plugin
    # (slower there, as all Python code is) takes 1-2 s over them: only the 1,000-deep file there.
    depths = {1_000, deepest(form)} if sys.version_info >= (3, 11) else {1_000}
    for depth in sorted(depths):
        assert_cheap(write(tmp_path / f"nested_{depth}.py", form(depth)), capsys)


def test_a_module_nested_deeper_than_the_parser_goes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Another module of the project that ``ast.parse`` refuses (RecursionError,
    MemoryError) is left out of the summaries, as one with a syntax error is."""
    write(tmp_path / "setup.cfg", "")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "attributes.py", "x = a" + ".b" * 100_000 + "\ndef f():\n    pass\n")
    write(tmp_path / "app" / "unary.py", "x = " + "-" * 100_000 + "1\ndef g():\n    pass\n")
    path = write(tmp_path / "app" / "main.py", "from app.attributes import f\nfrom app.unary import g\nf()\ng()\n")
    assert assert_cheap(path, capsys) == []


_STRING = 10 * 2**20

#: Modules built around a string literal of 10 MB.
STRINGS: dict[str, str] = {
    "letters": "x = '" + "a" * _STRING + "'\nlen(x)\nfor c in x:\n    pass\n",
    "bytes": "x = b'" + "a" * _STRING + "'\nfor c in x:\n    pass\n",
    "near misses of a text test": "x = '" + "imp" * (_STRING // 3) + "'\n",
    "lines of imports": 'x = """' + "import os\n" * (_STRING // 10) + '"""\n',
    "docstring of markers": '"""' + "# import-cost: strict\n" * (_STRING // 22) + '"""\nimport os\nos.x = 1\n',
    "words the rules look for": "x = '" + "objects.all() cursor( open( dataclass " * (_STRING // 40) + "'\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", STRINGS)
def test_ten_megabyte_string_literals(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_cheap(write(tmp_path / "strings.py", STRINGS[kind]), capsys)


@pytest.mark.slow
def test_five_thousand_dataclasses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    classes = "".join(
        f"@dataclass\nclass C{i}:\n    a: int = 0\n    b: str = ''\n    c: list[int] = field(default_factory=list)\n"
        for i in range(5_000)
    )
    source = "from dataclasses import dataclass, field\n" + classes
    assert any("IMC501" in m for m in assert_cheap(write(tmp_path / "models.py", source), capsys))


def test_a_call_chain_of_five_hundred_functions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chain = "".join(f"def f{i}():\n    return f{i + 1}()\n" for i in range(500))
    source = "import subprocess\n" + chain + "def f500():\n    return subprocess.run(['git'])\nf0()\nf497()\n"
    messages = assert_cheap(write(tmp_path / "chain.py", source), capsys)
    assert any("IMC402" in m for m in messages)  # f497() reaches the work within the call depth


def test_mutual_recursion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ring = "".join(f"def f{i}():\n    open('x')\n    return f{(i + 1) % 500}()\n" for i in range(500))
    assert_cheap(write(tmp_path / "ring.py", ring + "".join(f"f{i}()\n" for i in range(0, 500, 5))), capsys)


def test_mutual_recursion_across_modules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Fifty modules of a package, each calling the next at import and the last the
    first: the summaries read each once, and end at their depth."""
    write(tmp_path / "setup.cfg", "")
    write(tmp_path / "ring" / "__init__.py", "")
    for i in range(50):
        following = (i + 1) % 50
        write(
            tmp_path / "ring" / f"m{i}.py",
            f"import ring.m{following}\nfrom ring.m{following} import f{following}\n"
            f"def f{i}():\n    open('x')\n    return f{following}()\n",
        )
    path = write(tmp_path / "ring" / "main.py", "from ring.m0 import f0\nf0()\n")
    assert any("IMC402" in m for m in assert_cheap(path, capsys))


@pytest.mark.slow
def test_one_function_called_from_ten_thousand_sites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = "import subprocess\ndef f():\n    return subprocess.run(['git'])\n" + "f()\n" * 10_000
    assert_cheap(write(tmp_path / "sites.py", source), capsys)


#: Constants that Python would take forever (or all the memory) to compute.
BOMBS = {
    "power tower": "x = 10**10**10\nfor _ in range(x):\n    pass\n",
    "named power tower": "N = 10**10**10\nM = N**N**N\nfor _ in range(M):\n    pass\n"
    "for _ in range(-M, M, N):\n    pass\n",
    "shift": "x = 1 << 10**9\nfor _ in range(x):\n    pass\nfor _ in range(x << x):\n    pass\n",
    "shift right": "for _ in range(1 >> 10**100):\n    pass\n",
    "string repeat": "s = 'x' * 10**12\nfor c in s:\n    pass\nlen(s)\nlist(s)\n",
    "list repeat": "a = [0] * 10**12\nfor c in a:\n    pass\nb = [a] * (1 << 10**9)\n",
    "huge range": "r = range(10**100)\nfor _ in r:\n    pass\nlist(r)\nx = [i for i in r for j in range(10**100)]\n",
    "product": "import itertools\nfor p in itertools.product(range(10**6), repeat=50):\n    pass\n",
    "product tower": "import itertools\n"
    "for p in itertools.product(range(10**6), range(9), repeat=10**10**10):\n    pass\n",
    "negative and inverted": "x = -(10**10**10)\ny = ~(10**10**10)\nfor _ in range(x, y):\n    pass\n",
    "division by zero": "x = 10 // 0\ny = 10 % 0\nfor _ in range(x, y, 0):\n    pass\n",
    "floats": "x = 1e308 * 1e308\nfor _ in range(int(1e300)):\n    pass\nfor _ in range(int(x)):\n    pass\n",
}


@pytest.mark.parametrize("kind", BOMBS)
def test_constant_folding_bombs(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_cheap(write(tmp_path / "bomb.py", BOMBS[kind]), capsys)


def test_a_huge_loop_is_still_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Folding is bounded, not given up: ``range(10**10**10)`` is a large loop."""
    messages = assert_cheap(write(tmp_path / "bomb.py", "for _ in range(10**10**10):\n    open('x')\n"), capsys)
    assert any(m.startswith("IMC401") for m in messages)


#: Files in unusual bytes that still parse: what flake8 hands the plugin for them.
ODD_BYTES: dict[str, bytes] = {
    "bom": b"\xef\xbb\xbfimport os\nopen('x').read()\n",
    "crlf": b"import os\r\nif os:\r\n    open('x').read()\r\n",
    "form feeds": b"import os\n\x0c\nopen('x').read()\n\x0cdef f():\n\x0c    pass\n",
    "latin-1 cookie": b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'\nopen(name).read()\n",
    "latin-1 without a cookie": b"name = '\xe9t\xe9'  # flake8 falls back to latin-1\nopen(name).read()\n",
}


@pytest.mark.parametrize("kind", ODD_BYTES)
def test_unusual_bytes(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messages = assert_cheap(write(tmp_path / "odd.py", ODD_BYTES[kind]), capsys)
    assert [m[:6] for m in messages] == ["IMC402"]


def test_other_modules_in_unusual_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Modules of the project that cannot be decoded or parsed are left out of the summaries."""
    write(tmp_path / "setup.cfg", "")
    write(tmp_path / "app" / "__init__.py", b"\xef\xbb\xbfimport app.nulls\n")
    write(tmp_path / "app" / "nulls.py", b"def f():\n    open('x')\x00\n")
    write(tmp_path / "app" / "bytes.py", b"def g():\n    return open('\xff\xfe')\n")
    write(tmp_path / "app" / "lazy.py", b"lazy import json\ndef h():\n    return open('x')\n")
    path = write(
        tmp_path / "app" / "main.py",
        "from app.nulls import f\nfrom app.bytes import g\nfrom app.lazy import h\nf()\ng()\nh()\n",
    )
    assert_cheap(path, capsys)


def test_lazy_imports_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """PEP 810's ``lazy import`` parses from Python 3.15; before, it is flake8's E999."""
    path = write(tmp_path / "lazy.py", "lazy import json\nlazy from os import path\njson.dumps({})\n")
    if sys.version_info < (3, 15):
        assert read_like_flake8(path) is None
    else:
        assert_cheap(path, capsys)


def test_flake8_reports_what_does_not_parse_and_the_plugin_stays_quiet(tmp_path: Path) -> None:
    """Through the real flake8: a file that does not parse is its E999, without a word
    from the plugin; the odd files that parse (flake8 reads bytes it cannot decode as
    latin-1) get the plugin's findings, on the right lines."""
    nulls = sys.version_info >= (3, 11)  # before, flake8 itself fails on a NUL byte (ast.parse's ValueError)
    files: dict[str, str | bytes] = {
        "lazy.py": "lazy import json\nlazy from os import path\nopen('x').read()\n",
        **({"nulls.py": b"import os\x00\nopen('x').read()\n"} if nulls else {}),
        "undecodable.py": b"# -*- coding: utf-8 -*-\nx = '\xff\xfe'\nopen('x').read()\n",
        "unknown_codec.py": b"# -*- coding: no-such-codec -*-\nopen('x').read()\n",
        **{f"{kind.replace(' ', '_').replace('-', '_')}.py": data for kind, data in ODD_BYTES.items()},
    }
    result = run_flake8(tmp_path, files, "--select", "E9,IMC")
    assert "Traceback" not in result.stderr and "flake8-import-cost" not in result.stderr, result.stderr
    found: dict[str, list[tuple[int, str]]] = {}
    for finding in result.findings:
        found.setdefault(finding.path.removeprefix("./"), []).append((finding.line, finding.code))
    expected = {
        **({"nulls.py": [(1, "E999")]} if nulls else {}),
        "lazy.py": [(1, "E999")] if sys.version_info < (3, 15) else [(3, "IMC402")],
        "undecodable.py": [(3, "IMC402")],
        "unknown_codec.py": [(2, "IMC402")],
        "bom.py": [(2, "IMC402")],
        "crlf.py": [(3, "IMC402")],
        "form_feeds.py": [(3, "IMC402")],
        "latin_1_cookie.py": [(3, "IMC402")],
        "latin_1_without_a_cookie.py": [(2, "IMC402")],
    }
    assert found == expected, result.lines
