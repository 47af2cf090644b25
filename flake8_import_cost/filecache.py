"""What the plugin learns about the project's other files, kept on disk between runs.

Checking one file reads others: the modules its packages and its own imports
load (IMC101), and the modules whose functions it calls at import time (the
summaries). Parsing and checking those is most of a cold run, and an editor
that checks one file on every save would pay it each time. The results are
kept here as small JSON files, one per source file and kind of result,
named by a hash of what they depend on: the plugin's own code, the Python it
runs on (each version parses its own syntax, and annotations are lazy from
3.14), the kind, the options that change the result, the file's path and its
**content**. An entry never goes stale: a changed file, option, plugin or
Python is another name.

The cache lives in ``$XDG_CACHE_HOME/flake8-import-cost`` (``~/.cache`` when
unset), outside the project, so it needs no ignore rule; the environment
variable ``IMPORT_COST_CACHE_DIR`` moves it, or turns it off with ``off``.
Entries are written to a temporary file and renamed into place, so processes
that run at once (``flake8 --jobs``, an editor and pre-commit) never read
half an entry; two that write the same entry write the same bytes. A cache
that cannot be read or written is no cache: the plugin works it out again,
silently (an unreadable entry is written anew).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from typing import Any

#: The environment variable that moves the cache, or turns it off (``off``, ``0``, ``no``, ``false``).
CACHE_ENV = "IMPORT_COST_CACHE_DIR"
#: Bumped when what an entry holds changes shape.
FORMAT = 1
_OFF = frozenset({"", "0", "off", "no", "false", "none"})

_code: str | None = None


def directory() -> str | None:
    """The cache directory, or ``None`` when the cache is off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in _OFF else chosen
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "flake8-import-cost")


def interpreter() -> str:
    """The Python this runs on, as far as a cached result depends on it (``cpython 3.12``)."""
    return f"{sys.implementation.name} {sys.version_info[0]}.{sys.version_info[1]}"


def _plugin_code() -> str:
    """A fingerprint of the plugin's own modules (names, sizes and modification
    times), so that an upgraded or edited plugin never reads what another wrote."""
    global _code
    if _code is None:
        package = os.path.dirname(os.path.abspath(__file__))
        parts = [str(FORMAT), interpreter()]
        for folder, directories, files in os.walk(package):
            directories[:] = sorted(d for d in directories if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(".py"):
                    module = os.path.join(folder, name)
                    stat = os.stat(module)
                    parts.append(f"{os.path.relpath(module, package)}:{stat.st_size}:{stat.st_mtime_ns}")
        _code = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return _code


def _entry(base: str, kind: str, path: str, content: bytes, options: str) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in (_plugin_code(), kind, options, os.path.abspath(path)):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    digest.update(content)
    name = digest.hexdigest()
    return os.path.join(base, kind, name[:2], name[2:] + ".json")


def read(kind: str, path: str, content: bytes, options: str = "") -> Any:
    """The value kept for ``kind`` of the file at ``path`` with this ``content``, or ``None``."""
    base = directory()
    if base is None:
        return None
    try:
        with open(_entry(base, kind, path, content, options), encoding="utf-8") as file:
            return json.load(file)
    except (OSError, ValueError):  # missing, unreadable or not JSON: worked out again
        return None


def write(kind: str, path: str, content: bytes, value: Any, options: str = "") -> None:
    """Keep ``value`` (JSON-serialisable) for ``kind`` of the file at ``path`` with this ``content``."""
    base = directory()
    if base is None:
        return
    entry = _entry(base, kind, path, content, options)
    temporary = f"{entry}.{os.getpid()}.tmp"  # one writer per process: flake8's jobs are processes
    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(value, file, separators=(",", ":"))
        os.replace(temporary, entry)
    except (OSError, TypeError, ValueError):  # a read-only or full disk: no cache
        try:
            os.unlink(temporary)
        except OSError:
            pass


__all__ = ["CACHE_ENV", "FORMAT", "directory", "read", "write"]
