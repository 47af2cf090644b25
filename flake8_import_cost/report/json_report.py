"""The JSON report: everything the store has for one run, in a versioned schema.

The document is described by ``report/schema/report-v1.json`` (a JSON Schema
shipped in the package; :func:`schema` loads it) and in
``docs/report-formats.md``. ``version`` changes only when a field is removed,
renamed or changes meaning; new fields may appear in version 1, so readers
ignore the fields they do not know.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from flake8_import_cost.report.model import REPORT_VERSION, Report

SCHEMA_FILE = f"report-v{REPORT_VERSION}.json"


def render(report: Report) -> str:
    """The JSON document, indented, UTF-8 text."""
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema of the document :func:`render` writes."""
    location = resources.files("flake8_import_cost.report").joinpath("schema").joinpath(SCHEMA_FILE)
    text = location.read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
