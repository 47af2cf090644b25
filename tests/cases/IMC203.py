# Cases for IMC203 measured-import-time-query: the lines a measured start-up saw run SQL.
# The harness writes each module's `# measured:` figures into a real cost database,
# as `flake8-import-cost profile` would have stored them, and points flake8 at it.
from django.apps import AppConfig

from shop.catalog import build_catalog
from shop.models import Product

# module: lines that ran SQL at import time, whether static analysis saw them or not
# measured: {"queries": {"12": [1, 0.8], "13": [3, 2.4]}, "statements": {"12": 1.2, "13": 35.2}}

TOTAL = Product.objects.count()  # IMC201 IMC203:1 "1 SQL query (0.8 ms) ran at import time during the measured start-up; run them on first use" "(measured: 1.2 ms at start-up)"
CATALOG = build_catalog()  # IMC203 "3 SQL queries (2.4 ms) ran at import time" "(measured: 35.2 ms at start-up)"
NAMES = [p.name for p in Product.objects.all()]  # IMC201 (static analysis sees it; the start-up did not run it)

# module: the queries a start-up function such as AppConfig.ready() ran, on its def line
# measured: {"functions": {"23": [2, 1.5, "ShopConfig.ready"]}}


class ShopConfig(AppConfig):
    name = "shop"

    def ready(self):  # IMC203:5 "2 SQL queries (1.5 ms) ran in ShopConfig.ready() during the measured start-up"
        self.count = Product.objects.count()

# module: another file's queries say nothing of this one
# measured: {"modules": {"django": 50.0}}

TOTAL = Product.objects.count()  # IMC201

# module: without a database there are no measured queries
TOTAL = Product.objects.count()  # IMC201

# module: --import-cost-db=none turns the database off
# measured: {"queries": {"38": [1, 0.8]}}
# flake8-options: --import-cost-db=none

TOTAL = Product.objects.count()  # IMC201
