# import-cost: strict
"""Prices as the shop shows them: VAT, rounding and the weekly sale.

The comment line above makes this a strict module: importing it may only
define things, so a call or a change to another module's state at import time
is reported (IMC901, IMC902).
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models.signals import post_save
from django.utils import timezone

from catalog.models import Product

VAT_RATE = Decimal("0.20")
PENNY = Decimal("0.01")
#: Meant as "a week from launch", but it is a week from each start of the process.
SALE_ENDS = timezone.now() + timedelta(days=7)  # expect: IMC901


def price_with_vat(price: Decimal) -> Decimal:
    """The shelf price of a product whose net price is ``price``."""
    return (price * (1 + VAT_RATE)).quantize(PENNY, rounding=ROUND_HALF_UP)


def sale_is_on() -> bool:
    """Whether the weekly sale is still running."""
    return timezone.now() < SALE_ENDS


def _forget_price(sender, instance, **kwargs) -> None:
    cache.delete(f"price:{instance.sku}")


post_save.connect(_forget_price, sender=Product)  # expect: IMC902
