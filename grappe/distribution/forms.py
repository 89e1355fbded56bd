import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.fields import PercentField, QuantityField


class StockSaleForm(forms.Form):
    product = forms.TypedChoiceField(label=_("Product from stock"), coerce=int)
    quantity = QuantityField(label=_("Quantity"), min_value=Decimal("0.001"))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = choices


class TimeOfDayField(forms.TimeField):
    """A time typed as 16:30 (what a time picker sends) or the French way, 16h30 or 16 h."""

    widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

    def to_python(self, value):
        if isinstance(value, str):
            found = re.fullmatch(r"([01]?\d|2[0-3])\s*[hH]\s*([0-5]\d)?", value.strip())
            if found:
                return dt.time(int(found.group(1)), int(found.group(2) or 0))
        return super().to_python(value)


class SlotForm(forms.Form):
    task = forms.CharField(label=_("Task"), max_length=100)
    starts_at = TimeOfDayField(label=_("From"), help_text=_("For example 16:30"))
    ends_at = TimeOfDayField(label=_("To"), help_text=_("For example 19:00"))

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start is not None and end is not None and end <= start:
            self.add_error("ends_at", _("The slot must end after it starts."))
        return data


class SettingsForm(forms.Form):
    weighing_tolerance_percent = PercentField(
        label=_("Weighing tolerance (%)"),
        help_text=_("How far a weighed bulk quantity may differ from the quantity allotted."))
