"""List the slow modules each framework loads and write ``flake8_import_cost/knowledge/loaded_by.py``.

Usage, from the repository root::

    python tools/build_loaded_by.py [--python EXE] [--frameworks MODULE ...] [--output PATH]

Each framework module is imported in its own fresh run of ``--python`` (which
must have the frameworks installed), after the same ``BASELINE`` modules as
``tools/build_typical_costs.py``, and the run lists what is then in
``sys.modules``. The modules of IMC101's table (the keys of
``TYPICAL_COSTS_MS``) that the framework brought in, beyond what the baseline
alone loads, are its entry; frameworks that bring in none are left out.
Membership does not vary from run to run, so each framework runs once.

Frameworks that cannot be imported before Django is set up (``DJANGO_SET_UP``)
are imported after ``settings.configure()`` and ``django.setup()``, as every
process of a Django project has run them by then; what the set-up loads counts.
Packages that load their contents on first use (``FROM_IMPORTS``) are imported
the way their users do, ``from celery import Celery``.

Frameworks that fail to import are reported on stderr and left out, and the
exit status is then 1 (the table is still written).
"""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from build_typical_costs import BASELINE, TIMEOUT_S, probe  # noqa: E402

from flake8_import_cost.knowledge.import_costs import TYPICAL_COSTS_MS  # noqa: E402
from flake8_import_cost.measure.importtime_log import (  # noqa: E402
    ImportRecord,
    failure_reason,
    one_line,
    parse_importtime,
    run_importtime,
)

DEFAULT_OUTPUT = REPO_ROOT / "flake8_import_cost" / "knowledge" / "loaded_by.py"

#: Framework modules to import, each with the distribution that provides it
#: (``None`` for the standard library): the web frameworks, task queues, ORMs,
#: clients and test tools that Django, Flask, FastAPI, Airflow and Celery
#: projects import, and the big libraries that come with them.
FRAMEWORKS: dict[str, str | None] = {
    "PIL.Image": "pillow",
    "aiohttp": "aiohttp",
    "airflow": "apache-airflow-core",
    "airflow.models": "apache-airflow-core",
    "airflow.sdk": "apache-airflow-task-sdk",
    "alembic": "alembic",
    "attr": "attrs",
    "attrs": "attrs",
    "billiard": "billiard",
    "boto3": "boto3",
    "botocore.session": "botocore",
    "celery": "celery",
    "channels": "channels",
    "click": "click",
    "cryptography": "cryptography",
    "django": "django",
    "django.contrib.admin": "django",
    "django.contrib.admindocs": "django",
    "django.contrib.admindocs.views": "django",
    "django.contrib.auth.models": "django",
    "django.core.management": "django",
    "django.db.models": "django",
    "django.forms": "django",
    "django.http": "django",
    "django.shortcuts": "django",
    "django.test": "django",
    "django.urls": "django",
    "django.views": "django",
    "django_celery_beat.models": "django-celery-beat",
    "django_filters": "django-filter",
    "django_redis": "django-redis",
    "dill": "dill",
    "drf_spectacular": "drf-spectacular",
    "dynaconf": "dynaconf",
    "elasticsearch": "elasticsearch",
    "environ": "django-environ",
    "factory": "factory-boy",
    "fastapi": "fastapi",
    "flask": "flask",
    "flask_sqlalchemy": "flask-sqlalchemy",
    "freezegun": "freezegun",
    "grpc": "grpcio",
    "gunicorn": "gunicorn",
    "httpx": "httpx",
    "jinja2": "jinja2",
    "kombu": "kombu",
    "kubernetes.client": "kubernetes",
    "markdown": "markdown",
    "marshmallow": "marshmallow",
    "matplotlib": "matplotlib",
    "numpy": "numpy",
    "OpenSSL": "pyopenssl",
    "openpyxl": "openpyxl",
    "pandas": "pandas",
    "psycopg": "psycopg",
    "psycopg2": "psycopg2-binary",
    "pydantic": "pydantic",
    "pydantic_settings": "pydantic-settings",
    "pytest": "pytest",
    "redis": "redis",
    "requests": "requests",
    "rest_framework": "djangorestframework",
    "social_core.backends.base": "social-auth-core",
    "social_django": "social-auth-app-django",
    "social_django.models": "social-auth-app-django",
    "rest_framework.serializers": "djangorestframework",
    "rest_framework.test": "djangorestframework",
    "rest_framework.views": "djangorestframework",
    "rest_framework.viewsets": "djangorestframework",
    "scipy": "scipy",
    "sentry_sdk": "sentry-sdk",
    "setuptools": "setuptools",
    "sqlalchemy": "sqlalchemy",
    "sqlalchemy.orm": "sqlalchemy",
    "starlette.applications": "starlette",
    "storages.backends.s3": "django-storages",
    "structlog": "structlog",
    "typer": "typer",
    "unittest": None,
    "uvicorn": "uvicorn",
    "werkzeug": "werkzeug",
    "whitenoise": "whitenoise",
    "yaml": "pyyaml",
}

#: The apps every Django set-up here installs (``django.contrib.auth.models``
#: needs both).
DJANGO_APPS = ("django.contrib.contenttypes", "django.contrib.auth")

#: Frameworks that need Django's settings (and its app registry) to import,
#: each with the apps it needs beyond ``DJANGO_APPS``.
DJANGO_SET_UP: dict[str, tuple[str, ...]] = {
    "django.contrib.auth.models": (),
    "django_celery_beat.models": ("django_celery_beat",),
    "rest_framework.test": (),
    "rest_framework.views": (),
    "rest_framework.viewsets": (),
    "django.contrib.admindocs.views": ("django.contrib.admin", "django.contrib.admindocs"),
    "social_django.models": ("social_django",),
}

#: Packages that load their contents lazily, on the first use of a name:
#: each is imported as ``from PACKAGE import NAMES``, with the names its users
#: import, since ``import PACKAGE`` alone loads next to nothing.
FROM_IMPORTS: dict[str, tuple[str, ...]] = {
    "celery": ("Celery", "shared_task"),
    "kombu": ("Connection", "Exchange", "Queue"),
    "pydantic": ("BaseModel",),
}

_DJANGO_SET_UP_CODE = """\
import django
from django.conf import settings
settings.configure(INSTALLED_APPS={apps!r})
django.setup()
"""

#: The run's own line on stderr: the names in ``sys.modules``, space-separated.
_MARKER = "loaded-by sys.modules:"
#: Lists ``sys.modules`` without importing anything. An entry of ``None``
#: blocks an import, and a module still waiting for ``importlib.util.LazyLoader``
#: has not run: neither is loaded.
_LIST_MODULES = f"""
import os as _os, sys as _sys
_names = sorted(
    _name for _name, _module in list(_sys.modules.items())
    if _module is not None
    and not (type(_module).__name__ == "_LazyModule" and type(_module).__module__ == "importlib.util")
)
_os.write(2, ("\\n{_MARKER} " + " ".join(_names) + "\\n").encode())
"""


@dataclass(frozen=True)
class Loaded:
    """What one fresh run had in ``sys.modules`` after importing ``framework``.

    ``records`` is the run's ``-X importtime`` report (to tell who imported
    what); ``error`` a one-line reason when the run failed, ``modules`` then
    being empty.
    """

    framework: str | None
    modules: frozenset[str] = frozenset()
    records: tuple[ImportRecord, ...] = ()
    error: str | None = None


def import_statement(framework: str) -> str:
    """How a run imports ``framework``: ``import framework``, or a from-import (``FROM_IMPORTS``)."""
    if framework in FROM_IMPORTS:
        return f"from {framework} import {', '.join(FROM_IMPORTS[framework])}"
    return f"import {framework}"


def set_up_code(framework: str) -> str:
    """The code run before ``import framework``, after the baseline."""
    if framework not in DJANGO_SET_UP:
        return ""
    return _DJANGO_SET_UP_CODE.format(apps=[*DJANGO_APPS, *DJANGO_SET_UP[framework]])


def django_set_up(frameworks: Iterable[str]) -> str:
    """How the Django set-up ran before those of ``frameworks`` that need it, in words."""
    by_apps: dict[tuple[str, ...], list[str]] = {}
    for framework in frameworks:
        if framework in DJANGO_SET_UP:
            by_apps.setdefault((*DJANGO_APPS, *DJANGO_SET_UP[framework]), []).append(framework)
    return "; ".join(
        f"settings.configure(INSTALLED_APPS=[{', '.join(apps)}]) and django.setup() before {', '.join(names)}"
        for apps, names in by_apps.items()
    )


def list_loaded(
    framework: str | None, *, python: str, cwd: str | None = None, timeout: float = TIMEOUT_S
) -> Loaded:
    """Import the baseline, then ``framework`` (nothing more when ``None``), in
    a fresh run of ``python``, and list ``sys.modules``. Failures are reported
    in ``error``, never raised."""
    for name in (*BASELINE, *([framework] if framework else [])):
        if not all(part.isidentifier() for part in name.split(".")):
            raise ValueError(f"not a module name: {name!r}")
    code = "".join(f"import {name}\n" for name in BASELINE)
    if framework is not None:
        code += set_up_code(framework) + import_statement(framework) + "\n"
    code += _LIST_MODULES
    try:
        result = run_importtime(code, python=python, cwd=cwd, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Loaded(framework, error=f"timed out after {timeout:g} s")
    except OSError as exc:
        return Loaded(framework, error=one_line(f"cannot run {python}: {exc}"))
    if result.returncode != 0:
        return Loaded(framework, error=failure_reason(result.returncode, result.stderr))
    listed = [line for line in result.stderr.splitlines() if line.startswith(_MARKER)]
    if not listed:
        return Loaded(framework, error="the run did not list sys.modules")
    modules = frozenset(listed[-1][len(_MARKER):].split())
    return Loaded(framework, modules, tuple(parse_importtime(result.stderr)))


def import_chain(records: Sequence[ImportRecord], module: str) -> list[str]:
    """The modules through which ``module`` was first imported, outermost first.

    The report lists each module after the ones it imported, one level deeper,
    so its importer is the next record one level up. A package that has no
    record of its own (it happens) is found through its first submodule.
    """
    starts = [i for i, r in enumerate(records) if r.module == module]
    starts = starts or [i for i, r in enumerate(records) if r.module.startswith(module + ".")]
    if not starts:
        return []
    depth = records[starts[0]].depth
    chain = [module]
    for later in records[starts[0] + 1:]:
        if later.depth < depth:
            chain.append(later.module)
            depth = later.depth
    # A circular import can put a module twice on the way: keep the shortest way.
    outermost_first: list[str] = []
    for name in reversed(chain):
        if name in outermost_first:
            del outermost_first[outermost_first.index(name) + 1:]
        else:
            outermost_first.append(name)
    return outermost_first


def _packages(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]


@dataclass(frozen=True)
class Found:
    """The table's modules, and their packages and submodules, that one framework loads."""

    framework: str
    slow: tuple[str, ...]
    packages: tuple[str, ...]
    submodules: int


def classify(framework: str, modules: Iterable[str], baseline: Iterable[str]) -> Found:
    """Sort what ``framework`` loaded beyond ``baseline`` against IMC101's table.

    ``slow``: the table's modules, the framework itself left out. ``packages``:
    parent packages of table modules that it loads without loading any of their
    table modules (``dateutil`` without ``dateutil.parser``), its own packages
    left out. ``submodules``: how many submodules of table modules it loads
    beyond the table's own, its own left out.
    """
    keys = set(TYPICAL_COSTS_MS)
    new = set(modules) - set(baseline)
    slow = sorted(key for key in keys if key in new and key != framework)
    own = {framework, *_packages(framework)}
    packages = sorted(
        package
        for package in new & {p for key in keys for p in _packages(key)} - keys - own
        if not any(key.startswith(package + ".") for key in slow)
    )
    submodules = sum(
        1
        for name in new - keys
        if not name.startswith(framework + ".") and any(p in keys for p in _packages(name))
    )
    return Found(framework, tuple(slow), tuple(packages), submodules)


def _wrap(prefix: str, words: Sequence[str], width: int = 99) -> list[str]:
    """``prefix`` and the words, as comment lines of at most ``width`` characters."""
    lines: list[str] = []
    line = prefix
    indent = prefix[: prefix.index("#") + 1] + "  "
    for index, word in enumerate(words):
        word += "," if index < len(words) - 1 else "."
        if len(line) + 1 + len(word) > width and line not in (prefix, indent):
            lines.append(line)
            line = indent
        line += " " + word
    lines.append(line)
    return lines


def _item(key: str, value: str, width: int = 99) -> list[str]:
    """``key: value,`` in a dict literal, a long value cut at spaces over several lines."""
    line = f"    {key!r}: {value!r},"
    if len(line) <= width or " " not in value:
        return [line]
    pieces: list[str] = []
    for word in value.split(" "):
        if pieces and len(repr(pieces[-1] + " " + word)) <= width - 8:
            pieces[-1] += " " + word
        else:
            pieces.append(word)
    pieces = [piece + " " for piece in pieces[:-1]] + pieces[-1:]
    return [f"    {key!r}: (", *(f"        {piece!r}" for piece in pieces), "    ),"]


def render(
    measured_on: dict[str, str], found: Sequence[Found], versions: dict[str, str]
) -> str:
    """The source of the generated module."""
    lines = [
        "# Generated by tools/build_loaded_by.py: do not edit by hand, run it again.",
        '"""The slow modules of IMC101\'s table that importing each framework loads anyway.',
        "",
        "The frameworks were imported with all of them installed together, so what one",
        "imports only when it is installed (Django REST framework's markdown and yaml) counts.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "#: Where and how the modules were listed.",
        "MEASURED_ON: dict[str, str] = {",
        *(line for key, value in measured_on.items() for line in _item(key, value)),
        "}",
        "",
        "#: Framework module -> the keys of TYPICAL_COSTS_MS (knowledge/import_costs.py)",
        "#: in sys.modules once it is imported on top of the baseline (MEASURED_ON['baseline']),",
        "#: the framework itself left out. A comment names the packages of table modules",
        "#: that it loads without those modules. Frameworks that load none are left out.",
        "LOADED_BY: dict[str, frozenset[str]] = {",
    ]
    for entry in sorted(found, key=lambda f: f.framework):
        if not entry.slow:
            continue
        if entry.packages:
            lines += _wrap("    # also loads, without their table modules:", entry.packages)
        lines.append(f"    {entry.framework!r}: frozenset({{")
        lines += [f"        {module!r}," for module in entry.slow]
        lines.append("    }),")
    lines.append("}")
    none = sorted(entry.framework for entry in found if not entry.slow)
    if none:
        lines += ["", *_wrap("# Measured, loading none of them:", none)]
    lines += [
        "",
        "#: Distribution -> version installed when its frameworks were imported.",
        "PACKAGE_VERSIONS: dict[str, str] = {",
        *(f"    {name!r}: {version!r}," for name, version in sorted(versions.items())),
        "}",
        "",
    ]
    return "\n".join(lines)


def _describe(found: Found, loaded: Loaded) -> str:
    parts = [f"{found.framework}: {len(found.slow)} table modules"]
    for module in found.slow:
        chain = import_chain(loaded.records, module)
        parts.append(f"\n    {module}" + (f"  (via {' > '.join(chain[:-1])})" if len(chain) > 1 else ""))
    if found.packages:
        parts.append(f"\n    packages only: {', '.join(found.packages)}")
    if found.submodules:
        parts.append(f"\n    and {found.submodules} submodules of table modules")
    return "".join(parts)


def _list_all(
    python: str, frameworks: Sequence[str], scratch: str
) -> tuple[list[Found], list[str], str | None]:
    """Run the baseline, then each framework: what they load, the frameworks
    that failed, and why the baseline failed (``None`` when it ran)."""
    baseline = list_loaded(None, python=python, cwd=scratch)
    if baseline.error is not None:
        return [], [], baseline.error
    already = sorted(key for key in TYPICAL_COSTS_MS if key in baseline.modules)
    if already:
        print(f"the baseline already loads: {', '.join(already)}", file=sys.stderr)
    found: list[Found] = []
    failed: list[str] = []
    for framework in frameworks:
        loaded = list_loaded(framework, python=python, cwd=scratch)
        if loaded.error is not None:
            print(f"{framework}: FAILED: {loaded.error}", file=sys.stderr)
            failed.append(framework)
            continue
        entry = classify(framework, loaded.modules, baseline.modules)
        print(_describe(entry, loaded), file=sys.stderr)
        found.append(entry)
    return found, failed, None


def main(argv: list[str] | None = None) -> int:
    """Import every framework and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter to import in")
    parser.add_argument(
        "--frameworks", nargs="+", metavar="MODULE", default=list(FRAMEWORKS), help="framework modules"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    args = parser.parse_args(argv)

    airflow_home = os.environ.get("AIRFLOW_HOME")
    with tempfile.TemporaryDirectory(prefix="loaded-by-") as scratch:
        # The runs start in an empty folder (it is on their sys.path), and
        # Airflow writes its home there, not under ~/airflow.
        os.environ["AIRFLOW_HOME"] = os.path.join(scratch, "airflow")
        try:
            found, failed, baseline_error = _list_all(args.python, args.frameworks, scratch)
        finally:
            if airflow_home is None:
                del os.environ["AIRFLOW_HOME"]
            else:
                os.environ["AIRFLOW_HOME"] = airflow_home
    if baseline_error is not None:
        print(f"the baseline: FAILED: {baseline_error}", file=sys.stderr)
        return 2

    unknown = [entry.framework for entry in found if entry.framework not in FRAMEWORKS]
    if unknown:
        print(f"no distribution known for {', '.join(unknown)}: no version recorded", file=sys.stderr)
    distributions = sorted({d for entry in found if (d := FRAMEWORKS.get(entry.framework))})
    measured_on, versions = probe(args.python, distributions)
    options = sys.argv[1:] if argv is None else argv
    measured_on["date"] = datetime.date.today().isoformat()
    measured_on["baseline"] = ", ".join(BASELINE)
    from_imports = [import_statement(e.framework) for e in found if e.framework in FROM_IMPORTS]
    if from_imports:
        measured_on["from_imports"] = "; ".join(from_imports)
    set_up = django_set_up([entry.framework for entry in found])
    if set_up:
        measured_on["django_set_up"] = set_up
    measured_on["command"] = shlex.join(["python", "tools/build_loaded_by.py", *options])

    args.output.write_text(render(measured_on, found, versions), encoding="utf-8")
    kept = sum(1 for entry in found if entry.slow)
    print(f"wrote {kept} frameworks to {args.output}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
