"""Views: their class bodies and the menu run queries at import."""

from django.http import HttpResponse
from django.views.generic import ListView

from store.helpers import DOUBLE
from store.models import Category, Product, Setting


def index(request):
    return HttpResponse("store")


def _menu():
    return [c.name for c in Category.objects.order_by("name")]


MENU = _menu()


class ProductList(ListView):
    queryset = Product.objects.filter(live=True)
    paginate_by = DOUBLE(int(Setting.objects.get(key="page_size").value))


FIRST_PRODUCT = Product.objects.order_by("pk").first()
