"""Tests for the ``-X importtime`` runner and parser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flake8_import_cost.measure.importtime_log import (
    ImportRecord,
    measure_module,
    parse_importtime,
)


@pytest.fixture
def modules(tmp_path: Path) -> Path:
    """A directory with a three-level import chain and a few bad modules."""
    (tmp_path / "imc_top.py").write_text("import imc_middle\n")
    (tmp_path / "imc_middle.py").write_text("import imc_leaf\n")
    (tmp_path / "imc_leaf.py").write_text("VALUE = sum(range(1000))\n")
    (tmp_path / "imc_hangs.py").write_text("import time\ntime.sleep(10)\n")
    (tmp_path / "imc_raises.py").write_text("raise RuntimeError('first line\\nsecond line')\n")
    return tmp_path


def test_parse_real_report(modules: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import imc_top"],
        cwd=modules,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr.startswith("import time: self [us] | cumulative | imported package")
    records = parse_importtime(result.stderr)
    assert records, result.stderr
    ours = [r for r in records if r.module.startswith("imc_")]
    assert [(r.module, r.depth) for r in ours] == [
        ("imc_leaf", 2),
        ("imc_middle", 1),
        ("imc_top", 0),
    ]
    leaf, middle, top = ours
    assert all(r.cumulative_us >= r.self_us >= 0 for r in records)
    assert top.cumulative_us >= middle.cumulative_us >= leaf.cumulative_us > 0


def test_parse_real_report_of_json() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import json"],
        capture_output=True,
        text=True,
        check=True,
    )
    records = parse_importtime(result.stderr)
    assert records[-1].module == "json"
    assert records[-1].depth == 0
    assert any(r.module == "json.decoder" and r.depth == 1 for r in records)


def test_parse_skips_other_lines() -> None:
    text = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       120 |        120 |     encodings.aliases\n"
        "some warning: not a record\n"
        "import time:      1500 |       2000 |   pkg.sub\n"
        "import time:        30 |       2030 | pkg\n"
    )
    assert parse_importtime(text) == [
        ImportRecord("encodings.aliases", 120, 120, 2),
        ImportRecord("pkg.sub", 1500, 2000, 1),
        ImportRecord("pkg", 30, 2030, 0),
    ]
    assert parse_importtime("") == []


def test_measure_small_module(modules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    timing = measure_module("imc_top", repeat=3, cwd=str(modules))
    assert timing.error is None
    assert len(timing.self_samples_us) == len(timing.cumulative_samples_us) == 3
    low, high = timing.cumulative_range_us
    assert 0 < low <= timing.cumulative_us <= high
    assert timing.self_us <= timing.cumulative_us
    assert list((modules / "__pycache__").glob("imc_top.*.pyc"))


def test_measure_module_loaded_at_start_up_costs_nothing() -> None:
    timing = measure_module("sys", repeat=1)
    assert timing.error is None
    assert timing.cumulative_samples_us == (0,)


def test_measure_preloaded_module_costs_nothing(modules: Path) -> None:
    timing = measure_module("imc_leaf", repeat=1, cwd=str(modules), preload=["imc_top"])
    assert timing.error is None
    assert timing.cumulative_samples_us == (0,)


def test_measure_missing_module() -> None:
    timing = measure_module("imc_no_such_module_xyz", repeat=2)
    assert timing.error == "ModuleNotFoundError: No module named 'imc_no_such_module_xyz'"
    assert timing.cumulative_samples_us == ()
    assert timing.cumulative_us == 0.0


def test_measure_module_that_raises(modules: Path) -> None:
    timing = measure_module("imc_raises", repeat=1, cwd=str(modules))
    assert timing.error == "RuntimeError: first line second line"


def test_measure_module_that_hangs(modules: Path) -> None:
    timing = measure_module("imc_hangs", repeat=1, timeout=1, cwd=str(modules))
    assert timing.error == "timed out after 1 s"


def test_measure_rejects_code() -> None:
    with pytest.raises(ValueError, match="not a module name"):
        measure_module("os; print(1)")
    with pytest.raises(ValueError, match="not a module name"):
        measure_module("os", preload=["sys\nprint(1)"])


def test_parse_only_the_exact_layout() -> None:
    """A module can print anything to stderr: only CPython's own layout is a record."""
    text = (
        "import time: 1 | 2 | fake\n"
        "import time:  1 |  2 | fake\n"
        "import time:         1 |          2 |  odd_indent\n"
        "import time:         1 |          2 | two words\n"
        "import time:        12 |         34 |   real\n"
        "import time: 1234567890 | 12345678901 | big\n"
    )
    assert parse_importtime(text) == [ImportRecord("real", 12, 34, 1), ImportRecord("big", 1234567890, 12345678901, 0)]


def test_parse_skips_cached_lines_of_python_3_14() -> None:
    """``-X importtime=2`` (3.14) adds lines for modules already imported; they carry no timing."""
    text = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:        57 |         57 |   pkg.sub\n"
        "import time: cached    | cached     |     os\n"
        "import time: cached    | cached     | sys\n"
        "import time:        30 |         87 | pkg\n"
    )
    assert parse_importtime(text) == [ImportRecord("pkg.sub", 57, 57, 1), ImportRecord("pkg", 30, 87, 0)]


@pytest.mark.parametrize("version", ["3.10", "3.12", "3.13"])
def test_parse_real_reports_of_other_versions(version: str) -> None:
    pythons = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))
    if not pythons:
        pytest.skip(f"no Python {version}")
    command = [str(pythons[-1]), "-X", "importtime", "-c", "import email.mime.text"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("import time: self [us]")]
    records = parse_importtime(result.stderr)
    assert len(records) == len(lines)  # every line is a record, and parses
    assert records[-1] == ImportRecord("email.mime.text", records[-1].self_us, records[-1].cumulative_us, 0)
