"""What a measured start-up saw (IMC203): the lines that ran SQL.

Static analysis knows the ways import-time code reaches the database that its
rules model; a profiled start-up (``flake8-import-cost profile``) records every
query the project really ran, with the import-time line that caused it, however
it got there: through another module, a helper, a third-party app. IMC203 puts
each of those lines in front of the reader.
"""

from __future__ import annotations

from collections.abc import Iterator

from flake8_import_cost.rules.base import Detail, FileContext, Finding, rule


class MeasuredQueries(Detail):
    """IMC203: ``queries`` SQL queries taking ``ms`` ran from this line during the
    measured start-up; ``function`` names the start-up function that ran them
    (``ShopConfig.ready``) when the line is its ``def``."""

    __slots__ = ("queries", "ms", "function")

    def __init__(self, queries: int, ms: float, function: str | None) -> None:
        self.queries = queries
        self.ms = ms
        self.function = function

    def message(self) -> str:
        count = f"{self.queries} SQL quer{'y' if self.queries == 1 else 'ies'} ({self.ms:.1f} ms)"
        if self.function is not None:
            return (
                f"{count} ran in {self.function}() during the measured start-up; run them on first use,"
                " or in a data migration or management command"
            )
        return (
            f"{count} ran at import time during the measured start-up; run them on first use"
            " (functools.cache) or in a management command"
        )


@rule("IMC203")
def measured_import_time_query(ctx: FileContext) -> Iterator[Finding]:
    """A line that ran SQL while the measured start-up imported the module."""
    costs = ctx.costs
    if costs is None:
        return
    for line, query in sorted(costs.queries(ctx.filename).items()):
        if 1 <= line <= len(ctx.lines):
            column = len(ctx.lines[line - 1]) - len(ctx.lines[line - 1].lstrip())
            yield Finding(line, column, "IMC203", MeasuredQueries(query.queries, query.ms, query.function))
