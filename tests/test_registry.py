"""The rule registry: the families that load rules lazily declare exactly the registered rules."""

from __future__ import annotations

import subprocess
import sys

from flake8_import_cost.rules import FAMILIES, OFF_BY_DEFAULT, all_rules


def test_families_declare_every_registered_rule_once() -> None:
    declared = [code for family in FAMILIES for code in family.codes]
    assert len(declared) == len(set(declared))
    assert set(declared) == set(all_rules())


def test_off_by_default_matches_the_rules() -> None:
    assert OFF_BY_DEFAULT == {code for code, rule in all_rules().items() if rule.off_by_default}


def test_a_family_loads_only_when_a_file_needs_it() -> None:
    """Linting a plain module never imports the strict, database or code-generator rules."""
    script = (
        "import ast, sys\n"
        "from flake8_import_cost.plugin import Plugin\n"
        "source = 'import os\\nX = [i for i in range(10)]\\n'\n"
        "list(Plugin(ast.parse(source), 'x.py', source.splitlines(True)).run())\n"
        "print(sorted(m for m in sys.modules if m.startswith('flake8_import_cost.rules.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    loaded = eval(out)  # a printed list of module names
    assert "flake8_import_cost.rules.imports" in loaded and "flake8_import_cost.rules.work" in loaded
    for family in ("strict", "orm", "codegen"):
        assert f"flake8_import_cost.rules.{family}" not in loaded
