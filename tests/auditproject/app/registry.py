"""A registry built at import time from the package's data, through a same-module helper."""

from app.config import _read


def load():
    return _read("settings.json")


REGISTRY = load()
