"""The product feed that partner marketplaces read, as typed records.

Every record is a frozen dataclass, generated when the module is imported;
the module is imported at start-up because the views use it.
"""
# expect-in-file: IMC501 (at the class where the estimated total reaches 5 ms)

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from catalog.utils import sku_is_valid  # expect-measured: IMC101

CURRENCY = "GBP"
SHOP_NAME = "Example Shop"


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Dimensions:
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal


@dataclass(frozen=True, slots=True)
class Weight:
    grams: int


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True, slots=True)
class Brand:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class CategoryPath:
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Availability:
    status: str
    quantity: int | None
    restock_date: date | None


@dataclass(frozen=True, slots=True)
class ShippingRate:
    country: str
    service: str
    price: Money
    min_days: int
    max_days: int


@dataclass(frozen=True, slots=True)
class TaxRate:
    country: str
    region: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class Promotion:
    promotion_id: str
    title: str
    starts: datetime
    ends: datetime
    discount_percent: int


@dataclass(frozen=True, slots=True)
class Variant:
    sku: str
    gtin: str
    colour: str
    size: str
    price: Money
    availability: Availability


@dataclass(frozen=True, slots=True)
class Review:
    author: str
    rating: int
    title: str
    body: str
    posted: datetime


@dataclass(frozen=True, slots=True)
class RatingSummary:
    average: Decimal
    count: int


@dataclass(frozen=True, slots=True)
class FeedItem:
    item_id: str
    title: str
    description: str
    link: str
    brand: Brand
    category: CategoryPath
    price: Money
    sale_price: Money | None
    images: tuple[Image, ...]
    variants: tuple[Variant, ...]
    availability: Availability
    shipping: tuple[ShippingRate, ...]
    weight: Weight | None
    dimensions: Dimensions | None
    rating: RatingSummary | None


@dataclass(frozen=True, slots=True)
class FeedHeader:
    partner: str
    generated_at: datetime
    currency: str
    item_count: int


@dataclass(frozen=True, slots=True)
class FeedError:
    code: str
    message: str
    item_id: str | None


@dataclass(frozen=True, slots=True)
class FeedStats:
    items: int
    variants: int
    skipped: int
    duration_ms: int


@dataclass(frozen=True, slots=True)
class FeedPage:
    header: FeedHeader
    items: tuple[FeedItem, ...]
    errors: tuple[FeedError, ...]
    next_cursor: str | None


STANDARD_SHIPPING = ShippingRate("GB", "standard", Money(Decimal("3.95"), CURRENCY), 2, 4)


def build_item(product, base_url: str) -> FeedItem:
    """The feed record of one ``catalog.models.Product``."""
    status = "in_stock" if product.in_stock else "out_of_stock"
    return FeedItem(
        item_id=product.sku,
        title=product.name,
        description=product.description,
        link=base_url.rstrip("/") + product.get_absolute_url(),
        brand=Brand(SHOP_NAME, base_url),
        category=CategoryPath((product.category.name,)),
        price=Money(product.price, CURRENCY),
        sale_price=None,
        images=(),
        variants=(),
        availability=Availability(status, None, None),
        shipping=(STANDARD_SHIPPING,),
        weight=None,
        dimensions=None,
        rating=None,
    )


def has_valid_sku(product) -> bool:
    """Whether the product's SKU (``ABC-12345-7``) ends with the right check digit."""
    _prefix, number, digit = product.sku.split("-")
    return sku_is_valid(int(number), int(digit))


def build_page(products, partner: str, base_url: str) -> FeedPage:
    """One page of the feed for ``partner``; products whose SKU is wrong are left out."""
    items = tuple(build_item(product, base_url) for product in products if has_valid_sku(product))
    header = FeedHeader(partner, timezone.now(), CURRENCY, len(items))
    return FeedPage(header, items, errors=(), next_cursor=None)
