"""The one parser of typed numbers, against an independent reference written digit by digit."""

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from grappe.core.numbers import (
    AMOUNT_MAX,
    QUANTITY_MAX,
    NumberError,
    check_decimal,
    column_value,
    parse_decimal,
)

SPACES = " \u00a0\u202f"
ASCII_DIGITS = "0123456789"


def reference(text: str, *, places: int, max_value: Fraction, min_value: Fraction):
    """Reads `text` one character at a time, computes with fractions: ("ok", Fraction) or ("error", code)."""
    kept = [char for char in text.strip() if char not in SPACES]  # spaces group digits
    if not kept:
        return ("error", "empty")
    if any(char.isdecimal() and char not in ASCII_DIGITS for char in kept):
        return ("error", "script")
    if len(kept) > 40:
        return ("error", "invalid")
    sign, position = 1, 0
    if kept[0] in "+-":
        sign = -1 if kept[0] == "-" else 1
        position = 1
    whole, fraction, seen_point = [], [], False
    for char in kept[position:]:
        if char in ASCII_DIGITS:
            (fraction if seen_point else whole).append(char)
        elif char in ",." and not seen_point:
            seen_point = True
        else:
            return ("error", "invalid")
    if not whole and not fraction:
        return ("error", "invalid")
    value = Fraction(int("".join(whole) or "0"))
    for index, digit in enumerate(fraction, start=1):
        value += Fraction(int(digit), 10 ** index)
    value *= sign
    significant = "".join(fraction).rstrip("0")
    if len(significant) > places:
        return ("error", "places")
    if value > max_value:
        return ("error", "too_large")
    if value < min_value:
        return ("error", "too_small")
    return ("ok", value)


def ours(text, **bounds):
    try:
        return ("ok", Fraction(parse_decimal(text, **bounds)))
    except NumberError as error:
        return ("error", error.code)


ALPHABET = st.sampled_from(list("0123456789,.+- \u00a0\u202f\teEnaNIifty٣３¹") + ["1", "2", "5", "9"])


@given(text=st.text(ALPHABET, max_size=25), places=st.integers(0, 6), min_value=st.sampled_from([0, -100]))
@example(text="NaN", places=3, min_value=0)
@example(text="Infinity", places=3, min_value=0)
@example(text="1e30", places=3, min_value=0)
@example(text="2.0000000001", places=3, min_value=0)
@example(text="99999999999999999999", places=3, min_value=0)
@example(text="٣", places=3, min_value=0)
@example(text="３", places=3, min_value=0)
@example(text="2,5", places=3, min_value=0)
@example(text="1 234,50", places=2, min_value=0)
@example(text="-0", places=2, min_value=0)
def test_parser_agrees_with_the_reference(text, places, min_value):
    bounds = {"places": places, "max_value": QUANTITY_MAX, "min_value": D(min_value)}
    assert ours(text, **bounds) == reference(text, places=places, max_value=Fraction(QUANTITY_MAX),
                                             min_value=Fraction(min_value))


@given(st.decimals(min_value=0, max_value=AMOUNT_MAX, places=2, allow_nan=False, allow_infinity=False),
       st.booleans())
def test_every_amount_written_the_french_way_reads_back(value, french):
    text = f"{value:f}".replace(".", "," if french else ".")
    assert parse_decimal(text, places=2, max_value=AMOUNT_MAX) == value


@pytest.mark.parametrize("text, code", [
    ("NaN", "invalid"), ("nan", "invalid"), ("Infinity", "invalid"), ("-inf", "invalid"), ("1e30", "invalid"),
    ("2.0000000001", "places"), ("99999999999999999999", "too_large"), ("٣", "script"), ("３", "script"),
    ("1,2,3", "invalid"), ("", "empty"), ("-1", "too_small"), ("0x10", "invalid"),
])
def test_what_was_seen_is_refused(text, code):
    with pytest.raises(NumberError) as refused:
        parse_decimal(text, places=3, max_value=QUANTITY_MAX)
    assert refused.value.code == code


def test_blank_means_what_the_caller_says():
    assert parse_decimal("  ", places=3, max_value=QUANTITY_MAX, blank=D("0")) == 0


def test_decimals_from_the_api_are_checked_the_same_way():
    for value in (D("NaN"), D("sNaN"), D("Infinity"), D("1e30"), D("2.0000000001")):
        with pytest.raises(NumberError):
            check_decimal(value, places=3, max_value=QUANTITY_MAX)
    assert check_decimal(D("2.500"), places=1, max_value=QUANTITY_MAX) == D("2.5")
    assert check_decimal(D("0E+30"), places=1, max_value=QUANTITY_MAX) == 0


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_column_value_is_what_a_numeric_column_can_hold(value):
    stored = column_value(value, max_digits=12, decimal_places=3)
    if stored is not None:
        assert stored.is_finite() and abs(stored) < D("1000000000")
        assert abs(stored - value) <= D("0.0005")
    else:
        assert not value.is_finite() or abs(value) >= D("999999999.9995")


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf", "1e30", "99999999999999999999", "٣", "３"])
def test_to_decimal_refuses_what_no_column_can_hold(text):
    from grappe.core.money import to_decimal

    with pytest.raises(ValueError):
        to_decimal(text)
