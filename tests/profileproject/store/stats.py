"""Raw SQL at import: a Django cursor, and a plain sqlite3 archive next to the project."""

import sqlite3
from pathlib import Path

from django.db import connection

with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM store_product")
    (PRODUCTS,) = cursor.fetchone()

ARCHIVE = sqlite3.connect(Path(__file__).resolve().parent.parent / "archive.sqlite3")
ARCHIVED = ARCHIVE.execute("SELECT 41 + 1").fetchone()[0]
