"""Create the project's database and a few rows (run from this directory)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main():
    os.environ["DJANGO_SETTINGS_MODULE"] = "site_conf.settings"
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)
    from store.models import Category, Product, Setting

    food = Category.objects.create(name="Food", slug="food")
    Category.objects.create(name="Toys", slug="toys")
    Product.objects.create(category=food, name="Apple")
    Product.objects.create(category=food, name="Bread", live=False)
    Setting.objects.create(key="page_size", value="20")


if __name__ == "__main__":
    main()
