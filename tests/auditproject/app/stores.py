"""Stores that the settings can name: nothing here runs when this module is imported."""

import os

from app.config import DATA


class DirectoryStore:
    def __init__(self):
        self.names = sorted(os.listdir(DATA))


class MemoryStore:
    def __init__(self):
        self.names = []
