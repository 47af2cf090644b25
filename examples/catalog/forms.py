"""Forms of the catalogue (the admin edits products with ``ProductForm``)."""

import re

from django import forms
from django.core.exceptions import ValidationError

from catalog.models import Product
from catalog.utils import sku_is_valid  # expect-measured: IMC101

SKU_PATTERN = re.compile(r"([A-Z]{3})-(\d{5})-(\d)")  # expect: IMC403


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["category", "sku", "name", "description", "price", "in_stock"]

    def clean_sku(self) -> str:
        sku = self.cleaned_data["sku"].strip().upper()
        match = SKU_PATTERN.fullmatch(sku)
        if match is None:
            raise ValidationError("Enter a SKU like ABC-12345-7.")
        if not sku_is_valid(int(match[2]), int(match[3])):
            raise ValidationError("The check digit of this SKU is wrong.")
        return sku
