"""``flake8-import-cost report`` on real cost databases, in every format.

Databases are real SQLite files filled with ``costdb.write_run``: a small
Django-like ``profile`` run (statements, import edges, SQL), a ``measure`` run
with failures, and a run whose names are hostile. HAR is validated against a
HAR 1.2 schema, speedscope files against speedscope's published schema, the
JSON report against its own shipped schema; the HTML page is opened in a real
headless Chromium. ``--findings`` runs the rules over real files with real flake8
configuration files. The last test profiles ``examples/`` for real, as the README
does, opens its HTML report with the findings of ``examples/`` and takes the
screenshot of ``docs/reports.md``.
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import Flake8Result, flake8_env


from flake8_import_cost import costdb
from flake8_import_cost.costdb import ImportEdge, ModuleTiming, Query, Run, Spread, StatementTiming
from flake8_import_cost.report import Finding, build_report, har, html_page, json_report, load, speedscope, text

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).resolve().parent / "schemas"
SCREENSHOT = ROOT / "docs" / "images" / "report.png"
STARTED = datetime(2026, 11, 30, 9, 15, 0, tzinfo=timezone.utc)
SITE = "/venv/lib/python3.11/site-packages"

HOSTILE = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>window.pwned=1</script>"
ANSI = "\x1b[2J\x1b[31mred\x07"
#: Names a measured project can hold: markup, terminal escapes, a bidirectional override, a newline.
HOSTILE_NAMES = (HOSTILE, SCRIPT, ANSI, "evil\u202etxt", "line\nbreak")

FILES = {
    "shop/__init__.py": "",
    "shop/apps.py": "from django.apps import AppConfig\n\n\nclass ShopConfig(AppConfig):\n"
    "    name = 'shop'\n\n    def ready(self):\n        Category.objects.count()\n",
    "shop/views.py": "import os\nfrom distutils.util import strtobool\nimport pandas as pd\nfrom shop import reports\n"
    "CATEGORIES = list(Category.objects.all())\n",
    "shop/reports.py": '"""Spreadsheet exports."""\nimport openpyxl\n\n\ndef export(rows):\n'
    "    return openpyxl.Workbook()\n",
}

#: (name, parent, path under the project or absolute, self ms, cumulative ms), in import order.
PROFILE_MODULES = [
    ("django", None, f"{SITE}/django/__init__.py", 3.0, 40.0),
    ("django.utils.version", "django", f"{SITE}/django/utils/version.py", 1.0, 27.0),
    ("subprocess", "django.utils.version", "/usr/lib/python3.11/subprocess.py", 6.0, 26.0),
    ("selectors", "subprocess", "/usr/lib/python3.11/selectors.py", 20.0, 20.0),
    ("django.apps", "django", f"{SITE}/django/apps/__init__.py", 10.0, 10.0),
    ("shop", None, "shop/__init__.py", 0.05, 381.0),
    ("shop.views", "shop", "shop/views.py", 2.0, 380.0),
    ("distutils.util", "shop.views", "/usr/lib/python3.11/distutils/util.py", 5.0, 26.0),
    ("distutils", "distutils.util", "/usr/lib/python3.11/distutils/__init__.py", 21.0, 21.0),
    ("pandas", "shop.views", f"{SITE}/pandas/__init__.py", 80.0, 296.0),
    ("numpy", "pandas", f"{SITE}/numpy/__init__.py", 60.0, 120.0),
    ("numpy.core", "numpy", f"{SITE}/numpy/core/__init__.py", 60.0, 60.0),
    ("pytz", "pandas", f"{SITE}/pytz/__init__.py", 96.0, 96.0),
    ("shop.reports", "shop.views", "shop/reports.py", 1.0, 55.0),
    ("openpyxl", "shop.reports", f"{SITE}/openpyxl/__init__.py", 54.0, 54.0),
]


def _spread(ms: float, *, repeat: int = 3) -> Spread:
    us = ms * 1000
    return Spread([us * 0.95, us, us * 1.1][:repeat])


def _path(root: Path, path: str | None) -> str | None:
    return None if path is None else path if path.startswith("/") else str(root / path)


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")


def profile_run(root: Path) -> Run:
    """A Django-like start-up: two trees, statements with the lines that imported each module, SQL."""
    write_files(root, FILES)
    run = Run("profile", project_root=root, command=["flake8-import-cost", "profile", "--django-settings",
              "shop.settings"], repeat=3, started_at=STARTED)  # fmt: skip
    run.finished_at = STARTED + timedelta(seconds=4)
    run.total_samples = [420_000, 425_000, 431_000]
    run.overhead = 1.6
    run.details = {"django_settings": "shop.settings", "url": "/"}
    for seq, (name, parent, path, self_ms, cum_ms) in enumerate(PROFILE_MODULES):
        run.modules.append(ModuleTiming("", seq, name, parent, 0, _path(root, path), _spread(self_ms), _spread(cum_ms)))
    views, reports, apps = str(root / "shop/views.py"), str(root / "shop/reports.py"), str(root / "shop/apps.py")
    for path, line, module, ms in [(views, 2, "shop.views", 26.2), (views, 3, "shop.views", 296.5),
                                   (views, 4, "shop.views", 55.2), (views, 5, "shop.views", 1.5),
                                   (reports, 2, "shop.reports", 54.1)]:  # fmt: skip
        run.statements.append(StatementTiming(path, line, module, "module", _spread(ms)))
    run.imports += [
        ImportEdge(0, "os", views, 1, False), ImportEdge(1, "distutils.util", views, 2, True),
        ImportEdge(2, "pandas", views, 3, True), ImportEdge(3, "shop.reports", views, 4, True),
        ImportEdge(4, "openpyxl", reports, 2, True), ImportEdge(5, "os", reports, 2, False),
    ]  # fmt: skip
    run.queries += [
        Query(0, 'SELECT "shop_category"."id", "shop_category"."name" FROM "shop_category"', 900.0, "django", views, 5),
        Query(1, 'SELECT "shop_category"."id" FROM "shop_category" WHERE "shop_category"."parent_id" = 1', 350.0,
              "django", views, 5),
        Query(2, 'SELECT COUNT(*) AS "__count" FROM "shop_category"', 200.0, "django", None, None, apps, 7,
              "ShopConfig.ready"),
    ]  # fmt: skip
    return run


def measure_run(root: Path) -> Run:
    """Two targets, each in a fresh interpreter, and two that failed."""
    run = Run("measure", project_root=root, command=["flake8-import-cost", "measure", "numpy", "json", "broken",
              "slow"], repeat=5, started_at=STARTED + timedelta(hours=1))  # fmt: skip
    for target, modules in {
        "numpy": [("numpy", None, 62.0, 121.0), ("numpy.core", "numpy", 58.0, 59.0)],
        "json": [("json", None, 0.9, 1.5), ("json.decoder", "json", 0.4, 0.6)],
    }.items():
        for seq, (name, parent, self_ms, cum_ms) in enumerate(modules):
            run.modules.append(ModuleTiming(target, seq, name, parent, int(parent is not None), None,
                                            _spread(self_ms, repeat=5), _spread(cum_ms, repeat=5)))  # fmt: skip
    run.failures["broken"] = "ModuleNotFoundError: No module named 'broken'\n(while importing broken)"
    run.failures["slow"] = "timed out after 30 s"
    return run


FINDINGS = [
    Finding("IMC101", "openpyxl takes ~254 ms to import (typical); used only inside functions, so the import can "
            "move into them", "shop/reports.py", 2, 1),
    Finding("IMC102", "distutils was removed in Python 3.12 and is slow to import; use a local helper for strtobool",
            "shop/views.py", 2, 1),
    Finding("IMC201", "Category.objects.all() is evaluated at import time by list(): it runs a query on every "
            "start-up; wrap it in a function (functools.cache)", "shop/views.py", 5, 19),
    Finding("IMC403", "re.compile() at import time; compile the pattern on first use", "shop/forms.py", 3, 9),
]  # fmt: skip


class Store:
    """A database file with a profile and a measure run, and the project the profile measured."""

    def __init__(self, tmp: Path) -> None:
        self.root = tmp / "project"
        self.root.mkdir()
        self.db = tmp / "costs.db"
        self.profile = costdb.write_run(self.db, profile_run(self.root))
        self.measure = costdb.write_run(self.db, measure_run(self.root))

    def report(self, run_id: int, findings: list[Finding] | None = None) -> Any:
        connection = costdb.open_read_only(self.db)
        try:
            return build_report(connection, run_id, findings=findings, findings_base=self.root)
        finally:
            connection.close()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path)


def cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m flake8_import_cost report ARGS`` for real."""
    return subprocess.run(
        [sys.executable, "-m", "flake8_import_cost", "report", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120, check=False,
    )  # fmt: skip


def load_schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return loaded


def validate(document: Any, schema: dict[str, Any]) -> None:
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator_class(schema).validate(document)


def strict(schema: Any) -> Any:
    """``schema`` with every object that lists its properties closed to others: a field the
    report writes must be documented in the schema."""
    if isinstance(schema, dict):
        schema = {key: strict(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
    elif isinstance(schema, list):
        schema = [strict(value) for value in schema]
    return schema


# -- choosing the run -----------------------------------------------------------------------------------


def test_the_default_run_is_the_latest_profile_for_this_python(store: Store) -> None:
    # The measure run is newer, but a profile run for this Python comes first.
    assert load(store.db).run.id == store.profile
    older = profile_run(store.root)
    older.python_version = "2.7.18"
    costdb.write_run(store.db, older)
    assert load(store.db).run.id == store.profile
    assert load(store.db, store.measure).run.id == store.measure


def test_without_a_profile_run_the_latest_measure_run(tmp_path: Path) -> None:
    db = tmp_path / "costs.db"
    other = profile_run(tmp_path)
    other.python_version = "2.7.18"
    costdb.write_run(db, other)
    measured = costdb.write_run(db, measure_run(tmp_path))
    assert load(db).run.id == measured


def test_no_run_for_this_python_names_the_pythons_it_has(tmp_path: Path) -> None:
    db = tmp_path / "costs.db"
    other = measure_run(tmp_path)
    other.python_version = "2.7.18"
    costdb.write_run(db, other)
    completed = cli("--db", str(db))
    assert completed.returncode == 2
    assert "runs on Python 2.7" in completed.stderr and "--run ID" in completed.stderr


# -- the data model -------------------------------------------------------------------------------------


def test_modules_come_in_import_order_with_their_parents(store: Store) -> None:
    report = store.report(store.profile)
    assert [m.name for m in report.modules] == [row[0] for row in PROFILE_MODULES]
    for module in report.modules:
        parent = report.modules[module.parent_index].name if module.parent_index is not None else None
        assert parent == module.parent
    # Paths stay as the store keeps them: project files relative to the root.
    assert report.modules[6].path == "shop/views.py" and report.modules[6].in_project
    assert report.total_us == 425_000


def test_the_time_line_follows_the_lines_that_imported_each_module(store: Store) -> None:
    report = store.report(store.profile)
    starts = {m.name: m.start_us for m in report.modules}
    assert starts["django"] == 0 and starts["shop"] == 40_000  # roots one after the other
    # In shop.views, line 2 imports distutils.util, line 3 pandas, line 4 shop.reports: each starts with its line.
    assert starts["distutils.util"] == starts["shop.views"]
    assert starts["pandas"] == pytest.approx(starts["shop.views"] + 26_200)
    assert starts["shop.reports"] == pytest.approx(starts["shop.views"] + 26_200 + 296_500)
    # A measure run has no statements: what a module imported follows from its start.
    measured = store.report(store.measure)
    assert [(m.name, m.start_us) for m in measured.modules] == [
        ("numpy", 0), ("numpy.core", 0), ("json", 121_000), ("json.decoder", 121_000)
    ]


def test_spans_nest_exactly_even_when_the_parts_outgrow_the_whole(tmp_path: Path) -> None:
    run = Run("profile", project_root=tmp_path, command=["x"], repeat=1)
    # The children's medians add up to more than the parent's: they are shrunk to fit.
    for seq, (name, parent, cum) in enumerate([("a", None, 10), ("b", "a", 8), ("c", "a", 8), ("d", "c", 9)]):
        run.modules.append(ModuleTiming("", seq, name, parent, 0, None, Spread([1000]), Spread([cum * 1000])))
    db = tmp_path / "costs.db"
    report = load(db, costdb.write_run(db, run))
    from flake8_import_cost.report.model import walk

    stack: list[tuple[float, float]] = []
    for span, level in walk(report.spans):
        del stack[level:]
        if stack:
            assert stack[-1][0] <= span.start_us and span.end_us <= stack[-1][1] + 1e-6
        stack.append((span.start_us, span.end_us))
    assert report.timeline_us == 10_000


def test_a_damaged_tree_loses_no_module(tmp_path: Path) -> None:
    run = Run("measure", project_root=tmp_path, command=["x"], repeat=1)
    # A parent from nowhere, and a cycle of parents.
    for seq, (name, parent) in enumerate([("a", "ghost"), ("b", "c"), ("c", "b"), ("d", "d")]):
        run.modules.append(ModuleTiming("t", seq, name, parent, 0, None, Spread([1]), Spread([2])))
    db = tmp_path / "costs.db"
    report = load(db, costdb.write_run(db, run))
    assert sorted(m.name for m in report.modules) == ["a", "b", "c", "d"]
    for module in report.modules:
        assert module.parent_index is None or module.parent_index < module.position


def test_findings_are_attached_by_path_and_line_and_ranked_by_measured_cost(store: Store) -> None:
    absolute = FINDINGS[0]._replace(path=str(store.root / "shop" / "reports.py"))
    given = [FINDINGS[3], FINDINGS[1], absolute, FINDINGS[2]._replace(measured_ms=1.5)]
    report = store.report(store.profile, findings=given)
    assert [(f.code, f.path, f.measured_ms) for f in report.findings] == [
        ("IMC101", "shop/reports.py", pytest.approx(54.1)),  # absolute path stored like the database's
        ("IMC102", "shop/views.py", pytest.approx(26.2)),  # its line's measured cost
        ("IMC201", "shop/views.py", 1.5),  # the cost the finding came with
        ("IMC403", "shop/forms.py", None),  # not measured: last
    ]


# -- hostile names --------------------------------------------------------------------------------------


def hostile_run(root: Path) -> Run:
    """A profile run whose module names, files, source lines, SQL and findings are hostile."""
    pkg = root / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / f"{HOSTILE}.py").write_text(f'X = "{SCRIPT}\x1b[31m"\nDATA = open(X).read()\n', encoding="utf-8")
    run = Run("profile", project_root=root, command=["profile", HOSTILE, ANSI], repeat=1, started_at=STARTED)
    run.total_samples = [50_000]
    run.modules.append(ModuleTiming("", 0, "pkg", None, 0, str(pkg / "__init__.py"), Spread([100]),
                                    Spread([50_000])))  # fmt: skip
    for seq, name in enumerate(HOSTILE_NAMES, start=1):
        path = str(pkg / f"{HOSTILE}.py") if name == HOSTILE else f"/tmp/{name}.py"
        run.modules.append(ModuleTiming("", seq, f"pkg.{name}", "pkg", 1, path, Spread([9000]), Spread([9000])))
    run.statements.append(StatementTiming(str(pkg / f"{HOSTILE}.py"), 1, f"pkg.{HOSTILE}", "module", Spread([8000])))
    run.statements.append(StatementTiming(str(pkg / f"{HOSTILE}.py"), 2, f"pkg.{HOSTILE}", "module", Spread([500])))
    run.statements.append(StatementTiming(f"/tmp/{ANSI}.py", 1, f"pkg.{ANSI}", ANSI, Spread([7000])))
    run.queries.append(Query(0, f"SELECT '</script>{SCRIPT}{ANSI}'", 10.0, "django", str(pkg / f"{HOSTILE}.py"), 1))
    return run


HOSTILE_FINDINGS = [Finding("IMC402", f"<b>{SCRIPT}</b> {ANSI}", f"pkg/{HOSTILE}.py", 1, 1)]


@pytest.fixture
def hostile(tmp_path: Path) -> Any:
    """The hostile run with findings: attached ones with hostile messages, and the worklist of the
    rules run over the project for real (findings in the file with the hostile name)."""
    from flake8_import_cost.report.worklist import run_rules

    root = tmp_path / "project"
    db = tmp_path / "costs.db"
    run_id = costdb.write_run(db, hostile_run(root))
    linted = run_rules([str(root / "pkg")], ["--isolated", "--select", "IMC"], db)
    assert [(Path(found.path).name, found.finding.code) for found in linted] == [
        (f"{HOSTILE}.py", "IMC203"), (f"{HOSTILE}.py", "IMC402")  # the SQL its line 1 ran, the open() of line 2
    ]
    connection = costdb.open_read_only(db)
    try:
        return build_report(connection, run_id, findings=HOSTILE_FINDINGS, findings_base=root, linted=linted)
    finally:
        connection.close()


# -- text -----------------------------------------------------------------------------------------------


def test_text_report_of_a_profile_run(store: Store) -> None:
    completed = cli("--db", str(store.db))
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert "Run 1: profile" in out and "Start-up: 425.0 ms (median of 3 runs; profiling overhead 1.6x)" in out
    assert "Costliest modules by self time (in context)" in out
    modules = out.split("Costliest modules by self time")[1].splitlines()
    assert modules[2].split() == ["96.0", "96.0", "pytz"]
    # Statements with their source line, read from the project.
    assert re.search(r"^shop/views\.py:3 +296\.5  import pandas as pd$", out, re.MULTILINE)
    assert re.search(r"^shop/reports\.py:2 +54\.1  import openpyxl$", out, re.MULTILINE)
    # SQL by line: two queries from line 5, one from AppConfig.ready().
    assert re.search(r"^shop/views\.py:5 +2x +1\.2  SELECT \"shop_category\"", out, re.MULTILINE)
    assert re.search(r"^shop/apps\.py:7 +1x +0\.2  in ShopConfig\.ready\(\): SELECT COUNT", out, re.MULTILINE)
    assert "Failed" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "\x1b" not in out


def test_text_report_of_a_measure_run_lists_failures(store: Store) -> None:
    completed = cli("--db", str(store.db), "--run", str(store.measure), "--top", "1")
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert "Measured 2 modules, each in a fresh interpreter (median of 5 runs); 2 failed" in out
    assert "their import times add up to 122.5 ms" in out
    assert "Costliest modules by cumulative time (in isolation)" in out
    assert "json.decoder" not in out  # --top 1
    assert "  broken: ModuleNotFoundError: No module named 'broken' (while importing broken)\n" in out
    assert "  slow: timed out after 30 s\n" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_text_report_lists_attached_findings(store: Store) -> None:
    out = text.render(store.report(store.profile, findings=FINDINGS))
    findings = out.split("Findings, by what fixing them would save")[1].splitlines()[1:]
    assert [line.split()[:3] for line in findings] == [
        ["shop/reports.py:2:1", "54.1", "IMC101"], ["shop/views.py:2:1", "26.2", "IMC102"],
        ["shop/views.py:5:19", "1.5", "IMC201"], ["shop/forms.py:3:9", "-", "IMC403"],
    ]  # fmt: skip


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """What the command writes when its standard output is a terminal (a pseudo-terminal)."""
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "flake8_import_cost", "report", *args]
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm", **env}
    with subprocess.Popen(command, stdout=follower, stderr=subprocess.PIPE, env=environment) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_colour_only_on_a_terminal_and_never_with_no_color(store: Store) -> None:
    coloured = _on_a_terminal(["--db", str(store.db)], {})
    assert "\x1b[1mRun 1: profile" in coloured
    assert "\x1b" not in _on_a_terminal(["--db", str(store.db)], {"NO_COLOR": "1"})
    assert "\x1b" not in cli("--db", str(store.db)).stdout  # a pipe


def test_hostile_names_in_text(hostile: Any) -> None:
    out = text.render(hostile)
    assert all(unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp") for char in out.replace("\n", ""))
    assert "pkg.\\x1b[2J\\x1b[31mred\\x07" in out and "pkg.evil\\u202etxt" in out and "pkg.line\\x0abreak" in out
    assert f"pkg.{HOSTILE}" in out  # markup means nothing to a terminal: shown as it is
    worklist = " ".join(out.split("Worklist: what fixing would save at start-up")[1].split())
    assert "IMC402 open() reads a file at import time" in worklist
    assert "\\x1b[2J\\x1b[31mred\\x07" in worklist  # the attached finding's message, escaped


# -- JSON -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["profile", "measure"])
def test_json_report_validates_against_its_shipped_schema(store: Store, kind: str) -> None:
    run_id = store.profile if kind == "profile" else store.measure
    completed = cli("--db", str(store.db), "--run", str(run_id), "--format", "json")
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    schema = json_report.schema()
    validate(document, schema)
    validate(document, strict(schema))  # and every field it writes is documented
    assert document["format"] == "flake8-import-cost/report" and document["version"] == 1


def test_json_report_holds_everything_the_store_has(store: Store) -> None:
    document = json.loads(json_report.render(store.report(store.profile, findings=FINDINGS)))
    with closing(sqlite3.connect(store.db)) as connection:
        for table in ("modules", "statements", "imports", "queries", "failures"):
            count = connection.execute(f"SELECT COUNT(*) FROM {table} WHERE run_id = ?", (store.profile,)).fetchone()
            assert len(document[table]) == count[0], table
    views = next(m for m in document["modules"] if m["name"] == "shop.views")
    assert views["self_us"] == {"median": 2000, "min": 1900, "max": 2200, "iqr": pytest.approx(150), "samples":
                                [1900, 2000, 2200]}  # fmt: skip
    assert document["run"]["details"] == {"django_settings": "shop.settings", "url": "/"}
    assert document["run"]["total_samples"] == [420_000, 425_000, 431_000]
    assert document["statements"][0]["code"] == "import pandas as pd"
    assert document["queries"][2]["function"] == "ShopConfig.ready"
    assert len(document["findings"]) == 4
    validate(document, strict(json_report.schema()))
    measured = json.loads(json_report.render(store.report(store.measure)))
    assert measured["failures"] == [
        {"target": "broken", "reason": "ModuleNotFoundError: No module named 'broken'\n(while importing broken)"},
        {"target": "slow", "reason": "timed out after 30 s"},
    ]


def test_hostile_names_in_json(hostile: Any) -> None:
    document = json.loads(json_report.render(hostile))
    assert [m["name"] for m in document["modules"]] == ["pkg", *(f"pkg.{name}" for name in HOSTILE_NAMES)]
    validate(document, strict(json_report.schema()))
    assert {line["path"] for item in document["worklist"] for line in item["lines"]} == {f"pkg/{HOSTILE}.py"}
    assert [item["codes"] for item in document["worklist"]] == [["IMC203", "IMC402"], ["IMC402"]]


# -- the worklist: --findings ---------------------------------------------------------------------------

WORK_FILES = {
    # flake8's own configuration: per-file-ignores and thresholds the rules read (shop/cli.py, which
    # the start-up does not import, is held to the on-demand threshold).
    "setup.cfg": "[flake8]\nper-file-ignores =\n    shop/legacy.py: IMC402\nimport-cost-threshold-ms = 10\n"
    "import-cost-on-demand-threshold-ms = 10\n",
    "strict.cfg": "[flake8]\nimport-cost-threshold-ms = 500\n",
    "shop/__init__.py": "",
    "shop/views.py": "import pandas\nfrom shop import exports, helpers, config\nDATA = open('data.txt').read()\n\n\n"
    "def frame():\n    return pandas.DataFrame()\n",
    "shop/exports.py": "import pandas\n\n\ndef series():\n    return pandas.Series()\n",
    "shop/helpers.py": "import pandas  # noqa: IMC101\n\n\ndef table():\n    return pandas.DataFrame()\n",
    "shop/config.py": "import yaml\n\n\ndef load(text):\n    return yaml.safe_load(text)\n",
    "shop/cli.py": "import slowlib\n\n\ndef main():\n    return slowlib.run()\n",
    "shop/reports.py": "import openpyxl\nTEMPLATE = open('template.xlsx', 'rb').read()\n\n\ndef book():\n"
    "    return openpyxl.Workbook()\n",
    "shop/legacy.py": "DATA = open('data.txt').read()\n",
    "shop/broken.py": "def (:\n",
}


def _one(ms: float) -> Spread:
    return Spread([ms * 1000])


def work_run(root: Path) -> Run:
    """The profiled start-up of WORK_FILES: shop.views imports pandas, which two other project lines
    import too (one with ``# noqa``), and shop.config imports yaml, which a package outside the
    project imports at start-up anyway. Statements are traced: twice as slow as untraced."""
    write_files(root, WORK_FILES)
    run = Run("profile", project_root=root, command=["profile", "--module", "shop.views"], repeat=1,
              started_at=STARTED)  # fmt: skip
    run.total_samples = [420_000]
    run.overhead = 2.0
    for seq, (name, parent, path, self_ms, cum_ms) in enumerate([
        ("somepkg", None, f"{SITE}/somepkg/__init__.py", 1.0, 31.0),
        ("yaml", "somepkg", f"{SITE}/yaml/__init__.py", 30.0, 30.0),
        ("shop", None, "shop/__init__.py", 0.1, 390.0),
        ("shop.views", "shop", "shop/views.py", 2.0, 389.0),
        ("pandas", "shop.views", f"{SITE}/pandas/__init__.py", 80.0, 296.0),
        ("numpy", "pandas", f"{SITE}/numpy/__init__.py", 216.0, 216.0),
        ("shop.exports", "shop.views", "shop/exports.py", 0.5, 0.5),
        ("shop.helpers", "shop.views", "shop/helpers.py", 0.5, 0.5),
        ("shop.config", "shop.views", "shop/config.py", 0.5, 0.5),
    ]):  # fmt: skip
        run.modules.append(ModuleTiming("", seq, name, parent, 0, _path(root, path), _one(self_ms),
                                        _one(cum_ms)))  # fmt: skip
    views, exports, helpers, config = (str(root / "shop" / f"{name}.py")
                                       for name in ("views", "exports", "helpers", "config"))
    for path, line, module, ms in [(views, 1, "shop.views", 600.0), (views, 2, "shop.views", 4.0),
                                   (views, 3, "shop.views", 12.0), (exports, 1, "shop.exports", 0.02),
                                   (helpers, 1, "shop.helpers", 0.02), (config, 1, "shop.config", 0.02)]:  # fmt: skip
        run.statements.append(StatementTiming(path, line, module, "module", _one(ms)))
    run.imports += [
        ImportEdge(0, "yaml", f"{SITE}/somepkg/__init__.py", 3, True), ImportEdge(1, "pandas", views, 1, True),
        ImportEdge(2, "shop.exports", views, 2, True), ImportEdge(3, "pandas", exports, 1, False),
        ImportEdge(4, "shop.helpers", views, 2, True), ImportEdge(5, "pandas", helpers, 1, False),
        ImportEdge(6, "shop.config", views, 2, True), ImportEdge(7, "yaml", config, 1, False),
    ]  # fmt: skip
    return run


def isolated_run(root: Path) -> Run:
    """A measure run: slowlib, which the start-up does not import, costs 40 ms in isolation."""
    run = Run("measure", project_root=root, command=["measure", "slowlib"], repeat=1, started_at=STARTED)
    run.modules.append(ModuleTiming("slowlib", 0, "slowlib", None, 0, f"{SITE}/slowlib.py", _one(40.0),
                                    _one(40.0)))  # fmt: skip
    return run


class WorkProject:
    """WORK_FILES in a directory, with a database of a measure run then their profiled start-up."""

    def __init__(self, tmp: Path) -> None:
        self.root = tmp / "project"
        self.root.mkdir()
        self.db = self.root / ".import-cost.db"
        self.measure = costdb.write_run(self.db, isolated_run(self.root))
        self.profile = costdb.write_run(self.db, work_run(self.root))

    def report(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return cli(*args, cwd=cwd or self.root, env={"FLAKE8_CONFIG": ""})


@pytest.fixture
def work(tmp_path: Path) -> WorkProject:
    return WorkProject(tmp_path)


def _items(document: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(item["kind"], item["module"] or f"{item['lines'][0]['path']}:{item['lines'][0]['line']}",
             item["codes"], None if item["saving_ms"] is None else round(item["saving_ms"], 3))
            for item in document["worklist"]]  # fmt: skip


def test_the_worklist_ranks_findings_by_what_fixing_them_saves(work: WorkProject) -> None:
    completed = work.report("--format", "json", "--findings", "shop")
    assert completed.returncode == 0, completed.stderr
    # The file that does not parse is skipped with one line, as flake8 reports E999 for it.
    [skipped] = completed.stderr.splitlines()
    assert skipped.startswith(f"flake8-import-cost: skipped {os.path.join('shop', 'broken.py')}: SyntaxError: ")
    document = json.loads(completed.stdout)
    validate(document, strict(json_report.schema()))
    assert _items(document) == [
        # pandas, imported at start-up by three lines: one item, its measured cost in context.
        ("module", "pandas", ["IMC101"], 296.0),
        # slowlib, which the start-up does not import: its cost measured in isolation.
        ("module", "slowlib", ["IMC101"], 40.0),
        # A line: its measured time at start-up, scaled back by the tracing overhead (12 ms traced, 2x).
        ("line", "shop/views.py:3", ["IMC402"], 6.0),
        # yaml: a package outside the project imports it at start-up anyway, so deferring saves nothing.
        ("module", "yaml", ["IMC101"], 0.0),
        # Not measured: last, the module first by the rule's typical cost, then by place.
        ("module", "openpyxl", ["IMC101"], None),
        ("line", "shop/reports.py:2", ["IMC402"], None),
    ]
    pandas, slowlib, line, yaml, openpyxl, _ = document["worklist"]
    assert [item["rank"] for item in document["worklist"]] == [1, 2, 3, 4, 5, 6]
    # Every line that imports pandas at start-up, the one with a noqa too: deferring one saves nothing.
    assert [(w["path"], w["line"], w["codes"], w["at_start_up"]) for w in pandas["lines"]] == [
        ("shop/exports.py", 1, ["IMC101"], True), ("shop/views.py", 1, ["IMC101"], True),
        ("shop/helpers.py", 1, [], True),
    ]  # fmt: skip
    assert pandas["saving_source"] == "measured at start-up"
    assert pandas["note"] == "imported at start-up by several lines: defer them all to save it"
    assert [f["path"] for f in pandas["findings"]] == ["shop/exports.py", "shop/views.py"]
    assert pandas["findings"][1]["message"].startswith("pandas takes ~296 ms to import (measured at start-up); used")
    assert "(measured:" not in pandas["findings"][1]["message"]  # the figure is the item's, not in the text
    assert pandas["findings"][1]["measured_ms"] == pytest.approx(300.0)  # the line's time (600 ms traced)
    assert (slowlib["saving_source"], slowlib["lines"][0]["at_start_up"]) == ("measured", False)
    assert line["findings"][0]["col"] == 8 and line["lines"][0]["at_start_up"]
    assert yaml["note"] == (
        "somepkg/__init__.py:3 outside the project imports it at start-up too: deferring saves nothing"
    )
    assert [(w["path"], w["in_project"]) for w in yaml["lines"]] == [
        ("shop/config.py", True), (f"{SITE}/somepkg/__init__.py", False)
    ]
    assert (openpyxl["estimate_ms"], openpyxl["estimate_source"]) == (pytest.approx(159, abs=100), "typical")
    # per-file-ignores and noqa hold: no finding of shop/legacy.py, nor of shop/helpers.py.
    assert {f["path"] for f in document["findings"]} == {"shop/views.py", "shop/exports.py", "shop/config.py",
                                                         "shop/cli.py", "shop/reports.py"}  # fmt: skip


def test_the_worklist_has_the_findings_flake8_prints(work: WorkProject) -> None:
    document = json.loads(work.report("--format", "json", "--findings", "shop").stdout)
    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "IMC", "shop"], cwd=work.root,
                            capture_output=True, text=True, env=flake8_env(), check=False)  # fmt: skip
    printed = sorted(
        (Path(f.path).as_posix(), f.line, f.col, f.code, f.message.split(" (measured: ")[0])
        for f in Flake8Result(flake8.returncode, flake8.stdout.splitlines(), flake8.stderr).findings
        if f.code.startswith("IMC")
    )  # fmt: skip
    found = sorted((f["path"], f["line"], f["col"], f["code"], f["message"]) for f in document["findings"])
    assert found == printed
    in_items = sorted((f["path"], f["line"], f["col"], f["code"], f["message"])
                      for item in document["worklist"] for f in item["findings"])  # fmt: skip
    assert in_items == found  # every finding is in exactly one item


def test_the_worklist_reads_the_configuration_given(work: WorkProject) -> None:
    document = json.loads(work.report("--format", "json", "--findings", "shop", "--config", "strict.cfg").stdout)
    # Its threshold is above every module's cost, and it ignores nothing in shop/legacy.py.
    assert _items(document) == [
        ("line", "shop/views.py:3", ["IMC402"], 6.0),
        ("line", "shop/legacy.py:1", ["IMC402"], None),
        ("line", "shop/reports.py:2", ["IMC402"], None),
    ]


def test_the_worklist_of_an_older_run_uses_its_figures(work: WorkProject) -> None:
    faster = work_run(work.root)
    faster.modules = [m if m.name != "pandas" else ModuleTiming("", m.seq, m.name, m.parent, 0, m.path,
                      _one(40), _one(100)) for m in faster.modules]  # fmt: skip
    newer = costdb.write_run(work.db, faster)
    latest = json.loads(work.report("--format", "json", "--findings", "shop/views.py").stdout)
    assert latest["run"]["id"] == newer and _items(latest)[0] == ("module", "pandas", ["IMC101"], 100.0)
    completed = work.report("--format", "json", "--run", str(work.profile), "--findings", "shop/views.py")
    older = json.loads(completed.stdout)
    assert older["run"]["id"] == work.profile and _items(older)[0] == ("module", "pandas", ["IMC101"], 296.0)


def test_the_worklist_in_text(work: WorkProject) -> None:
    completed = work.report("--findings", "shop", "--top", "4")
    assert completed.returncode == 0
    out = completed.stdout.split("Worklist: what fixing would save at start-up")[1]
    assert out.splitlines()[0] == " (6 items, 7 findings)"
    lines = out.splitlines()[1:]
    assert lines[0].split() == ["#", "save", "ms", "what"]
    assert lines[1:3] == ["   1     296.0  defer pandas (measured at start-up): imported at start-up by",
                          "                several lines: defer them all to save it"]
    assert "                shop/exports.py:1  IMC101, at start-up: pandas takes ~296 ms" in lines
    assert "                shop/helpers.py:1  no finding, at start-up" in lines
    assert "   2      40.0  defer slowlib (measured in isolation)" in lines
    assert any(line.startswith("   3       6.0  shop/views.py:3:8  IMC402 ") for line in lines)
    assert "                and 1 line outside the project" in lines
    assert lines[-1] == "  … and 2 more"
    assert "Findings, by what fixing them would save" not in completed.stdout  # the worklist holds them
    assert max(len(line) for line in completed.stdout.splitlines()) <= 80
    everything = work.report("--findings", "shop").stdout
    assert "   5         -  defer openpyxl (~" in everything and " typical, not measured)" in everything


@pytest.mark.parametrize(("args", "message"), [
    (["--findings", "nowhere"], "report: no such file or directory: nowhere"),
    (["--findings", "shop", "--config", "missing.cfg"], "does not exist"),
    (["--findings", "shop", "--db", "missing.db"], "report: missing.db: no such file"),
])  # fmt: skip
def test_bad_findings_options_are_one_line_and_exit_2(work: WorkProject, args: list[str], message: str) -> None:
    completed = work.report(*args)
    assert completed.returncode == 2 and completed.stdout == "" and "Traceback" not in completed.stderr
    assert completed.stderr.count("\n") == 1 and message in completed.stderr


def test_a_bad_setting_in_the_configuration_is_one_line(work: WorkProject) -> None:
    (work.root / "setup.cfg").write_text("[flake8]\nimport-cost-threshold-ms = soon\n", encoding="utf-8")
    completed = work.report("--findings", "shop")
    assert completed.returncode == 2 and completed.stdout == "" and "Traceback" not in completed.stderr
    assert completed.stderr.startswith("flake8-import-cost: error: report: ") and "threshold" in completed.stderr


def test_the_worklist_from_another_directory(work: WorkProject, tmp_path: Path) -> None:
    """Paths given from elsewhere are stored as the run stores them."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    completed = work.report("--db", str(work.db), "--format", "json", "--config", str(work.root / "setup.cfg"),
                            "--findings", str(work.root / "shop" / "views.py"), cwd=elsewhere)  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    assert {f["path"] for f in document["findings"]} == {"shop/views.py"}
    assert _items(document)[:2] == [
        ("module", "pandas", ["IMC101"], 296.0), ("line", "shop/views.py:3", ["IMC402"], 6.0)
    ]


def test_the_worklist_in_har(work: WorkProject, tmp_path: Path) -> None:
    output = tmp_path / "start-up.har"
    completed = work.report("--format", "har", "--findings", "shop", "--output", str(output))
    assert completed.returncode == 0
    document = json.loads(output.read_text(encoding="utf-8"))
    validate(document, load_schema("har-1.2.schema.json"))
    log = document["log"]
    assert _items({"worklist": log["_worklist"]})[0] == ("module", "pandas", ["IMC101"], 296.0)
    assert "log._worklist is the worklist of report --findings" in log["comment"]
    by_name = {entry["_module"]: entry for entry in log["entries"]}
    assert by_name["pandas"]["_worklist"] == {"rank": 1, "saving_ms": 296.0}
    assert "; worklist #1: defer it (saves 296.0 ms)" in by_name["pandas"]["comment"]
    views = by_name["shop.views"]
    assert [(f["code"], f["line"]) for f in views["_findings"]] == [("IMC101", 1), ("IMC402", 3)]
    assert views["comment"].endswith("; findings: IMC101 line 1, IMC402 line 3")
    assert "_findings" not in by_name["numpy"] and "_worklist" not in by_name["numpy"]
    plain = json.loads(work.report("--format", "har").stdout)["log"]  # without --findings: none of it
    assert "_worklist" not in plain and all("_findings" not in entry for entry in plain["entries"])


def test_the_worklist_in_speedscope(work: WorkProject) -> None:
    document = json.loads(work.report("--format", "speedscope", "--findings", "shop").stdout)
    validate(document, load_schema("speedscope-file-format-schema.json"))
    assert _items(document["flake8_import_cost"])[0] == ("module", "pandas", ["IMC101"], 296.0)
    names = [frame["name"] for frame in document["shared"]["frames"]]
    # The flame chart shows the codes on the statements they are about.
    assert "shop.views:1 import pandas  [IMC101]" in names
    assert "shop.views:3 DATA = open('data.txt').read()  [IMC402]" in names
    assert "shop.views:2 from shop import exports, helpers, config" in names
    assert "flake8_import_cost" not in json.loads(work.report("--format", "speedscope").stdout)


@pytest.mark.slow  # a real Chromium
def test_the_worklist_in_the_page_in_chromium(browser: Any, work: WorkProject, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    output = tmp_path / "report.html"
    assert work.report("--format", "html", "--findings", "shop", "--output", str(output)).returncode == 0
    open_page(browser, output.read_text(encoding="utf-8"), tmp_path)
    # The worklist is what the page shows first, beside the waterfall.
    details = browser.find_element(By.ID, "details")
    items = details.find_elements(By.CSS_SELECTOR, "ol.worklist > li.work-item")
    assert [item.get_attribute("data-rank") for item in items] == ["1", "2", "3", "4", "5", "6"]
    first = items[0].text.splitlines()
    assert first[:2] == ["296.0 ms", "defer pandas: imported at start-up by several lines: defer them all to save it"]
    assert first[-1] == "shop/helpers.py:1 (at start-up): imports it, no finding"
    assert items[4].text.splitlines()[:2] == ["~159 ms typical, not measured", "defer openpyxl"]
    assert items[4].get_attribute("data-index") is None  # the start-up did not import it: no row to show
    # Clicking an item shows its module in the waterfall, selected, with every line that imports it.
    items[0].click()
    selected = browser.execute_script("return [...document.querySelectorAll('#rows .row.selected .name')]"
                                      ".map(e => e.textContent)")  # fmt: skip
    assert selected == ["pandas"]
    assert details.find_element(By.TAG_NAME, "h2").text == "pandas"
    assert "#1 · deferring it saves 296.0 ms" in details.text
    lines = [li.text for li in details.find_elements(By.CSS_SELECTOR, "li.work-line")]
    assert lines[:2] == [
        "shop/exports.py:1 (at start-up): IMC101 pandas takes ~296 ms to import (measured at start-up); used only"
        " inside functions, so the import can move into them; also imported at start-up by shop/views.py:1 and 1"
        " other line: defer them all to save it",
        "shop/views.py:1 (at start-up): IMC101 pandas takes ~296 ms to import (measured at start-up); used only"
        " inside functions, so the import can move into them; also imported at start-up by shop/exports.py:1 and 1"
        " other line: defer them all to save it",
    ]
    # A line item shows the module of its file, with the findings on their lines.
    details.find_element(By.CSS_SELECTOR, "button.back").click()
    details.find_elements(By.CSS_SELECTOR, "ol.worklist > li.work-item")[2].click()
    assert details.find_element(By.TAG_NAME, "h2").text == "shop.views"
    assert "#3 · line 3 IMC402: fixing it saves 6.0 ms" in details.text
    assert "IMC402" in details.find_element(By.CSS_SELECTOR, "tr[data-line='3']").text
    # A module whose file has no finding but whose deferral is an item is flagged too.
    flags = browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('#rows .row:not([hidden])')]"
        ".map(r => [r.querySelector('.name').textContent, r.querySelector('.flag').hidden ? '' :"
        " r.querySelector('.flag').title]))"
    )
    assert flags["pandas"] == "deferring this module is on the worklist"
    assert flags["shop.views"] == "static findings in this module" and flags["numpy"] == ""
    assert console_errors(browser) == []


@pytest.mark.slow  # a real Chromium
def test_a_long_worklist_draws_its_first_items_then_the_others_on_demand(
    browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    root = tmp_path / "project"
    modules = {f"app/m{i:03}.py": "DATA = open('d.txt').read()\n" for i in range(150)}
    write_files(root, {"app/__init__.py": "", **modules})
    run = Run("profile", project_root=root, command=["x"], repeat=1)
    run.modules.append(ModuleTiming("", 0, "app", None, 0, str(root / "app" / "__init__.py"), _one(1), _one(1)))
    costdb.write_run(root / ".import-cost.db", run)
    output = tmp_path / "report.html"
    completed = cli("--format", "html", "--findings", "app", "--output", str(output), cwd=root,
                    env={"FLAKE8_CONFIG": ""})  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    open_page(browser, output.read_text(encoding="utf-8"), tmp_path)
    details = browser.find_element(By.ID, "details")
    assert len(details.find_elements(By.CSS_SELECTOR, "ol.worklist > li.work-item")) == 100
    more = details.find_element(By.CSS_SELECTOR, "button.more")
    assert more.text == "Show the other 50 items"
    more.click()
    items = details.find_elements(By.CSS_SELECTOR, "ol.worklist > li.work-item")
    assert len(items) == 150 and items[-1].get_attribute("data-rank") == "150"
    assert details.find_elements(By.CSS_SELECTOR, "button.more") == []
    assert console_errors(browser) == []


# -- bad input: one line, exit 2 ------------------------------------------------------------------------


def _empty_schema(path: Path) -> None:
    costdb.migrate(path)


def _sqlite_table(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE t (x)")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (None, "no such file"),
        (lambda p: p.write_bytes(b"\x00garbage, not SQLite" * 400), "not an SQLite database"),
        (lambda p: p.write_bytes(b""), "empty database"),
        (_empty_schema, "no run measured yet"),
        (_sqlite_table, "not a flake8-import-cost"),
        (lambda p: p.mkdir(), "is a directory"),
    ],
    ids=["missing", "corrupt", "zero-bytes", "no-run", "foreign", "directory"],
)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_bad_database_is_one_line_and_exit_2(tmp_path: Path, make: Any, message: str, fmt: str) -> None:
    db = tmp_path / "costs.db"
    if make is not None:
        make(db)
    completed = cli("--db", str(db), "--format", fmt)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1 and "Traceback" not in completed.stderr
    assert completed.stderr.startswith("flake8-import-cost: error: report: ") and message in completed.stderr


def test_unknown_run_is_one_line_and_exit_2(store: Store) -> None:
    completed = cli("--db", str(store.db), "--run", "42")
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr == f"flake8-import-cost: error: report: {store.db}: no run 42 (runs: 1-2)\n"


@pytest.mark.parametrize("args", [["--top", "0"], ["--top", "many"], ["--format", "pdf"], ["--run", "latest"]])
def test_bad_options_are_usage_errors(store: Store, args: list[str]) -> None:
    completed = cli("--db", str(store.db), *args)
    assert completed.returncode == 2 and completed.stdout == "" and "Traceback" not in completed.stderr
    assert completed.stderr.splitlines()[-1].startswith("flake8-import-cost report: error: ")


def test_a_reader_that_stops_early_is_no_error(tmp_path: Path) -> None:
    run = Run("profile", project_root=tmp_path, command=["x"], repeat=1)
    for seq in range(3000):  # far more than a pipe holds
        run.modules.append(ModuleTiming("", seq, f"m{seq}", None, 0, None, Spread([1]), Spread([1])))
    db = tmp_path / "costs.db"
    costdb.write_run(db, run)
    command = f"{sys.executable} -m flake8_import_cost report --db {db} --format json | head -c 10"
    completed = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, check=False)
    assert completed.returncode == 0 and completed.stderr == ""
    assert completed.stdout == '{\n  "forma'


def test_a_truncated_database_is_one_line(store: Store) -> None:
    data = store.db.read_bytes()
    store.db.write_bytes(data[: len(data) // 2])
    completed = cli("--db", str(store.db))
    assert completed.returncode == 2 and "Traceback" not in completed.stderr
    assert completed.stderr.count("\n") == 1


@pytest.mark.parametrize("where", ["missing-dir/report.html", "."])
def test_an_output_that_cannot_be_written_is_one_line(store: Store, tmp_path: Path, where: str) -> None:
    target = tmp_path / where
    completed = cli("--db", str(store.db), "--format", "json", "--output", str(target))
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr.count("\n") == 1 and "Traceback" not in completed.stderr
    assert f"cannot write {target}" in completed.stderr


def test_the_plugin_never_imports_the_report_package() -> None:
    code = "import sys, flake8_import_cost.plugin; print(sorted(m for m in sys.modules if '.report' in m))"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"


# -- HAR ------------------------------------------------------------------------------------------------


def _at(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp() * 1000


@pytest.mark.parametrize("kind", ["profile", "measure"])
def test_har_validates_against_har_1_2(store: Store, kind: str, tmp_path: Path) -> None:
    output = tmp_path / "start-up.har"
    run_id = store.profile if kind == "profile" else store.measure
    completed = cli("--db", str(store.db), "--run", str(run_id), "--format", "har", "--output", str(output))
    assert completed.returncode == 0 and completed.stdout == "", completed.stderr
    document = json.loads(output.read_text(encoding="utf-8"))
    validate(document, load_schema("har-1.2.schema.json"))
    for entry in document["log"]["entries"]:
        timings = entry["timings"]
        assert entry["time"] == pytest.approx(sum(v for v in timings.values() if v != -1))
        if "pageref" in entry:
            assert entry["pageref"] in {page["id"] for page in document["log"]["pages"]}


def test_har_timings_are_real_milliseconds_in_import_order(store: Store) -> None:
    log = har.document(store.report(store.profile))["log"]
    assert "milliseconds" in log["comment"] and "not multiplied by 1000" in log["comment"]
    assert "milliseconds" in log["creator"]["comment"]
    entries = log["entries"]
    assert [e["_module"] for e in entries] == [row[0] for row in PROFILE_MODULES]
    pandas = entries[9]
    assert pandas["request"]["url"] == "python://import/pandas"
    # 80 ms of self time is receive = 80, not 80000; the 216 ms in its imports is the wait.
    assert (pandas["timings"]["receive"], pandas["timings"]["wait"], pandas["time"]) == (80.0, 216.0, 296.0)
    # The waterfall reads as the tree: each module starts inside its importer's bar.
    by_name = {e["_module"]: e for e in entries}
    for name, parent, *_ in PROFILE_MODULES:
        if parent is None:
            continue
        child, outer = by_name[name], by_name[parent]
        assert _at(outer["startedDateTime"]) <= _at(child["startedDateTime"])
        assert _at(child["startedDateTime"]) + child["time"] <= _at(outer["startedDateTime"]) + outer["time"] + 0.01
        assert child["_depth"] == outer["_depth"] + 1
    assert _at(by_name["shop"]["startedDateTime"]) - _at(entries[0]["startedDateTime"]) == pytest.approx(40.0)


def test_har_of_a_measure_run_has_a_page_per_target_and_failed_entries(store: Store) -> None:
    log = har.document(store.report(store.measure))["log"]
    assert [page["title"] for page in log["pages"]] == ["import numpy", "import json"]
    failed = [e for e in log["entries"] if e["response"]["status"] == 500]
    assert [e["_module"] for e in failed] == ["broken", "slow"]


def test_hostile_names_in_har(hostile: Any) -> None:
    document = json.loads(har.render(hostile))
    validate(document, load_schema("har-1.2.schema.json"))
    entries = document["log"]["entries"]
    assert [e["_module"] for e in entries] == ["pkg", *(f"pkg.{name}" for name in HOSTILE_NAMES)]
    assert all("<" not in entry["request"]["url"] for entry in entries)  # percent-encoded
    assert document["log"]["_worklist"] == json.loads(json_report.render(hostile))["worklist"]


# -- speedscope -----------------------------------------------------------------------------------------


def _check_events(profile: dict[str, Any], frames: list[dict[str, Any]]) -> list[list[str]]:
    """The events open and close in order, never go back in time; returns every stack opened."""
    stack: list[int] = []
    stacks = []
    last = profile["startValue"]
    for event in profile["events"]:
        assert event["at"] >= last
        last = event["at"]
        if event["type"] == "O":
            stack.append(event["frame"])
            stacks.append([frames[f]["name"] for f in stack])
        else:
            assert stack and stack.pop() == event["frame"]
    assert not stack and last <= profile["endValue"]
    return stacks


@pytest.mark.parametrize("kind", ["profile", "measure"])
def test_speedscope_validates_against_the_published_schema(store: Store, kind: str) -> None:
    run_id = store.profile if kind == "profile" else store.measure
    completed = cli("--db", str(store.db), "--run", str(run_id), "--format", "speedscope")
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    validate(document, load_schema("speedscope-file-format-schema.json"))
    for profile in document["profiles"]:
        _check_events(profile, document["shared"]["frames"])


def test_speedscope_shows_statements_inside_their_modules(store: Store) -> None:
    document = speedscope.document(store.report(store.profile))
    (profile,) = document["profiles"]
    assert profile["unit"] == "microseconds" and profile["endValue"] == pytest.approx(421_000)
    stacks = _check_events(profile, document["shared"]["frames"])
    assert ["shop", "shop.views", "shop.views:3 import pandas as pd", "pandas", "numpy", "numpy.core"] in stacks
    assert ["shop", "shop.views", "shop.views:4 from shop import reports", "shop.reports",
            "shop.reports:2 import openpyxl", "openpyxl"] in stacks  # fmt: skip
    measured = speedscope.document(store.report(store.measure))
    assert [p["name"] for p in measured["profiles"]] == ["import numpy (run 2)", "import json (run 2)"]
    assert [p["endValue"] for p in measured["profiles"]] == [121_000, 1_500]


def test_hostile_names_in_speedscope(hostile: Any) -> None:
    document = json.loads(speedscope.render(hostile))
    validate(document, load_schema("speedscope-file-format-schema.json"))
    names = {frame["name"] for frame in document["shared"]["frames"]}
    assert {f"pkg.{name}" for name in HOSTILE_NAMES} <= names
    assert document["flake8_import_cost"]["worklist"] == json.loads(json_report.render(hostile))["worklist"]


# -- HTML, without a browser ----------------------------------------------------------------------------


def test_html_page_is_self_contained(store: Store, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    completed = cli("--db", str(store.db), "--format", "html", "--output", str(output))
    assert completed.returncode == 0, completed.stderr
    page = output.read_text(encoding="utf-8")
    assert not re.search(r"<(link|img|iframe|object|embed)\b|\bsrc=|\bhref=|url\(|@import", page, re.IGNORECASE)
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page
    assert page.count("<script") == 2 and page.count("<style") == 1
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL)
    assert data is not None and json.loads(data.group(1))["run"]["id"] == store.profile
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL)
    assert script is not None and "innerHTML" not in script.group(1)
    # The page's script and style are allowed by their hashes.
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page


def test_hostile_names_in_html_are_inert_text(hostile: Any) -> None:
    page = html_page.render(hostile)
    for raw in ("<img", "<b>", "window.pwned=1</script>", "\x1b"):
        assert raw not in page, raw
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL)
    assert data is not None
    assert any(m["name"] == f"pkg.{HOSTILE}" for m in json.loads(data.group(1))["modules"])
    assert "Start-up report: profile run 1" in page


# -- the page in a real browser -------------------------------------------------------------------------


def chromium_driver(width: int = 1280, height: int = 720) -> Any:
    """Headless Debian Chromium driven by selenium, or a skip when no browser is installed."""
    binary, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip("no browser: install Debian's chromium and chromium-driver to run the browser tests")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="report-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                 f"--window-size={width},{height}", "--hide-scrollbars", "--force-device-scale-factor=1"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.profile_directory = profile
    return driver


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = chromium_driver()
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_directory, ignore_errors=True)


def open_page(browser: Any, page: str, directory: Path) -> None:
    from selenium.webdriver.support.wait import WebDriverWait

    path = directory / "report.html"
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))


def visible_names(browser: Any) -> list[str]:
    names: list[str] = browser.execute_script(
        "return [...document.querySelectorAll('#rows .row:not([hidden]) .name')].map(e => e.textContent)"
    )
    return names


def click_module(browser: Any, name: str) -> None:
    from selenium.webdriver.common.by import By

    for element in browser.find_elements(By.CSS_SELECTOR, "#rows .row:not([hidden]) .name"):
        if element.get_property("textContent") == name:
            element.click()
            return
    raise AssertionError(f"no row for {name!r}")


def console_errors(browser: Any) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.mark.slow  # a real Chromium
def test_the_waterfall_in_chromium(browser: Any, store: Store, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_page(browser, html_page.render(store.report(store.profile, findings=FINDINGS)), tmp_path)
    # One bar per measured module, in import order.
    assert visible_names(browser) == [row[0] for row in PROFILE_MODULES]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#rows .row:not([hidden]) .bar")) == len(PROFILE_MODULES)
    assert browser.find_element(By.ID, "shown").text == "15 modules"

    # Searching narrows the rows to the matches and the modules that imported them.
    search = browser.find_element(By.ID, "search")
    search.send_keys("num")
    assert visible_names(browser) == ["shop", "shop.views", "pandas", "numpy", "numpy.core"]
    assert browser.find_element(By.ID, "shown").text == "5 of 15 modules"
    for _ in "num":
        search.send_keys(Keys.BACKSPACE)
    assert len(visible_names(browser)) == len(PROFILE_MODULES)

    # Collapsing a module hides what it imported.
    toggle = browser.find_elements(By.CSS_SELECTOR, "#rows .row:not([hidden]) .toggle")[9]  # pandas
    toggle.click()
    assert "numpy" not in visible_names(browser) and "pytz" not in visible_names(browser)
    toggle.click()

    # Clicking the module with findings shows them on their lines, with its statements and SQL.
    click_module(browser, "shop.views")
    details = browser.find_element(By.ID, "details")
    findings = details.find_elements(By.CSS_SELECTOR, "li.finding")
    assert [f.get_attribute("data-line") for f in findings] == ["2", "5"]
    assert findings[0].text.startswith("line 2, col 1: IMC102 distutils was removed")
    assert "(measured 26.2 ms)" in findings[0].text
    line_5 = details.find_element(By.CSS_SELECTOR, "tr[data-line='5']")
    assert "IMC201" in line_5.text and "CATEGORIES = list(Category.objects.all())" in line_5.text
    assert 'SELECT "shop_category"."id", "shop_category"."name"' in details.text
    click_module(browser, "shop.reports")
    assert "line 2, col 1: IMC101 openpyxl takes ~254 ms" in details.text
    assert "IMC101" in details.find_element(By.CSS_SELECTOR, "tr[data-line='2']").text

    # Sorting, the flat list and the threshold.
    browser.find_element(By.CSS_SELECTOR, "#sort option[value='self']").click()
    browser.find_element(By.ID, "flat").click()
    assert visible_names(browser)[:3] == ["pytz", "pandas", "numpy"]
    browser.execute_script(
        "const t = document.getElementById('threshold'); t.value = 90; t.dispatchEvent(new Event('input'))"
    )
    assert 0 < len(visible_names(browser)) < len(PROFILE_MODULES)
    assert console_errors(browser) == []


@pytest.mark.slow  # a real Chromium
def test_a_measure_run_page_lists_failures(browser: Any, store: Store, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, html_page.render(store.report(store.measure)), tmp_path)
    assert visible_names(browser) == ["numpy", "numpy.core", "json", "json.decoder"]
    failures = browser.find_element(By.ID, "failures")
    assert "broken: ModuleNotFoundError" in failures.text and "slow: timed out after 30 s" in failures.text
    assert console_errors(browser) == []


@pytest.mark.slow  # a real Chromium
def test_hostile_names_are_inert_in_chromium(browser: Any, hostile: Any, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    open_page(browser, html_page.render(hostile), tmp_path)
    assert visible_names(browser) == ["pkg", *(f"pkg.{name}" for name in HOSTILE_NAMES)]
    click_module(browser, f"pkg.{HOSTILE}")
    details = browser.find_element(By.ID, "details")
    assert f"<b>{SCRIPT}</b>" in details.get_property("textContent")
    assert browser.execute_script("return document.querySelectorAll('img, b, #details script').length") == 0
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    # The worklist names the hostile file as text.
    browser.find_element(By.ID, "show-worklist").click()
    assert f"pkg/{HOSTILE}.py:2 IMC402" in details.text and f"<b>{SCRIPT}</b>" in details.text
    assert browser.execute_script("return document.querySelectorAll('img, b, #details script').length") == 0
    assert console_errors(browser) == []


# -- a real profile of examples/ in the browser ---------------------------------------------------------

#: In the page: scroll the waterfall from top to bottom and collect every row drawn, as
#: [index, name, bar width]; only the rows in view are in the DOM.
ALL_ROWS = """
const done = arguments[arguments.length - 1];
const viewport = document.getElementById('viewport');
const seen = new Map();
const collect = () => document.querySelectorAll('#rows .row:not([hidden])').forEach(row => {
  seen.set(Number(row.dataset.index), [Number(row.dataset.index), row.querySelector('.name').textContent,
                                       row.querySelector('.bar').style.width]);
});
(async () => {
  for (let top = 0; ; top += viewport.clientHeight) {
    viewport.scrollTop = top;
    viewport.dispatchEvent(new Event('scroll'));
    await new Promise(requestAnimationFrame);
    await new Promise(requestAnimationFrame);
    collect();
    if (top + viewport.clientHeight >= viewport.scrollHeight) break;
  }
  viewport.scrollTop = 0;
  viewport.dispatchEvent(new Event('scroll'));
  done([...seen.values()]);
})();
"""


def all_rows(browser: Any) -> list[tuple[int, str, str]]:
    """Every row of the waterfall as it stands (scrolled through), in order: index, name, bar width."""
    rows: list[list[Any]] = browser.execute_async_script(ALL_ROWS)
    return [(int(index), str(name), str(width)) for index, name, width in rows]


@pytest.mark.slow  # a real Chromium
def test_the_report_of_a_real_profile_of_the_examples_in_chromium(
    browser: Any, profiled_examples: Path, tmp_path: Path
) -> None:
    """The README's steps: profile examples/, then report --format html with the findings of examples/."""
    from selenium.webdriver.common.by import By

    page = tmp_path / "start-up.html"
    completed = cli("--format", "html", "--findings", "examples/", "--output", str(page), cwd=profiled_examples)
    assert completed.returncode == 0 and completed.stderr == "", completed.stderr
    document = json.loads(cli("--format", "json", "--findings", "examples/", cwd=profiled_examples).stdout)
    modules = [module["name"] for module in document["modules"]]
    assert document["run"]["kind"] == "profile" and len(modules) > 100  # Django's start-up
    browser.set_window_size(1280, 800)
    open_page(browser, page.read_text(encoding="utf-8"), tmp_path)

    # One bar per measured module, every one of them, in import order.
    assert browser.find_element(By.ID, "shown").text == f"{len(modules)} modules"
    rows = all_rows(browser)
    assert [name for _, name, _ in rows] == modules
    assert all(width.endswith("%") for _, _, width in rows)

    # Searching narrows it: the modules whose name matches, and the modules that imported them.
    search = browser.find_element(By.ID, "search")
    search.send_keys("catalog")
    keep = set()
    for index, module in enumerate(document["modules"]):
        if "catalog" in module["name"]:
            while index is not None and index not in keep:
                keep.add(index)
                index = document["modules"][index]["parent_index"]
    narrowed = [name for _, name, _ in all_rows(browser)]
    assert narrowed == [modules[index] for index in sorted(keep)] and len(narrowed) < len(modules)
    assert {"catalog.forms", "catalog.utils", "catalog.views", "catalog.feeds"} <= set(narrowed)
    assert browser.find_element(By.ID, "shown").text == f"{len(narrowed)} of {len(modules)} modules"

    # Clicking the module with a finding shows that finding on its line.
    click_module(browser, "catalog.forms")
    details = browser.find_element(By.ID, "details")
    [finding] = [f for f in document["findings"] if f["path"] == "catalog/forms.py"]
    assert (finding["code"], finding["line"]) == ("IMC101", 9)
    shown = details.find_element(By.CSS_SELECTOR, "li.finding[data-line='9']")
    assert shown.text.startswith("line 9, col 1: IMC101 catalog.utils takes ~")
    line_9 = details.find_element(By.CSS_SELECTOR, "tr[data-line='9']")
    assert "IMC101" in line_9.text and "from catalog.utils import" in line_9.text
    # It is on the worklist as part of deferring catalog.utils, with the other line that imports it.
    assert "deferring it saves" not in details.text  # catalog.forms itself is not the module to defer
    click_module(browser, "catalog.utils")
    assert "IMC401" in details.find_element(By.CSS_SELECTOR, "tr[data-line='20']").text
    assert re.search(r"#\d+ · deferring it saves \d+\.\d ms", details.text)
    assert {"catalog/forms.py:9 (at start-up): IMC101", "catalog/feeds.py:16 (at start-up): IMC101"} <= {
        " ".join(li.text.split()[:4]) for li in details.find_elements(By.CSS_SELECTOR, "li.work-line")
    }
    # The screenshot of the docs: catalog.forms, its finding on line 9, in the waterfall narrowed to "catalog".
    # Set IMPORT_COST_UPDATE_SCREENSHOT=1 to refresh the docs' copy; a plain run leaves the tree alone.
    click_module(browser, "catalog.forms")
    shot = SCREENSHOT if os.environ.get("IMPORT_COST_UPDATE_SCREENSHOT") else tmp_path / SCREENSHOT.name
    assert browser.save_screenshot(str(shot))
    assert console_errors(browser) == []
