"""Transform ``deprecated``: known uses of ``pkg_resources``, ``distutils`` and ``imp`` (IMC102) rewritten.

Each use of a name the import binds is rewritten where an exact rewrite is
known (:data:`REWRITES`), and the import is replaced by the imports the
rewrites need, in the same place. A finding is fixed whole or not at all:
when one use has no exact rewrite, nothing of that import changes, and the
reason names the use.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from flake8_import_cost.fix.plan import DropAlias, Fixed, ImportSpec, Insert, Refused, Replace
from flake8_import_cost.fix.registry import transform
from flake8_import_cost.knowledge.replacements import REPLACEMENTS
from flake8_import_cost.rules.imports import DeprecatedImport

if TYPE_CHECKING:
    from flake8_import_cost.fix.context import FixContext
    from flake8_import_cost.fix.plan import Edit
    from flake8_import_cost.rules.base import Finding

#: A project name as ``importlib.metadata`` looks it up (no version specifier, no extras).
PROJECT_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
#: A release made of numbers only, which ``LooseVersion`` and ``packaging`` order alike.
PLAIN_RELEASE = r"\d+(?:\.\d+)*"

STRTOBOOL = '''def {name}(value):
    """1 or 0 for a string that means true or false, as ``distutils.util.strtobool`` returned."""
    value = value.lower()
    if value in ("y", "yes", "t", "true", "on", "1"):
        return 1
    if value in ("n", "no", "f", "false", "off", "0"):
        return 0
    raise ValueError(f"invalid truth value {{value!r}}")
'''


class Rewrite:
    """One use rewritten: the edits, the imports they need, the helper they need (``(name, code)``)."""

    __slots__ = ("edits", "imports", "helper")

    def __init__(self, edits: list[Edit], imports: tuple[str, ...] = (), helper: tuple[str, str] | None = None) -> None:
        self.edits = edits
        self.imports = imports
        self.helper = helper


class Use:
    """A use of a deprecated name: the expression that denotes it (``pkg_resources.get_distribution``
    or the name ``get_distribution``), its qualified name, where it is read and how it is bound."""

    __slots__ = ("expr", "qualified", "line", "local", "from_import")

    def __init__(self, expr: ast.expr, qualified: str, local: str, from_import: bool) -> None:
        self.expr = expr
        self.qualified = qualified
        self.line = expr.lineno
        self.local = local
        self.from_import = from_import


Rewriter = Callable[[Use, "FixContext"], "Rewrite | str"]


@transform("deprecated", "IMC102")
def replace_deprecated(finding: Finding, ctx: FixContext) -> Fixed | Refused | None:
    """Rewrite the uses of an import of ``pkg_resources``, ``distutils`` or ``imp`` that have an exact
    replacement, and replace the import with the imports the new code needs."""
    detail = finding.detail
    assert isinstance(detail, DeprecatedImport)
    node = detail.node
    placement = ctx.block_of(node)
    if placement not in (None, "function"):
        return Refused("conditional", f"the import is inside a {_PLACES.get(placement or '', placement)}: a fallback"
                       " may depend on it")  # fmt: skip
    if any(alias.name == "*" for alias in node.names):
        return Refused("star", "a star import cannot be rewritten")
    scope = ctx.scope_of(node)
    if isinstance(scope, ast.ClassDef):
        return Refused("class-body", "the import is in a class body")
    edits: list[Edit] = []
    imports: list[str] = []
    helpers: dict[str, str] = {}
    count = 0
    locals_: list[str] = []
    for alias in node.names:
        local = alias.asname or alias.name.partition(".")[0]
        locals_.append(local)
        if isinstance(node, ast.ImportFrom):
            prefix = f"{node.module}.{alias.name}"
        else:
            prefix = alias.name if alias.asname else alias.name.partition(".")[0]
        found, _ = ctx.references(local, scope)
        if scope is ctx.tree:
            refused = _module_binding(ctx, local)
            if refused is not None:
                return refused
        for reference in found:
            if reference.in_string:
                return Refused("no-rewrite", f"{local} is used in a string annotation (line {reference.node.lineno})")
            use = _use(ctx, reference.node, prefix, local, isinstance(node, ast.ImportFrom))
            if isinstance(use, str):
                return Refused("no-rewrite", use)
            rewrite = REWRITES[use.qualified](use, ctx)
            if isinstance(rewrite, str):
                return Refused("no-rewrite", f"{_short(use.qualified)} at line {use.line}: {rewrite}")
            edits.extend(rewrite.edits)
            imports.extend(module for module in rewrite.imports if module not in imports)
            if rewrite.helper is not None:
                helpers.setdefault(*rewrite.helper)
            count += 1
        edits.append(DropAlias(ctx.plan.key(node), local))
    if count == 0:
        return Refused("unused", "the imported names are not used, and the import may be for its side effects")
    for module in imports:
        top = module.partition(".")[0]
        if not ctx.binding_is_import(top, top, scope):
            return Refused("name-taken", f"{top} means something else in this module: cannot import {module}")
    wanted = [ImportSpec(m).code() for m in sorted(imports) if not _imported_before(ctx, scope, m, node)]
    if wanted:
        edits.append(Insert("after", ctx.plan.key(node), wanted))
    for name, code in helpers.items():
        if name in ctx.names.module.bindings and not _binds_only(ctx, name, node):
            return Refused("name-taken", f"{name} is bound in the module already: cannot add the {name}() helper")
        anchor = ctx.import_region_end
        if anchor is None:
            edits.append(Insert("module", None, [code], blank_after=2))
        else:
            edits.append(Insert("after", ctx.plan.key(anchor), [code], blank_before=2, blank_after=2))
    new = ", ".join([*imports, *(f"{name}()" for name in helpers)])
    uses = f"{count} use{'s' * (count != 1)}"
    removed = [local for local in locals_ if local not in helpers] if scope is ctx.tree else []
    return Fixed(edits, f"replaced {detail.module} ({uses}) with {new}", removed)


_PLACES = {"try": "try statement", "condition": "condition", "with": "with block", "loop": "loop"}


def _short(qualified: str) -> str:
    return qualified.rpartition(".")[2]


def _module_binding(ctx: FixContext, local: str) -> Refused | None:
    if local in ctx.dunder_all:
        return Refused("re-exported", f"{local} is re-exported in __all__")
    if len(ctx.names.module.bindings.get(local, [])) > 1:
        return Refused("rebound", f"{local} is bound more than once in the module")
    return None


def _binds_only(ctx: FixContext, name: str, node: ast.stmt) -> bool:
    """Whether the only module-level binding of ``name`` is the import being replaced."""
    bindings = ctx.names.module.bindings.get(name, [])
    return all(binding.node is node for binding in bindings)


def _imported_before(ctx: FixContext, scope: ast.AST, module: str, node: ast.stmt) -> bool:
    """Whether ``import module`` already stands before ``node`` in its scope, or at module level."""
    own: list[ast.stmt] = getattr(scope, "body", [])
    bodies = [own] if scope is ctx.tree else [own, ctx.tree.body]
    for body in bodies:
        for statement in body:
            if body is own and statement.lineno >= node.lineno:
                break
            if isinstance(statement, ast.Import) and any(
                alias.name == module and alias.asname is None for alias in statement.names
            ):
                return True
    return False


def _use(ctx: FixContext, name: ast.Name, prefix: str, local: str, from_import: bool) -> Use | str:
    """The use ``name`` is part of: the longest attribute chain from it that has a known rewrite."""
    qualified = prefix
    expr: ast.expr = name
    best: Use | None = Use(expr, qualified, local, from_import) if qualified in REWRITES else None
    parent = ctx.parents.get(expr)
    while isinstance(parent, ast.Attribute) and parent.value is expr:
        expr = parent
        qualified = f"{qualified}.{parent.attr}"
        if qualified in REWRITES:
            best = Use(expr, qualified, local, from_import)
        parent = ctx.parents.get(expr)
    if best is not None:
        return best
    known = REPLACEMENTS.get(qualified) or next(
        (REPLACEMENTS[q] for q in _prefixes(qualified) if q in REPLACEMENTS), None
    )
    hint = f" (use {known} by hand)" if known else ""
    return f"no exact rewrite for {qualified} at line {name.lineno}{hint}"


def _prefixes(qualified: str) -> list[str]:
    parts = qualified.split(".")
    return [".".join(parts[:end]) for end in range(len(parts) - 1, 1, -1)]


# -- the rewrites ----------------------------------------------------------------------------------------


def _call(use: Use, ctx: FixContext) -> ast.Call | None:
    """The call of the used name, when the use is a call."""
    parent = ctx.parents.get(use.expr)
    return parent if isinstance(parent, ast.Call) and parent.func is use.expr else None


def _plain_args(call: ast.Call, low: int, high: int, keywords: tuple[str, ...] = ()) -> bool:
    return (
        low <= len(call.args) <= high
        and not any(isinstance(a, ast.Starred) for a in call.args)
        and all(k.arg in keywords for k in call.keywords)
    )


def _replace(ctx: FixContext, node: ast.expr, code: str) -> Replace:
    return Replace(ctx.plan.key(node), ctx.plan.end(node), type(node).__name__, code)


def get_distribution(use: Use, ctx: FixContext) -> Rewrite | str:
    """``get_distribution(name).version`` -> ``importlib.metadata.version(name)``."""
    call = _call(use, ctx)
    if call is None or not _plain_args(call, 1, 1):
        return "only get_distribution(name).version has an exact rewrite"
    attribute = ctx.parents.get(call)
    if not (isinstance(attribute, ast.Attribute) and attribute.value is call and attribute.attr == "version"):
        return "only get_distribution(name).version has an exact rewrite"
    if not isinstance(attribute.ctx, ast.Load):
        return "the version is assigned to"
    argument = call.args[0]
    if not _project_name(argument, ctx):
        return "the argument is not known to be a plain project name (importlib.metadata takes no requirement)"
    return Rewrite(
        [_replace(ctx, attribute, f"importlib.metadata.version({ctx.segment(argument)})")], ("importlib.metadata",)
    )


def _project_name(argument: ast.expr, ctx: FixContext) -> bool:
    if isinstance(argument, ast.Name) and argument.id in ("__name__", "__package__"):
        return True
    value = ctx.names.resolve(argument, ctx.scope_of(argument))
    return isinstance(value, ast.Constant) and isinstance(value.value, str) and _plain(PROJECT_NAME, value)


def distribution_not_found(use: Use, ctx: FixContext) -> Rewrite | str:
    """``except DistributionNotFound:`` around a rewritten ``get_distribution()`` -> ``PackageNotFoundError``."""
    handler: ast.AST | None = ctx.parents.get(use.expr)
    if isinstance(handler, ast.Tuple):
        handler = ctx.parents.get(handler)
    if not isinstance(handler, ast.ExceptHandler):
        return "DistributionNotFound is used other than in an except clause"
    statement = ctx.parents.get(handler)
    calls = [
        node for body in getattr(statement, "body", []) for node in ast.walk(body)
        if isinstance(node, ast.Call) and (ctx.names.qualified(node.func, ctx.scope_of(node)) or "").endswith(
            "pkg_resources.get_distribution")
    ]  # fmt: skip
    if not calls:
        return "the try statement around it calls no get_distribution()"
    return Rewrite([_replace(ctx, use.expr, "importlib.metadata.PackageNotFoundError")], ("importlib.metadata",))


def _resource(method: str, template: str) -> Rewriter:
    def rewrite(use: Use, ctx: FixContext) -> Rewrite | str:
        call = _call(use, ctx)
        if call is None or not _plain_args(call, 2, 2):
            return f"only {method}(package, resource) has an exact rewrite"
        anchor, resource = call.args
        if isinstance(resource, ast.Constant) and resource.value == "":
            return "an empty resource name has no exact rewrite"
        if not _package_anchor(anchor, ctx):
            return (
                "the anchor may be a module, which importlib.resources.files() accepts from Python 3.12"
                " (--target-version 3.12)"
            )
        files = f"importlib.resources.files({ctx.segment(anchor)}).joinpath({ctx.segment(resource)})"
        return Rewrite([_replace(ctx, call, template.format(files=files))], ("importlib.resources",))

    rewrite.__doc__ = f"``{method}(package, resource)`` -> ``{template.format(files='files(package)...')}``."
    return rewrite


def _package_anchor(anchor: ast.expr, ctx: FixContext) -> bool:
    if ctx.target >= (3, 12):
        return True
    if isinstance(anchor, ast.Name) and anchor.id == "__name__":
        return ctx.is_package_init
    return False


def iter_entry_points(use: Use, ctx: FixContext) -> Rewrite | str:
    """``for ep in iter_entry_points(group[, name])`` using only ``ep.name`` and ``ep.load()`` ->
    ``importlib.metadata.entry_points(group=..., name=...)``."""
    call = _call(use, ctx)
    if call is None or not _plain_args(call, 1, 2, ("name",)) or (len(call.args) == 2 and call.keywords):
        return "only iter_entry_points(group[, name]) has an exact rewrite"
    parent = ctx.parents.get(call)
    if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is call and isinstance(parent.target, ast.Name):
        variable = parent.target.id
        owner = ctx.parents.get(parent) if isinstance(parent, ast.comprehension) else parent
        scope = ctx.scope_of(call)
        region = owner if isinstance(parent, ast.comprehension) else scope
        for node in ast.walk(region):  # type: ignore[arg-type]
            if isinstance(node, ast.Name) and node.id == variable and isinstance(node.ctx, ast.Load):
                attribute = ctx.parents.get(node)
                if not isinstance(attribute, ast.Attribute) or attribute.attr not in ("name", "load"):
                    return f"the entry point {variable} is used for more than .name and .load()"
                if attribute.attr == "load":
                    load = ctx.parents.get(attribute)
                    if not (isinstance(load, ast.Call) and load.func is attribute and not (load.args or load.keywords)):
                        return f"{variable}.load is used other than as {variable}.load()"
    else:
        return "only a loop over iter_entry_points() that uses .name and .load() has an exact rewrite"
    arguments = [f"group={ctx.segment(call.args[0])}"]
    if len(call.args) == 2:
        arguments.append(f"name={ctx.segment(call.args[1])}")
    arguments.extend(f"name={ctx.segment(k.value)}" for k in call.keywords)
    code = f"importlib.metadata.entry_points({', '.join(arguments)})"
    return Rewrite([_replace(ctx, call, code)], ("importlib.metadata",))


def find_executable(use: Use, ctx: FixContext) -> Rewrite | str:
    """``find_executable(name[, path])`` -> ``shutil.which(name[, path=path])``."""
    call = _call(use, ctx)
    if call is None or not _plain_args(call, 1, 2, ("path",)) or (len(call.args) == 2 and call.keywords):
        return "only find_executable(name[, path]) has an exact rewrite"
    arguments = [ctx.segment(call.args[0])]
    if len(call.args) == 2:
        arguments.append(f"path={ctx.segment(call.args[1])}")
    arguments.extend(f"path={ctx.segment(k.value)}" for k in call.keywords)
    return Rewrite([_replace(ctx, call, f"shutil.which({', '.join(arguments)})")], ("shutil",))


def strtobool(use: Use, ctx: FixContext) -> Rewrite | str:
    """``strtobool`` -> a helper function with its exact behaviour, added once to the module."""
    if use.from_import:
        return Rewrite([], (), (use.local, STRTOBOOL.format(name=use.local)))
    if ctx.names.lookup("strtobool", ctx.scope_of(use.expr)) is not None:
        return "strtobool is bound in the module already"
    return Rewrite([_replace(ctx, use.expr, "strtobool")], (), ("strtobool", STRTOBOOL.format(name="strtobool")))


def _version_class(name: str) -> Rewriter:
    def rewrite(use: Use, ctx: FixContext) -> Rewrite | str:
        if not ctx.packaging:
            return "packaging is not installed in this environment"
        call = _call(use, ctx)
        if call is None or not _plain_args(call, 1, 1):
            return f"only {name}(text) compared with another {name}(...) has an exact rewrite"
        compare = ctx.parents.get(call)
        if not isinstance(compare, ast.Compare) or not all(
            isinstance(operand, ast.Call) and _qualified(ctx, operand.func) == use.qualified
            for operand in (compare.left, *compare.comparators)
        ):
            return f"only {name}(text) compared with another {name}(...) has an exact rewrite"
        argument = call.args[0]
        if name == "LooseVersion" and not _plain(PLAIN_RELEASE, argument):
            return (
                "LooseVersion accepts any text ('5.15.0-91-generic'); packaging.version.Version rejects it and orders"
                " pre-releases differently"
            )
        if name == "LooseVersion":
            for operand in (compare.left, *compare.comparators):
                assert isinstance(operand, ast.Call)
                if not (operand.args and _plain(PLAIN_RELEASE, operand.args[0])):
                    return "LooseVersion of text known only at run time has no exact rewrite"
        code = f"packaging.version.Version({ctx.segment(argument)})"
        return Rewrite([_replace(ctx, call, code)], ("packaging.version",))

    rewrite.__doc__ = f"``{name}(a) < {name}(b)`` -> ``packaging.version.Version(a) < ...``."
    return rewrite


def _plain(pattern: str, node: ast.expr) -> bool:
    """Whether ``node`` is a string constant that matches ``pattern`` whole."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(re.fullmatch(pattern, node.value))


def _qualified(ctx: FixContext, node: ast.expr) -> str | None:
    name = ctx.names.qualified(node, ctx.scope_of(node))
    if name is None:
        return None
    for module in ("distutils.version", "pkg_resources"):
        marker = module + "."
        if marker in name:
            return name[name.index(marker):]
    return name


def parse_version(use: Use, ctx: FixContext) -> Rewrite | str:
    """``parse_version`` -> ``packaging.version.parse``."""
    if not ctx.packaging:
        return "packaging is not installed in this environment"
    return Rewrite([_replace(ctx, use.expr, "packaging.version.parse")], ("packaging.version",))


def copy_tree(use: Use, ctx: FixContext) -> Rewrite | str:
    """``copy_tree(src, dst)`` as a statement -> ``shutil.copytree(src, dst, dirs_exist_ok=True)``."""
    call = _call(use, ctx)
    if call is None or not _plain_args(call, 2, 2):
        return "only copy_tree(src, dst) has an exact rewrite"
    if not isinstance(ctx.parents.get(call), ast.Expr):
        return "its result is used (copy_tree returns the files it copied, shutil.copytree the destination)"
    src, dst = (ctx.segment(argument) for argument in call.args)
    return Rewrite([_replace(ctx, call, f"shutil.copytree({src}, {dst}, dirs_exist_ok=True)")], ("shutil",))


def reload(use: Use, ctx: FixContext) -> Rewrite | str:
    """``imp.reload`` -> ``importlib.reload``."""
    return Rewrite([_replace(ctx, use.expr, "importlib.reload")], ("importlib",))


#: Qualified name -> its rewrite.
REWRITES: dict[str, Rewriter] = {
    "pkg_resources.get_distribution": get_distribution,
    "pkg_resources.DistributionNotFound": distribution_not_found,
    "pkg_resources.resource_filename": _resource("resource_filename", "str({files})"),
    "pkg_resources.resource_string": _resource("resource_string", "{files}.read_bytes()"),
    "pkg_resources.resource_stream": _resource("resource_stream", '{files}.open("rb")'),
    "pkg_resources.iter_entry_points": iter_entry_points,
    "pkg_resources.parse_version": parse_version,
    "distutils.spawn.find_executable": find_executable,
    "distutils.util.strtobool": strtobool,
    "distutils.version.LooseVersion": _version_class("LooseVersion"),
    "distutils.version.StrictVersion": _version_class("StrictVersion"),
    "distutils.dir_util.copy_tree": copy_tree,
    "imp.reload": reload,
}
