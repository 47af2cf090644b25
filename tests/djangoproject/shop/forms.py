"""Forms: class bodies run at import, so their field arguments do too."""

from django import forms

from shop.models import Category, Product, Setting, Tag


def size_choices():
    return list(Setting.objects.values_list("key", "value"))


class ProductForm(forms.ModelForm):
    category = forms.ModelChoiceField(queryset=Category.objects.all())
    tags = forms.ModelMultipleChoiceField(queryset=Tag.objects.order_by("name"), required=False)
    related = forms.ModelChoiceField(queryset=Product.objects.filter(live=True), required=False)

    class Meta:
        model = Product
        fields = ["category", "name", "slug", "price", "live", "tags"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Product.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Taken.")
        return slug


class FilterForm(forms.Form):
    category = forms.ChoiceField(choices=Category.objects.values_list("slug", "name"))
    tag = forms.ChoiceField(choices=[(t.pk, t.name) for t in Tag.objects.all()])
    size = forms.ChoiceField(choices=size_choices)
    sort = forms.ChoiceField(choices=[("name", "Name"), ("price", "Price")])
    shelf = forms.CharField(widget=forms.Select(choices=Category.objects.values_list("slug", "name")))
    first = forms.CharField(initial=Category.objects.first, required=False)
    default_tag = forms.CharField(initial=Tag.objects.order_by("pk").first().name)
    products = forms.ModelMultipleChoiceField(
        queryset=Product.objects.all(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["size"].choices = Setting.objects.values_list("key", "value")


class SearchForm(forms.Form):
    q = forms.CharField(required=False)
    in_category = forms.TypedChoiceField(
        choices=Category.objects.values_list("pk", "name"),
        coerce=int,
        required=False,
    )
    multiple = forms.MultipleChoiceField(
        choices=Tag.objects.values_list("pk", "name"), required=False
    )
