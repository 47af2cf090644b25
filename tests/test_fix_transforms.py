"""The fix's transforms, in django-upgrade's style: exact text in, exact text out.

``check_transformed`` writes a real file, lints it with the real flake8
configuration machinery (``--isolated``), fixes it, compares the result with
the expected text, proves it parses and compiles, and fixes it again to show
that a second run changes nothing. ``check_noop`` proves a refusal: the text is
unchanged and the finding is left alone for the expected reason.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import libcst
import pytest

from flake8_import_cost.fix.engine import FileResult, Options, check_compiles, fix_file
from flake8_import_cost.fix.plan import Refused
from flake8_import_cost.fix.registry import fixable_codes, transforms
from flake8_import_cost.runner import Linter

#: Slow modules for the cases: ``json`` and ``decimal`` are listed slow so that the fixed code really runs.
SLOW = "--import-cost-slow-modules=numpy,pandas,openpyxl,json,decimal,yaml,acme"


def run_fix(
    tmp_path: Path, source: str, *, name: str = "mod.py", target: tuple[int, int] = (3, 10), args: tuple[str, ...] = ()
) -> FileResult:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    linter = Linter(["--isolated", SLOW, *args])
    return fix_file(str(path), linter, Options(fixable_codes(), target, packaging=True))


def check_transformed(tmp_path: Path, before: str, after: str, **kwargs: object) -> FileResult:
    before, after = textwrap.dedent(before), textwrap.dedent(after)
    result = run_fix(tmp_path, before, **kwargs)  # type: ignore[arg-type]
    assert result.skipped is None, result.skipped
    assert result.text == after, "\n".join(change.describe() for change in result.changes)
    assert check_compiles(after) is None
    if "lazy " not in after or sys.version_info >= (3, 15):
        ast.parse(after)
        again = run_fix(tmp_path, after, **kwargs)  # type: ignore[arg-type]
        assert again.text is None and again.skipped is None, again.text
    else:
        libcst.parse_module(after)
        again = run_fix(tmp_path, after, **kwargs)  # type: ignore[arg-type]
        assert again.text is None and again.skipped is not None and "Python 3.15" in again.skipped
    return result


def check_noop(tmp_path: Path, source: str, kind: str, reason: str = "", **kwargs: object) -> None:
    source = textwrap.dedent(source)
    result = run_fix(tmp_path, source, **kwargs)  # type: ignore[arg-type]
    assert result.text is None
    refused = [change.outcome for change in result.changes if isinstance(change.outcome, Refused)]
    assert refused, "nothing was refused"
    matching = [outcome for outcome in refused if outcome.kind == kind]
    assert matching, [outcome.reason for outcome in refused]
    assert reason in matching[0].reason


# -- defer -----------------------------------------------------------------------------------------------


def test_defer_into_the_function_after_its_docstring(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        '''\
        import os

        import openpyxl


        def export(path):
            """Write a workbook."""
            # a fresh workbook
            book = openpyxl.Workbook()
            book.save(os.path.join(path, "x.xlsx"))
        ''',
        '''\
        import os


        def export(path):
            """Write a workbook."""
            import openpyxl

            # a fresh workbook
            book = openpyxl.Workbook()
            book.save(os.path.join(path, "x.xlsx"))
        ''',
    )


def test_defer_into_every_function_with_aliases(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        import acme as ac, os
        from openpyxl import Workbook as WB, load_workbook


        def table(rows):
            return WB(rows)


        def load(path):
            import sys
            return load_workbook(path), ac.zeros(1), sys


        class Report:
            def frame(self):
                return WB([]), ac.ones(2)
        """,
        """\
        import os


        def table(rows):
            from openpyxl import Workbook as WB

            return WB(rows)


        def load(path):
            import sys
            import acme as ac
            from openpyxl import load_workbook
            return load_workbook(path), ac.zeros(1), sys


        class Report:
            def frame(self):
                import acme as ac
                from openpyxl import Workbook as WB

                return WB([]), ac.ones(2)
        """,
    )


def test_defer_merges_with_the_functions_own_import(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        from pandas import DataFrame


        def frame():
            from pandas import Series
            return DataFrame(), Series()
        """,
        """\
        def frame():
            from pandas import Series, DataFrame
            return DataFrame(), Series()
        """,
    )


def test_defer_one_line_function_and_trailing_comment(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        import json  # for the API
        X = 1
        def dump(value): return json.dumps(value)
        """,
        """\
        X = 1
        def dump(value):
            import json  # for the API

            return json.dumps(value)
        """,
    )


def test_defer_nested_function_and_lambda_inside_a_function(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        import json


        def outer():
            def inner():
                return json.dumps(1)
            return inner, (lambda: json.loads("2"))
        """,
        """\
        def outer():
            import json

            def inner():
                import json

                return json.dumps(1)
            return inner, (lambda: json.loads("2"))
        """,
    )


def test_defer_every_statement_of_one_package(tmp_path: Path) -> None:
    """One finding covers every import of a package in the file: all of them move, or none."""
    check_transformed(
        tmp_path,
        """\
        import os
        import acme as ac
        from acme.charts import bar


        def draw():
            return ac.figure(), bar(os.sep)
        """,
        """\
        import os


        def draw():
            import acme as ac
            from acme.charts import bar

            return ac.figure(), bar(os.sep)
        """,
    )
    check_noop(tmp_path, "import acme\nfrom acme.charts import bar\n\nBAR = bar()\n\ndef f():\n    return acme\n",
               "used-at-import-time", "bar is used at import time (line 4)")


def test_defer_with_annotations_goes_under_type_checking_too(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        from __future__ import annotations

        import pandas as pd
        from django.http import HttpResponse


        def summary(frame: pd.DataFrame) -> HttpResponse:
            return HttpResponse(pd.Series([1]).to_json())
        """,
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING

        from django.http import HttpResponse

        if TYPE_CHECKING:
            import pandas as pd


        def summary(frame: pd.DataFrame) -> HttpResponse:
            import pandas as pd

            return HttpResponse(pd.Series([1]).to_json())
        """,
    )


@pytest.mark.parametrize(
    ("source", "kind", "reason"),
    [
        pytest.param("import json\nDATA = json.loads('{}')\n", "used-at-import-time",
                     "json is used at import time (line 2)", id="module-level"),
        pytest.param("import json\n\ndef load():\n    return json.loads('1')\n\nVALUE = load()\n",
                     "used-at-import-time", "in load(), called at import time", id="called-function"),
        pytest.param("import json\n\n@json.dumps\ndef f():\n    return json\n", "used-at-import-time", "a decorator",
                     id="decorator"),
        pytest.param("import json\n\ndef f(dump=json.dumps):\n    return json\n", "used-at-import-time", "a default",
                     id="default"),
        pytest.param("import json\n\nclass A(json.JSONEncoder):\n    def f(self):\n        return json\n",
                     "used-at-import-time", "a base class", id="base"),
        pytest.param("import numpy as np\n\ndef f(a: np.ndarray):\n    return np.zeros(1)\n", "eager-annotation",
                     "from __future__ import annotations", id="eager-annotation"),
        pytest.param("import json\n__all__ = ['json']\n\ndef f():\n    return json\n", "re-exported", "__all__",
                     id="dunder-all"),
        pytest.param("import json\n\ndef f():\n    global json\n    json = None\n\ndef g():\n    return json\n",
                     "global", "declared global in f()", id="global-rebinds"),
        pytest.param("import json\njson = json\n\ndef f():\n    return json\n", "rebound", "bound more than once",
                     id="rebound"),
        pytest.param("import json\n\ndef f():\n    global json\n    return json.dumps(1)\n", "global",
                     "declared global in f()", id="global"),
        pytest.param("import xml.dom\nimport yaml.constructor\n\ndef f():\n    return yaml.load\n", "side-effect",
                     "`import yaml.constructor` is read as yaml", id="submodule-read-as-package"),
        pytest.param("try:\n    import json\nexcept ImportError:\n    json = None\n\ndef f():\n    return json\n",
                     "try", "try statement", id="try-except-import-error"),
        pytest.param("import sys\nif sys.platform == 'win32':\n    import json\n\ndef f():\n    return json\n",
                     "condition", "under a condition", id="condition"),
        pytest.param("import warnings\nwith warnings.catch_warnings():\n    import json\n\ndef f():\n    return json\n",
                     "with", "with block", id="with"),
        pytest.param("import json\nHANDLER = lambda: json.dumps(1)\n", "outside-function", "a lambda or generator",
                     id="module-level-lambda"),
        pytest.param("from json import *\n\ndef f():\n    return dumps(1)\n", "star", "star import", id="star"),
        pytest.param('from json import dumps\n\ndef f(x):\n    """Encode.\n\n    >>> dumps(1)\n    \'1\'\n    """\n'
                     "    return dumps(x)\n", "doctest", "a doctest in the docstring of f (line 6) uses dumps",
                     id="doctest"),
        pytest.param('"""Codec.\n\n>>> import sys\n>>> json.loads(\'1\')\n1\n"""\nimport json\n\ndef f(x):\n'
                     "    return json.dumps(x)\n", "doctest", "the module's docstring (line 4) uses json",
                     id="module-doctest"),
        pytest.param('from __future__ import annotations\nimport decimal\n\nclass A:\n    """>>> decimal.Decimal(1)'
                     '\n    Decimal(\'1\')\n    """\n    def f(self, d: decimal.Decimal) -> None: ...\n', "doctest",
                     "the docstring of A (line 5) uses decimal", id="type-checking-doctest"),
    ],
)
def test_defer_refuses(tmp_path: Path, source: str, kind: str, reason: str) -> None:
    check_noop(tmp_path, source, kind, reason)


def test_defer_with_a_doctest_that_binds_its_own_names(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        '''\
        import json


        def f(x):
            """Encode.

            >>> from json import loads
            >>> loads(f(1))
            1
            """
            return json.dumps(x)
        ''',
        '''\
        def f(x):
            """Encode.

            >>> from json import loads
            >>> loads(f(1))
            1
            """
            import json

            return json.dumps(x)
        ''',
    )


def test_defer_refuses_in_a_package_init(tmp_path: Path) -> None:
    check_noop(tmp_path, "import json\n\ndef f():\n    return json\n", "re-exported", "package __init__",
               name="pkg/__init__.py")
    check_noop(tmp_path, "import json\n", "re-exported", "package __init__", name="pkg/__init__.py")


# -- type-checking ---------------------------------------------------------------------------------------


def test_type_checking_block_is_created_with_the_typing_import(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        \"\"\"Reports.\"\"\"
        from __future__ import annotations

        import os
        import pandas as pd

        from app import models


        def total(frame: pd.DataFrame) -> int:
            return len(os.sep)
        """,
        """\
        \"\"\"Reports.\"\"\"
        from __future__ import annotations

        import os
        from typing import TYPE_CHECKING

        from app import models

        if TYPE_CHECKING:
            import pandas as pd


        def total(frame: pd.DataFrame) -> int:
            return len(os.sep)
        """,
    )


def test_type_checking_reuses_the_block_and_the_typing_import(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING, Any
        from numpy import ndarray

        if TYPE_CHECKING:
            from os import PathLike

        X: Any = 1


        def f(a: ndarray, p: PathLike) -> None:
            pass
        """,
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING, Any

        if TYPE_CHECKING:
            from os import PathLike
            from numpy import ndarray

        X: Any = 1


        def f(a: ndarray, p: PathLike) -> None:
            pass
        """,
    )


def test_type_checking_for_string_annotations_and_target_3_14(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        import typing
        import numpy as np


        def f(a: "np.ndarray") -> None:
            pass
        """,
        """\
        import typing

        if typing.TYPE_CHECKING:
            import numpy as np


        def f(a: "np.ndarray") -> None:
            pass
        """,
    )
    check_transformed(
        tmp_path,
        """\
        import numpy as np


        def f(a: np.ndarray) -> None:
            pass
        """,
        """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import numpy as np


        def f(a: np.ndarray) -> None:
            pass
        """,
        target=(3, 14),
    )


def test_type_checking_never_uses_a_typing_import_bound_after_the_block(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        from __future__ import annotations

        import numpy as np

        X = 1
        from typing import Any


        def f(a: np.ndarray) -> Any:
            pass
        """,
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import numpy as np

        X = 1
        from typing import Any


        def f(a: np.ndarray) -> Any:
            pass
        """,
    )


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        pytest.param("from __future__ import annotations\nimport numpy as np\nfrom pydantic import BaseModel\n\n"
                     "class M(BaseModel):\n    a: np.ndarray\n", "a framework reads at run time (line 6)",
                     id="pydantic"),
        pytest.param("from __future__ import annotations\nimport dataclasses\nimport numpy as np\n\n"
                     "@dataclasses.dataclass\nclass M:\n    a: np.ndarray\n", "a framework reads at run time (line 7)",
                     id="dataclass"),
        pytest.param("from __future__ import annotations\nimport numpy as np\nfrom app import router\n\n"
                     "@router.get('/')\ndef view(a: np.ndarray):\n    pass\n", "decorator router.get('/')",
                     id="decorated-route"),
        pytest.param("from __future__ import annotations\nimport typing\nimport numpy as np\n\n"
                     "def f(a: np.ndarray):\n    pass\n\nHINTS = typing.get_type_hints(f)\n", "get_type_hints",
                     id="get-type-hints"),
    ],
)
def test_type_checking_leaves_annotations_read_at_run_time(tmp_path: Path, source: str, reason: str) -> None:
    check_noop(tmp_path, source, "runtime-annotation", reason)


def test_type_checking_needs_lazy_annotations(tmp_path: Path) -> None:
    """Without ``from __future__ import annotations``, before 3.14, the annotation runs at import."""
    check_noop(tmp_path, "import numpy as np\n\n\ndef f(a: np.ndarray) -> None:\n    pass\n", "eager-annotation",
               "evaluated at import (line 4)")
    check_noop(tmp_path, "import numpy as np\n\nX: np.ndarray\n", "eager-annotation")


def test_target_3_14_keeps_the_annotations_a_class_is_built_from(tmp_path: Path) -> None:
    """PEP 649 defers annotations, but a ``NamedTuple`` reads its own when the class is built."""
    source = "import numpy as np\nfrom typing import NamedTuple\n\n\nclass Row(NamedTuple):\n    a: np.ndarray\n"
    check_noop(tmp_path, source, "eager-annotation", "read when its class or function is defined (line 6)",
               target=(3, 14))  # fmt: skip
    check_noop(tmp_path, source, "eager-annotation", "or fix for --target-version 3.14")


def test_runtime_uses_of_an_annotation_stay(tmp_path: Path) -> None:
    """``cast(X, ...)`` and ``isinstance`` read the name at run time: in a function, it is deferred there."""
    check_transformed(
        tmp_path,
        """\
        from __future__ import annotations

        from typing import cast

        from numpy import ndarray


        def f(a: ndarray) -> ndarray:
            if isinstance(a, ndarray):
                return cast(ndarray, a)
            return a
        """,
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING, cast

        if TYPE_CHECKING:
            from numpy import ndarray


        def f(a: ndarray) -> ndarray:
            from numpy import ndarray

            if isinstance(a, ndarray):
                return cast(ndarray, a)
            return a
        """,
    )
    check_noop(tmp_path, "from typing import cast\nfrom numpy import ndarray\nX = cast(ndarray, 1)\n",
               "used-at-import-time")


# -- lazy (PEP 810) --------------------------------------------------------------------------------------


def test_lazy_import_for_3_15(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        import os, acme as ac
        from yaml import safe_load
        import sys
        if sys.platform == "linux":
            import openpyxl


        def f(a: ac.Array):
            return safe_load("1"), openpyxl, os
        """,
        """\
        import os
        lazy import acme as ac
        lazy from yaml import safe_load
        import sys
        if sys.platform == "linux":
            lazy import openpyxl


        def f(a: ac.Array):
            return safe_load("1"), openpyxl, os
        """,
        target=(3, 15),
    )


def test_lazy_adds_to_an_existing_lazy_modules_list(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        __lazy_modules__ = ['json']
        import json
        import numpy


        def f():
            return numpy, json
        """,
        """\
        __lazy_modules__ = ['json', 'numpy']
        import json
        import numpy


        def f():
            return numpy, json
        """,
        target=(3, 15),
    )


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        pytest.param("try:\n    import numpy\nexcept ImportError:\n    numpy = None\n\ndef f():\n    return numpy\n",
                     "try", id="try"),
        pytest.param("import warnings\nwith warnings.catch_warnings():\n    import numpy\n\ndef f():\n"
                     "    return numpy\n", "with", id="with"),
        pytest.param("from numpy import *\n", "star", id="star"),
        pytest.param("import numpy\nX = numpy.zeros(1)\n", "used-at-import-time", id="used-at-import-time"),
        pytest.param("__lazy_modules__ = ['numpy']\nimport numpy\nX = numpy.zeros(1)\n", "used-at-import-time",
                     id="listed-lazy-and-used"),
    ],
)
def test_lazy_refuses(tmp_path: Path, source: str, kind: str) -> None:
    check_noop(tmp_path, source, kind, target=(3, 15))


def test_lazy_needs_a_libcst_that_writes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flake8_import_cost.fix import writer

    monkeypatch.setattr(writer, "_LAZY", ())
    check_noop(tmp_path, "import numpy\n\ndef f():\n    return numpy\n", "libcst", "install libcst 1.9 or later",
               target=(3, 15))


# -- deprecated (IMC102) ---------------------------------------------------------------------------------


def test_pkg_resources_version_and_not_found(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        from pkg_resources import DistributionNotFound, get_distribution

        try:
            __version__ = get_distribution(__name__).version
        except DistributionNotFound:
            __version__ = "unknown"
        """,
        """\
        import importlib.metadata

        try:
            __version__ = importlib.metadata.version(__name__)
        except importlib.metadata.PackageNotFoundError:
            __version__ = "unknown"
        """,
    )


def test_pkg_resources_module_uses(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        import os
        import pkg_resources


        def data():
            return pkg_resources.resource_string(__name__, "data.json")


        def plugins():
            return {ep.name: ep.load() for ep in pkg_resources.iter_entry_points("app.plugins")}


        VERSION = pkg_resources.get_distribution("django").version
        """,
        """\
        import os
        import importlib.metadata
        import importlib.resources


        def data():
            return importlib.resources.files(__name__).joinpath("data.json").read_bytes()


        def plugins():
            return {ep.name: ep.load() for ep in importlib.metadata.entry_points(group="app.plugins")}


        VERSION = importlib.metadata.version("django")
        """,
        name="pkg/__init__.py",
    )


def test_distutils_and_imp(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        import os
        from distutils.dir_util import copy_tree
        from distutils.spawn import find_executable
        from distutils.util import strtobool
        from distutils.version import StrictVersion
        from imp import reload

        DEBUG = strtobool(os.environ.get("DEBUG", "no"))


        def build(src, dst):
            copy_tree(src, dst)
            if StrictVersion("1.2") < StrictVersion(os.environ.get("V", "1.3")):
                reload(os)
            return find_executable("git")
        """,
        """\
        import os
        import shutil
        import packaging.version
        import importlib


        def strtobool(value):
            \"\"\"1 or 0 for a string that means true or false, as ``distutils.util.strtobool`` returned.\"\"\"
            value = value.lower()
            if value in ("y", "yes", "t", "true", "on", "1"):
                return 1
            if value in ("n", "no", "f", "false", "off", "0"):
                return 0
            raise ValueError(f"invalid truth value {value!r}")


        DEBUG = strtobool(os.environ.get("DEBUG", "no"))


        def build(src, dst):
            shutil.copytree(src, dst, dirs_exist_ok=True)
            if packaging.version.Version("1.2") < packaging.version.Version(os.environ.get("V", "1.3")):
                importlib.reload(os)
            return shutil.which("git")
        """,
    )


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        pytest.param("from pkg_resources import get_distribution\nD = get_distribution('x')\n",
                     "only get_distribution(name).version", id="distribution-object"),
        pytest.param("from pkg_resources import get_distribution\nV = get_distribution('x>=1').version\n",
                     "plain project name", id="requirement"),
        pytest.param("from pkg_resources import resource_filename\nP = resource_filename('pkg', 'a.txt')\n",
                     "Python 3.12", id="resource-anchor-may-be-a-module"),
        pytest.param("import pkg_resources\nfor ep in pkg_resources.iter_entry_points('g'):\n    print(ep.dist)\n",
                     "more than .name and .load()", id="entry-point-attributes"),
        pytest.param("from distutils.version import LooseVersion\nimport sys\n"
                     "OK = LooseVersion(sys.version) > LooseVersion('3.1')\n", "LooseVersion accepts any text",
                     id="loose-version"),
        pytest.param("from distutils.dir_util import copy_tree\nFILES = copy_tree('a', 'b')\n", "its result is used",
                     id="copy-tree-result"),
        pytest.param("import pkg_resources\npkg_resources.declare_namespace(__name__)\n", "no exact rewrite",
                     id="no-rewrite"),
        pytest.param("try:\n    from distutils.util import strtobool\nexcept ImportError:\n    strtobool = bool\n",
                     "try statement", id="conditional"),
    ],
)
def test_deprecated_refuses(tmp_path: Path, source: str, reason: str) -> None:
    result = run_fix(tmp_path, source)
    assert result.text is None
    refused = [change.outcome for change in result.changes if isinstance(change.outcome, Refused)]
    assert refused and reason in refused[0].reason, refused


def test_resource_anchor_may_be_a_module_from_3_12(tmp_path: Path) -> None:
    check_transformed(
        tmp_path,
        """\
        from pkg_resources import resource_filename, resource_stream


        def paths():
            return resource_filename("app", "a.txt"), resource_stream(__name__, "b.bin")
        """,
        """\
        import importlib.resources


        def paths():
            return str(importlib.resources.files("app").joinpath("a.txt")), importlib.resources.files(__name__).joinpath("b.bin").open("rb")
        """,  # noqa: E501 - the rewrite keeps the statement on its line
        target=(3, 12),
    )


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        pytest.param("from distutils.spawn import find_executable\nGIT = find_executable('git', None, 1)\n",
                     "only find_executable(name[, path])", id="find-executable-extra-argument"),
        pytest.param("from distutils.version import StrictVersion\nV = StrictVersion('1.0').version\n",
                     "compared with another StrictVersion", id="strict-version-attribute"),
        pytest.param("import distutils.util\n\ndef strtobool(x):\n    return x\n\n"
                     "B = distutils.util.strtobool('yes')\n", "strtobool is bound", id="helper-name-taken"),
        pytest.param("import imp\nM = imp.load_source('m', 'm.py')\n", "importlib.util.spec_from_file_location",
                     id="imp-without-exact-rewrite"),
        pytest.param("import pkg_resources\nV = pkg_resources.get_distribution('x').version\n"
                     "E = pkg_resources.working_set\n", "pkg_resources.working_set", id="all-or-nothing"),
        pytest.param("from pkg_resources import get_distribution, DistributionNotFound\n"
                     "def f():\n    raise DistributionNotFound()\n", "other than in an except clause",
                     id="not-found-raised"),
    ],
)
def test_deprecated_refuses_more(tmp_path: Path, source: str, reason: str) -> None:
    result = run_fix(tmp_path, source)
    assert result.text is None
    refused = [change.outcome for change in result.changes if isinstance(change.outcome, Refused)]
    assert refused and reason in refused[0].reason, refused


def test_deprecated_needs_packaging(tmp_path: Path) -> None:
    path = tmp_path / "mod.py"
    path.write_text("from pkg_resources import parse_version\nV = parse_version('1.0')\n", encoding="utf-8")
    result = fix_file(str(path), Linter(["--isolated"]), Options(fixable_codes(), (3, 10), packaging=False))
    assert result.text is None
    assert "packaging is not installed" in result.changes[0].describe()


def test_a_failing_transform_leaves_its_finding_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flake8_import_cost.fix import defer

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(defer.moves, "analyse", broken)
    check_noop(tmp_path, "import json\n\ndef f():\n    return json\n", "internal", "RuntimeError: boom")


def test_every_transform_is_documented() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "fix.md").read_text(encoding="utf-8")
    for registered in transforms():
        assert registered.doc, f"{registered.name} has no docstring"
        assert f"`{registered.name}`" in docs, f"docs/fix.md does not describe {registered.name}"
