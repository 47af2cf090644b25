"""Models of the shop. A models module cannot query at import (the app
registry is not ready), so everything here must stay silent."""

from django.db import models


class PublishedManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(live=True)


class Category(models.Model):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=30, unique=True)


def default_price():
    return Setting.objects.get(key="default_price").value


class Product(models.Model):
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        limit_choices_to={"slug__in": ["food", "toys"]},
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    price = models.DecimalField(max_digits=8, decimal_places=2, default=default_price)
    live = models.BooleanField(default=True)
    tags = models.ManyToManyField(Tag, blank=True)
    size = models.CharField(max_length=1, choices=[("s", "Small"), ("l", "Large")], default="s")

    objects = models.Manager()
    published = PublishedManager()

    def related(self):
        return Product.objects.filter(category=self.category).exclude(pk=self.pk)


class Setting(models.Model):
    key = models.CharField(max_length=50, unique=True)
    value = models.CharField(max_length=200)


class AuditEntry(models.Model):
    message = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
