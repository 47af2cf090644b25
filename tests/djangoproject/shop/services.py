"""Catalogue services, written the way real projects drift into querying at import."""

import contextlib
import functools
import itertools
from collections import Counter
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from shop.models import AuditEntry, Category, Product, Setting, Tag

if TYPE_CHECKING:
    from django.db.models import QuerySet

# -- lazy QuerySets: built, never evaluated --------------------------------------

LIVE = Product.objects.filter(live=True)
ORDERED = LIVE.order_by("name")
FIRST_TEN = ORDERED[:10]
SLUG_LIST = Product.objects.filter(price__lt=10).exclude(slug="").values_list("slug", flat=True)
TAGGED = Product.objects.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
EITHER = LIVE | Product.objects.filter(price__gt=100)
BOTH = LIVE & Product.objects.filter(Q(name__startswith="A") | Q(name__startswith="B"))
PER_CATEGORY = Category.objects.annotate(products=Count("product")).order_by("-products")
RAW = Product.objects.raw("SELECT * FROM shop_product")
CHUNKS = Product.objects.iterator(chunk_size=100)
SQL_TEXT = str(LIVE.query)
MANAGER = Product.objects
EVERYTHING = MANAGER.all()
USERS = get_user_model().objects.filter(is_active=True)

# -- QuerySet.none() answers without SQL ----------------------------------------

NOTHING = Product.objects.none()
NOTHING_LISTED = list(NOTHING)
NOTHING_COUNTED = Product.objects.none().count()
NOTHING_THERE = Product.objects.filter(live=True).none().exists()

# -- async methods only build coroutines ----------------------------------------

PENDING_COUNT = Product.objects.acount()
PENDING_COUNT.close()
PENDING_GET = Category.objects.filter(slug="food").aget()
PENDING_GET.close()

# -- terminal methods -------------------------------------------------------------

PRODUCT_COUNT = Product.objects.count()
HAS_PRODUCTS = Product.objects.exists()
CHEAPEST = Product.objects.order_by("price").first()
DEAREST = Product.objects.order_by("price").last()
FOOD = Category.objects.get(slug="food")
NEWEST = Product.objects.latest("pk")
OLDEST = Product.objects.earliest("pk")
BY_ID = Category.objects.in_bulk()
PRICES = Product.objects.aggregate(total=Count("pk"))
LIVE_COUNT = LIVE.count()
HAS_FOOD = Product.objects.contains(Product.objects.order_by("pk").first())
PLAN = LIVE.explain()
TOTAL_LIVE = (
    Product.objects.filter(live=True)
    .exclude(slug="")
    .count()
)
FOOD_PAGE = get_object_or_404(Category, slug="food")
PRODUCT_TYPE = ContentType.objects.get_for_model(Product)
SITE = Site.objects.get_current()
STAFF = get_user_model().objects.filter(is_staff=True).exists()
USER_COUNT = get_user_model()._default_manager.count()
ANY_PRODUCT = Product._base_manager.order_by("pk").first()
PUBLISHED = Product.published.count()

# -- writes ------------------------------------------------------------------------

AuditEntry.objects.create(message="services imported")
SWITCH, _ = Setting.objects.get_or_create(key="switch", defaults={"value": "on"})
Setting.objects.update_or_create(key="imported", defaults={"value": "yes"})
AuditEntry.objects.bulk_create([AuditEntry(message="a"), AuditEntry(message="b")])
AuditEntry.objects.filter(message="a").update(message="c")
AuditEntry.objects.filter(message="b").delete()

# -- materialised by Python ----------------------------------------------------

SETTINGS = dict(Setting.objects.values_list("key", "value"))
ALL_PRODUCTS = list(Product.objects.all())
CATEGORY_TUPLE = tuple(Category.objects.all())
TAG_NAMES = set(Tag.objects.values_list("name", flat=True))
FROZEN = frozenset(Tag.objects.values_list("pk", flat=True))
SORTED_NAMES = sorted(Category.objects.values_list("name", flat=True))
HOW_MANY = len(LIVE)
ANY_LIVE = bool(ORDERED)
SOME = any(p.live for p in Product.objects.all())
EVERY = all(EVERYTHING)
TOTAL_PK = sum(Product.objects.values_list("pk", flat=True))
BIGGEST = max(Product.objects.values_list("pk", flat=True))
SMALLEST = min(FIRST_TEN.values_list("pk", flat=True))
NUMBERED = enumerate(Category.objects.all())
PAIRS = zip(Category.objects.all(), Tag.objects.all())
NAMES = map(str, Category.objects.all())
KEPT = filter(None, SLUG_LIST)
ITERATOR = iter(Tag.objects.all())
FIRST_TAG = next(iter(Tag.objects.all()))
TALLY = Counter(Product.objects.values_list("category_id", flat=True))
TOP_TWO = list(itertools.islice(Category.objects.all(), 2))
JOINED = ", ".join(Category.objects.values_list("name", flat=True))
SLUGS = [p.slug for p in LIVE]
BY_SLUG = {p.slug: p for p in Product.objects.select_related("category")}
CATEGORY_SET = {c.pk for c in PER_CATEGORY}
LAZY_NAMES = (c.name for c in Category.objects.all())
FIRST, SECOND, THIRD = Category.objects.order_by("pk")
SPREAD = [*Tag.objects.all()]
TOP = Category.objects.order_by("pk")[0]
TOP_NAME = Category.objects.values_list("name", flat=True)[1]
EVERY_OTHER = Product.objects.order_by("pk")[::2]
IS_IN = FOOD in Category.objects.all()
NOT_IN = FOOD not in Category.objects.filter(slug="toys")
SHOWN = repr(Product.objects.all())
TEXT = f"tags: {Tag.objects.all()}"
RAW_ROWS = list(RAW)
FIRST_RAW = Product.objects.raw("SELECT * FROM shop_product ORDER BY id")[0]
CHUNKED = [p.pk for p in Product.objects.iterator()]
FIRST_CHUNK = next(Product.objects.order_by("pk").iterator())

if LIVE:
    LIVE_STATE = "live"

while not Category.objects.exists():
    break

assert Tag.objects.exists()

EMPTY_SHOP = not Product.objects.all()
CHOSEN = "live" if ORDERED else "none"
EITHER_ONE = LIVE and "yes"
LAST_ONE = "yes" and LIVE  # the last operand is returned, not tested

for category in Category.objects.order_by("name"):
    CATEGORY_LABEL = category.name

for _index, product in enumerate(Product.objects.filter(live=True)):
    PRODUCT_LABEL = product.name

try:
    MISSING = Category.objects.get(slug="missing")
except Category.DoesNotExist:
    MISSING = None

with contextlib.suppress(Tag.DoesNotExist):
    SUPPRESSED = Tag.objects.get(name="missing")

# -- generators: only the first iterable is evaluated when they are created ----

FIRST_ITERABLE = (p.name for p in LIVE)
SECOND_ITERABLE = (p.name for _ in range(2) for p in LIVE)
CONDITION_ONLY = (n for n in range(3) if Product.objects.exists())


def iter_slugs():
    for product in LIVE:
        yield product.slug


NOT_STARTED = iter_slugs()
ALL_SLUGS = list(iter_slugs())

# -- functions: silent unless called at import time, then reported at the call ----


def live_slugs():
    return [p.slug for p in LIVE]


def never_called():
    return Product.objects.count()


def category_names():
    return sorted(Category.objects.values_list("name", flat=True))


def build_menu():
    return {"categories": category_names()}


@functools.cache
def cached_count():
    return Product.objects.count()


def titled(queryset):
    return [p.name.title() for p in queryset]


def live_products():
    return Product.objects.filter(live=True)


async def async_count():
    return await Product.objects.acount()


LIVE_SLUGS = live_slugs()
MENU = build_menu()
TITLES = titled(Product.objects.all())
LAZY_TITLES = titled([])
LIVE_LIST = list(live_products())
LIVE_LAZY = live_products()
COUNT_LATER = async_count()
COUNT_LATER.close()

GETTER = lambda: Product.objects.count()  # noqa: E731
CALLED_NOW = (lambda: Tag.objects.count())()


def paginate(items, per_page=Setting.objects.count()):  # noqa: B008
    return items[:per_page]


def lazy_default(items, per_page=Setting.objects.filter(key="page_size")):  # noqa: B008
    return items


def register(label):
    def decorate(function):
        return function

    return decorate


@register(Category.objects.values_list("name", flat=True).first())
def decorated():
    return None


@register(Category.objects.all())
def lazily_decorated():
    return None


class Catalogue:
    CATEGORIES = list(Category.objects.all())
    LAZY = Category.objects.all()
    COUNT = LAZY.count()

    class Meta:
        DEFAULT = Category.objects.order_by("pk").first()

    def names(self):
        return [c.name for c in self.LAZY]


class Loader:
    def __init__(self, queryset):
        self.rows = list(queryset)


class LazyLoader:
    def __init__(self, queryset):
        self.queryset = queryset


LOADED = Loader(Tag.objects.all())
NOT_LOADED = LazyLoader(Tag.objects.all())

if TYPE_CHECKING:
    TYPED: QuerySet[Product] = Product.objects.all()
    TYPED_COUNT = Product.objects.count()

if __name__ == "__main__":
    print(Product.objects.count())
