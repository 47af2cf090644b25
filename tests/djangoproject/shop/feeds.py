"""Feeds: the harder shapes of import-time queries, and their near misses."""

import functools

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Subquery

from shop import services
from shop.models import Category, Product, Setting, Tag

User = get_user_model()
USER_TOTAL = User.objects.count()
TAG_MODEL = apps.get_model("shop", "Tag")
TAG_TOTAL = TAG_MODEL.objects.count()
MANAGER = Product.objects
MANAGED_TOTAL = MANAGER.count()

RECENT = Tag.objects.all()
RECENT = RECENT.order_by("-pk")
RECENT = RECENT[:5]
RECENT_NAMES = [t.name for t in RECENT]

FOOD_PRODUCTS = Product.objects.filter(category__in=Category.objects.filter(slug="food"))
FOOD_TOTAL = FOOD_PRODUCTS.count()
IN_FOOD = Product.objects.filter(category=Category.objects.get(slug="food")).exists()
LATEST_TAG = Tag.objects.filter(pk=Subquery(Tag.objects.order_by("-pk").values("pk")[:1]))

LISTED = list(
    Category.objects.all()
)
TOTAL = sum(1 for _ in Tag.objects.all())
ZIPPED = dict(zip(["a", "b", "c"], Category.objects.values_list("pk", flat=True)))
MAYBE = Tag.objects.count() if services.PRODUCT_COUNT else 0
NEVER = services.PRODUCT_COUNT or Tag.objects.none().count()
VALUES = list(Product.objects.values("name"))
SORTER = sorted(Category.objects.all(), key=lambda c, n=Tag.objects.count(): c.name)

SHARED = Category.objects.order_by("pk")
if SHARED:
    for shared in SHARED:
        SHARED_NAME = shared.name
SHARED_FIRST = SHARED[0]
SHARED_COUNT = SHARED.count()
SHARED_FILTERED = SHARED.filter(slug="food").count()


def first_two():
    return list(Category.objects.all()[:2])


@functools.cache
def cached_names():
    return [c.name for c in Category.objects.all()]


WARM = cached_names()
PAIR = first_two()
COLD = cached_names


class Feed:
    ITEMS = Tag.objects.order_by("name")
    NAMES = [t.name for t in ITEMS]
    SIZE = len(ITEMS)
    LIMIT = Setting.objects.filter(key="page_size").values_list("value", flat=True)

    @classmethod
    def build(cls):
        return list(Product.objects.filter(live=True))

    @staticmethod
    def describe():
        return "feed"


BUILT = Feed.build()
DESCRIBED = Feed.describe()


def count_twice(queryset):
    size = len(queryset)
    return [item.pk for item in queryset][:size]


TWICE = count_twice(Category.objects.all())


class Digest:
    def __init__(self):
        self.total = Product.objects.count()

    def refresh(self):
        self.total = Product.objects.count()


DIGEST = Digest()


FIRST_CATEGORY = Category.objects.order_by("pk").first()
CATEGORY_SIZE = FIRST_CATEGORY.product_set.count()
CATEGORY_PRODUCTS = [p.name for p in FIRST_CATEGORY.product_set.all()]
FIRST_PRODUCT = Product.objects.order_by("pk").first()
PRODUCT_TAGS = list(FIRST_PRODUCT.tags.all())
PRODUCT_TAGS_LAZY = FIRST_PRODUCT.tags.filter(name="red")
PRODUCT_NAME = FIRST_PRODUCT.name.upper()
NAME_VOWELS = FIRST_PRODUCT.name.count("a")
