"""Reports with raw SQL: the first cursor connects, each execute runs SQL."""

import os
import sqlite3

from django.db import connection, connections

from shop.models import Product

with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM shop_product")
    (PRODUCT_ROWS,) = cursor.fetchone()

TABLES = connection.introspection.table_names()
DEFAULT = connections["default"]
VENDOR = connection.vendor
QUOTED = connection.ops.quote_name("shop_product")
connections["default"].cursor().execute("SELECT 1")
RAW_ROWS = list(Product.objects.raw("SELECT * FROM shop_product"))
ARCHIVE = sqlite3.connect(os.environ["ORACLE_ARCHIVE"])
SCRATCH = sqlite3.connect(":memory:")


def monthly_report():
    with connection.cursor() as report_cursor:
        report_cursor.execute("SELECT name FROM shop_product")
        return report_cursor.fetchall()


def table_count():
    return len(connection.introspection.table_names())


TABLE_COUNT = table_count()
