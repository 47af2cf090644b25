# Cases for IMC101 slow-import. Figures in the built-in table change when it is
# regenerated, so the messages are matched on their shape, and thresholds are
# tested with modules listed in --import-cost-slow-modules. One finding stands
# for each slow package a file imports at import time, at its first import.
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

# module: used only inside functions: the import can move into them

import openpyxl as xl  # IMC101:1 "openpyxl takes ~" " ms to import (typical); used only inside functions, so the import can move into them"
from scipy import stats  # IMC101 "scipy.stats takes ~" "; used only inside functions"
import os, pandas as in_a_list  # IMC101:1 "pandas"


def describe(values):
    return stats.describe(values), in_a_list.Series(values), xl.Workbook()


# module: one finding per package and file, naming every import of it

import sqlalchemy  # IMC101 "sqlalchemy.orm takes ~" "so the imports (lines 33, 34 and 35) can move into them"
from sqlalchemy.orm import Session
from sqlalchemy import select


def rows(engine):
    with Session(engine) as session:
        return session.scalars(select(sqlalchemy.text("1")))


# module: used at import time, when the module is heavy enough to be worth restructuring
# flake8-options: --import-cost-import-time-use-ms=0

import matplotlib  # IMC101 "matplotlib takes ~" "; used at import time (line 49): move that use into a function, and the import with it"
import pandas as pd  # IMC101 "used at import time (line 51)"

matplotlib.use("Agg")
EMPTY = None
FRAME = pd.DataFrame()


class Holder:
    import openpyxl as in_class_body  # IMC101 "used at import time"

    BOOK = in_class_body.Workbook


from jinja2 import Template as exported  # IMC101 "re-exported: load it on first access with a module `__getattr__`"

__all__ = ["exported"]

# module: used at import time below import-cost-import-time-use-ms (100 ms by default) is not worth a finding

import numpy  # numpy costs less than 100 ms: it stays
import pandas  # IMC101 "pandas takes ~" "used at import time (line 70)"

ZEROS = numpy.zeros(3)
FRAME = pandas.DataFrame()

# module: imports that are not used at all are pyflakes' (F401), not ours

import pandas as pd
from numpy import dot, zeros

# module: a star import binds nothing that can be followed

from numpy import *  # IMC101 "a star import cannot be deferred"

# module: imports in a try block and in a called function run at import
# flake8-options: --import-cost-import-time-use-ms=0

try:
    import pandas as maybe_pandas  # IMC101 "used only inside functions"
except ImportError:
    maybe_pandas = None


def frame():
    return maybe_pandas.DataFrame()


def load_workbook():
    import openpyxl as in_called_function

    return in_called_function.Workbook()


BOOK = load_workbook()  # IMC101 "openpyxl takes ~" "used at import time" "(in load_workbook(), called at import time)"

# module: imports that do not run at import, cheap modules, relative imports,
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


def use_them():
    return local_numpy, local_frame, local_stats, vendored, numpy_financial, pandas_stubs, mypkg


# module: eagerly evaluated annotations
# python: <3.14
import numpy as annotation_np  # IMC101 "used only in type hints: add `from __future__ import annotations`, then move the import under `if TYPE_CHECKING:`"


def annotated(values: annotation_np.ndarray) -> None:
    pass


# module: a name in a cast() string is a type hint, like an annotation
from typing import cast

from pandas import DataFrame  # IMC101 "used only inside functions and in type hints"
from pandas import Series  # (the same package: one finding above)


def as_frame(value):
    return cast("DataFrame", value), Series


# module: annotations that pydantic, dataclasses and FastAPI read at runtime are needed at import time
from __future__ import annotations

from dataclasses import dataclass

import pandas  # IMC101 "needed at import time by an annotation that is read at runtime (line 175)"
import sklearn  # IMC101 "needed at import time by an annotation that is read at runtime (line 180)"
import torch  # IMC101 "used only in type hints, so the import can move under `if TYPE_CHECKING:`"
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Report(BaseModel):
    frame: pandas.DataFrame


@dataclass
class Fitted:
    model: sklearn.base.BaseEstimator


@app.get("/weights")
def weights(frame: pandas.DataFrame) -> dict[str, int]:
    return {}


def plain(tensor: torch.Tensor) -> torch.Tensor:
    return tensor


# module: the tests patch the name the import binds
# filename: shop/__init__.py

# module: the patched module
# filename: shop/client.py
import requests  # IMC101 "used only inside functions, so the import can move into them; the tests patch shop.client.requests: patch it where it is used once the import moves"


def fetch(url):
    return requests.get(url)


# module: the test that patches it
# filename: tests/test_client.py
from unittest import mock


@mock.patch("shop.client.requests")
def test_fetch(requests):
    pass


# module: a package whose __init__ imports a module loads it for every one of its modules
# filename: app/__init__.py
# flake8-options: --import-cost-import-time-use-ms=0
import pandas  # IMC101 "used at import time (line 221)"

from app import settings

pandas.set_option("display.width", 120)

# module: the package's settings, which its __init__ imports
# filename: app/settings.py
# flake8-options: --import-cost-import-time-use-ms=0
import redis  # IMC101 "used only inside functions" (its own import is the one the package runs)


def cache():
    return redis.Redis()


# module: a module of the package: pandas and redis are loaded before it anyway
# filename: app/views.py
# flake8-options: --import-cost-import-time-use-ms=0
import pandas
import redis
import openpyxl  # IMC101 "openpyxl takes ~" "used only inside functions"


def export():
    return pandas.DataFrame(), redis.Redis(), openpyxl.Workbook()


# module: a framework the file imports loads the module anyway (django.test loads unittest.mock; pandas loads numpy)
import numpy
import pandas  # IMC101 "pandas takes ~" (pandas itself is slow)
import django.test
from unittest import mock


class Case(django.test.TestCase):
    def test_it(self):
        with mock.patch("os.getcwd"):
            return numpy.zeros(1), pandas.DataFrame()


# module: without such a framework, unittest.mock in application code costs its price
from unittest import mock  # IMC101 "unittest.mock takes ~"


def patched():
    return mock.MagicMock()


# module: a test module has a threshold of its own, import-cost-test-threshold-ms (100 ms by default)
# filename: tests/test_reports.py
import pandas  # IMC101 "pandas takes ~" "used only inside functions"
from unittest import mock
import numpy


def test_report():
    return pandas.DataFrame(), mock.MagicMock(), numpy.zeros(1)


# module: a package that two test modules import at their top is loaded for the test run anyway
# filename: tests/test_sheets.py
import openpyxl


def test_sheet():
    return openpyxl.Workbook()


# module: the other test module
# filename: tests/test_books.py
import openpyxl


def test_book():
    return openpyxl.Workbook()


# module: a command's module is imported to run the command, which needs what it imports
# filename: shop/management/commands/export_prices.py
import pandas


def handle():
    return pandas.DataFrame()


# module: import-cost-command-paths replaces the default globs
# filename: tools/management/commands/export_stock.py
# flake8-options: --import-cost-command-paths=none
import pandas  # IMC101 "used only inside functions"


def handle():
    return pandas.DataFrame()


# module: migrations are not start-up code: only IMC102 runs on them
# filename: shop/migrations/0002_prices.py
import pandas
from distutils.util import strtobool  # IMC102


def forwards(apps, schema_editor):
    return pandas.DataFrame(), strtobool("yes")


# module: import-cost-non-startup-paths replaces the default globs
# filename: ops/migrations/0001_initial.py
# flake8-options: --import-cost-non-startup-paths=none
import pandas  # IMC101 "used only inside functions"


def forwards(apps, schema_editor):
    return pandas.DataFrame()


# module: modules listed in import-cost-core-modules are loaded at start-up anyway
# flake8-options: --import-cost-core-modules=pandas,sqlalchemy
import pandas
import pandas.io.formats
from sqlalchemy.orm import Session
import openpyxl  # IMC101 "openpyxl takes ~"


def use():
    return pandas, Session, openpyxl


# module: PEP 810: a lazy import costs only where it is first used
__lazy_modules__ = ["pandas", "numpy"]

import pandas  # IMC101 "lazy import of pandas is used at import time (line 352), so it takes ~"
import numpy

FRAME = pandas.DataFrame()


def zeros():
    return numpy.zeros(3)


# module: modules listed in --import-cost-slow-modules

import acme  # IMC101 "acme is listed as slow (import-cost-slow-modules); used only inside functions"
import acme_big  # IMC101 "acme_big takes ~250 ms to import (import-cost-slow-modules)"
import corp.heavy  # IMC101 "corp.heavy takes ~40 ms"
import acme_fast
import acmex
import corp
from corp import light
import corp.light


def use():
    return acme, acme_big, corp, acme_fast, acmex, light


# module: a from-import of a slow submodule, and of a name in it
# flake8-options: --import-cost-slow-modules=corp.heavy=40

from corp import heavy  # IMC101 "corp.heavy takes ~40 ms"
from corp.heavy import part


def use():
    return heavy, part


# module: a higher threshold
# flake8-options: --import-cost-threshold-ms=100 --import-cost-slow-modules=acme,acme_big=250,acme_mid=99.9

import acme  # IMC101 "listed as slow"
import acme_big  # IMC101 "~250 ms"
import acme_mid


def use():
    return acme, acme_big, acme_mid


# module: the user's figure wins over the built-in table
# flake8-options: --import-cost-slow-modules=numpy=1,scipy.stats=2

import numpy
from scipy import stats
import pandas  # IMC101


def use():
    return numpy, stats, pandas


# module: a threshold above every module
# flake8-options: --import-cost-threshold-ms=1000000

import numpy
import pandas
import acme  # IMC101 "listed as slow"


def use():
    return numpy, pandas, acme


# module: the built-in table covers numpy (pandas and others load it: a module of its own)
# flake8-options: --import-cost-threshold-ms=0.001

import numpy  # IMC101 "(typical)"


def use():
    return numpy


# module: the built-in table covers the other modules docs/rules/IMC101.md names
# flake8-options: --import-cost-threshold-ms=0.001

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


def use():
    return pandas, scipy, boto3, openpyxl, jinja2, matplotlib, sklearn, sympy, tensorflow, torch


# module: with a profiled start-up, the cost is what the start-up paid, and the message names the other lines
# filename: weighted/reports.py
# measured: {"modules": {"pandas": 180.0, "openpyxl": 3.0}, "statements": {"454": 182.5}, "importers": {"pandas": ["weighted/reports.py:454", "weighted/views.py:3", "weighted/api.py:7"]}}
import pandas  # IMC101 "pandas takes ~180 ms to import (measured at start-up); used only inside functions, so the import can move into them; also imported at start-up by weighted/views.py:3 and 1 other line: defer them all to save it" "(measured: 182.5 ms at start-up)"
import openpyxl  # measured at 3 ms: under the threshold, whatever the built-in table says


def export():
    return pandas.DataFrame(), openpyxl.Workbook()


# module: a package outside the project imports it at start-up too: deferring it here saves nothing
# filename: weighted/charts.py
# measured: {"modules": {"pandas": 180.0}, "importers": {"pandas": ["/venv/lib/python3.11/site-packages/seaborn/__init__.py:5"]}}
import pandas  # IMC101 "(measured at start-up)" "seaborn/__init__.py:5 (outside the project) imports it at start-up too: deferring it saves nothing"


def chart():
    return pandas.DataFrame()


# module: an isolated measurement (flake8-import-cost measure) beats the built-in table; a module neither measured keeps its typical cost
# filename: weighted/export.py
# measured: {"isolated": {"openpyxl": 320.0}}
import openpyxl  # IMC101 "openpyxl takes ~320 ms to import (measured); used only inside functions"
import pandas  # IMC101 "pandas takes ~" "(typical)"


def export():
    return openpyxl.Workbook(), pandas.DataFrame()


# module: import-cost-min-ms hides findings measured cheaper; unmeasured ones stay
# filename: weighted/minimum.py
# measured: {"isolated": {"matplotlib": 300.0}, "statements": {"487": 20.0}}
# flake8-options: --import-cost-min-ms=50
import matplotlib  # measured at 20 ms at start-up: hidden
import pandas  # IMC101 "pandas takes ~" (no statement measurement: kept)


def plot():
    return matplotlib.figure, pandas.DataFrame()


# module: a Django project's start-up: the settings, the installed apps' models and the URLconf
# flake8-options: --import-cost-threshold-ms=10
# filename: site/__init__.py

# module: the settings module says what start-up imports
# flake8-options: --import-cost-threshold-ms=10
# filename: site/settings.py
INSTALLED_APPS = ["django.contrib.contenttypes", "store.apps.StoreConfig"]
ROOT_URLCONF = "site.urls"

# module: the URLconf
# flake8-options: --import-cost-threshold-ms=10
# filename: site/urls.py
from store import views

urlpatterns = []

# module: the app package
# flake8-options: --import-cost-threshold-ms=10
# filename: store/__init__.py

# module: the app's models: imported at every start-up, as the views are: both import requests
# flake8-options: --import-cost-threshold-ms=10
# filename: store/models.py
import requests  # IMC101 "requests takes ~" "used only inside functions" "; also imported at start-up by store/views.py:529: defer them all to save it"


def fetch(url):
    return requests.get(url)


# module: the views: each import of requests at start-up is one finding, naming the others
# flake8-options: --import-cost-threshold-ms=10
# filename: store/views.py
import requests  # IMC101 "also imported at start-up by store/models.py:519: defer them all to save it"
import openpyxl  # IMC101 "openpyxl takes ~" (no start-up module imports openpyxl)


def page(request):
    return requests.get("x"), openpyxl.Workbook()


# module: a module start-up does not import finds requests loaded already
# flake8-options: --import-cost-threshold-ms=10
# filename: store/exports.py
import requests


def send(url):
    return requests.post(url)

# module: an Airflow @task body runs in a worker: calling the task in a DAG imports nothing
# flake8-options: --import-cost-import-time-use-ms=0
from airflow.decorators import dag, task
from airflow.models.dag import DAG


@task
def summarise():
    import pandas as in_the_task

    return in_the_task.DataFrame()


@dag
def built_now():
    import openpyxl as in_the_dag

    return in_the_dag.Workbook()


with DAG("summary"):
    summarise()

built_now()  # IMC101 "openpyxl takes ~" "(in built_now(), called at import time)"


# module: a module start-up does not import is imported when it is first used: held to import-cost-on-demand-threshold-ms
# flake8-options: --import-cost-threshold-ms=10
# filename: store/reports.py
import pandas  # IMC101 "pandas takes ~" "used only inside functions"
import yaml  # ~15 ms, under the on-demand threshold of 100 ms


def report(rows):
    return pandas.DataFrame(rows), yaml.safe_dump(rows)


# module: another project, whose start-up is its settings
# flake8-options: --import-cost-threshold-ms=10 --import-cost-on-demand-threshold-ms=10
# filename: shop/__init__.py

# module: its settings, with no app of its own
# flake8-options: --import-cost-threshold-ms=10 --import-cost-on-demand-threshold-ms=10
# filename: shop/settings.py
INSTALLED_APPS = ["django.contrib.contenttypes"]

# module: with the on-demand threshold lowered, a module start-up does not import is held to the usual threshold
# flake8-options: --import-cost-threshold-ms=10 --import-cost-on-demand-threshold-ms=10
# filename: shop/tools.py
import yaml  # IMC101 "yaml takes ~"


def dump(rows):
    return yaml.safe_dump(rows)


# module: lazily evaluated annotations (Python 3.14+, PEP 649)
# python: >=3.14

import sympy as lazy_sympy  # IMC101 "used only in type hints, so the import can move under `if TYPE_CHECKING:`"
import pandas as lazy_pd  # IMC101 "used only in type hints: add `from __future__ import annotations`"
from typing import NamedTuple


def annotated(values: lazy_sympy.Expr) -> None:
    pass


class Row(NamedTuple):  # built from its annotations, evaluated when the class is
    frame: lazy_pd.DataFrame


# module: a package whose folder of docs macros no import reaches (its name is not an identifier)
# flake8-options: --import-cost-threshold-ms=10
# filename: portal/__init__.py

# module: a file there runs on its own, when the docs build reads it: held to the on-demand threshold
# flake8-options: --import-cost-threshold-ms=10
# filename: portal/project-static/docs/macros.py
import pandas  # IMC101 "pandas takes ~" "used only inside functions"
import yaml  # ~15 ms, under the on-demand threshold of 100 ms


def define_env(env):
    return pandas.DataFrame(), yaml.safe_dump(env)

# module: a folder without __init__.py but with an identifier for a name is a namespace package: imported as usual
# flake8-options: --import-cost-threshold-ms=10
# filename: portal/plugins/macros.py
import yaml  # IMC101 "yaml takes ~"


def define_env(env):
    return yaml.safe_dump(env)


# module: a package whose __init__ imports the costly core of a library at import time
# flake8-options: --import-cost-threshold-ms=10 --import-cost-slow-modules=vendorlib.core=50,vendorlib.extra=12,vendorlib.big=300
# filename: vault/__init__.py
from vendorlib import core  # used at import time, and under import-cost-import-time-use-ms

KEYS = core.load_keys()

# module: a cheaper module of the same library shares that core: what it adds is under the threshold
# flake8-options: --import-cost-threshold-ms=10 --import-cost-slow-modules=vendorlib.core=50,vendorlib.extra=12,vendorlib.big=300
# filename: vault/tokens.py
from vendorlib.extra import Token


def issue(key):
    return Token(key)

# module: a module of the library that costs much more than the core it shares is still reported
# flake8-options: --import-cost-threshold-ms=10 --import-cost-slow-modules=vendorlib.core=50,vendorlib.extra=12,vendorlib.big=300
# filename: vault/reports.py
from vendorlib.big import Report  # IMC101 "vendorlib.big takes ~300 ms"


def report(rows):
    return Report(rows)


# module: a Django project whose start-up builds the search engine that a setting names
# flake8-options: --import-cost-threshold-ms=10 --import-cost-import-time-use-ms=10
# filename: catalog/__init__.py

# module: its settings name the engine and an exporter by dotted path
# flake8-options: --import-cost-threshold-ms=10 --import-cost-import-time-use-ms=10
# filename: catalog/settings.py
INSTALLED_APPS = ["catalog"]
SEARCH_BACKEND = "catalog.search.Engine"
EXPORTER = "catalog.exporters.Exporter"

# module: the app's models, imported at every start-up: they load the engine's factory and call a registry
# flake8-options: --import-cost-threshold-ms=10 --import-cost-import-time-use-ms=10
# filename: catalog/models.py
from catalog import exports, factory, warmup
from catalog.registry import load_rules

RULES = load_rules()
warmup.prepare()
SECOND = factory.create()  # IMC301 "(in catalog.search.Engine.__init__(), called at import time via catalog.factory.create())"

# module: the factory builds the class SEARCH_BACKEND names, at import time: the client its constructor builds is its work
# flake8-options: --import-cost-threshold-ms=10 --import-cost-import-time-use-ms=10
# filename: catalog/factory.py
from django.conf import settings
from django.utils.module_loading import import_string


def create():
    path = settings.SEARCH_BACKEND
    module, _, name = path.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)()


ENGINE = create()  # IMC301 "elasticsearch.Elasticsearch() builds a client at import time" "[catalog/search.py:716]" "(in catalog.search.Engine.__init__(), called at import time via create())"


def exporter():  # named by EXPORTER, built on first use: nothing at import
    return import_string(settings.EXPORTER)()

# module: the engine: its constructor runs at start-up, so the import it uses is needed there
# flake8-options: --import-cost-threshold-ms=10 --import-cost-import-time-use-ms=10
# filename: catalog/search.py
import elasticsearch  # IMC101 "used at start-up: catalog/factory.py:702 and 1 other line build Engine at import time, which uses it (line 716)" "do that on first use there"


class Engine:
    def __init__(self):
        self.client = elasticsearch.Elasticsearch()

# module: another start-up importer of elasticsearch: the engine's module needs it at start-up, so deferring here saves nothing
# flake8-options: --import-cost-threshold-ms=10 --import-cost-import-time-use-ms=10
# filename: catalog/exports.py
import elasticsearch


def dump(index):
    return elasticsearch.helpers.scan(index)

# module: a setting names the exporter, but nothing builds it at import: its imports can move
# flake8-options: --import-cost-threshold-ms=10 --import-cost-import-time-use-ms=10
# filename: catalog/exporters.py
import openpyxl  # IMC101 "used only inside functions"


class Exporter:
    def __init__(self):
        self.book = openpyxl.Workbook()

# module: a registry whose function the models call at import time, and one they do not call
# flake8-options: --import-cost-threshold-ms=10 --import-cost-import-time-use-ms=10
# filename: catalog/registry.py
import yaml  # IMC101 "used at start-up: catalog/models.py:685 calls load_rules() at import time, which uses it (line 745)"
import redis  # IMC101 "used only inside functions"


def load_rules():
    return yaml.safe_dump({})


def publish(rules):
    return redis.Redis().publish("rules", rules)

# module: a module whose function the models call at import time calls into another
# flake8-options: --import-cost-threshold-ms=10 --import-cost-import-time-use-ms=10
# filename: catalog/warmup.py
from catalog import charts


def prepare():
    return charts.draw()

# module: so what that one uses is needed at start-up too, two modules away
# flake8-options: --import-cost-threshold-ms=10 --import-cost-import-time-use-ms=10
# filename: catalog/charts.py
import matplotlib  # IMC101 "used at start-up: catalog/models.py:686 calls draw() at import time (via catalog.warmup.prepare()), which uses it (line 767)"


def draw():
    return matplotlib.figure.Figure()
