"""What the application runs when it is imported: most of the work is in other modules."""

from app import config, db, workers
from app.config import data_files
from app.vcs import Git

from .db import scratch

SETTINGS = config.initialize()
VERSION = config.version()
FILES = data_files()
CONNECTION = db.connect()
SCRATCH = scratch()
REPOSITORY = Git()
WORKER = workers.start()
NAME = config.name()
SUMMARY = config.describe({"name": NAME})


class Defaults:
    VERSION = config.version()


LOADED = config.LOADER.load()
LABEL = config.LOADER.label()
