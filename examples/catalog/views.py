"""Storefront views."""

import dataclasses
from distutils.util import strtobool  # expect: IMC102

from django.http import JsonResponse  # expect-measured: IMC101
from django.shortcuts import get_object_or_404, render

from catalog import feeds
from catalog.models import Product
from catalog.pricing import price_with_vat, sale_is_on


def index(request):
    show_referral_banner = strtobool(request.GET.get("referred", "false"))
    products = Product.objects.filter(in_stock=True).select_related("category")
    context = {"products": products, "show_referral_banner": show_referral_banner, "sale_is_on": sale_is_on()}
    return render(request, "catalog/index.html", context)


def category(request, slug):
    products = Product.objects.filter(category__slug=slug, in_stock=True).select_related("category")
    context = {"products": products, "show_referral_banner": False, "sale_is_on": sale_is_on()}
    return render(request, "catalog/index.html", context)


def product_detail(request, sku):
    product = get_object_or_404(Product.objects.select_related("category"), sku=sku)
    context = {"product": product, "shelf_price": price_with_vat(product.price)}
    return render(request, "catalog/product_detail.html", context)


def partner_feed(request):
    products = Product.objects.filter(in_stock=True).select_related("category")
    partner = request.GET.get("partner", "default")
    page = feeds.build_page(products, partner=partner, base_url=request.build_absolute_uri("/"))
    return JsonResponse(dataclasses.asdict(page))
