import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from grappe.core.fields import PercentField, QuantityField
from grappe.core.money import plain_number


class CloseForm(forms.Form):
    """Closing a distribution: the required tick box (`confirmed`), and `early`, the explicit choice
    to close it before its day (the service refuses that without it)."""

    confirmed = forms.BooleanField(error_messages={
        "required": _("Tick the box to confirm the closing: the distribution is still open.")})
    early = forms.BooleanField(required=False)


class ServedForm(forms.Form):
    """The quantities served on a basket, one optional box per line (`served-<line id>`): an empty
    box means what was allotted. Whatever is refused, the page shows again every box as typed."""

    def __init__(self, *args, lines=(), **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[self.name_for(line.pk)] = QuantityField(
                required=False, label=line.name,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "qty-input",
                                              "placeholder": plain_number(line.allotted)}))
            if line.served is not None:
                self.initial[self.name_for(line.pk)] = plain_number(line.served)

    @staticmethod
    def name_for(line_id) -> str:
        return f"served-{line_id}"

    def rows(self):
        """(line, bound field) in the order of the lines."""
        return [(line, self[self.name_for(line.pk)]) for line in self.lines]

    def served(self) -> dict[int, Decimal]:
        """What was typed, per line id (empty boxes left out)."""
        return {line.pk: self.cleaned_data[self.name_for(line.pk)] for line in self.lines
                if self.cleaned_data.get(self.name_for(line.pk)) is not None}

    def refuse(self, error):
        """A refusal of the service, beside the box it is about when it names one."""
        line_id = getattr(error, "line_id", None)
        name = self.name_for(line_id) if line_id is not None else None
        self.add_error(name if name in self.fields else None, str(error))


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
