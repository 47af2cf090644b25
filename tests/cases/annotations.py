# Annotations without `from __future__ import annotations` (future_annotations.py
# has it): evaluated when the function or class is defined before Python 3.14;
# from 3.14 (PEP 649) evaluated on first use, which is at import only for the
# classes and functions that something reads when they are defined: a
# dataclass, a NamedTuple or TypedDict, an attrs class, a pydantic model, a
# function that pydantic validates. Local variable annotations never run.
import dataclasses
import re
from typing import NamedTuple, TypedDict

import pydantic

# module: eager annotations (before Python 3.14)
# python: <3.14


def annotated(value: re.compile("parameter")) -> re.compile("return"):  # IMC403 IMC403
    local: re.compile("local annotation, never evaluated") = value
    return local


MODULE_ANNOTATED: re.compile("module annotation") = None  # IMC403
MODULE_BARE_ANNOTATION: re.compile("bare module annotation")  # IMC403


class Annotated:
    field: re.compile("class annotation") = None  # IMC403


@dataclasses.dataclass
class Data:
    field: re.compile("dataclass annotation") = None  # IMC403


# module: lazy annotations (Python 3.14+, PEP 649)
# python: >=3.14


def annotated(value: re.compile("parameter")) -> re.compile("return"):
    local: re.compile("local annotation, never evaluated") = value
    return local


MODULE_ANNOTATED: re.compile("module annotation") = None
MODULE_BARE_ANNOTATION: re.compile("bare module annotation")


class Annotated:
    field: re.compile("class annotation") = None


@dataclasses.dataclass
class Data:
    field: re.compile("dataclass annotation") = None  # IMC403 (the dataclass reads its annotations)


class Row(NamedTuple):
    field: re.compile("named tuple annotation")  # IMC403


class Options(TypedDict):
    field: re.compile("typed dict annotation")  # IMC403


class Model(pydantic.BaseModel):
    field: re.compile("model annotation") = None  # IMC403


@pydantic.validate_call
def validated(value: re.compile("validated")) -> None:  # IMC403
    pass
