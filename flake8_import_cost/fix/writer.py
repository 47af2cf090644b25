"""The one libcst traversal that writes a file's plan.

The transforms have decided what to change, on the :mod:`ast` tree; this
module only writes it, keeping everything else byte for byte: comments,
blank lines, quotes, line endings. Nodes are found by where they start
(:class:`~libcst.metadata.PositionProvider`), the key the plan uses.

Statement edits are applied where a block's statements are rebuilt (the
module, an indented block, a function's body), so that removing a statement
can hand its comments and blank lines on to what follows it; expression
replacements are applied as the traversal leaves each expression.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from flake8_import_cost.fix.plan import (
    AddAlias,
    AddToList,
    DropAlias,
    ImportSpec,
    Insert,
    MakeLazy,
    Plan,
    Replace,
    TypeCheckingImport,
    merged_code,
)

if TYPE_CHECKING:
    from flake8_import_cost.fix.plan import Key

_IMPORTS = (cst.Import, cst.ImportFrom)
#: PEP 810 imports, in a libcst that knows them (1.9 and later).
_LAZY: tuple[type[cst.CSTNode], ...] = tuple(
    getattr(cst, name) for name in ("LazyImport", "LazyImportFrom") if hasattr(cst, name)
)


def writes_lazy_imports() -> bool:
    """Whether the installed libcst can write ``lazy import`` (PEP 810)."""
    return len(_LAZY) == 2


def write(module: cst.Module, plan: Plan) -> str:
    """The module's code with every edit of ``plan`` applied."""
    if not plan.edits:
        return module.code
    writer = _Writer(plan, module)
    updated = MetadataWrapper(module, unsafe_skip_copy=True).visit(writer)
    return updated.code


def _blank() -> cst.EmptyLine:
    return cst.EmptyLine(indent=False, whitespace=cst.SimpleWhitespace(""), comment=None, newline=cst.Newline())


def _blank_prefix(lines: Sequence[cst.EmptyLine]) -> int:
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


def _leading(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    """The comment and blank lines before a statement (every statement node has them)."""
    return list(getattr(statement, "leading_lines", ()))


def _with_blank_lines(statement: cst.BaseStatement, minimum: int) -> cst.BaseStatement:
    """``statement`` with at least ``minimum`` blank lines before it (before its comments)."""
    leading = _leading(statement)
    missing = minimum - _blank_prefix(leading)
    if missing <= 0:
        return statement
    return statement.with_changes(leading_lines=[*(_blank() for _ in range(missing)), *leading])


def _local(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    name = get_full_name_for_node(alias.name) or ""
    return name.partition(".")[0]


class _Writer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, plan: Plan, module: cst.Module) -> None:
        super().__init__()
        self.module = module
        self.drops: dict[Key, set[str]] = {}
        self.aliases: dict[Key, list[ImportSpec]] = {}
        self.lazy: set[Key] = set()
        self.function_top: dict[Key, list[Insert]] = {}
        self.before: dict[Key, list[Insert]] = {}
        self.after: dict[Key, list[Insert]] = {}
        self.module_top: list[Insert] = []
        self.replacements: dict[Key, list[Replace]] = {}
        self.lists: dict[Key, list[str]] = {}
        self.type_checking: list[ImportSpec] = []
        for edit in plan.edits:
            self._index(edit)
        block = plan.type_checking
        if self.type_checking and block is not None:
            for edit in block.edits:
                self._index(edit)
            if block.existing is None:
                code = merged_code(self.type_checking)
                indent = module.default_indent
                text = f"if {block.test}:" + module.default_newline
                text += "".join(indent + line + module.default_newline for line in code)
                where = "after" if block.anchor is not None else "module"
                self._index(Insert(where, block.anchor, [text], blank_before=1, blank_after=1))
                self.type_checking_at: Key | None = None
            else:
                self.type_checking_at = block.existing
        else:
            self.type_checking_at = None

    def _index(self, edit: object) -> None:
        if isinstance(edit, DropAlias):
            self.drops.setdefault(edit.at, set()).add(edit.local)
        elif isinstance(edit, AddAlias):
            self.aliases.setdefault(edit.at, []).append(edit.spec)
        elif isinstance(edit, MakeLazy):
            self.lazy.add(edit.at)
        elif isinstance(edit, Insert):
            if edit.where == "module" or edit.at is None:
                self.module_top.append(edit)
            else:
                table = {"function": self.function_top, "before": self.before, "after": self.after}[edit.where]
                table.setdefault(edit.at, []).append(edit)
        elif isinstance(edit, Replace):
            self.replacements.setdefault(edit.at, []).append(edit)
        elif isinstance(edit, AddToList):
            self.lists.setdefault(edit.at, []).append(edit.value)
        elif isinstance(edit, TypeCheckingImport):
            if edit.spec not in self.type_checking:
                self.type_checking.append(edit.spec)

    def _key(self, node: cst.CSTNode) -> Key:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column

    # -- expressions -----------------------------------------------------------------------------------

    def on_leave(self, original_node: Any, updated_node: Any) -> Any:
        result = super().on_leave(original_node, updated_node)
        if self.replacements and isinstance(original_node, cst.BaseExpression):
            edits = self.replacements.get(self._key(original_node))
            if edits:
                end = self.get_metadata(PositionProvider, original_node).end
                for edit in edits:
                    if edit.end == (end.line, end.column) and type(original_node).__name__ == edit.kind:
                        new = cst.parse_expression(edit.code, config=self.module.config_for_parsing)
                        if original_node.lpar:
                            new = new.with_changes(lpar=original_node.lpar, rpar=original_node.rpar)
                        return new
        if self.lists and isinstance(original_node, (cst.List, cst.Tuple, cst.Set)):
            values = self.lists.get(self._key(original_node))
            if values and isinstance(result, (cst.List, cst.Tuple, cst.Set)):
                return _extend(result, values)
        return result

    # -- blocks ------------------------------------------------------------------------------------------

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._body(original_node.body, updated_node.body)
        if self.module_top:
            top = [self._parse(code) for insert in self.module_top for code in insert.code]
            if body:
                body[0] = _with_blank_lines(body[0], 1)
            body = [*top, *body]
        return updated_node.with_changes(body=body)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._body(original_node.body, updated_node.body)
        if not body:
            body = [cst.SimpleStatementLine([cst.Pass()])]
        return updated_node.with_changes(body=body)

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.If:
        if self.type_checking_at is None or self._key(original_node) != self.type_checking_at:
            return updated_node
        block = updated_node.body
        if not isinstance(block, cst.IndentedBlock):
            return updated_node
        existing = {spec.code() for spec in _import_specs(block.body)}
        wanted = [spec for spec in self.type_checking if spec.code() not in existing]
        new = [self._parse(code) for code in merged_code(wanted)]
        body = [*block.body, *new]
        body = [stmt for stmt in body if not (isinstance(stmt, cst.SimpleStatementLine) and _is_pass(stmt))] or body
        return updated_node.with_changes(body=block.with_changes(body=body))

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        inserts = self.function_top.get(self._key(original_node))
        if not inserts:
            return updated_node
        specs = [code for insert in inserts for code in insert.code]
        new = [self._parse(code) for code in specs]
        block = updated_node.body
        if isinstance(block, cst.SimpleStatementSuite):
            line = cst.SimpleStatementLine(body=block.body, trailing_whitespace=block.trailing_whitespace)
            block = cst.IndentedBlock(body=[line])
        assert isinstance(block, cst.IndentedBlock)
        body = list(block.body)
        index = 0
        if body and _is_docstring(body[0]):
            index = 1
        leading_imports = index
        while index < len(body) and _is_import_line(body[index]):
            index += 1
        if index == leading_imports and index < len(body):
            # no imports yet: the new ones take the blank lines before the code, and leave one after them
            following = body[index]
            lines = _leading(following)
            blank = _blank_prefix(lines)
            new[0] = new[0].with_changes(leading_lines=lines[:blank])
            body[index] = _with_blank_lines(following.with_changes(leading_lines=lines[blank:]), 1)
        body[index:index] = new
        return updated_node.with_changes(body=block.with_changes(body=body))

    def _parse(self, code: str) -> cst.BaseStatement:
        return cst.parse_statement(code, config=self.module.config_for_parsing)

    def _body(
        self, original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]
    ) -> list[cst.BaseStatement]:
        """The statements of a block, with the plan's statement edits applied."""
        if len(original) != len(updated):  # a statement was flattened away: leave the block as it is
            return list(updated)
        # Each piece: a statement with its leading lines, and the blank lines it wants before and after it.
        pieces: list[list[Any]] = []
        carried: list[cst.EmptyLine] = []
        removed_blank = 0
        first_removed = False
        inserted: set[str] = set()  # imports several edits add to this block: written once

        def new(insert: Insert) -> list[list[Any]]:
            pieces = []
            for code in insert.code:
                if code.startswith(("import ", "from ")):
                    if code in inserted:
                        continue
                    inserted.add(code)
                pieces.append([self._parse(code), insert.blank_before, insert.blank_after])
            return pieces

        for before, after in zip(original, updated):
            keys = self._statement_keys(before)
            edited = self._edit_statement(before, after, keys)
            leading = _leading(after)
            group: list[list[Any]] = []
            for key in keys:
                for insert in self.before.get(key, ()):
                    group.extend(new(insert))
            inserted_before = len(group)
            if edited is not None:
                group.append([edited, 0, 0])
            afters = [insert for key in keys for insert in self.after.get(key, ())]
            for insert in sorted(afters, key=lambda insert: insert.blank_before > 0):  # imports first
                group.extend(new(insert))
            if before is original[0]:
                first_removed = not group
            if not group:
                # removed: its comments go on to what follows; its blank lines are kept, not added up
                if any(line.comment is not None for line in leading):
                    carried.extend(leading)
                else:
                    removed_blank = max(removed_blank, len(leading))
                continue
            if edited is not None and inserted_before:
                blank = _blank_prefix(leading)
                group[0][0] = group[0][0].with_changes(leading_lines=leading[:blank])
                group[inserted_before][0] = edited.with_changes(leading_lines=leading[blank:])
            else:
                group[0][0] = group[0][0].with_changes(leading_lines=leading)
            if carried:
                group[0][0] = group[0][0].with_changes(leading_lines=[*carried, *_leading(group[0][0])])
                carried = []
            group[0][1] = max(group[0][1], removed_blank)
            removed_blank = 0
            pieces.extend(group)
        out: list[cst.BaseStatement] = []
        wanted = 0
        for statement, blank_before, blank_after in pieces:
            if out:
                statement = _with_blank_lines(statement, max(wanted, blank_before))
            elif first_removed:
                # the block's first statement went: what is first now starts the block, without blank lines
                lines = _leading(statement)
                statement = statement.with_changes(leading_lines=lines[_blank_prefix(lines):])
            out.append(statement)
            wanted = blank_after
        return out

    def _statement_keys(self, statement: cst.BaseStatement) -> list[Key]:
        if isinstance(statement, cst.SimpleStatementLine):
            return [self._key(small) for small in statement.body]
        return [self._key(statement)]

    def _edit_statement(
        self, original: cst.BaseStatement, updated: cst.BaseStatement, keys: list[Key]
    ) -> cst.BaseStatement | None:
        """The statement with its import edits (``None`` when nothing of it is left)."""
        if not isinstance(updated, cst.SimpleStatementLine) or not isinstance(original, cst.SimpleStatementLine):
            return updated
        if not any(key in self.drops or key in self.aliases or key in self.lazy for key in keys):
            return updated
        small: list[cst.BaseSmallStatement] = []
        for key, statement in zip(keys, updated.body):
            if isinstance(statement, _IMPORTS):
                edited = self._edit_import(statement, key)
                if edited is None:
                    continue
                small.append(edited)
            else:
                small.append(statement)
        if not small:
            return None
        last = small[-1]
        if last is not updated.body[-1]:
            small[-1] = last.with_changes(semicolon=updated.body[-1].semicolon)
        return updated.with_changes(body=small)

    def _edit_import(self, node: cst.Import | cst.ImportFrom, key: Key) -> cst.BaseSmallStatement | None:
        names = node.names
        if isinstance(names, cst.ImportStar):
            return node
        dropped = self.drops.get(key, set())
        kept = [alias for alias in names if _local(alias) not in dropped]
        added = [spec for spec in self.aliases.get(key, ()) if spec.local not in {_local(a) for a in kept}]
        if not kept and not added:
            return None
        if added:
            kept = _add_aliases(kept, added, front=isinstance(node, cst.ImportFrom) and _module_name(node) == "typing")
        elif kept and kept[-1] is not names[-1]:
            kept[-1] = kept[-1].with_changes(comma=names[-1].comma)
        new: cst.BaseSmallStatement = node.with_changes(names=kept)
        if key in self.lazy:
            new = _lazy(node.with_changes(names=kept))
        return new


def _module_name(node: cst.ImportFrom) -> str:
    return get_full_name_for_node(node.module) if node.module is not None else ""  # type: ignore[return-value]


def _add_aliases(kept: list[cst.ImportAlias], specs: list[ImportSpec], *, front: bool) -> list[cst.ImportAlias]:
    """``kept`` with the names of ``specs`` added (first, for ``TYPE_CHECKING`` in a typing import)."""
    new = []
    for spec in specs:
        assert spec.name is not None
        asname = cst.AsName(name=cst.Name(spec.asname)) if spec.asname else None
        new.append(cst.ImportAlias(name=cst.Name(spec.name), asname=asname))
    if not kept:
        return new
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if front:
        template = kept[0].comma if isinstance(kept[0].comma, cst.Comma) else comma
        return [*(alias.with_changes(comma=template) for alias in new), *kept]
    last = kept[-1]
    trailing = last.comma
    inner = [alias.with_changes(comma=comma) for alias in new[:-1]]
    if isinstance(trailing, cst.Comma):  # a parenthesised list with a trailing comma: keep its layout
        separator = kept[-2].comma if len(kept) > 1 and isinstance(kept[-2].comma, cst.Comma) else trailing
        return [*kept[:-1], last.with_changes(comma=separator), *(a.with_changes(comma=separator) for a in inner),
                new[-1].with_changes(comma=trailing)]  # fmt: skip
    return [*kept[:-1], last.with_changes(comma=comma), *inner, new[-1]]


def _lazy(node: cst.Import | cst.ImportFrom) -> cst.BaseSmallStatement:
    space = cst.SimpleWhitespace(" ")
    if isinstance(node, cst.Import):
        return cst.LazyImport(
            names=node.names,
            semicolon=node.semicolon,
            whitespace_after_lazy=space,
            whitespace_after_import=node.whitespace_after_import,
        )
    return cst.LazyImportFrom(
        module=node.module,
        names=node.names,
        relative=node.relative,
        lpar=node.lpar,
        rpar=node.rpar,
        semicolon=node.semicolon,
        whitespace_after_lazy=space,
        whitespace_after_from=node.whitespace_after_from,
        whitespace_before_import=node.whitespace_before_import,
        whitespace_after_import=node.whitespace_after_import,
    )


def _extend(node: cst.List | cst.Tuple | cst.Set, values: list[str]) -> cst.BaseExpression:
    elements = list(node.elements)
    quote = '"'
    for element in elements:
        if isinstance(element.value, cst.SimpleString):
            quote = element.value.quote[-1]
            break
    present = {e.value.evaluated_value for e in elements if isinstance(e.value, cst.SimpleString)}
    new = [cst.Element(cst.SimpleString(f"{quote}{value}{quote}")) for value in values if value not in present]
    if not new:
        return node
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if elements:
        last = elements[-1]
        if isinstance(last.comma, cst.Comma):
            trailing = last.comma
            before = elements[-2].comma if len(elements) > 1 else None
            separator = before if isinstance(before, cst.Comma) else last.comma
            new = [e.with_changes(comma=separator) for e in new[:-1]] + [new[-1].with_changes(comma=trailing)]
            elements[-1] = last.with_changes(comma=separator)
        else:
            elements[-1] = last.with_changes(comma=comma)
            new = [e.with_changes(comma=comma) for e in new[:-1]] + [new[-1]]
    elif isinstance(node, cst.Tuple):
        new[-1] = new[-1].with_changes(comma=cst.Comma())
    return node.with_changes(elements=[*elements, *new])


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (*_IMPORTS, *_LAZY)) for small in statement.body
    )


def _is_pass(statement: cst.SimpleStatementLine) -> bool:
    return all(isinstance(small, cst.Pass) for small in statement.body)


def _import_specs(body: Sequence[cst.BaseStatement]) -> list[ImportSpec]:
    """The imports of a block, one spec per alias (for not writing one twice)."""
    specs: list[ImportSpec] = []
    for statement in body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    name = get_full_name_for_node(alias.name) or ""
                    asname = _local(alias) if alias.asname is not None else None
                    specs.append(ImportSpec(name, None, asname))
            elif isinstance(small, cst.ImportFrom) and not (small.relative or isinstance(small.names, cst.ImportStar)):
                module = _module_name(small)
                for alias in small.names:
                    name = get_full_name_for_node(alias.name) or ""
                    asname = _local(alias) if alias.asname is not None else None
                    specs.append(ImportSpec(module, name, asname))
    return specs
