"""Every rule survives any grammatical program (in the manner of flake8-bugbear's fuzz test)."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, example, given, settings

from flake8_import_cost.plugin import Plugin
from flake8_import_cost.settings import Settings

CASES = Path(__file__).parent / "cases"


class EagerPlugin(Plugin):
    """The plugin with thresholds so low that every rule has something to report."""

    settings = Settings(
        threshold_ms=0.0,
        slow_modules={"a": None, "b": 1.0, "c.d": 2.0},
        max_iterations=1,
        codegen_ms=0.0,
    )


def _parse(source: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences and the like
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def check(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Run every rule over ``source`` under both settings; nothing may raise or print."""
    tree = _parse(source)
    if tree is None:
        return
    capsys.readouterr()
    lines = source.splitlines(True)
    for plugin in (Plugin, EagerPlugin):
        for line, col, message, kind in plugin(tree, "x.py", lines).run():
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
