# Cases for IMC201 import-time-orm-query: Django ORM that runs SQL at import time.
# tests/test_django_oracle.py checks the same model against Django's own query log.
# flake8-options: --import-cost-threshold-ms=1000000 --import-cost-orm-managers=published
import functools
import itertools
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from shop.models import Category, Product, Release, Role, Status, Tag

# -- terminal methods run SQL when called ------------------------------------------

TOTAL = Product.objects.count()  # IMC201:9 "Product.objects.count() runs a query at import time, on every start-up; wrap it in a function (functools.cache)"
FIRST = Product.objects.filter(live=True).order_by("pk").first()  # IMC201 "Product.objects.filter().order_by().first()"
FOOD = Category.objects.get(slug="food")  # IMC201 "Category.objects.get() runs a query"
EXISTS = Tag.objects.exclude(name="").exists()  # IMC201 "Tag.objects.exclude().exists() runs a query"
STATS = Product.objects.aggregate(n=1)  # IMC201 "Product.objects.aggregate() runs a query"
BULK = Category.objects.in_bulk()  # IMC201 "Category.objects.in_bulk() runs a query"
LATEST = Product.objects.latest("pk")  # IMC201 "Product.objects.latest() runs a query"
TYPE = ContentType.objects.get_for_model(Product)  # IMC201 "ContentType.objects.get_for_model() runs a query"
TYPES = ContentType.objects.get_for_models(Product, Tag)  # IMC201 "ContentType.objects.get_for_models() runs a query"
CURRENT_SITE = Site.objects.get_current()  # IMC201 "Site.objects.get_current() runs a query"
USERS = get_user_model().objects.count()  # IMC201 "get_user_model().objects.count()"
DEFAULT = Product._default_manager.first()  # IMC201 "Product._default_manager.first() runs a query"
BASE = Product._base_manager.last()  # IMC201 "Product._base_manager.last() runs a query"
CUSTOM = Product.published.count()  # IMC201 "Product.published.count()"
PAGE = get_object_or_404(Category, slug="food")  # IMC201 "get_object_or_404() runs a query"
CHAINED = (
    Product.objects.filter(live=True)
    .exclude(name="")
    .count()  # IMC201:6 "Product.objects.filter().exclude().count() runs a query"
)

# -- writes -------------------------------------------------------------------------

Tag.objects.create(name="imported")  # IMC201 "writes to the database at import time" "data migration"
Tag.objects.get_or_create(name="x")  # IMC201 "writes"
Tag.objects.filter(name="x").update(name="y")  # IMC201 "writes"
Tag.objects.filter(name="y").delete()  # IMC201 "writes"

# -- evaluated by Python ------------------------------------------------------------

LIVE = Product.objects.filter(live=True)
NAMES = dict(Category.objects.values_list("pk", "name"))  # IMC201:9 "Category.objects.values_list() is evaluated at import time by dict(): it runs a query on every start-up; wrap it in a function (functools.cache)"
ALL = list(Product.objects.all())  # IMC201 "by list()"
SIZE = len(Tag.objects.all())  # IMC201 "by len()"
SLUGS = [p.slug for p in LIVE]  # IMC201 "LIVE (Product.objects.filter()) is evaluated at import time by a comprehension"
for category in Category.objects.all():  # IMC201 "by a for loop"
    pass
TOP = Category.objects.order_by("pk")[0]  # IMC201 "by indexing"
ONE, TWO = Tag.objects.order_by("pk")[:2]  # IMC201 "by unpacking"
IS_IN = FOOD in Category.objects.all()  # IMC201 "by an `in` test"
if Tag.objects.filter(name="x"):  # IMC201 "by a truth test"
    pass
SHOWN = repr(Tag.objects.all())  # IMC201 "by repr()"
FIRST_TWO = list(itertools.islice(Category.objects.all(), 2))  # IMC201 "by itertools.islice()"
GENERATOR = (t.name for t in Tag.objects.all())  # IMC201 "by a comprehension"
JOINED = ", ".join(Category.objects.values_list("name", flat=True))  # IMC201 "by .join()"
STEPPED = Product.objects.order_by("pk")[::2]  # IMC201 "by slicing with a step"
RAW = list(Product.objects.raw("SELECT * FROM shop_product"))  # IMC201 "Product.objects.raw() is evaluated at import time by list()"
CHUNKED = list(Product.objects.iterator())  # IMC201 "Product.objects.iterator() is evaluated at import time by list()"

# Django caches a QuerySet's results: evaluating the same object again runs no SQL.
CACHED = Tag.objects.order_by("name")
CACHED_LIST = list(CACHED)  # IMC201 "CACHED (Tag.objects.order_by()) is evaluated at import time by list()"
CACHED_AGAIN = [t.name for t in CACHED]
CACHED_SIZE = len(CACHED)
CACHED_NEW = CACHED.filter(name="x").count()  # IMC201 "CACHED.filter().count() runs a query"

# -- lazy: no SQL -----------------------------------------------------------------------

QS = Product.objects.filter(live=True).select_related("category")
SLICED = QS[:10]
COMBINED = QS | Product.objects.filter(pk=1)
PREFETCH = Prefetch("tags", queryset=Tag.objects.order_by("name"))
EMPTY = list(Product.objects.none())
EMPTY_COUNT = Product.objects.none().count()
COROUTINE = Product.objects.acount()
COROUTINE_GET = Category.objects.aget(slug="food")
ITERATOR = Product.objects.iterator()
MANAGER = Product.objects
NOT_A_MANAGER = Product.live_objects.count()
CUBE = bpy.data.objects.get("Cube")
SCENE_SIZE = len(scene.objects)
SQL = str(QS.query)
SECOND_ITERABLE = (p for _ in range(3) for p in QS)
LAST_OPERAND = "default" and QS
DICT_COUNT = {"a": 1}.get("a")
ROLES = Role.objects.get_for_models([Product])  # a project's own manager method: it builds a filter
STATUSES = Status.objects.get_for_model(Product)
CURRENT_RELEASE = Release.objects.get_current()


class ProductForm(forms.ModelForm):
    category = forms.ModelChoiceField(queryset=Category.objects.all())
    tags = forms.ModelMultipleChoiceField(queryset=Tag.objects.all())
    kind = forms.ChoiceField(choices=Category.objects.values_list("pk", "name"))  # IMC201 "by choices=" "pass a callable as choices="
    sort = forms.ChoiceField(choices=[("name", "Name")])
    first = forms.CharField(initial=Category.objects.first)
    named = forms.ChoiceField(choices=[(c.pk, c.name) for c in Category.objects.all()])  # IMC201 "Category.objects.all() is evaluated at import time by a comprehension"

    class Meta:
        model = Product
        fields = "__all__"
        limit = Category.objects.count()  # IMC201 "Category.objects.count() runs a query"


class Keeper:
    def __init__(self, choices=None):
        self.choices = choices


class Serializer:
    category = Keeper(choices=Category.objects.all())


# -- functions: silent unless called at import, then reported at the call ---------------


def live_count():
    return Product.objects.filter(live=True).count()


def never_called():
    return list(Product.objects.all())


def names_of(queryset):
    return [item.name for item in queryset]


def live_products():
    return Product.objects.filter(live=True)


@functools.cache
def cached_total():
    return Product.objects.count()


async def async_total():
    return await Product.objects.acount()


LIVE_COUNT = live_count()  # IMC201 "Product.objects.filter().count() runs a query" "(in live_count(), called at import time)"
TAG_NAMES = names_of(Tag.objects.all())  # IMC201 "queryset (Tag.objects.all())" "(in names_of(), called at import time)"
NO_NAMES = names_of([])
LIVE_LIST = list(live_products())  # IMC201 "live_products() is evaluated at import time by list()"
LAZY_PRODUCTS = live_products()
TOTAL_LATER = cached_total
CORO = async_total()
LAMBDA = lambda: Product.objects.count()  # noqa: E731
CALLED_LAMBDA = (lambda: Tag.objects.count())()  # IMC201 "Tag.objects.count() runs a query"


def paginate(items, per_page=Tag.objects.count()):  # IMC201 "Tag.objects.count() runs a query"
    return items


def register(value):
    return lambda function: function


@register(Category.objects.count())  # IMC201 "Category.objects.count() runs a query"
def decorated():
    return Category.objects.count()


class Loader:
    def __init__(self):
        self.rows = list(Tag.objects.all())


LOADER = Loader()  # IMC201 "(in Loader.__init__(), called at import time)"


class Report:
    def rows(self):
        return list(Product.objects.all())

    def queryset(self):
        return Product.objects.filter(live=True)


REPORT = Report()
REPORT_ROWS = REPORT.rows()  # IMC201 "by list()" "(in Report.rows(), called at import time)"
REPORT_LIST = list(Report().queryset())  # IMC201 "Report().queryset() is evaluated at import time by list()"
REPORT_LAZY = REPORT.queryset()

if TYPE_CHECKING:
    TYPED = Product.objects.count()

if __name__ == "__main__":
    print(Product.objects.count())

# -- related managers of a model instance that a query returned -------------------------

RELATED_COUNT = FOOD.product_set.count()  # IMC201 "FOOD.product_set.count()"
RELATED_TAGS = list(FIRST.tags.all())  # IMC201 "FIRST.tags.all() is evaluated at import time by list()"
RELATED_LAZY = FIRST.tags.filter(name="x")
FIELD_VALUES = list(FIRST.data.values())
NAME_COUNT = FIRST.name.count("a")

# -- an Airflow @task body runs in a worker: calling the task in a DAG runs no query -----------

from airflow.decorators import dag, task
from airflow.models.dag import DAG


@task
def count_products():
    return Product.objects.count()


@task
def live_in_a_task():
    return Product.objects.filter(live=True)


@dag
def counted_now():
    return Product.objects.count()


with DAG("products"):
    count_products()
    TASK_RESULT = live_in_a_task()
    bool(TASK_RESULT)

counted_now()  # IMC201 "(in counted_now(), called at import time)"
