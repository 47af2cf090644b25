"""Settings helpers: nothing here runs when this module is imported."""

import json
import os
from pathlib import Path

from app.vcs import Git

DATA = Path(__file__).resolve().parent / "data"


def initialize():
    """Read the settings file and prepare the working directories."""
    settings = _read("settings.json")
    os.makedirs("var/cache", exist_ok=True)
    return settings


def _read(name):
    with open(DATA / name, encoding="utf-8") as file:
        return json.load(file)


def version():
    return Git().describe()


def data_files():
    return sorted(os.listdir(DATA))


def name():
    return "app"


def describe(settings):
    return ", ".join(f"{key}={value}" for key, value in settings.items())


class Loader:
    def __init__(self, name):
        self.name = name

    def load(self):
        return _read(self.name)

    def label(self):
        return self.name.upper()


LOADER = Loader("settings.json")
