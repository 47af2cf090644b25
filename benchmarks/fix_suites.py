"""Fix real code bases with low thresholds and check that they still work: their own tests, before and after.

Usage::

    python benchmarks/fix_suites.py --work DIR [--only NAME ...] [--threshold-ms MS] [--json FILE]

For each code base (pinned sdists from PyPI, which hold the tests: Django,
httpie, black), in ``DIR``:

1. the sdist is downloaded (``pip download --no-binary :all:``) and unpacked
   into ``DIR/original``; a virtual environment ``DIR/venv-NAME`` gets the
   project's test dependencies;
2. the named test sample runs on the original (``PYTHONPATH`` points at the
   unpacked source);
3. a copy in ``DIR/fixed`` gets a flake8 configuration that makes many imports
   findings: every IMC101 threshold (``import-cost-threshold-ms``,
   ``-on-demand-``, ``-test-``, ``-import-time-use-``) at ``--threshold-ms``,
   and every module the package imports (but its own) listed in
   ``import-cost-slow-modules`` at 20 ms;
4. ``flake8-import-cost fix -v PACKAGE`` runs in the copy (from its root, so
   the tests' patches count), then: every changed file must compile, every
   changed module must import as it does in the original, flake8 must report
   only what the fix left alone, ``fix --check`` must find nothing more;
5. the same test sample runs on the copy: every test must end as it did.

Only the standard library is used here, and ``flake8-import-cost`` with
``libcst`` must be importable by this Python. It takes a while: about 35
minutes for the three on two cores, mostly their tests.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

#: The IMC101 thresholds that the copies' configuration sets.
THRESHOLDS = (
    "import-cost-threshold-ms",
    "import-cost-on-demand-threshold-ms",
    "import-cost-test-threshold-ms",
    "import-cost-import-time-use-ms",
)
#: What each imported module is said to cost in ``import-cost-slow-modules``.
SLOW_MS = 20
#: Names never listed as slow (the plugin treats them as free anyway, or they cannot move).
NEVER_SLOW = frozenset({"__future__", "typing", "typing_extensions", "sys", "os"})

#: The Django test apps run: those that exercise the modules the fix changes (and a few more).
DJANGO_APPS = (
    "apps auth_tests messages_tests sites_tests sites_framework staticfiles_tests cache files file_storage mail"
    " signing validators pagination backends model_fields queries dispatch forms_tests httpwrappers file_uploads"
    " template_tests template_backends timezones test_runner utils_tests view_tests check_framework db_functions"
    " inspectdb test_utils model_options introspection"
).split()

#: name: the pinned sdist, where its package is, what to install, how to run its tests.
SUITES: dict[str, dict[str, Any]] = {
    "django": {
        "requirement": "Django==5.2.9",
        "package": "django",
        "own": ["django"],
        "config": ("tox.ini", "flake8"),
        "install": ["asgiref>=3.8.1", "sqlparse>=0.3.1", "jinja2", "PyYAML", "tblib", "docutils", "argon2-cffi",
                    "bcrypt", "tzdata"],
        "source_path": "",
        "tests": {"cwd": "tests", "command": ["runtests.py", "--parallel", "1", "-v", "2", *DJANGO_APPS],
                  "results": "unittest"},
        "configure_django": True,
    },
    "httpie": {
        "requirement": "httpie==3.2.4",
        "package": "httpie",
        "own": ["httpie"],
        "config": ("setup.cfg", "flake8"),
        "install": ["{source}", "pytest<8", "pytest-httpbin", "responses", "pytest-mock", "werkzeug<2.1"],
        "source_path": "",
        "tests": {"cwd": "", "command": ["-m", "pytest", "-p", "no:cacheprovider", "-q"], "results": "junit"},
    },
    "black": {
        "requirement": "black==25.9.0",
        "package": "src",
        "own": ["black", "blib2to3", "blackd", "_black_version"],
        "config": (".flake8", "flake8"),
        "install": ["{source}", "pytest<9", "aiohttp>=3.10"],
        "source_path": "src",
        "tests": {"cwd": "", "command": ["-m", "pytest", "-p", "no:cacheprovider", "-q", "tests"], "results": "junit"},
    },
}  # fmt: skip

IMPORT_CHECK = """\
import importlib, os, sys
if os.environ.get("FIX_SUITES_DJANGO"):
    import django
    from django.conf import settings
    apps = ["contenttypes", "auth", "sites", "admin", "sessions", "messages", "staticfiles"]
    settings.configure(INSTALLED_APPS=[f"django.contrib.{app}" for app in apps],
                       DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    django.setup()
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception as error:
        print(name, type(error).__name__)
"""


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 3600) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    return done.stdout + done.stderr


def fetch(suite: dict[str, Any], work: Path) -> Path:
    """The unpacked sdist in ``work/original``, fresh."""
    downloads = work / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    name, _, version = suite["requirement"].partition("==")
    pattern = f"{name.lower()}-{version}.tar.gz"
    archives = [path for path in downloads.iterdir() if path.name.lower() == pattern]
    if not archives:
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d"]
        subprocess.run([*pip, str(downloads), suite["requirement"]], check=True)
        archives = [path for path in downloads.iterdir() if path.name.lower() == pattern]
    original = work / "original"
    target = original / archives[0].name[: -len(".tar.gz")]
    if target.exists():
        shutil.rmtree(target)
    with tarfile.open(archives[0]) as archive:
        archive.extractall(original, filter="data")
    return target


def environment(name: str, suite: dict[str, Any], source: Path, work: Path) -> Path:
    """The virtual environment's Python, with the project's test dependencies."""
    venv = work / f"venv-{name}"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        packages = [item.format(source=source) for item in suite["install"]]
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    return python


def tests(suite: dict[str, Any], python: Path, root: Path, report: Path) -> dict[str, str]:
    """Each test's outcome (``passed``, ``failure``, ``error``, ``skipped``…) on the tree at ``root``."""
    spec = suite["tests"]
    env = {**os.environ, "PYTHONPATH": str(root / suite["source_path"])}
    command = [str(python), *spec["command"]]
    if spec["results"] == "junit":
        command += [f"--junitxml={report}"]
    output = run(command, root / spec["cwd"], env)
    report.with_suffix(".log").write_text(output, encoding="utf-8")
    if spec["results"] == "junit":
        outcomes = {}
        for case in ET.parse(report).iter("testcase"):
            kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
            outcomes[f"{case.get('classname')}::{case.get('name')}"] = kinds[0] if kinds else "passed"
        return outcomes
    found = re.finditer(
        r"^(\w+) \(([\w.]+)\)(?:\n[^\n]*?)? \.\.\. (ok|FAIL|ERROR|skipped|expected failure|unexpected success)",
        output, re.MULTILINE,
    )  # fmt: skip
    return {match.group(2): match.group(3) for match in found}


def slow_modules(package: Path, own: list[str]) -> list[str]:
    """Every top-level module the package imports, but its own."""
    names: set[str] = set()
    for path in package.rglob("*.py"):
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.partition(".")[0])
    return sorted(names - NEVER_SLOW - set(own))


def configure(copy: Path, suite: dict[str, Any], threshold: float) -> None:
    """Add the low thresholds and the slow modules to the copy's flake8 section."""
    filename, section = suite["config"]
    path = copy / filename
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    modules = ",".join(f"{name}={SLOW_MS}" for name in slow_modules(copy / suite["package"], suite["own"]))
    lines = [*(f"{option} = {threshold:g}" for option in THRESHOLDS), f"import-cost-slow-modules = {modules}"]
    if re.search(r"^select\s*=", text, re.MULTILINE):
        lines.append("extend-select = IMC")
    header = f"[{section}]"
    if re.search(rf"^{re.escape(header)}\s*$", text, re.MULTILINE):
        text = re.sub(rf"^{re.escape(header)}\s*$", header + "\n" + "\n".join(lines), text, count=1, flags=re.M)
    else:
        text += f"\n{header}\n" + "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")


def changed_files(original: Path, copy: Path, package: str) -> list[Path]:
    found = []
    for path in sorted((copy / package).rglob("*.py")):
        before = original / path.relative_to(copy)
        if not before.exists() or before.read_bytes() != path.read_bytes():
            found.append(path)
    return found


def module_names(paths: list[Path], root: Path) -> list[str]:
    names = []
    for path in paths:
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def import_failures(python: Path, root: Path, modules: list[str], django: bool) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    if django:
        env["FIX_SUITES_DJANGO"] = "1"
    return set(run([str(python), "-c", IMPORT_CHECK, *modules], root, env).splitlines())


def check(name: str, work: Path, threshold: float, with_tests: bool) -> dict[str, Any]:
    suite = SUITES[name]
    original = fetch(suite, work)
    python = environment(name, suite, original, work)
    result: dict[str, Any] = {"name": name, "requirement": suite["requirement"], "threshold_ms": threshold}
    before = tests(suite, python, original, work / f"{name}-before.xml") if with_tests else {}
    copy = work / "fixed" / original.name
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(original, copy, symlinks=True)
    configure(copy, suite, threshold)
    fix = [sys.executable, "-m", "flake8_import_cost", "fix"]
    output = run([*fix, "-v", suite["package"]], copy)
    (work / f"{name}-fix.log").write_text(output, encoding="utf-8")
    summary = output.strip().splitlines()[-1] if output.strip() else ""
    result["summary"] = summary
    result["traceback"] = "Traceback (most recent call last)" in output
    counts = re.search(r"fixed (\d+) findings?.*?(?:; left \d+ alone \((.*)\))?$", summary)
    result["fixed"] = int(counts.group(1)) if counts else None
    reasons = (counts.group(2) or "") if counts else ""
    result["refused"] = {kind: int(count) for count, kind in (item.split() for item in reasons.split(", ") if item)}
    changed = changed_files(original, copy, suite["package"])
    result["changed_files"] = len(changed)
    result["not_compiling"] = []
    for path in changed:
        try:
            compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        except SyntaxError as error:
            result["not_compiling"].append(f"{path}: {error}")
    source_root = suite["source_path"]
    modules = module_names(changed, copy / source_root)
    django = bool(suite.get("configure_django"))
    expected = import_failures(python, original / source_root, modules, django)
    got = import_failures(python, copy / source_root, modules, django)
    result["modules_imported"] = len(modules) - len(got)
    result["import_failures_before"] = sorted(expected)
    result["import_failures_new"] = sorted(got - expected)
    flake8 = run([sys.executable, "-m", "flake8", "--select", "IMC101,IMC102", suite["package"]], copy)
    result["flake8_after"] = len([line for line in flake8.splitlines() if re.search(r": IMC10[12] ", line)])
    again = subprocess.run([*fix, "--check", suite["package"]], cwd=copy, capture_output=True, check=False)
    result["second_fix_changes"] = again.returncode != 0
    if with_tests:
        after = tests(suite, python, copy, work / f"{name}-after.xml")
        result["tests_before"] = dict(Counter(before.values()))
        result["tests_after"] = dict(Counter(after.values()))
        result["tests_changed"] = sorted(test for test in before.keys() | after.keys()
                                         if before.get(test) != after.get(test))  # fmt: skip
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/fix_suites.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True, metavar="DIR", help="where everything is made")
    parser.add_argument("--only", nargs="+", choices=sorted(SUITES), metavar="NAME", help="these code bases only")
    parser.add_argument("--threshold-ms", type=float, default=3.0, metavar="MS", help="every IMC101 threshold")
    parser.add_argument("--no-tests", action="store_true", help="fix and check imports, but run no tests")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    results = [check(name, args.work, args.threshold_ms, not args.no_tests) for name in args.only or SUITES]
    failed = False
    for result in results:
        print(f"{result['requirement']}: {result['changed_files']} files changed; {result['summary']}")
        failing = len(result["import_failures_before"])
        print(f"  modules imported: {result['modules_imported']} (failing as in the original: {failing});"
              f" flake8 after: {result['flake8_after']} findings")  # fmt: skip
        if "tests_before" in result:
            print(f"  tests before: {result['tests_before']}; after: {result['tests_after']};"
                  f" ending differently: {len(result['tests_changed'])}")  # fmt: skip
            for test in result["tests_changed"][:20]:
                print(f"    {test}")
        problems = [
            *(["a traceback in the fix's output"] if result["traceback"] else []),
            *(f"does not compile: {line}" for line in result["not_compiling"]),
            *(f"no longer imports: {line}" for line in result["import_failures_new"]),
            *(["a second fix would change more"] if result["second_fix_changes"] else []),
            *(["tests end differently"] if result.get("tests_changed") else []),
        ]
        for problem in problems:
            print(f"  PROBLEM: {problem}")
        failed = failed or bool(problems)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
