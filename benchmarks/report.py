"""How fast the HTML report renders a big start-up in a real browser.

Usage: ``python benchmarks/report.py [--modules N] [--repeat N] [--keep DIR]``

Writes a synthetic ``profile`` run of ``--modules`` modules (default 5,000,
a tenth of them project modules, with statements and SQL in proportion) and
the project's files to a real cost database and a directory, runs
``flake8-import-cost report --format html`` on it, without and with
``--findings`` over the project (the rules for real: an IMC402 in every
project module, an IMC101 of one slow package that a fifth of them import),
opens each page in headless Chromium (Debian's ``chromium`` and
``chromedriver``) ``--repeat`` times and prints, as medians:

* the time from navigation start to the waterfall in the DOM, and to the
  first frame painted after it (measured in the page with ``performance.now()``);
* the interaction time of a search (typing a query, and clearing it) and of
  a scroll, from the event to the rows re-rendered and laid out.

The goal is under 1 s to render 5,000 modules. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from flake8_import_cost import costdb
from flake8_import_cost.costdb import ImportEdge, ModuleTiming, Query, Run, Spread, StatementTiming

RENDER_GOAL_MS = 1000.0
#: The package of the synthetic start-up that IMC101 knows to be slow.
SLOW_PACKAGE = "pandas"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--window-size=1400,900",
)  # fmt: skip


def synthetic_run(root: Path, count: int, seed: int = 0) -> Run:
    """A start-up of ``count`` modules: a few hundred project modules importing deep third-party trees."""
    rng = random.Random(seed)
    run = Run("profile", project_root=root, command=["benchmark", str(count)], repeat=3)
    # Parent before child: each new module is imported by one already placed, favouring recent ones (deep trees).
    parents: list[int | None] = [None]
    for index in range(1, count):
        parents.append(None if rng.random() < 0.01 else max(0, index - 1 - int(rng.expovariate(0.05))))
    parents[-1] = None
    self_us = [rng.lognormvariate(5.5, 1.3) for _ in range(count)]
    self_us[-1] = 150_000.0
    cumulative = list(self_us)
    for index in range(count - 1, 0, -1):
        parent = parents[index]
        if parent is not None:
            cumulative[parent] += cumulative[index]
    names: list[str] = []
    for index, parent in enumerate(parents):
        names.append(f"pkg{index}" if parent is None else f"{names[parent].split('.')[0]}.mod{index}")
    names[-1] = SLOW_PACKAGE  # the last module: a slow package, which some project modules import too
    project = {i for i in range(count) if i % 10 == 0}
    package = root / "app"
    package.mkdir(parents=True, exist_ok=True)
    children: dict[int, list[int]] = {}
    for index, parent in enumerate(parents):
        if parent is not None:
            children.setdefault(parent, []).append(index)
    for index in range(count):
        path = str(package / f"m{index}.py") if index in project else f"/site-packages/{names[index]}.py"
        samples = [cumulative[index] * f for f in (0.97, 1.0, 1.05)]
        own = Spread([s * self_us[index] / cumulative[index] for s in samples])
        parent = parents[index]
        importer = names[parent] if parent is not None else None
        run.modules.append(ModuleTiming("", index, names[index], importer, 0, path, own, Spread(samples)))
        if index in project:
            lines = []
            for line, child in enumerate(children.get(index, []), start=1):
                lines.append(f"import {names[child]}")
                run.statements.append(StatementTiming(path, line, names[index], "module", Spread([cumulative[child]])))
                run.imports.append(ImportEdge(len(run.imports), names[child], path, line, True))
            if index % 50 == 0 and index:  # a line that imports the slow package, loaded already (IMC101)
                lines.append(f"import {SLOW_PACKAGE}")
                run.statements.append(StatementTiming(path, len(lines), names[index], "module", Spread([1.0])))
                run.imports.append(ImportEdge(len(run.imports), SLOW_PACKAGE, path, len(lines), False))
            lines.append("VALUE = open(__file__).read()")  # IMC402
            run.statements.append(StatementTiming(path, len(lines), names[index], "module", Spread([self_us[index]])))
            if index % 50 == 0:
                sql = f"SELECT * FROM t{index}"
                run.queries.append(Query(len(run.queries), sql, 300.0, "django", path, len(lines)))
            if index % 50 == 0 and index:
                lines += ["", "", "def frame():", f"    return {SLOW_PACKAGE}.DataFrame()"]
            Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    run.total_samples = [sum(cumulative[i] for i in range(count) if parents[i] is None) * 1.1]
    return run


def chromium() -> Any:
    binary, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if binary is None or driver_path is None:
        raise SystemExit("benchmarks/report.py needs Debian's chromium and chromium-driver (apt-get install -y "
                         "chromium chromium-driver)")  # fmt: skip
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tempfile.mkdtemp(prefix='report-bench-')}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver_path), options=options)


#: In the page: type a query (or clear it) as the search box's input event does, and time it up to the rows laid out.
INTERACTION = """
const [kind, value] = arguments;
const t0 = performance.now();
if (kind === 'search') {
  const box = document.getElementById('search');
  box.value = value;
  box.dispatchEvent(new Event('input'));
} else {
  const viewport = document.getElementById('viewport');
  viewport.scrollTop = value;
  viewport.dispatchEvent(new Event('scroll'));
  await new Promise(requestAnimationFrame);
}
void document.getElementById('rows').offsetHeight;  // force layout
return [performance.now() - t0, document.getElementById('shown').textContent];
"""


#: (label, kind, value): two searches (many matches, then one deep module), clearing it, a scroll of 40,000 px.
INTERACTIONS = (
    ("search 'mod12'", "search", "mod12"),
    ("search 'mod4998'", "search", "mod4998"),
    ("clear search", "search", ""),
    ("scroll", "scroll", 40_000),
)


def measure(page: Path, repeat: int) -> dict[str, list[float]]:
    from selenium.webdriver.support.wait import WebDriverWait

    figures: dict[str, list[float]] = {}
    driver = chromium()
    try:
        for _ in range(repeat):
            driver.get(page.as_uri())
            WebDriverWait(driver, 60).until(
                lambda d: d.execute_script("return !!(window.importCostReport && window.importCostReport.paintedMs)")
            )
            timings = driver.execute_script("return window.importCostReport")
            for key in ("scriptMs", "firstRenderMs", "paintedMs"):
                figures.setdefault(key, []).append(float(timings[key]))
            figures.setdefault("rows", []).append(driver.execute_script(
                "return document.querySelectorAll('#rows .row:not([hidden])').length"))  # fmt: skip
            counts = driver.execute_script("const d = JSON.parse(document.getElementById('report-data').textContent);"
                                           " return [d.worklist.length, d.findings.length]")  # fmt: skip
            figures.setdefault("worklist", []).append(float(counts[0]))
            figures.setdefault("findings", []).append(float(counts[1]))
            for label, kind, value in INTERACTIONS:
                elapsed, shown = driver.execute_script(f"return (async () => {{ {INTERACTION} }})(...arguments)",
                                                       kind, value)  # fmt: skip
                figures.setdefault(label, []).append(float(elapsed))
                figures.setdefault(f"{label} shown", []).append(shown)  # type: ignore[arg-type]
    finally:
        driver.quit()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=5000, help="modules in the synthetic start-up (default 5000)")
    parser.add_argument("--repeat", type=int, default=5, help="page loads (default 5)")
    parser.add_argument("--keep", metavar="DIR", help="write the database and the page to DIR and keep them")
    args = parser.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="report-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db, page = work / "bench.db", work / "report.html"
    db.unlink(missing_ok=True)
    run = synthetic_run(work / "project", args.modules)
    costdb.write_run(db, run)

    print(f"synthetic profile run: {len(run.modules):,} modules, {len(run.statements):,} statements,"
          f" {len(run.queries):,} SQL queries")
    print(f"Chromium {_version()}, median of {args.repeat} page loads:")
    for label, extra in (("report --format html", []),
                         ("report --format html --findings", ["--findings", str(work / "project")])):  # fmt: skip
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flake8_import_cost", "report", "--db", str(db), "--format", "html",
                        "--output", str(page), *extra], check=True, cwd=work)  # fmt: skip
        command_ms = (time.perf_counter() - started) * 1000
        _print(label, page, command_ms, measure(page, args.repeat), len(run.modules))
    if args.keep:
        print(f"kept {db} and {page}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _print(label: str, page: Path, command_ms: float, figures: dict[str, list[float]], modules: int) -> None:
    def median(key: str) -> float:
        return statistics.median(figures[key])

    print(f"{label}: {page.stat().st_size / 1e6:.2f} MB page in {command_ms:.0f} ms (including interpreter"
          " start-up and, with --findings, the rules over the project)")
    if figures["worklist"][-1]:
        print(f"  worklist items                                {figures['worklist'][-1]:>6.0f}"
              f"  (of {figures['findings'][-1]:.0f} findings)")
    print(f"  script (parse data, index, first render)  {median('scriptMs'):8.1f} ms")
    print(f"  navigation start -> waterfall in the DOM   {median('firstRenderMs'):8.1f} ms")
    verdict = "ok" if median("paintedMs") <= RENDER_GOAL_MS else "OVER"
    print(f"  navigation start -> first frame painted    {median('paintedMs'):8.1f} ms"
          f"  (goal <= {RENDER_GOAL_MS:.0f} ms: {verdict})")
    print(f"  rows in the DOM (of {modules:,})                  {median('rows'):8.0f}")
    for label, _, _ in INTERACTIONS:
        shown = figures[f"{label} shown"][-1]
        print(f"  {label:<40} {median(label):8.1f} ms  ({shown})")


def _version() -> str:
    try:
        out = subprocess.run(["chromium", "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "?"
    return (out.stdout.split() or ["?", "?"])[1] if out.stdout else "?"


if __name__ == "__main__":
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium: never look for a driver to download
    raise SystemExit(main())
