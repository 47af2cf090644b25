"""What a fix saves, from the measured-cost database when there is one, else from the typical costs.

A ``profile`` run knows what each import-time line cost at start-up and which
other lines import the same module: deferring an import that another
start-up line also imports saves nothing until that line changes too. A
``measure`` run knows what the module costs imported on its own. Without a
database, the built-in table of typical costs gives the figure.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from flake8_import_cost.knowledge.import_costs import TYPICAL_COSTS_MS
from flake8_import_cost.rules.imports import DeprecatedImport, SlowImport

if TYPE_CHECKING:
    from flake8_import_cost.rules.base import Finding


class Saving:
    """What one fix saves: milliseconds (for ordering; ``None`` when unknown) and how the user reads it."""

    __slots__ = ("ms", "text")

    def __init__(self, ms: float | None, text: str) -> None:
        self.ms = ms
        self.text = text


class Costs:
    """The latest measured runs of a cost database (for the running Python), read once."""

    def __init__(self, path: str) -> None:
        from flake8_import_cost.costdb import latest_run, open_read_only

        self.db = open_read_only(path)
        try:
            self.profile = latest_run(self.db, "profile")
            self.measure = latest_run(self.db, "measure")
        except sqlite3.Error:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def measured(self, path: str, line: int, modules: list[str]) -> Saving | None:
        from flake8_import_cost.costdb import stored_path

        try:
            if self.profile is not None:
                stored = stored_path(path, self.profile["project_root"])[0]
                row = self.db.execute(
                    "SELECT inclusive_us FROM statements WHERE run_id = ? AND path = ? AND line = ?",
                    (self.profile["id"], stored, line),
                ).fetchone()
                if row is not None:
                    for module in modules:
                        other = self.db.execute(
                            "SELECT path, line FROM imports WHERE run_id = ? AND module = ?"
                            " AND NOT (path = ? AND line = ?) ORDER BY seq LIMIT 1",
                            (self.profile["id"], module, stored, line),
                        ).fetchone()
                        if other is not None:
                            return Saving(0.0, f"saves nothing measured yet: {other['path']}:{other['line']} imports"
                                          f" {module} at start-up too")  # fmt: skip
                    ms = row["inclusive_us"] / 1000
                    return Saving(ms, f"saves ~{ms:.1f} ms at start-up (measured)")
            if self.measure is not None:
                for module in modules:
                    row = self.db.execute(
                        "SELECT cumulative_us FROM modules WHERE run_id = ? AND name = ? ORDER BY depth LIMIT 1",
                        (self.measure["id"], module),
                    ).fetchone()
                    if row is not None:
                        ms = row["cumulative_us"] / 1000
                        return Saving(ms, f"saves up to ~{ms:.0f} ms (measured on its own)")
        except sqlite3.Error:
            return None
        return None


def saving(finding: Finding, path: str, costs: Costs | None) -> Saving:
    """What fixing ``finding`` saves, as well as it is known."""
    detail = finding.detail
    modules: list[str] = []
    typical: float | None = None
    if isinstance(detail, SlowImport):
        modules = list(dict.fromkeys([detail.imported, detail.module]))
        typical = detail.cost_ms
    elif isinstance(detail, DeprecatedImport):
        modules = [detail.module]
        typical = TYPICAL_COSTS_MS.get(detail.module)
    if costs is not None:
        measured = costs.measured(path, finding.line, modules)
        if measured is not None:
            return measured
    if typical is not None:
        return Saving(typical, f"~{typical:.0f} ms typical")
    return Saving(None, "")
