"""The text report: what a terminal shows, in 80 columns.

Everything taken from the measured project (module names, paths, source
lines, SQL, failure reasons) goes through :func:`printable`, so a crafted
name cannot move the cursor, recolour the terminal or hide text.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Iterable, Sequence

from typing import TYPE_CHECKING

from flake8_import_cost.report.model import Module, Query, Report

if TYPE_CHECKING:
    from flake8_import_cost.report.worklist import WorkItem

_BOLD = "\x1b[1m"
_CYAN = "\x1b[36m"
_RESET = "\x1b[0m"
#: Unicode categories never written raw: controls (ANSI escapes), format characters
#: (bidirectional overrides), line and paragraph separators, surrogates, unassigned.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn", "Co"})


def printable(text: str) -> str:
    """``text`` with every control or invisible formatting character written as an escape (``\\x1b``)."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if unicodedata.category(char) in _UNPRINTABLE:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def _ms(us: float) -> str:
    return f"{us / 1000:,.1f}"


def _cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _cut_left(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, keeping its end (the file name of a path)."""
    return text if len(text) <= width else "…" + text[len(text) - width + 1:]


def _plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


class _Writer:
    def __init__(self, width: int, colour: bool) -> None:
        self.width = width
        self.colour = colour
        self.lines: list[str] = []

    def heading(self, text: str) -> None:
        if self.lines:
            self.lines.append("")
        text = _cut(text, self.width)
        self.lines.append(f"{_BOLD}{text}{_RESET}" if self.colour else text)

    def line(self, text: str = "") -> None:
        self.lines.append(_cut(text, self.width))

    def wrapped(self, first: str, text: str, indent: int) -> None:
        """``first`` then ``text``, wrapped to the width, the lines after the first indented by ``indent``."""
        room = max(self.width - indent, 20)
        lines = textwrap.wrap(text, room, initial_indent=" " * (len(first) - indent) if len(first) > indent else "",
                              break_on_hyphens=False) or [""]  # fmt: skip
        self.lines.append(_cut(first + lines[0].lstrip(), self.width))
        self.lines.extend(_cut(" " * indent + line, self.width) for line in lines[1:])

    def located(self, location: str, location_width: int, middle: str, rest: str) -> None:
        """``location  middle  rest`` with the location column padded, ``rest`` cut to fit."""
        location = _cut_left(location, location_width)
        used = location_width + 2 + len(middle) + 2
        plain = f"{location:<{location_width}}  {middle}  {_cut(rest, self.width - used)}".rstrip()
        if self.colour:
            plain = f"{_CYAN}{location}{_RESET}{plain[len(location):]}"
        self.lines.append(plain)


def render(report: Report, *, top: int = 20, width: int = 80, colour: bool = False) -> str:
    """The text report, ``top`` rows per table, lines of at most ``width`` columns."""
    out = _Writer(max(width, 40), colour)
    _header(out, report)
    if report.modules:
        _modules(out, report, top)
    if report.statements:
        _statements(out, report, top)
    if report.queries:
        _queries(out, report.queries, top)
    if report.failures:
        out.heading(f"Failed to measure ({len(report.failures):,})")
        for failure in report.failures:
            out.line(f"  {printable(failure.target)}: {printable(' '.join(failure.reason.split()))}")
    if report.worklist:
        _worklist(out, report, top)
    elif report.findings:
        _findings(out, report, top)
    if not (report.modules or report.failures):
        out.line()
        out.line("This run holds no module.")
    return "\n".join(out.lines) + "\n"


def _header(out: _Writer, report: Report) -> None:
    run = report.run
    out.heading(f"Run {run.id}: {run.kind}, {run.started_at}, {run.implementation} {run.python_version}")
    out.line(f"  platform: {printable(run.platform)}")
    if run.command:
        out.line(f"  command: {printable(' '.join(run.command))}")
    repeats = f"median of {_plural(run.repeat, 'run')}"
    if report.is_profile:
        overhead = f"; profiling overhead {run.overhead:.1f}x" if run.overhead else ""
        measured = "" if run.total_us is not None else " (the imports' time line: no total measured)"
        out.line(f"Start-up: {_ms(report.total_us)} ms{measured} ({repeats}{overhead})")
        out.line(f"  {_plural(len(report.modules), 'module')} imported, {_plural(len(report.statements), 'statement')}"
                 f" timed, {_plural(len(report.queries), 'SQL query', 'SQL queries')}")
    else:
        targets = [m for m in report.modules if m.parent_index is None]
        failed = f"; {len(report.failures):,} failed" if report.failures else ""
        out.line(f"Measured {_plural(len(targets), 'module')}, each in a fresh interpreter ({repeats}){failed}")
        out.line(f"  their import times add up to {_ms(sum(m.cumulative_us.median for m in targets))} ms")


def _modules(out: _Writer, report: Report, top: int) -> None:
    # In a measure run a module appears in the tree of every target that imported it: show it once, at its costliest.
    best: dict[str, Module] = {}
    for module in report.modules:
        kept = best.get(module.name)
        if kept is None or module.cumulative_us.median > kept.cumulative_us.median:
            best[module.name] = module
    where = "in context" if report.is_profile else "in isolation"
    for title, by_self in (("self time", True), ("cumulative time", False)):
        out.heading(f"Costliest modules by {title} ({where})")
        out.line(f"{'self ms':>10} {'cum ms':>10}  module")
        ranked = sorted(best.values(), key=lambda m: (-(m.self_us if by_self else m.cumulative_us).median, m.position))
        for module in ranked[:top]:
            self_ms, cum_ms = _ms(module.self_us.median), _ms(module.cumulative_us.median)
            out.line(f"{self_ms:>10} {cum_ms:>10}  {printable(module.name)}")


def _column(locations: Iterable[str], limit: int = 36) -> int:
    return min(max((len(location) for location in locations), default=0), limit)


def _statements(out: _Writer, report: Report, top: int) -> None:
    shown = report.statements[:top]
    out.heading("Costliest import-time statements (inclusive ms)")
    locations = [f"{printable(s.path)}:{s.line}" for s in shown]
    width = _column(locations)
    for location, statement in zip(locations, shown):
        code = printable(statement.code) if statement.code is not None else f"({printable(statement.module)})"
        out.located(location, width, f"{_ms(statement.inclusive_us.median):>9}", code)


def _query_place(query: Query) -> str:
    if query.path is not None:
        return f"{printable(query.path)}:{query.line}"
    if query.function_path is not None:
        return f"{printable(query.function_path)}:{query.function_line}"
    return "(no import-time line)"


def _queries(out: _Writer, queries: Sequence[Query], top: int) -> None:
    groups: dict[str, list[Query]] = {}
    for query in queries:
        groups.setdefault(_query_place(query), []).append(query)
    total = sum(q.duration_us for q in queries)
    out.heading(f"SQL at start-up by line ({_plural(len(queries), 'query', 'queries')}, {_ms(total)} ms)")
    ranked = sorted(groups.items(), key=lambda item: (-sum(q.duration_us for q in item[1]), item[0]))[:top]
    width = _column(place for place, _ in ranked)
    for place, group in ranked:
        first = group[0]
        via = f"in {printable(first.function)}(): " if first.function and first.path is None else ""
        count = f"{len(group):>4}x {_ms(sum(q.duration_us for q in group)):>8}"
        out.located(place, width, count, via + " ".join(printable(first.sql).split()))


def _findings(out: _Writer, report: Report, top: int) -> None:
    out.heading("Findings, by what fixing them would save (measured ms)")
    shown = report.findings[:top]
    locations = [f"{printable(f.path)}:{f.line}:{f.col}" for f in shown]
    width = _column(locations)
    for location, finding in zip(locations, shown):
        cost = "-" if finding.measured_ms is None else f"{finding.measured_ms:,.1f}"
        out.located(location, width, f"{cost:>9}", f"{printable(finding.code)} {printable(finding.message)}")
    if len(report.findings) > top:
        out.line(f"  … and {len(report.findings) - top:,} more")


#: Lines of the project shown under a worklist item; the rest are counted.
_ITEM_LINES = 6
#: Where the text of a worklist item starts.
_ITEM_INDENT = 16


def _worklist(out: _Writer, report: Report, top: int) -> None:
    items = report.worklist
    out.heading(f"Worklist: what fixing would save at start-up ({_plural(len(items), 'item')},"
                f" {_plural(len(report.findings), 'finding')})")  # fmt: skip
    out.line(f"{'#':>4} {'save ms':>9}  what")
    for rank, item in enumerate(items[:top], start=1):
        saving = "-" if item.saving_ms is None else f"{item.saving_ms:,.1f}"
        out.wrapped(f"{rank:>4} {saving:>9}  ", _headline(item), _ITEM_INDENT)
        for text in _item_lines(item):
            out.wrapped(" " * _ITEM_INDENT, text, _ITEM_INDENT + 4)
    if len(items) > top:
        out.line(f"  … and {len(items) - top:,} more")


def _headline(item: WorkItem) -> str:
    if item.kind == "line":
        first = item.findings[0]
        return f"{printable(first.path)}:{first.line}:{first.col}  {printable(first.code)} {printable(first.message)}"
    module = printable(item.module or "")
    if item.saving_ms is None:
        estimate = f"~{item.estimate_ms:,.0f} ms {item.estimate_source}, " if item.estimate_ms is not None else ""
        return f"defer {module} ({estimate}not measured)"
    source = "measured in isolation" if item.saving_source == "measured" else item.saving_source
    if item.note is not None:
        return f"defer {module} ({source}): {printable(item.note)}"
    return f"defer {module} ({source})"


def _item_lines(item: WorkItem) -> list[str]:
    """What goes under the headline: a line item's other findings; a module item's lines, with their findings."""
    if item.kind == "line":
        return [f":{f.col}  {printable(f.code)} {printable(f.message)}" for f in item.findings[1:]]
    shown: list[str] = []
    messages = {(f.path, f.line): f for f in item.findings}
    project = [line for line in item.lines if line.in_project]
    for line in project[:_ITEM_LINES]:
        where = f"{printable(line.path)}:{line.line}"
        finding = messages.get((line.path, line.line))
        started = ", at start-up" if line.at_start_up else ""
        if finding is not None:
            shown.append(f"{where}  {printable(finding.code)}{started}: {printable(finding.message)}")
        else:
            shown.append(f"{where}  no finding{started}")
    if len(project) > _ITEM_LINES:
        shown.append(f"… and {_plural(len(project) - _ITEM_LINES, 'more line')} of the project")
    outside = len(item.lines) - len(project)
    if outside:
        shown.append(f"and {_plural(outside, 'line')} outside the project")
    return shown
