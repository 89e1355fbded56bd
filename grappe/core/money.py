"""Money and quantities: the one place that rounds.

Amounts are Decimal euros rounded to the cent with ROUND_HALF_UP, once per line; a total is the
sum of rounded lines. Quantities are Decimal in the product's unit, with three decimal places.
Django-free.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
# Unit prices (a member's price per kg, L or piece) keep six decimals: they are prices, not amounts.
# An amount is line_total(unit_price, quantity), rounded to the cent once.
UNIT_PRICE = Decimal("0.000001")
MILLI = Decimal("0.001")
ZERO = Decimal("0.00")
NBSP = "\u00a0"
LARGEST = Decimal("1e12")  # no column holds as much: beyond it a text is a slip, never an amount
NARROW_NBSP = "\u202f"


def to_decimal(value) -> Decimal:
    """A Decimal from an int, str or Decimal; floats are refused (they carry binary error).

    Text must be finite, in digits 0-9 and below 10^12 (NaN, Infinity, 1e30 or "٣" raise ValueError).
    Typed numbers are better read with `core.numbers.parse_decimal`, which also bounds them."""
    if isinstance(value, float):
        raise TypeError("floats are not money: pass a str or a Decimal")
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    if not text.isascii():  # Decimal would read "٣" or "３" as 3: people cannot check such digits
        raise ValueError(f"not a number: {value!r}")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not number.is_finite() or abs(number) >= LARGEST:
        raise ValueError(f"not a usable number: {value!r}")
    return number


def round_cents(amount: Decimal) -> Decimal:
    return to_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def round_unit_price(price: Decimal) -> Decimal:
    """A price per member unit, to the millionth of a euro (ROUND_HALF_UP)."""
    return to_decimal(price).quantize(UNIT_PRICE, rounding=ROUND_HALF_UP)


def round_quantity(quantity: Decimal) -> Decimal:
    return to_decimal(quantity).quantize(MILLI, rounding=ROUND_HALF_UP)


def line_total(unit_price: Decimal, quantity: Decimal) -> Decimal:
    """The amount of one line, rounded once."""
    return round_cents(to_decimal(unit_price) * to_decimal(quantity))


def french_number(value, places: int | None = None, *, grouped: bool = False, trim: bool = False) -> str:
    """`value` as French readers write it: a decimal comma, a minus sign only below zero, no exponent.

    places=None keeps every decimal but the trailing zeros (12.50 -> "12,5", 70.00 -> "70");
    places=n rounds half up to n decimals and writes them all (12.5, 2 -> "12,50"), unless `trim`
    drops the trailing zeros (2.04, 1 -> "2"); grouped puts a narrow no-break space between groups
    of three digits ("1 234,5"). The one place numbers are written for people."""
    number = to_decimal(value)
    if places is None:
        number, trim = number.normalize(), True
    else:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{abs(number):f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    units, _, decimals = text.partition(".")
    if grouped:
        units = f"{int(units):,}".replace(",", NARROW_NBSP)
    sign = "-" if number < 0 else ""
    return sign + units + ("," + decimals if decimals else "")


def format_euros(amount: Decimal) -> str:
    """French display: 1 234,50 €."""
    return french_number(round_cents(amount), 2, grouped=True) + NBSP + "€"


def plain_number(value: Decimal) -> str:
    """70.00 -> "70", 12.50 -> "12,5": no trailing zeros, no exponent, French decimal comma."""
    return french_number(value)
