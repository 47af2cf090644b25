"""The worklist of ``report --findings``: the static findings, ranked by what fixing them saves at start-up.

Imported only by ``report --findings``, which runs the rules anyway.

:func:`run_rules` lints files exactly as flake8 reports them (through
:class:`~flake8_import_cost.runner.Linter`: configuration files,
``select``/``ignore``, ``per-file-ignores``, ``# noqa``). :func:`build` joins
each finding to the figures of one run (:class:`~flake8_import_cost.costs.MeasuredCosts`)
and makes the items of the worklist:

* **a module item** for each module that IMC101 findings say is slow to import:
  every IMC101 finding of that module, in every file, and every other line of
  the profiled start-up that imports it, are one item, because deferring one
  of those imports saves nothing while the others remain. Its saving is the
  module's measured cost (in context when the profiled start-up imported it,
  else in isolation from a ``measure`` run); nothing (0 ms) when a line outside
  the project imports it at start-up too.
* **a line item** for every other line with findings (all its codes in one
  item): its saving is the measured time of the line at start-up.

Items with a saving come first, the largest first; items that no run measured
come last, a module item by the cost the rule gave it (the built-in table's
typical cost), then by place. Savings overlap (a slow line inside a slow
module is in both figures): they do not add up.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from flake8_import_cost import costdb
from flake8_import_cost.report.model import Finding, rank_findings
from flake8_import_cost.rules.base import Finding as RuleFinding
from flake8_import_cost.rules.base import render_calls
from flake8_import_cost.rules.imports import SlowImport

if TYPE_CHECKING:
    from flake8_import_cost.costs import MeasuredCosts

#: ``saving_source`` of a figure taken from the profiled start-up.
AT_START_UP = "measured at start-up"


class Linted(NamedTuple):
    """A finding of the rules and the file it is in, as the linter was given it."""

    path: str
    finding: RuleFinding


class WorkLine(NamedTuple):
    """A line of a work item: where a finding stands, or another start-up line that imports the module."""

    path: str
    line: int
    #: The codes of the item's findings on this line (none: a start-up line without a finding).
    codes: tuple[str, ...]
    #: The profiled start-up ran this line (it imported the module, or the line was timed).
    at_start_up: bool
    in_project: bool

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "codes": list(self.codes), "at_start_up": self.at_start_up,
                "in_project": self.in_project}  # fmt: skip


class WorkItem(NamedTuple):
    """One thing to fix, with what fixing it would save at start-up."""

    #: ``module`` (defer every import of ``module``) or ``line`` (the findings of one line).
    kind: str
    #: The module to defer (a module item), else ``None``.
    module: str | None
    #: What fixing it saves, in milliseconds; ``None`` when no run measured it.
    saving_ms: float | None
    #: Where the saving comes from: ``measured at start-up`` or ``measured`` (in isolation).
    saving_source: str | None
    #: An unmeasured module item: the cost the rule gave it, and from where (``typical``).
    estimate_ms: float | None
    estimate_source: str | None
    #: Why the saving is what it is, when that needs saying (a line outside the project imports it too).
    note: str | None
    findings: tuple[Finding, ...]
    #: A module item: every line that imports the module (findings first, in place order); a line item: its line.
    lines: tuple[WorkLine, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.code for f in self.findings))

    @property
    def place(self) -> tuple[str, int]:
        first = self.findings[0] if self.findings else self.lines[0]
        return first.path, first.line

    def as_json(self, rank: int) -> dict[str, Any]:
        return {
            "rank": rank, "kind": self.kind, "module": self.module, "codes": list(self.codes),
            "saving_ms": self.saving_ms, "saving_source": self.saving_source, "estimate_ms": self.estimate_ms,
            "estimate_source": self.estimate_source, "note": self.note,
            "findings": [f._asdict() for f in self.findings], "lines": [line.as_json() for line in self.lines],
        }  # fmt: skip


def run_rules(paths: Sequence[str], argv: Sequence[str], db: str | os.PathLike[str]) -> list[Linted]:
    """The findings flake8 would report on the files under ``paths``, with the flake8 options
    ``argv`` (``--config FILE``), the rules reading the cost database ``db``.

    A file that cannot be read or parsed is skipped with one line on stderr (flake8's E902, E999).
    A bad configuration raises :class:`~flake8_import_cost.settings.SettingsError`.
    """
    from flake8_import_cost.runner import Linter

    linter = Linter(argv)
    settings = linter.settings.replace(db=os.fspath(db))
    linted: list[Linted] = []
    for path in linter.files(paths):
        try:
            found = linter.check_file(path, settings=settings)
        except (OSError, SyntaxError, ValueError) as error:
            print(f"flake8-import-cost: skipped {path}: {type(error).__name__}: {error}", file=sys.stderr)
            continue
        linted.extend(Linted(path, finding) for finding in found)
    return linted


def message(finding: RuleFinding) -> str:
    """The finding's message without the measured figure flake8 adds: the worklist shows it apart."""
    return finding.detail.message() + render_calls(finding.calls)


class _Paths:
    """Paths stored as the run stores them: a project file relative to its root."""

    def __init__(self, costs: MeasuredCosts | None, root: str, base: str | os.PathLike[str] | None) -> None:
        self.costs = costs
        self.root = root
        self.base = base
        self.known: dict[str, tuple[str, bool]] = {}

    def store(self, path: str) -> tuple[str, bool]:
        found = self.known.get(path)
        if found is None:
            located = os.path.join(self.base, path) if self.base is not None else path
            stored = self.costs.stored_path(located) if self.costs is not None else None
            if stored is not None:
                found = (stored, True)
            else:
                relative, in_project = costdb.stored_path(located, self.root) if self.root else (None, False)
                found = (relative or path.replace(os.sep, "/"), in_project)
            self.known[path] = found
        return found


def build(
    linted: Iterable[Linted], costs: MeasuredCosts | None, project_root: str,
    base: str | os.PathLike[str] | None = None, attached: Iterable[Finding] = (),
) -> tuple[list[Finding], list[WorkItem]]:  # fmt: skip
    """The findings as the report keeps them (stored paths, the measured time of their lines),
    costliest first, and the worklist, ranked. Relative paths are relative to ``base``
    (default: the working directory). ``attached`` are findings attached already
    (:func:`~flake8_import_cost.report.model.attach_findings`): they join the line items."""
    paths = _Paths(costs, project_root, base)
    findings: list[Finding] = []
    by_line: dict[tuple[str, int], tuple[bool, list[Finding]]] = {}
    for finding in attached:
        findings.append(finding)
        by_line.setdefault((finding.path, finding.line), (not os.path.isabs(finding.path), []))[1].append(finding)
    #: module -> its IMC101 findings: the finding, the lines of its statements, whether in the project, the detail.
    modules: dict[str, list[tuple[Finding, tuple[int, ...], bool, SlowImport]]] = {}
    for path, raw in linted:
        stored, in_project = paths.store(path)
        located = os.path.join(base, path) if base is not None else path
        measured = costs.statement_ms(located, raw.line) if costs is not None else None
        finding = Finding(raw.code, message(raw), stored, raw.line, raw.col + 1, measured)
        findings.append(finding)
        detail = raw.detail
        if raw.code == "IMC101" and isinstance(detail, SlowImport):
            lines = tuple(dict.fromkeys([raw.line, *(node.lineno for node in detail.statements)]))
            modules.setdefault(detail.module, []).append((finding, lines, in_project, detail))
        else:
            by_line.setdefault((stored, raw.line), (in_project, []))[1].append(finding)
    items = [_module_item(module, found, costs) for module, found in modules.items()]
    items.extend(_line_item(path, line, in_project, found) for (path, line), (in_project, found) in by_line.items())
    items.sort(key=_rank)
    return rank_findings(findings), items


def _line_item(path: str, line: int, in_project: bool, found: list[Finding]) -> WorkItem:
    found.sort(key=lambda f: (f.col, f.code))
    saving = max((f.measured_ms for f in found if f.measured_ms is not None), default=None)
    codes = tuple(dict.fromkeys(f.code for f in found))
    return WorkItem("line", None, saving, AT_START_UP if saving is not None else None, None, None, None,
                    tuple(found), (WorkLine(path, line, codes, saving is not None, in_project),))  # fmt: skip


def _module_item(
    module: str, found: list[tuple[Finding, tuple[int, ...], bool, SlowImport]], costs: MeasuredCosts | None
) -> WorkItem:
    found.sort(key=lambda item: (item[0].path, item[0].line))
    importers = costs.importers(module) if costs is not None else []
    started = {(i.path, i.line) for i in importers}
    lines: dict[tuple[str, int], WorkLine] = {}
    for finding, numbers, in_project, _ in found:
        for number in numbers:
            key = (finding.path, number)
            codes: tuple[str, ...] = (finding.code,) if number == finding.line else ()
            kept = lines.get(key)
            if kept is not None:
                codes = tuple(dict.fromkeys(kept.codes + codes))
            lines[key] = WorkLine(finding.path, number, codes, key in started, in_project)
    for importer in importers:  # the start-up's other lines: deferring one import saves nothing while they remain
        key = (importer.path, importer.line)
        if key not in lines:
            lines[key] = WorkLine(importer.path, importer.line, (), True, importer.in_project)
    cost = costs.module_cost(module) if costs is not None else None
    note = None
    saving: float | None = None
    source: str | None = None
    if cost is not None:
        saving, source = cost.ms, cost.source
        outside = [i for i in importers if not i.in_project]
        if outside and cost.source == AT_START_UP:
            others = len(outside) - 1
            more = f" and {others} other line{'s' * (others != 1)}" if others else ""
            verb = "import" if others else "imports"
            note = f"{outside[0].shown()}{more} outside the project {verb} it at start-up too: deferring saves nothing"
            saving = 0.0
        elif sum(line.at_start_up for line in lines.values()) > 1:
            note = "imported at start-up by several lines: defer them all to save it"
    estimate = None if saving is not None else next((d for *_, d in found if d.cost_ms is not None), None)
    ordered = sorted(lines.values(), key=lambda w: (not w.codes, not w.in_project))
    return WorkItem(
        "module", module, saving, source, estimate.cost_ms if estimate else None,
        estimate.source if estimate else None, note, tuple(f for f, *_ in found), tuple(ordered),
    )  # fmt: skip


def _rank(item: WorkItem) -> tuple[int, float, str, int]:
    path, line = item.place
    if item.saving_ms is not None:
        return 0, -item.saving_ms, path, line
    return 1, -(item.estimate_ms or 0.0), path, line
