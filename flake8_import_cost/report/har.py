"""The HAR report: a HAR 1.2 file of the import tree, for HAR viewers' waterfalls.

HAR is made for the requests of a web page; as in importtime-waterfall, each
module is one "request": ``timings.wait`` is the time spent in the modules it
imported and ``timings.receive`` its self time. Times are in **milliseconds**,
as HAR 1.2 defines them, with fractions (to the microsecond): not multiplied by
1000, so the figures a viewer shows are the real ones. Entries come in import
order, each starting where its import started on the start-up's time line, so
the waterfall reads as the import tree. The file says so in its comments.

With ``report --findings``, the worklist is the custom field ``log._worklist``
(the items of the JSON report), each module's entry lists the findings in its
file (``_findings``) and, when deferring it is an item, its rank and saving
(``_worklist``); both are in the entry's ``comment`` too, which viewers show.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from flake8_import_cost import __version__
from flake8_import_cost.report.model import Finding, Module, Report

if TYPE_CHECKING:
    from flake8_import_cost.report.worklist import WorkItem

UNITS = (
    "Timings are in milliseconds, as HAR 1.2 requires, with fractions down to the microsecond"
    " (not multiplied by 1000: 1 ms here is 1 ms of import time)."
)
MAPPING = (
    "One entry per imported module, in import order; timings.wait is the time spent importing the modules it"
    " imported, timings.receive its self time, time their sum (its cumulative import time)."
)
WORKLIST = (
    "log._worklist is the worklist of report --findings, the largest saving first (milliseconds); an entry's"
    " _findings are the findings in its module's file, _worklist its rank when deferring it is an item."
)
#: The URL scheme and host of the entries: a viewer shows the last path segment, the module's name.
URL_PREFIX = "python://import/"


def _ms(us: float) -> float:
    return round(max(us, 0.0) / 1000, 3)


def _base_time(started_at: str) -> datetime:
    try:
        base = datetime.fromisoformat(started_at)
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=timezone.utc)
    return base if base.tzinfo is not None else base.replace(tzinfo=timezone.utc)


def _at(base: datetime, us: float) -> str:
    return (base + timedelta(microseconds=round(us))).isoformat(timespec="microseconds")


def _pages(report: Report) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """One page for a profile run; one per target (fresh interpreter) for a measure run."""
    base = _base_time(report.run.started_at)
    spans: dict[str, list[Module]] = {}
    for module in report.modules:
        spans.setdefault(module.target, []).append(module)
    pages = []
    page_of: dict[str, str] = {}
    for number, (target, modules) in enumerate(spans.items(), start=1):
        start = min(m.start_us for m in modules if m.parent_index is None)
        end = max(m.start_us + m.cumulative_us.median for m in modules if m.parent_index is None)
        page_id = f"run-{report.run.id}" if report.is_profile else f"target-{number}"
        title = f"start-up ({' '.join(report.run.command)})" if report.is_profile else f"import {target}"
        page_of[target] = page_id
        pages.append({
            "startedDateTime": _at(base, start),
            "id": page_id,
            "title": title,
            "pageTimings": {"onContentLoad": -1, "onLoad": _ms(end - start)},
            "comment": UNITS if report.is_profile else f"{target} imported in a fresh interpreter. {UNITS}",
        })  # fmt: skip
    return pages, page_of


def _entry(
    base: datetime, module: Module, level: int, page: str | None, findings: list[Finding],
    work: tuple[int, WorkItem] | None,
) -> dict[str, Any]:  # fmt: skip
    self_ms = _ms(module.self_us.median)
    wait_ms = _ms(module.cumulative_us.median - module.self_us.median)
    where = f" ({module.path})" if module.path else ""
    comment = f"{module.name}{where}: self {self_ms} ms, cumulative {_ms(module.cumulative_us.median)} ms"
    if work is not None:
        rank, item = work
        saving = "not measured" if item.saving_ms is None else f"saves {item.saving_ms:.1f} ms"
        comment += f"; worklist #{rank}: defer it ({saving})"
    if findings:
        comment += "; findings: " + ", ".join(f"{f.code} line {f.line}" for f in findings)
    entry: dict[str, Any] = {
        "startedDateTime": _at(base, module.start_us),
        "time": round(wait_ms + self_ms, 3),
        "request": {
            "method": "GET", "url": URL_PREFIX + quote(module.name, safe=""), "httpVersion": "HTTP/1.1",
            "cookies": [], "headers": [], "queryString": [], "headersSize": -1, "bodySize": -1,
        },
        "response": {
            "status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [], "headers": [],
            "content": {"size": 0, "mimeType": "text/x-python"}, "redirectURL": "", "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"blocked": -1, "dns": -1, "connect": -1, "ssl": -1, "send": 0, "wait": wait_ms,
                    "receive": self_ms},
        "comment": comment,
        "_module": module.name,
        "_path": module.path,
        "_depth": level,
        "_in_project": module.in_project,
    }  # fmt: skip
    if findings:
        entry["_findings"] = [f._asdict() for f in findings]
    if work is not None:
        entry["_worklist"] = {"rank": work[0], "saving_ms": work[1].saving_ms}
    if page is not None:
        entry["pageref"] = page
    return entry


def _failed(base: datetime, at_us: float, target: str, reason: str) -> dict[str, Any]:
    return {
        "startedDateTime": _at(base, at_us),
        "time": 0,
        "request": {"method": "GET", "url": URL_PREFIX + quote(target, safe=""), "httpVersion": "HTTP/1.1",
                    "cookies": [], "headers": [], "queryString": [], "headersSize": -1, "bodySize": -1},
        "response": {"status": 500, "statusText": "import failed", "httpVersion": "HTTP/1.1", "cookies": [],
                     "headers": [], "content": {"size": 0, "mimeType": "text/plain"}, "redirectURL": "",
                     "headersSize": -1, "bodySize": -1},
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
        "comment": f"{target} failed to import: {reason}",
        "_module": target,
    }  # fmt: skip


def document(report: Report) -> dict[str, Any]:
    """The HAR document as a dict."""
    base = _base_time(report.run.started_at)
    pages, page_of = _pages(report)
    levels: list[int] = []
    entries = []
    in_file: dict[str, list[Finding]] = {}
    for finding in sorted(report.findings, key=lambda f: (f.line, f.col, f.code)):
        in_file.setdefault(finding.path, []).append(finding)
    work = {item.module: (rank, item) for rank, item in enumerate(report.worklist, start=1) if item.module}
    for module in report.modules:
        levels.append(0 if module.parent_index is None else levels[module.parent_index] + 1)
        findings = in_file.get(module.path, []) if module.path is not None else []
        entries.append(_entry(base, module, levels[-1], page_of.get(module.target), findings, work.get(module.name)))
    entries.extend(_failed(base, report.timeline_us, f.target, f.reason) for f in report.failures)
    log: dict[str, Any] = {
        "version": "1.2",
        "creator": {"name": "flake8-import-cost", "version": __version__, "comment": UNITS},
        "pages": pages,
        "entries": entries,
        "comment": f"flake8-import-cost run {report.run.id} ({report.run.kind}). {MAPPING} {UNITS}",
    }
    if report.worklist:
        log["comment"] += f" {WORKLIST}"
        log["_worklist"] = [item.as_json(rank) for rank, item in enumerate(report.worklist, start=1)]
    return {"log": log}


def render(report: Report) -> str:
    return json.dumps(document(report), indent=1, ensure_ascii=False) + "\n"
