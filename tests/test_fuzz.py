"""Every rule survives any grammatical program (in the manner of flake8-bugbear's fuzz test).

The quick tests run a few hundred programs; the slow ones (``-m slow``, which
CI runs) run 2,000 more (1,900 from the grammar, 100 of the slower, richer
generated trees), in a fixed order so that a failure comes back on every run,
each written into a package on disk and checked under its real path, so that
the reading of the project's other modules runs too. Generating the programs
takes nearly all of their time; checking them, a few per cent.
"""

from __future__ import annotations

import ast
import itertools
import tempfile
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path

import hypothesmith
import pytest
from conftest import EagerPlugin
from hypothesis import HealthCheck, example, given, settings

from flake8_import_cost.plugin import Plugin

CASES = Path(__file__).parent / "cases"


def _parse(source: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def check(source: str, capsys: pytest.CaptureFixture[str], filename: str = "x.py") -> None:
    """Run every rule over ``source`` under both settings; nothing may raise or print."""
    tree = _parse(source)
    if tree is None:
        return
    capsys.readouterr()
    lines = source.splitlines(True)
    for plugin in (Plugin, EagerPlugin):
        for line, col, message, kind in plugin(tree, filename, lines).run():
            assert isinstance(line, int) and line >= 1
            assert isinstance(col, int) and col >= 0
            assert message[:3] == "IMC" and message[6] == " " and "\n" not in message
            assert kind is plugin
    assert capsys.readouterr() == ("", ""), "a rule failed and wrote to stderr"


_SETTINGS = settings(
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.slow
@settings(_SETTINGS, max_examples=200)
@given(source=hypothesmith.from_grammar())
@example(source="import re\n@(lambda f: f)\ndef f(x=re.compile('a')): ...\nf()\n")
@example(source="def f():\n    yield from f()\nlist(f())\n")
@example(source="for x in range(10**10**10):\n    pass\n")
@example(source="class A(A):\n    pass\nclass B(B, metaclass=B):\n    x: B = B()\n")
def test_rules_never_fail_on_grammatical_source(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    check(source, capsys)


@pytest.mark.slow
@settings(_SETTINGS, max_examples=30)
@given(source=hypothesmith.from_node())
def test_rules_never_fail_on_generated_trees(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``from_node`` builds richer programs but slowly, hence fewer examples."""
    check(source, capsys)


@pytest.mark.parametrize("path", sorted(CASES.glob("*.py")), ids=lambda p: p.stem)  # noqa: IMC402
def test_case_files_under_eager_settings(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check(path.read_text(encoding="utf-8"), capsys)


@pytest.fixture(scope="module")
def package() -> Iterator[Iterator[Path]]:
    """Fresh file names in a package on disk (``pkg/m0.py``, ``pkg/m1.py``...), beside
    modules whose functions do work at a call, for programs to be written to and checked
    under: a name is never used twice, so no cache keyed by path sees an older program."""
    with tempfile.TemporaryDirectory(prefix="imc-fuzz-") as root:
        folder = Path(root) / "pkg"
        folder.mkdir()
        (Path(root) / "setup.cfg").write_text("", encoding="utf-8")
        (folder / "__init__.py").write_text("from pkg.helpers import load\n", encoding="utf-8")
        (folder / "helpers.py").write_text(
            "import re, subprocess\n"
            "def load():\n    return open('data.json').read()\n"
            "class Client:\n    def __init__(self):\n        self.version = subprocess.run(['git'])\n"
            "PATTERN = re.compile('a+')\n",
            encoding="utf-8",
        )
        yield (folder / f"m{n}.py" for n in itertools.count())


def check_on_disk(source: str, capsys: pytest.CaptureFixture[str], package: Iterator[Path]) -> None:
    """:func:`check`, with ``source`` written to a new module of :func:`package` and
    checked under its path; half the programs end by importing the helpers and calling them."""
    path = next(package)
    if zlib.crc32(source.encode("utf-8", "surrogatepass")) % 2:
        source += "\nfrom pkg.helpers import load, Client\nfrom . import helpers\nload()\nClient()\n"
    path.write_text(source, encoding="utf-8", errors="surrogatepass")
    check(source, capsys, str(path))


@pytest.mark.slow
@settings(_SETTINGS, max_examples=1_900, derandomize=True)
@given(source=hypothesmith.from_grammar())
def test_many_grammatical_programs_on_disk(
    source: str, capsys: pytest.CaptureFixture[str], package: Iterator[Path]
) -> None:
    check_on_disk(source, capsys, package)


@pytest.mark.slow
@settings(_SETTINGS, max_examples=100, derandomize=True)
@given(source=hypothesmith.from_node())
def test_many_generated_trees_on_disk(
    source: str, capsys: pytest.CaptureFixture[str], package: Iterator[Path]
) -> None:
    check_on_disk(source, capsys, package)
