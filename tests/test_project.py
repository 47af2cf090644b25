"""What the plugin reads of a project from its files, without importing anything: its
packages, what its start-up imports, what its test modules patch and import."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from conftest import write_files

from flake8_import_cost import project


def _files(root: Path, files: dict[str, str]) -> None:
    write_files(root, {name: textwrap.dedent(text) for name, text in files.items()})


def test_package_chain_and_module_names(tmp_path: Path) -> None:
    _files(tmp_path, {"app/__init__.py": "", "app/sub/__init__.py": "", "app/sub/mod.py": "", "script.py": ""})
    root, inits = project.package_chain(str(tmp_path / "app" / "sub" / "mod.py"))
    assert root == str(tmp_path)
    assert inits == (str(tmp_path / "app" / "__init__.py"), str(tmp_path / "app" / "sub" / "__init__.py"))
    package_init = project.package_chain(str(tmp_path / "app" / "sub" / "__init__.py"))[1]
    assert package_init == (str(tmp_path / "app" / "__init__.py"),)
    assert project.package_chain(str(tmp_path / "script.py")) == (str(tmp_path), ())
    assert project.module_name(str(tmp_path / "app" / "sub" / "mod.py"), str(tmp_path)) == "app.sub.mod"
    assert project.module_name(str(tmp_path / "app" / "__init__.py"), str(tmp_path)) == "app"
    assert project.module_file("app.sub", str(tmp_path)) == str(tmp_path / "app" / "sub" / "__init__.py")
    assert project.module_file("app.missing", str(tmp_path)) is None


def test_what_a_package_init_loads_is_loaded_for_its_modules(tmp_path: Path) -> None:
    _files(tmp_path, {
        "app/__init__.py": "import pandas\nfrom . import settings\n",
        "app/settings.py": "import redis\n\n\ndef later():\n    import yaml\n",
        "app/views.py": "import openpyxl\n",
    })  # fmt: skip
    loaded = project.loaded_anyway(str(tmp_path / "app" / "views.py"))
    assert {"pandas", "redis", "app.settings"} <= loaded
    assert "numpy" in loaded  # pandas is measured to load it
    assert "yaml" not in loaded and "openpyxl" not in loaded
    # The closure never passes through the file itself: settings' own import is its own to defer.
    assert "redis" not in project.loaded_anyway(str(tmp_path / "app" / "settings.py"))


def test_text_scan_of_top_level_imports(tmp_path: Path) -> None:
    _files(tmp_path, {"pkg/__init__.py": "", "pkg/mod.py": """\
        import os, json as j
        from typing import TYPE_CHECKING
        from . import sibling
        from .helpers import (
            first,
            second,
        )
        if TYPE_CHECKING:
            import pandas
        try:
            import ujson
        except ImportError:
            ujson = None


        def function():
            import numpy


        class Model:
            import scipy

        if __name__ == "__main__":
            import argparse
        """})  # fmt: skip
    scanned = {name for name, _ in project._scanned(str(tmp_path / "pkg" / "mod.py"), str(tmp_path))}
    assert {"os", "json", "typing", "pkg", "pkg.sibling", "pkg.helpers", "pkg.helpers.first", "ujson"} <= scanned
    assert "pkg.helpers.second" in scanned  # a parenthesised list over several lines
    assert not {"pandas", "numpy", "scipy", "argparse"} & scanned


def test_a_django_start_up_from_its_settings(tmp_path: Path) -> None:
    _files(tmp_path, {
        "site/__init__.py": "",
        "site/settings.py": """\
            INSTALLED_APPS = ["django.contrib.admin", "shop.apps.ShopConfig"]
            ROOT_URLCONF = "site.urls"
            """,
        "site/urls.py": "from shop import views\n",
        "shop/__init__.py": "",
        "shop/apps.py": "",
        "shop/models.py": "import requests\n",
        "shop/admin.py": "import openpyxl\n",
        "shop/views.py": "import requests\nimport redis\n",
        "shop/exports.py": "import requests\nimport pandas\n",
        "shop/settings_test.py": "INSTALLED_APPS = ['shop.testing']\n",
    })  # fmt: skip
    start = project.start_up(str(tmp_path))
    files = {Path(path).relative_to(tmp_path).as_posix() for path in start.files}
    assert {"site/settings.py", "site/urls.py", "shop/models.py", "shop/admin.py", "shop/views.py"} <= files
    assert "shop/exports.py" not in files
    # django.contrib.admin is measured to load modules of its own (email, asyncio, ...).
    assert "asyncio" in start.by_framework
    views, models, exports = (str(tmp_path / "shop" / name) for name in ("views.py", "models.py", "exports.py"))
    assert start.other_importers("requests", views) == [(models, 1)]
    assert start.other_importers("redis", views) == []
    assert start.loads_anyway("requests", exports)  # not a start-up module: requests is loaded before it
    assert not start.loads_anyway("pandas", exports) and not start.loads_anyway("redis", views)


def test_a_django_start_up_follows_ready_includes_and_settings_references(tmp_path: Path) -> None:
    _files(tmp_path, {
        "site/__init__.py": "",
        "site/settings.py": """\
            INSTALLED_APPS = ["shop"]
            ROOT_URLCONF = "site.urls"
            SEARCH_BACKEND = "shop.search.Engine"
            MIDDLEWARE = ["shop.middleware.Timing"]
            TEST_RUNNER = "shop.runner.Runner"
            TITLE = "Shop. The best."
            """,
        "site/urls.py": """\
            from django.urls import include, path
            urlpatterns = [
                path("shop/", include("shop.urls")),
                path("api/", include(("api.urls", "api"))),
            ]
            """,
        "shop/__init__.py": "",
        "shop/apps.py": """\
            from django.apps import AppConfig
            class ShopConfig(AppConfig):
                name = "shop"
                def ready(self):
                    from . import signals
            """,
        "shop/signals.py": "import redis\n",
        "shop/urls.py": "import openpyxl\n",
        "shop/search.py": "import elasticsearch\n",
        "shop/middleware.py": "import yaml\n",
        "shop/runner.py": "import pandas\n",
        "shop/tasks.py": "import redis\nimport celery\n",
        "api/__init__.py": "",
        "api/urls.py": "import markdown\n",
    })  # fmt: skip
    start = project.start_up(str(tmp_path))
    assert {"redis", "openpyxl", "elasticsearch", "yaml", "markdown"} <= set(start.direct)
    # The test runner is not the application's start-up, nor is a module nothing names.
    assert "pandas" not in start.direct and "celery" not in start.direct
    tasks, signals = (str(tmp_path / "shop" / name) for name in ("tasks.py", "signals.py"))
    assert start.other_importers("redis", tasks) == [(signals, 1)]


def test_what_the_file_imports_of_the_project_is_loaded_with_it(tmp_path: Path) -> None:
    _files(tmp_path, {
        "app/__init__.py": "",
        "app/views.py": "import requests\nimport redis\nfrom app import client\n",
        "app/client.py": "import requests\nfrom app.base import Base\n",
        "app/base.py": "import yaml\n\n\ndef later():\n    import redis\n",
        "app/other.py": "import redis\n",
    })  # fmt: skip
    loaded = project.loaded_anyway(str(tmp_path / "app" / "views.py"))
    assert {"requests", "yaml", "app.base"} <= loaded  # through client, and through client to base
    assert "redis" not in loaded  # base imports it only when called; other is not imported
    # A module that imports the file back does not count the file's own imports as loaded anyway.
    _files(tmp_path, {"app/cycle.py": "import pandas\nimport app.back\n", "app/back.py": "import app.cycle\n"})
    assert "pandas" not in project.loaded_anyway(str(tmp_path / "app" / "cycle.py"))


PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]

[project]
name = "tool"
dependencies = ["a = b"]

[project.scripts]
tool = "tool.cli:main"
"other-tool" = 'tool.other:run'  # a comment
 spaced  =  "tool.spaced:go"

[ project . gui-scripts ]
gui = "tool.gui:App.start"

[[tool.other.tables]]
fake = "not.a:script"
"""


def test_scripts_are_read_without_tomllib_as_with_it() -> None:
    """Python 3.10 has no ``tomllib``: the script tables are read line by line there, to the same result."""
    expected = {
        "scripts": {"tool": "tool.cli:main", "other-tool": "tool.other:run", "spaced": "tool.spaced:go"},
        "gui-scripts": {"gui": "tool.gui:App.start"},
    }
    assert project._script_tables(PYPROJECT) == expected
    if sys.version_info >= (3, 11):
        import tomllib

        data = tomllib.loads(PYPROJECT)["project"]
        assert {table: data[table] for table in expected} == expected


def test_console_scripts_are_start_ups(tmp_path: Path) -> None:
    _files(tmp_path, {
        "setup.cfg": "[options.entry_points]\nconsole_scripts =\n    tool = tool.cli:main\n",
        "pyproject.toml": '[project]\nname = "tool"\n[project.scripts]\nother = "tool.other:run"\n',
        "tool/__init__.py": "",
        "tool/cli.py": "import json\n\n\ndef main():\n    from tool import core\n    return core\n",
        "tool/core.py": "import requests\n",
        "tool/other.py": "import yaml\n",
        "tool/unused.py": "import pandas\n",
    })  # fmt: skip
    assert set(project._entry_points(str(tmp_path))) >= {("tool.cli", "main"), ("tool.other", "run")}
    start = project.start_up(str(tmp_path))
    assert "requests" in start.direct  # what the script's function imports when it runs, and on
    assert "yaml" in start.direct and "pandas" not in start.direct


def test_a_wheels_entry_points(tmp_path: Path) -> None:
    _files(tmp_path, {
        "tool-1.0.dist-info/entry_points.txt": "[console_scripts]\ntool = tool.__main__:main\n",
        "tool/__init__.py": "",
        "tool/__main__.py": "import requests\n",
    })  # fmt: skip
    assert project._entry_points(str(tmp_path)) == [("tool.__main__", "main")]
    assert "requests" in project.start_up(str(tmp_path)).direct


def test_test_suite_patches_and_imports(tmp_path: Path) -> None:
    _files(tmp_path, {
        "tests/test_a.py": "import pandas\nfrom unittest import mock\n\n\n@mock.patch('app.client.requests')\n"
                           "def t(): pass\n",
        "tests/test_b.py": "import pandas\nimport openpyxl\n",
        "app/client.py": "import requests\n",
    })  # fmt: skip
    suite = project.test_suite(str(tmp_path))
    assert suite.patched == {"app.client.requests"}
    assert suite.imported_elsewhere("pandas", str(tmp_path / "tests" / "test_a.py"))
    assert not suite.imported_elsewhere("openpyxl", str(tmp_path / "tests" / "test_b.py"))


def test_needed_at_import(tmp_path: Path) -> None:
    _files(tmp_path, {
        "a.py": "import pandas\nimport numpy\n\nFRAME = pandas.DataFrame()\n\n\ndef f():\n    return numpy\n",
        "pkg/__init__.py": "import redis\n",
    })  # fmt: skip
    assert project.needed_at_import(str(tmp_path / "a.py"), 1)
    assert not project.needed_at_import(str(tmp_path / "a.py"), 2)
    assert project.needed_at_import(str(tmp_path / "pkg" / "__init__.py"), 1)  # a package re-exports what it imports
    assert project.needed_at_import(str(tmp_path / "a.py"), 4)  # not an import: counted on as needed


def test_setting_values_are_the_dotted_paths_the_settings_agree_on(tmp_path: Path) -> None:
    _files(tmp_path, {
        "site/__init__.py": "",
        "site/settings.py": """\
            INSTALLED_APPS = ["shop"]
            SEARCH_BACKEND = "shop.search.Engine"
            CACHE = "shop.cache.Memory"
            TITLE = "Shop. The best."
            lowercase = "shop.other.Thing"
            """,
        "site/settings_local.py": 'INSTALLED_APPS = ["shop"]\nCACHE = "shop.cache.Redis"\n',
    })  # fmt: skip
    root = str(tmp_path)
    assert project.setting_values(root) == {"SEARCH_BACKEND": "shop.search.Engine"}
    (tmp_path / "site" / "settings_local.py").write_text('INSTALLED_APPS = ["shop"]\n', encoding="utf-8")
    assert "CACHE" not in project.setting_values(root)  # read once per process...
    project.files_changed()
    assert project.setting_values(root)["CACHE"] == "shop.cache.Memory"  # ...until files are rewritten
