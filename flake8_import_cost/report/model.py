"""What a start-up report holds: one run of the cost database, read once, shared by every format.

:func:`build_report` reads a run from an open database (see
:mod:`flake8_import_cost.costdb`) into a :class:`Report`: the run itself, its
modules as import trees (in import order, each with its parent and its place
on the start-up's time line), the import-time statements with their source
lines, the import edges, the SQL run at start-up, the modules that failed to
measure, and the static findings the caller attaches. Formats only render a
:class:`Report`; none of them reads the database.

Times are microseconds, as the store keeps them; a format converts where its
file format says so (HAR: milliseconds).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tokenize
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from flake8_import_cost import __version__, costdb
from flake8_import_cost.costdb import CostDBError

if TYPE_CHECKING:
    from flake8_import_cost.report.worklist import Linted, WorkItem

#: ``format`` and ``version`` of the JSON report (``report/schema/report-v1.json``).
REPORT_FORMAT = "flake8-import-cost/report"
REPORT_VERSION = 1
#: ``statements.scope`` of a module-body line (as opposed to a line in a class body).
TOP_LEVEL_SCOPES = frozenset({"module", "<module>", ""})
#: Source lines longer than this are cut (minified or generated code).
_MAX_CODE = 240


class Stat(NamedTuple):
    """The median and spread of repeated samples, in microseconds."""

    median: float
    min: float
    max: float
    iqr: float
    samples: tuple[float, ...]

    def as_json(self) -> dict[str, Any]:
        return {"median": self.median, "min": self.min, "max": self.max, "iqr": self.iqr,
                "samples": list(self.samples)}  # fmt: skip


class RunInfo(NamedTuple):
    """A row of ``runs``."""

    id: int
    kind: str
    started_at: str
    finished_at: str
    python_version: str
    python_minor: str
    implementation: str
    platform: str
    command: tuple[str, ...]
    project_root: str
    target: str
    repeat: int
    total_us: float | None
    total_samples: tuple[float, ...]
    overhead: float | None
    details: dict[str, Any]


class Module(NamedTuple):
    """One module of an import tree, at ``position`` in :attr:`Report.modules` (import order).

    ``target`` is the module a ``measure`` run imported in a fresh interpreter
    (the root of this tree), ``""`` in a ``profile`` run. ``parent_index`` is
    the index of the module that imported it, ``None`` for a root.
    ``start_us`` is where its import starts on the report's time line.
    """

    position: int
    target: str
    seq: int
    name: str
    parent: str | None
    parent_index: int | None
    depth: int
    path: str | None
    in_project: bool
    self_us: Stat
    cumulative_us: Stat
    start_us: float


class Statement(NamedTuple):
    """An import-time statement (a module- or class-body line) and its inclusive time.

    ``code`` is the line's source text, read from the file under the run's
    project root when that file exists, else ``None``.
    """

    path: str
    line: int
    module: str
    scope: str
    in_project: bool
    inclusive_us: Stat
    code: str | None


class Import(NamedTuple):
    """An import-time line that imported ``module``; ``first`` when it loaded it."""

    seq: int
    module: str
    path: str
    line: int
    first: bool
    in_project: bool


class Query(NamedTuple):
    """One SQL query run at start-up, with the import-time line (and function) that ran it."""

    seq: int
    path: str | None
    line: int | None
    function_path: str | None
    function_line: int | None
    function: str | None
    sql: str
    duration_us: float
    source: str


class Failure(NamedTuple):
    """A module that a ``measure`` run could not measure, and why."""

    target: str
    reason: str


class Finding(NamedTuple):
    """A static finding of the rules, attached to a report by (path, line).

    ``path`` is as the lint runner gives it (absolute, or relative to the
    directory it ran in); :func:`build_report` stores it the way the database
    stores paths, so it meets the run's modules and statements. ``measured_ms`` is
    what the line costs at start-up, when known.
    """

    code: str
    message: str
    path: str
    line: int
    col: int
    measured_ms: float | None = None


class Span:
    """A stretch of the start-up's time line: a module's import, or a statement inside one.

    ``children`` nest inside it: the modules it imported, and for a module of a
    ``profile`` run, its module-body statements (which hold the modules they
    imported). Spans nest exactly: where the medians of the parts add up to
    more than the median of the whole (they come from different repeats), the
    parts are shrunk in proportion to fit.
    """

    __slots__ = ("start_us", "duration_us", "module", "statement", "children")

    def __init__(self, start_us: float, duration_us: float, module: int | None, statement: int | None) -> None:
        self.start_us = start_us
        self.duration_us = duration_us
        #: Index in :attr:`Report.modules` (a module's span) or ``None``.
        self.module = module
        #: Index in :attr:`Report.statements` (a statement's span) or ``None``.
        self.statement = statement
        self.children: list[Span] = []

    @property
    def end_us(self) -> float:
        return self.start_us + self.duration_us


class Report(NamedTuple):
    """One run, ready to render."""

    run: RunInfo
    #: The start-up's total: the run's measured total, else the end of the time line.
    total_us: float
    #: Where the time line ends: all import trees laid end to end.
    timeline_us: float
    modules: tuple[Module, ...]
    #: Costliest first.
    statements: tuple[Statement, ...]
    imports: tuple[Import, ...]
    queries: tuple[Query, ...]
    failures: tuple[Failure, ...]
    #: Costliest (measured) first; unmeasured ones after, by path and line.
    findings: tuple[Finding, ...]
    #: The time line: one span per root module, in import order.
    spans: tuple[Span, ...]
    #: ``report --findings``: what to fix, ranked by what fixing it saves (see :mod:`.worklist`).
    worklist: tuple[WorkItem, ...] = ()

    @property
    def is_profile(self) -> bool:
        return self.run.kind == "profile"

    def as_json(self) -> dict[str, Any]:
        """The report as the JSON document of ``report-v1.json``."""
        run = self.run
        return {
            "format": REPORT_FORMAT,
            "version": REPORT_VERSION,
            "generator": {"name": "flake8-import-cost", "version": __version__},
            "run": {
                "id": run.id, "kind": run.kind, "started_at": run.started_at, "finished_at": run.finished_at,
                "python_version": run.python_version, "python_minor": run.python_minor,
                "implementation": run.implementation, "platform": run.platform, "command": list(run.command),
                "project_root": run.project_root, "target": run.target, "repeat": run.repeat,
                "total_us": run.total_us, "total_samples": list(run.total_samples), "overhead": run.overhead,
                "details": run.details,
            },
            "total_us": self.total_us,
            "timeline_us": self.timeline_us,
            "modules": [
                {"index": m.position, "target": m.target, "seq": m.seq, "name": m.name, "parent": m.parent,
                 "parent_index": m.parent_index, "depth": m.depth, "path": m.path, "in_project": m.in_project,
                 "start_us": m.start_us, "self_us": m.self_us.as_json(), "cumulative_us": m.cumulative_us.as_json()}
                for m in self.modules
            ],
            "statements": [
                {"path": s.path, "line": s.line, "module": s.module, "scope": s.scope, "in_project": s.in_project,
                 "inclusive_us": s.inclusive_us.as_json(), "code": s.code}
                for s in self.statements
            ],
            "imports": [i._asdict() for i in self.imports],
            "queries": [q._asdict() for q in self.queries],
            "failures": [f._asdict() for f in self.failures],
            "findings": [f._asdict() for f in self.findings],
            "worklist": [item.as_json(rank) for rank, item in enumerate(self.worklist, start=1)],
        }  # fmt: skip


# -- reading a run ----------------------------------------------------------------------------------------


def load(
    db_path: str | os.PathLike[str],
    run_id: int | None = None,
    findings: Iterable[Finding] | None = None,
    findings_base: str | os.PathLike[str] | None = None,
    *,
    lint: Callable[[], Iterable[Linted]] | None = None,
) -> Report:
    """Open the database read-only and build the report of ``run_id`` (default: :func:`default_run`).

    ``lint`` runs the rules (:func:`.worklist.run_rules`) once the run is known to be there;
    their findings make the worklist. Every problem with the file or the run is a
    :class:`CostDBError` of one line.
    """
    db = costdb.open_read_only(db_path)
    try:
        chosen = default_run(db, db_path) if run_id is None else run_id
        if lint is None:
            return build_report(db, chosen, findings=findings, findings_base=findings_base, db_path=db_path)
        _run_row(db, chosen, db_path)
        return build_report(db, chosen, findings=findings, findings_base=findings_base, db_path=db_path,
                            linted=lint())  # fmt: skip
    except sqlite3.Error as error:
        raise CostDBError(f"{os.fspath(db_path)}: {' '.join(str(error).split())}") from None
    finally:
        db.close()


def default_run(db: sqlite3.Connection, db_path: str | os.PathLike[str] = "the database") -> int:
    """The latest ``profile`` run for the running Python's ``major.minor``, else its latest ``measure`` run."""
    for kind in ("profile", "measure"):
        row = costdb.latest_run(db, kind)
        if row is not None:
            return int(row["id"])
    minors = sorted({str(row[0]) for row in db.execute("SELECT DISTINCT python_minor FROM runs")})
    where = os.fspath(db_path)
    if not minors:
        raise CostDBError(f"{where}: no run measured yet")
    raise CostDBError(
        f"{where}: no run on Python {costdb.python_minor()} (runs on Python {', '.join(minors)}): pass --run ID"
    )


def build_report(
    db: sqlite3.Connection,
    run_id: int,
    *,
    findings: Iterable[Finding] | None = None,
    findings_base: str | os.PathLike[str] | None = None,
    db_path: str | os.PathLike[str] = "the database",
    linted: Iterable[Linted] | None = None,
) -> Report:
    """Read run ``run_id`` from ``db`` (a connection from :func:`costdb.open_read_only`).

    ``findings`` are static findings to attach: see :func:`attach_findings`
    (relative paths are relative to ``findings_base``, default the working directory).
    ``linted`` are findings of the rules (:func:`.worklist.run_rules`): they are attached
    too, joined to the run's figures, and ranked with ``findings`` into the worklist.
    """
    run = _run_info(_run_row(db, run_id, db_path))
    lines = _SourceLines(run.project_root)
    statements = sorted(
        (
            Statement(r["path"], r["line"], r["module"], r["scope"], bool(r["in_project"]),
                      _stat(r["inclusive_us"], r["min_us"], r["max_us"], r["iqr_us"], r["samples"]),
                      lines.get(r["path"], r["line"]))
            for r in db.execute("SELECT * FROM statements WHERE run_id = ?", (run_id,))
        ),
        key=lambda s: (-s.inclusive_us.median, s.path, s.line),
    )  # fmt: skip
    imports = [
        Import(r["seq"], r["module"], r["path"], r["line"], bool(r["first"]), bool(r["in_project"]))
        for r in db.execute("SELECT * FROM imports WHERE run_id = ? ORDER BY seq", (run_id,))
    ]
    queries = [
        Query(r["seq"], r["path"], r["line"], r["function_path"], r["function_line"], r["function"], r["sql"],
              float(r["duration_us"]), r["source"])
        for r in db.execute("SELECT * FROM queries WHERE run_id = ? ORDER BY seq", (run_id,))
    ]  # fmt: skip
    failures = [
        Failure(r["target"], r["reason"])
        for r in db.execute("SELECT target, reason FROM failures WHERE run_id = ? ORDER BY target", (run_id,))
    ]
    module_rows = list(db.execute("SELECT * FROM modules WHERE run_id = ? ORDER BY rowid", (run_id,)))
    ordered = _import_order(module_rows)
    timeline = _Timeline(ordered, statements if run.kind == "profile" else [], imports)
    spans = timeline.lay_out()
    modules = tuple(
        Module(index, r["target"], r["seq"], r["name"], r["parent"], parent, r["depth"], r["path"],
               bool(r["in_project"]),
               _stat(r["self_us"], r["self_min_us"], r["self_max_us"], r["self_iqr_us"], r["self_samples"]),
               _stat(r["cumulative_us"], r["cumulative_min_us"], r["cumulative_max_us"], r["cumulative_iqr_us"],
                     r["cumulative_samples"]),
               timeline.starts[index])
        for index, (r, parent) in enumerate(ordered)
    )  # fmt: skip
    timeline_us = spans[-1].end_us if spans else 0.0
    total = run.total_us if run.total_us is not None else timeline_us
    attached = attach_findings(findings or (), run.project_root, statements, findings_base)
    worklist: list[WorkItem] = []
    if linted is not None:
        from flake8_import_cost.costs import MeasuredCosts
        from flake8_import_cost.report import worklist as work

        costs = MeasuredCosts(db, profile=run.id if run.kind == "profile" else None, minor=run.python_minor)
        found, worklist = work.build(linted, costs, run.project_root, findings_base, attached)
        attached = rank_findings(found)
    return Report(
        run, total, timeline_us, modules, tuple(statements), tuple(imports), tuple(queries), tuple(failures),
        tuple(attached), tuple(spans), tuple(worklist),
    )  # fmt: skip


def _run_row(db: sqlite3.Connection, run_id: int, db_path: str | os.PathLike[str]) -> sqlite3.Row:
    """The row of run ``run_id``, or a :class:`CostDBError` that lists the runs there are."""
    db.row_factory = sqlite3.Row
    row: sqlite3.Row | None = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        ids = [int(r[0]) for r in db.execute("SELECT id FROM runs ORDER BY id")]
        known = f"runs: {_id_ranges(ids)}" if ids else "no run measured yet"
        raise CostDBError(f"{os.fspath(db_path)}: no run {run_id} ({known})")
    return row


def attach_findings(
    findings: Iterable[Finding], project_root: str, statements: Sequence[Statement],
    base: str | os.PathLike[str] | None = None,
) -> list[Finding]:  # fmt: skip
    """``findings`` with their paths stored as the database stores them (a relative path is
    relative to ``base``, default the working directory) and a missing measured cost filled in
    from the inclusive time of the finding's line in ``statements``; costliest first, unmeasured
    last by place."""
    measured = {(s.path, s.line): s.inclusive_us.median for s in statements}
    attached = []
    for finding in findings:
        located = os.path.join(base, finding.path) if base is not None else finding.path
        path = costdb.stored_path(located, project_root)[0] or finding.path
        cost = finding.measured_ms
        if cost is None and (path, finding.line) in measured:
            cost = measured[path, finding.line] / 1000
        attached.append(finding._replace(path=path, measured_ms=cost))
    return rank_findings(attached)


def rank_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Costliest (measured) first; unmeasured last, by place."""
    return sorted(findings, key=lambda f: (f.measured_ms is None, -(f.measured_ms or 0.0), f.path, f.line, f.col))


def _run_info(row: sqlite3.Row) -> RunInfo:
    command = _json(row["command"], [])
    details = _json(row["details"], {})
    return RunInfo(
        int(row["id"]), row["kind"], row["started_at"], row["finished_at"], row["python_version"],
        row["python_minor"], row["implementation"], row["platform"],
        tuple(str(part) for part in command) if isinstance(command, list) else (str(command),),
        row["project_root"], row["target"], int(row["repeat"]),
        None if row["total_us"] is None else float(row["total_us"]), _samples(row["total_samples"]),
        None if row["overhead"] is None else float(row["overhead"]),
        details if isinstance(details, dict) else {"value": details},
    )  # fmt: skip


def _json(text: object, default: Any) -> Any:
    try:
        return json.loads(str(text))
    except ValueError:
        return default


def _samples(text: object) -> tuple[float, ...]:
    value = _json(text, [])
    if not isinstance(value, list):
        return ()
    return tuple(float(v) for v in value if isinstance(v, (int, float)) and not isinstance(v, bool))


def _stat(median: float, low: float, high: float, iqr: float, samples: object) -> Stat:
    return Stat(float(median), float(low), float(high), float(iqr), _samples(samples))


def _id_ranges(ids: Sequence[int]) -> str:
    """``1-3, 7`` for ``[1, 2, 3, 7]``."""
    parts: list[str] = []
    start = previous = ids[0]
    for current in [*ids[1:], None]:
        if current is not None and current == previous + 1:
            previous = current
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if current is not None:
            start = previous = current
    return ", ".join(parts)


def _import_order(rows: Sequence[sqlite3.Row]) -> list[tuple[sqlite3.Row, int | None]]:
    """The modules of every tree in import order (each parent before what it imported, siblings by
    ``seq``), trees in the order they were written, with the index of each module's parent.

    A parent that is not in the same tree (or a cycle of parents, in a damaged file)
    makes a module a root rather than losing it.
    """
    by_target: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        by_target.setdefault(row["target"], []).append(row)
    ordered: list[tuple[sqlite3.Row, int | None]] = []
    for tree in by_target.values():
        tree.sort(key=lambda r: r["seq"])
        names = {r["name"] for r in tree}
        children: dict[str | None, list[sqlite3.Row]] = defaultdict(list)
        for r in tree:
            parent = r["parent"] if r["parent"] in names and r["parent"] != r["name"] else None
            children[parent].append(r)
        placed: set[str] = set()
        waiting = list(tree)
        first = True
        while waiting:
            roots, first = (children[None] if first else [waiting[0]]), False
            stack: list[tuple[sqlite3.Row, int | None]] = [(r, None) for r in reversed(roots)]
            while stack:
                r, parent_index = stack.pop()
                if r["name"] in placed:
                    continue
                placed.add(r["name"])
                index = len(ordered)
                ordered.append((r, parent_index))
                stack.extend((child, index) for child in reversed(children[r["name"]]))
            waiting = [r for r in waiting if r["name"] not in placed]
    return ordered


class _Timeline:
    """Lays the import trees out on one time line (:class:`Span`), and records where each module starts.

    Roots follow each other. Inside a module, what it imported follows in
    import order from its start, and its own (self) time comes last, as
    ``-X importtime`` cannot say where in between it fell. In a ``profile``
    run a module's body statements follow each other in line order instead,
    each holding the modules that its line imported first.
    """

    def __init__(
        self, ordered: Sequence[tuple[sqlite3.Row, int | None]], statements: Sequence[Statement],
        imports: Sequence[Import],
    ) -> None:  # fmt: skip
        self.cumulative = [max(float(r["cumulative_us"]), 0.0) for r, _ in ordered]
        self.children: list[list[int]] = [[] for _ in ordered]
        self.roots: list[int] = []
        for index, (_, parent) in enumerate(ordered):
            (self.roots if parent is None else self.children[parent]).append(index)
        self.starts = [0.0] * len(ordered)
        self.names = [str(r["name"]) for r, _ in ordered]
        self.paths = [r["path"] for r, _ in ordered]
        #: module name -> its module-body statements (indices into ``statements``), in line order.
        self.body: dict[str, list[int]] = defaultdict(list)
        for index, statement in sorted(enumerate(statements), key=lambda item: item[1].line):
            if statement.scope in TOP_LEVEL_SCOPES:
                self.body[statement.module].append(index)
        self.statements = statements
        #: (path, line) -> the modules that line imported first.
        self.first_imports: dict[tuple[str, int], set[str]] = defaultdict(set)
        for edge in imports:
            if edge.first:
                self.first_imports[edge.path, edge.line].add(edge.module)

    def lay_out(self) -> list[Span]:
        spans: list[Span] = []
        # (module, start, duration, the list its span goes in); a stack, so the tree is walked without recursion.
        work: list[tuple[int, float, float, list[Span]]] = []
        work.extend((m, s, d, spans) for m, s, d in reversed(_fit(self.roots, self.cumulative, 0.0, None)))
        while work:
            module, start, duration, siblings = work.pop()
            span = Span(start, duration, module, None)
            siblings.append(span)
            self.starts[module] = start
            work.extend(reversed(self._inside(module, span)))
        return spans

    def _inside(self, module: int, span: Span) -> list[tuple[int, float, float, list[Span]]]:
        """Lay out what happened inside ``module``'s span: the work for its children."""
        children = self.children[module]
        body = self.body.get(self.names[module], [])
        if not body:
            placed = _fit(children, self.cumulative, span.start_us, span.duration_us)
            return [(m, s, d, span.children) for m, s, d in placed]
        unclaimed = set(children)
        held: list[list[int]] = []
        for index in body:
            statement = self.statements[index]
            names = self.first_imports.get((statement.path, statement.line), set())
            mine = [c for c in children if c in unclaimed and self.names[c] in names]
            unclaimed.difference_update(mine)
            held.append(mine)
        rest = [c for c in children if c in unclaimed]
        # The statements, then the modules no statement claimed, shrunk together to fit the module's span.
        durations = [self.statements[i].inclusive_us.median for i in body] + [self.cumulative[c] for c in rest]
        slots = _fit(range(len(durations)), durations, span.start_us, span.duration_us)
        work: list[tuple[int, float, float, list[Span]]] = []
        for (slot, start, duration), mine in zip(slots, held):
            inner = Span(start, duration, None, body[slot])
            span.children.append(inner)
            work.extend((m, s, d, inner.children) for m, s, d in _fit(mine, self.cumulative, start, duration))
        for (slot, start, duration) in slots[len(body):]:
            work.append((rest[slot - len(body)], start, duration, span.children))
        return work


def _fit(
    items: Iterable[int], durations: Sequence[float], start: float, room: float | None
) -> list[tuple[int, float, float]]:
    """Place ``items`` one after the other from ``start``, each for its duration, shrunk in
    proportion when they add up to more than ``room`` (``None``: no limit)."""
    chosen = list(items)
    wanted = [max(durations[i], 0.0) for i in chosen]
    total = sum(wanted)
    factor = room / total if room is not None and total > room and total > 0 else 1.0
    placed = []
    cursor = start
    for item, duration in zip(chosen, wanted):
        duration *= factor
        placed.append((item, cursor, duration))
        cursor += duration
    return placed


class _SourceLines:
    """Source lines of the project's files, read from under the run's project root."""

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root) if root else ""
        self.files: dict[str, list[str] | None] = {}

    def get(self, path: str, line: int) -> str | None:
        if not self.root or os.path.isabs(path):
            return None
        if path not in self.files:
            self.files[path] = self._read(path)
        lines = self.files[path]
        if lines is None or not 1 <= line <= len(lines):
            return None
        text = lines[line - 1].strip()
        return text[:_MAX_CODE] if text else None

    def _read(self, path: str) -> list[str] | None:
        location = os.path.realpath(os.path.join(self.root, path))
        if os.path.commonpath([location, self.root]) != self.root or not os.path.isfile(location):
            return None  # outside the project (a damaged or crafted path), or gone
        try:
            with tokenize.open(location) as file:
                return file.read().splitlines()
        except (OSError, SyntaxError, UnicodeDecodeError):
            try:
                with open(location, encoding="utf-8", errors="replace") as file:
                    return file.read().splitlines()
            except OSError:
                return None


def walk(spans: Sequence[Span]) -> Iterator[tuple[Span, int]]:
    """Every span with its nesting level, parents before children, without recursion."""
    stack = [(span, 0) for span in reversed(spans)]
    while stack:
        span, level = stack.pop()
        yield span, level
        stack.extend((child, level + 1) for child in reversed(span.children))
