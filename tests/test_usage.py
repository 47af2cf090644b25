"""The name layer's queries for the fixer: where a name is read, resolved by scope."""

from __future__ import annotations

import ast
import sys
import textwrap

import pytest

from flake8_import_cost.importtime import ImportTime
from flake8_import_cost.names import Names
from flake8_import_cost.usage import NameUsage, references

SOURCE = textwrap.dedent(
    '''\
    import numpy as np
    from typing import TYPE_CHECKING

    if TYPE_CHECKING:
        Array = np.ndarray


    def uses(a: np.ndarray = None) -> "np.ndarray":
        return np.zeros(3)


    def parameter(np):
        return np


    def declares():
        global np
        np = None
        return [np for np in range(3)], (lambda np: np), (lambda: np)


    class Shadow:
        np = 3
        y: np.int32
        z = np

        def method(self):
            return np
    '''
)


def test_references_follow_python_scoping() -> None:
    tree = ast.parse(SOURCE)
    found, declared = references(Names(tree), "np", tree)
    lines = [(r.node.lineno, r.function.name if r.function else None, r.typing) for r in found]
    assert lines == [
        (5, None, True),  # if TYPE_CHECKING: block
        (8, None, True),  # parameter annotation
        (8, None, True),  # the string return annotation, read at its line
        (9, "uses", False),
        (19, "declares", False),  # the lambda without a parameter of that name
        (28, "method", False),  # a method sees the module, not its class body
    ]
    assert [function.name for function in declared] == ["declares"]  # type: ignore[attr-defined]
    string = next(r for r in found if r.in_string)
    assert isinstance(string.owner, ast.FunctionDef) and string.owner.name == "uses"


def test_references_to_a_function_binding() -> None:
    tree = ast.parse("def f():\n    import json\n    def g():\n        return json.dumps(1)\n    return json\n")
    function = tree.body[0]
    found, _ = references(Names(tree), "json", function)
    assert [(r.node.lineno, r.function.name if r.function else None) for r in found] == [(4, "g"), (5, "f")]
    assert references(Names(tree), "json", tree)[0] == []


def test_lazy_annotations_knob() -> None:
    tree = ast.parse("import numpy as np\n\ndef f(a: np.ndarray): ...\n")
    names = Names(tree)
    eager = NameUsage(tree, ImportTime(tree, names, lazy_annotations=False))
    lazy = NameUsage(tree, ImportTime(tree, names, lazy_annotations=True))
    assert eager.kinds(["np"]) == {"eager"}
    assert lazy.kinds(["np"]) == {"typing"}


def test_lazy_annotations_that_a_class_reads_when_built() -> None:
    """PEP 649: a ``NamedTuple``'s field annotations are evaluated when the class is built, so its
    names are needed at import (``eager``: the ``__future__`` import would make them strings); a plain
    class's are not."""
    source = "import numpy as np\nfrom typing import NamedTuple\n\nclass Row(NamedTuple):\n    a: np.ndarray\n"
    tree = ast.parse(source)
    names = Names(tree)
    assert NameUsage(tree, ImportTime(tree, names, lazy_annotations=True)).kinds(["np"]) == {"eager"}
    plain = ast.parse(source.replace("(NamedTuple)", ""))
    assert NameUsage(plain, ImportTime(plain, Names(plain), lazy_annotations=True)).kinds(["np"]) == {"typing"}


@pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 695 syntax needs Python 3.12")
def test_type_parameters_and_type_aliases_are_type_hints() -> None:
    """PEP 695: the value of a ``type`` statement and the bounds of type parameters are evaluated
    only when asked for, as lazy annotations are."""
    tree = ast.parse(
        textwrap.dedent(
            """\
            import numpy as np
            import pandas as pd
            import scipy

            type Frame = pd.DataFrame
            type Pair[T: scipy.Thing] = tuple[T, T]

            def first[T: np.ndarray](items: list[T]) -> T:
                return items[0]

            class Box[T: np.generic]:
                pass
            """
        )
    )
    names = Names(tree)
    usage = NameUsage(tree, ImportTime(tree, names, lazy_annotations=False))
    assert [usage.kinds([name]) for name in ("np", "pd", "scipy")] == [{"typing"}] * 3
    found, _ = references(names, "pd", tree)
    assert [(r.node.lineno, r.typing, r.owner) for r in found] == [(5, True, None)]
    found, _ = references(names, "np", tree)
    assert [(r.node.lineno, r.typing, type(r.owner).__name__) for r in found] == [
        (8, True, "FunctionDef"), (11, True, "ClassDef"),
    ]  # fmt: skip
