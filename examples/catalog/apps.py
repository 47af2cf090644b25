# import-cost: strict
"""The catalogue's application configuration.

A strict module that keeps its promise: importing it only defines a class, so
flake8 reports nothing here.
"""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
