"""What a file is, for the rules: application code, a test module, or code the
application never runs at start-up.

Only application code runs when the program starts. Three other kinds are
told apart from their paths:

* **non-start-up code** (``import-cost-non-startup-paths``): build scripts
  (``setup.py``), database migrations (Django's ``migrations/``, Alembic's),
  Airflow's example DAGs, documentation configuration. The program that starts
  never imports them, so what they do at their top level costs its start-up
  nothing: only IMC102 runs on them (a removed module such as ``distutils``
  breaks them all the same);
* **command modules** (``import-cost-command-paths``: Django's
  ``management/commands/``, ``cli/commands/``): a command's module is imported
  to run that command, which uses what it imports, so moving an import into the
  command's function saves nothing: IMC101 does not run on them (the other
  rules do: import-time work there still slows the command down);
* **test modules** (``test_*.py``, ``*_test.py``, ``tests.py``, ``test.py``,
  ``conftest.py``, and everything under a ``tests``, ``test``, ``testutils`` or
  ``test_utils`` directory):
  their imports are paid once per test run, at collection, not at every
  start-up of the application, so IMC101 holds them to its own threshold,
  ``import-cost-test-threshold-ms``; every other rule runs as on application
  code (a query at import time in a test module runs at collection too).
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Literal

    from flake8_import_cost.settings import Settings

    FileKind = Literal["application", "test", "non-startup", "command"]

#: The rules that run on a file of each kind other than application code and tests.
RULES_BY_KIND: dict[str, frozenset[str]] = {"non-startup": frozenset({"IMC102"})}
#: The rules that do not run on a file of each kind.
RULES_NOT_BY_KIND: dict[str, frozenset[str]] = {"command": frozenset({"IMC101"})}
#: Directory names whose files are test modules or test helpers.
TEST_DIRECTORIES = frozenset({"tests", "test", "testutils", "test_utils"})


def file_kind(filename: str, settings: Settings) -> FileKind:
    """What the file ``filename`` is, from its path."""
    return _file_kind(filename, os.getcwd(), settings.non_startup_paths, settings.command_paths)


@lru_cache(maxsize=4096)
def _file_kind(filename: str, cwd: str, non_startup: tuple[str, ...], commands: tuple[str, ...]) -> FileKind:
    absolute = os.path.join(cwd, filename) if not os.path.isabs(filename) else filename
    absolute = os.path.normpath(absolute)
    # Judged on the path below the working directory, where flake8 runs (an editor
    # gives an absolute path): a project inside ``~/test/`` is not all tests.
    relative = absolute[len(cwd) + 1:] if absolute.startswith(cwd + os.sep) else filename
    path = "/" + relative.replace("\\", "/").removeprefix("./").lstrip("/")
    # flake8 makes a configured glob with a ``/`` absolute, from the configuration file's directory.
    absolute = absolute.replace("\\", "/")
    if any(fnmatchcase(path, p) or fnmatchcase(absolute, p) for p in non_startup):
        return "non-startup"
    if any(fnmatchcase(path, p) or fnmatchcase(absolute, p) for p in commands):
        return "command"
    return "test" if is_test_path(path) else "application"


def is_test_path(path: str) -> bool:
    """Whether the file at ``path`` is a test module, by its name or a ``tests``/``test`` directory."""
    parts = path.replace("\\", "/").split("/")
    name = parts[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name in ("tests.py", "test.py", "conftest.py")
        or bool(TEST_DIRECTORIES.intersection(parts[:-1]))
    )


def runs_on(code: str, kind: FileKind) -> bool:
    """Whether the rule ``code`` runs on a file of ``kind``."""
    allowed = RULES_BY_KIND.get(kind)
    return (allowed is None or code in allowed) and code not in RULES_NOT_BY_KIND.get(kind, ())
