"""Admin classes: their bodies and decorator arguments run at import."""

from django.contrib import admin

from shop.models import Category, Product, Setting, Tag


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "live"]
    list_filter = ["category", "live"]
    search_fields = ["name"]
    DEFAULT_CATEGORY = Category.objects.order_by("pk").first()
    CATEGORY_CHOICES = Category.objects.values_list("pk", "name")
    list_per_page = int(Setting.objects.get(key="page_size").value)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category")

    @admin.display(description="Tags")
    def tag_list(self, obj):
        return ", ".join(obj.tags.values_list("name", flat=True))


class TagAdmin(admin.ModelAdmin):
    ordering = ["name"]
    KNOWN = [t.name for t in Tag.objects.all()]


admin.site.register(Tag, TagAdmin)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ("name",)}

    def get_list_display(self, request):
        if Category.objects.count() > 10:
            return ["name"]
        return ["name", "slug"]
