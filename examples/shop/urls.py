"""URLs of the example shop."""

from django.contrib import admin
from django.db import connection
from django.urls import path

from catalog import views
from catalog.models import Category

urlpatterns = [
    path("", views.index, name="index"),
    path("products/<str:sku>/", views.product_detail, name="product-detail"),
    path("feeds/partner.json", views.partner_feed, name="partner-feed"),
    path("admin/", admin.site.urls),
]

# One page per category, its URL read from the database at start-up: a new
# category needs a restart, and every start-up (each manage.py command, each
# runserver reload) runs these queries. The table check lets `migrate` run on
# an empty database, and costs a query of its own.
if Category._meta.db_table in connection.introspection.table_names():  # expect: IMC202; expect-measured: IMC203
    urlpatterns += [  # expect: IMC201; expect-measured: IMC203
        path(f"{slug}/", views.category, {"slug": slug}, name=f"category-{slug}")
        for slug in Category.objects.values_list("slug", flat=True)
    ]
