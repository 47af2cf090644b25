# Cases for IMC902 strict-module-global-mutation.
#
# The rule speaks only in strict modules, so every module below starts with its own
# `# import-cost: strict` line (the shared preamble holds comments only). The other
# families are ignored so that only the strict rules speak here.
# flake8-options: --extend-ignore=IMC1,IMC2,IMC3,IMC401,IMC402,IMC5

# module: mutations of state the module does not own, and of its own state
# import-cost: strict
"""Importing a strict module changes nothing but its own globals."""

import functools
import os
import sys
from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.db.models.signals import post_save
from django.dispatch import receiver

import mylib
from mylib import DEFAULTS, Widget, registry
from mylib.models import Product

from . import sibling

# -- flagged: sys.path, os.environ, sys.modules --------------------------------------

sys.path.append("/opt/plugins")  # IMC902:1 "sys.path.append()" "imported sys"
sys.path.insert(0, "vendor")  # IMC902 "sys.path.insert()"
sys.path[:0] = ["lib"]  # IMC902 "assigning sys.path[:0]"
os.environ["DJANGO_SETTINGS_MODULE"] = "site.settings"  # IMC902 "assigning os.environ['DJANGO_SETTINGS_MODULE']" "imported os"
os.environ.setdefault("TZ", "UTC")  # IMC902 "os.environ.setdefault()" "imported os"
sys.modules["mylib.compat"] = mylib  # IMC902 "imported sys"

# -- flagged: attributes and items of imported modules and objects -------------------

settings.PAGE_SIZE = 48  # IMC902 "assigning settings.PAGE_SIZE" "imported django.conf.settings"
mylib.DEBUG = True  # IMC902 "assigning mylib.DEBUG" "imported mylib"
sibling.READY = True  # IMC902 "imported .sibling"
Widget.default_size = 3  # IMC902 "assigning Widget.default_size" "imported mylib.Widget"
mylib.hooks: list = []  # IMC902 "assigning mylib.hooks"
mylib.counter += 1  # IMC902 "mylib.counter"
FIRST, mylib.second = 1, 2  # IMC902 "assigning mylib.second"
registry.HANDLERS["csv"] = "mylib.csv"  # IMC902 "assigning registry.HANDLERS['csv']" "imported mylib.registry"
handlers = registry.HANDLERS
handlers["json"] = "mylib.json"  # IMC902 "assigning handlers['json']" "imported mylib.registry"
handlers.update(xml="mylib.xml")  # IMC902 "handlers.update()" "imported mylib.registry"
setattr(mylib, "MODE", "fast")  # IMC902:1 "setattr()" "imported mylib"
delattr(mylib, "LEGACY")  # IMC902 "delattr()" "imported mylib"
del mylib.OLD_NAME  # IMC902 "deleting mylib.OLD_NAME"
del registry.HANDLERS["xml"]  # IMC902 "deleting registry.HANDLERS['xml']"

# -- flagged: registering into another module's registry -----------------------------

admin.site.register(Product)  # IMC902 "admin.site.register()" "imported django.contrib.admin"
post_save.connect(mylib.on_save, sender=Product)  # IMC902 "post_save.connect()"


@admin.register(Product)  # IMC902:2 "decorator @django.contrib.admin.register" "imported from django.contrib"
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name"]


@receiver(post_save, sender=Product)  # IMC902:2 "decorator @django.dispatch.receiver"
def on_product_saved(sender, **kwargs):
    sibling.SAVED = True  # in a function that import does not call


@mylib.plugin  # IMC902 "decorator @mylib.plugin" "imported from mylib"
def export():
    pass


# -- flagged: in a class body, and in a same-module function called at import --------


class Patched:
    mylib.PATCHED = True  # IMC902


def configure():
    settings.CONFIGURED = True


configure()  # IMC902:1 "assigning settings.CONFIGURED" "(in configure(), called at import time)"


def _install(path):
    sys.path.append(path)


_install("/opt/extra")  # IMC902 "(in _install(), called at import time)"

# -- silent: the module's own globals and classes -------------------------------------

__all__ = ["Own"]
__all__ += ["NAMES"]
NAMES = []
NAMES.append("a")
NAMES.extend(["b", "c"])
NAMES[0] = "z"
CACHE = {}
CACHE["key"] = 1
CACHE.update(other=2)
CACHE.setdefault("third", 3)
del CACHE["key"]
SEEN = set()
SEEN.add(1)
COUNT = 0
COUNT += 1
PATH = list(sys.path)
PATH.append("/opt/plugins")
ENV = dict(os.environ)
ENV["TZ"] = "UTC"
MY_DEFAULTS = {**DEFAULTS, "size": 3}
MY_DEFAULTS["colour"] = "red"
DEBUG = os.environ.get("DEBUG", "") == "1"
HOME = os.environ["HOME"]
SEPARATOR = os.sep


class Own:
    count = 0
    items = []


Own.count = 1
Own.count += 1
Own.items.append("x")
setattr(Own, "flag", True)
delattr(Own, "flag")
del Own.items

PLUGINS = {}


def plugin(function):
    PLUGINS[function.__name__] = function
    return function


@plugin
def csv_export():
    pass


def _register(name):
    global CURRENT
    CURRENT = name
    PLUGINS[name] = None


_register("json")


def _build():
    settings = {}
    settings["debug"] = True
    return settings


BUILT = _build()


class Box:
    def __init__(self, size):
        self.size = size
        self.history = []
        self.history.append(size)


BOX = Box(3)
BOX.size = 4


@dataclass
class Point:
    x: int = 0


@functools.cache
def computed():
    return 1


def later():
    sys.path.append("/opt/later")
    settings.LATER = True
    os.environ["LATER"] = "1"


if __name__ == "__main__":
    sys.path.insert(0, ".")
    settings.DEBUG = True

# module: an imported decorator allowed with import-cost-strict-allow
# flake8-options: --import-cost-strict-allow=mylib.plugin,mylib.route
# import-cost: strict
import mylib


@mylib.plugin
def export():
    pass


@mylib.route("/items")
def items():
    pass


@mylib.register  # IMC902 "decorator @mylib.register"
def other():
    pass

# module: an allow pattern for model fields does not allow connecting signals
# flake8-options: --import-cost-strict-allow=django.db.models.*
# import-cost: strict
from django.db import models
from django.db.models.signals import post_save

import mylib


class Book(models.Model):
    title = models.CharField(max_length=100)


post_save.connect(mylib.on_save, sender=Book)  # IMC902
models.signals.pre_save.connect(mylib.on_save, sender=Book)  # IMC902

# module: no marker: the same mutations are not this rule's business
import os
import sys

from django.conf import settings

sys.path.append("/opt/plugins")
os.environ["TZ"] = "UTC"
settings.PAGE_SIZE = 48

# module: an Airflow @task body runs in a worker: calling the task in a DAG changes nothing
# import-cost: strict
import os

from airflow.decorators import task
from airflow.models.dag import DAG


@task  # IMC902 "@airflow.decorators.task"
def configure():
    os.environ["TZ"] = "UTC"


with DAG("configure"):  # IMC901
    configure()
