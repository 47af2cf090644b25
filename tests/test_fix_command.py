"""``flake8-import-cost fix`` run for real: a subprocess on real files, then flake8 and imports of the result."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import flake8_env, imc_only, read_only_directory, run_flake8, write_files

from flake8_import_cost import costdb

CLI = [sys.executable, "-m", "flake8_import_cost", "fix"]
#: Standard library modules listed as slow, so that the fixed code imports and runs anywhere.
CONFIG = "[flake8]\nimport-cost-slow-modules = json,decimal,fractions,statistics\n"


def fix(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=root, capture_output=True, text=True, env=flake8_env(), timeout=120, check=False
    )


PACKAGE = {
    "setup.cfg": CONFIG,
    "shop/__init__.py": "",
    "shop/prices.py": textwrap.dedent(
        '''\
        """Prices."""
        from __future__ import annotations

        import json
        from decimal import Decimal
        from fractions import Fraction

        RATE = 2


        def total(items: list[Decimal]) -> Decimal:
            return sum((Decimal(i) for i in items), Decimal(0)) * RATE


        def encode(value):
            return json.dumps({"value": str(value)})


        def share(parts):
            return Fraction(1, parts)
        '''
    ),
    "shop/stats.py": textwrap.dedent(
        """\
        import statistics

        MEDIAN = statistics.median([3, 1, 2])


        def spread(values):
            return statistics.pstdev(values)
        """
    ),
}

CALLS = (
    "import shop.prices as p, shop.stats as s, sys; "
    "print(p.total(['1.5', '2']), p.encode(3), p.share(4), s.MEDIAN, s.spread([1, 2, 3]), "
    "sorted(m for m in ('json', 'decimal', 'fractions') if m in sys.modules))"
)


def call(root: Path) -> str:
    result = subprocess.run([sys.executable, "-c", CALLS], cwd=root, capture_output=True, text=True, check=True)
    return result.stdout


def test_fixed_modules_behave_the_same_and_flake8_is_satisfied(tmp_path: Path) -> None:
    write_files(tmp_path, PACKAGE)
    before = call(tmp_path)
    reported = imc_only(run_flake8(tmp_path, {}, isolated=False, paths=("shop",)))
    assert [(f.path, f.line) for f in reported] == [
        ("shop/prices.py", 4), ("shop/prices.py", 5), ("shop/prices.py", 6), ("shop/stats.py", 1)
    ]  # fmt: skip

    result = fix(tmp_path, "shop")
    assert result.returncode == 0, result.stderr
    assert "fixed 3 findings in 1 file; left 1 alone (-v says why)" in result.stderr
    after = call(tmp_path)
    # The same results; the deferred modules are imported by the calls, no longer by the import.
    assert before.rsplit(" [", 1)[0] == after.rsplit(" [", 1)[0]
    imported_only = subprocess.run(
        [sys.executable, "-c", "import shop.prices, sys; print([m for m in ('fractions',) if m in sys.modules])"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "fractions" not in imported_only.stdout
    remaining = imc_only(run_flake8(tmp_path, {}, isolated=False, paths=("shop",)))
    assert [(f.path, f.line) for f in remaining] == [("shop/stats.py", 1)]
    assert fix(tmp_path, "shop", "--check").returncode == 0  # idempotent


def test_check_diff_and_verbose(tmp_path: Path) -> None:
    write_files(tmp_path, PACKAGE)
    original = (tmp_path / "shop/prices.py").read_bytes()
    check = fix(tmp_path, "--check", "shop")
    assert check.returncode == 1
    assert "would fix 3 findings in 1 file" in check.stderr
    diff = fix(tmp_path, "--diff", "shop")
    assert diff.returncode == 0
    assert diff.stdout.startswith("--- a/shop/prices.py\n+++ b/shop/prices.py\n")
    assert "+    import json\n" in diff.stdout
    assert "shop/stats.py:1:1: IMC101 left alone: statistics is used at import time (line 3)" in diff.stderr
    assert (tmp_path / "shop/prices.py").read_bytes() == original
    patched = subprocess.run(["patch", "-p1", "--dry-run"], input=diff.stdout, cwd=tmp_path, capture_output=True,
                             text=True, check=False)  # fmt: skip
    if patched.returncode != 127:
        assert patched.returncode == 0, patched.stdout + patched.stderr


def test_reads_flake8_configuration_noqa_and_select(tmp_path: Path) -> None:
    files = dict(PACKAGE)
    files["setup.cfg"] = CONFIG + "per-file-ignores =\n    shop/stats.py: IMC101\n"
    files["shop/prices.py"] = files["shop/prices.py"].replace("import json\n", "import json  # noqa: IMC101\n")
    write_files(tmp_path, files)
    result = fix(tmp_path, "--check", "-v", "shop")
    assert "would fix 2 findings in 1 file" in result.stderr, result.stderr
    assert "stats.py" not in result.stderr and "prices.py:4:" not in result.stderr
    none = fix(tmp_path, "--check", "--select", "IMC102", "shop")
    assert none.returncode == 0 and "would fix 0 findings" in none.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "IMC201"], "fix: no fix for IMC201 (the fixable codes are IMC101, IMC102)"),
        (["missing.py"], "fix: no such file or directory: missing.py"),
    ],
)
def test_usage_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = fix(tmp_path, *args)
    assert result.returncode == 2
    assert result.stderr == f"flake8-import-cost: error: {message}\n"


SOURCE = "import json\n\n\ndef f():\n    return json.dumps('é')\n"
FIXED = "def f():\n    import json\n\n    return json.dumps('é')\n"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(SOURCE.encode(), FIXED.encode(), id="utf-8"),
        pytest.param(SOURCE.replace("\n", "\r\n").encode(), FIXED.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(b"\xef\xbb\xbf" + SOURCE.encode(), b"\xef\xbb\xbf" + FIXED.encode(), id="bom"),
        pytest.param(SOURCE.rstrip("\n").encode(), FIXED.rstrip("\n").encode(), id="no-final-newline"),
        pytest.param(("# -*- coding: latin-1 -*-\n" + SOURCE).encode("latin-1"),
                     ("# -*- coding: latin-1 -*-\n" + FIXED).encode("latin-1"), id="cookie"),
        pytest.param(("# -*- coding: latin-1 -*-\nX = 1\n" + SOURCE).encode("latin-1"),
                     ("# -*- coding: latin-1 -*-\nX = 1\n\n\n" + FIXED).encode("latin-1"), id="cookie-and-code"),
    ],
)
def test_files_keep_their_bytes(tmp_path: Path, raw: bytes, expected: bytes) -> None:
    (tmp_path / "setup.cfg").write_text(CONFIG, encoding="utf-8")
    path = tmp_path / "mod.py"
    path.write_bytes(raw)
    path.chmod(0o640)
    result = fix(tmp_path, "mod.py")
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == expected
    assert path.stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_bad_files_are_skipped_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "broken.py").write_text("import json\ndef f(:\n", encoding="utf-8")
    (tmp_path / "latin.py").write_bytes("import json\nX = 'é'\n".encode("latin-1"))
    (tmp_path / "lazy.py").write_text("lazy import json\n", encoding="utf-8")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "real.py").write_text("import json\n\ndef f():\n    return json\n", encoding="utf-8")
    (tmp_path / "link.py").symlink_to(outside / "real.py")
    result = fix(tmp_path, "-v", ".")
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert any(line.startswith("./broken.py: skipped: does not parse: SyntaxError") for line in lines)
    assert "./latin.py: skipped: not UTF-8 (byte 17) and no encoding cookie" in lines
    lazy = next(line for line in lines if line.startswith("./lazy.py: skipped"))
    if sys.version_info < (3, 15):
        assert "PEP 810 lazy imports need Python 3.15" in lazy
    assert "./link.py: skipped: a symbolic link (fix its target instead)" in lines
    assert (outside / "real.py").read_text(encoding="utf-8").startswith("import json")
    (tmp_path / "linked").symlink_to(outside, target_is_directory=True)
    named = fix(tmp_path, "linked", "linked/real.py")
    assert named.returncode == 0
    assert "linked: skipped: a symbolic link (fix its target instead)" in named.stderr
    assert (outside / "real.py").read_text(encoding="utf-8").startswith("import json")


def _tree(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes() for path in sorted(directory.rglob("*"))
            if path.is_file()}  # fmt: skip


@pytest.mark.parametrize("argument", [".", "project", "project/shop"])
def test_nothing_outside_the_paths_is_written_through_a_symbolic_link(tmp_path: Path, argument: str) -> None:
    """A directory holding symbolic links out of it, to a file and to a directory of fixable code:
    what is inside is fixed, nothing outside changes (not even a temporary file is left there)."""
    project, outside = tmp_path / "project", tmp_path / "outside"
    write_files(project, PACKAGE)
    write_files(outside, {"shop/prices.py": PACKAGE["shop/prices.py"], "stats.py": PACKAGE["shop/stats.py"]})
    (project / "shop" / "linked.py").symlink_to(outside / "stats.py")
    (project / "shop" / "vendor").symlink_to(outside / "shop", target_is_directory=True)
    (project / "elsewhere").symlink_to(outside, target_is_directory=True)
    before = _tree(outside)
    root = project if argument == "." else tmp_path
    (root / "setup.cfg").write_text(CONFIG, encoding="utf-8")
    result = fix(root, argument)
    assert result.returncode == 0, result.stderr
    assert "fixed " in result.stderr and "Traceback" not in result.stderr
    assert (project / "shop" / "prices.py").read_text(encoding="utf-8") != PACKAGE["shop/prices.py"]
    assert _tree(outside) == before
    assert sorted(path.name for path in outside.rglob("*")) == ["prices.py", "shop", "stats.py"]
    assert (project / "shop" / "linked.py").is_symlink() and (project / "shop" / "vendor").is_symlink()


def test_a_file_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    write_files(tmp_path, PACKAGE)
    before = _tree(tmp_path)
    with read_only_directory(tmp_path / "shop"):
        result = fix(tmp_path, "shop")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert "shop/prices.py: skipped: cannot write it: " in "\n".join(lines)
    assert lines[-1].startswith("fixed 0 findings in 0 files")
    assert _tree(tmp_path) == before


def test_other_modules_and_tests_keep_what_they_import(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "setup.cfg": CONFIG,
        "app/__init__.py": "",
        "app/codec.py": "import json\n\n\ndef dump(x):\n    return json.dumps(x)\n",
        "app/api.py": "from .codec import json\n",
        "app/report.py": "import decimal\n\n\ndef money(x):\n    return decimal.Decimal(x)\n",
        "tests/test_report.py": "from unittest import mock\n\n@mock.patch('app.report.decimal.Decimal')\n"
                                "def test(m): ...\n",
    })  # fmt: skip
    result = fix(tmp_path, "--check", "-v", ".")
    assert "./app/codec.py:1:1: IMC101 left alone: app/api.py:1 imports json from app.codec" in result.stderr
    assert "left alone: tests/test_report.py:3 refers to app.report.decimal (a mock.patch target?)" in result.stderr
    # The project's other files count even when only the package is fixed (the tests are not given).
    only = fix(tmp_path, "--check", "-v", "app")
    assert "app/report.py:1:1: IMC101 left alone: tests/test_report.py:3 refers to app.report.decimal" in only.stderr


def test_a_fix_that_uncovers_another_finding_is_followed_by_another_round(tmp_path: Path) -> None:
    # app/main.py's json is loaded anyway by app.codec, which it imports, until app/codec.py defers its own.
    write_files(tmp_path, {
        "setup.cfg": CONFIG,
        "app/__init__.py": "",
        "app/codec.py": "import json\n\n\ndef dump(x):\n    return json.dumps(x)\n",
        "app/main.py": "import json\n\nfrom app import codec\n\n\ndef run(x):\n    return json.loads(codec.dump(x))\n",
    })  # fmt: skip
    first = imc_only(run_flake8(tmp_path, {}, isolated=False, paths=("app",)))
    assert [(f.path, f.line) for f in first] == [("app/codec.py", 1)]
    result = fix(tmp_path, "app")
    assert result.returncode == 0, result.stderr
    assert "app/main.py:1:1: IMC101 moved json into run()" in result.stderr
    assert "fixed 2 findings in 2 files" in result.stderr
    assert (tmp_path / "app/main.py").read_text(encoding="utf-8").startswith("from app import codec\n")
    assert imc_only(run_flake8(tmp_path, {}, isolated=False, paths=("app",))) == []
    assert fix(tmp_path, "app", "--check").returncode == 0
    rerun = subprocess.run([sys.executable, "-c", "import app.main; print(app.main.run([1]))"], cwd=tmp_path,
                           capture_output=True, text=True, check=True)  # fmt: skip
    assert rerun.stdout == "[1]\n"


def test_a_measured_database_orders_and_weighs(tmp_path: Path) -> None:
    write_files(tmp_path, PACKAGE)
    run = costdb.Run("profile", project_root=tmp_path, command=["profile"], repeat=1)
    spread = costdb.Spread
    run.statements = [
        costdb.StatementTiming(str(tmp_path / "shop/prices.py"), 6, "shop.prices", "<module>", spread([40_000.0])),
        costdb.StatementTiming(str(tmp_path / "shop/prices.py"), 4, "shop.prices", "<module>", spread([2_000.0])),
    ]
    run.imports = [costdb.ImportEdge(1, "json", str(tmp_path / "shop/other.py"), 1, True)]
    costdb.write_run(tmp_path / ".import-cost.db", run)
    result = fix(tmp_path, "--check", "shop")
    lines = [line for line in result.stderr.splitlines() if "IMC101" in line]
    first = "shop/prices.py:6:1: IMC101 moved fractions into share() (saves ~40.0 ms at start-up (measured))"
    assert lines[0] == first
    json_line = next(line for line in lines if ":4:1:" in line)
    assert json_line.endswith("(saves nothing measured yet: shop/other.py:1 imports json at start-up too)")
    (tmp_path / "broken.db").write_bytes(b"not a database at all" * 100)
    broken = fix(tmp_path, "--check", "--db", "broken.db", "shop")
    assert broken.returncode == 1
    assert broken.stderr.splitlines()[0].startswith("flake8-import-cost: cannot use the cost database ")


def test_fix_is_listed_by_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "flake8_import_cost", "--help"], capture_output=True, text=True,
                            check=True, env=dict(os.environ))  # fmt: skip
    assert "fix" in result.stdout
