"""Django is the oracle for IMC201 and IMC202.

``tests/djangoproject`` is a real Django project whose modules query the
database at import time in every way the rules know, next to near misses that
don't. ``run_oracle.py`` (in a subprocess, so Django's settings stay out of
this process) creates its database, imports every module with the executed
SQL captured and attributes each query to the import-time line that caused it.
The plugin, run through flake8 on the same files, must report exactly those
lines: precision and recall are printed, and both must be 1.0.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import OUTPUT_LINE, as_python_3_11_numbers_it, flake8_env

PROJECT = Path(__file__).parent / "djangoproject"
RUNNER = PROJECT / "run_oracle.py"
#: The custom manager of ``shop.models.Product``, as a project would configure it.
OPTIONS = ("--select", "IMC201,IMC202", "--import-cost-orm-managers", "published")

Line = tuple[str, int]


def _flake8(*options: str) -> dict[Line, str]:
    """``(path, line) -> "CODE message"`` for the project, from a real flake8 run."""
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *options, "."],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env=flake8_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""
    found: dict[Line, str] = {}
    for output in result.stdout.splitlines():
        match = re.match(OUTPUT_LINE, output)
        assert match is not None, output
        path = match["path"].removeprefix("./")
        found[path, int(match["line"])] = f"{match['code']} {match['message']}"
    return found


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:  # type: ignore[type-arg]
    """What Django did while each module of the project was imported."""
    directory = tmp_path_factory.mktemp("oracle")
    output = directory / "oracle.json"
    result = subprocess.run(
        [sys.executable, str(RUNNER), str(output), str(directory)],
        capture_output=True,
        text=True,
        env=flake8_env(),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"the oracle project failed to run:\n{result.stdout}\n{result.stderr}"
    data: dict[str, list] = json.loads(output.read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return data


@pytest.fixture(scope="module")
def observed(oracle: dict[str, list]) -> set[Line]:  # type: ignore[type-arg]
    """The import-time lines where Django ran SQL or opened a database connection, as Python 3.11
    numbers them (see :func:`as_python_3_11_numbers_it`)."""
    paths = {path for path, _, _ in oracle["events"]}
    lines = {path: as_python_3_11_numbers_it(PROJECT / path) for path in paths}
    return {(path, lines[path].get(line, line)) for path, line, _ in oracle["events"]}


@pytest.fixture(scope="module")
def reported() -> dict[Line, str]:
    return _flake8(*OPTIONS)


def _source(line: Line) -> str:
    return (PROJECT / line[0]).read_text(encoding="utf-8").splitlines()[line[1] - 1].strip()


def test_every_module_imports_under_django(oracle: dict[str, list]) -> None:  # type: ignore[type-arg]
    assert oracle["errors"] == [], "\n".join(oracle["errors"])
    modules = {str(p.relative_to(PROJECT).with_suffix("")).replace("/", ".") for p in PROJECT.rglob("*.py")}
    checked = set(oracle["modules"]) | {"run_oracle", "oracle_site.settings", "shop.models", "shop.apps"}
    missing = sorted(m for m in modules - checked if not m.endswith("__init__"))
    assert not missing, f"modules the oracle never imports: {missing}"


def test_the_oracle_sees_queries_in_every_kind_of_module(observed: set[Line]) -> None:
    files = {path for path, _ in observed}
    assert len(observed) >= 100
    for name in ("services", "forms", "admin", "views", "urls", "shop_tags", "serializers", "reports", "feeds"):
        assert any(Path(path).stem == name for path in files), f"no query observed in {name}.py"


def test_findings_are_exactly_the_lines_where_django_ran_sql(
    observed: set[Line], reported: dict[Line, str]
) -> None:
    found = set(reported)
    true = found & observed
    precision = len(true) / len(found) if found else 0.0
    recall = len(true) / len(observed) if observed else 0.0
    print(f"\nDjango oracle: {len(observed)} query lines, {len(found)} findings; "
          f"precision {precision:.3f}, recall {recall:.3f}")
    problems = [f"missed {path}:{line}: {_source((path, line))}" for path, line in sorted(observed - found)]
    problems += [
        f"false {path}:{line}: {_source((path, line))}\n    {reported[path, line]}"
        for path, line in sorted(found - observed)
    ]
    assert not problems, f"precision {precision:.3f}, recall {recall:.3f}\n" + "\n".join(problems)


#: Lazy uses that docs/rules/IMC201.md names as near misses: each must appear in the project and stay silent.
NEAR_MISSES = {
    "a lazy QuerySet bound to a name": r"^LIVE = Product\.objects\.filter\(live=True\)$",
    "slicing": r"^FIRST_TEN = ORDERED\[:10\]$",
    "queryset= of a form field": r"ModelChoiceField\(queryset=",
    "limit_choices_to=": r"limit_choices_to=",
    "Prefetch(...)": r"Prefetch\(",
    "async methods": r"\.a(count|get)\(\)",
    "a function that is not called": r"^def never_called",
    "QuerySet.none()": r"\.none\(\)",
    "a generator's second iterable": r"for _ in range\(2\) for p in LIVE",
    "a cached function that is not called": r"^COLD = cached_names$",
    "a callable choices=": r"choices=size_choices",
    "a callable initial=": r"initial=Category\.objects\.first,",
    "choices= of a class that keeps it": r'category = Field\(choices=',
    "TYPE_CHECKING": r"TYPED_COUNT = ",
    '__name__ == "__main__"': r"print\(Product\.objects\.count\(\)\)",
}


@pytest.mark.parametrize("pattern", list(NEAR_MISSES.values()), ids=list(NEAR_MISSES))
def test_near_miss_is_silent(pattern: str, observed: set[Line], reported: dict[Line, str]) -> None:
    lines = [
        (str(path.relative_to(PROJECT)), number)
        for path in sorted(PROJECT.rglob("*.py"))
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(pattern, text.strip())
    ]
    assert lines, f"the project has no line matching {pattern!r}"
    assert not [line for line in lines if line in observed], "Django ran SQL there: not a near miss"
    assert not [line for line in lines if line in reported]


def test_custom_manager_is_known_only_through_the_option(reported: dict[Line, str]) -> None:
    published = ("shop/services.py", next(
        number
        for number, text in enumerate((PROJECT / "shop/services.py").read_text().splitlines(), start=1)
        if text.startswith("PUBLISHED = Product.published.count()")
    ))
    assert published in reported
    assert published not in _flake8("--select", "IMC201,IMC202")
