"""Classes built by code generators at import (IMC501)."""

from __future__ import annotations

import ast
import os
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from flake8_import_cost.context import Where
from flake8_import_cost.knowledge.codegen_costs import CODEGEN_COSTS
from flake8_import_cost.limits import MAX_BASE_DEPTH, UNREADABLE
from flake8_import_cost.names import Names
from flake8_import_cost.rules.base import Detail, FileContext, Finding, rule

if TYPE_CHECKING:
    from flake8_import_cost.names import ScopeNode

_DATACLASS = frozenset({"dataclasses.dataclass"})
_PYDANTIC_DATACLASS = frozenset({"pydantic.dataclasses.dataclass"})
_ATTRS_MUTABLE = frozenset(
    {"attr.s", "attr.attrs", "attr.attributes", "attr.define", "attr.mutable", "attr.dataclass"}
    | {"attrs.define", "attrs.mutable"}
)
_ATTRS_FROZEN = frozenset({"attr.frozen", "attrs.frozen"})
_NAMEDTUPLE_BASES = frozenset({"typing.NamedTuple", "typing_extensions.NamedTuple"})
_PYDANTIC_BASES = frozenset(
    {"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.RootModel", "pydantic_settings.BaseSettings"}
)
_FIELD_CALLS = frozenset({"attr.ib", "attr.attrib", "attr.field", "attrs.field", "dataclasses.field"})
#: Functional forms: qualified name -> (kind, index of the fields argument).
_FACTORIES = {
    "collections.namedtuple": ("namedtuple", 1),
    "typing.NamedTuple": ("typing_namedtuple", 1),
    "dataclasses.make_dataclass": ("dataclass", 1),
    "attr.make_class": ("attrs", 1),
}
#: Words that a module defining a pydantic model (or a project base of one) must contain.
_MODEL_WORDS = (b"pydantic", b"BaseModel", b"RootModel", b"BaseSettings")
#: Modules of the project larger than this are not read for their base classes.
MAX_MODULE_BYTES = 400_000
#: Field count assumed when it cannot be read from the source.
_UNKNOWN_FIELDS = 3

_LABELS = {
    "dataclass": ("dataclass", "dataclasses"),
    "dataclass_frozen": ("frozen dataclass", "frozen dataclasses"),
    "dataclass_slots": ("slots dataclass", "slots dataclasses"),
    "dataclass_frozen_slots": ("frozen slots dataclass", "frozen slots dataclasses"),
    "attrs": ("attrs class", "attrs classes"),
    "attrs_frozen": ("frozen attrs class", "frozen attrs classes"),
    "namedtuple": ("namedtuple", "namedtuples"),
    "typing_namedtuple": ("NamedTuple", "NamedTuples"),
    "pydantic_model": ("pydantic model", "pydantic models"),
    "pydantic_dataclass": ("pydantic dataclass", "pydantic dataclasses"),
}


def _true_keyword(call: ast.expr, name: str) -> bool:
    return isinstance(call, ast.Call) and any(
        k.arg == name and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords
    )


class _Classifier:
    """Which generator, if any, builds each class of a module; ``foreign`` answers
    whether a qualified base that is not the module's own is a pydantic model of
    the project's other modules (``None``: never)."""

    def __init__(self, names: Names, foreign: Callable[[str, int], bool] | None = None) -> None:
        self.names = names
        self.foreign = foreign
        self._pydantic: dict[ast.ClassDef, bool] = {}

    def class_kind(self, node: ast.ClassDef, scope: ScopeNode) -> str | None:
        for decorator in node.decorator_list:
            func = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = self.names.qualified(func, scope)
            if name in _DATACLASS:
                frozen, slots = _true_keyword(decorator, "frozen"), _true_keyword(decorator, "slots")
                return "dataclass" + ("_frozen" if frozen else "") + ("_slots" if slots else "")
            if name in _PYDANTIC_DATACLASS:
                return "pydantic_dataclass"
            if name in _ATTRS_FROZEN or (name in _ATTRS_MUTABLE and _true_keyword(decorator, "frozen")):
                return "attrs_frozen"
            if name in _ATTRS_MUTABLE:
                return "attrs"
        if any(self.names.qualified(base, scope) in _NAMEDTUPLE_BASES for base in node.bases):
            return "typing_namedtuple"
        if self._is_pydantic(node, scope, 0):
            return "pydantic_model"
        return None

    def _is_pydantic(self, node: ast.ClassDef, scope: ScopeNode, depth: int) -> bool:
        if node not in self._pydantic:
            self._pydantic[node] = False  # a cycle is not a model
            result = False
            for base in node.bases:
                qualified = self.names.qualified(base, scope)
                if qualified in _PYDANTIC_BASES:
                    result = True
                elif depth >= MAX_BASE_DEPTH:
                    pass
                elif isinstance(base, ast.Name) and qualified is None:
                    found = self.names.lookup(base.id, scope)
                    binding = found.single if found is not None else None
                    if found is not None and binding is not None and isinstance(binding.node, ast.ClassDef):
                        result = self._is_pydantic(binding.node, found.scope.node, depth + 1)
                elif qualified is not None and self.foreign is not None:
                    result = self.foreign(qualified, depth + 1)  # imported: a model of another module?
                if result:
                    break
            self._pydantic[node] = result
        return self._pydantic[node]

    def field_count(self, node: ast.ClassDef, scope: ScopeNode) -> int:
        count = 0
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                if "ClassVar" not in ast.dump(stmt.annotation):
                    count += 1
            elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                if self.names.qualified(stmt.value.func, node) in _FIELD_CALLS:
                    count += 1
        return count


def _factory_fields(call: ast.Call, index: int) -> int:
    if len(call.args) <= index:
        return len(call.keywords) or _UNKNOWN_FIELDS
    fields = call.args[index]
    if isinstance(fields, ast.Constant) and isinstance(fields.value, str):
        return len(fields.value.replace(",", " ").split())
    if isinstance(fields, (ast.List, ast.Tuple)):
        return len(fields.elts)
    return _UNKNOWN_FIELDS


def _generated(ctx: FileContext) -> list[tuple[ast.AST, Where, str, float]]:
    """Every generated class of the module: node, context, kind and estimated ms."""
    classifier = _Classifier(ctx.names, _project_models(ctx.filename))
    found: list[tuple[ast.AST, Where, str, float]] = []

    def add(node: ast.AST, where: Where, kind: str, fields: int) -> None:
        base_ms, per_field_ms = CODEGEN_COSTS[kind]
        found.append((node, where, kind, base_ms + per_field_ms * fields))

    for node, where in ctx.importtime.nodes(ast.ClassDef):
        kind = classifier.class_kind(node, where.scope)
        if kind is not None:
            add(node, where, kind, classifier.field_count(node, where.scope))
    for call, where, name in ctx.import_time_calls:
        factory = _FACTORIES.get(name or "")
        if factory is not None:
            add(call, where, factory[0], _factory_fields(call, factory[1]))
    found.sort(key=lambda item: _position(item[1].anchor(item[0])))
    return found


def _project_models(filename: str) -> Callable[[str, int], bool] | None:
    """Whether a base class that ``filename`` imports (its qualified name, relative
    or absolute) is a pydantic model defined in another module of its project."""
    if filename in ("stdin", "-"):
        return None
    from flake8_import_cost.project import absolute_name, module_file, package_chain, package_of

    root = package_chain(filename)[0]
    package = package_of(filename, root)

    def foreign(qualified: str, depth: int) -> bool:
        module, _, name = (absolute_name(qualified, package) or "").rpartition(".")
        path = module_file(module, root) if module else None
        return path is not None and _is_project_model(os.path.abspath(path), name, depth)

    return foreign


def _is_project_model(path: str, name: str, depth: int) -> bool:
    """Whether the top-level class ``name`` of the project's module at ``path`` is a
    pydantic model, through bases of its own module and of further project modules."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return _project_model(path, stat.st_mtime_ns, stat.st_size, name, depth)


@lru_cache(maxsize=4096)
def _project_model(path: str, mtime_ns: int, size: int, name: str, depth: int) -> bool:
    module = _module_names(path, mtime_ns, size)
    if module is None:
        return False
    found = module.module.lookup(name)
    binding = found.single if found is not None else None
    if binding is None or not isinstance(binding.node, ast.ClassDef):
        return False
    return _Classifier(module, _project_models(path))._is_pydantic(binding.node, module.tree, depth)


@lru_cache(maxsize=64)
def _module_names(path: str, mtime_ns: int, size: int) -> Names | None:
    """The names of the project's module at ``path`` (its classes and imports), read once;
    ``None`` for a module whose text names no pydantic base, which cannot define a model."""
    if size > MAX_MODULE_BYTES:
        return None
    try:
        with open(path, "rb") as file:
            data = file.read()
        if not any(word in data for word in _MODEL_WORDS):
            return None
        return Names(ast.parse(data, path))
    except UNREADABLE:
        return None


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


class GeneratedClasses(Detail):
    """IMC501: the module's generated classes cost ``total_ms`` at import; ``counts`` by kind."""

    __slots__ = ("total_ms", "counts")

    def __init__(self, total_ms: float, counts: Counter[str]) -> None:
        self.total_ms = total_ms
        self.counts = counts

    def message(self) -> str:
        parts = ", ".join(
            f"{n} {_LABELS[kind][n != 1]}" for kind, n in sorted(self.counts.items(), key=lambda kv: -kv[1])
        )
        return (
            f"generated classes cost ~{self.total_ms:.1f} ms at import ({parts}); use plain classes where the"
            " generated methods are not needed, or split the module"
        )


@rule("IMC501")
def generated_class_heavy_module(ctx: FileContext) -> Iterator[Finding]:
    """A module whose generated classes add up to a noticeable import cost."""
    threshold = ctx.settings.codegen_ms
    classes = _generated(ctx)
    total = sum(ms for _, _, _, ms in classes)
    if not classes or total < threshold:
        return
    running = 0.0
    for node, where, _, ms in classes:
        running += ms
        if running >= threshold:
            counts = Counter(kind for _, _, kind, _ in classes)
            yield Finding.at(node, "IMC501", GeneratedClasses(total, counts), where)
            return
