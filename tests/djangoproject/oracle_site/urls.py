"""URLs: one route per category slug is built from the database at import time."""

from django.urls import include, path

from shop import views
from shop.models import Category

urlpatterns = [
    path("", views.index, name="index"),
    path("shop/", include("shop.urls")),
]

urlpatterns += [
    path(f"c/{slug}/", views.index, name=f"category-{slug}")
    for slug in Category.objects.values_list("slug", flat=True)
]

# Near miss: the callable is stored, Django calls it per request.
handler404 = "shop.views.not_found"
