import pytest

from grappe.notify.phones import is_mobile, to_e164


@pytest.mark.parametrize("raw, expected", [
    ("06 12 34 56 78", "+33612345678"),
    ("06.12.34.56.78", "+33612345678"),
    ("0612345678", "+33612345678"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("+33 (0)6 12 34 56 78", "+33612345678"),
    ("0033612345678", "+33612345678"),
    ("33612345678", "+33612345678"),
    ("04 75 00 00 00", "+33475000000"),
    ("0690 12 34 5", None),  # too short: 9 digits
    ("06 90 12 34 56", "+590690123456"),  # Guadeloupe mobile
    ("06 92 12 34 56", "+262692123456"),  # Réunion mobile
    ("+32 470 12 34 56", "+32470123456"),
    ("", None), ("n/a", None), ("12", None), ("00 00 00 00 00", None),
])
def test_numbers_are_normalised_to_e164(raw, expected):
    assert to_e164(raw) == expected


def test_landlines_are_not_mobiles():
    assert is_mobile("+33612345678") and is_mobile("+33712345678")
    assert not is_mobile("+33475000000")
