"""Serializer-like classes (without a REST framework): class bodies run at import."""

from shop.models import Category, Product, Setting


class Field:
    def __init__(self, source=None, choices=None, default=None):
        self.source = source
        self.choices = choices
        self.default = default


class CountingField:
    def __init__(self, choices):
        self.size = len(choices)


class ProductSerializer:
    name = Field()
    category = Field(choices=Category.objects.values_list("slug", flat=True))
    currency = Field(default=Setting.objects.filter(key="currency").values_list("value", flat=True).first())
    counted = CountingField(choices=Category.objects.all())

    class Meta:
        model = Product
        fields = ["name", "category"]
        read_only = [f.name for f in Product._meta.get_fields()]

    def get_related(self, product):
        return list(Product.objects.filter(category=product.category))
