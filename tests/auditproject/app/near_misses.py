"""Calls into the package's other modules that do no work at import time."""

import functools
from typing import TYPE_CHECKING

from app import config, db
from app.db import Store

if TYPE_CHECKING:
    from app.vcs import Git

NAME = config.name()
TEXT = config.describe({"debug": False})
STORE = Store("later.sqlite3")  # built, not opened
OPEN_LATER = functools.partial(db.connect)


def settings():
    return config.initialize()


def repository() -> "Git":
    from app.vcs import Git

    return Git()


@functools.cache
def version():
    return config.version()


class Lazy:
    def __init__(self):
        self.version = config.version()


if __name__ == "__main__":
    print(config.initialize())
