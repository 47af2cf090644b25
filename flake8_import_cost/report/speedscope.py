"""The speedscope report: the import tree as an "evented" profile for speedscope's flame chart.

The file follows speedscope's published schema
(https://www.speedscope.app/file-format-schema.json). Every module is a
frame, open for its cumulative import time; in a ``profile`` run the
module-body statements are frames inside their module, holding the modules
their line imported. A ``profile`` run is one profile; a ``measure`` run has
one profile per target, each imported in its own interpreter. Values are
microseconds.

With findings (``report --findings``), a statement's frame name ends with the
codes of the findings on its line (``[IMC101]``), which the flame chart
shows and its search finds; the worklist itself is the custom top-level field
``flake8_import_cost.worklist`` (the items of the JSON report): speedscope's
schema allows fields it does not define, and speedscope ignores them.
"""

from __future__ import annotations

import json
from typing import Any

from flake8_import_cost import __version__
from flake8_import_cost.report.model import Report, Span

SCHEMA_URL = "https://www.speedscope.app/file-format-schema.json"
#: Longest frame name (a statement's source line).
_MAX_NAME = 160


class _Frames:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.frames: list[dict[str, Any]] = []
        self.index: dict[tuple[object, ...], int] = {}
        #: (path, line) -> the codes of the findings on that line.
        self.codes: dict[tuple[str, int], list[str]] = {}
        for finding in report.findings:
            codes = self.codes.setdefault((finding.path, finding.line), [])
            if finding.code not in codes:
                codes.append(finding.code)

    def of(self, span: Span) -> int:
        if span.module is not None:
            module = self.report.modules[span.module]
            key: tuple[object, ...] = ("module", module.name, module.path)
            frame: dict[str, Any] = {"name": module.name}
            if module.path:
                frame["file"] = module.path
        else:
            assert span.statement is not None
            statement = self.report.statements[span.statement]
            key = ("line", statement.path, statement.line)
            name = f"{statement.module}:{statement.line} {statement.code or statement.scope}"[:_MAX_NAME]
            codes = self.codes.get((statement.path, statement.line))
            if codes:
                name += f"  [{' '.join(sorted(codes))}]"
            frame = {"name": name, "file": statement.path, "line": statement.line}
        if key not in self.index:
            self.index[key] = len(self.frames)
            self.frames.append(frame)
        return self.index[key]


def _events(spans: list[Span], frames: _Frames, origin: float) -> tuple[list[dict[str, Any]], float]:
    """Open and close events of ``spans`` and everything inside them, times from ``origin``,
    never going backwards; and the last time."""
    events: list[dict[str, Any]] = []
    last = 0.0
    stack: list[tuple[Span, bool]] = [(span, False) for span in reversed(spans)]
    while stack:
        span, closing = stack.pop()
        if closing:
            last = max(last, round(span.end_us - origin, 3))
            events.append({"type": "C", "frame": frames.of(span), "at": last})
            continue
        last = max(last, round(span.start_us - origin, 3))
        events.append({"type": "O", "frame": frames.of(span), "at": last})
        stack.append((span, True))
        stack.extend((child, False) for child in reversed(span.children))
    return events, last


def document(report: Report) -> dict[str, Any]:
    frames = _Frames(report)
    groups: dict[str, list[Span]] = {}
    for span in report.spans:
        target = report.modules[span.module].target if span.module is not None else ""
        groups.setdefault(target, []).append(span)
    profiles = []
    for target, spans in groups.items():
        events, end = _events(spans, frames, spans[0].start_us)
        name = f"start-up (run {report.run.id})" if report.is_profile else f"import {target} (run {report.run.id})"
        profiles.append(
            {"type": "evented", "name": name, "unit": "microseconds", "startValue": 0, "endValue": end,
             "events": events}
        )  # fmt: skip
    document: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "shared": {"frames": frames.frames},
        "profiles": profiles,
        "name": f"flake8-import-cost run {report.run.id} ({report.run.kind})",
        "activeProfileIndex": 0,
        "exporter": f"flake8-import-cost {__version__}",
    }
    if report.worklist:
        document["flake8_import_cost"] = {
            "worklist": [item.as_json(rank) for rank, item in enumerate(report.worklist, start=1)]
        }
    return document


def render(report: Report) -> str:
    return json.dumps(document(report), ensure_ascii=False, separators=(",", ":")) + "\n"
