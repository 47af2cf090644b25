"""What a file is, for the rules: application code, a build script, ...

Only application code runs when the program starts; a build script such as
``setup.py`` is never imported by the program it builds, so what it does at
its top level costs the program nothing (it still should not import the
removed ``distutils``: IMC102 runs on it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Literal

    FileKind = Literal["application", "build"]

#: File names of build scripts.
BUILD_SCRIPTS = frozenset({"setup.py"})
#: The rules that run on a file of each kind other than application code.
RULES_BY_KIND: dict[str, frozenset[str]] = {"build": frozenset({"IMC102"})}


def file_kind(filename: str) -> FileKind:
    """What the file ``filename`` is, from its path."""
    if filename.replace("\\", "/").rpartition("/")[2] in BUILD_SCRIPTS:
        return "build"
    return "application"


def runs_on(code: str, kind: FileKind) -> bool:
    """Whether the rule ``code`` runs on a file of ``kind``."""
    allowed = RULES_BY_KIND.get(kind)
    return allowed is None or code in allowed
