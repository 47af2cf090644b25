# python: >=3.12
# Python 3.12 syntax: PEP 695 type parameters and `type` statements, PEP 701 f-strings.
# A `type` statement's value and the bounds, constraints and defaults of type
# parameters are evaluated only when something asks for them (lazily, as
# `Alias.__value__`), so nothing in them runs at import and a slow import they
# alone read can move under `if TYPE_CHECKING:`. The rest of a generic class or
# function runs as it always does: decorators, bases, defaults and its class body.
import functools
import re

import pandas as pd  # IMC101 "used only in type hints, so the import can move under `if TYPE_CHECKING:`"
from scipy import stats  # IMC101 "used only in type hints"
import torch  # IMC101 "used at import time (line 37)"
import sympy  # IMC101 "used only inside functions"

type Frame = pd.DataFrame
type Pattern = re.compile("a type alias value is lazy")
type Pair[T: stats.Result] = tuple[T, T]
type Constrained[T: (int, str), *Ts, **P] = tuple[T, *Ts]
type Recursive = list[Recursive] | int


def first[T](items: list[T], pattern=re.compile("default")) -> T:  # IMC403:38
    return items[0]


@functools.cache
def cached[T: (int, str)](value: T) -> T:
    return value


def solve[T]() -> T:
    return sympy.symbols("x")


class Box[T: (int, str), *Ts, **P](list[T]):
    sample = torch.zeros(3)
    pattern = re.compile("generic class body")  # IMC403

    def get[U: re.Pattern](self, default: U) -> T | U:
        return re.compile("a method body")


class Nested[T]:
    type Inner = dict[str, T]

    class Deeper[U: T]:
        value = re.compile("nested class body")  # IMC403


# PEP 701: f-strings nest quotes, span lines and hold comments and backslashes.
words = ["a", "b"]
NESTED = f"{f"{re.compile("inside nested f-strings")}"}"  # IMC403:16
JOINED = f"{"\n".join(words)} {words!r:>{10}}"
MULTI_LINE = f"{
    re.compile("in a multi-line replacement field")  # IMC403:5 (the call's own line)
}"
DEBUG = f"{re.compile('debug')=}"  # IMC403
LOOPED = f"{[c for c in range(100_000)]}"  # IMC401
