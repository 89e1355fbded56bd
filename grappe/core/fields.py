"""Fields for numbers, on forms and on models, over the pure rules of `core.numbers`.

- `DecimalInput` (and `QuantityField`, `AmountField`, `UnitPriceField`, `PercentField`): the one form
  field of every quantity and amount. "2,5" and "2.5" are read alike; NaN, infinities, exponents,
  too many decimals, out-of-range values and other digit scripts are refused in French.
- `FiniteDecimalField`: the model field of every Decimal column. It refuses to save (DataError) a
  value that is not finite or does not fit the column, on SQLite as on PostgreSQL (SQLite would store
  it and break every page that reads it; PostgreSQL accepts NaN and Infinity in NUMERIC). It
  deconstructs as Django's DecimalField, so swapping it in needs no migration.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import DataError, models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import numbers
from .money import plain_number


def number_error_message(error: numbers.NumberError) -> str:
    """The French sentence for a refused number."""
    if error.code == "empty":
        return _("Write a number, for example 2 or 1,5.")
    if error.code == "script":
        return _("Write the number with the digits 0 to 9, for example 2 or 1,5.")
    if error.code == "places":
        if error.places == 0:
            return _("Write a whole number, without decimals.")
        return ngettext("At most %(places)d decimal.", "At most %(places)d decimals.", error.places) % {
            "places": error.places}
    if error.code == "too_large":
        return _("At most %(max)s.") % {"max": plain_number(error.max_value)}
    if error.code == "too_small":
        return _("At least %(min)s.") % {"min": plain_number(error.min_value)}
    return _("Write a number, for example 2 or 1,5.")


class DecimalInput(forms.Field):
    """A Decimal typed by a person: finite, at most `places` decimals, in [min_value, max_value]."""

    widget = forms.TextInput

    def __init__(self, *, places: int, max_value: Decimal, min_value: Decimal = Decimal("0"), **kwargs):
        self.places, self.max_value, self.min_value = places, Decimal(max_value), Decimal(min_value)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal")
        attrs.setdefault("autocomplete", "off")
        return attrs

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return numbers.parse_decimal(value, places=self.places, max_value=self.max_value,
                                         min_value=self.min_value)
        except numbers.NumberError as error:
            raise ValidationError(number_error_message(error), code=error.code) from None

    def prepare_value(self, value):
        """A stored Decimal is shown the French way ("2,5"); what was typed is shown as typed."""
        if isinstance(value, Decimal) and value.is_finite():
            return plain_number(value)
        return value


def QuantityField(*, max_value=numbers.QUANTITY_MAX, min_value=Decimal("0"), **kwargs) -> DecimalInput:  # noqa: N802
    return DecimalInput(places=numbers.QUANTITY_PLACES, max_value=max_value, min_value=min_value, **kwargs)


def AmountField(*, max_value=numbers.AMOUNT_MAX, min_value=Decimal("0"), **kwargs) -> DecimalInput:  # noqa: N802
    return DecimalInput(places=numbers.AMOUNT_PLACES, max_value=max_value, min_value=min_value, **kwargs)


def UnitPriceField(*, max_value=numbers.UNIT_PRICE_MAX, min_value=Decimal("0"), **kwargs) -> DecimalInput:  # noqa: N802
    return DecimalInput(places=numbers.UNIT_PRICE_PLACES, max_value=max_value, min_value=min_value, **kwargs)


def PercentField(*, max_value=numbers.PERCENT_MAX, min_value=Decimal("0"), **kwargs) -> DecimalInput:  # noqa: N802
    return DecimalInput(places=numbers.PERCENT_PLACES, max_value=max_value, min_value=min_value, **kwargs)


class FiniteDecimalField(models.DecimalField):
    """Django's DecimalField that can never write a non-finite or oversized value to the database."""

    description = gettext_lazy("Decimal number (finite, within its column)")

    def get_db_prep_save(self, value, connection):
        if value is not None and not hasattr(value, "resolve_expression"):
            try:
                decimal_value = value if isinstance(value, Decimal) else Decimal(str(value))
            except (ArithmeticError, TypeError, ValueError):
                raise DataError(f"{self.model.__name__}.{self.name}: not a number: {value!r}") from None
            stored = numbers.column_value(decimal_value, max_digits=self.max_digits,
                                          decimal_places=self.decimal_places)
            if stored is None:
                raise DataError(f"{self.model.__name__}.{self.name}: {value!r} does not fit "
                                f"NUMERIC({self.max_digits}, {self.decimal_places})")
            value = stored
        return super().get_db_prep_save(value, connection)

    def formfield(self, **kwargs):
        """In a ModelForm: a DecimalInput with the column's decimals, bounded by the sane limit of its
        kind (an amount, a quantity, a unit price) or by the column; the model's own validators
        (e.g. MinValueValidator) still run when the form cleans the instance."""
        column_max = Decimal(10) ** (self.max_digits - self.decimal_places) - Decimal(1).scaleb(-self.decimal_places)
        sane = {numbers.AMOUNT_PLACES: numbers.AMOUNT_MAX, numbers.QUANTITY_PLACES: numbers.QUANTITY_MAX,
                numbers.UNIT_PRICE_PLACES: numbers.UNIT_PRICE_MAX}.get(self.decimal_places, column_max)
        max_value = min(column_max, sane)
        return models.Field.formfield(self, **{"form_class": DecimalInput, "places": self.decimal_places,
                                               "max_value": max_value, "min_value": -max_value, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
