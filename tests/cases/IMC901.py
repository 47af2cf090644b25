# Cases for IMC901 strict-module-side-effect.
#
# The rule speaks only in strict modules, so every module below starts with its own
# `# import-cost: strict` line: the shared preamble holds comments only, since a
# statement here would stand before each module's marker and switch it off. The other
# families are ignored so that only the strict rules speak here; IMC403 stays on (the
# harness opts in to it) and is written where it fires.
# flake8-options: --extend-ignore=IMC1,IMC2,IMC3,IMC401,IMC402,IMC5

# module: forbidden calls, and the calls a strict module may make
# import-cost: strict
"""Importing a strict module only defines things."""

import collections
import dataclasses
import functools
import logging
import re
import typing
from dataclasses import dataclass, field
from enum import Enum, auto
from functools import cache, lru_cache, partial, wraps
from typing import TYPE_CHECKING, NamedTuple, NewType, TypeVar, cast

from django.utils.translation import gettext_lazy as _

import mylib
from mylib import Client, make
from mylib.factories import build as build_thing

if TYPE_CHECKING:
    from mylib.types import Config

logger = logging.getLogger(__name__)

# -- flagged: a call of something imported -----------------------------------------

VALUE = make()  # IMC901:9 "mylib.make()" "imported from mylib"
CLIENT = Client("db")  # IMC901 "mylib.Client()" "imported from mylib"
SETTINGS = mylib.load_settings()  # IMC901 "mylib.load_settings()" "imported from mylib"
BUILT = build_thing()  # IMC901 "mylib.factories.build()" "imported from mylib.factories"

# -- flagged: builtins with side effects ---------------------------------------------

print("loading")  # IMC901:1 "print()" "a builtin"
TEXT = open("data.txt").read()  # IMC901 "open()" "a builtin" IMC901 "open('data.txt').read()"
exec("X = 1")  # IMC901 "exec()" "a builtin"
__import__("mylib.plugins")  # IMC901 "__import__()" "a builtin"

# -- flagged: methods of module-level objects, callees of unknown origin ------------

logger.info("imported")  # IMC901 "logger.info()"
HANDLERS = {"default": make}
HANDLERS["default"]()  # IMC901 "HANDLERS['default']()"
CHAINED = make()()  # IMC901:11 "make()()" "of unknown origin" IMC901:11 "mylib.make()"
SETUP = getattr(mylib, "setup")()  # IMC901 "getattr(mylib, 'setup')()" "of unknown origin"
IMMEDIATE = (lambda: make())()  # IMC901:22 "mylib.make()"
SIZES = [make(size) for size in range(3)]  # IMC901
FIRST_ITERABLE = (item for item in make())  # IMC901:36


# -- flagged: calls in class bodies, defaults and decorators -------------------------


class Defaults:
    TIMEOUT = mylib.default_timeout()  # IMC901 "mylib.default_timeout()"


def fetch(retries=make()):  # IMC901:19 "mylib.make()"
    return retries


@lru_cache(maxsize=make())  # IMC901:20 "mylib.make()"
def cached_lookup(key):
    return key


# -- flagged: inside a same-module function called at import, at the call site -------


def load_defaults():
    return mylib.read_defaults()


DEFAULTS = load_defaults()  # IMC901:12 "mylib.read_defaults()" "(in load_defaults(), called at import time)"


def _announce():
    print("ready")


def start():
    _announce()


start()  # IMC901:1 "print()" "(in _announce(), called at import time via start())"


class Registry:
    def __init__(self):
        self.entries = make()


REGISTRY = Registry()  # IMC901 "(in Registry.__init__(), called at import time)"


# -- silent: allowlisted calls -------------------------------------------------------

T = TypeVar("T")
UserId = NewType("UserId", int)
ZERO = cast(int, 0)
MAYBE = typing.Optional[int]
to_binary = partial(int, base=2)
Point = collections.namedtuple("Point", "x y")
# re.compile is allowed in strict modules; IMC403 (opted in by the harness) is the rule about it
WORD = re.compile(r"\w+")  # IMC403
LABEL = _("Price")
JOINED = ", ".join(["a", "b"])
SHOUTED = "quiet".upper()
TEMPLATE = "{name}: {value}".format(name="a", value=1)
ORDERED = sorted({3, 1, 2})
TOTAL = sum(range(10)) + len("abc") + max(1, 2)
NAMES = tuple(map(str, [1, 2, 3]))
PAIRS = dict(zip("ab", (1, 2)))
ERROR = ValueError("bad value")
COUNTS = collections.Counter("hello")
LOG = logging.getLogger("other")


@dataclass(frozen=True)
class Item:
    name: str
    tags: list = field(default_factory=list)


@dataclasses.dataclass
class Other:
    size: int = dataclasses.field(default=0)


class Color(Enum):
    RED = auto()
    GREEN = auto()


class Coordinates(NamedTuple):
    lat: float
    lon: float


@cache
def settings_value():
    return make()  # the body runs on the first call, not at import


@functools.lru_cache(maxsize=128)
def lookup(key):
    return make(key)


def traced(function):
    @wraps(function)
    def wrapper(*args):
        return function(*args)

    return wrapper


@traced
def traced_function():
    return make()


class Service:
    name = "service"

    @property
    def client(self):
        return Client(self.name)

    @staticmethod
    def build():
        return make()

    @classmethod
    def default(cls):
        return cls()


# -- silent: definitions, constants, same-module strict-clean helpers ----------------

MAX_SIZE = 2**16
PREFIXES = ("a", "b") * 3
SQUARES = [n * n for n in range(10)]
LAZY = (make(n) for n in range(3))  # only the first iterable runs when nothing consumes it
callback = lambda: make()  # defined, not called


def _pair(first, second):
    return (first, second)


PAIR = _pair(1, 2)


def _ping(n):
    return _pong(n - 1) if n > 0 else n


def _pong(n):
    return _ping(n - 1) if n > 0 else n


PINGED = _ping(4)  # a cycle between two clean helpers


class Counter:
    def __init__(self, start):
        self.value = start
        self.seen = []
        self.seen.append(start)


COUNTER = Counter(0)


class Marker:
    pass


MARKER = Marker()


def _numbers():
    yield make()


NUMBERS = _numbers()  # a generator: its body runs when something consumes it


def later():
    print(make())
    return open("data.txt").read()


if __name__ == "__main__":
    print(make())

if TYPE_CHECKING:
    CONFIG: Config = make()


# -- known gaps ----------------------------------------------------------------------

PACKAGE = __name__.rpartition(".")[0]
KEYS = dict.fromkeys(["a", "b"])
alias = _pair
ALIASED_PAIR = alias(1, 2)


def _depth_5():
    return make()


def _depth_4():
    return _depth_5()


def _depth_3():
    return _depth_4()


def _depth_2():
    return _depth_3()


def _depth_1():
    return _depth_2()


DEEP = _depth_1()  # IMC901

# module: Django model fields, allowed with import-cost-strict-allow
# flake8-options: --import-cost-strict-allow=django.db.models.*
# import-cost: strict
from django.db import models
from django.db.models import CharField
from django.utils.translation import gettext_lazy as _

import mylib


class Category(models.Model):
    name = CharField(_("name"), max_length=100)


class Product(models.Model):
    name = models.CharField(_("name"), max_length=100)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    objects = models.Manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name


class Legacy(models.Model):
    code = models.CharField(max_length=mylib.code_length())  # IMC901:40 "mylib.code_length()"

# module: the same model fields without import-cost-strict-allow
# import-cost: strict
from django.db import models


class Plain(models.Model):
    name = models.CharField(max_length=100)  # IMC901 "django.db.models.CharField()" "imported from django.db"

# module: no marker, strict through an import-cost-strict-modules glob
# flake8-options: --import-cost-strict-modules=IMC901_*.py
import mylib

VALUE = mylib.make()  # IMC901 "mylib.make()"
print("loading")  # IMC901 "print()"

# module: no marker and no matching glob: not strict
# flake8-options: --import-cost-strict-modules=strict/*.py
import mylib

VALUE = mylib.make()
print("loading")

# module: a marker after the first statement does not count
import mylib

# import-cost: strict
VALUE = mylib.make()
print("loading")

# module: an Airflow @task body runs in a worker: calling the task in a DAG runs none of it
# import-cost: strict
from airflow.decorators import task
from airflow.models.dag import DAG

import mylib


@task  # IMC902
def refresh():
    mylib.reload()
    print("refreshing")


with DAG("refresh"):  # IMC901 "airflow.models.dag.DAG()"
    refresh()
