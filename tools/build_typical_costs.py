"""Measure typical import costs and write ``flake8_import_cost/knowledge/import_costs.py``.

Usage, from the repository root::

    python tools/build_typical_costs.py [--python EXE] [--repeat N] [--output PATH]

Each module is imported in fresh runs of ``--python`` (which must have the
third-party packages installed) under ``-X importtime``, after the ``BASELINE``
modules; the median cumulative time goes into the table when it is at least
``MIN_COST_MS``. Modules that fail to import are reported on stderr and left
out.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from flake8_import_cost.measure.importtime_log import ModuleTiming, measure_module  # noqa: E402

DEFAULT_OUTPUT = REPO_ROOT / "flake8_import_cost" / "knowledge" / "import_costs.py"
MIN_COST_MS = 3.0
TIMEOUT_S = 180.0

#: The standard-library core that practically every program has loaded before
#: its own imports run (docs/rules/IMC101.md counts os, json, re, typing and dataclasses as
#: cheap). It is imported before each measured module, so a cost is what the
#: import adds to a real program, not the price of this core again.
BASELINE = (
    "collections",
    "dataclasses",
    "functools",
    "json",
    "logging",
    "os",
    "pathlib",
    "re",
    "typing",
)

#: Frameworks deliberately left out: a module that uses one cannot avoid
#: importing it (``from django.db import models`` in a models module), so
#: flagging it as a slow import would only be noise. ``unittest`` itself is
#: left out of the measured list for the same reason (a test module cannot
#: avoid it), while ``unittest.mock`` is measured: production code that
#: imports it pays for it.
EXCLUDED_FRAMEWORKS = ("django", "flask")

#: Third-party modules to measure, each with the distribution that provides it.
THIRD_PARTY = {
    "aiohttp": "aiohttp",
    "anthropic": "anthropic",
    "attr": "attrs",
    "azure.storage.blob": "azure-storage-blob",
    "babel": "babel",
    "babel.dates": "babel",
    "babel.numbers": "babel",
    "boto3": "boto3",
    "boto3.session": "boto3",
    "botocore.session": "botocore",
    "bs4": "beautifulsoup4",
    "celery": "celery",
    "cryptography": "cryptography",
    "cryptography.fernet": "cryptography",
    "cryptography.x509": "cryptography",
    "dateutil.parser": "python-dateutil",
    "docker": "docker",
    "docutils.core": "docutils",
    "dropbox": "dropbox",
    "elasticsearch": "elasticsearch",
    "google.cloud.storage": "google-cloud-storage",
    "grpc": "grpcio",
    "httpx": "httpx",
    "hvac": "hvac",
    "jinja2": "jinja2",
    "kafka": "kafka-python",
    "kombu": "kombu",
    "kubernetes": "kubernetes",
    "kubernetes.client": "kubernetes",
    "lxml.etree": "lxml",
    "markdown": "markdown",
    "matplotlib": "matplotlib",
    "matplotlib.pyplot": "matplotlib",
    "networkx": "networkx",
    "nltk": "nltk",
    "numpy": "numpy",
    "openai": "openai",
    "openpyxl": "openpyxl",
    "pandas": "pandas",
    "paramiko": "paramiko",
    "PIL.Image": "pillow",
    "pkg_resources": "setuptools",
    "plotly": "plotly",
    "plotly.express": "plotly",
    "plotly.graph_objects": "plotly",
    "pydantic": "pydantic",
    "pymongo": "pymongo",
    "pytz": "pytz",
    "redis": "redis",
    "reportlab.pdfgen.canvas": "reportlab",
    "reportlab.platypus": "reportlab",
    "requests": "requests",
    "scipy": "scipy",
    "scipy.integrate": "scipy",
    "scipy.interpolate": "scipy",
    "scipy.linalg": "scipy",
    "scipy.optimize": "scipy",
    "scipy.signal": "scipy",
    "scipy.sparse": "scipy",
    "scipy.stats": "scipy",
    "seaborn": "seaborn",
    "setuptools": "setuptools",
    "sklearn": "scikit-learn",
    "sklearn.ensemble": "scikit-learn",
    "sklearn.linear_model": "scikit-learn",
    "sklearn.metrics": "scikit-learn",
    "sklearn.model_selection": "scikit-learn",
    "sklearn.preprocessing": "scikit-learn",
    "sqlalchemy": "sqlalchemy",
    "sqlalchemy.orm": "sqlalchemy",
    "statsmodels.api": "statsmodels",
    "sympy": "sympy",
    "tensorflow": "tensorflow",
    "torch": "torch",
    "weasyprint": "weasyprint",
    "xlsxwriter": "xlsxwriter",
    "yaml": "pyyaml",
}

#: Standard-library modules to measure (beyond the baseline); only the slow
#: ones reach the table.
STDLIB = (
    "argparse",
    "asyncio",
    "concurrent.futures",
    "csv",
    "decimal",
    "doctest",
    "email.message",
    "email.mime.multipart",
    "http.client",
    "http.server",
    "imp",
    "inspect",
    "logging.config",
    "multiprocessing",
    "pydoc",
    "smtplib",
    "socket",
    "sqlite3",
    "ssl",
    "subprocess",
    "tarfile",
    "tempfile",
    "tkinter",
    "unittest.mock",
    "urllib.request",
    "uuid",
    "xml.dom.minidom",
    "xml.etree.ElementTree",
    "zipfile",
)

#: Required in the table: the rule's documented coverage (docs/rules/IMC101.md).
REQUIRED = (
    "boto3",
    "jinja2",
    "matplotlib",
    "numpy",
    "openpyxl",
    "pandas",
    "scipy",
    "sklearn",
    "sympy",
    "tensorflow",
    "torch",
)

_PROBE = """
import importlib.metadata, json, platform, sys
versions = {}
for name in sys.argv[1:]:
    try:
        versions[name] = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        pass
print(json.dumps({
    "python": platform.python_version(),
    "implementation": platform.python_implementation(),
    "platform": platform.platform(),
    "machine": platform.machine(),
    "versions": versions,
}))
"""


def _is_excluded(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in EXCLUDED_FRAMEWORKS)


def probe(python: str, distributions: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Describe the interpreter ``python``, and the versions of ``distributions`` it has."""
    result = subprocess.run(
        [python, "-c", _PROBE, *distributions], capture_output=True, text=True, check=True
    )
    info = json.loads(result.stdout)
    versions = info.pop("versions")
    return {key: str(value) for key, value in info.items()}, {
        name: str(version) for name, version in versions.items()
    }


def render(
    measured_on: dict[str, str], timings: list[ModuleTiming], versions: dict[str, str]
) -> str:
    """The source of the generated module."""
    lines = [
        "# Generated by tools/build_typical_costs.py: do not edit by hand, run it again.",
        '"""Typical cumulative import costs of modules, measured with ``-X importtime``."""',
        "",
        "from __future__ import annotations",
        "",
        "#: Where and how the costs were measured.",
        "MEASURED_ON: dict[str, str] = {",
        *(f"    {key!r}: {value!r}," for key, value in measured_on.items()),
        "}",
        "",
        "#: Module -> median cumulative import time in ms on top of the baseline",
        f"#: (MEASURED_ON['baseline']); only modules that take at least {MIN_COST_MS} ms.",
        "TYPICAL_COSTS_MS: dict[str, float] = {",
    ]
    for timing in sorted(timings, key=lambda t: t.module):
        low, high = timing.cumulative_range_us
        lines.append(
            f"    {timing.module!r}: {timing.cumulative_us / 1000:.1f},"
            f"  # {low / 1000:.1f}-{high / 1000:.1f} ms"
        )
    lines += [
        "}",
        "",
        "#: Distribution -> version installed when its modules were measured.",
        "PACKAGE_VERSIONS: dict[str, str] = {",
        *(f"    {name!r}: {version!r}," for name, version in sorted(versions.items())),
        "}",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure every module and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter to measure in")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per module")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to write")
    args = parser.parse_args(argv)

    modules = [m for m in [*THIRD_PARTY, *STDLIB] if not _is_excluded(m)]
    kept: list[ModuleTiming] = []
    for module in modules:
        timing = measure_module(
            module, python=args.python, repeat=args.repeat, timeout=TIMEOUT_S, preload=BASELINE
        )
        if timing.error is not None:
            print(f"{module}: FAILED: {timing.error}", file=sys.stderr)
            continue
        cost_ms = timing.cumulative_us / 1000
        print(f"{module}: {cost_ms:.1f} ms", file=sys.stderr)
        if cost_ms >= MIN_COST_MS:
            kept.append(timing)

    missing = [m for m in REQUIRED if m not in {t.module for t in kept}]
    if missing:
        print(f"required modules missing from the table: {', '.join(missing)}", file=sys.stderr)

    distributions = sorted({THIRD_PARTY[t.module] for t in kept if t.module in THIRD_PARTY})
    measured_on, versions = probe(args.python, distributions)
    options = sys.argv[1:] if argv is None else argv
    command = ["python", "tools/build_typical_costs.py", *options]
    measured_on["date"] = datetime.date.today().isoformat()
    measured_on["repeat"] = str(args.repeat)
    measured_on["baseline"] = ", ".join(BASELINE)
    measured_on["command"] = shlex.join(command)

    args.output.write_text(render(measured_on, kept, versions), encoding="utf-8")
    print(f"wrote {len(kept)} modules to {args.output}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
