"""Which classes and functions of a module have their annotations read when they are defined.

Part of the name layer, shared by :mod:`~flake8_import_cost.usage` (a name
such an annotation reads is needed at import time, whatever Python does with
annotations) and by the walker (with PEP 649's lazy annotations, Python 3.14+,
these are the annotations that still run at import). The knowledge is in
:mod:`~flake8_import_cost.knowledge.runtime_typing`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from flake8_import_cost.knowledge.runtime_typing import (
    BUILT_FROM_ANNOTATIONS_BASES,
    BUILT_FROM_ANNOTATIONS_DECORATORS,
    DEPENDENCY_CALLS,
    RUNTIME_TYPED_BASES,
    RUNTIME_TYPED_DECORATORS,
    SIGNATURE_READERS,
)

if TYPE_CHECKING:
    from flake8_import_cost.names import Names, ScopeNode

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class RuntimeTyped:
    """Which classes and functions of a module have their annotations read at runtime.

    With ``built_from_annotations``, also the classes that the standard library
    and attrs build from their annotations (``typing.NamedTuple``,
    ``TypedDict``, ``@attrs.define``): they read the annotations when the class
    is created, so under PEP 649 those annotations are evaluated at import, but
    with ``from __future__ import annotations`` they keep the strings and
    resolve nothing.
    """

    def __init__(self, tree: ast.Module, names: Names, *, built_from_annotations: bool = False) -> None:
        self.names = names
        self.tree = tree
        self._known: dict[ast.AST, bool] = {}
        self._bases, self._decorators = RUNTIME_TYPED_BASES, RUNTIME_TYPED_DECORATORS
        if built_from_annotations:
            self._bases = self._bases | BUILT_FROM_ANNOTATIONS_BASES
            self._decorators = self._decorators | BUILT_FROM_ANNOTATIONS_DECORATORS
        imported = {
            (binding.target or "").partition(".")[0]
            for bindings in names.module.bindings.values()
            for binding in bindings
            if binding.kind == "import"
        }
        #: A framework that reads the signatures of the functions it registers is imported.
        self.reads_signatures = bool(imported & SIGNATURE_READERS)
        self._dependencies: set[str] | None = None

    def reads(self, node: ast.AST) -> bool:
        """Whether ``node`` (a class or function) has its annotations read at runtime."""
        if not isinstance(node, _DEFINITIONS):
            return False
        known = self._known.get(node)
        if known is None:
            self._known[node] = False  # a class that is its own base is not runtime-typed
            known = self._known[node] = self._decide(node)
        return known

    def _decide(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
        scope = self.names.defined_in(node)
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if self.names.qualified(target, scope) in self._decorators:
                return True
        if isinstance(node, ast.ClassDef):
            return any(self._runtime_base(base, scope) for base in node.bases)
        if self.reads_signatures and node.decorator_list:
            return True  # a route, a dependency, a command: its signature is read when it is registered
        return node.name in self._dependency_functions()

    def _runtime_base(self, base: ast.expr, scope: ScopeNode) -> bool:
        qualified = self.names.qualified(base, scope)
        if qualified in self._bases:
            return True
        if isinstance(base, ast.Name):
            local = self.names.local_class(base.id, scope)
            if local is not None:
                return self.reads(local)
        # A base imported from elsewhere, in a module that uses such a framework:
        # most likely the project's own model base; safe to count it as one.
        return self.reads_signatures and qualified is not None and "." in qualified

    def _dependency_functions(self) -> set[str]:
        """Names of the functions a FastAPI ``Depends(...)`` or ``Security(...)`` receives."""
        if self._dependencies is None:
            self._dependencies = set()
            if self.reads_signatures:
                for node in ast.walk(self.tree):
                    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name):
                        if self.names.qualified(node.func, self.tree) in DEPENDENCY_CALLS:
                            self._dependencies.add(node.args[0].id)
        return self._dependencies
