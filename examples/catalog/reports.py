"""Back-office exports: the Excel price list and the HTML stock report.

Only the ``export_catalog`` management command imports this module, and Django
imports a command's module only when that command runs, so ``manage.py check``
and ``runserver`` never load pandas, openpyxl or jinja2. Any other module that
imports this one (a view, a task, a test) would pay for all three at start-up,
although only the functions below use them.
"""

from __future__ import annotations

from pathlib import Path

import jinja2  # ~50 ms: under IMC101's threshold for a module start-up does not import
import pandas as pd  # expect: IMC101
from openpyxl import Workbook  # expect: IMC101

from catalog.models import Product

STOCK_REPORT = """\
<!doctype html>
<title>Stock report</title>
<h1>Stock report</h1>
<table>
  <tr><th>Category</th><th>Products</th><th>In stock</th><th>Average price</th></tr>
  {% for row in rows %}
  <tr>
    <td>{{ row.category }}</td><td>{{ row.products }}</td>
    <td>{{ row.in_stock }}</td><td>{{ row.average_price }}</td>
  </tr>
  {% endfor %}
</table>
"""


def price_list(path: Path) -> int:
    """Write every product's price to an Excel workbook; returns the number of products."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Prices"
    sheet.append(["SKU", "Name", "Category", "Price"])
    count = 0
    for product in Product.objects.select_related("category").order_by("sku"):
        sheet.append([product.sku, product.name, product.category.name, product.price])
        count += 1
    workbook.save(path)
    return count


def stock_summary() -> pd.DataFrame:
    """Products, products in stock and average price, per category."""
    rows = Product.objects.values_list("category__name", "in_stock", "price")
    frame = pd.DataFrame.from_records(list(rows), columns=["category", "in_stock", "price"])
    frame["price"] = frame["price"].astype(float)
    summary = frame.groupby("category").agg(
        products=("price", "size"), in_stock=("in_stock", "sum"), average_price=("price", "mean")
    )
    return summary.round({"average_price": 2}).reset_index()


def stock_report(path: Path) -> None:
    """Write the stock report as an HTML page."""
    template = jinja2.Template(STOCK_REPORT, autoescape=True)
    path.write_text(template.render(rows=stock_summary().to_dict("records")), encoding="utf-8")
