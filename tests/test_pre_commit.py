"""The repository's pre-commit hooks, run by pre-commit itself on a project that needs them.

The repository (with the working tree's changes, committed in a scratch
clone) is used the way a user's configuration uses it: ``try-repo`` for the
lint hook, then a ``.pre-commit-config.yaml`` that runs ``fix --check``, then
the fix hook that rewrites the file. pre-commit builds the hooks' virtualenv
from the package index as pip is configured; the test is skipped when
pre-commit or git is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which("pre-commit")

pytestmark = [
    pytest.mark.skipif(PRE_COMMIT is None or shutil.which("git") is None, reason="needs pre-commit and git"),
    pytest.mark.slow,  # pre-commit builds the hooks' environments, from the package index
]

MODULE = "import json\n\n\ndef dump(value):\n    return json.dumps(value)\n"


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def snapshot(target: Path) -> str:
    """The repository as it is on disk (committed or not), committed in a clone; its commit."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
        check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    target.mkdir()
    git(target, "init", "-q")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot")
    return git(target, "rev-parse", "HEAD").strip()


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run([PRE_COMMIT, *args], cwd=project, env=env, capture_output=True, text=True, timeout=900,
                          check=False)  # fmt: skip


def test_hooks_lint_check_and_fix(tmp_path: Path) -> None:
    repository = tmp_path / "flake8-import-cost"
    revision = snapshot(repository)
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    (project / "setup.cfg").write_text("[flake8]\nimport-cost-slow-modules = json\n", encoding="utf-8")
    (project / "app.py").write_text(MODULE, encoding="utf-8")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repository}\n    rev: {revision}\n    hooks:\n"
        "      - id: flake8-import-cost-fix\n        args: [--check]\n",
        encoding="utf-8",
    )
    git(project, "add", "-A")
    home = tmp_path / "pre-commit-home"

    lint = pre_commit(project, home, "try-repo", str(repository), "flake8-import-cost", "--ref", revision,
                      "--all-files")  # fmt: skip
    assert lint.returncode == 1, lint.stdout + lint.stderr
    assert "app.py:1:1: IMC101 json is listed as slow" in lint.stdout

    check = pre_commit(project, home, "run", "--all-files")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "app.py:1:1: IMC101 moved json into dump()" in check.stdout
    assert (project / "app.py").read_text(encoding="utf-8") == MODULE

    fixed = pre_commit(project, home, "try-repo", str(repository), "flake8-import-cost-fix", "--ref", revision,
                       "--all-files")  # fmt: skip
    assert fixed.returncode == 1 and "files were modified by this hook" in fixed.stdout, fixed.stdout
    assert "    import json\n" in (project / "app.py").read_text(encoding="utf-8")
    git(project, "add", "-A")
    again = pre_commit(project, home, "run", "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr
