"""The transforms, one module each, registered by the codes they fix.

A transform is a function ``(finding, ctx) -> Fixed | Refused | None``:
``None`` means the finding is not its kind and the next transform for the
code is asked (``lazy`` takes IMC101 findings only for ``--target-version
3.15`` and later, ``type-checking`` only imports used in annotations alone).
Transforms run in the order their modules are listed in :data:`MODULES`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flake8_import_cost.fix.context import FixContext
    from flake8_import_cost.fix.plan import Fixed, Refused
    from flake8_import_cost.rules.base import Finding

    Fix = Callable[[Finding, FixContext], "Fixed | Refused | None"]

#: The modules that register transforms, in the order they are asked.
MODULES = ("lazy", "type_checking", "defer", "deprecated")


class Transform:
    """One registered transform: its name (as ``docs/fix.md`` lists it), the codes it fixes, its function."""

    __slots__ = ("name", "codes", "fix", "doc")

    def __init__(self, name: str, codes: frozenset[str], fix: Fix) -> None:
        self.name = name
        self.codes = codes
        self.fix = fix
        self.doc = (fix.__doc__ or "").strip()


TRANSFORMS: list[Transform] = []
_loaded = False


def transform(name: str, *codes: str) -> Callable[[Fix], Fix]:
    """Register the decorated function as the transform ``name`` for ``codes``."""

    def register(fix: Fix) -> Fix:
        TRANSFORMS.append(Transform(name, frozenset(codes), fix))
        return fix

    return register


def transforms() -> list[Transform]:
    """Every transform, in the order they are asked (importing their modules once)."""
    global _loaded
    if not _loaded:
        for module in MODULES:
            importlib.import_module(f"{__package__}.{module}")
        _loaded = True
    return TRANSFORMS


def fixable_codes() -> frozenset[str]:
    """The codes some transform fixes."""
    return frozenset(code for registered in transforms() for code in registered.codes)


def fix(finding: Finding, ctx: FixContext) -> tuple[str, Fixed | Refused] | None:
    """The first transform's answer for ``finding`` and the transform's name; ``None`` when none takes it."""
    for registered in transforms():
        if finding.code in registered.codes:
            outcome = registered.fix(finding, ctx)
            if outcome is not None:
                return registered.name, outcome
    return None
