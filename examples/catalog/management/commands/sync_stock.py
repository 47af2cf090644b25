"""``manage.py sync_stock``: take the stock levels from the warehouse and publish them.

Django imports a command's module only when the command runs, so ``runserver``
and ``manage.py check`` never load this one. Every run of the command does,
though, and so does ``manage.py sync_stock --help`` and any test that imports
the command: each of them reads the warehouse file, builds an S3 client and
queries the database before ``handle()`` is even called. Without the file, AWS
credentials or a migrated database, even ``--help`` fails.
"""

import json
from pathlib import Path

import boto3
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from catalog.models import Category, Product

#: Units in stock per SKU, as the warehouse system exports them.
WAREHOUSE = json.loads((Path(__file__).resolve().parent / "warehouse.json").read_text())  # expect: IMC402
S3 = boto3.client("s3")  # expect: IMC301
CATEGORIES = {c.slug: c for c in Category.objects.all()}  # expect: IMC201

with connection.cursor() as cursor:  # expect: IMC202
    cursor.execute("SELECT COUNT(*) FROM catalog_product")  # expect: IMC202
    (PRODUCT_COUNT,) = cursor.fetchone()


class Command(BaseCommand):
    help = "Mark products in or out of stock from warehouse.json and publish the counts per category to S3."

    def add_arguments(self, parser):
        parser.add_argument("--bucket", default="shop-stock", help="the S3 bucket that receives stock.json")

    def handle(self, *args, bucket: str, **options):
        updated = 0
        with transaction.atomic():
            for sku, units in WAREHOUSE["units"].items():
                updated += Product.objects.filter(sku=sku).update(in_stock=units > 0)
        in_stock = {slug: category.products.filter(in_stock=True).count() for slug, category in CATEGORIES.items()}
        S3.put_object(Bucket=bucket, Key="stock.json", Body=json.dumps(in_stock).encode())
        message = f"Updated {updated} of {PRODUCT_COUNT} products; published s3://{bucket}/stock.json"
        self.stdout.write(self.style.SUCCESS(message))
