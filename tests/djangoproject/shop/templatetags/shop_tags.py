"""Template tags: the library is built at import, tag bodies run per render."""

from django import template

from shop.models import Category, Product, Setting

register = template.Library()

CURRENCY = Setting.objects.get(key="currency").value
CATEGORY_NAMES = Category.objects.values_list("name", flat=True)


@register.simple_tag
def product_count():
    return Product.objects.count()


@register.filter(name="in_" + Category.objects.order_by("pk").first().slug)
def in_first_category(product):
    return product.category_id == 1


@register.inclusion_tag("shop/menu.html")
def menu():
    return {"categories": Category.objects.all()}
