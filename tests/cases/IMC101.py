# Cases for IMC101 slow-import. Figures in the built-in table change when it is
# regenerated, so the messages are matched on their shape, and the threshold is
# tested with modules listed in --import-cost-slow-modules.
# flake8-options: --import-cost-slow-modules=acme,acme_fast=1,acme_big=250,corp.heavy=40
import collections
import dataclasses
import functools
import json
import logging
import os
import pathlib
import re
import sys
import typing
from typing import TYPE_CHECKING

from django.db import models

# module: the built-in table of typical costs

import numpy  # IMC101:1 "numpy takes ~" " ms to import (typical); it is used at import time"
import numpy as np  # IMC101 "numpy" "; used only inside functions, so the import can move into them"
import pandas as pd  # IMC101 "pandas" "; the name is not used in this module"
from scipy import stats  # IMC101 "scipy.stats takes ~" "; used only inside functions"
import numpy.linalg as la  # IMC101 "numpy takes ~" "used only inside functions"
from numpy import array  # IMC101 "numpy" "it is used at import time"
from numpy import *  # IMC101 "a star import cannot be deferred"
import os, numpy as in_a_list  # IMC101:1 "numpy"
import numpy as first_np, pandas as first_pd  # IMC101 "numpy" IMC101 "pandas"
from pandas import DataFrame as exported  # IMC101 "it is used at import time"
from pandas import Series, Index  # IMC101 "the name is not used"
from numpy import dot, zeros as np_zeros  # IMC101 "it is used at import time"

__all__ = ["exported"]
ZEROS = numpy.zeros(3)
ONE = np_zeros(1)


class Frame:
    EMPTY = array([])


def describe(values):
    return stats.describe(np.asarray(values)), la.norm(values)


try:
    import pandas as maybe_pandas  # IMC101
except ImportError:
    maybe_pandas = None


class Holder:
    import numpy as in_class_body  # IMC101


def load_numpy():
    import numpy as in_called_function

    return in_called_function.ones(2)


ONES = load_numpy()  # IMC101 "numpy takes ~" "(in load_numpy(), called at import time)"

# silent: imports that do not run at import, cheap modules, relative imports,
# names that merely start like a slow module, frameworks a module cannot avoid

if TYPE_CHECKING:
    import pandas as only_for_types
if typing.TYPE_CHECKING:
    from numpy import ndarray
if __name__ == "__main__":
    import numpy as only_in_main


def deferred():
    import pandas

    return pandas.DataFrame()


class Lazy:
    def method(self):
        from scipy import stats

        return stats


from . import numpy as local_numpy
from .pandas import DataFrame as local_frame
from ..scipy import stats as local_stats
from mypkg import numpy as vendored
import numpy_financial
import pandas_stubs
import mypkg.numpy
import pkg_resources  # IMC102

# module: eagerly evaluated annotations

import numpy as annotation_np  # IMC101 "used only in annotations: add `from __future__ import annotations`, then move it under `if TYPE_CHECKING:`"


def annotated(values: annotation_np.ndarray) -> None:
    pass


# module: modules listed in --import-cost-slow-modules

import acme  # IMC101 "acme is listed as slow (import-cost-slow-modules); the name is not used"
import acme.sub.deep  # IMC101 "acme is listed as slow"
from acme import thing  # IMC101 "acme is listed as slow"
import acme_big  # IMC101 "acme_big takes ~250 ms to import (import-cost-slow-modules)"
import corp.heavy  # IMC101 "corp.heavy takes ~40 ms"
from corp import heavy  # IMC101 "corp.heavy takes ~40 ms"
from corp.heavy import part  # IMC101 "corp.heavy"
import acme_fast
import acmex
import corp
from corp import light
import corp.light

# module: a higher threshold
# flake8-options: --import-cost-threshold-ms=100 --import-cost-slow-modules=acme,acme_big=250,acme_mid=99.9

import acme  # IMC101 "listed as slow"
import acme_big  # IMC101 "~250 ms"
import acme_mid

# module: the user's figure wins over the built-in table
# flake8-options: --import-cost-slow-modules=numpy=1,scipy.stats=2

import numpy
from scipy import stats
import pandas  # IMC101

# module: a threshold above every module
# flake8-options: --import-cost-threshold-ms=1000000

import numpy
import pandas
import acme  # IMC101 "listed as slow"

# module: the built-in table covers the modules docs/rules/IMC101.md names
# flake8-options: --import-cost-threshold-ms=0.001

import numpy  # IMC101 "(typical)"
import pandas  # IMC101 "(typical)"
import scipy  # IMC101 "(typical)"
import boto3  # IMC101 "(typical)"
import openpyxl  # IMC101 "(typical)"
import jinja2  # IMC101 "(typical)"
import matplotlib  # IMC101 "(typical)"
import sklearn  # IMC101 "(typical)"
import sympy  # IMC101 "(typical)"
import tensorflow  # IMC101 "(typical)"
import torch  # IMC101 "(typical)"
