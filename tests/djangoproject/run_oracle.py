"""Import every module of the oracle project under Django and record where SQL ran.

Usage: ``python run_oracle.py OUTPUT.json [DIRECTORY]``. Creates a fresh
SQLite database (in DIRECTORY, or a new temporary directory), migrates it,
adds a few rows, then imports each module with every executed query captured
(``connection.execute_wrapper``) and every database connection captured
(Python's ``sqlite3.connect`` audit event). Each is attributed to
the import-time line that caused it: the innermost frame, in a file of this
project, that runs a module or class body (a function called from there is
attributed to its call site, as the plugin reports it). Writes
``{"events": [[path, line, what], ...], "errors": [...], "modules": [...]}``
with paths relative to this directory.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import sys
import tempfile
import traceback
import warnings
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent
#: The modules to import, in order (each import also imports what it needs).
MODULES = [
    "shop.services",
    "shop.reports",
    "shop.forms",
    "shop.admin",
    "shop.serializers",
    "shop.views",
    "shop.urls",
    "shop.templatetags.shop_tags",
    "shop.feeds",
    "oracle_site.urls",
]


def import_time_line(frame: FrameType | None) -> tuple[str, int] | None:
    """The innermost project frame that runs a module or class body: (path, line)."""
    while frame is not None:
        code = frame.f_code
        path = Path(code.co_filename)
        if not code.co_flags & inspect.CO_OPTIMIZED and ROOT in path.parents:
            return str(path.relative_to(ROOT)), frame.f_lineno
        frame = frame.f_back
    return None


def main(output: str, directory: str | None = None) -> None:
    directory = directory or tempfile.mkdtemp(prefix="import-cost-oracle-")
    os.environ["ORACLE_DATABASE"] = str(Path(directory) / "oracle.sqlite3")
    os.environ["ORACLE_ARCHIVE"] = str(Path(directory) / "archive.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "oracle_site.settings"
    sys.path.insert(0, str(ROOT))
    warnings.simplefilter("ignore")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site
    from django.db import connection
    from shop.models import Category, Product, Setting, Tag

    food = Category.objects.create(name="Food", slug="food")
    toys = Category.objects.create(name="Toys", slug="toys")
    Category.objects.create(name="Books", slug="books")
    red = Tag.objects.create(name="red")
    Tag.objects.create(name="blue")
    for index, (category, name) in enumerate([(food, "Apple"), (food, "Bread"), (toys, "Ball")]):
        product = Product.objects.create(category=category, name=name, slug=name.lower(), price=index + 1)
        product.tags.add(red)
    Setting.objects.create(key="page_size", value="20")
    Setting.objects.create(key="currency", value="EUR")
    Setting.objects.create(key="default_price", value="1")
    get_user_model().objects.create_user("staff", is_staff=True)
    # A real start-up begins with cold caches.
    ContentType.objects.clear_cache()
    Site.objects.clear_cache()

    events: list[list[Any]] = []
    capturing = False

    def record(what: str) -> None:
        found = import_time_line(sys._getframe(2))
        if found is not None:
            events.append([found[0], found[1], what])

    def execute(run: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if capturing:
            record(sql.split(None, 1)[0].upper() if sql.strip() else "SQL")
        return run(sql, params, many, context)

    def audit(event: str, args: tuple[Any, ...]) -> None:
        if capturing and event == "sqlite3.connect" and args and os.fsdecode(args[0]) not in (":memory:", ""):
            record("CONNECT")

    sys.addaudithook(audit)
    errors: list[str] = []
    imported: list[str] = []
    with connection.execute_wrapper(execute):
        for module in MODULES:
            connection.close()  # a start-up opens its connection on first use
            capturing = True
            try:
                importlib.import_module(module)
                imported.append(module)
            except Exception:  # noqa: BLE001 - reported to the test
                errors.append(f"{module}: {traceback.format_exc()}")
            finally:
                capturing = False
    Path(output).write_text(json.dumps({"events": events, "errors": errors, "modules": imported}), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
