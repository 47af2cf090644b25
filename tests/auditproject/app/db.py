"""Database helpers."""

import sqlite3
import tempfile


def connect():
    return sqlite3.connect("app.sqlite3")


def scratch():
    return tempfile.mkdtemp(prefix="app-")


class Store:
    def __init__(self, path=":memory:"):
        self.path = path

    def open(self):
        return sqlite3.connect(self.path)
