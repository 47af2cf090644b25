# Cases for IMC402 import-time-io: file, network and process I/O at import time.
# flake8-options: --import-cost-threshold-ms=1000000
import functools
import glob
import io
import json
import logging
import logging.config
import os
import pickle
import shutil
import socket
import subprocess
import tempfile
import time
import tomllib
import urllib.request
from configparser import ConfigParser
from importlib import metadata, resources
from importlib.metadata import entry_points, version
from pathlib import Path

import httpx
import requests
import yaml
from django.conf import settings

# module: application code

# -- files -------------------------------------------------------------------------------

BASE_DIR = Path(__file__).resolve().parent
CONFIG_DIR = Path(__file__).parent / "config"
with open(BASE_DIR / "settings.json") as handle:  # IMC402:6 "open() reads a file at import time; read it on first use (functools.cache)"
    SETTINGS = json.load(handle)
README = open("README.md").read()  # IMC402 "open() reads a file"
LOG = open("app.log", "a")  # IMC402 "open() writes a file at import time"
ENCODED = io.open("data.txt", encoding="utf-8")  # IMC402 "io.open()"
PARSED = json.load(open("data.json"))  # IMC402:20 "open() reads a file"
LOADED = yaml.safe_load(open("config.yaml"))  # IMC402 "open() reads a file"
TOML = (CONFIG_DIR / "app.toml").read_text()  # IMC402 "(CONFIG_DIR / 'app.toml').read_text() reads a file"
with (CONFIG_DIR / "app.toml").open("rb") as toml_file:  # IMC402 "reads a file"
    CONFIG = tomllib.load(toml_file)
PICKLED = pickle.load(STREAM)  # IMC402 "pickle.load() reads a file"
SECRET = (settings.BASE_DIR / "secret.txt").read_text().strip()  # IMC402 "(settings.BASE_DIR / 'secret.txt').read_text() reads a file"
DATA = resources.files("shop").joinpath("data.csv").read_bytes()  # IMC402 "Path.read_bytes() reads a file"
TEMPLATE = resources.read_text("shop", "template.txt")  # IMC402 "importlib.resources.read_text()"
Path("marker").write_text("x")  # IMC402 "writes a file"
PARSER = ConfigParser()
PARSER.read(BASE_DIR / "setup.cfg")  # IMC402 "PARSER.read() reads a file"

# -- directories --------------------------------------------------------------------------

PLUGINS = os.listdir(BASE_DIR / "plugins")  # IMC402 "os.listdir() lists a directory"
MODULES = glob.glob("*.py")  # IMC402 "glob.glob() lists a directory"
WALKED = list(os.walk(BASE_DIR))  # IMC402 "os.walk() lists a directory"
FIXTURES = sorted(BASE_DIR.glob("fixtures/*.json"))  # IMC402 "BASE_DIR.glob() lists a directory"
CHILDREN = list(CONFIG_DIR.iterdir())  # IMC402 "CONFIG_DIR.iterdir() lists a directory"

# -- file-system changes ------------------------------------------------------------------

MEDIA_DIR = BASE_DIR / "media"
MEDIA_DIR.mkdir(parents=True, exist_ok=True)  # IMC402 "MEDIA_DIR.mkdir() changes the file system at import time; do it where it is needed, not at import"
os.makedirs(BASE_DIR / "cache", exist_ok=True)  # IMC402 "os.makedirs() changes the file system"
os.mkdir("logs")  # IMC402 "os.mkdir()"
os.chmod(BASE_DIR / "run.sh", 0o755)  # IMC402 "os.chmod() changes the file system"
os.chown("logs", 1000, 1000)  # IMC402 "os.chown()"
shutil.copy(BASE_DIR / "default.cfg", BASE_DIR / "local.cfg")  # IMC402 "shutil.copy() changes the file system"
shutil.rmtree(BASE_DIR / "build", ignore_errors=True)  # IMC402 "shutil.rmtree()"
shutil.move("old.log", "new.log")  # IMC402 "shutil.move()"
(BASE_DIR / "stale.pid").unlink(missing_ok=True)  # IMC402 "(BASE_DIR / 'stale.pid').unlink() changes the file system"
Path("ready").touch()  # IMC402 "changes the file system"
SCRATCH = tempfile.TemporaryDirectory()  # IMC402 "tempfile.TemporaryDirectory() creates a temporary file or directory at import time"
WORK_DIR = tempfile.mkdtemp()  # IMC402 "tempfile.mkdtemp() creates a temporary file or directory"


class Tools:
    GIT = shutil.which("git")  # IMC402 "shutil.which() searches the PATH directories at import time; look it up on first use (functools.cache)"


# -- installed distributions ----------------------------------------------------------------

__version__ = metadata.version("shop")  # IMC402 "importlib.metadata.version() finds and reads an installed distribution's metadata at import time"
DJANGO_VERSION = version("django")  # IMC402 "importlib.metadata.version()"
PLUGINS_GROUP = entry_points(group="shop.plugins")  # IMC402 "importlib.metadata.entry_points() reads the metadata of every installed distribution at import time"
for plugin in PLUGINS_GROUP:
    plugin.load()  # IMC402 "plugin.load() loads an entry point, importing its module at import time; load it where it is used"
BACKENDS = {ep.name: ep.load() for ep in entry_points().select(group="shop.backends")}  # IMC402 IMC402 "ep.load() loads an entry point"
DEFAULT_BACKEND = entry_points(group="shop.backends")["default"].load()  # IMC402 IMC402 "loads an entry point"

# -- network ----------------------------------------------------------------------------------

FEED = requests.get("https://example.com/feed.json").json()  # IMC402 "requests.get() makes a network request at import time; make it on first use (functools.cache)"
POSTED = httpx.post("https://example.com", json={})  # IMC402 "httpx.post() makes a network request"
HTTP = requests.Session()
HTTP.get("https://example.com")  # IMC402 "HTTP.get() makes a network request"
PAGE = urllib.request.urlopen("https://example.com")  # IMC402 "urllib.request.urlopen() makes a network request"
SOCKET = socket.create_connection(("example.com", 80))  # IMC402 "socket.create_connection() makes a network request"
HOST = socket.gethostbyname("example.com")  # IMC402 "socket.gethostbyname() makes a network request"

# -- processes, sleeping, input ---------------------------------------------------------------

REVISION = subprocess.check_output(["git", "rev-parse", "HEAD"]).decode()  # IMC402 "subprocess.check_output() starts a process at import time"
subprocess.run(["true"])  # IMC402 "subprocess.run() starts a process"
os.system("true")  # IMC402 "os.system()"
time.sleep(0.5)  # IMC402 "time.sleep() sleeps at import time"
NAME = input("Name? ")  # IMC402 "input() waits for input at import time"

# -- silent: no I/O -----------------------------------------------------------------------------

STATIC = BASE_DIR / "static"
JOINED = os.path.join(BASE_DIR, "media")
DEBUG = os.environ.get("DEBUG") == "1"
SECRET_KEY = os.getenv("SECRET_KEY", "dev")
logging.basicConfig(level=logging.INFO)
logging.config.dictConfig({"version": 1})
LOGGER = logging.getLogger(__name__)
NOT_READ = CONFIG_DIR / "app.toml"
EXISTS = NOT_READ.exists()
PARSED_TEXT = yaml.safe_load("a: 1")
LOADED_TEXT = json.loads('{"a": 1}')
SUFFIX = NOT_READ.with_suffix(".bak").name
ITERATOR_FACTORY = glob.iglob
OPENER = open
WEBBROWSER = resources.files("shop")
WORDS = "a b".split()
SLUG = "a-b".replace("-", "_")
RENAMED = WORDS[0].replace("a", "b")
DEFINITION = yaml.Loader("a: 1").load()
FETCHED = SCRATCH.name
SHUTIL_SIZE = shutil.get_terminal_size()
NOT_FOUND = metadata.PackageNotFoundError


class Row:
    def open(self):
        return self


ROW = Row().open()
UNKNOWN_GLOB = ROW.glob("*")

# -- functions: silent unless called at import ------------------------------------------------


@functools.cache
def load_settings():
    with open(BASE_DIR / "settings.json") as settings_file:
        return json.load(settings_file)


def read_secret(path):
    return path.read_text()


def git_version():
    return subprocess.check_output(["git", "describe"]).decode()


def prepare():
    os.makedirs(BASE_DIR / "cache", exist_ok=True)
    MEDIA_DIR.mkdir(exist_ok=True)
    shutil.rmtree(BASE_DIR / "build")
    return tempfile.mkdtemp()


def plugins():
    return [ep.load() for ep in entry_points(group="shop.plugins")]


@functools.cache
def git():
    return shutil.which("git")


class Loader:
    def __init__(self, name):
        self.path = BASE_DIR / name

    def load(self):
        return self.path.read_text()


SECRET_NOW = read_secret(BASE_DIR / "secret.txt")  # IMC402 "(in read_secret(), called at import time)"
LOADER = Loader("data.txt")
LOADED_NOW = LOADER.load()  # IMC402 "reads a file" "(in Loader.load(), called at import time)"
LOADED_AT_ONCE = Loader("other.txt").load()  # IMC402 "(in Loader.load(), called at import time)"
LOAD_LATER = LOADER.load
VERSION = git_version()  # IMC402 "starts a process" "(in git_version(), called at import time)"


def make_loader(name):
    return Loader(name)


ANNOTATED: Loader = make_loader("data.txt")
ANNOTATED_NOW = ANNOTATED.load()  # IMC402 "(in Loader.load(), called at import time)"
QUOTED: "Loader" = make_loader("data.txt")
QUOTED_NOW = QUOTED.load()  # IMC402 "(in Loader.load(), called at import time)"
TEMPORARY = Loader("data.txt")
TEMPORARY_NOW = TEMPORARY.load()  # IMC402 "(in Loader.load(), called at import time)"
del TEMPORARY

if __name__ == "__main__":
    print(open("README.md").read())
    Path("out").mkdir()
    os.makedirs("out/logs")

# module: a build script is never imported by the program it builds
# filename: setup.py
import re as build_re

from setuptools import setup

from distutils.core import Extension  # IMC102 "distutils was removed in Python 3.12"

LONG_DESCRIPTION = open("README.md").read()
VERSION_PATTERN = build_re.compile(r"\d+")

setup(name="demo", long_description=LONG_DESCRIPTION, ext_modules=[Extension("demo", ["demo.c"])])

# module: Airflow runs a @task body in a worker, later: calling it in a DAG only builds the task
import time as waiting

import requests as http
from airflow.decorators import dag, task
from airflow.models.dag import DAG


@task
def fetch():
    return http.get("https://example.com/rates")


@task.virtualenv(requirements=["pandas"])
def in_a_virtualenv():
    waiting.sleep(5)


@task(retries=3)
def retried():
    return open("rates.json").read()


with DAG("rates") as rates_dag:
    fetch()
    in_a_virtualenv()
    retried()


@dag
def built_at_import():
    return open("dag-config.json").read()


built_at_import()  # IMC402 "open() reads a file" "(in built_at_import(), called at import time)"


# module: a test module that skips when a program is missing needs the answer at collection
# filename: tests/test_git.py
import shutil

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
README = open("README.md").read()  # IMC402 "open() reads a file"
