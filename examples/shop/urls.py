"""URLs of the example shop."""

from django.contrib import admin
from django.urls import path

from catalog import views

urlpatterns = [
    path("", views.index, name="index"),
    path("products/<str:sku>/", views.product_detail, name="product-detail"),
    path("feeds/partner.json", views.partner_feed, name="partner-feed"),
    path("admin/", admin.site.urls),
]
