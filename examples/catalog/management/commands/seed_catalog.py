"""``manage.py seed_catalog``: fill the catalogue with a few categories and products.

Run it once after ``manage.py migrate``; running it again changes nothing.
"""

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from catalog.models import Category, Product
from catalog.utils import format_sku

#: (category name, slug, SKU prefix) -> the products in it, with their net prices.
CATALOGUE = {
    ("Tea", "tea", "TEA"): [("Assam", "4.50"), ("Darjeeling", "6.25"), ("Earl Grey", "3.95")],
    ("Coffee", "coffee", "COF"): [("Espresso beans", "8.90"), ("Filter ground", "7.40")],
    ("Biscuits", "biscuits", "BIS"): [("Shortbread", "2.80"), ("Ginger nuts", "1.95")],
}


class Command(BaseCommand):
    help = "Create the example categories and products (running it again changes nothing)."

    def handle(self, *args, **options):
        created = 0
        number = 0
        with transaction.atomic():
            for (name, slug, prefix), products in CATALOGUE.items():
                category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name})
                for product_name, price in products:
                    number += 1
                    _, new = Product.objects.get_or_create(
                        sku=format_sku(prefix, number),
                        defaults={"category": category, "name": product_name, "price": Decimal(price)},
                    )
                    created += new
        total = Product.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Created {created} products; the catalogue has {total}"))
