"""Forms of the orders pages: every POST that carries fields is read through one of them (opening,
closing a cycle and sending a purchase order are a button alone).

Quantities go through `core.fields` (QuantityField): "2,5" and "2.5" alike, bounded, refused in French.
A form only reads and checks what was typed; the rules (a cycle open, a cap per member, a closing
after the opening...) stay in the services, whose refusals the view puts back on the form's page.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grappe.core import numbers
from grappe.core.fields import DecimalInput, QuantityField

from .models import Channel, Rounding, StockMove, Strategy

ZERO = Decimal("0")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def refusals_of(form: forms.Form, rows=()) -> list[str]:
    """The French sentences of a refused form, each once: first, one per refused row (a product, a
    purchase order line; `rows`: (name, its field names) pairs), naming it with the first refusal of
    its boxes; then the others, in the order of the fields."""
    found, named = [], set()
    for name, fields in rows:
        named.update(fields)
        errors = [error for field in fields for error in form.errors.get(field, [])]
        if errors:
            found.append(_("%(product)s: %(reason)s") % {"product": name, "reason": errors[0]})
    for field, errors in form.errors.items():
        found += [error for error in errors if field not in named and error not in found]
    return found


# --- a basket: the member's, on their behalf, a paper form ----------------------------------------


class BasketForm(forms.Form):
    """Quantities (`q-<product id>`) and tolerances (`t-<product id>`) of the products offered, the
    stepper buttons (`plus`/`minus` = a product id) and, on behalf, the channel the order came by.

    An empty or absent box is 0. Whatever is refused, `typed()` gives back every box as typed.
    """

    plus = forms.CharField(required=False)
    minus = forms.CharField(required=False)
    channel = forms.ChoiceField(required=False, choices=[c for c in Channel.choices if c[0] != Channel.ONLINE])

    def __init__(self, *args, prices=(), on_behalf=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.prices = list(prices)
        if not on_behalf:
            del self.fields["channel"]  # a member orders online, a paper form is on paper
        for price in self.prices:
            self.fields[f"q-{price.product_id}"] = QuantityField(required=False, label=price.name)
            self.fields[f"t-{price.product_id}"] = QuantityField(required=False, label=price.name)

    @property
    def stepped(self) -> str:
        """The product id of the stepper button pressed ("" for a save)."""
        return self.data.get("plus") or self.data.get("minus") or ""

    def refusals(self) -> list[str]:
        return refusals_of(self, [(p.name, (f"q-{p.product_id}", f"t-{p.product_id}")) for p in self.prices])

    def wanted(self) -> dict[int, tuple[Decimal, Decimal]]:
        """(quantity, tolerance) per product whose boxes are read, with the stepper applied."""
        data = self.cleaned_data
        plus, minus = data.get("plus") or "", data.get("minus") or ""
        wanted = {}
        for price in self.prices:
            pid = price.product_id
            if f"q-{pid}" not in data or f"t-{pid}" not in data:
                continue  # refused
            quantity, tolerance = data[f"q-{pid}"] or ZERO, data[f"t-{pid}"] or ZERO
            if plus == str(pid) and quantity + price.order_step <= numbers.QUANTITY_MAX:
                quantity += price.order_step
            if minus == str(pid):
                quantity = max(quantity - price.order_step, ZERO)
            wanted[pid] = (quantity, tolerance)
        return wanted

    def typed(self) -> dict[int, tuple[str | None, str | None]]:
        """The texts of every product as posted (None: show the quantity, the stepper changed it)."""
        typed = {}
        for price in self.prices:
            pid = price.product_id
            quantity = None if self.stepped == str(pid) else self.data.get(f"q-{pid}")
            typed[pid] = (quantity, self.data.get(f"t-{pid}"))
        return typed


class MemberNumberForm(forms.Form):
    """The member number typed on the paper entry screen (`numero`: query parameters are French, as the
    page addresses), and whether their form is saved (`save`)."""

    numero = forms.CharField(required=False)
    save = forms.BooleanField(required=False)


# --- cycles ---------------------------------------------------------------------------------------


class CycleForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    opens_at = forms.DateTimeField(required=False, widget=DATETIME_INPUT)
    closes_at = forms.DateTimeField(required=False, widget=DATETIME_INPUT)
    distribution_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    place = forms.CharField(max_length=200, required=False)
    groups = forms.TypedMultipleChoiceField(required=False, coerce=int)
    strategy = forms.ChoiceField(required=False, choices=Strategy.choices, initial=Strategy.FAIR)
    rounding = forms.ChoiceField(required=False, choices=Rounding.choices, initial=Rounding.FILL)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = list(groups)
        self.fields["groups"].choices = [(g.pk, g.name) for g in self.groups]

    def clean(self):
        data = super().clean()
        needed = ("name", "opens_at", "closes_at", "distribution_date")
        if any(name not in self.errors and not data.get(name) for name in needed):
            raise ValidationError(_("Fill in the name, the opening and closing times and the distribution date."))
        return data

    def chosen_groups(self) -> list:
        return [g for g in self.groups if g.pk in self.cleaned_data["groups"]]


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(
        widget=DATETIME_INPUT,
        error_messages={"required": gettext_lazy("Give the new closing date and time."),
                        "invalid": gettext_lazy("Give the new closing date and time.")})


class ConfirmForm(forms.Form):
    """The tick box of an action that cannot be undone (`confirmed`): without it, nothing is done and
    the page comes back with `refusal`, in French."""

    confirmed = forms.BooleanField()

    def __init__(self, *args, refusal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].error_messages["required"] = refusal


class ReopenForm(forms.Form):
    """Reopening the orders of a closed cycle: the new deadline (empty: the first one, if still ahead)."""

    closes_at = forms.DateTimeField(
        required=False, widget=DATETIME_INPUT,
        error_messages={"invalid": gettext_lazy("Give the new closing date and time.")})


class ScheduleForm(forms.Form):
    """Per group of the cycle (`date-`, `time-`, `site-`, `place-<cycle group id>`) and per stop of a
    van (`stop-date-`, `stop-time-<stop id>`): the distribution's date, time and place."""

    def __init__(self, *args, cycle_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle_groups = list(cycle_groups)
        for cg in self.cycle_groups:
            self.fields[f"date-{cg.pk}"] = forms.DateField(required=False)
            self.fields[f"time-{cg.pk}"] = forms.CharField(required=False, max_length=40)
            self.fields[f"site-{cg.pk}"] = forms.IntegerField(required=False)
            self.fields[f"place-{cg.pk}"] = forms.CharField(required=False, max_length=200)
            for stop in cg.stops.all():
                self.fields[f"stop-date-{stop.pk}"] = forms.DateField(required=False)
                self.fields[f"stop-time-{stop.pk}"] = forms.CharField(required=False, max_length=40)

    def groups(self) -> list[tuple]:
        """(cycle group id, date, time, site id, place) per group."""
        data = self.cleaned_data
        return [(cg.pk, data[f"date-{cg.pk}"], data[f"time-{cg.pk}"], data[f"site-{cg.pk}"], data[f"place-{cg.pk}"])
                for cg in self.cycle_groups]

    def stops(self) -> list[tuple]:
        """(stop id, date, time) per stop."""
        data = self.cleaned_data
        return [(stop.pk, data[f"stop-date-{stop.pk}"], data[f"stop-time-{stop.pk}"])
                for cg in self.cycle_groups for stop in cg.stops.all()]


# --- closing --------------------------------------------------------------------------------------


class PacksField(DecimalInput):
    """A number of packs: a whole number, 0 or more ("2,0" is 2)."""

    def __init__(self, **kwargs):
        super().__init__(places=numbers.QUANTITY_PLACES, max_value=numbers.QUANTITY_MAX, **kwargs)

    def to_python(self, value):
        refused = ValidationError(_("A number of packs is a whole number, 0 or more."), code="packs")
        try:
            packs = super().to_python(value)
        except ValidationError:
            raise refused from None
        if packs is not None and packs != packs.to_integral_value():
            raise refused
        return packs


class ReviewForm(forms.Form):
    """The packs chosen per product (`packs-<product id>`, empty: the proposal), the group that keeps
    the leftovers, and whether to confirm (else: recompute); confirming needs the tick box
    `confirmed` too (the view refuses a confirmation without it)."""

    stock_group = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    confirm = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, product_ids=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.product_ids = list(product_ids)
        self.groups = list(groups)
        self.fields["stock_group"].choices = [("", "")] + [(g.pk, g.name) for g in self.groups]
        for pid in self.product_ids:
            self.fields[f"packs-{pid}"] = PacksField(required=False)

    def packs(self) -> dict[int, Decimal]:
        """The packs typed, per product id (empty boxes and refused ones left out)."""
        data = getattr(self, "cleaned_data", {})
        return {pid: data[f"packs-{pid}"] for pid in self.product_ids if data.get(f"packs-{pid}") is not None}

    def stock_group_chosen(self):
        group_id = getattr(self, "cleaned_data", {}).get("stock_group")
        return next((g for g in self.groups if g.pk == group_id), None)

    def typed_packs(self) -> dict[int, str]:
        """What was typed in each box, to show it back."""
        return {pid: self.data[f"packs-{pid}"] for pid in self.product_ids if f"packs-{pid}" in self.data}


# --- receipt and stock ----------------------------------------------------------------------------


class SendAgainForm(forms.Form):
    """Sending a purchase order again: the box must be ticked (a required checkbox works without JS)."""

    again = forms.BooleanField(required=False)


class ReceiptForm(forms.Form):
    """Per purchase order line: delivered (empty: as ordered), damaged (empty: none), a substitute
    and a note."""

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"delivered-{line.pk}"] = QuantityField(required=False, label=line.name)
            self.fields[f"damaged-{line.pk}"] = QuantityField(required=False, label=line.name)
            self.fields[f"substitute-{line.pk}"] = forms.CharField(required=False, max_length=200)
            self.fields[f"note-{line.pk}"] = forms.CharField(required=False)

    def refusals(self) -> list[str]:
        return refusals_of(self, [(line.name, [f"{box}-{line.pk}" for box in ("delivered", "damaged", "substitute",
                                                                                 "note")]) for line in self.lines])

    def entries(self) -> list[tuple]:
        """(line id, delivered, damaged, substitute, note) per line."""
        data = self.cleaned_data
        return [(line.pk, line.quantity if data[f"delivered-{line.pk}"] is None else data[f"delivered-{line.pk}"],
                 data[f"damaged-{line.pk}"] or ZERO, data[f"substitute-{line.pk}"],
                 data[f"note-{line.pk}"][:200]) for line in self.lines]

    def typed(self) -> dict[int, dict[str, str]]:
        """What was typed per line, to show it back after a refusal."""
        return {line.pk: {name: self.data.get(f"{name}-{line.pk}", "")
                          for name in ("delivered", "damaged", "substitute", "note")} for line in self.lines}


class StockAdjustmentForm(forms.Form):
    CHOOSE = gettext_lazy("Choose a group and a product, and write a quantity.")
    KINDS = [(StockMove.Kind.INVENTORY, gettext_lazy("inventory (counted quantity)")),
             (StockMove.Kind.LOSS, gettext_lazy("loss (quantity lost)"))]

    group = forms.TypedChoiceField(coerce=int, error_messages={"required": CHOOSE, "invalid_choice": CHOOSE})
    product = forms.TypedChoiceField(coerce=int, error_messages={"required": CHOOSE, "invalid_choice": CHOOSE})
    kind = forms.ChoiceField(choices=KINDS)
    quantity = QuantityField(required=False)  # empty: 0 (an inventory found nothing)
    reason = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, groups=(), products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups, self.products = list(groups), list(products)
        self.fields["group"].choices = [(g.pk, g.name) for g in self.groups]
        self.fields["product"].choices = [(p.pk, p.name) for p in self.products]

    def chosen(self) -> tuple:
        """(group, product) chosen."""
        data = self.cleaned_data
        return (next(g for g in self.groups if g.pk == data["group"]),
                next(p for p in self.products if p.pk == data["product"]))
