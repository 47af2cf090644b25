"""Import every module of the audited project and record where import-time work happened.

Usage: ``python run_audit.py OUTPUT.json``. Runs with the working directory
set to a fresh temporary directory (the modules write there), imports each
module of :data:`MODULES` with an audit hook installed, and attributes each
event to the import-time line that caused it: the innermost frame, in a file
of this project, that runs a module or class body (a function called from
there, in this module or another, is attributed to its call site, as the
plugin reports it). Writes ``{"events": [[path, line, what], ...], "errors":
[...], "modules": [...]}`` with paths relative to this directory.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent
PACKAGE = ROOT / "app"
#: The modules to import, in order (each import also imports what it needs).
MODULES = ["app.startup", "app.registry", "app.local", "app.backends", "app.near_misses"]
#: Audit events that are import-time work, and what to call them.
EVENTS = {
    "subprocess.Popen": "process",
    "os.listdir": "list",
    "os.scandir": "list",
    "os.mkdir": "change",
    "tempfile.mkdtemp": "temporary",
    "tempfile.mkstemp": "temporary",
    "sqlite3.connect": "connect",
}
#: Files that importing code opens by itself: not the module's own work.
_IMPORT_MACHINERY = (".py", ".pyc", ".so", ".pth")


def import_time_line(frame: FrameType | None) -> tuple[str, int] | None:
    """The innermost project frame that runs a module or class body: (path, line)."""
    while frame is not None:
        code = frame.f_code
        path = Path(code.co_filename)
        if not code.co_flags & inspect.CO_OPTIMIZED and PACKAGE in path.parents:
            return str(path.relative_to(ROOT)), frame.f_lineno
        frame = frame.f_back
    return None


def main(output: str) -> None:
    os.chdir(tempfile.mkdtemp(prefix="import-cost-audit-"))
    sys.path.insert(0, str(ROOT))
    events: list[list[Any]] = []
    capturing = False

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if not capturing:
            return
        what = EVENTS.get(event)
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            name = os.fsdecode(args[0])
            if not name.endswith(_IMPORT_MACHINERY) and not os.path.isdir(name):
                what = "open"
        if what is None:
            return
        caller = sys._getframe(1)  # raises an audit event of its own, which has no name in EVENTS
        if caller.f_code.co_filename.startswith("<frozen importlib"):
            return  # the import system looking for a module
        found = import_time_line(caller)
        if found is not None:
            events.append([found[0], found[1], what])

    # Python 3.11 raises no audit event when a thread starts: watch Thread.start itself.
    start = threading.Thread.start

    def started(thread: threading.Thread) -> None:
        if capturing:
            found = import_time_line(sys._getframe(1))
            if found is not None:
                events.append([found[0], found[1], "thread"])
        start(thread)

    threading.Thread.start = started  # type: ignore[method-assign]
    sys.addaudithook(audit)
    errors: list[str] = []
    imported: list[str] = []
    for module in MODULES:
        capturing = True
        try:
            importlib.import_module(module)
            imported.append(module)
        except Exception:  # noqa: BLE001 - reported to the test
            errors.append(f"{module}: {traceback.format_exc()}")
        finally:
            capturing = False
    Path(output).write_text(json.dumps({"events": events, "errors": errors, "modules": imported}), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
