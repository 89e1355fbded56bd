"""Numbers typed by people or sent to the API: parsed once, finite, bounded. Django-free.

Everything that becomes a quantity or an amount goes through `parse_decimal` (text typed in a form)
or `check_decimal` (a Decimal from the API or the code). Both refuse what once reached the database
and broke pages for everyone: `NaN`, `Infinity`, exponents (`1e30`), more decimals than the field
keeps (`2.0000000001`), numbers beyond the field (`99999999999999999999`), and digits of other
scripts (Arabic-Indic "٣", full-width "３": Python's Decimal reads them, people cannot check them).

French first: "2,5" and "2.5" are the same number; spaces between digit groups ("1 234,50", with a
plain, no-break or narrow no-break space) are allowed. The refusal carries a code and the bounds, and
the caller words it (the form field in French, the API as a 422).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Bounds of what a person can mean. Models keep 12 digits (10^9 for a quantity with 3 places,
# 10^10 for an amount with 2): these limits stay well below, so no sum of a few lines overflows.
QUANTITY_MAX = Decimal("99999.999")  # kg, L or pieces on one line: 100 tonnes is already absurd
QUANTITY_PLACES = 3
AMOUNT_MAX = Decimal("9999999.99")  # euros: ten million
AMOUNT_PLACES = 2
UNIT_PRICE_MAX = Decimal("99999.999999")  # euros per kg, L or piece
UNIT_PRICE_PLACES = 6
PERCENT_MAX = Decimal("100")
PERCENT_PLACES = 2

MAX_LENGTH = 40  # characters: the longest number above, with group spaces, fits many times over

_SPACES = " \u00a0\u202f"
_SHAPE = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


@dataclass(frozen=True)
class NumberError(ValueError):
    """Why a number is refused. `code` is one of: empty, invalid, script, places, too_small, too_large."""

    code: str
    places: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None

    def __str__(self):
        return self.code


def _foreign_digits(text: str) -> bool:
    return any(unicodedata.category(char) == "Nd" and not "0" <= char <= "9" for char in text)


def parse_decimal(text, *, places: int, max_value: Decimal, min_value: Decimal = Decimal("0"),
                  blank: Decimal | None = None) -> Decimal:
    """The Decimal written in `text`, or NumberError.

    `blank` is what an empty text means (None: an empty text is refused with code "empty").
    """
    if isinstance(text, float):
        raise TypeError("floats are not accepted: pass a str or a Decimal")
    if isinstance(text, (Decimal, int)) and not isinstance(text, bool):
        return check_decimal(Decimal(text), places=places, max_value=max_value, min_value=min_value)
    if not isinstance(text, str):
        raise NumberError("invalid")
    if len(text) > MAX_LENGTH * 4:
        raise NumberError("invalid")
    compact = "".join(char for char in text.strip() if char not in _SPACES)
    if not compact:
        if blank is None:
            raise NumberError("empty")
        return blank
    if _foreign_digits(compact):
        raise NumberError("script")
    if len(compact) > MAX_LENGTH or not _SHAPE.fullmatch(compact):
        raise NumberError("invalid")
    try:
        value = Decimal(compact.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the shape above is always a valid Decimal literal
        raise NumberError("invalid") from None
    return check_decimal(value, places=places, max_value=max_value, min_value=min_value)


def decimal_places_of(value: Decimal) -> int:
    """How many decimals `value` really has (trailing zeros do not count): 2.500 -> 1, 300 -> 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_decimal(value: Decimal, *, places: int, max_value: Decimal,
                  min_value: Decimal = Decimal("0")) -> Decimal:
    """`value` if it is finite, has at most `places` decimals and lies in [min_value, max_value]."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise NumberError("invalid")
    if value.is_zero():
        value = Decimal(0)
    if decimal_places_of(value) > places:
        raise NumberError("places", places=places)
    if value > max_value:
        raise NumberError("too_large", max_value=max_value)
    if value < min_value:
        raise NumberError("too_small", min_value=min_value)
    return value


def column_value(value: Decimal, *, max_digits: int, decimal_places: int) -> Decimal | None:
    """`value` rounded half up to `decimal_places` (what PostgreSQL stores in a NUMERIC(max_digits,
    decimal_places)), or None when it is not finite or does not fit."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return None
    if value.is_zero():
        value = Decimal(0)
    whole_digits = max_digits - decimal_places
    if value.adjusted() >= whole_digits:
        return None
    rounded = value.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)
    return rounded if rounded.adjusted() < whole_digits else None
