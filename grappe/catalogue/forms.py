from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.fields import AmountField, PercentField
from grappe.core.tabular import looks_like_formula

from .models import PriceTier, Product, ReferencePrice, Suggestion, Supplier
from .services import FORMULA_REFUSAL


class SupplierForm(forms.ModelForm):
    class Meta:
        model = Supplier
        fields = ["name", "kind", "address", "commune", "distance_km", "labels", "contact_name", "phone", "email",
                  "delivery_days", "lead_time_days", "minimum_order_amount", "minimum_order_packs",
                  "free_delivery_threshold", "payment_terms", "transport_cost_per_kg", "cost_share_percent",
                  "notes", "active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 3}),
                   "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})}

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.association = association

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Supplier.objects.filter(association=self.association, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("A supplier with this name already exists."))
        return name


MAX_PHOTO_PIXELS = 40_000_000  # 40 megapixels: more than any phone takes


PRODUCT_FIELDS = ["name", "reference", "family", "description", "origin_place", "origin_region",
                  "origin_country", "producer", "production_conditions", "is_organic", "is_fair_trade", "is_local",
                  "local_km", "allergens", "photo", "unit", "order_step", "is_bulk", "pack_size", "minimum_packs",
                  "max_per_member", "weight_kg_per_unit", "available"]


class ProductForm(forms.ModelForm):
    """The product's description. Its price is set here only when it is created."""

    class Meta:
        model = Product
        fields = [*PRODUCT_FIELDS, "pack_price_excl_vat", "vat_rate"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "production_conditions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, supplier, **kwargs):
        super().__init__(*args, **kwargs)
        self.supplier = supplier
        if self.instance.pk:
            del self.fields["pack_price_excl_vat"]
            del self.fields["vat_rate"]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        image = getattr(photo, "image", None)  # set by Django's ImageField once Pillow has checked the file
        if image is not None and image.size[0] * image.size[1] > MAX_PHOTO_PIXELS:
            raise forms.ValidationError(
                _("This photo has too many pixels (more than %(mp)s million): send a smaller one.")
                % {"mp": MAX_PHOTO_PIXELS // 1_000_000})
        return photo

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if looks_like_formula(name):
            raise forms.ValidationError(FORMULA_REFUSAL % {"text": name[:30]})
        return name

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if looks_like_formula(reference):
            raise forms.ValidationError(FORMULA_REFUSAL % {"text": reference[:30]})
        clash = Product.objects.filter(supplier=self.supplier, reference=reference)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This supplier already has a product with this reference."))
        return reference

    def clean(self):
        data = super().clean()
        if data.get("is_local") and not data.get("local_km"):
            self.add_error("local_km", _("Say within how many kilometres the product is local."))
        return data


class PriceChangeForm(forms.Form):
    pack_price_excl_vat = AmountField(label=_("New pack price excl. VAT (EUR)"))
    vat_rate = PercentField(label=_("VAT rate (%)"))
    valid_from = forms.DateTimeField(label=_("Valid from"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                format="%Y-%m-%dT%H:%M"),
                                     help_text=_("Empty: from now on. Orders already placed keep their price."))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Price list (XLSX or CSV)"),
                           help_text=_("First row: the column names. Needed: Référence, Prix HT. "
                                       "Optional: Désignation, TVA, Conditionnement, Unité, Famille."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}))


class ImportConfirmForm(forms.Form):
    keep_valid_only = forms.BooleanField(label=_("Save only the valid rows and leave out the rows in error"),
                                         required=False)
    valid_from = forms.DateTimeField(label=_("New prices valid from"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                format="%Y-%m-%dT%H:%M"),
                                     help_text=_("Empty: from now on."))
    jumps_confirmed = forms.BooleanField(label=_("I checked the flagged prices: save them as they are"),
                                         required=False)


class SelectionForm(forms.Form):
    products = forms.ModelMultipleChoiceField(queryset=Product.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple, label=_("Products offered"))

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].queryset = (Product.objects.filter(association=association)
                                            .select_related("supplier").order_by("family", "name"))


class TierForm(forms.ModelForm):
    class Meta:
        model = PriceTier
        fields = ["percent", "note"]


class SuggestionForm(forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = ["name", "details"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}


class SuggestionAnswerForm(forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = ["status", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2})}


class ReferencePriceForm(forms.Form):
    price_per_unit = AmountField(label=_("Shop price per unit incl. VAT (EUR)"), max_value=Decimal("10000"))
    shop = forms.CharField(label=_("Shop"), max_length=200,
                           help_text=_("An ordinary shop nearby, e.g. « Intermarché Romans »."))
    observed_on = forms.DateField(label=_("Seen on"), widget=forms.DateInput(attrs={"type": "date"},
                                                                            format="%Y-%m-%d"))
    comparison = forms.ChoiceField(label=_("How it was compared"), choices=ReferencePrice.Comparison.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReferenceImportForm(forms.Form):
    file = forms.FileField(label=_("Shop prices (XLSX or CSV)"),
                           help_text=_("First row: the column names. Needed: Référence or Désignation, "
                                       "Prix magasin (per unit), Magasin, Date. Optional: Comparaison "
                                       "(identique, similaire, converti)."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}))


class ReferenceConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)
