"""Start-up reports: one run of the cost database as text, JSON, HAR, speedscope or an HTML page.

:mod:`~flake8_import_cost.report.model` reads a run into a
:class:`~flake8_import_cost.report.model.Report` (:func:`build_report`,
:func:`load`); each format is one module that renders it. Only the ``report``
command imports this package: the plugin never does.
"""

from __future__ import annotations

from flake8_import_cost.report.model import Finding, Report, build_report, load

#: Format name -> module of ``flake8_import_cost.report`` whose ``render(report)`` writes it.
FORMATS = {
    "text": "text",
    "json": "json_report",
    "har": "har",
    "speedscope": "speedscope",
    "html": "html_page",
}

__all__ = ["FORMATS", "Finding", "Report", "build_report", "load"]
