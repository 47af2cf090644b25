"""What a fix saves, from the measured-cost database when there is one, else from the typical costs.

The figures are the plugin's own (:class:`~flake8_import_cost.costs.MeasuredCosts`,
the reader that weights flake8's findings): a ``profile`` run says what each
import-time line cost at start-up and which other lines import the same
module (deferring an import that another start-up line also imports saves
nothing until that line changes too); a ``measure`` run says what the module
costs on its own. Without a database, the built-in table of typical costs
gives the figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flake8_import_cost.knowledge.import_costs import TYPICAL_COSTS_MS
from flake8_import_cost.rules.imports import DeprecatedImport, SlowImport

if TYPE_CHECKING:
    from flake8_import_cost.costs import MeasuredCosts
    from flake8_import_cost.rules.base import Finding


class Saving:
    """What one fix saves: milliseconds (for ordering; ``None`` when unknown) and how the user reads it."""

    __slots__ = ("ms", "text")

    def __init__(self, ms: float | None, text: str) -> None:
        self.ms = ms
        self.text = text


def saving(finding: Finding, path: str, costs: MeasuredCosts | None) -> Saving:
    """What fixing ``finding`` saves, as well as it is known."""
    detail = finding.detail
    modules: list[str] = []
    typical: float | None = None
    source = "typical"
    if isinstance(detail, SlowImport):
        modules = list(dict.fromkeys([detail.imported, detail.module]))
        typical, source = detail.cost_ms, detail.source
    elif isinstance(detail, DeprecatedImport):
        modules = [detail.module]
        typical = TYPICAL_COSTS_MS.get(detail.module)
    if costs is not None:
        own = costs.stored_path(path)
        lines = {getattr(node, "lineno", finding.line) for node in getattr(detail, "statements", [])} | {finding.line}
        for module in modules:
            other = next((i for i in costs.importers(module) if not (i.path == own and i.line in lines)), None)
            if other is not None:
                return Saving(0.0, f"saves nothing measured yet: {other.shown()} imports {module} at start-up too")
        measured = finding.measured_ms if finding.measured_ms is not None else costs.statement_ms(path, finding.line)
        if measured is not None:
            return Saving(measured, f"saves ~{measured:.1f} ms at start-up (measured)")
        for module in modules:
            cost = costs.module_cost(module)
            if cost is not None:
                return Saving(cost.ms, f"saves up to ~{cost.ms:.0f} ms ({cost.source})")
    if typical is not None:
        shown = source if source == "typical" else f"({source})"
        return Saving(typical, f"~{typical:.0f} ms {shown}")
    return Saving(None, "")
