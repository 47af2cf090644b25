"""The test suite on every supported Python that this machine has: ``nox``.

``nox`` runs ``tests`` on each of :data:`PYTHONS` it finds, skipping (not
failing) the ones it does not; ``nox -s tests-3.13 -- -m "not slow"`` runs one
interpreter, and what follows ``--`` goes to pytest. ``.ci/run`` passes
``--error-on-missing-interpreters`` so that a missing interpreter fails CI.

Interpreters are looked for on ``PATH`` (``python3.X``) and, when pyenv is
installed, among pyenv's versions whether or not they are active: pyenv's shims
run only the active versions, so the ``bin`` folder of the newest installed
``3.X.N`` of each version is put first on ``PATH`` for the session. pyenv's
root is ``$PYENV_ROOT``, else what ``pyenv root`` prints, else ``~/.pyenv``.
nox never downloads an interpreter (``download_python = "never"``).

nox is a development tool, not a dependency of the package:
``pip install nox`` into any environment to run it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import nox

#: Every Python the package supports (``requires-python = ">=3.10"``) and that is released.
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = False
nox.options.download_python = "never"


def pyenv_root() -> Path | None:
    """pyenv's root folder, or ``None`` when pyenv is not installed."""
    root = os.environ.get("PYENV_ROOT")
    if not root and shutil.which("pyenv"):
        try:
            root = subprocess.run(
                ["pyenv", "root"], capture_output=True, text=True, timeout=30, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            root = None
    path = Path(root) if root else Path.home() / ".pyenv"
    return path if (path / "versions").is_dir() else None


def pyenv_bin(version: str, root: Path | None) -> Path | None:
    """The ``bin`` folder of the newest pyenv-installed CPython ``version`` (``3.13``), or ``None``.

    Only plain releases count (``3.13.0``, not ``3.13.0t``, ``3.13-dev`` or a virtualenv).
    """
    if root is None:
        return None
    pattern = re.compile(rf"{re.escape(version)}\.(\d+)")
    found = []
    for entry in (root / "versions").iterdir():
        match = pattern.fullmatch(entry.name)
        if match and (entry / "bin" / f"python{version}").is_file():
            found.append((int(match[1]), entry / "bin"))
    return max(found)[1] if found else None


def add_pyenv_versions() -> None:
    """Put the installed pyenv versions of :data:`PYTHONS` first on ``PATH``, where nox looks."""
    root = pyenv_root()
    folders = [str(folder) for version in PYTHONS if (folder := pyenv_bin(version, root)) is not None]
    if folders:
        os.environ["PATH"] = os.pathsep.join([*folders, os.environ.get("PATH", "")])


add_pyenv_versions()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite; what follows -- goes to pytest (-m "not slow", -x, a path)."""
    session.install(".[test]")
    session.run("python", "-m", "pytest", *session.posargs, env={"SE_OFFLINE": "true"})
