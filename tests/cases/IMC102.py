# Cases for IMC102 deprecated-heavy-import: distutils, pkg_resources and imp,
# wherever the import stands, with the replacement for each imported name.
# (IMC101 is kept out of the way: setuptools is slow to import, but not deprecated.)
# flake8-options: --import-cost-threshold-ms=1000000
from typing import TYPE_CHECKING

import distutils  # IMC102:1 "distutils was removed in Python 3.12" "; use setuptools, shutil, sysconfig or packaging"
from distutils.util import strtobool  # IMC102 "use a local helper for strtobool"
from distutils.version import LooseVersion  # IMC102 "use packaging.version.Version for LooseVersion"
from distutils.spawn import find_executable  # IMC102 "use shutil.which for find_executable"
from distutils.version import LooseVersion, StrictVersion  # IMC102 "packaging.version.Version for LooseVersion"
from distutils.core import setup, Extension  # IMC102 "setuptools.setup for setup" "setuptools.Extension for Extension"
import distutils.core as dcore  # IMC102 "setuptools.setup for setup"
import pkg_resources  # IMC102 "pkg_resources is deprecated and scans every installed distribution" "importlib.metadata.version() or distribution() for get_distribution" "importlib.resources.files for resource_filename"
from pkg_resources import iter_entry_points  # IMC102 "use importlib.metadata.entry_points for iter_entry_points"
from pkg_resources import parse_version  # IMC102 "use packaging.version.parse for parse_version"
from pkg_resources import resource_filename as where  # IMC102 "importlib.resources.files for resource_filename"
from pkg_resources import *  # IMC102 "use importlib.metadata and importlib.resources"
import imp  # IMC102 "imp was removed in Python 3.12" "use importlib.reload for reload"
from imp import load_source  # IMC102 "importlib.util.spec_from_file_location for load_source"
import distutils.sysconfig, os  # IMC102
import json, imp as old_imp  # IMC102:1 "use importlib"

VERSION = pkg_resources.get_distribution("flake8").version
DATA = pkg_resources.resource_filename("mypkg", "data.json")
imp.reload(json)
dcore.setup(name="x")

# flagged even where the import does not run at import time

if TYPE_CHECKING:
    import pkg_resources as typing_only  # IMC102


def deferred():
    import distutils.util as du  # IMC102 "a local helper for strtobool"

    return du.strtobool("yes")


class Lazy:
    def method(self):
        from imp import reload  # IMC102 "importlib.reload for reload"

        return reload


if __name__ == "__main__":
    import pkg_resources as in_main  # IMC102

# silent: names that merely contain the word

import impala
import imputil
import distutils_extra
import pkg_resources_shim
import importlib
import importlib.metadata
import setuptools
from setuptools import setup as setuptools_setup
from mypkg import pkg_resources as vendored
from mypkg import imp as vendored_imp
from mypkg.distutils import strtobool as vendored_strtobool
import mypkg.distutils
from . import distutils as relative
from .pkg_resources import get_distribution
from ..imp import reload

DISTUTILS_NOTE = "distutils, pkg_resources and imp in a string are not imports"

# -- flagged wherever the import stands, in an Airflow @task body too ------------------------

from airflow.decorators import task
from airflow.models.dag import DAG


@task
def versions():
    import pkg_resources as in_the_task  # IMC102 "pkg_resources is deprecated"

    return in_the_task.get_distribution("x").version


with DAG("versions"):
    versions()
