"""``manage.py export_catalog``: write the price list and the stock report."""

from pathlib import Path

from django.core.management.base import BaseCommand

from catalog import reports


class Command(BaseCommand):
    help = "Write the Excel price list and the HTML stock report of the catalogue."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, default=Path("."), help="where to write the files")

    def handle(self, *args, output_dir: Path, **options):
        output_dir.mkdir(parents=True, exist_ok=True)
        count = reports.price_list(output_dir / "prices.xlsx")
        reports.stock_report(output_dir / "stock.html")
        self.stdout.write(self.style.SUCCESS(f"Exported {count} products to {output_dir}"))
