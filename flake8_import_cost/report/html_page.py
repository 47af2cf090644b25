"""The HTML report: one self-contained page with an interactive waterfall of the import tree.

The page is assembled from three files shipped in the package
(``report/static/report.html``, ``report.css``, ``report.js``) by plain string
assembly, no templating library: a handful of values go into the page, each
with one escaping rule. The title goes through :func:`html.escape`; the data is
the JSON report inside ``<script type="application/json">`` with ``<``, ``>``
and ``&`` written as ``\\u003c``, ``\\u003e``, ``\\u0026`` (still valid JSON,
never markup); the script and style are our own files, checked to hold no
closing tag. The script builds every element with ``textContent``, never
``innerHTML``. A Content-Security-Policy allows only this page's own script
and style (by hash) and no network at all, so even a name that slipped
through could neither run code nor load anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources
from typing import Any

from flake8_import_cost import __version__
from flake8_import_cost.report.model import Report

#: ``{{name}}`` places in report.html.
_PLACEHOLDER = r"\{\{(\w+)\}\}"


def _asset(name: str) -> str:
    return resources.files("flake8_import_cost.report").joinpath("static").joinpath(name).read_text(encoding="utf-8")


def embed_json(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` in it,
    nor the line separators that old JavaScript parsers break on."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, escape)
    return text


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def render(report: Report) -> str:
    """The page, as one string."""
    css, script = _asset("report.css"), _asset("report.js")
    if re.search(r"</(script|style)", css + script, re.IGNORECASE):
        raise AssertionError("the page's script or style must not hold a closing tag")
    policy = (
        f"default-src 'none'; script-src '{_hash(script)}'; style-src '{_hash(css)}'; "
        "base-uri 'none'; form-action 'none'"
    )
    run = report.run
    values = {
        "title": html.escape(f"Start-up report: {run.kind} run {run.id}"),
        "generator": html.escape(f"flake8-import-cost {__version__}"),
        "csp": html.escape(policy, quote=False).replace('"', "&quot;"),
        "css": css,
        "js": script,
        "data": embed_json(report.as_json()),
    }
    # One pass over the template: a value is never searched for placeholders itself.
    return re.sub(_PLACEHOLDER, lambda match: values[match.group(1)], _asset("report.html"))
