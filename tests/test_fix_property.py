"""The fix's safety claim as a property: on any module built from the ways a name is used, the fixed
module imports without error, every function it defines returns what it returned before, and a second
fix changes nothing.

The modules are made of snippets that read ``json`` (listed as a slow module) at import time, inside
functions, lambdas, classes, defaults, annotations, generators, under ``global``, shadowed by locals,
in any order and combination: whatever the fix moves, nothing that runs may notice.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flake8_import_cost.fix.engine import Options, check_compiles, fix_file
from flake8_import_cost.fix.registry import fixable_codes
from flake8_import_cost.runner import Linter

SNIPPETS = (
    "def f{i}():\n    return json.dumps({i})\n",
    "X{i} = json.dumps({i})\n",
    "def g{i}():\n    def inner():\n        return json.loads('{i}')\n    return inner()\n",
    "class C{i}:\n    def m(self):\n        return json.dumps([{i}])\n",
    "L{i} = lambda: json.dumps({i})\n",
    "def h{i}(x=json.dumps({i})):\n    return x\n",
    "def k{i}():\n    json = {i}\n    return json\n",
    "def s{i}():\n    return [json for json in range({i})]\n",
    "if True:\n    def t{i}():\n        return json.dumps({i})\n",
    "G{i} = (json.dumps(x) for x in range({i}))\n",
    "def w{i}():\n    global json\n    return json.dumps({i})\n",
    "def a{i}(x: 'json.JSONDecoder' = None):\n    return json.dumps({i})\n",
    "def b{i}(x: json.JSONDecoder = None):\n    return json.dumps({i})\n",
    "def c{i}():\n    return sorted(json.dumps(x) for x in range({i}))\n",
    "def helper{i}():\n    return json.dumps({i})\n\nH{i} = helper{i}()\n",
    "def e{i}():\n    try:\n        return json.loads('x')\n    except json.JSONDecodeError as error:\n"
    "        return error.pos\n",
    "class D{i}:\n    VALUE = {i}\n\n    def m(self):\n        return json.dumps(self.VALUE)\n",
)
HEADERS = ("import json\n", "from __future__ import annotations\n\nimport json\n", "import os, json\n")

_LINTER: list[Linter] = []


def linter() -> Linter:
    if not _LINTER:
        _LINTER.append(Linter(["--isolated", "--import-cost-slow-modules=json"]))
    return _LINTER[0]


def run(source: str) -> dict[str, Any]:
    """What the module's callables return (or raise), called without arguments."""
    namespace: dict[str, Any] = {"__name__": "fuzzed"}
    exec(compile(source, "fuzzed.py", "exec"), namespace)  # noqa: S102 - the module under test
    results: dict[str, Any] = {}
    for name, value in sorted(namespace.items()):
        if name.startswith("__") or name in ("json", "os", "annotations", "TYPE_CHECKING", "typing"):
            continue
        target = getattr(value, "m", None) if isinstance(value, type) else value
        if isinstance(value, type):
            target = getattr(value(), "m", None)
        if not callable(target):
            results[name] = repr(value)[:60] if not hasattr(value, "__next__") else "<generator>"
            continue
        try:
            results[name] = repr(target())
        except Exception as error:  # noqa: BLE001 - what it raised is the result
            results[name] = f"raised {type(error).__name__}"
    return results


@settings(deadline=None, database=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.sampled_from(HEADERS), parts=st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=6))
def test_fixed_modules_behave_as_before(header: str, parts: list[str]) -> None:
    source = header + "\n\n" + "\n\n".join(part.format(i=index) for index, part in enumerate(parts))
    before = run(source)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory, "fuzzed.py")
        path.write_text(source, encoding="utf-8")
        options = Options(fixable_codes(), (3, 10))
        result = fix_file(str(path), linter(), options)
        assert result.skipped is None, result.skipped
        if result.text is None:
            return
        assert check_compiles(result.text) is None
        assert run(result.text) == before, result.text
        path.write_text(result.text, encoding="utf-8")
        again = fix_file(str(path), linter(), options)
        assert again.text is None, again.text
