from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class StockSaleForm(forms.Form):
    product = forms.TypedChoiceField(label=_("Product from stock"), coerce=int)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.001"), decimal_places=3, max_digits=12)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = choices


class SlotForm(forms.Form):
    task = forms.CharField(label=_("Task"), max_length=100)
    time = forms.CharField(label=_("Time"), max_length=40, required=False)


class SettingsForm(forms.Form):
    weighing_tolerance_percent = forms.DecimalField(
        label=_("Weighing tolerance (%)"), min_value=Decimal("0"), max_value=Decimal("100"), decimal_places=2,
        help_text=_("How far a weighed bulk quantity may differ from the quantity allotted."))
