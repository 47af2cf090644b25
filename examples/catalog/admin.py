from django.contrib import admin

from catalog.forms import ProductForm
from catalog.models import Category, Product


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductForm
    list_display = ["sku", "name", "category", "price", "in_stock"]
    list_filter = ["category", "in_stock"]
    search_fields = ["sku", "name"]
