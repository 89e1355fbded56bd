"""`money.french_number`, the one writer of numbers for people, against a reference built another way:
from the integer of hundredths (or thousandths...) and its digits, never from Python's format mini-language."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from grappe.core.money import NARROW_NBSP, format_euros, french_number, plain_number
from grappe.core.tabular import Verbatim, french_amount

numbers = st.decimals(min_value=Decimal("-99999999.999999"), max_value=Decimal("99999999.999999"),
                      allow_nan=False, allow_infinity=False, places=6)


def reference(value: Decimal, places: int, *, grouped: bool, trim: bool) -> str:
    scaled = int((value * 10**places).to_integral_value(rounding=ROUND_HALF_UP))
    units, rest = divmod(abs(scaled), 10**places)
    decimals = str(rest).rjust(places, "0") if places else ""
    if trim:
        decimals = decimals.rstrip("0")
    digits = str(units)
    if grouped:
        groups = []
        while len(digits) > 3:
            groups.insert(0, digits[-3:])
            digits = digits[:-3]
        digits = NARROW_NBSP.join([digits, *groups])
    return ("-" if scaled < 0 else "") + digits + ("," + decimals if decimals else "")


@given(numbers, st.integers(min_value=0, max_value=6), st.booleans(), st.booleans())
def test_a_number_is_written_as_its_rounded_digits(value, places, grouped, trim):
    assert french_number(value, places, grouped=grouped, trim=trim) == reference(value, places, grouped=grouped,
                                                                                 trim=trim)


@given(numbers)
def test_a_plain_number_keeps_every_decimal_but_the_trailing_zeros(value):
    assert plain_number(value) == reference(value, 6, grouped=False, trim=True)


@given(numbers)
def test_euros_are_cents_grouped_by_three(value):
    assert format_euros(value) == reference(value, 2, grouped=True, trim=False) + "\u00a0€"


@given(numbers)
def test_an_exported_amount_is_written_with_two_decimals_and_never_quoted(value):
    cell = french_amount(value)
    assert isinstance(cell, Verbatim)
    assert cell == reference(value, 2, grouped=False, trim=False)


def test_examples():
    assert format_euros(Decimal("1234.5")) == "1\u202f234,50\u00a0€"
    assert format_euros(Decimal("-0.004")) == "0,00\u00a0€"
    assert plain_number(Decimal("70.00")) == "70"
    assert plain_number(Decimal("1E+2")) == "100"
    assert plain_number(Decimal("12.50")) == "12,5"
    assert french_number(Decimal("2.04"), 1, trim=True) == "2"
    assert french_number(Decimal("-1234567.25"), 1, grouped=True) == "-1\u202f234\u202f567,3"
