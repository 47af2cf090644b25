# python: >=3.13
# PEP 696 (Python 3.13): the default of a type parameter is evaluated only when
# something asks for it, as its bound is: a slow import that only defaults read
# is used only in type hints.
import re

import pandas as pd  # IMC101 "used only in type hints, so the import can move under `if TYPE_CHECKING:`"

type Frame[T = pd.DataFrame] = list[T]


def first[T = re.Pattern, *Ts = *tuple[int, ...]](items: list[T], pattern=re.compile("default")) -> T:  # IMC403
    return items[0]


class Box[T: (int, str) = int, **P = [int, str]]:
    pattern = re.compile("class body")  # IMC403
