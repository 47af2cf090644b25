# Which code runs at import time (docs/import-time.md), shown with IMC403
# (re.compile at import time) and IMC401 (a loop of at least 10,000 iterations).
import contextlib
import functools
import re
import sys
import typing
from typing import TYPE_CHECKING

# -- the module body, and statements nested in it --------------------------------

WORD = re.compile(r"\w+")  # IMC403:8
re.compile("bare expression statement")  # IMC403:1
PAIR = (re.compile("a"), re.compile("b"))  # IMC403 IMC403
WORD_PATTERN = re.compile  # not a call: nothing compiled

if sys.platform == "win32":
    IF_BODY = re.compile("a")  # IMC403
elif sys.platform == "darwin":
    ELIF_BODY = re.compile("b")  # IMC403
else:
    ELSE_BODY = re.compile("c")  # IMC403

try:
    TRY_BODY = re.compile("a")  # IMC403
except re.error:
    EXCEPT_BODY = re.compile("b")  # IMC403
else:
    TRY_ELSE = re.compile("c")  # IMC403
finally:
    FINALLY = re.compile("d")  # IMC403

with contextlib.suppress(KeyError):
    WITH_BODY = re.compile("a")  # IMC403

for _name in ("a", "b"):
    FOR_BODY = re.compile(_name)  # IMC403
else:
    FOR_ELSE = re.compile("x")  # IMC403

while not WORD:
    WHILE_BODY = re.compile("a")  # IMC403
    break

match sys.argv:
    case [_, "x"]:
        MATCH_BODY = re.compile("a")  # IMC403
    case _:
        MATCH_DEFAULT = re.compile("b")  # IMC403

for _i in range(100_000):  # IMC401
    pass

# -- excluded blocks ---------------------------------------------------------------

if TYPE_CHECKING:
    TC_ONLY = re.compile("a")
    for _i in range(100_000):
        pass
else:
    TC_ELSE = re.compile("b")  # IMC403

if typing.TYPE_CHECKING:
    TC_QUALIFIED = re.compile("a")

if not TYPE_CHECKING:
    NOT_TC = re.compile("a")  # IMC403
else:
    NOT_TC_ELSE = re.compile("b")

if __name__ == "__main__":
    MAIN_ONLY = re.compile("a")
    for _i in range(100_000):
        pass
else:
    NOT_MAIN = re.compile("b")  # IMC403

if "__main__" == __name__:
    MAIN_REVERSED = re.compile("a")

if __name__ != "__main__":
    NOT_MAIN_GUARD = re.compile("a")  # IMC403

# -- function bodies that are only defined ------------------------------------------


def defined_only():
    return re.compile("never at import")


async def async_defined_only():
    return re.compile("never at import")


def with_nested_class():
    class Inner:
        PATTERN = re.compile("a")

    return Inner


LAMBDA = lambda: re.compile("a")

# -- class bodies ----------------------------------------------------------------------


class Outer:
    PATTERN = re.compile("a")  # IMC403

    class Nested:
        PATTERN = re.compile("b")  # IMC403

        class Deeper:
            PATTERN = re.compile("c")  # IMC403

    def method(self):
        return re.compile("d")

    @staticmethod
    def static():
        return re.compile("e")

    @classmethod
    def klass(cls):
        return re.compile("f")

    SIZES = [i for i in range(50_000)]  # IMC401


# -- decorators, bases, class keywords, defaults -------------------------------------------


def register(*args, **kwargs):
    return lambda target: target


@register(re.compile("decorator argument"))  # IMC403
def decorated():
    return re.compile("body")


@register(pattern=re.compile("class decorator"))  # IMC403
class DecoratedClass:
    pass


class WithBase(register(re.compile("base"))):  # IMC403
    pass


class WithKeyword(object, flag=re.compile("keyword")):  # IMC403
    pass


def with_default(pattern=re.compile("default")):  # IMC403
    return pattern


def with_kw_default(*, pattern=re.compile("kw default")):  # IMC403
    return pattern


class WithMethodDefault:
    def method(self, pattern=re.compile("method default")):  # IMC403
        return re.compile("method body")


LAMBDA_DEFAULT = lambda pattern=re.compile("lambda default"): pattern  # IMC403


# -- annotations: tests/cases/annotations.py (what they do depends on the Python) -----------


# -- lambdas, comprehensions and generators ------------------------------------------------

CALLED_LAMBDA = (lambda: re.compile("called lambda"))()  # IMC403
SORTED_KEYS = sorted(["b", "a"], key=lambda item: re.compile(item))  # IMC403
NOT_CALLED = lambda: re.compile("not called")
MAPPED = map(lambda item: re.compile(item), ["a"])  # lazy: map() runs nothing yet

COMPILED = [re.compile(p) for p in ("a", "b")]  # IMC403
COMPILED_SET = {re.compile(p) for p in ("a", "b")}  # IMC403
COMPILED_DICT = {p: re.compile(p) for p in ("a", "b")}  # IMC403
GENERATOR = (re.compile(p) for p in ("a", "b"))  # created, never consumed: nothing compiled
FIRST_ITERABLE = (m for m in re.compile("a").findall("aaa"))  # IMC403
SECOND_ITERABLE = (m for p in ("a",) for m in re.compile(p).findall("a"))  # the second runs lazily
CONSUMED = list(re.compile(p) for p in ("a", "b"))  # IMC403
JOINED = "".join(str(re.compile(p)) for p in ("a", "b"))  # IMC403
UNPACKED_A, UNPACKED_B = (re.compile(p) for p in ("a", "b"))  # IMC403
STARRED = [*(re.compile(p) for p in ("a", "b"))]  # IMC403
NESTED_IN_LIST = [[re.compile(q) for q in p] for p in ("ab",)]  # IMC403
LAZY_INNER = (sum(j for j in range(100_000)) for _ in ("a",))  # the outer generator never runs
BIG_GENERATOR = (i for i in range(1_000_000))  # creating it iterates nothing
BIG_CONSUMED = sum(i for i in range(1_000_000))  # IMC401


# -- same-module functions called at import time --------------------------------------------


def make_pattern():
    return re.compile("helper")


def calls_helper():
    return make_pattern()


HELPER = make_pattern()  # IMC403 "(in make_pattern(), called at import time)"
TRANSITIVE = calls_helper()  # IMC403 "(in make_pattern(), called at import time via calls_helper())"
SECOND_CALL = make_pattern()  # IMC403


def uses_helper_later():
    return make_pattern()  # inside a function that is not called: silent


class UsesHelper:
    PATTERN = make_pattern()  # IMC403
    DEFAULT_CALL = Outer.static()  # IMC403 "static(), called at import time)"
    KLASS_CALL = Outer.klass()  # IMC403


def ping():
    return pong()


def pong():
    re.compile("cycle")
    return ping()


CYCLE = ping()  # IMC403 "(in pong(), called at import time via ping())"


def level1():
    return level2()


def level2():
    return level3()


def level3():
    return re.compile("three calls deep")


THREE_DEEP = level1()  # IMC403 "via level2() via level1()"


def depth1():
    return depth2()


def depth2():
    return depth3()


def depth3():
    return depth4()


def depth4():
    return depth5()


def depth5():
    return depth6()


def depth6():
    return depth7()


def depth7():
    return depth8()


def depth8():
    return re.compile("far beyond the depth bound")


BEYOND_BOUND = depth1()  # the walk stops at a small depth bound


def generator_function():
    re.compile("runs only when consumed")
    yield 1


NOT_CONSUMED_GENERATOR = generator_function()
CONSUMED_GENERATOR = list(generator_function())  # IMC403


async def coroutine_function():
    return re.compile("coroutine body")


COROUTINE = coroutine_function()  # creating a coroutine runs nothing


def outer_with_inner():
    def inner():
        return re.compile("inner")

    return inner()


NESTED_CALL = outer_with_inner()  # IMC403 "(in inner(), called at import time via outer_with_inner())"


def builds_class():
    class Built:
        PATTERN = re.compile("class in a called function")

    return Built


BUILT = builds_class()  # IMC403


def loops():
    return [i for i in range(100_000)]


LOOPED = loops()  # IMC401 "(in loops(), called at import time)"


def decorator_factory():
    re.compile("runs when the decorator is built")
    return lambda function: function


@decorator_factory()  # IMC403
def decorated_by_factory():
    pass


def plain_decorator(function):
    re.compile("runs when it decorates")
    return function


@plain_decorator  # IMC403
def decorated_plainly():
    pass


@functools.cache
def cached():
    return re.compile("cached")


CACHED = cached()  # IMC403


def shadowed_re(re):
    return re.compile("a parameter named re")


SHADOWED = shadowed_re(object())


def twice():
    return re.compile("first definition")


def twice():
    return re.compile("second definition")


AMBIGUOUS = twice()  # two definitions: not followed


class Builder:
    def __init__(self):
        self.pattern = re.compile("runs when the class is instantiated")

    def build(self):
        return re.compile("a method that is not called")


class InheritsInit(Builder):
    pass


class NoInit:
    PATTERN_NAME = "a"


INSTANCE = Builder()  # IMC403 "__init__(), called at import time)"
NO_INIT = NoInit()
BOUND_METHOD = Builder.build


class Compiler:
    def __init__(self, flags=0):
        self.flags = flags

    def compile(self):
        return re.compile("an instance method", self.flags)

    def through_self(self):
        return self.compile()

    def unused(self):
        return re.compile("a method that no import-time code calls")

    async def compile_later(self):
        return re.compile("a coroutine method")

    def patterns(self):
        yield re.compile("a generator method")

    def recurse(self):
        re.compile("a method calling itself")
        return self.recurse()


COMPILER = Compiler()
FROM_INSTANCE = COMPILER.compile()  # IMC403 "(in Compiler.compile(), called at import time)"
FROM_NEW_INSTANCE = Compiler(re.I).compile()  # IMC403 "(in Compiler.compile(), called at import time)"
THROUGH_SELF = COMPILER.through_self()  # IMC403 "(in Compiler.compile(), called at import time via Compiler.through_self())"
RECURSIVE = COMPILER.recurse()  # IMC403 "(in Compiler.recurse(), called at import time)"
METHOD_OBJECT = COMPILER.compile  # not called
COROUTINE_METHOD = COMPILER.compile_later()  # builds a coroutine
GENERATOR_METHOD = COMPILER.patterns()  # not consumed
REBOUND = Compiler()
REBOUND = object()
NOT_AN_INSTANCE = REBOUND.compile()  # bound twice: not known to be a Compiler


def compiles_later():
    return Compiler().compile()


def main():
    return make_pattern()


if __name__ == "__main__":
    main()


# -- not followed yet ------------------------------------------------------------------------

ASSIGNED_LAMBDA = lambda: re.compile("assigned, then called")
FROM_ASSIGNED_LAMBDA = ASSIGNED_LAMBDA()  # IMC403


def encloses_import():
    import re as enclosed

    def uses_enclosed():
        return enclosed.compile("a name of the enclosing function")

    return uses_enclosed()


ENCLOSED = encloses_import()  # IMC403


def shadows_re():
    re = object()

    def uses_shadowed():
        return re.compile("not the re module: the enclosing function's local")

    return uses_shadowed()


SHADOWED = shadows_re()




INHERITED = InheritsInit()  # IMC403
