"""``flake8-import-cost check``: runs written into real SQLite files, the command run for real."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flake8_import_cost import costdb
from flake8_import_cost.costdb import ModuleTiming, Run, Spread, StatementTiming
from flake8_import_cost.measure.stats import p_greater, smallest_p, u_statistic

MINOR = costdb.python_minor()
#: Start-up totals of one machine (µs): the same distribution, shuffled, for "noise only".
BASE = [100_000.0, 103_000.0, 98_000.0, 110_000.0, 95_000.0, 101_000.0, 99_500.0]


def check(root: Path, *args: str, db: str = "costs.db") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "flake8_import_cost", "check", *args, "--db", db]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120, check=False)


def profile_run(
    root: Path, totals: list[float], *, scale: float = 1.0, target: str = "--django-settings shop.settings",
    minor: str = MINOR,
) -> int:  # fmt: skip
    """A profile run of ``totals`` (µs), with modules and statements that grow by ``scale``."""
    run = Run("profile", project_root=root, command=["flake8-import-cost", "profile"], repeat=len(totals),
              target=target)  # fmt: skip
    run.python_version = f"{minor}.0"
    run.total_samples = totals
    for seq, (name, ms) in enumerate([("shop.reports", 40.0), ("openpyxl", 30.0), ("shop", 2.0)]):
        grown = ms * scale if name == "openpyxl" else ms
        run.modules.append(
            ModuleTiming("", seq, name, None, 0, None, Spread([grown * 1000]), Spread([grown * 1000]))
        )
    grown = 30.0 * scale
    run.statements.append(StatementTiming(str(root / "shop/reports.py"), 3, "shop.reports", "module",
                                          Spread([grown * 1000])))  # fmt: skip
    run.statements.append(StatementTiming(str(root / "shop/views.py"), 1, "shop.views", "module", Spread([900])))
    return costdb.write_run(root / "costs.db", run)


def measure_run(root: Path, target: str, cumulative: list[float], minor: str = MINOR) -> int:
    run = Run("measure", project_root=root, command=["flake8-import-cost", "measure"], repeat=len(cumulative))
    run.python_version = f"{minor}.1"
    run.modules.append(ModuleTiming(target, 0, f"{target}.child", target, 1, None,
                                    Spread([c / 2 for c in cumulative]), Spread([c / 2 for c in cumulative])))
    run.modules.append(ModuleTiming(target, 1, target, None, 0, None, Spread([c / 2 for c in cumulative]),
                                    Spread(cumulative)))  # fmt: skip
    return costdb.write_run(root / "costs.db", run)


def shuffled(values: list[float], seed: int) -> list[float]:
    copy = list(values)
    random.Random(seed).shuffle(copy)
    return copy


# -- budgets ----------------------------------------------------------------------------------------------


def test_under_and_over_budget(tmp_path: Path) -> None:
    profile_run(tmp_path, BASE)
    ok = check(tmp_path, "--budget", "150")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines() == [
        f"the start-up (Python {MINOR}): 100.00 ms in run 1 (profile, {_started(tmp_path, 1)}), median of 7;"
        " budget 150 ms: ok",
        "no earlier comparable run: nothing to compare with",
        "check: passed",
    ]
    over = check(tmp_path, "--budget", "99.5")
    assert over.returncode == 1
    assert "budget 99.5 ms: over budget" in over.stdout and over.stdout.endswith("check: FAILED\n")


def _started(root: Path, run_id: int) -> str:
    connection = costdb.open_read_only(root / "costs.db")
    try:
        return str(connection.execute("SELECT started_at FROM runs WHERE id = ?", (run_id,)).fetchone()[0])
    finally:
        connection.close()


def test_module_budget_from_a_measure_run(tmp_path: Path) -> None:
    measure_run(tmp_path, "shop.reports", [40_000, 42_000, 41_000])
    assert check(tmp_path, "--budget", "50", "--module", "shop.reports").returncode == 0
    over = check(tmp_path, "--budget", "30", "--module", "shop.reports")
    assert over.returncode == 1
    assert over.stdout.startswith("shop.reports: 41.00 ms in run 1 (measure, ")


def test_module_budget_from_a_profile_run(tmp_path: Path) -> None:
    measure_run(tmp_path, "openpyxl", [10_000, 11_000, 12_000])
    profile_run(tmp_path, BASE)  # the later run with the module: its in-context cost, 30 ms
    result = check(tmp_path, "--budget", "20", "--module", "openpyxl")
    assert result.returncode == 1
    assert result.stdout.startswith("openpyxl: 30.00 ms in run 2 (profile, ")


# -- regressions ------------------------------------------------------------------------------------------


def test_noise_is_not_a_regression(tmp_path: Path) -> None:
    """Two runs from the same distribution: not flagged, whatever the order of the samples."""
    profile_run(tmp_path, BASE[:5])
    for seed in range(6):
        profile_run(tmp_path, shuffled(BASE, seed)[:5])
        result = check(tmp_path, "--budget", "1000", "--max-regression", "0")
        assert result.returncode == 0, result.stdout
        assert "no regression of more than 0 % beyond noise" in result.stdout


def test_one_slow_sample_is_not_a_regression(tmp_path: Path) -> None:
    profile_run(tmp_path, BASE[:5])
    profile_run(tmp_path, [BASE[0], BASE[1], 250_000.0, BASE[3], BASE[4]])  # the CI machine hiccuped once
    assert check(tmp_path, "--budget", "1000").returncode == 0


def test_growth_within_the_tolerance_is_not_a_regression(tmp_path: Path) -> None:
    profile_run(tmp_path, BASE)
    profile_run(tmp_path, [t * 1.05 for t in BASE])  # 5 % slower, every sample
    result = check(tmp_path, "--budget", "1000", "--max-regression", "10")
    assert result.returncode == 0
    assert "(+5.0 %): no regression of more than 10 % beyond noise" in result.stdout


def test_a_real_regression_is_flagged_with_what_grew(tmp_path: Path) -> None:
    profile_run(tmp_path, BASE)
    profile_run(tmp_path, [t * 1.5 for t in shuffled(BASE, 1)], scale=2.0)
    result = check(tmp_path, "--budget", "1000", "--max-regression", "10")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "100.00 → 150.00 ms (+50.0 %): REGRESSION of more than 10 % beyond noise (Mann-Whitney U, p = 0.000)" in (
        lines[1]
    )
    assert lines[2:] == [
        "what grew (modules, median self time):",
        "  openpyxl     30.00 → 60.00 ms  (+30.00)",
        "what grew (import-time statements, median inclusive time):",
        "  shop/reports.py:3     30.00 → 60.00 ms  (+30.00)",
        "check: FAILED",
    ]


def test_against_a_given_run(tmp_path: Path) -> None:
    slow = profile_run(tmp_path, [t * 2 for t in BASE])
    fast = profile_run(tmp_path, BASE)
    profile_run(tmp_path, [t * 2 for t in shuffled(BASE, 3)])
    assert check(tmp_path, "--budget", "1000").returncode == 1  # against the previous run, the fast one
    assert check(tmp_path, "--budget", "1000", "--against", str(fast)).returncode == 1
    against_slow = check(tmp_path, "--budget", "1000", "--against", str(slow))
    assert against_slow.returncode == 0
    assert f"against run {slow} (profile, " in against_slow.stdout


def test_module_regression_against_the_previous_measure(tmp_path: Path) -> None:
    measure_run(tmp_path, "shop.reports", [40_000, 42_000, 41_000, 40_500, 41_500])
    measure_run(tmp_path, "other", [1_000, 1_000, 1_000])  # not comparable: it does not have the module
    measure_run(tmp_path, "shop.reports", [80_000, 82_000, 81_000, 80_500, 81_500])
    result = check(tmp_path, "--budget", "1000", "--module", "shop.reports")
    assert result.returncode == 1
    assert "against run 1 (measure, " in result.stdout
    assert "  shop.reports.child     20.50 → 40.50 ms  (+20.00)" in result.stdout.splitlines()


def test_runs_of_other_pythons_and_targets_are_not_compared(tmp_path: Path) -> None:
    profile_run(tmp_path, BASE, minor="2.7")
    profile_run(tmp_path, BASE, target="--module shop.cli")
    profile_run(tmp_path, [t * 3 for t in BASE])
    result = check(tmp_path, "--budget", "1000")
    assert result.returncode == 0
    assert "no earlier comparable run" in result.stdout


def test_too_few_samples_to_tell(tmp_path: Path) -> None:
    profile_run(tmp_path, BASE[:2])
    profile_run(tmp_path, [t * 3 for t in BASE[:2]])
    result = check(tmp_path, "--budget", "1000")
    assert result.returncode == 0
    assert "too few samples to tell a regression from noise (2 and 2: at least 3 each are needed" in result.stdout


def test_measured_for_real(tmp_path: Path) -> None:
    """measure, make the module slower, measure again: check sees it."""
    module = tmp_path / "imc_gets_slow.py"
    module.write_text("import time\ntime.sleep(0.001)\n")
    measure = [sys.executable, "-m", "flake8_import_cost", "measure", "imc_gets_slow", "--repeat", "3"]
    subprocess.run(measure, cwd=tmp_path, check=True, capture_output=True, timeout=120)
    assert check(tmp_path, "--budget", "1000", "--module", "imc_gets_slow", db=".import-cost.db").returncode == 0
    module.write_text("import time\ntime.sleep(0.2)\n")
    subprocess.run(measure, cwd=tmp_path, check=True, capture_output=True, timeout=120)
    result = check(tmp_path, "--budget", "1000", "--module", "imc_gets_slow", db=".import-cost.db")
    assert result.returncode == 1, result.stdout
    assert "REGRESSION" in result.stdout
    assert "what grew (modules, median self time):\n  imc_gets_slow  " in result.stdout


# -- bad usage: one line, status 2 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--budget", "100", "--against", "99"), "check: --against: no run 99 in costs.db"),
        (("--budget", "100", "--module", "nothing"),
         f"check: costs.db: no run on Python {MINOR} measured or profiled nothing"),
        (("--budget", "100", "--module", "openpyxl", "--against", "2"),
         "check: --against: run 2 has no figure for openpyxl"),
    ],
)  # fmt: skip
def test_unknown_runs_and_modules(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    profile_run(tmp_path, BASE)
    measure_run(tmp_path, "shop.reports", [1.0, 2.0, 3.0])
    result = check(tmp_path, *args)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"flake8-import-cost: error: {message}\n")


def test_no_profile_run(tmp_path: Path) -> None:
    measure_run(tmp_path, "shop.reports", [1.0, 2.0, 3.0])
    result = check(tmp_path, "--budget", "100")
    assert result.returncode == 2
    assert result.stderr == f"flake8-import-cost: error: check: costs.db: no profile run on Python {MINOR}\n"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "costs.db: no such file"),
        (lambda p: p.write_bytes(b"garbage" * 500), "costs.db: not an SQLite database (corrupt or truncated?)"),
        (lambda p: costdb.migrate(p), "costs.db: empty database, no run measured yet"),
    ],
    ids=["missing", "corrupt", "empty"],
)
def test_database_problems(tmp_path: Path, make: object, message: str) -> None:
    make(tmp_path / "costs.db")  # type: ignore[operator]
    result = check(tmp_path, "--budget", "100")
    assert result.returncode == 2
    assert result.stderr.startswith("flake8-import-cost: error: check: ") and result.stderr.count("\n") == 1
    if "empty" not in message:
        assert result.stderr.endswith(f"{message}\n")


@pytest.mark.parametrize(
    "args",
    [("--budget", "abc"), ("--budget", "0"), ("--budget", "-5"), ("--budget", "nan"), (),
     ("--budget", "10", "--max-regression", "-1"), ("--budget", "10", "--against", "x")],
)  # fmt: skip
def test_bad_numbers(tmp_path: Path, args: tuple[str, ...]) -> None:
    profile_run(tmp_path, BASE)
    result = check(tmp_path, *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "error: " in result.stderr


# -- the test itself --------------------------------------------------------------------------------------


def _brute_force(a: list[float], b: list[float]) -> float:
    values, observed = sorted(a + b), u_statistic(a, b)
    hits = total = 0
    for chosen in itertools.combinations(range(len(values)), len(a)):
        rest = [values[i] for i in range(len(values)) if i not in chosen]
        total += 1
        hits += u_statistic([values[i] for i in chosen], rest) >= observed
    return hits / total


def test_exact_p_values_match_enumeration() -> None:
    rng = random.Random(7)
    for _ in range(40):
        a = [rng.random() + 0.3 for _ in range(rng.randint(1, 6))]
        b = [rng.random() for _ in range(rng.randint(1, 6))]
        assert p_greater(a, b) == pytest.approx(_brute_force(a, b))
    assert p_greater([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]) == pytest.approx(1 / 252) == smallest_p(5, 5)
    assert p_greater([1, 2, 3], [4, 5, 6]) == 1.0
    assert p_greater([], [1.0]) == 1.0


def test_normal_approximation_for_ties_and_large_samples() -> None:
    assert p_greater([2.0, 2.0, 3.0, 3.0], [1.0, 1.0, 2.0, 2.0]) < 0.1
    assert p_greater([1.0] * 5, [1.0] * 5) == 1.0  # all tied: no evidence either way
    rng = random.Random(3)
    same = p_greater([rng.gauss(10, 1) for _ in range(60)], [rng.gauss(10, 1) for _ in range(60)])
    shifted = p_greater([rng.gauss(11, 1) for _ in range(60)], [rng.gauss(10, 1) for _ in range(60)])
    assert same > 0.01 and shifted < 1e-4


def test_docs_example_runs() -> None:
    """The module docstring's claim: the scaled comparison tolerates PCT, not more."""
    before = [100.0, 101.0, 99.0, 102.0, 98.0]
    assert p_greater([b * 1.09 for b in before], [b * 1.10 for b in before]) > 0.05
    assert p_greater([b * 1.30 for b in before], [b * 1.10 for b in before]) <= 0.05
    assert textwrap.dedent(p_greater.__doc__ or "").startswith("The p-value")
