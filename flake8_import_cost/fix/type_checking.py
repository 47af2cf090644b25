"""Transform ``type-checking``: an import used only in annotations goes under ``if TYPE_CHECKING:``.

Only where annotations are not evaluated when the module runs: with ``from
__future__ import annotations``, for ``--target-version 3.14`` and later
(PEP 649), or when every annotation that reads the name is a string. An
annotation that a library reads at run time needs the name at run time
after all: class-level annotations of a class with a base class or a
decorator (pydantic models, dataclasses, attrs, SQLAlchemy's ``Mapped``),
signatures of decorated functions (FastAPI and Django Ninja routes, typer
commands, ``functools.singledispatch``), and any module that imports a
library known to resolve annotations, or calls ``get_type_hints``; those are
left alone.

The ``if TYPE_CHECKING:`` block is the module's own when it has one at module
level; otherwise one is added after the imports at the top, with
``TYPE_CHECKING`` imported from ``typing`` (added to an existing ``from typing
import …``, or through ``typing.TYPE_CHECKING`` when the module imports
``typing``).
"""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING

from flake8_import_cost.fix import moves
from flake8_import_cost.fix.plan import (
    AddAlias,
    Fixed,
    ImportSpec,
    Insert,
    Refused,
    TypeCheckingBlock,
    TypeCheckingImport,
)
from flake8_import_cost.fix.registry import transform
from flake8_import_cost.importtime import is_type_checking

if TYPE_CHECKING:
    from flake8_import_cost.fix.context import FixContext
    from flake8_import_cost.fix.plan import Edit
    from flake8_import_cost.rules.base import Finding

#: Libraries that read annotations at run time: a module importing one keeps its annotation imports.
RUNTIME_ANNOTATION_LIBRARIES = frozenset({
    "pydantic", "pydantic_settings", "fastapi", "ninja", "typer", "cyclopts", "cattrs", "cattr", "msgspec",
    "strawberry", "litestar", "beartype", "typeguard", "dacite", "marshmallow_dataclass", "apischema", "injector",
    "dependency_injector", "sqlmodel", "dataclasses_json", "mashumaro", "serde",
})  # fmt: skip
#: Calls that evaluate annotations, by their name as written.
RUNTIME_ANNOTATION_CALLS = ("get_type_hints", "get_annotations", "eval_str")
#: Decorators known to leave annotations alone.
HARMLESS_DECORATORS = frozenset({
    "property", "staticmethod", "classmethod", "cached_property", "cache", "lru_cache", "wraps", "abstractmethod",
    "overload", "override", "final", "setter", "getter", "deleter", "contextmanager", "asynccontextmanager",
    "no_type_check", "deprecated", "total_ordering", "unique",
})  # fmt: skip
#: Base classes known not to read the annotations of their subclasses' bodies.
HARMLESS_BASES = frozenset({"object", "Protocol", "Generic", "ABC", "Exception", "Enum"})


@transform("type-checking", "IMC101")
def move_under_type_checking(finding: Finding, ctx: FixContext) -> Fixed | Refused | None:
    """Move an import whose names are used only in annotations under ``if TYPE_CHECKING:``."""
    if ctx.target >= (3, 15):
        return None
    analysed = moves.analyse(finding, ctx)
    if isinstance(analysed, Refused):
        return analysed
    if any(entry.functions for entry in analysed):
        return None  # read inside functions too: ``defer`` moves it there, and calls back here for the rest
    edits = moves.drop_edits(ctx, analysed)
    more = annotation_edits(ctx, analysed)
    if isinstance(more, Refused):
        return more
    module = moves.slow_import(finding).module
    summary = f"moved {module} under `if TYPE_CHECKING:` (used only in annotations)"
    return Fixed([*edits, *more], summary, [entry.local for entry in analysed])


def annotation_edits(ctx: FixContext, analysed: list[moves.Moved]) -> list[Edit] | Refused:
    """The edits that import the names under ``if TYPE_CHECKING:`` for the annotations that read them,
    or why the annotations need them at run time."""
    edits: list[Edit] = []
    for entry in analysed:
        if not entry.typing:
            continue
        refused = runtime_reader(ctx, entry)
        if refused is not None:
            return refused
        edits.append(TypeCheckingImport(entry.spec))
    if edits and ctx.plan.type_checking is None:
        ctx.plan.type_checking = block(ctx)
    return edits


def runtime_reader(ctx: FixContext, entry: moves.Moved) -> Refused | None:
    """Why the annotations that read ``entry`` may be evaluated at run time, if they may."""
    library = _runtime_library(ctx)
    if library is not None:
        return Refused(
            "runtime-annotation", f"the module imports {library}, which may evaluate annotations at run time"
        )
    for reference in entry.typing:
        owner = reference.owner
        line = reference.node.lineno
        if isinstance(owner, ast.ClassDef) and not _plain_class(owner):
            return Refused(
                "runtime-annotation",
                f"{entry.local} is used in the annotations of class {owner.name} (line {line}), which its base class"
                " or decorator may read at run time",
            )
        if isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorator = next((d for d in owner.decorator_list if _decorator_name(d) not in HARMLESS_DECORATORS), None)
            if decorator is not None:
                return Refused(
                    "runtime-annotation",
                    f"{entry.local} is used in the signature of {owner.name}() (line {line}), whose decorator"
                    f" {ast.unparse(decorator)} may read annotations at run time",
                )
    return None


def _runtime_library(ctx: FixContext) -> str | None:
    found = ctx.__dict__.get("_runtime_library", False)
    if found is not False:
        return found  # type: ignore[no-any-return]
    library: str | None = None
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Import):
            tops = [alias.name.partition(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops = [node.module.partition(".")[0]]
        else:
            continue
        library = next((top for top in tops if top in RUNTIME_ANNOTATION_LIBRARIES), None)
        if library is not None:
            break
    if library is None:
        source = "".join(ctx.lines)
        call = next((c for c in RUNTIME_ANNOTATION_CALLS if c in source), None)
        if call is not None:
            library = f"code that calls {call}" if call != "eval_str" else "code that evaluates signatures"
    ctx.__dict__["_runtime_library"] = library
    return library


def _plain_class(node: ast.ClassDef) -> bool:
    if node.decorator_list or node.keywords:
        return False
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        name = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else None
        if name not in HARMLESS_BASES:
            return False
    return True


def _decorator_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def block(ctx: FixContext) -> TypeCheckingBlock:
    """Where the module's ``if TYPE_CHECKING:`` imports go, and how ``TYPE_CHECKING`` gets imported."""
    plan = ctx.plan
    for statement in ctx.tree.body:
        if isinstance(statement, ast.If) and is_type_checking(statement.test) and not statement.orelse:
            return TypeCheckingBlock(plan.key(statement), None, "", [])
    anchor = ctx.import_region_end
    anchor_key = plan.key(anchor) if anchor is not None else None
    last = anchor.lineno if anchor is not None else 0
    module = ctx.names.module

    def bound_before(name: str, target: str) -> bool:
        """Whether ``name`` is only ever the import of ``target``, by a module-level statement before the block."""
        bindings = module.bindings.get(name, [])
        return bool(bindings) and all(
            b.kind == "import" and b.target == target and b.node in ctx.tree.body
            and getattr(b.node, "lineno", last + 1) <= last
            for b in bindings
        )  # fmt: skip

    if bound_before("TYPE_CHECKING", "typing.TYPE_CHECKING"):
        return TypeCheckingBlock(None, anchor_key, "TYPE_CHECKING", [])
    if bound_before("typing", "typing"):
        return TypeCheckingBlock(None, anchor_key, "typing.TYPE_CHECKING", [])
    if "TYPE_CHECKING" in module.bindings or "typing" in module.bindings:
        # bound too late, or to something else: the block gets its own ``import typing``, which runs first
        return TypeCheckingBlock(None, anchor_key, "typing.TYPE_CHECKING", [_typing_import(ctx, ImportSpec("typing"))])
    spec = ImportSpec("typing", "TYPE_CHECKING")
    for statement in ctx.tree.body:
        if (
            isinstance(statement, ast.ImportFrom)
            and statement.module == "typing"
            and statement.level == 0
            and statement.lineno <= last
            and not any(alias.name == "*" for alias in statement.names)
        ):
            return TypeCheckingBlock(None, anchor_key, "TYPE_CHECKING", [AddAlias(plan.key(statement), spec)])
    return TypeCheckingBlock(None, anchor_key, "TYPE_CHECKING", [_typing_import(ctx, spec)])


def _typing_import(ctx: FixContext, spec: ImportSpec) -> Insert:
    """``from typing import TYPE_CHECKING``: with the standard library imports at the top, after the
    ``__future__`` imports and the docstring."""
    plan = ctx.plan
    body = ctx.tree.body
    last_stdlib: ast.stmt | None = None
    first_import: ast.stmt | None = None
    last_header: ast.stmt | None = None
    for index, statement in enumerate(body):
        if index == 0 and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            last_header = statement
            continue
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            last_header = statement
            continue
        if not isinstance(statement, (ast.Import, ast.ImportFrom)):
            break
        if first_import is None:
            first_import = statement
        if _is_stdlib(statement):
            last_stdlib = statement
        elif last_stdlib is not None:
            break
    code = [spec.code()]
    if last_stdlib is not None:
        return Insert("after", plan.key(last_stdlib), code)
    if first_import is not None:
        return Insert("before", plan.key(first_import), code, blank_after=1)
    if last_header is not None:
        return Insert("after", plan.key(last_header), code, blank_before=1, blank_after=1)
    return Insert("module", None, code, blank_after=1)


def _is_stdlib(statement: ast.Import | ast.ImportFrom) -> bool:
    names = sys.stdlib_module_names
    if isinstance(statement, ast.Import):
        return all(alias.name.partition(".")[0] in names for alias in statement.names)
    return statement.level == 0 and (statement.module or "").partition(".")[0] in names
