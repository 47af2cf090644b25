"""Builds the store that the settings name, when this module is imported."""

import importlib

from app import settings


def create():
    module, _, name = settings.STORE_BACKEND.rpartition(".")
    return getattr(importlib.import_module(module), name)()


STORE = create()
