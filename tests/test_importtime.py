"""The import-time walker, queried directly: contexts, uses and consumers, parents, loops, calls not followed.

The rules' case files test the walker through what the rules report; these
tests pin the walker's own answers, which every rule builds on.
"""

from __future__ import annotations

import ast
import textwrap

import pytest

from flake8_import_cost.context import Where
from flake8_import_cost.importtime import ImportTime
from flake8_import_cost.names import Names


def walk(source: str, *, lazy_annotations: bool = False) -> ImportTime:
    """The walker over ``source``, with the annotations of Python before 3.14 unless
    ``lazy_annotations`` (PEP 649), whatever Python runs the tests."""
    tree = ast.parse(textwrap.dedent(source))
    return ImportTime(tree, Names(tree), lazy_annotations=lazy_annotations)


def calls(walker: ImportTime) -> dict[str, list[Where]]:
    """Import-time calls by the name they call (``f`` for ``f()``, ``m`` for ``x.m()``)."""
    found: dict[str, list[Where]] = {}
    for call, where in walker.nodes(ast.Call):
        func = call.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "?"
        found.setdefault(name, []).append(where)
    return found


def call_node(walker: ImportTime, name: str) -> tuple[ast.Call, Where]:
    for call, where in walker.nodes(ast.Call):
        if isinstance(call.func, ast.Name) and call.func.id == name:
            return call, where
    raise AssertionError(f"no import-time call of {name}()")


# -- contexts -----------------------------------------------------------------------------------


def test_contexts_of_import_time_code() -> None:
    walker = walk(
        """
        import functools

        module_level()

        @decorator()
        class Config(base(), metaclass=meta()):
            in_class_body()

            def method(self, value=default()):
                never()

        def function(arg: annotation() = default_of_function()) -> returned():
            never()
        """
    )
    kinds = {name: [where.kind for where in wheres] for name, wheres in calls(walker).items()}
    assert kinds == {
        "module_level": ["module"],
        "decorator": ["decorator"],
        "base": ["base"],
        "meta": ["base"],
        "in_class_body": ["class"],
        "default": ["default"],
        "default_of_function": ["default"],
        "annotation": ["annotation"],
        "returned": ["annotation"],
    }
    [class_body] = calls(walker)["in_class_body"]
    assert isinstance(class_body.scope, ast.ClassDef) and class_body.scope.name == "Config"
    [module] = calls(walker)["module_level"]
    assert module.scope is walker.tree  # the module scope is the module node, never None


def test_lazy_annotations_do_not_run() -> None:
    walker = walk(
        """
        from __future__ import annotations

        def function(arg: annotation()) -> returned():
            pass
        """
    )
    assert calls(walker) == {}


def test_pep_649_annotations_run_only_where_they_are_read() -> None:
    """Python 3.14+: annotations are evaluated on first use, so none runs at import, but for those
    of the classes and functions that a decorator or base class reads when they are defined."""
    source = """
        import dataclasses
        from typing import NamedTuple, TypedDict

        import attrs
        import pydantic

        def function(arg: in_signature()) -> returned():
            pass

        MODULE: module_annotation() = None

        class Plain:
            field: plain_field()

        @dataclasses.dataclass
        class Data:
            field: dataclass_field() = dataclass_default()

        class Row(NamedTuple):
            field: named_tuple_field()

        class Options(TypedDict):
            field: typed_dict_field()

        @attrs.define
        class Point:
            x: attrs_field()

        class Model(pydantic.BaseModel):
            field: model_field()

        class SubModel(Model):
            field: sub_model_field()

        @pydantic.validate_call
        def validated(arg: validated_argument()) -> validated_return():
            pass
        """
    lazy = set(calls(walk(source, lazy_annotations=True)))
    assert lazy == {
        "dataclass_field", "dataclass_default", "named_tuple_field", "typed_dict_field", "attrs_field", "model_field",
        "sub_model_field", "validated_argument", "validated_return",
    }  # fmt: skip
    eager = set(calls(walk(source)))
    assert eager == lazy | {"in_signature", "returned", "module_annotation", "plain_field"}
    future = "from __future__ import annotations\n" + textwrap.dedent(source)
    for lazy_annotations in (False, True):  # strings, whatever the Python
        assert set(calls(walk(future, lazy_annotations=lazy_annotations))) == {"dataclass_default"}


def test_blocks_that_never_run_at_import() -> None:
    walker = walk(
        """
        from typing import TYPE_CHECKING
        DEBUG = False

        if TYPE_CHECKING:
            type_checking()
        else:
            runtime()
        if not TYPE_CHECKING:
            not_type_checking()
        if __name__ == "__main__":
            main()
        if DEBUG:
            debugging()
        if False:
            never()
        """
    )
    assert set(calls(walker)) == {"runtime", "not_type_checking"}


def test_called_functions_run_with_their_call_chain() -> None:
    walker = walk(
        """
        def outer():
            return inner()

        def inner():
            return work()

        class Loader:
            def __init__(self):
                setup()

            @staticmethod
            def build():
                return static_work()

        outer()
        Loader()
        Loader.build()
        """
    )
    found = calls(walker)
    [work] = found["work"]
    assert work.kind == "function" and work.calls == ("outer", "inner")
    assert isinstance(work.scope, ast.FunctionDef) and work.scope.name == "inner"
    assert work.anchor(ast.Pass()) is work.via[0].node  # reported at the import-time call site
    [caller] = found["inner"]
    assert work.caller() is not None and work.caller().calls == caller.calls == ("outer",)  # type: ignore[union-attr]
    assert found["setup"][0].calls == ("Loader.__init__",)
    assert found["static_work"][0].calls == ("Loader.build",)


# -- calls not followed -------------------------------------------------------------------------


def test_calls_not_followed_and_why() -> None:
    walker = walk(
        """
        def f0():
            return f1()
        def f1():
            return f2()
        def f2():
            return f3()
        def f3():
            return f4()
        def f4():
            return deepest()

        def recursive():
            return recursive()

        async def coroutine():
            work()

        def generator():
            yield work()

        f0()
        recursive()
        coroutine()
        generator()
        list(generator())
        """
    )
    reasons = {}
    for call, _ in walker.nodes(ast.Call):
        if isinstance(call.func, ast.Name):
            reasons.setdefault(call.func.id, set()).add(walker.unfollowed(call))
    assert reasons["f4"] == {"depth"}
    assert "deepest" not in reasons
    assert reasons["recursive"] == {None, "cycle"}  # followed once, then the call inside it is the cycle
    assert reasons["coroutine"] == {"async"}
    assert reasons["generator"] == {"generator", None}  # created only; consumed by list()
    assert reasons["work"] == {None}  # the consumed generator's body ran, the coroutine's did not
    assert len(calls(walker)["work"]) == 1


def test_a_task_decorator_defers_the_body() -> None:
    walker = walk(
        """
        from airflow.sdk import task

        @task.python(retries=2)
        def later():
            work()

        @task
        def also_later():
            work()

        @other
        def now():
            work()

        later()
        also_later()
        now()
        """
    )
    reasons = {call.func.id: walker.unfollowed(call) for call, _ in walker.nodes(ast.Call)
               if isinstance(call.func, ast.Name) and call.func.id != "work"}  # fmt: skip
    assert reasons == {"later": "deferred", "also_later": "deferred", "now": None}
    assert [where.calls for where in calls(walker)["work"]] == [("now",)]


def test_a_function_called_from_many_sites_is_walked_for_the_first_sixteen() -> None:
    walker = walk("def f():\n    work()\n" + "f()\n" * 20)
    sites = [call for call, _ in walker.nodes(ast.Call) if isinstance(call.func, ast.Name) and call.func.id == "f"]
    assert [walker.unfollowed(site) for site in sites] == [None] * 16 + ["sites"] * 4
    assert len(calls(walker)["work"]) == 16


# -- uses and consumers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "how", "name", "extent"),
    [
        ("list(VALUE)", "iterated", "list", "full"),
        ("sorted(VALUE)", "iterated", "sorted", "full"),
        ("any(VALUE)", "iterated", "any", "partial"),
        ("next(VALUE)", "iterated", "next", "partial"),
        ("enumerate(VALUE)", "iterated", "enumerate", "none"),
        ("list(enumerate(VALUE))", "iterated", "enumerate", "full"),
        ("dict(zip(range(3), VALUE))", "iterated", "zip", "full"),
        ("any(map(str, VALUE))", "iterated", "map", "partial"),
        ("import itertools\nlist(itertools.islice(VALUE, 3))", "iterated", "itertools.islice", "partial"),
        ("' '.join(VALUE)", "iterated", ".join", "full"),
        ("for x in VALUE:\n    pass", "iterated", "for", "full"),
        ("X = [x for x in VALUE]", "iterated", "comprehension", "full"),
        ("X = (x for x in VALUE)", "iterated", "comprehension", "none"),
        ("X = sum(x for x in VALUE)", "iterated", "comprehension", "full"),
        ("a, b = VALUE", "iterated", "unpacking", "full"),
        ("print(*VALUE)", "iterated", "unpacking", "full"),
        ("X = 1 in VALUE", "iterated", "in", "partial"),
        ("len(VALUE)", "sized", "len", "none"),
        ("bool(VALUE)", "sized", "bool", "none"),
        ("print(VALUE)", "printed", "print", "none"),
        ("if VALUE:\n    pass", "truth", None, "none"),
        ("X = not VALUE", "truth", None, "none"),
        ("X = VALUE or 1", "truth", None, "none"),
        ("X = VALUE[0]", "indexed", None, "none"),
        ("X = VALUE[1:2]", "sliced", None, "none"),
        ("X = VALUE[::2]", "sliced", "step", "none"),
        ("X = f'{VALUE}'", "formatted", "f-string", "none"),
        ("X = '%s' % VALUE", "formatted", "%", "none"),
        ("field(choices=VALUE)", "keyword", "choices", "none"),
        ("VALUE.execute('SELECT 1')", "method", "execute", "none"),
        # Seen through: a conditional, a walrus, the last operand of `or`.
        ("list(VALUE if c else [])", "iterated", "list", "full"),
        ("list((y := VALUE))", "iterated", "list", "full"),
        ("list(0 or VALUE)", "iterated", "list", "full"),
    ],
)
def test_use(source: str, how: str, name: str | None, extent: str) -> None:
    walker = walk(source)
    [(value, where)] = [(n, w) for n, w in walker.nodes(ast.Name) if n.id == "VALUE"]
    use = walker.use(value, where)
    assert use is not None, f"no use found in {source!r}"
    assert (use.how, use.name, use.extent) == (how, name, extent)


@pytest.mark.parametrize(
    "source",
    ["X = VALUE", "f(VALUE)", "X = [VALUE]", "X = VALUE.attribute", "list = other\nlist(VALUE)"],
)
def test_no_use(source: str) -> None:
    walker = walk(source)
    [(value, where)] = [(n, w) for n, w in walker.nodes(ast.Name) if n.id == "VALUE"]
    assert walker.use(value, where) is None


def test_generators_run_as_far_as_they_are_consumed() -> None:
    walker = walk(
        """
        CREATED = (work() for _ in range(3))
        CONSUMED = list(work() for _ in range(3))
        STOPS_EARLY = any(work() for _ in range(3))
        WRAPPED = list(enumerate(work() for _ in range(3)))
        NAMED = (named() for _ in range(3))
        TOTAL = sum(NAMED)
        """
    )
    generators = [node for node, _ in walker.nodes(ast.GeneratorExp)]
    assert [walker.iterates(g) for g in generators] == ["none", "full", "partial", "full", "full"]
    assert len(calls(walker)["work"]) == 3
    assert len(calls(walker)["named"]) == 1
    created = generators[0]
    assert walker.parent(created.generators[0]) is created  # even the part that runs of an unconsumed generator


# -- parents and loops --------------------------------------------------------------------------


def test_parents() -> None:
    walker = walk("X = f(g(1))\n")
    inner, _ = call_node(walker, "g")
    outer, _ = call_node(walker, "f")
    assert walker.parent(inner) is outer
    assignment = walker.parent(outer)
    assert isinstance(assignment, ast.Assign) and walker.parent(assignment) is walker.tree


def test_enclosing_loops() -> None:
    walker = walk(
        """
        for a in range(10):
            for b in range(20):
                X = [work() for c in range(30) for d in range(40)]
        def f():
            for e in range(50):
                inside()
        f()
        """
    )
    work, _ = call_node(walker, "work")
    outermost, levels = walker.enclosing_loops(work)
    assert isinstance(outermost, ast.For) and ast.unparse(outermost.iter) == "range(10)"
    assert [[ast.unparse(i) for i in level] for level in levels] == [
        ["range(30)", "range(40)"],
        ["range(20)"],
        ["range(10)"],
    ]
    inside, _ = call_node(walker, "inside")
    outermost, levels = walker.enclosing_loops(inside)
    assert [[ast.unparse(i) for i in level] for level in levels] == [["range(50)"]]  # the function body ends it


def test_loop_iterable() -> None:
    walker = walk(
        """
        for ep in points():
            ep.load()
        LOADED = [item.load() for group in groups() for item in group]
        for other in others():
            ep.load()
        def f(ep):
            ep.load()
        f(1)
        """
    )
    loads = [call for call, _ in walker.nodes(ast.Call) if isinstance(call.func, ast.Attribute)]
    found = [walker.loop_iterable(ast.unparse(call.func.value), call) for call in loads]  # type: ignore[attr-defined]
    assert [None if iterable is None else ast.unparse(iterable) for iterable in found] == [
        "points()",  # the loop's own target
        "group",  # the comprehension's generator that binds the name, not the first one
        None,  # the loop around it binds another name
        None,  # a function body is its own scope: the parameter, not a loop
    ]


def test_as_callee_runs_no_branch_that_arguments_or_the_environment_decide() -> None:
    source = textwrap.dedent(
        """
        import os
        def f(local, path=None):
            if not local:
                by_argument()
            else:
                by_argument_too()
            if os.environ.get("X_FILE"):
                by_environment()
            else:
                by_default()
            if not os.getenv("NO_X"):
                by_default_too()
            if READY:
                by_module_state()
        f(True)
        """
    )
    tree = ast.parse(source)
    called = {
        as_callee: sorted(
            call.func.id
            for call, _ in ImportTime(tree, Names(tree), as_callee=as_callee).nodes(ast.Call)
            if isinstance(call.func, ast.Name) and call.func.id != "f"
        )
        for as_callee in (False, True)
    }
    assert called[True] == ["by_default", "by_default_too", "by_module_state"]
    assert called[False] == sorted(
        ["by_argument", "by_argument_too", "by_environment", "by_default", "by_default_too", "by_module_state"]
    )
