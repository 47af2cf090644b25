# With `from __future__ import annotations` no annotation is evaluated at
# import, so nothing in one runs; defaults, decorators and bases still do.
from __future__ import annotations

import re

import torch as np  # IMC101 "used only in type hints, so the import can move under `if TYPE_CHECKING:`"
import pandas as pd  # IMC101 "used at import time (line 22)"
from scipy import stats  # IMC101 "used only in type hints"


def annotated(value: re.compile("parameter")) -> re.compile("return"):
    return value


def with_default(value: np.ndarray, pattern=re.compile("default")) -> np.ndarray:  # IMC403
    return value


MODULE_ANNOTATED: re.compile("module annotation") = None
MODULE_BARE_ANNOTATION: re.compile("bare module annotation")
FRAME: np.ndarray = pd.DataFrame()
RESULT: "stats.DescribeResult | None" = None


class Annotated:
    field: re.compile("class annotation") = None
    value: re.compile("class annotation") = re.compile("but the value runs")  # IMC403

    def method(self, other: np.ndarray) -> np.ndarray:
        return other
