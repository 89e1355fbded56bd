"""Bounded number types for the API's input schemas: the bounds of `core.numbers`, stated in the
OpenAPI schema (minimum, maximum, decimal places) and enforced by pydantic, then checked again by
the same pure rule as the forms. NaN, infinities, 1e30 or 2.0000000001 are a 422, never a 500."""

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from grappe.core import numbers


def _checked(places, max_value, min_value):
    def check(value: Decimal) -> Decimal:
        try:
            return numbers.check_decimal(value, places=places, max_value=max_value, min_value=min_value)
        except numbers.NumberError as error:
            raise ValueError(f"not an accepted number ({error.code})") from None

    return AfterValidator(check)


def _read(places, max_value, min_value):
    """A JSON string is read as a person's number ("2,5" or "2.5", digits 0-9 only: pydantic alone
    would read "٣" as 3 and "1e30" as 10^30)."""

    def read(value):
        if isinstance(value, str):
            try:
                return numbers.parse_decimal(value, places=places, max_value=max_value, min_value=min_value)
            except numbers.NumberError as error:
                raise ValueError(f"not an accepted number ({error.code})") from None
        return value

    return BeforeValidator(read)


def bounded(places: int, max_value: Decimal, min_value: Decimal = Decimal("0")):
    """A Decimal type with these bounds, for an input schema."""
    return Annotated[Decimal, Field(ge=min_value, le=max_value, decimal_places=places, allow_inf_nan=False),
                     _read(places, max_value, min_value), _checked(places, max_value, min_value)]


Quantity = bounded(numbers.QUANTITY_PLACES, numbers.QUANTITY_MAX)
PositiveAmount = bounded(numbers.AMOUNT_PLACES, numbers.AMOUNT_MAX)
SignedAmount = bounded(numbers.AMOUNT_PLACES, numbers.AMOUNT_MAX, -numbers.AMOUNT_MAX)
Percent = bounded(numbers.PERCENT_PLACES, numbers.PERCENT_MAX)
Kilometres = bounded(1, Decimal("99999.9"))
WholePacks = bounded(0, Decimal("99999"))
Step = bounded(numbers.QUANTITY_PLACES, numbers.QUANTITY_MAX, Decimal("0.001"))  # an order step or a pack size
CostPerKg = bounded(4, Decimal("9999.9999"))
PackSize = bounded(numbers.QUANTITY_PLACES, Decimal("10000"), Decimal("0.001"))
