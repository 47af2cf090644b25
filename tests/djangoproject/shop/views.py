"""Views: decorators and class attributes run at import, view bodies don't."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_page
from django.views.generic import ListView

from shop.forms import FilterForm, ProductForm
from shop.models import Category, Product, Setting


class ProductList(ListView):
    queryset = Product.objects.filter(live=True).select_related("category")
    paginate_by = int(Setting.objects.get(key="page_size").value)
    form_class = FilterForm


class ProductCreate(ListView):
    model = Product
    form_class = ProductForm
    extra_context = {"categories": Category.objects.all()}


@cache_page(60 * Setting.objects.count())
def index(request):
    return HttpResponse(", ".join(c.name for c in Category.objects.all()))


def detail(request, slug):
    product = get_object_or_404(Product, slug=slug)
    return JsonResponse({"name": product.name})


def not_found(request, exception=None):
    return HttpResponse(status=404)


HOME = get_object_or_404(Category, slug="food")
