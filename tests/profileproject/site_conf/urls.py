"""The URLconf: a route per category, built from the database at start-up."""

from django.urls import path

from store import helpers
from store import stats  # noqa: F401 - imported for what it runs at import
from store import views
from store.models import Category

urlpatterns = [
    path("", views.index, name="index"),
]

urlpatterns += [
    path(f"c/{slug}/", views.index, name=f"category-{slug}")
    for slug in Category.objects.values_list("slug", flat=True)
]

if Category.objects.filter(slug="toys").exists():
    urlpatterns.append(path("toys/", views.index, name="toys"))

HELPED = helpers.DOUBLE(2)
