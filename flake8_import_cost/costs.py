"""What a measured-cost database says about the project being checked.

The plugin (and ``report --findings``, and ``fix``) weight findings with it:
the cost of a module at start-up (from the latest ``profile`` run, in context)
or in isolation (from the latest ``measure`` run that measured it), the lines
of the start-up that import a module, the inclusive time of an import-time
statement, and the SQL a line ran while the project started. Every figure
comes from runs made on the running Python's ``major.minor``.

A file is matched to the stored paths by its path's ending: a database made
on another machine (a CI artifact) stores ``shop/views.py`` relative to that
machine's project root, and flake8 may be given ``src/shop/views.py``, an
absolute path, or run from a subdirectory; the longest stored path that the
file's path ends with is the one.

This module is loaded only when a database is there to read; it imports
``sqlite3`` (through :mod:`flake8_import_cost.costdb`) when it opens one.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import sqlite3


class ModuleCost(NamedTuple):
    """A module's measured import cost, and where it comes from: the cumulative
    cost of an installed package (the package and what it imports), the module's
    own (self) cost for one of the project's modules, whose imports of other
    project modules have findings of their own."""

    ms: float
    #: ``measured at start-up`` (a profile run, in context) or ``measured`` (a measure run, isolated).
    source: str


class Importer(NamedTuple):
    """An import-time line of the profiled start-up that imports a module."""

    path: str
    line: int
    #: Whether this line loaded the module (the others found it loaded already).
    first: bool
    #: Whether the line is the project's own code.
    in_project: bool

    def shown(self) -> str:
        """``path:line``, an installed package's path from its ``site-packages`` on."""
        path = self.path.replace("\\", "/")
        for marker in ("/site-packages/", "/dist-packages/"):
            if marker in path:
                path = path.rpartition(marker)[2]
                break
        return f"{path}:{self.line}"


class QueryLine(NamedTuple):
    """The SQL one line ran during the profiled start-up: ``queries`` of them in ``ms``;
    ``function`` names the start-up function (``ShopConfig.ready``) when the line is its
    ``def`` and no import-time line of the project ran them."""

    queries: int
    ms: float
    function: str | None = None


class MeasuredCosts:
    """The figures of one database, read once and kept for the process."""

    def __init__(self, db: sqlite3.Connection) -> None:
        from flake8_import_cost.costdb import latest_run

        self._db = db
        profile = latest_run(db, "profile")
        self.profile_id: int | None = profile["id"] if profile is not None else None
        #: Statements are timed in traced start-ups: their times are scaled back by the
        #: tracing overhead the run measured, to compare with the untraced module costs.
        overhead = profile["overhead"] if profile is not None else None
        self._scale = 1 / overhead if overhead and overhead > 1 else 1.0
        self._modules: dict[str, ModuleCost] = {}
        self._importers: dict[str, list[Importer]] = {}
        self._profiled: set[str] = set()
        self._load_modules()
        self._paths = self._project_paths()
        self._statements: dict[str, dict[int, float]] = {}
        self._queries: dict[str, dict[int, QueryLine]] = {}

    @classmethod
    def open(cls, path: str) -> MeasuredCosts:
        """Read the database at ``path`` (:class:`~flake8_import_cost.costdb.CostDBError` if it cannot be)."""
        import sqlite3

        from flake8_import_cost.costdb import CostDBError, open_read_only

        db = open_read_only(path)
        try:
            return cls(db)
        except sqlite3.Error as error:
            raise CostDBError(f"{path}: {' '.join(str(error).split())}") from None

    # -- modules ----------------------------------------------------------------------------------

    def _load_modules(self) -> None:
        from flake8_import_cost.costdb import python_minor

        minor = python_minor()
        # Isolated costs: each module from the latest measure run that imported it as its target.
        for row in self._db.execute(
            "SELECT m.name, m.self_us, m.cumulative_us, m.in_project FROM modules m JOIN runs r ON r.id = m.run_id"
            " WHERE r.kind = 'measure' AND r.python_minor = ? AND m.target = m.name ORDER BY r.id",
            (minor,),
        ):
            self._modules[row["name"]] = ModuleCost(_cost_us(row) / 1000, "measured")
        if self.profile_id is None:
            return
        # In-context costs of the latest start-up win: what this start-up paid for each module.
        for row in self._db.execute(
            "SELECT name, self_us, cumulative_us, in_project FROM modules WHERE run_id = ?", (self.profile_id,)
        ):
            self._modules[row["name"]] = ModuleCost(_cost_us(row) / 1000, "measured at start-up")
            self._profiled.add(row["name"])
        for row in self._db.execute(
            "SELECT module, path, line, first, in_project FROM imports WHERE run_id = ? ORDER BY seq",
            (self.profile_id,),
        ):
            importer = Importer(row["path"], row["line"], bool(row["first"]), bool(row["in_project"]))
            self._importers.setdefault(row["module"], []).append(importer)

    def module_cost(self, name: str) -> ModuleCost | None:
        """The measured cost of importing ``name``: in context when the profiled start-up imported it."""
        return self._modules.get(name)

    def imported_at_start_up(self, name: str) -> bool:
        """Whether the profiled start-up imported ``name`` (``False`` without a profile)."""
        return name in self._profiled

    def importers(self, name: str) -> list[Importer]:
        """The import-time lines of the profiled start-up that import ``name``, in import order."""
        return self._importers.get(name, [])

    # -- lines of a file -------------------------------------------------------------------------

    def _project_paths(self) -> dict[str, list[str]]:
        """The project's stored paths of the profile, by file name."""
        if self.profile_id is None:
            return {}
        paths: set[str] = set()
        for table in ("statements", "imports"):
            for row in self._db.execute(
                f"SELECT DISTINCT path FROM {table} WHERE run_id = ? AND in_project = 1",  # noqa: S608 - fixed names
                (self.profile_id,),
            ):
                paths.add(row["path"])
        for column in ("path", "function_path"):
            for row in self._db.execute(
                f"SELECT DISTINCT {column} AS path FROM queries"  # noqa: S608 - fixed names
                f" WHERE run_id = ? AND {column} IS NOT NULL",
                (self.profile_id,),
            ):
                if not os.path.isabs(row["path"]):
                    paths.add(row["path"])
        by_name: dict[str, list[str]] = {}
        for path in paths:
            by_name.setdefault(path.rpartition("/")[2], []).append(path)
        return by_name

    def stored_path(self, filename: str) -> str | None:
        """The stored path of the file flake8 calls ``filename``: the longest stored
        path that the file's absolute path ends with, component by component."""
        absolute = os.path.abspath(filename).replace("\\", "/")
        best: str | None = None
        for candidate in self._paths.get(absolute.rpartition("/")[2], ()):
            if (absolute == candidate or absolute.endswith("/" + candidate)) and (
                best is None or len(candidate) > len(best)
            ):
                best = candidate
        return best

    def statement_ms(self, filename: str, line: int) -> float | None:
        """The inclusive time of the import-time statement at ``line`` in the profiled start-up
        (traced, scaled by the run's tracing overhead)."""
        stored = self.stored_path(filename)
        if stored is None or self.profile_id is None:
            return None
        lines = self._statements.get(stored)
        if lines is None:
            lines = self._statements[stored] = {
                row["line"]: row["inclusive_us"] * self._scale / 1000
                for row in self._db.execute(
                    "SELECT line, inclusive_us FROM statements WHERE run_id = ? AND path = ?",
                    (self.profile_id, stored),
                )
            }
        return lines.get(line)

    def queries(self, filename: str) -> dict[int, QueryLine]:
        """The SQL each line of the file ran during the profiled start-up: line -> count and time."""
        stored = self.stored_path(filename)
        if stored is None or self.profile_id is None:
            return {}
        found = self._queries.get(stored)
        if found is None:
            found = self._queries[stored] = {}
            for row in self._db.execute(
                "SELECT function_line AS line, function, COUNT(*) AS n, SUM(duration_us) AS total FROM queries"
                " WHERE run_id = ? AND path IS NULL AND function_path = ? AND function_line IS NOT NULL"
                " GROUP BY function_line",
                (self.profile_id, stored),
            ):
                found[row["line"]] = QueryLine(row["n"], row["total"] / 1000, row["function"])
            for row in self._db.execute(
                "SELECT line, COUNT(*) AS n, SUM(duration_us) AS total FROM queries"
                " WHERE run_id = ? AND path = ? AND line IS NOT NULL GROUP BY line",
                (self.profile_id, stored),
            ):
                found[row["line"]] = QueryLine(row["n"], row["total"] / 1000)
        return found


def _cost_us(row: sqlite3.Row) -> float:
    """The cost that deferring the module's import saves: a package with its imports,
    a module of the project without the project modules it imports."""
    return float(row["self_us"] if row["in_project"] else row["cumulative_us"])


#: The database of this process, opened on first use: path -> costs, or the error met.
_OPENED: dict[str, MeasuredCosts | str] = {}


def measured_costs(path: str, warn: bool = True) -> MeasuredCosts | None:
    """The costs in the database at ``path``, opened once per process; ``None``, after one
    warning on stderr for the whole process, when the file cannot be read."""
    import sys

    from flake8_import_cost.costdb import CostDBError

    key = os.path.abspath(path)
    found = _OPENED.get(key)
    if found is None:
        try:
            found = MeasuredCosts.open(key)
        except CostDBError as error:
            found = str(error)
            if warn:
                print(
                    f"flake8-import-cost: cannot use the cost database {error} (findings keep their typical costs)",
                    file=sys.stderr,
                )
        _OPENED[key] = found
    return found if isinstance(found, MeasuredCosts) else None
