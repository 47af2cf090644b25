# Cases for IMC501 generated-class-heavy-module. The rule reports once per
# module, so each kind of class is checked in a module of its own. The per-class
# estimates are regenerated from a benchmark, so a tiny threshold makes any
# generated class cross it, and a huge one silences every module.
# flake8-options: --import-cost-codegen-ms=0.01 --import-cost-threshold-ms=1000000
import collections
import dataclasses
import enum
import typing
from collections import namedtuple
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple, Protocol, TypedDict

import attr
import attrs
import pydantic
from attrs import define, frozen
from pydantic import BaseModel
from pydantic.dataclasses import dataclass as pydantic_dataclass

# module: @dataclass


@dataclass
class Point:  # IMC501:1 "generated classes cost ~" " ms at import (1 dataclass)"
    x: int
    y: int


class Plain:
    pass

# module: @dataclasses.dataclass(...) with arguments


class Plain:
    pass


@dataclasses.dataclass(order=True)
class Ordered:  # IMC501 "(1 dataclass)"
    x: int

# module: frozen and slots dataclasses


@dataclass(frozen=True)
class Frozen:  # IMC501 "(1 frozen dataclass, 1 slots dataclass, 1 frozen slots dataclass)"
    x: int


@dataclass(slots=True)
class Slotted:
    x: int


@dataclass(frozen=True, slots=True)
class FrozenSlotted:
    x: int

# module: counts by kind, most numerous first


@dataclass
class First:  # IMC501 "(3 dataclasses, 2 pydantic models, 1 namedtuple)"
    a: int = field(default=0)


@dataclass
class Second:
    b: int


@dataclass
class Third:
    c: int


class ModelA(BaseModel):
    a: int


class ModelB(BaseModel):
    b: int


Pair = namedtuple("Pair", "left right")

# module: attr.s


@attr.s(auto_attribs=True)
class Old:  # IMC501 "(1 attrs class)"
    x: int = attr.ib()

# module: attrs.define


@attrs.define
class Modern:  # IMC501 "(1 attrs class)"
    x: int

# module: define and frozen from attrs


@define
class Defined:  # IMC501 "(1 attrs class, 1 frozen attrs class)"
    x: int


@frozen
class Frozen:
    x: int

# module: attrs frozen=True


@attr.s(frozen=True)
class FrozenOld:  # IMC501 "(1 frozen attrs class)"
    x = attr.ib()

# module: collections.namedtuple


Point = collections.namedtuple("Point", ["x", "y"])  # IMC501:9 "(1 namedtuple)"

# module: namedtuple imported from collections

Point = namedtuple("Point", "x y")  # IMC501 "(1 namedtuple)"

# module: typing.NamedTuple as a class


class Point(NamedTuple):  # IMC501 "(1 NamedTuple)"
    x: int
    y: int

# module: typing.NamedTuple called


Point = typing.NamedTuple("Point", [("x", int), ("y", int)])  # IMC501 "(1 NamedTuple)"

# module: a pydantic model


class Model(BaseModel):  # IMC501 "(1 pydantic model)"
    name: str

# module: a same-module subclass of a pydantic model


class Base(pydantic.BaseModel):  # IMC501 "(3 pydantic models)"
    id: int


class Child(Base):
    name: str


class GrandChild(Child):
    extra: str

# module: a pydantic dataclass


@pydantic_dataclass
class Validated:  # IMC501 "(1 pydantic dataclass)"
    x: int

# module: a pydantic dataclass through the module


@pydantic.dataclasses.dataclass
class Validated:  # IMC501 "(1 pydantic dataclass)"
    x: int

# module: nested classes count


class Outer:
    @dataclass
    class Inner:  # IMC501
        x: int

# module: a class built in a function called at import time


def make():
    @dataclass
    class Made:
        x: int

    return Made


Made = make()  # IMC501 "(in make(), called at import time)"

# module: silent: classes that are not generated


class Movie(TypedDict):
    title: str


class Color(Enum):
    RED = 1


class Shape(enum.IntEnum):
    SQUARE = 1


class Readable(Protocol):
    def read(self) -> bytes: ...


class Plain:
    x: int = 0


class NotAModel(Plain):
    y: int = 0


class Subclass(Point):
    pass


Movie2 = TypedDict("Movie2", {"title": str})
Color2 = Enum("Color2", "RED GREEN")

# module: silent: generated classes that are not built at import time


def factory():
    @dataclass
    class Local:
        x: int

    return Local


class Service:
    def method(self):
        return namedtuple("Row", "a b")


if typing.TYPE_CHECKING:

    @dataclass
    class OnlyForTypes:
        x: int

if __name__ == "__main__":
    Script = namedtuple("Script", "a")

# module: silent: decorators with the same names from other libraries

from mylib import dataclass as dataclass
from mylib import define


@dataclass
class NotADataclass:
    x: int


@define
class NotAttrs:
    x: int


class NotPydantic(mylib.BaseModel):
    x: int

# module: silent: below the threshold
# flake8-options: --import-cost-codegen-ms=100000


@dataclass
class Small:
    x: int


class Model(BaseModel):
    name: str


Pair = namedtuple("Pair", "a b")

# module: silent: classes built in an Airflow @task body, which runs in a worker
from dataclasses import dataclass

from airflow.decorators import task
from airflow.models.dag import DAG


@task
def rows():
    @dataclass
    class Row:
        x: int

    return [Row(1)]


with DAG("rows"):
    rows()
